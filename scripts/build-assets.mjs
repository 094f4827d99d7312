// Compiles our Sass on GOV.UK Frontend and copies the browser files the pages load.
import { mkdirSync, copyFileSync, writeFileSync } from "node:fs";
import { compile } from "sass";

const out = "static/build";
mkdirSync(out, { recursive: true });

const css = compile("static/src/portal.scss", {
  loadPaths: ["node_modules"],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(`${out}/portal.css`, css.css);

copyFileSync("node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js", `${out}/govuk-frontend.min.js`);
console.log(`built ${out}/portal.css (${css.css.length} bytes) and govuk-frontend.min.js`);
