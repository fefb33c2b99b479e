#!/usr/bin/env node
// Makes the rendered pages' <head> let the page paint first (issue 26: the site on a phone).
//
//   node scripts/page_head.mjs                # every .html page quarto render just wrote (or all of _site/)
//   node scripts/page_head.mjs FILE.html ...  # these pages
//
// `quarto render` runs it last (_quarto.yml, project: post-render), on the pages it rendered.
//
// Why: Quarto puts its website chrome's scripts (navbar, search, tooltips, anchors, Bootstrap's
// JavaScript: 10 files, ~100 KB compressed) into the <head> as plain <script src>, each of which
// stops the parser until it has arrived and run, and links the Bootstrap icon font's stylesheet
// (14 KB compressed, no icon in the first view) as render-blocking. Over a phone's network the
// page could not paint before all of it had arrived (first paint 2.6-2.9 s on slow 4G).
//
// What it changes, in the <head> only:
//  - a classic <script src> gets `defer`: it is fetched at once but at low priority and runs, in
//    the same order, after the page is parsed and before DOMContentLoaded, where every one of
//    Quarto's scripts starts its work anyway (their top level only defines functions and adds
//    DOMContentLoaded listeners; the inline script in the <body> waits for DOMContentLoaded too);
//  - Quarto's own module scripts (site_libs/quarto-html/, and the OJS runtime of a page or deck
//    with {ojs} cells, site_libs/quarto-ojs/) get fetchpriority="low": they run after parsing
//    already; at low priority they no longer compete with the stylesheets and fonts (the OJS
//    runtime is 139 KB compressed, and a deck's first slide needs no cell);
//  - bootstrap-icons.css loads without blocking the first paint (media="print" until it has
//    arrived, the usual pattern; <noscript> keeps it for a browser without JavaScript).
// Everything else (the stylesheets the page is drawn with, import maps, inline
// scripts) stays as it is. A page whose <head> has none of these is left alone; a classic script
// that is already async or deferred stays as it is.

import {readdirSync, readFileSync, statSync, writeFileSync} from "node:fs";
import {dirname, join, resolve} from "node:path";
import {fileURLToPath} from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SITE = join(ROOT, "_site");

const CLASSIC_SCRIPT = /<script src="([^"]+)"><\/script>/g;
// Quarto writes the OJS runtime's tag with its attributes the other way round.
const QUARTO_MODULE =
  /<script (?:src="([^"]*site_libs\/quarto-(?:html|ojs)\/[^"]+)" type="module"|type="module" src="([^"]*site_libs\/quarto-ojs\/[^"]+)")><\/script>/g;
const ICONS_CSS = /<link href="([^"]*site_libs\/bootstrap\/bootstrap-icons\.css)" rel="stylesheet">/g;

/** The page's HTML with its <head> rewritten (see above), and what changed. */
export function rewrite_head(html) {
  const end = html.indexOf("</head>");
  if (end < 0) return {html, changes: []};
  const changes = [];
  const head = html
    .slice(0, end)
    .replace(CLASSIC_SCRIPT, (_, src) => {
      changes.push(`defer ${src}`);
      return `<script defer src="${src}"></script>`;
    })
    .replace(QUARTO_MODULE, (_, src_first, type_first) => {
      const src = src_first ?? type_first;
      changes.push(`low priority ${src}`);
      return `<script src="${src}" type="module" fetchpriority="low"></script>`;
    })
    .replace(ICONS_CSS, (_, href) => {
      changes.push(`not blocking ${href}`);
      return (
        `<link href="${href}" rel="stylesheet" media="print" onload="this.media='all'">` +
        `<noscript><link href="${href}" rel="stylesheet"></noscript>`
      );
    });
  return {html: head + html.slice(end), changes};
}

function site_pages(dir) {
  const pages = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === "site_libs") continue;
    if (statSync(path).isDirectory()) pages.push(...site_pages(path));
    else if (name.endsWith(".html")) pages.push(path);
  }
  return pages;
}

function main(argv) {
  // Quarto names the files it rendered (one per line, relative to the project) for post-render scripts.
  const rendered = (process.env.QUARTO_PROJECT_OUTPUT_FILES ?? "").split("\n").filter((f) => f.endsWith(".html"));
  const pages = argv.length ? argv : rendered.length ? rendered.map((f) => resolve(ROOT, f)) : site_pages(SITE);
  for (const page of pages) {
    const {html, changes} = rewrite_head(readFileSync(page, "utf8"));
    if (changes.length) writeFileSync(page, html);
  }
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.slice(2));
