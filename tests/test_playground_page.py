"""The optimizer playground in Chromium, on the rendered site (the `site` fixture: real
`quarto render`): offline load, every control, hostile links, the CSV against `pygen replay`, the
keyboard on the page and on the slide. The replay parity itself is tested without a render in
tests/test_playground.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pygen import replay

HOSTILE = ["#__proto__=1", "#surface=moon", "#lr.gd=NaN", "#steps=1e9", "#opt=gd,gd", "#extra=1",
           "#start=99,99", "#lr.gd=1e999", "#constructor.prototype=1", "#a=%3Cscript%3E"]


def readout(page):
    return page.locator(".pg-readout .pg-line[data-optimizer]").all_inner_texts()


# The page's address follows the widget's state a moment after the last change (one history
# entry replaced when a control comes to rest, slides/js/playground/address.js): within this.
ADDRESS_MS = 2000
ADDRESS_CAUGHT_UP = "() => location.hash === '#' + document.querySelector('.pg-root').dataset.hash"


def page_hash(page):
    """The page's address, once it shows the state the widget shows."""
    page.wait_for_function(ADDRESS_CAUGHT_UP, timeout=ADDRESS_MS)
    return page.evaluate("location.hash")


def set_text(page, key, value):
    box = page.locator(f'.pg-text[data-key="{key}"]').first
    box.fill(value)
    box.press("Enter")


def test_loads_offline_at_the_defaults(open_page):
    page = open_page("/playground.html")
    assert len(readout(page)) == 4
    state, error = replay.decode_hash(page_hash(page))
    assert error is None and state == replay.default_state()
    assert page.locator(".pg-message").inner_text() == ""
    # the paths are drawn: the canvas is not blank
    assert page.evaluate("""() => { const c = document.querySelector('.pg-surface canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n; }""") > 500


@pytest.mark.parametrize("link", HOSTILE)
def test_hostile_links_fall_back_to_the_defaults_with_a_message(open_page, link):
    page = open_page("/playground.html" + link)
    message = page.locator(".pg-message").inner_text()
    assert message.startswith("This link could not be read (") and "defaults are shown" in message
    assert len(readout(page)) == 4
    assert replay.read_state(page_hash(page)) == replay.default_state()


def test_every_control(open_page):
    page = open_page("/playground.html")
    for name in ["quartic", "saddle", "elongated_bowl", "skewed_bowl", "quadratic", "rosenbrock"]:
        page.select_option("select[aria-label=surface]", name)
        assert f"surface={name}&" in page_hash(page)
    set_text(page, "surface.b", "50")
    assert "surface.b=50&" in page_hash(page)
    set_text(page, "surface.b", "NaN")  # refused in words, the run stays
    assert page.locator('.pg-text[data-key="surface.b"]').get_attribute("aria-invalid") == "true"
    assert "Not applied: surface.b must be a number" in page.locator(".pg-input-error").inner_text()
    assert "surface.b=50&" in page_hash(page)
    for name in replay.OPTIMIZER_NAMES:
        box = page.locator(f'input[data-optimizer="{name}"]')
        before = box.is_checked()
        box.click()
        assert box.is_checked() != before
    assert len(readout(page)) == 4  # the four defaults were switched off, the other four on
    set_text(page, "lr.adam", "0.02")
    page.locator('.pg-opt[data-optimizer="adam"] summary').click()
    set_text(page, "adam.beta1", "0.8")
    assert "lr.adam=0.02&" in page_hash(page) and "adam.beta1=0.8&" in page_hash(page)
    for name in replay.SCHEDULE_NAMES:
        page.select_option("select[aria-label=schedule]", name)
        assert f"schedule={name}&" in page_hash(page)
    set_text(page, "schedule.warmup_steps", "5")
    assert "schedule.warmup_steps=5&" in page_hash(page)
    page.locator("input[aria-label='mini-batch size (powers of 2)']").fill("4")
    assert "batch=16&" in page_hash(page)
    set_text(page, "batch", "100")
    set_text(page, "seed", "4242")
    assert "batch=100&seed=4242&" in page_hash(page)
    page.get_by_role("button", name="New seed").click()
    assert "seed=4242&" not in page_hash(page)
    page.locator("input.pg-range[aria-label=steps]").fill("120")
    assert "steps=120&" in page_hash(page)
    set_text(page, "steps", "1000")
    assert "steps=1000&" in page_hash(page)
    # the start: typed, then clicked on the contours
    box = page.locator('.pg-text[aria-label="start x"]')
    box.fill("0.5")
    box.press("Enter")
    assert "&start=0.5,2" in page_hash(page)
    canvas = page.locator(".pg-surface canvas")
    bounds = canvas.bounding_box()
    canvas.click(position={"x": bounds["width"] * 0.6, "y": bounds["height"] * 0.3})
    assert "&start=0.5,2" not in page_hash(page)
    # animation: play advances, pause holds, step moves one, reset goes to 0
    page.get_by_role("button", name="Reset").click()
    assert page.locator(".pg-step").inner_text() == "step 0 / 1000"
    page.get_by_role("button", name="Step").click()
    assert page.locator(".pg-step").inner_text() == "step 1 / 1000"
    page.get_by_role("button", name="Play").click()
    page.wait_for_timeout(600)
    page.get_by_role("button", name="Pause").click()
    k = int(page.locator(".pg-step").inner_text().split()[1])
    assert 10 < k < 1000
    page.wait_for_timeout(200)
    assert int(page.locator(".pg-step").inner_text().split()[1]) == k
    # hover readout of the start point
    page.get_by_role("button", name="Reset").click()
    start = replay.read_state(page_hash(page))["start"]
    point = page.evaluate("""([x, y]) => { const c = document.querySelector('.pg-surface canvas');
        const svg = c.previousElementSibling; const sx = svg.scale('x'), sy = svg.scale('y');
        return [sx.apply(x), sy.apply(y)]; }""", start)
    canvas.hover(position={"x": point[0], "y": point[1]})
    assert ", step 0: θ = (" in page.locator(".pg-hover").inner_text()
    assert "lr " in page.locator(".pg-hover").inner_text()
    # copy link and defaults
    page.get_by_role("button", name="Copy link").click()
    page.wait_for_function("document.querySelector('.pg-root').dataset.copied")
    assert page.evaluate("document.querySelector('.pg-root').dataset.copied") == page.evaluate("location.href")
    page.get_by_role("button", name="Defaults").click()
    assert replay.read_state(page_hash(page)) == replay.default_state()


def test_csv_is_what_pygen_replay_prints(open_page):
    link = "#surface=saddle&opt=gd,nesterov,adamw,amsgrad&lr.gd=0.05&schedule=cosine&batch=8&seed=31&steps=400"
    page = open_page("/playground.html" + link)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text == replay.runs_csv(replay.run_playground(replay.read_state(page_hash(page))))
    assert text == replay.runs_csv(replay.run_playground(replay.read_state(link)))  # the link as given


def test_divergence_is_reported_in_words_and_the_others_run(open_page):
    page = open_page("/playground.html#surface=elongated_bowl&surface.a=100&opt=gd,momentum,adam&lr.gd=0.5&steps=200")
    lines = readout(page)
    assert lines[0].startswith("GD: DIVERGED at update")
    assert lines[1].startswith("Momentum: step 200") and lines[2].startswith("Adam: step 200")


def test_keyboard_on_the_page(open_page):
    page = open_page("/playground.html")
    surface = page.locator("select[aria-label=surface]")
    surface.focus()
    page.keyboard.press("ArrowDown")  # a focused select keeps its usual keys
    assert "surface=quadratic&" in page_hash(page)
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "surface"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "INPUT"
    check = page.locator('input[data-optimizer="nesterov"]')
    check.focus()
    page.keyboard.press("Space")
    assert check.is_checked() and "nesterov" in page_hash(page).split("&opt=")[1].split("&")[0]


def test_the_slide_hands_the_keyboard_back(open_page):
    page = open_page("/slides/unit6.html", wait=None)
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    index = page.evaluate("""() => [...document.querySelectorAll('.reveal .slides > section')]
        .findIndex((s) => (s.querySelector('h2')?.textContent ?? '').includes('optimizer playground'))""")
    assert index > 0
    page.evaluate(f"Reveal.slide({index})")
    page.wait_for_selector("section.present .pg-root canvas", timeout=30000)
    for act in [
        lambda: page.locator('section.present input[data-optimizer="adagrad"]').click(),
        lambda: page.select_option("section.present select[aria-label=schedule]", "cosine"),
        lambda: page.locator("section.present input.pg-range[aria-label=steps]").click(),
        lambda: page.locator("section.present .pg-button", has_text="Step").click(),
    ]:
        act()
        page.wait_for_timeout(100)
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(200)
        assert page.evaluate("Reveal.getIndices().h") == index + 1
        page.evaluate(f"Reveal.slide({index})")
        page.wait_for_timeout(200)
    # the slide's link opens the page with the same state
    page.locator("section.present .pg-button", has_text="Copy link").click()
    page.wait_for_function("document.querySelector('section.present .pg-root').dataset.copied")
    link = page.evaluate("document.querySelector('section.present .pg-root').dataset.copied")
    assert "/playground.html#v=1&" in link and "opt=gd,momentum,adagrad,rmsprop,adam&" in link


def test_a_drag_replaces_the_address_once_it_comes_to_rest(open_page):
    """A slider dragged through 40 values replaces the page's history entry a few times at most,
    not 40 (each replacement serialises the page's state and redraws the browser's address bar,
    and Chromium throttles a page doing it 200 times in 10 s), and the address then holds the
    last value."""
    page = open_page("/playground.html")
    page.evaluate("""() => { window.replaced = 0; const replace = history.replaceState.bind(history);
        history.replaceState = (...args) => { window.replaced += 1; return replace(...args); }; }""")
    page.evaluate("""async () => { const range = document.querySelector('input.pg-range[aria-label=steps]');
        for (let steps = 200; steps < 240; steps += 1) {
          range.value = String(steps);
          range.dispatchEvent(new Event('input', {bubbles: true}));
          await new Promise((resolve) => setTimeout(resolve, 16));
        } }""")
    assert "steps=239&" in page_hash(page)
    assert 1 <= page.evaluate("window.replaced") <= 3


def test_an_address_the_reader_navigated_to_is_not_overwritten(open_page):
    """A control changed, then the address changed before the page wrote it back (a link pasted
    within the moment the page waits, the back button): the page's pending write is dropped, so the
    reader's address stays (the WebKit parity test in CI hit this race under load)."""
    page = open_page("/playground.html")
    theirs = page.evaluate("""async () => {
        const range = document.querySelector('input.pg-range[aria-label=steps]');
        range.value = '123';
        range.dispatchEvent(new Event('input', {bubbles: true}));
        const theirs = '#surface=quartic&opt=adam&steps=77';
        history.replaceState(null, '', theirs);  // the address changes without a hashchange event
        await new Promise((resolve) => setTimeout(resolve, 600));
        return theirs; }""")
    assert page.evaluate("location.hash") == theirs
