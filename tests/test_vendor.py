"""The vendored browser libraries: reproducible from package-lock.json, complete, and offline.

The bundles in slides/vendor/ and the KaTeX dist in vendor/katex/ are committed build outputs
of scripts/build_vendor.mjs. These tests rebuild them and demand identical bytes, check the
bridge module slides/js/libs.js in Node and in Chromium, and keep CDN URLs out of the decks.
"""

from __future__ import annotations

import filecmp
import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "slides" / "vendor"
KATEX = ROOT / "vendor" / "katex"
LIBS = ROOT / "slides" / "js" / "libs.js"

# What the decks import from libs.js (the names shadow Quarto's CDN builtins).
DECK_NAMES = {"Plot", "Inputs", "d3", "arrow", "md", "html", "htl", "tex", "svg"}


def require_node() -> str:
    """Node and the installed packages are needed to rebuild; CI must have them."""
    node = shutil.which("node")
    missing = []
    if node is None:
        missing.append("`node` is not on PATH")
    if not (ROOT / "node_modules" / "esbuild").is_dir():
        missing.append("node_modules/ is not installed (run `npm ci`)")
    if missing:
        reason = "; ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return node


def tree_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_rebuild_is_byte_identical(tmp_path):
    node = require_node()
    out, katex_out = tmp_path / "vendor", tmp_path / "katex"
    subprocess.run(
        [node, "scripts/build_vendor.mjs", "--out", str(out), "--katex-out", str(katex_out)],
        cwd=ROOT, check=True, capture_output=True, text=True,
    )
    for built, committed in [(out, VENDOR), (katex_out, KATEX)]:
        assert tree_files(built) == tree_files(committed), f"file list of {committed} differs from a rebuild"
        for name in tree_files(built):
            assert filecmp.cmp(built / name, committed / name, shallow=False), (
                f"{committed / name} differs from a rebuild: run `npm run build:vendor` and commit"
            )


def test_versions_match_package_lock():
    lock = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    versions = json.loads((VENDOR / "VERSIONS.json").read_text())
    for required in ["d3", "@observablehq/plot", "@observablehq/inputs", "apache-arrow", "marked", "htl", "katex"]:
        assert required in versions, f"VERSIONS.json lacks {required}"
    for name, version in versions.items():
        assert lock[f"node_modules/{name}"]["version"] == version, name
    # The versions the offline layout was verified with (quarto-offline.md).
    assert versions["d3"] == "7.9.2"
    assert versions["@observablehq/plot"] == "0.6.17"
    assert versions["apache-arrow"] == "21.2.0"


def test_katex_dist_is_what_quarto_loads():
    assert (KATEX / "katex.min.js").is_file() and (KATEX / "katex.min.css").is_file()
    css = (KATEX / "katex.min.css").read_text()
    woff2 = set(re.findall(r"url\(fonts/([^)]+\.woff2)\)", css))
    assert woff2, "katex.min.css names no woff2 fonts"
    assert woff2 == {p.name for p in (KATEX / "fonts").iterdir()}, "every woff2 font the CSS names is present"


def test_libs_imports_are_static_vendor_imports():
    """Quarto copies what a static `import ... from "<relative path>"` names, and nothing
    reached through `export * as` or a dynamic import(): the two dynamic imports (apache-arrow,
    fetched when a data slide is first shown, and KaTeX, fetched when `tex` first renders; issue
    10) are vendored files that the project's _quarto.yml and the harness fixtures' list under
    `resources:`, which Quarto does copy."""
    source = LIBS.read_text()
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("//"))
    assert "export * as" not in code
    dynamic = re.findall(r'\bimport\(([^)]*)\)', code)
    assert sorted(dynamic) == ['"../vendor/arrow.js"', '"../vendor/katex.js"'], f"libs.js imports dynamically: {dynamic}"
    for config in [ROOT / "_quarto.yml", ROOT / "tests" / "fixtures" / "decks" / "_quarto.yml"]:
        resources = yaml.safe_load(config.read_text(encoding="utf-8"))["project"]["resources"]
        for name in ["arrow.js", "katex.js"]:
            assert f"/slides/vendor/{name}" in resources, f"{config}: {name} is not under resources:"
    targets = re.findall(r'^import\s+[^;]*?from\s+"([^"]+)";', code, flags=re.M)
    assert targets, "libs.js imports nothing"
    for target in targets + ["../vendor/arrow.js", "../vendor/katex.js"]:
        assert target.startswith("../vendor/"), target
        assert (LIBS.parent / target).resolve().is_file(), f"{target} does not exist"


def test_libs_exports_in_node():
    node = require_node()
    script = 'const m = await import("./slides/js/libs.js"); console.log(JSON.stringify(Object.keys(m).sort()));'
    done = subprocess.run([node, "--input-type=module", "-e", script], cwd=ROOT, check=True,
                          capture_output=True, text=True)
    exported = set(json.loads(done.stdout))
    assert DECK_NAMES <= exported, f"libs.js lacks {DECK_NAMES - exported}"


# --- Browser: the bridge and the keyboard fix, over http://127.0.0.1 with the network blocked ---

class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served_root():
    handler = functools.partial(QuietHandler, directory=str(ROOT))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser(harness_session):
    """The test session's one Chromium (tests/harness/fixtures.py): Playwright's sync API allows
    one instance per thread."""
    return harness_session.browser


def open_page(browser, base_url: str, html: str):
    """A page at base_url/__test__.html with the given body; every request that is not to the
    local server is aborted and recorded."""
    page = browser.new_page()
    outside, errors = [], []

    def route(route):
        if route.request.url.startswith(base_url + "/"):
            if route.request.url == base_url + "/__test__.html":
                route.fulfill(status=200, content_type="text/html", body=html)
            else:
                route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(base_url + "/__test__.html")
    return page, outside, errors


def test_libs_work_in_chromium(browser, served_root, tmp_path):
    pyarrow = pytest.importorskip("pyarrow")
    table = pyarrow.table({"step": pyarrow.array([0, 1, 2], pyarrow.int32()), "loss": [3.0, 1.5, 0.25]})
    sink = pyarrow.BufferOutputStream()
    with pyarrow.ipc.new_file(sink, table.schema, options=pyarrow.ipc.IpcWriteOptions(compression=None)) as writer:
        writer.write_table(table)
    arrow_bytes = list(sink.getvalue().to_pybytes())

    # No page loads KaTeX (its math is rendered at build time): `tex` imports the vendored module
    # the first time it renders; until then it returns a span that KaTeX fills in.
    page, outside, errors = open_page(browser, served_root, """<!doctype html><head></head><body>
<script type="module">
import {Plot, Inputs, d3, arrow, load_arrow, md, html, tex, load_katex} from "/slides/js/libs.js";
const fetched = (name) => performance.getEntriesByType("resource").some((e) => e.name.endsWith(name));
const katex_fetched_before = fetched("/katex.js") || fetched("katex.min.js") || fetched("katex.min.css");
const early = tex`\\eta \\lambda_{\\max}`;
const early_block = tex.block`\\sqrt{2}`;
const early_bad = tex`\\frac{`;
const early_pending = early.querySelector(".katex") === null;
await load_katex();
const early_katex = early.querySelector(".katex .katex-html") !== null && !early.querySelector(".katex-html").textContent.includes("\\\\");
const early_bad_error = early_bad.querySelector(".katex-error") !== null;
const early_block_display = early_block.querySelector(".katex-display") !== null;
const katex_css = document.querySelectorAll('link[rel="stylesheet"][href$="/vendor/katex/katex.min.css"]').length;
// apache-arrow is fetched by load_arrow(), not with libs.js; `arrow` holds its exports from then on.
const arrow_before = Object.keys(arrow).length;
const arrow_fetched_before = performance.getEntriesByType("resource").some((e) => e.name.endsWith("/arrow.js"));
const reader = await load_arrow();
const slider = Inputs.range([0, 1], {value: 0.25, step: 0.05, label: "lr"});
const doc = md`# Title\n\nA slider: ${slider} and *emphasis*.`;
const chart = Plot.plot({width: 400, height: 300, marks: [Plot.lineY([1, 3, 2])]});
const table = arrow.tableFromIPC(new Uint8Array(window.ARROW_BYTES));
const same_reader = reader.tableFromIPC === arrow.tableFromIPC && (await load_arrow()) === reader;
const formula = tex`\\theta^{(t+1)} = \\theta^{(t)} - \\eta g`;
const block = tex.block`\\frac{1}{2}`;
const bad = tex`\\frac{`;
const link = html`<a href="#x">${"a&b"}</a>`;
window.RESULT = {
  md_tag: doc.tagName, md_h1: doc.querySelector("h1")?.textContent ?? null,
  md_has_slider: doc.contains(slider), md_em: doc.querySelector("em")?.textContent ?? null,
  slider_value: slider.value, plot_tag: chart.tagName.toLowerCase(),
  plot_paths: chart.querySelectorAll("path").length,
  arrow_before, arrow_fetched_before, same_reader,
  arrow_rows: table.numRows, arrow_loss: Array.from(table.getChild("loss").toArray()),
  d3_extent: d3.extent([3, 1, 2]), katex_html: formula.matches(".katex") && formula.querySelector(".katex-html") !== null,
  katex_block: block.matches(".katex-display"),
  katex_error: bad.classList.contains("katex-error") || bad.querySelector(".katex-error") !== null,
  katex_fetched_before, early_pending, early_katex, early_block_display, early_bad_error, katex_css,
  html_text: link.textContent,
};
</script></body>""".replace("window.ARROW_BYTES", json.dumps(arrow_bytes)))
    page.wait_for_function("window.RESULT !== undefined", timeout=20000)
    result = page.evaluate("window.RESULT")
    page.close()
    assert errors == []
    assert outside == []
    assert result["md_tag"] == "DIV" and result["md_h1"] == "Title"
    assert result["md_has_slider"] and result["md_em"] == "emphasis"
    assert result["slider_value"] == 0.25
    assert result["plot_tag"] == "svg" and result["plot_paths"] >= 1
    assert result["arrow_before"] == 0 and result["arrow_fetched_before"] is False, "apache-arrow came with libs.js"
    assert result["same_reader"], "load_arrow() resolves to the module `arrow` holds, once"
    assert result["arrow_rows"] == 3 and result["arrow_loss"] == [3.0, 1.5, 0.25]
    assert result["d3_extent"] == [1, 3]
    assert result["katex_html"] is True and result["katex_block"] is True
    assert result["katex_error"], "a malformed formula is shown as a KaTeX error, not thrown"
    assert result["katex_fetched_before"] is False, "KaTeX came with libs.js"
    assert result["early_pending"], "before KaTeX has loaded, tex returns a placeholder"
    assert result["early_katex"] and result["early_block_display"], "the placeholder is rendered once KaTeX has loaded"
    assert result["early_bad_error"], "a malformed formula rendered once KaTeX has loaded is shown as a KaTeX error"
    assert result["katex_css"] == 1, "tex adds KaTeX's stylesheet once"
    assert result["html_text"] == "a&b"


def test_keyboard_fix_returns_focus_to_the_deck(browser, served_root):
    fix = (ROOT / "slides" / "keyboard-fix.html").read_text()
    page, outside, errors = open_page(browser, served_root, """<!doctype html><body>
<script>
  // Stand-in for reveal.js's event API: the fix only needs Reveal.on("slidechanged").
  window.SLIDECHANGED = [];
  window.Reveal = {on(name, callback) { if (name === "slidechanged") window.SLIDECHANGED.push(callback); }};
</script>
<input id="slider" type="range" min="0" max="10" value="5" style="width:300px">
<input id="number" type="number" value="3">
<button id="rerun">Re-run</button>
""" + fix + "</body>")
    page.wait_for_function("window.SLIDECHANGED.length === 1")

    page.click("#slider")
    page.wait_for_timeout(50)
    assert page.evaluate("document.activeElement.id") in ("", None), "focus left in the slider after a click"

    page.click("#rerun")
    page.wait_for_timeout(50)
    assert page.evaluate("document.activeElement.id") in ("", None), "focus left in the button after a click"

    page.click("#number")
    page.keyboard.type("7")
    page.wait_for_timeout(50)
    assert page.evaluate("document.activeElement.id") == "number", "a number box must keep focus for typing"

    # A slider focused from the keyboard (Tab) loses focus when the slide changes.
    page.focus("#slider")
    page.evaluate("window.SLIDECHANGED.forEach((callback) => callback({}))")
    assert page.evaluate("document.activeElement.id") in ("", None)
    page.close()
    assert errors == [] and outside == []


# --- No CDN: decks and configuration load nothing from outside the site ---

CDN_HOSTS = re.compile(
    r"https?://[^\s\"'<>)]*(jsdelivr|unpkg|cdnjs|cloudflare|observableusercontent|esm\.sh|skypack|"
    r"googleapis|gstatic|jspm|mathjax|polyfill|bootstrapcdn|code\.jquery)",
    re.I,
)
# In code and configuration any URL is suspect, except XML namespace names and loopback.
ANY_URL = re.compile(r"https?://(?!www\.w3\.org/|127\.0\.0\.1|localhost)[^\s\"'<>)]+", re.I)


def files_to_scan() -> list[Path]:
    # The decks' bundles are built from these files and slides/vendor/ (test_deck_bundle_fetches_nothing).
    files = [p for p in (ROOT / "slides").rglob("*") if p.is_file() and VENDOR not in p.parents
             and not p.name.endswith((".bundle.js", ".bundle.js.map"))]
    files += [ROOT / "_quarto.yml"] + sorted(ROOT.glob("**/_metadata.yml"))
    return [p for p in files if "node_modules" not in p.parts and "_site" not in p.parts and p.exists()]


def test_no_cdn_urls_in_decks_and_config():
    offenders = []
    for path in files_to_scan():
        text = path.read_text(errors="replace")
        pattern = ANY_URL if path.suffix in {".js", ".mjs", ".css", ".html", ".yml", ".yaml"} else CDN_HOSTS
        offenders += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in pattern.finditer(text)]
        offenders += [f"{path.relative_to(ROOT)}: remote import {m.group(0)}"
                      for m in re.finditer(r"""(from|import\(|require\()\s*["']https?:""", text)]
    assert offenders == []


def test_vendor_bundles_fetch_nothing():
    for bundle in VENDOR.glob("*.js"):
        text = bundle.read_text()
        assert not CDN_HOSTS.search(text), f"{bundle.name} names a CDN"
        assert "import(" not in text, f"{bundle.name} has a dynamic import"


def test_deck_bundle_fetches_nothing(site):
    """The deck's bundle as served (scripts/deck_bundle.mjs: our modules and slides/vendor/, both
    scanned above) names no CDN, and its dynamic imports are the site's own files, by relative
    path (apache-arrow, KaTeX, the playground), each present in the site."""
    bundle = site / "slides/js/unit6.bundle.js"
    text = bundle.read_text()
    assert not CDN_HOSTS.search(text), "the bundle names a CDN"
    targets = re.findall(r"import\(([^)]*)\)", text)
    assert targets, "the bundle has no dynamic import: was apache-arrow bundled into it?"
    for target in targets:
        assert re.fullmatch(r'"\.{1,2}/[\w./-]+\.js"', target), f"import({target}) in the bundle is not a local file"
        assert (bundle.parent / target.strip('"')).resolve().is_file(), f"import({target}): not in the site"


# --- Site configuration -------------------------------------------------------------------------

def test_site_config_points_at_files_that_exist():
    import yaml

    config = yaml.safe_load((ROOT / "_quarto.yml").read_text())
    project = config["project"]
    assert project["type"] == "website" and project["output-dir"] == "_site"
    assert "format" not in config, "a project-level format would apply to the decks too (see quarto-offline.md)"
    for pattern in project["render"] + project["resources"]:
        # Quarto's globs match at any depth unless anchored at the root ("/x"): anchor them all.
        assert pattern.startswith("/"), f"{pattern} would also match files under tests/ (anchor it with /)"
        assert sorted(ROOT.glob(pattern.lstrip("/"))), f"entry {pattern} matches no file"
    for item in config["website"]["navbar"]["left"]:
        assert (ROOT / item["href"]).is_file(), f"navbar link {item['href']} does not exist"
    for page in ["index.qmd", "exercise.qmd", "playground.qmd"]:
        front = yaml.safe_load((ROOT / page).read_text().split("---")[1])
        assert list(front.get("format") or {}) == ["html"], f"{page} must say `format: html`"
        math = front["format"]["html"]["html-math-method"]
        assert math["method"] == "katex" and (ROOT / math["url"] / "katex.min.js").is_file(), page

    metadata = yaml.safe_load((ROOT / "slides" / "_metadata.yml").read_text())["format"]["revealjs"]
    slides = ROOT / "slides"
    assert metadata["html-math-method"]["method"] == "katex"
    assert (slides / metadata["html-math-method"]["url"] / "katex.min.js").is_file()
    for css in metadata["css"]:
        assert (slides / css).is_file(), css
    includes = metadata["include-after-body"]
    includes = [includes] if isinstance(includes, str) else includes
    assert "keyboard-fix.html" in includes, includes
    for include in includes:
        assert (slides / include).is_file(), include
    assert (metadata["width"], metadata["height"]) == (1050, 700)


def test_the_deck_font_is_a_rebuild_of_quartos_source_sans_pro(tmp_path):
    """slides/fonts/ (scripts/build_fonts.py): reveal.js's Source Sans Pro from the installed Quarto,
    cut and renamed Deck Sans, byte for byte; every face has the Latin-1 letters and digits and
    the horizontal metrics of the original for each glyph it keeps."""
    from fontTools.ttLib import TTFont

    done = subprocess.run(["python3", str(ROOT / "scripts" / "build_fonts.py"), "--out", str(tmp_path)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    committed = sorted(p.name for p in (ROOT / "slides" / "fonts").iterdir() if p.name != "LICENSE")
    assert committed == sorted(p.name for p in tmp_path.iterdir())
    for name in committed:
        assert filecmp.cmp(ROOT / "slides" / "fonts" / name, tmp_path / name, shallow=False), f"{name} is not a rebuild"
    source = Path(subprocess.run(["quarto", "--paths"], capture_output=True, text=True, check=True).stdout.split()[1])
    for face in ("regular", "italic", "semibold", "semibolditalic"):
        cut = TTFont(ROOT / "slides" / "fonts" / f"deck-sans-{face}.woff2")
        original = TTFont(source / "formats/revealjs/reveal/dist/theme/fonts/source-sans-pro" / f"source-sans-pro-{face}.woff")
        names = [cut["name"].getDebugName(i) or "" for i in (1, 3, 4, 6, 16)]
        assert names[0].startswith("Deck Sans") and not any("Source" in n for n in names), names
        cmap, original_cmap = cut.getBestCmap(), original.getBestCmap()
        assert all(ord(c) in cmap for c in "AZaz09äöüßé€–—“”…−×→≤≥")
        for code, glyph in cmap.items():
            assert cut["hmtx"][glyph] == original["hmtx"][original_cmap[code]], (face, hex(code))
