"""The same numbers in every browser: playground links run in Chromium, Firefox ESR and WebKitGTK
(tests/harness/engines.py) give the same float64 bits as `pygen replay`, so students comparing
runs across their laptops, iPads and phones see the same values.

Each link is opened on the rendered `playground.html`; the page's own modules (`state.js`,
`csv.js`, the core they import) run the link's state in that engine and write the CSV, in which
every number is the shortest text that reads back as the same double: equal text, equal bits.
The links cover every optimizer, every schedule, mini-batch noise (the project's PRNG) and a
diverging run."""

from __future__ import annotations

import pytest
from harness.engines import ENGINES

from pygen import replay

LINKS = [
    "#surface=rosenbrock&opt=gd,momentum,rmsprop,adam&schedule=exponential&steps=300",
    "#surface=saddle&opt=gd,nesterov,adamw,amsgrad&lr.gd=0.05&schedule=cosine&batch=8&seed=31&steps=400",
    "#surface=elongated_bowl&surface.a=100&opt=gd,momentum,adam&lr.gd=0.5&steps=200",
    "#surface=quartic&opt=adagrad,rmsprop,adam,nesterov&schedule=step&batch=64&seed=7&steps=1000",
    "#surface=skewed_bowl&opt=momentum,adagrad&schedule=warmup_cosine&batch=2&seed=999&steps=500",
]

PAGE_CSV = """async () => {
  const base = new URL("slides/js/playground/", location.href).href;
  const state = await import(base + "state.js");
  const csv = await import(base + "csv.js");
  const {state: decoded, error} = state.decode_hash(location.hash);
  if (error) return {error};
  return {csv: csv.runs_csv(state.run_playground(decoded))};
}"""


@pytest.mark.parametrize("engine", ENGINES)
def test_playground_links_give_the_same_bits_in_every_engine(engine_sessions, site, engine):
    session = engine_sessions(engine)
    session.server.serve(site)
    page = session.engine.new_page(1050, 700) if session.engine else session.browser.new_page()
    try:
        compared = 0
        for link in LINKS:
            state = replay.read_state(link)
            expected = replay.runs_csv(replay.run_playground(state))
            page.goto(session.server.url("playground.html") + link)
            page.wait_for_function("() => document.querySelector('.pg-root canvas') !== null", timeout=60000)
            got = page.evaluate(PAGE_CSV)
            assert "error" not in got, f"{engine}: the page refused {link}: {got}"
            assert got["csv"] == expected, f"{engine}: {link} differs from pygen replay"
            compared += expected.count("\n") - 1
        print(f"{engine}: {compared} rows of {len(LINKS)} links bit-identical with pygen replay")
    finally:
        page.close()


# A HiDPI screen in the other engines: Firefox at a device pixel ratio of 2 (WebDriver BiDi's
# viewport), WebKitGTK drawn by GTK at scale 2 (GDK_SCALE, engines.py), as a Retina iPad draws
# Safari. The deck fills a 1920 x 1080 screen, and the playground's canvases hold a pixel per
# device pixel (not a 1x bitmap scaled up).
HIDPI = """async () => {
  const deadline = performance.now() + 60000;
  while (!document.querySelector("section.present .pg-root canvas") && performance.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 300));
  const canvases = [...document.querySelectorAll("section.present .pg-root canvas")].map((c) => {
    const r = c.getBoundingClientRect();
    return {backing: c.width, device: r.width * devicePixelRatio};
  });
  return {dpr: devicePixelRatio, scale: Reveal.getScale(), margin: Reveal.getConfig().margin,
          width: innerWidth, height: innerHeight, canvases};
}"""


@pytest.mark.parametrize("engine", ["firefox", "webkit"])
def test_deck_on_a_hidpi_screen(engine_sessions, site, engine):
    session = engine_sessions(engine)
    session.server.serve(site)
    page = session.engine.new_page(1920, 1080, scale=2)
    try:
        page.goto(session.server.url("slides/unit6.html") + "#/try-it-optimizer-playground")
        got = page.evaluate(HIDPI)
        assert got["dpr"] == 2, f"{engine}: devicePixelRatio {got['dpr']}"
        fill = min(got["width"] / 1050, got["height"] / 700) * (1 - got["margin"])
        assert got["scale"] == pytest.approx(fill, rel=0.01), f"{engine}: the deck does not fill the screen: {got}"
        assert got["canvases"], f"{engine}: the playground slide has no canvas"
        for c in got["canvases"]:
            assert c["backing"] >= 0.98 * c["device"], f"{engine}: a canvas of {c['backing']} px is upscaled to {c['device']:.0f} device px"
    finally:
        page.close()
