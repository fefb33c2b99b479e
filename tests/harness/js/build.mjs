// Bundles the harness's browser code with esbuild (from the project's pinned node_modules):
//   node tests/harness/js/build.mjs <outdir>
// -> <outdir>/harness-ojs-runtime.js (Observable runtime, stdlib, inspector, parser, checks)
//    <outdir>/harness-page.js        (slide text: markdown + math; the reveal.js stand-in)
//    <outdir>/harness-quarto-shim.js (checks and settling for pages rendered by real Quarto)
import * as esbuild from "esbuild";
import {fileURLToPath} from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const outdir = process.argv[2];
if (!outdir) {
  console.error("usage: node build.mjs <outdir>");
  process.exit(2);
}
const common = {bundle: true, format: "esm", target: "es2020", logLevel: "warning", legalComments: "none"};
await esbuild.build({...common, entryPoints: [path.join(here, "harness_runtime.js")],
  outfile: path.join(outdir, "harness-ojs-runtime.js")});
await esbuild.build({...common, entryPoints: [path.join(here, "page_boot.js")],
  outfile: path.join(outdir, "harness-page.js")});
await esbuild.build({...common, format: "iife", entryPoints: [path.join(here, "quarto_shim.js")],
  outfile: path.join(outdir, "harness-quarto-shim.js")});
