#!/usr/bin/env node
// Minifies the one large unminified script Quarto copies into the site: its OJS runtime,
// site_libs/quarto-ojs/quarto-ojs-runtime.js (892 kB as Quarto 1.7.34 ships it, 474 kB minified).
// Every page with {ojs} cells loads it before anything is drawn (issue 25: bytes on load).
//
//   node scripts/minify_site_libs.mjs [SITE_DIR]   # default: $QUARTO_PROJECT_OUTPUT_DIR or _site
//
// `quarto render` runs it last (_quarto.yml, post-render). Names are kept (keepNames), since the
// runtime and the inspector show class and function names; a file this script minified already
// (it starts with the comment written here) is left alone, so a second run changes nothing.

import {existsSync, readFileSync, writeFileSync} from "node:fs";
import {dirname, join, resolve} from "node:path";
import {fileURLToPath, pathToFileURL} from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const RUNTIME = join("site_libs", "quarto-ojs", "quarto-ojs-runtime.js");
const MARK = "/* minified by scripts/minify_site_libs.mjs */\n";

export async function minify_site(site) {
  const file = join(site, RUNTIME);
  if (!existsSync(file)) return null;
  const source = readFileSync(file, "utf8");
  if (source.startsWith(MARK)) return false;
  const esbuild = await import("esbuild").catch(() => null);
  if (!esbuild) throw new Error(`the esbuild package is missing (node_modules/): run \`npm ci\` in ${ROOT}`);
  const {code} = await esbuild.transform(source, {minify: true, keepNames: true, format: "esm", target: "es2020", logLevel: "error"});
  writeFileSync(file, MARK + code);
  return true;
}

async function main(argv) {
  if (argv.length > 1 || argv.some((a) => a.startsWith("-"))) {
    console.error("usage: node scripts/minify_site_libs.mjs [SITE_DIR]");
    return 2;
  }
  const site = resolve(argv[0] ?? process.env.QUARTO_PROJECT_OUTPUT_DIR ?? join(ROOT, "_site"));
  try {
    const done = await minify_site(site);
    if (done) console.log(`minified ${join(site, RUNTIME)}`);
  } catch (error) {
    console.error(`minify_site_libs.mjs: ${error.message}`);
    return 1;
  }
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) process.exitCode = await main(process.argv.slice(2));
