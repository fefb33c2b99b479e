// Bundles the in-page part of the harness (shim.js + checks.js) into one script with esbuild
// from the project's pinned node_modules:   node tests/harness/js/build.mjs <outdir>
import * as esbuild from "esbuild";
import {fileURLToPath} from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const outdir = process.argv[2];
if (!outdir) {
  console.error("usage: node build.mjs <outdir>");
  process.exit(2);
}
await esbuild.build({bundle: true, format: "iife", target: "es2020", logLevel: "warning", legalComments: "none",
  entryPoints: [path.join(here, "shim.js")], outfile: path.join(outdir, "harness-shim.js")});
