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

// The skip link puts #main-content in the address. Forms post back to the address and
// redirects keep the fragment, so every later page would open scrolled to main, and that
// takes focus away from the error summary. Focus has already moved to main: drop the fragment.
window.addEventListener("hashchange", () => {
  if (window.location.hash === "#main-content") {
    window.history.replaceState(window.history.state, "", window.location.pathname + window.location.search);
  }
});
