#!/usr/bin/env node
// Copies axe-core (the accessibility checker the browser tests run in every page) from the
// version pinned in package-lock.json into tests/vendor/axe-core/, so that the tests run offline
// and without node_modules. A test tool: it is not part of the site.
//
//   node scripts/vendor_axe.mjs            # re-run after changing axe-core in package-lock.json

import {copyFileSync, mkdirSync, readFileSync} from "node:fs";
import {dirname, join, resolve} from "node:path";
import {fileURLToPath} from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const source = join(ROOT, "node_modules", "axe-core");
const out = join(ROOT, "tests", "vendor", "axe-core");
const locked = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")).packages["node_modules/axe-core"];
const installed = JSON.parse(readFileSync(join(source, "package.json"), "utf8")).version;
if (!locked || locked.version !== installed) {
  throw new Error(`node_modules/axe-core is ${installed}, package-lock.json pins ${locked && locked.version}: run npm ci`);
}
mkdirSync(out, {recursive: true});
for (const file of ["axe.min.js", "LICENSE"]) copyFileSync(join(source, file), join(out, file));
console.log(`axe-core ${installed} -> ${out}`);
