"""The harness page for one deck: every slide as a 1050x700 box (the deck's revealjs size),
stacked, with each {ojs} chunk where Quarto puts its output, and the chunks' sources in a
`script[type=ojs-module-contents]` for the runtime stand-in, as Quarto emits them."""

from __future__ import annotations

import html
import json
import os
from pathlib import Path

from .project import DeckOptions
from .qmd import Deck

RUNTIME_DIR = "site_libs/quarto-ojs"  # where Quarto puts its OJS runtime in a website project

# Quarto's revealjs defaults, approximately (font size 40px, line height 1.3, h2 1.6em, ...):
# good enough to catch a slide that is clearly too full, not a pixel-exact reveal.js layout.
BASE_CSS = """
html, body { margin: 0; padding: 0; background: #fff; }
.reveal { font-family: "Source Sans Pro", Helvetica, Arial, sans-serif; font-size: 40px;
  color: #222; line-height: 1.3; }
.reveal .slides section { text-align: left; }
.reveal section.smaller { font-size: 0.7em; }
.reveal h1, .reveal h2, .reveal h3 { margin: 0 0 20px 0; font-weight: 600; line-height: 1.2; }
.reveal h1 { font-size: 2.5em; } .reveal h2 { font-size: 1.6em; } .reveal h3 { font-size: 1.3em; }
.reveal p { margin: 20px 0; }
.reveal ul, .reveal ol { display: block; margin: 0 0 0 1em; padding-left: 0.5em; }
.reveal li { margin: 0.1em 0; }
.reveal .columns { display: flex; gap: 0; }
.reveal .column { box-sizing: border-box; }
.reveal .notes, .reveal aside.notes { display: none; }
.reveal pre { font-size: 0.55em; }
.hidden, .quarto-ojs-hide, .cell-output-display.hidden { display: none !important; }
.katex-display { margin: 0.5em 0; }
"""

# Without reveal.js (not installed): every slide a fixed box, stacked down the page.
STANDIN_CSS = """
main.content { display: block; width: %(width)dpx; }
.reveal .slides section[data-harness-slide] { position: relative; box-sizing: border-box;
  width: %(width)dpx; height: %(height)dpx; overflow: visible; margin: 0 0 %(gap)dpx 0;
  outline: 1px dashed #bbb; }
"""

# With reveal.js: <main> only wraps it (Quarto's `width` builtin measures <main>).
REVEAL_CSS = """
main.content { display: block; position: fixed; inset: 0; }
"""


def _relative_url(from_dir: str, to_path: str) -> str:
    return os.path.relpath(to_path, from_dir or ".").replace(os.sep, "/")


def ojs_paths(doc_rel: str) -> dict:
    """Quarto's window._ojs.paths for a document at doc_rel (relative to the project root)."""
    doc_dir = os.path.dirname(doc_rel) or "."
    to_doc = os.path.relpath(doc_dir, RUNTIME_DIR).replace(os.sep, "/")
    to_root = os.path.relpath(".", RUNTIME_DIR).replace(os.sep, "/")
    doc_to_root = os.path.relpath(".", doc_dir).replace(os.sep, "/")
    return {"runtimeToDoc": "" if to_doc == "." else to_doc,
            "runtimeToRoot": "" if to_root == "." else to_root,
            "docToRoot": "" if doc_to_root == "." else doc_to_root}


def _script_text(text: str) -> str:
    return text.replace("</script", "<\\/script")


def _math_tags(options: DeckOptions, doc_dir: str) -> list[str]:
    """The math library tags Quarto would put on the page (and the harness's own KaTeX CSS)."""
    if options.math_method == "katex":
        url = options.math_url or "https://cdn.jsdelivr.net/npm/katex@latest/dist/"
        return [f'<link rel="stylesheet" href="{html.escape(url)}katex.min.css">',
                f'<script src="{html.escape(url)}katex.min.js"></script>']
    if options.math_method in (None, "mathjax"):
        # Quarto's revealjs default: MathJax 2.7.9 from a CDN, on every page.
        return ['<script src="https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.9/MathJax.js'
                '?config=TeX-AMS_HTML-full"></script>']
    return []


def reveal_config(options: DeckOptions) -> dict:
    """reveal.js options as Quarto passes them (Quarto's defaults where the deck sets none)."""
    config = {"width": options.width, "height": options.height, "margin": 0.1, "center": False,
              "hash": False, "history": False, "transition": "none", "backgroundTransition": "none",
              "controls": True, "progress": True, "slideNumber": False, "keyboard": True,
              "embedded": False, "viewDistance": 3}
    for key in ("margin", "center", "viewDistance", "minScale", "maxScale", "disableLayout"):
        if key in options.reveal:
            config[key] = options.reveal[key]
    if "view-distance" in options.reveal:
        config["viewDistance"] = options.reveal["view-distance"]
    return config


def build_page(deck: Deck, root: Path, options: DeckOptions, gap: int = 40,
               use_reveal: bool = False) -> tuple[str, str]:
    """-> (url path of the page, html). The page sits where Quarto writes the deck's HTML.
    With use_reveal the page loads reveal.js (served at site_libs/quarto-ojs/reveal/) and lets it
    lay out and navigate the slides; otherwise page_boot.js installs a small stand-in."""
    doc_rel = Path(os.path.abspath(deck.path)).relative_to(os.path.abspath(root)).as_posix()
    page_path = "/" + doc_rel[: -len(".qmd")] + ".html"
    doc_dir = os.path.dirname(doc_rel)
    runtime_url = _relative_url(doc_dir, RUNTIME_DIR)
    head = [
        '<meta charset="utf-8">',
        f"<title>{html.escape(str(deck.front_matter.get('title', deck.path.stem)))}</title>",
        f"<script>window._ojs_paths = {json.dumps(ojs_paths(doc_rel))};</script>",
        f'<link rel="stylesheet" href="{runtime_url}/katex/katex.min.css">',
        *([f'<link rel="stylesheet" href="{runtime_url}/reveal/reveal.css">'] if use_reveal else []),
        f"<style>{BASE_CSS}{(REVEAL_CSS if use_reveal else STANDIN_CSS) % {'width': options.width, 'height': options.height, 'gap': gap}}</style>",
        *_math_tags(options, doc_dir),
    ]
    for include in options.include_in_header:
        head.append(include.read_text(encoding="utf-8") if include.exists()
                    else f"<!-- include-in-header {include} not found -->")
    for css in options.css:
        head.append(f'<link rel="stylesheet" href="{html.escape(_relative_url(os.path.join(os.path.abspath(root), doc_dir), str(css)))}">')

    body: list[str] = ['<main class="content"><div class="reveal"><div class="slides">']
    for slide in deck.slides:
        classes = " ".join(["slide", f"level{max(slide.level, 1)}", *slide.classes])
        body.append(f'<section class="{html.escape(classes)}" data-harness-slide="{slide.index}">')
        if slide.title:
            tag = "h1" if slide.level in (0, 1) else "h2"
            body.append(f"<{tag}>{html.escape(slide.title)}</{tag}>")
        open_tags: list[str] = []
        for kind, value in slide.blocks:
            if kind == "md":
                body.append(f'<script type="text/markdown" class="harness-md">{_script_text(value)}</script>')
            elif kind == "open":
                classes_, attrs = value
                style = f' style="width: {html.escape(attrs["width"])}"' if "width" in attrs else ""
                tag = "aside" if "notes" in classes_ else "div"
                body.append(f'<{tag} class="{html.escape(" ".join(classes_))}"{style}>')
                open_tags.append(tag)
            elif kind == "close":
                if open_tags:
                    body.append(f"</{open_tags.pop()}>")
            elif kind == "chunk":
                chunk = value
                attrs = ' data-output="all"' if chunk.options.get("output") == "all" else ""
                body.append(f'<div class="cell" data-harness-chunk="{chunk.index}"{attrs}>')
                if chunk.options.get("echo") is True:
                    body.append(f'<pre class="sourceCode"><code>{html.escape(chunk.source)}</code></pre>')
                hidden = "" if chunk.shows_output else " hidden"
                body.append(f'<div class="cell-output-display{hidden}"><div id="ojs-cell-{chunk.index}"></div></div>')
                body.append("</div>")
        body.extend(f"</{tag}>" for tag in reversed(open_tags))
        body.append("</section>")
    body.append("</div></div></main>")
    contents = [{"methodName": "interpret", "index": c.index, "source": c.source,
                 "outputAll": c.options.get("output") == "all"} for c in deck.chunks if c.evaluates]
    body.append(f'<script type="ojs-module-contents">{_script_text(json.dumps({"contents": contents}))}</script>')
    if use_reveal:
        body.append(f'<script src="{runtime_url}/reveal/reveal.js"></script>')
        body.append(f"<script>Reveal.initialize({json.dumps(reveal_config(options))});</script>")
    body.append(f'<script type="module" src="{runtime_url}/harness-page.js"></script>')
    for include in options.include_after_body:
        body.append(include.read_text(encoding="utf-8") if include.exists()
                    else f"<!-- include-after-body {include} not found -->")
    body.append(f'<script type="module" src="{runtime_url}/harness-ojs-runtime.js"></script>')
    page = "<!doctype html>\n<html><head>\n" + "\n".join(head) + "\n</head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    return page_path, page
