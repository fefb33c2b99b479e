"""`quarto render` builds the site cleanly, and `_site/` holds exactly the product.

The `rendered_site` fixture (tests/harness/fixtures.py) runs the real `quarto render` at the
project root, as the professor does."""

import re
import subprocess
from pathlib import Path

from harness import site_files
from test_decks import PAGES

ROOT = Path(__file__).resolve().parent.parent


def tracked(pattern: str) -> set[str]:
    out = subprocess.run(["git", "ls-files", "--", pattern], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def expected_site() -> set[str]:
    """What the site must contain besides Quarto's own site_libs/."""
    js = {p.relative_to(ROOT).as_posix() for p in (ROOT / "slides" / "js").rglob("*.js") if not p.name.endswith(".bundle.js")}
    # The deck's modules as one file and its source map (scripts/deck_bundle.mjs, run by quarto render),
    # and the playground page's and the live-training page's (issue 26: pages without the OJS runtime).
    bundles = {f"slides/js/{name}.bundle.js{map}" for name in ("unit6", "playground", "training") for map in ("", ".map")}
    vendor = {p.relative_to(ROOT).as_posix() for p in (ROOT / "slides" / "vendor").iterdir()
              if p.suffix in (".js", ".css")}
    styles = {p.relative_to(ROOT).as_posix() for p in (ROOT / "slides").glob("*.css")}
    # KaTeX's CSS and fonts (the math is rendered at build time: no page loads katex.min.js).
    katex = {"vendor/katex/katex.min.css"} | {
        p.relative_to(ROOT).as_posix() for p in (ROOT / "vendor" / "katex" / "fonts").glob("*.woff2")}
    data = {p for p in tracked("data") if not p.endswith(".gitignore")}
    # The decks' font (scripts/build_fonts.py): four WOFF2 faces, their CSS and their licence.
    fonts = set(tracked("slides/fonts"))
    return (set(PAGES) | {"search.json", "exercises/unit6_optimizers.ipynb", "favicon.svg", "site.css"} | js | bundles | vendor
            | styles | katex | data | fonts)


def test_render_exits_zero_without_errors_or_warnings(rendered_site):
    if rendered_site is None:
        return  # SITE_ALREADY_RENDERED=1: the render happened outside this test session
    assert rendered_site.returncode == 0 and not rendered_site.problems, rendered_site.describe()
    print(f"quarto render: {rendered_site.seconds:.1f} s")


def test_site_holds_exactly_the_product(site):
    files = site_files(site)
    ours = {f for f in files if not f.startswith("site_libs/")}
    expected = expected_site()
    assert not expected - ours, f"missing from _site/: {sorted(expected - ours)}"
    assert not ours - expected, f"in _site/ but not part of the product: {sorted(ours - expected)}"
    assert not any(f.startswith("tests/") or "fixture" in f for f in files)
    assert "exercises/unit6_optimizers_solution.ipynb" not in files, "the solution is not released"
    # Quarto's own libraries: the reveal.js runtime and the OJS runtime are there, nothing else of ours.
    assert {"site_libs/revealjs/dist/reveal.js", "site_libs/quarto-ojs/quarto-ojs-runtime.js"} <= files


def test_no_page_names_an_outside_script_or_stylesheet(site):
    """Every <script src> and <link href> of every page points inside the site (the browser
    tests abort anything else at run time; this names the tag)."""
    import re

    outside = re.compile(r'<(script|link)[^>]+(src|href)="(https?:)?//[^"]+"')
    for page in PAGES:
        html = (site / page).read_text(encoding="utf-8")
        assert not outside.findall(html), f"{page}: {[m.group(0) for m in outside.finditer(html)]}"


def source_formulas(qmd: Path) -> int:
    """How many formulas ($...$, $$...$$) Pandoc reads in a page's source."""
    import json

    done = subprocess.run(["quarto", "pandoc", str(qmd), "-f", "markdown", "-t", "json"],
                          cwd=ROOT, check=True, capture_output=True, text=True)
    return len(re.findall(r'"t":\s*"Math"', json.dumps(json.loads(done.stdout))))


def test_math_is_rendered_at_build_time(site):
    """Issue 10: every formula of every page is KaTeX's HTML (and MathML) in the page as served:
    no page loads or runs KaTeX's script for it, none is left as TeX, none is a KaTeX error, and
    a page with math includes KaTeX's stylesheet (filters/katex_prerender.lua)."""
    span = re.compile(r'<span class="math (inline|display)">(.{0,40})', re.S)
    for page in PAGES:
        html = (site / page).read_text(encoding="utf-8")
        assert not re.search(r'<script[^>]+src="[^"]*katex[^"]*"', html), f"{page} loads a KaTeX script"
        assert "katex.render(" not in html and "auto-render" not in html, f"{page} renders math in the browser"
        formulas = span.findall(html)
        unrendered = [rest for kind, rest in formulas
                      if not rest.startswith('<span class="katex' if kind == "inline" else '<span class="katex-display">')]
        assert not unrendered, f"{page}: formulas left as TeX: {unrendered[:3]}"
        assert "katex-error" not in html, f"{page}: a formula is a KaTeX error"
        qmd = ROOT / Path(page).with_suffix(".qmd")
        assert len(formulas) == source_formulas(qmd), f"{page}: {len(formulas)} rendered formulas, its source has another number"
        stylesheet = re.search(r'<link rel="stylesheet" href="(\.\./|\./)vendor/katex/katex\.min\.css">', html)
        assert bool(stylesheet) == bool(formulas), f"{page}: KaTeX's stylesheet {'missing' if formulas else 'included without math'}"
    deck = (site / "slides" / "unit6.html").read_text(encoding="utf-8")
    assert len(span.findall(deck)) >= 50 and deck.count('<annotation encoding="application/x-tex">') >= 50, "the deck's MathML"
