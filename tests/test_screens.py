"""Phones, tablets, projectors and high-DPI screens, on the rendered site in Chromium (Playwright's
device emulation: viewport, touch, mobile layout viewport, device pixel ratio).

- Every page at 360x740, 390x844 (touch) and 768x1024 (touch): no sideways scroll, nothing cut
  off at the screen's edges (what lies in a box that scrolls by itself can be reached), the
  navbar's title whole and its search button on the screen.
- The playground on a phone by touch: a tap on the contours moves the start, the buttons are on
  the screen and work by tap, the steps slider follows a finger's drag.
- The deck on a phone: scaled to the screen, a slider on a "Try it" slide follows a drag.
- Projectors: at 1920x1080 and at 3840x2160 device pixels (1920x1080 at device pixel ratio 2)
  the deck scales to the screen, text in plots keeps its ratio to the body text, and the
  playground's canvas is drawn at the screen's resolution (not upscaled).
"""

from __future__ import annotations

import pytest

from test_decks import PAGES as RENDERED_PAGES

# Every HTML page of the render that is not a deck (the decks have their own tests below).
PAGES = [p for p in RENDERED_PAGES if not p.startswith("slides/")]
SCREENS = {  # name: (width, height, touch and mobile)
    "phone-360x740": (360, 740, True),
    "phone-390x844": (390, 844, True),
    "tablet-768x1024": (768, 1024, True),
}

CUT_OFF = """() => {
  const W = document.documentElement.clientWidth;
  const clips = (el) => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const s = getComputedStyle(p); if (/(auto|scroll)/.test(s.overflowX)) return true; } return false; };
  const cut = [];
  for (const el of document.querySelectorAll("body *")) {
    const s = getComputedStyle(el);
    // (KaTeX's MathML copy of a formula is for screen readers: clipped to nothing on screen)
    if (s.visibility === "hidden" || s.display === "none" || el.closest("[aria-hidden=true], .visually-hidden, .katex-mathml")) continue;
    // the folded content of a closed <details> keeps its boxes in Chromium (content-visibility), unseen
    const fold = el.closest("details:not([open])");
    if (fold && !el.closest("summary")) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if ((r.right > W + 1 || r.left < -1) && !clips(el)) {
      cut.push(`${el.tagName.toLowerCase()}.${String(el.className.baseVal ?? el.className).split(" ")[0]} ` +
               `'${(el.textContent || "").trim().slice(0, 30)}' spans ${Math.round(r.left)}..${Math.round(r.right)}`);
    }
  }
  const title = document.querySelector(".navbar-title");
  const search = document.querySelector("#quarto-search, .aa-DetachedSearchButton, .quarto-search-button");
  const sr = search && search.getBoundingClientRect();
  return {scrollWidth: document.documentElement.scrollWidth, width: W, cut: cut.slice(0, 8),
          titleCut: title ? title.scrollWidth > title.clientWidth + 1 : false,
          searchOnScreen: !search || (sr.width > 0 && sr.right <= W + 1 && sr.left >= -1)};
}"""


@pytest.fixture()
def screen(harness_session, site):
    """Opens a page of the rendered site at a screen size; closes its context afterwards."""
    harness_session.server.serve(site)
    contexts = []

    def open_screen(path, width, height, touch=False, scale=1):
        context = harness_session.browser.new_context(viewport={"width": width, "height": height}, has_touch=touch,
                                                      is_mobile=touch, device_scale_factor=scale)
        contexts.append(context)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(harness_session.server.url(path))
        page.errors = errors
        return page

    yield open_screen
    for context in contexts:
        context.close()


@pytest.mark.parametrize("name", SCREENS)
@pytest.mark.parametrize("path", PAGES)
def test_page_fits_the_screen(screen, path, name):
    width, height, touch = SCREENS[name]
    page = screen(path, width, height, touch)
    if path == "playground.html":
        page.wait_for_selector(".pg-root canvas", timeout=30000)
    page.wait_for_timeout(300)
    fit = page.evaluate(CUT_OFF)
    assert fit["scrollWidth"] <= fit["width"], f"{path} at {name} scrolls sideways: {fit['scrollWidth']} px wide ({fit['cut']})"
    assert not fit["cut"], f"{path} at {name}: cut off at the screen's edge: {fit['cut']}"
    assert not fit["titleCut"], f"{path} at {name}: the navbar title is cut"
    assert fit["searchOnScreen"], f"{path} at {name}: the search button is off the screen"
    assert not page.errors


def touch_drag(page, x0, y0, x1, y1, steps=8):
    """A finger's drag (Chromium's touch events through CDP; Playwright only taps)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x0, "y": y0}]})
    for k in range(1, steps + 1):
        x, y = x0 + (x1 - x0) * k / steps, y0 + (y1 - y0) * k / steps
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def test_playground_by_touch_on_a_phone(screen):
    page = screen("playground.html", 390, 844, touch=True)
    page.wait_for_selector(".pg-root canvas", timeout=30000)
    for box in page.locator(".pg-root button, .pg-root select, .pg-root input").all():
        if not box.is_visible():
            continue
        b = box.bounding_box()
        assert b is None or (b["x"] >= 0 and b["x"] + b["width"] <= 390), f"{box.evaluate('e => e.outerHTML')[:80]} is cut off"
    start = page.evaluate("location.hash").split("&start=")[1].split("&")[0]
    canvas = page.locator(".pg-surface canvas")
    canvas.scroll_into_view_if_needed()
    bounds = canvas.bounding_box()
    page.touchscreen.tap(bounds["x"] + bounds["width"] * 0.7, bounds["y"] + bounds["height"] * 0.3)
    moved = f"() => location.hash.includes('&start=') && location.hash.split('&start=')[1].split('&')[0] !== '{start}'"
    page.wait_for_function(moved, timeout=2000)  # the address follows a moment after (address.js)
    page.get_by_role("button", name="Reset").tap()
    page.get_by_role("button", name="Step").tap()
    assert page.locator(".pg-step").inner_text().startswith("step 1 /")
    steps = page.locator("input.pg-range[aria-label=steps]")
    steps.scroll_into_view_if_needed()
    before = steps.input_value()
    b = steps.bounding_box()
    touch_drag(page, b["x"] + b["width"] * 0.9, b["y"] + b["height"] / 2, b["x"] + b["width"] * 0.2, b["y"] + b["height"] / 2)
    page.wait_for_timeout(200)
    assert steps.input_value() != before, "the steps slider did not follow the finger"
    page.wait_for_function(f"() => location.hash.includes('steps={steps.input_value()}&')", timeout=2000)
    assert not page.errors


def open_deck_slide(page, title_part):
    """Shows the slide whose title contains `title_part` (on a phone reveal.js shows the deck as
    its scroll view, the slides one under the other: the slide is scrolled to)."""
    page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=60000)
    index = page.evaluate("""(t) => [...document.querySelectorAll('.reveal .slides section')].filter((s) => !s.querySelector('section'))
        .findIndex((s) => (s.querySelector('h2')?.textContent ?? '').includes(t))""", title_part)
    assert index > 0, title_part
    page.evaluate(f"Reveal.slide({index})")
    page.wait_for_timeout(500)


def test_deck_on_a_phone_scales_and_its_sliders_follow_a_finger(screen):
    page = screen("slides/unit6.html", 390, 844, touch=True)
    open_deck_slide(page, "Try it: Hessian eigenvalues")
    slide = page.locator("section#try-it-hessian-eigenvalues")
    slide.scroll_into_view_if_needed()
    slide.locator("svg").last.wait_for(timeout=30000)
    box = page.evaluate("""() => { const r = document.querySelector('section#try-it-hessian-eigenvalues').getBoundingClientRect();
        return {scale: Reveal.getScale(), left: r.left, right: r.right, width: document.documentElement.clientWidth,
                scrollWidth: document.documentElement.scrollWidth}; }""")
    assert box["scale"] < 0.5 and box["left"] >= -1 and box["right"] <= box["width"] + 1, box
    assert box["scrollWidth"] <= box["width"], box
    slider = slide.locator("input[type=range]").first
    before = slider.input_value()
    plot_before = slide.locator("svg").last.inner_html()
    b = slider.bounding_box()
    touch_drag(page, b["x"] + b["width"] * 0.5, b["y"] + b["height"] / 2, b["x"] + b["width"] * 0.95, b["y"] + b["height"] / 2)
    page.wait_for_timeout(500)
    assert slider.input_value() != before, "the slider did not follow the finger"
    assert slide.locator("svg").last.inner_html() != plot_before, "the plot did not change"
    assert not page.errors


PLOT_TEXT_RATIO = """() => {
  const slide = document.querySelector('section.present');
  const body = parseFloat(getComputedStyle(document.querySelector('.reveal .slides')).fontSize);
  const texts = [...slide.querySelectorAll('svg text')].filter((t) => t.getBoundingClientRect().height > 0);
  const scale = Reveal.getScale();
  // the rendered height of the plot's tick labels against the slide's body text, both on screen
  const tick = Math.max(...texts.map((t) => t.getBoundingClientRect().height));
  return {ratio: tick / (body * scale), scale};
}"""

SHARPNESS = """() => [...document.querySelectorAll('section.present canvas')].map((c) => {
  const r = c.getBoundingClientRect();
  return {backing: c.width, device: r.width * devicePixelRatio};
})"""


@pytest.mark.parametrize("width,height,scale", [(1920, 1080, 1), (1920, 1080, 2)], ids=["1920x1080", "3840x2160-dpr2"])
def test_deck_on_a_projector(screen, width, height, scale):
    reference = screen("slides/unit6.html", 1050, 700)
    open_deck_slide(reference, "Try it: Hessian eigenvalues")
    expected = reference.evaluate(PLOT_TEXT_RATIO)
    page = screen("slides/unit6.html", width, height, scale=scale)
    open_deck_slide(page, "Try it: Hessian eigenvalues")
    got = page.evaluate(PLOT_TEXT_RATIO)
    margin = page.evaluate("Reveal.getConfig().margin")  # reveal.js leaves this fraction of the screen free
    assert got["scale"] == pytest.approx(min(width / 1050, height / 700) * (1 - margin), rel=0.01), "the deck does not fill the screen"
    assert got["ratio"] == pytest.approx(expected["ratio"], rel=0.03), f"plot text against body text: {got} vs {expected} at 1050x700"
    open_deck_slide(page, "optimizer playground")
    page.wait_for_selector("section.present .pg-root canvas", timeout=30000)
    canvases = page.evaluate(SHARPNESS)
    assert canvases, "the playground slide has no canvas"
    for c in canvases:
        assert c["backing"] >= 0.98 * c["device"], f"a canvas of {c['backing']} px is upscaled to {c['device']:.0f} device px"
    assert not page.errors


# The contour layer of the present slide alone: its level lines and every other layer of the plot
# hidden, so that what is left is the shading. Returns the plot's frame (inside its clip, 2 px in)
# in CSS pixels.
SHADING_ONLY = """() => {
  const svg = document.querySelector('section.present svg.trajectory-contours');
  for (const layer of svg.parentElement.children) if (layer !== svg) layer.style.visibility = 'hidden';
  svg.querySelectorAll('g[fill=none]').forEach((g) => g.setAttribute('stroke-opacity', '0'));
  const box = svg.getBoundingClientRect();
  const k = box.width / svg.width.baseVal.value;
  const clip = (name) => Number(svg.querySelector('clipPath rect').getAttribute(name)) * k;
  return {x: box.left + clip('x') + 2, y: box.top + clip('y') + 2, width: clip('width') - 4, height: clip('height') - 4};
}"""


def band_edges(png: bytes, bands: int = 16):
    """How sharp the shading's bands are in a screenshot (device pixels): the fraction of pixels on
    one of the `bands` most frequent colours (the bands' own), and the lengths of the runs of other
    pixels along the rows (a band edge: 1-2 px antialiased when drawn at the screen's resolution,
    the width of a scaled grid cell when a coarse raster is smoothed up)."""
    import io

    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(np.int16)
    colours, counts = np.unique(pixels.reshape(-1, 3), axis=0, return_counts=True)
    plateaus = colours[np.argsort(counts)[::-1][:bands]]
    off = np.ones(pixels.shape[:2], dtype=bool)
    for colour in plateaus:
        off &= np.abs(pixels - colour).max(axis=2) > 1
    runs = []
    for row in off:
        edges = np.flatnonzero(np.diff(np.concatenate(([0], row.astype(np.int8), [0]))))
        runs.extend((edges[1::2] - edges[::2]).tolist())
    return {"on_bands": float(1 - off.mean()), "median_run": float(np.median(runs)) if runs else 0.0,
            "p90_run": float(np.percentile(runs, 90)) if runs else 0.0, "size": pixels.shape[1::-1]}


@pytest.mark.parametrize("scale", [1, 2], ids=["1920x1080", "3840x2160-dpr2"])
def test_contour_shading_is_sharp_on_a_projector(screen, scale):
    # The shading under the level lines is drawn at the screen's resolution (issue 23): on a
    # projector reveal.js scales the slide up 1.4 times, at device pixel ratio 2 that is 2.8
    # device pixels per pixel of the slide. Each band is one colour up to its level line, which
    # it meets within 1-2 device pixels; the old raster of one pixel per 5 px grid cell, smoothed
    # up by the browser, ramped from band to band over 10-30 device pixels (median 11 at DPR 2).
    page = screen("slides/unit6.html", 1920, 1080, scale=scale)
    open_deck_slide(page, "Try it: Hessian eigenvalues")
    page.wait_for_selector("section.present svg.trajectory-contours", timeout=30000)
    frame = page.evaluate(SHADING_ONLY)
    page.wait_for_timeout(200)
    sharpness = band_edges(page.screenshot(clip=frame))
    # the screenshot is in device pixels: the plot's frame at the slide's scale times the ratio
    assert sharpness["size"][0] >= 0.98 * frame["width"] * scale, sharpness
    assert sharpness["on_bands"] >= 0.95, f"the shading has colours between its bands: {sharpness}"
    assert sharpness["median_run"] <= 2 and sharpness["p90_run"] <= 4, f"band edges are ramps, not edges: {sharpness}"
    assert not page.errors
