"""Math rendered at build time (issue 10): filters/katex_prerender.lua and scripts/katex_render.mjs.

Each test renders a one-page document with the real `quarto render` and the project's filter: a
malformed formula becomes a visible KaTeX error (and a warning) while the render goes on, and a
render without Node.js or without the katex package fails and says why instead of shipping raw TeX.
(The site's own pages: tests/test_site.py, test_math_is_rendered_at_build_time.)"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILTER = ROOT / "filters" / "katex_prerender.lua"
SCRIPT = ROOT / "scripts" / "katex_render.mjs"

PAGE = """---
title: Math
format:
  html:
    html-math-method:
      method: katex
      url: "katex/"
filters:
  - {filter}
---

Good $\\eta \\lambda_{{\\max}}$, malformed $\\frac{{$ and displayed $$\\sqrt{{2}}$$
"""


def render(folder: Path, filter_path: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    (folder / "page.qmd").write_text(PAGE.format(filter=filter_path.as_posix()), encoding="utf-8")
    return subprocess.run(["quarto", "render", "page.qmd"], cwd=folder, capture_output=True, text=True,
                          env=env, timeout=300)


def test_malformed_formula_is_a_visible_error_and_the_render_goes_on(tmp_path):
    done = render(tmp_path, FILTER)
    assert done.returncode == 0, done.stderr[-2000:]
    html = (tmp_path / "page.html").read_text(encoding="utf-8")
    error = re.search(r'<span class="math inline"><span class="katex-error" title="([^"]*)" style="color:#cc0000">([^<]*)</span>', html)
    assert error, "the malformed formula is not shown as KaTeX's error"
    assert "ParseError" in error.group(1) and error.group(2) == "\\frac{", error.groups()
    assert re.search(r"KaTeX could not render \$\\frac\{\$", done.stderr), "the render does not name the malformed formula"
    # The others are rendered, inline and displayed, with MathML; the page runs no KaTeX.
    assert html.count('<span class="math inline"><span class="katex">') == 1
    assert html.count('<span class="math display"><span class="katex-display">') == 1
    assert html.count('<annotation encoding="application/x-tex">') == 2
    assert "katex.min.js" not in html and "katex.render(" not in html


def test_render_without_the_katex_package_fails_and_says_why(tmp_path):
    # The filter and the script beside each other as in the project, but no node_modules/ above.
    (tmp_path / "filters").mkdir()
    (tmp_path / "scripts").mkdir()
    shutil.copy(FILTER, tmp_path / "filters" / FILTER.name)
    shutil.copy(SCRIPT, tmp_path / "scripts" / SCRIPT.name)
    page = tmp_path / "page"
    page.mkdir()
    done = render(page, tmp_path / "filters" / FILTER.name)
    assert done.returncode != 0, "rendered without KaTeX"
    assert "could not render the math" in done.stderr and "npm ci" in done.stderr, done.stderr[-2000:]
    assert "attempt to" not in done.stderr, "the filter went on after the error"
    assert not (page / "page.html").exists()


def test_render_without_node_fails_and_says_why(tmp_path):
    # A PATH with every program of the real one except node.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for folder in os.environ["PATH"].split(os.pathsep):
        if not os.path.isdir(folder):
            continue
        for entry in os.scandir(folder):
            target = bin_dir / entry.name
            if entry.name != "node" and not target.exists() and not target.is_symlink():
                target.symlink_to(entry.path)
    env = {**os.environ, "PATH": str(bin_dir)}
    assert shutil.which("node", path=env["PATH"]) is None and shutil.which("quarto", path=env["PATH"])
    page = tmp_path / "page"
    page.mkdir()
    done = render(page, FILTER, env)
    assert done.returncode != 0, "rendered without node"
    assert "could not render the math" in done.stderr and "Node.js" in done.stderr, done.stderr[-2000:]
    assert "attempt to" not in done.stderr, "the filter went on after the error"
    assert not (page / "page.html").exists()


SCRIPT_ARITY = {"msub": 2, "msup": 2, "munder": 2, "mover": 2, "mfrac": 2, "mroot": 2, "msubsup": 3, "munderover": 3}


def test_operator_names_in_scripts_give_valid_mathml():
    """KaTeX writes \\max in a subscript as two children of <msub> (Firefox: "Incorrect number of
    children for <msub/> tag"); katex_render.mjs groups them, and keeps \\sin x as it was."""
    import json
    import xml.etree.ElementTree as ET

    formulas = [r"\lambda_{\max}", r"\kappa = \lambda_{\max}^2/\lambda_{\min}", r"\eta < 2/\lambda_{\max}",
                r"\sin x + \log_{2} y", r"\lim_{n \to \infty} a_n", r"\underbrace{a+b}_{\max}"]
    done = subprocess.run(["node", str(SCRIPT)], input=json.dumps([{"tex": t, "display": False} for t in formulas]),
                          capture_output=True, text=True, cwd=ROOT, check=True)
    for tex, html in zip(formulas, json.loads(done.stdout)):
        math = ET.fromstring(re.search(r"<math.*?</math>", html, re.S).group(0))
        for element in math.iter():
            name = element.tag.split("}")[-1]
            if name in SCRIPT_ARITY:
                assert len(element) == SCRIPT_ARITY[name], f"{tex}: <{name}> has {len(element)} children"
    assert "<mi>sin</mi><mo>\u2061</mo><mi>x</mi>" in json.loads(done.stdout)[3]
