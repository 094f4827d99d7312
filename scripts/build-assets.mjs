// Compiles our Sass on GOV.UK Frontend and bundles our scripts, from frontend/ into static/build/.
// Only static/ is served, so the sources stay private.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { buildSync } from "esbuild";
import { compile } from "sass";

const out = "static/build";
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

// Two stylesheets on the same components: portal.css (staff and agency pages, GOV.UK's colours)
// and public.css (the adult's pages, on settings that put every text and control at 7:1).
const sizes = [];
for (const name of ["portal", "public"]) {
  const css = compile(`frontend/${name}.scss`, {
    loadPaths: ["node_modules"],
    style: "compressed",
    quietDeps: true,
    silenceDeprecations: ["import"],
  });
  writeFileSync(`${out}/${name}.css`, css.css);
  sizes.push(`${out}/${name}.css (${css.css.length} bytes)`);
}

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
console.log(`built ${sizes.join(", ")}, ${out}/app.js and ${out}/staff-timeout.js`);

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
