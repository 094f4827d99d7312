// Compiles our Sass on GOV.UK Frontend and copies the browser files the pages load.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { buildSync } from "esbuild";
import { compile } from "sass";

const out = "static/build";
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const css = compile("static/src/portal.scss", {
  loadPaths: ["node_modules"],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(`${out}/portal.css`, css.css);

// One small module with only the components we use, rather than all of GOV.UK Frontend.
buildSync({
  entryPoints: ["static/src/app.mjs"],
  bundle: true,
  minify: true,
  format: "esm",
  target: ["es2020"],
  outfile: `${out}/app.js`,
  legalComments: "none",
  logLevel: "warning",
});
console.log(`built ${out}/portal.css (${css.css.length} bytes) and ${out}/app.js`);
