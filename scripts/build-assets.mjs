// Compiles our Sass on GOV.UK Frontend and bundles our scripts, from frontend/ into static/build/.
// Only static/ is served, so the sources stay private.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { buildSync } from "esbuild";
import { compile } from "sass";

const out = "static/build";
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const css = compile("frontend/portal.scss", {
  loadPaths: ["node_modules"],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(`${out}/portal.css`, css.css);

// One small module with only the components we use, rather than all of GOV.UK Frontend.
buildSync({
  entryPoints: ["frontend/app.mjs"],
  bundle: true,
  minify: true,
  format: "esm",
  target: ["es2020"],
  outfile: `${out}/app.js`,
  legalComments: "none",
  logLevel: "warning",
});
// The staff pages' idle-time warning, on its own: the public pages never load it.
buildSync({
  entryPoints: ["frontend/staff-timeout.mjs"],
  bundle: true,
  minify: true,
  format: "esm",
  target: ["es2020"],
  outfile: `${out}/staff-timeout.js`,
  legalComments: "none",
  logLevel: "warning",
});
console.log(`built ${out}/portal.css (${css.css.length} bytes), ${out}/app.js and ${out}/staff-timeout.js`);

// Pre-compressed copies that WhiteNoise serves to browsers that accept them, made here so that
// every build has them.
for (const folder of [out, "static/easy_read"]) {
  for (const name of readdirSync(folder)) {
    if (!/\.(css|js|svg)$/.test(name)) continue;
    const data = readFileSync(`${folder}/${name}`);
    writeFileSync(`${folder}/${name}.gz`, gzipSync(data, { level: 9 }));
    writeFileSync(
      `${folder}/${name}.br`,
      brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
    );
  }
}
