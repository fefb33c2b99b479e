"""The speaker view (`S` on a deck) works offline: it opens, shows the current slide's notes,
loads the deck into its current/upcoming panes, and requests nothing outside 127.0.0.1."""

import time
from urllib.parse import urlsplit

from harness.runner import LOOPBACK
from harness.server import SiteServer

SLIDE = "try-it-gd-vs-momentum"


def test_speaker_view_shows_the_notes_offline(harness_session, site):
    server = SiteServer(site)
    context = harness_session.browser.new_context(viewport={"width": 1050, "height": 700})
    outside, errors = [], []

    def route(r):
        parts = urlsplit(r.request.url)
        if parts.scheme in ("data", "blob", "about") or parts.hostname in LOOPBACK:
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort("blockedbyclient")

    context.route("**/*", route)
    context.on("page", lambda p: p.on("console", lambda m: errors.append(m.text) if m.type == "error" else None))
    try:
        deck = context.new_page()
        deck.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        deck.goto(server.url(f"slides/unit6.html#/{SLIDE}"))
        deck.wait_for_function("() => window.Reveal && window.Reveal.isReady()")
        with context.expect_page() as opened:
            deck.keyboard.press("s")
        speaker = opened.value
        expected = deck.evaluate("() => Reveal.getCurrentSlide().querySelector('aside.notes').textContent.trim().slice(0, 40)")
        notes = ""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and expected not in notes:
            time.sleep(0.5)
            notes = speaker.evaluate("() => (document.querySelector('.speaker-controls-notes') || {textContent: ''}).textContent")
        assert expected and expected in notes, f"the speaker view shows {notes[:200]!r}, not the slide's notes"
        frames = speaker.evaluate("() => [...document.querySelectorAll('iframe')].map(f => f.src)")
        assert len(frames) == 2 and all("/slides/unit6.html?receiver" in src for src in frames), frames
        time.sleep(3)
        assert not outside, f"the speaker view requested {outside}"
        assert not errors, f"console errors with the speaker view open: {errors[:5]}"
    finally:
        context.close()
        server.close()


# ---------------------------------------------------------------------------------------------
# The speaker view's panes. Headless Chromium paints the popup blank (a screenshot of it is
# white), but its DOM is real: the notes plugin (site_libs/revealjs/plugin/notes/speaker-view.html,
# setupIframes) loads the deck twice in iframes, `unit6.html?receiver&progress=false&history=false
# &transition=none&autoSlide=0&backgroundTransition=none&scrollActivationWidth=false` plus
# `&postMessageEvents=true` (the current slide, 1280x1024) or `&controls=false` (the upcoming
# one, 640x512, one slide ahead), and moves both with postMessage as the main deck moves. The
# test drives the main deck to every plot slide and looks into those two frames.

# How many plots (an SVG or canvas larger than a legend sample) the shown slide's cells draw in
# the main deck: the panes are checked against it.
PLOT_COUNT = """(index) => [...document.querySelector(`[data-harness-slide="${index}"]`)
  .querySelectorAll('.cell-output-display svg, .cell-output-display canvas')].filter((p) => {
    const box = p.getBoundingClientRect();
    return box.width > 60 && box.height > 60;
  }).length"""

# In a pane (`pane`: "current" or "upcoming"), reached from the speaker view's document through
# its iframe (same origin; Playwright does not reliably list a popup's frames as its frames): the
# slide shown, whether its cells have settled, and its plots as drawn.
PANE = """(pane) => {
  const frame = [...document.querySelectorAll('iframe')].find((f) =>
    f.src.includes('receiver') && f.src.includes(pane === 'current' ? 'postMessageEvents=true' : 'controls=false'));
  const win = frame && frame.contentWindow;
  if (!win || !win.Reveal || !win.Reveal.isReady()) return null;
  const slide = win.Reveal.getCurrentSlide();
  if (!slide) return null;
  const runtime = win._ojs && win._ojs.ojsConnector && win._ojs.ojsConnector.runtime;
  const settled = !slide.querySelector('.observablehq--running') && (!runtime || runtime._computing === null);
  const plots = [...slide.querySelectorAll('.cell-output-display svg, .cell-output-display canvas')].map((p) => {
    const box = p.getBoundingClientRect();
    const marks = p.tagName.toLowerCase() === 'canvas' ? -1
      : p.querySelectorAll('path[d], rect[width], circle, line, polyline, text').length;
    return {tag: p.tagName.toLowerCase(), width: box.width, height: box.height, marks};
  }).filter((p) => p.width > 60 && p.height > 60);
  const errors = [...slide.querySelectorAll('.observablehq--error, .callout-important')].map((e) => e.textContent.slice(0, 120));
  return {id: slide.id, settled, plots, errors, src: frame.src};
}"""


def pane_showing(speaker, pane: str, slide_id: str, timeout: float = 40) -> dict:
    """What the `pane` shows once it is on `slide_id` and its cells have settled (three times in a
    row, 0.25 s apart: a data file fetched on first show settles in steps)."""
    deadline = time.monotonic() + timeout
    last, calm = None, 0
    while time.monotonic() < deadline:
        last = speaker.evaluate(PANE, pane)
        calm = calm + 1 if last and last["id"] == slide_id and last["settled"] else 0
        if calm >= 3:
            return last
        time.sleep(0.25)
    return last or {}


def test_speaker_view_panes_draw_every_plot(harness_session, site):
    # The plots each slide draws in the main deck (a plain load, then each slide shown: the other
    # browser tests check the deck's cells themselves).
    harness_session.server.serve(site)
    run = harness_session.open_url(harness_session.server.url("slides/unit6.html"), "slides/unit6.html", every_slide=False)
    try:
        order = [s.id for s in run.deck.slides]
        expected = []
        for slide in run.deck.slides:
            run.show(slide.index)
            count = run.page.evaluate(PLOT_COUNT, slide.index)
            if count:
                expected.append({"id": slide.id, "title": slide.title, "plots": count})
    finally:
        run.close()
    assert len(expected) >= 19, [s["title"] for s in expected]
    assert all(s["id"] for s in expected), expected

    server = SiteServer(site)
    context = harness_session.browser.new_context(viewport={"width": 1050, "height": 700})
    outside, errors = [], []
    # Requests are recorded, not routed: with a route on the context, Chromium never loads the
    # popup's iframes (they stay blank: Playwright does not see them as frames and their Reveal
    # never starts). A request outside 127.0.0.1 still fails the test.
    context.on("request", lambda r: outside.append(r.url) if urlsplit(r.url).scheme in ("http", "https", "ws")
               and urlsplit(r.url).hostname not in LOOPBACK else None)
    # Console errors and uncaught errors of the deck, the speaker view and both panes (a frame's
    # messages reach the context as its page's). Chromium's own request for /favicon.ico (not
    # routed, the site has none) is the browser's, not the deck's.
    context.on("console", lambda m: errors.append(f"{m.text} ({m.location.get('url')})") if m.type == "error"
               and not m.location.get("url", "").endswith("/favicon.ico") else None)
    context.on("weberror", lambda e: errors.append(str(e.error)))
    problems = []
    try:
        deck = context.new_page()
        deck.goto(server.url("slides/unit6.html"))
        deck.wait_for_function("() => window.Reveal && window.Reveal.isReady()")
        with context.expect_page() as opened:
            deck.keyboard.press("s")
        speaker = opened.value
        checked = {"current": 0, "upcoming": 0}
        go = "(id) => { const {h, v} = Reveal.getIndices(document.getElementById(id)); Reveal.slide(h, v); }"
        # Both panes connected and on the first slide (current) and the second (upcoming).
        assert pane_showing(speaker, "current", order[0]).get("id") == order[0], "the current pane did not load"
        assert pane_showing(speaker, "upcoming", order[1]).get("id") == order[1], "the upcoming pane did not load"
        for slide in expected:
            position = order.index(slide["id"])
            # The slide as the upcoming one (the deck on the slide before it), then as the current one.
            for pane, deck_on in (("upcoming", order[position - 1]), ("current", slide["id"])):
                deck.evaluate(go, deck_on)
                seen = pane_showing(speaker, pane, slide["id"])
                where = f"{pane} pane, slide '{slide['title']}'"
                if seen.get("id") != slide["id"] or not seen.get("settled"):
                    problems.append(f"{where}: the pane shows {seen.get('id')!r} (settled: {seen.get('settled')})")
                    continue
                checked[pane] += 1
                plots = seen["plots"]
                if len(plots) < slide["plots"]:
                    problems.append(f"{where}: {len(plots)} plot(s) drawn, the deck draws {slide['plots']}")
                for plot in plots:
                    if plot["marks"] == 0:
                        problems.append(f"{where}: an empty <{plot['tag']}> ({plot['width']:.0f}x{plot['height']:.0f})")
                problems += [f"{where}: cell error {e!r}" for e in seen["errors"]]
        assert checked == {"current": len(expected), "upcoming": len(expected)}, (checked, problems[:10])
    finally:
        context.close()
        server.close()
    assert not outside, f"the speaker view requested {outside}"
    assert not errors, f"console errors in the speaker view or its panes: {errors[:5]}"
    assert not problems, "\n".join(problems[:40])
