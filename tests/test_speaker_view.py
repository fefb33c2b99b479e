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
