// The portal's JavaScript: only the GOV.UK Frontend components the pages use, bundled and
// tree-shaken by esbuild. Every page works without it; it adds character counts, the Exit this
// page shortcut, error summary focus and double-click protection.
import {
  Button,
  CharacterCount,
  Checkboxes,
  createAll,
  ErrorSummary,
  ExitThisPage,
  Radios,
  SkipLink,
} from "govuk-frontend";

for (const Component of [
  Button,
  CharacterCount,
  Checkboxes,
  ErrorSummary,
  ExitThisPage,
  Radios,
  SkipLink,
]) {
  createAll(Component);
}
