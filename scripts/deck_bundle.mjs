#!/usr/bin/env node
// The deck's ES modules as one file, and the import map that serves it (issue 10).
//
//   node scripts/deck_bundle.mjs            # writes slides/js/<deck>.bundle.js (+ .map) and slides/<deck>-importmap.html,
//                                           # and slides/js/<page>.bundle.js (+ .map) for the pages in PAGES
//   node scripts/deck_bundle.mjs --out DIR  # writes them all into DIR instead (the tests compare them with _site/)
//   node scripts/deck_bundle.mjs --watch    # rebuilds on every change of a module (next to `quarto preview`)
//
// `quarto render` runs it first (_quarto.yml, project: pre-render), so the site always carries a
// bundle of the modules as they are; both outputs are build products (.gitignore).
//
// Why: a deck's {ojs} cells import its modules (slides/js/), which import others and the vendored
// libraries, 35 files in all. Fetched one by one (even preloaded all at once) a cold load of
// Unit 6 spent ~10% longer than with one minified file (measured side by side, 9 alternated cold
// loads each, every pair won by the bundle); preloading the bundle as well was slower again (it
// competed with the page's stylesheets and scripts).
//
// How the cells stay as they are: the cells import the real modules (`./js/plots/trajectory.js`);
// the include, in the deck's <head>, is an import map that sends every module of the bundle to the
// bundle, which exports the union of their exports. Quarto puts the include before its OJS
// runtime's module script, so every browser with import maps uses it; one without loads the
// modules themselves, which are in the site as before: slower, never broken. Each module is
// evaluated once, also for the
// modules the playground imports when its slide is first shown. That asks two things of the
// modules, checked here: no two export the same name, and none has a default export.
// Dynamically imported modules (apache-arrow, KaTeX, the playground) stay files of their own,
// fetched when needed; their paths are rewritten to be relative to the bundle, which therefore
// lives in slides/js/ beside the modules that use import.meta.url.

import {mkdirSync, readFileSync, writeFileSync} from "node:fs";
import {basename, dirname, join, posix, relative, resolve} from "node:path";
import {fileURLToPath, pathToFileURL} from "node:url";
import {BUNDLES} from "./build_vendor.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const esbuild = await import("esbuild").catch(() => {
  console.error("deck_bundle.mjs: the esbuild package is missing (node_modules/): run `npm ci` in " + ROOT);
  process.exit(1);
});
const SLIDES = join(ROOT, "slides");
const MODULES = join(SLIDES, "js");
const DECKS = ["unit6"];
// Pages that mount one widget from a plain module script, without Quarto's OJS runtime (issue 26:
// playground.qmd, training.qmd). Each loads one minified file, slides/js/<name>.bundle.js, that
// exports only what the page calls, so esbuild leaves out whatever that does not reach (no import
// map: nothing else on the page imports the modules).
const PAGES = [
  {name: "playground", module: "./js/playground/playground.js", exports: ["mount_playground"]},
  {name: "training", module: "./js/training/widget.js", exports: ["mount_training"]},
];

const OJS_BLOCK = /^```\{ojs\}\n([\s\S]*?)^```/gm;
const STATIC_IMPORT = /(?:^|[;\s])import\s+[^;"'()]*?\s+from\s+["'](\.\/js\/[^"']+)["']/g;

/** The modules a deck's cells import, as written (`./js/...`, relative to slides/). */
function cell_imports(deck) {
  const qmd = readFileSync(join(SLIDES, `${deck}.qmd`), "utf8");
  const found = [];
  for (const [, block] of qmd.matchAll(OJS_BLOCK)) {
    const code = block.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|\s)\/\/.*$/gm, "$1");
    for (const [, path] of code.matchAll(STATIC_IMPORT)) if (!found.includes(path)) found.push(path);
  }
  if (found.length === 0) throw new Error(`slides/${deck}.qmd: no {ojs} cell imports a module of slides/js/`);
  return found;
}

const entry_of = (paths) => ({
  contents: paths.map((p) => `export * from ${JSON.stringify(p)};`).join("\n"),
  resolveDir: SLIDES,
  sourcefile: "entry.js",
});

/** Dynamic imports stay separate files, addressed relative to the bundle. */
const dynamic_imports_stay = (bundle_dir) => ({
  name: "dynamic-imports-stay",
  setup(build) {
    build.onResolve({filter: /.*/}, (args) => {
      if (args.kind !== "dynamic-import") return undefined;
      let path = relative(bundle_dir, resolve(args.resolveDir, args.path)).split("\\").join("/");
      if (!path.startsWith(".")) path = `./${path}`;
      return {path, external: true};
    });
  },
});

/**
 * The vendored libraries (slides/vendor/, each one file built by scripts/build_vendor.mjs) come
 * into the bundle from their npm packages instead, the same versions (package-lock.json) and the
 * same exports: each vendored file carries its own copy of what it uses, so Plot's d3 was in the
 * bundle a second time beside d3 itself (issue 25: 844 kB -> see the README). Bundled from the
 * packages, a module they share is in it once. Dynamic imports (apache-arrow, KaTeX) stay files.
 */
const vendored_from_packages = {
  name: "vendored-from-packages",
  setup(build) {
    const entries = new Map(BUNDLES.map(({file, entry}) => [join(SLIDES, "vendor", file), entry]));
    build.onResolve({filter: /vendor\/[\w.-]+\.js$/}, (args) => {
      if (args.kind === "dynamic-import") return undefined;
      const file = resolve(args.resolveDir, args.path);
      return entries.has(file) ? {path: file, namespace: "vendored-package"} : undefined;
    });
    build.onLoad({filter: /.*/, namespace: "vendored-package"}, (args) => ({
      contents: entries.get(args.path),
      resolveDir: ROOT,
      loader: "js",
    }));
  },
};

const COMMON = {bundle: true, format: "esm", target: "es2020", write: false, logLevel: "silent", metafile: true};
// A bundle the site serves (the deck's and each page's): minified, with a linked source map.
const MINIFIED = {
  minify: true,
  sourcemap: "linked",
  sourcesContent: false,
  legalComments: "eof",
  plugins: [dynamic_imports_stay(MODULES), vendored_from_packages],
};

/** Our modules (under slides/js/) of the cells' static import graph, in the order esbuild met them. */
async function deck_modules(entry_paths, bundle_dir) {
  const probe = await esbuild.build({
    ...COMMON,
    stdin: entry_of(entry_paths),
    outdir: bundle_dir,
    plugins: [dynamic_imports_stay(bundle_dir)],
  });
  return Object.keys(probe.metafile.inputs)
    .map((input) => resolve(ROOT, input))
    .filter((file) => file.startsWith(MODULES + "/"));
}

/** Throws unless the union of the modules' exports is unambiguous and has no default. */
export async function check_exports(files) {
  const each = await esbuild.build({
    entryPoints: files,
    bundle: false,
    format: "esm",
    write: false,
    metafile: true,
    logLevel: "silent",
    outdir: join(ROOT, ".bundle-probe"),
  });
  const owners = new Map();
  for (const meta of Object.values(each.metafile.outputs)) {
    const module = relative(ROOT, resolve(ROOT, meta.entryPoint));
    for (const name of meta.exports) owners.set(name, [...(owners.get(name) ?? []), module]);
  }
  const problems = [];
  for (const [name, modules] of owners) {
    if (name === "default") problems.push(`a default export (${modules.join(", ")}): export it by name`);
    else if (modules.length > 1) problems.push(`"${name}" is exported by ${modules.join(" and ")}: rename one`);
  }
  if (problems.length) throw new Error(`the deck's modules cannot share one bundle:\n  ${problems.join("\n  ")}`);
  return owners.size;
}

function check_import_meta(files, bundle_dir) {
  const moved = files.filter((f) => dirname(f) !== bundle_dir && readFileSync(f, "utf8").includes("import.meta"));
  if (moved.length) {
    throw new Error(
      `${moved.map((f) => relative(ROOT, f)).join(", ")} use import.meta.url, which in the bundle ` +
        `(${relative(ROOT, bundle_dir)}/) would point elsewhere: resolve the path in a module of slides/js/ itself`,
    );
  }
}

/** Builds one deck's bundle; returns {files: {name: contents}, importmap} (nothing written). */
async function build_deck(deck) {
  const bundle_name = `${deck}.bundle.js`;
  const bundle_path = join(MODULES, bundle_name);
  const files = await deck_modules(cell_imports(deck), MODULES);
  const export_count = await check_exports(files);
  check_import_meta(files, MODULES);
  const as_written = files.map((f) => `./${posix.relative(SLIDES, f)}`);
  const result = await esbuild.build({
    ...COMMON,
    stdin: entry_of(as_written),
    outfile: bundle_path,
    ...MINIFIED,
  });
  const [, output] = Object.entries(result.metafile.outputs).find(([path]) => path.endsWith(".js"));
  if (output.exports.length !== export_count) {
    throw new Error(`the bundle exports ${output.exports.length} names, its modules ${export_count}`);
  }
  const contents = Object.fromEntries(result.outputFiles.map((f) => [basename(f.path), f.contents]));
  const target = `./js/${bundle_name}`;
  const imports = Object.fromEntries(as_written.map((m) => [m, target]));
  return {files: contents, importmap: importmap_html(deck, imports)};
}

/** Builds one page's bundle; returns {files: {name: contents}}. */
async function build_page({name, module, exports}) {
  const bundle_path = join(MODULES, `${name}.bundle.js`);
  const entry = {
    contents: `export {${exports.join(", ")}} from ${JSON.stringify(module)};`,
    resolveDir: SLIDES,
    sourcefile: "entry.js",
  };
  check_import_meta(await deck_modules([module], MODULES), MODULES);
  const result = await esbuild.build({
    ...COMMON,
    stdin: entry,
    outfile: bundle_path,
    ...MINIFIED,
  });
  const [, output] = Object.entries(result.metafile.outputs).find(([path]) => path.endsWith(".js"));
  const missing = exports.filter((e) => !output.exports.includes(e));
  if (missing.length) throw new Error(`${module} does not export ${missing.join(", ")}`);
  return {files: Object.fromEntries(result.outputFiles.map((f) => [basename(f.path), f.contents]))};
}

function importmap_html(deck, imports) {
  return `<!-- Written by scripts/deck_bundle.mjs (run by quarto render) from ${deck}.qmd's imports: do not edit. -->
<!-- Every module of the deck, as its cells and modules import it, comes from one minified file. -->
<script type="importmap">
${JSON.stringify({imports}, null, 2)}
</script>
`;
}

function write_if_changed(path, contents) {
  let current = null;
  try {
    current = readFileSync(path);
  } catch {
    // not there yet
  }
  const next = Buffer.from(contents);
  if (current && current.equals(next)) return false;
  mkdirSync(dirname(path), {recursive: true});
  writeFileSync(path, next);
  return true;
}

function write_files(files, out_dir) {
  const written = [];
  for (const [name, contents] of Object.entries(files)) {
    const path = join(out_dir ?? MODULES, name);
    if (write_if_changed(path, contents)) written.push(relative(ROOT, path));
  }
  return written;
}

async function write_deck(deck, out_dir) {
  const {files, importmap} = await build_deck(deck);
  const written = write_files(files, out_dir);
  const path = join(out_dir ?? SLIDES, `${deck}-importmap.html`);
  if (write_if_changed(path, importmap)) written.push(relative(ROOT, path));
  return written;
}

async function write_page(page, out_dir) {
  return write_files((await build_page(page)).files, out_dir);
}

async function main(argv) {
  const out_at = argv.indexOf("--out");
  const out_dir = out_at >= 0 ? argv[out_at + 1] : null;
  const unknown = argv.filter((a, i) => !["--out", "--watch"].includes(a) && !(out_at >= 0 && i === out_at + 1));
  if (unknown.length || (out_at >= 0 && !out_dir)) {
    console.error("usage: node scripts/deck_bundle.mjs [--out DIR] [--watch]");
    return 2;
  }
  const build_all = async () => {
    for (const deck of DECKS) {
      for (const name of await write_deck(deck, out_dir && resolve(out_dir))) console.log(`wrote ${name}`);
    }
    for (const page of PAGES) {
      for (const name of await write_page(page, out_dir && resolve(out_dir))) console.log(`wrote ${name}`);
    }
  };
  try {
    await build_all();
  } catch (error) {
    console.error(`deck_bundle.mjs: ${error.message}`);
    return 1;
  }
  if (!argv.includes("--watch")) return 0;
  // esbuild's watcher follows every file of the graph; on a change the whole build runs again,
  // which also rewrites the import map if a module was added or removed.
  const inputs = [
    ...new Set(
      (
        await Promise.all([
          ...DECKS.map((d) => deck_modules(cell_imports(d), MODULES)),
          ...PAGES.map((p) => deck_modules([p.module], MODULES)),
        ])
      ).flat(),
    ),
  ];
  const context = await esbuild.context({
    ...COMMON,
    entryPoints: inputs,
    outdir: join(ROOT, ".bundle-watch"),
    plugins: [
      dynamic_imports_stay(MODULES),
      {
        name: "rebuild",
        setup(b) {
          b.onEnd(() => build_all().catch((error) => console.error(`deck_bundle.mjs: ${error.message}`)));
        },
      },
    ],
  });
  await context.watch();
  console.log("watching slides/js/ (Ctrl-C stops)");
  return new Promise(() => {});
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) process.exitCode = await main(process.argv.slice(2));
