"""The live trainer in Chromium, on the rendered site (the `site` fixture: real `quarto render`):
the page training.html and the slide "Adam vs SGD on a materials dataset", offline. Runs train in
workers; the CSV they download is what `pygen replay` prints for the page's link; a live run of a
precomputed configuration retraces data/live_training_reference.arrow exactly; hostile links,
divergence, a missing or corrupt data file and a dead worker are said in words; the slide keeps
the keyboard and the clicker while two runs train; print shows the reference runs, trains nothing.
The bit-for-bit replay itself is tested without a browser in tests/test_training_link.py.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from pygen import training_link

ROOT = Path(__file__).resolve().parent.parent
PAGE = "/training.html"
WIDGET = ".tr-root svg"
SHORT = "#train=1&rows=400&epochs=3&sharpness=1&run1=gd&run1.lr=0.05&run1.batch=50&run2=adam&run2.lr=0.01&run2.batch=400"

HOSTILE = ["#train=2", "#run1=__proto__", "#run1=gd&run1.constructor=1", "#run1=gd&run1.lr=NaN", "#epochs=1e9",
           "#run1=gd&run3=adam", "#rows=3200", "#a=%3Cscript%3E", "#run1=adam&run1.beta1=1"]


def readout(page, scope=""):
    return page.locator(f"{scope} .tr-readout .tr-line").all_inner_texts()


def root_data(page, key, scope=""):
    return page.evaluate(f"document.querySelector('{scope} .tr-root').dataset.{key}")


def wait_phase(page, phase, scope="", timeout=120000):
    page.wait_for_function(f"document.querySelector('{scope} .tr-root')?.dataset.phase === '{phase}'", timeout=timeout)


def wait_loaded(page, runs, scope=""):
    """Every run's worker has read the data and posted epoch 0."""
    page.wait_for_function(
        f"""() => {{ const r = document.querySelector('{scope} .tr-root'); return r && r.training
            && r.training.runs().length === {runs} && r.training.runs().every((run) => run.rows.length > 0 || run.error); }}""",
        timeout=60000)


def visible_text(page):
    return page.evaluate("document.body.innerText")


def test_loads_offline_at_the_defaults(open_page):
    page = open_page(PAGE, wait=WIDGET)
    wait_loaded(page, 2)
    lines = readout(page)
    assert len(lines) == 2 and all(": epoch 0/40, train " in line for line in lines), lines
    state, error = training_link.decode_training_hash(page.evaluate("location.hash"))
    assert error is None and state == training_link.default_training_state()
    assert page.locator(".tr-message").inner_text() == "" and page.locator(".tr-error").inner_text() == ""
    # two plots, each with a line legend naming both runs
    assert page.locator(".tr-plots figure").count() == 2
    legend = page.locator(".tr-plots .line-legend").first.inner_text()
    assert "1: SGD, η 0.01, B 64" in legend and "2: Adam, η 0.001, B 64" in legend


@pytest.mark.parametrize("link", HOSTILE)
def test_hostile_links_fall_back_to_the_defaults_with_a_message(open_page, link):
    page = open_page(PAGE + link, wait=WIDGET)
    message = page.locator(".tr-message").inner_text()
    _, error = training_link.decode_training_hash(link.replace("%3C", "<").replace("%3E", ">"))
    assert message.startswith("This link could not be read (") and message.endswith("The defaults are shown.")
    if "%" not in link:
        assert message == error  # word for word the Python twin's
    assert training_link.read_training_state(page.evaluate("location.hash")) == training_link.default_training_state()
    # the default runs are built, then drawn at the next frame
    page.wait_for_function("document.querySelectorAll('.tr-readout .tr-line').length === 2", timeout=10000)
    assert len(readout(page)) == 2


def test_two_runs_train_side_by_side_and_the_csv_is_what_pygen_replay_prints(open_page):
    page = open_page(PAGE + SHORT, wait=WIDGET)
    wait_loaded(page, 2)
    page.get_by_role("button", name="Start").click()
    wait_phase(page, "done")
    lines = readout(page)
    assert lines[0].startswith("Run 1: epoch 3/3, train ") and lines[1].startswith("Run 2: epoch 3/3, train "), lines
    assert "λ₁ " in lines[0] and "vs 2/η 40" in lines[0]  # 2 / 0.05
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    state = training_link.read_training_state(page.evaluate("location.hash"))
    assert text == training_link.training_csv(training_link.train_runs(state, ROOT / "data"))
    assert len(text.splitlines()) == 1 + 2 * 4
    # the two runs were trained by two workers at once: their rows arrived interleaved
    order = page.evaluate("window.__row_order ?? null")
    assert order is None or len(order) >= 6


def test_start_pause_step_reset(open_page):
    page = open_page(PAGE + "#train=1&rows=800&epochs=200&sharpness=0&run1=gd&run1.batch=100&run2=adam&run2.batch=100",
                     wait=WIDGET)
    wait_loaded(page, 2)
    page.get_by_role("button", name="Step").click()
    page.wait_for_function("document.querySelector('.tr-root').training.runs().every((r) => r.rows.at(-1).epoch === 1)")
    page.wait_for_timeout(100)  # the readout follows at the next frame
    assert all(": epoch 1/200" in line for line in readout(page)), readout(page)
    page.get_by_role("button", name="Resume").click()  # after a step the runs are paused
    page.wait_for_function("Number(document.querySelector('.tr-root').dataset.epoch) >= 4", timeout=60000)
    page.get_by_role("button", name="Pause").click()
    # each worker reads "pause" after the epoch under way and says so; no row comes after that
    page.wait_for_function("document.querySelector('.tr-root').training.runs().every((r) => r.phase === 'paused')")
    held = page.evaluate("document.querySelector('.tr-root').training.runs().map((r) => r.rows.length)")
    page.wait_for_timeout(1200)
    assert page.evaluate("document.querySelector('.tr-root').training.runs().map((r) => r.rows.length)") == held
    assert max(held) < 201
    assert page.get_by_role("button", name="Resume").is_visible()
    page.get_by_role("button", name="Reset").click()
    assert page.get_by_role("button", name="Start").is_visible()
    page.wait_for_function("document.querySelector('.tr-root').training.runs().every((r) => r.rows.length === 1)")
    # the readout follows at the next frame (which a loaded machine can delay)
    page.wait_for_function("""() => { const lines = [...document.querySelectorAll('.tr-readout .tr-line')];
        return lines.length === 2 && lines.every((l) => l.innerText.includes(': epoch 0/200')); }""", timeout=5000)
    assert all(": epoch 0/200" in line for line in readout(page)), readout(page)


def test_controls_change_the_link_and_restart_only_their_run(open_page):
    page = open_page(PAGE, wait=WIDGET)
    wait_loaded(page, 2)
    page.select_option("select[aria-label='optimizer of run 2']", "adamw")
    assert "run2=adamw&run2.lr=0.001&run2.beta1=0.9&run2.beta2=0.999&run2.eps=1e-8&run2.weight_decay=0.1&" in page.evaluate("location.hash")
    box = page.locator("input[aria-label='B of run 1']")
    box.fill("8")
    box.press("Enter")
    assert "run1.batch=8&" in page.evaluate("location.hash")
    box.fill("5000")
    box.press("Enter")  # refused in words, the run stays
    assert box.get_attribute("aria-invalid") == "true"
    assert "Not applied: run1.batch must be a whole number in [1, 3199]" in page.locator(".tr-error").inner_text()
    assert "run1.batch=8&" in page.evaluate("location.hash")
    page.select_option("select[aria-label='schedule of run 1']", "cosine")
    page.get_by_role("button", name="Add a run").click()
    page.get_by_role("button", name="Add a run").click()
    wait_loaded(page, 4)
    assert page.get_by_role("button", name="Add a run").count() == 0  # at most four
    page.get_by_role("button", name="remove run 3").click()
    state = training_link.read_training_state(page.evaluate("location.hash"))
    assert [r["optimizer"] for r in state["runs"]] == ["gd", "adamw", "adam"] and state["runs"][0]["schedule"] == "cosine"
    page.select_option("select[aria-label=preset]", "edge_of_stability")
    state = training_link.read_training_state(page.evaluate("location.hash"))
    assert all(run["optimizer"] == "gd" and run["batch"] == state["rows"] < 3199 for run in state["runs"])
    page.get_by_role("button", name="Defaults").click()
    assert training_link.read_training_state(page.evaluate("location.hash")) == training_link.default_training_state()


def test_a_diverging_run_is_shown_as_diverged_never_nan(open_page):
    page = open_page(PAGE + "#train=1&rows=64&epochs=4&sharpness=2&run1=gd&run1.lr=10&run1.batch=1&run2=adam&run2.batch=64",
                     wait=WIDGET)
    wait_loaded(page, 2)
    page.get_by_role("button", name="Start").click()
    wait_phase(page, "done")
    lines = readout(page)
    assert lines[0].startswith("Run 1: DIVERGED at epoch 1:") and "stopped" in lines[0], lines
    assert lines[1].startswith("Run 2: epoch 4/4"), lines
    text = visible_text(page)
    assert "NaN" not in text and "Infinity" not in text and "null" not in text
    # the loss plot still draws the diverged run's finite epoch and marks where it stopped
    assert page.locator(".tr-plots figure").first.locator('g[aria-label="dot"]').count() >= 1


@pytest.mark.parametrize("case", ["missing", "corrupt", "dead worker"])
def test_missing_or_corrupt_data_and_a_dead_worker_are_said_on_the_page(open_page, case):
    def prepare(page):
        if case == "missing":
            page.route("**/data/training_set.arrow", lambda r: r.fulfill(status=404, body="not found"))
        elif case == "corrupt":
            page.route("**/data/training_set.arrow", lambda r: r.fulfill(status=200, body=b"garbage, not Arrow"))
        else:
            page.route("**/slides/js/training/worker.js",
                       lambda r: r.fulfill(status=200, content_type="text/javascript", body="throw new Error('simulated crash');"))

    expected = {"missing": ["404"], "corrupt": [], "dead worker": ["simulated crash"]}[case]
    page = open_page(PAGE, wait=WIDGET, prepare=prepare, expected_errors=expected)
    page.wait_for_function("document.querySelector('.tr-error').textContent !== ''", timeout=30000)
    error = page.locator(".tr-error").inner_text()
    lines = readout(page)
    said = {"missing": "data/training_set.arrow is missing (HTTP 404)",
            "corrupt": "data/training_set.arrow is not a readable training set",
            "dead worker": "its worker stopped"}[case]
    assert error.startswith("Run ") and " stopped: " in error and said in error, error
    assert any(line.endswith(".") and "stopped:" in line for line in lines), lines
    assert page.locator(".tr-plots figure").count() == 2  # the plots stay, empty, with their axes


def test_a_live_run_of_a_precomputed_configuration_retraces_it_exactly(open_page):
    """The grey curves come from data/live_training_reference.arrow, trained by pygen's twin of the
    browser's trainer: a live run of the lecture's configuration lands on them bit for bit."""
    page = open_page(PAGE + "#train=1&epochs=3", wait=WIDGET)
    wait_loaded(page, 2)
    page.wait_for_function("document.querySelectorAll('.tr-plots figure')[0].innerText.includes('Python reference')")
    page.get_by_role("button", name="Start").click()
    wait_phase(page, "done")
    compared = page.evaluate("""async () => {
      const {reference_index, reference_for} = await import('./slides/js/training/reference.js');
      const bytes = await (await fetch('./data/live_training_reference.arrow')).arrayBuffer();
      const arrow = await import('./slides/vendor/arrow.js');
      const plain = (v) => (typeof v === 'bigint' ? Number(v) : v);
      const rows = arrow.tableFromIPC(new Uint8Array(bytes)).toArray()
        .map((r) => Object.fromEntries(Object.entries(r.toJSON()).map(([k, v]) => [k, plain(v)])));
      const index = reference_index(rows);
      return document.querySelector('.tr-root').training.runs().map((run) => {
        const ref = reference_for(index, run.config);
        return {live: run.rows, ref};
      });
    }""")
    assert len(compared) == 2
    for run in compared:
        assert run["ref"] is not None and len(run["live"]) == 4
        fields = ["epoch", "step", "lr", "train_loss", "test_loss", "lambda1", "status"]
        assert [[row[k] for k in fields] for row in run["live"]] == [[row[k] for k in fields] for row in run["ref"]]


def deck_slide(page, title_start):
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    index = page.evaluate("""(t) => [...document.querySelectorAll('.reveal .slides > section')]
        .findIndex((s) => (s.querySelector('h2')?.textContent ?? '').startsWith(t))""", title_start)
    assert index > 0
    return index


def test_the_slide_keeps_the_keyboard_and_the_clicker_while_two_runs_train(open_page):
    page = open_page("/slides/unit6.html", wait=None)
    index = deck_slide(page, "Adam vs SGD on a materials dataset")
    page.evaluate(f"Reveal.slide({index})")
    scope = "section.present"
    page.wait_for_selector(f"{scope} .tr-root svg", timeout=30000)
    wait_loaded(page, 2, scope)
    page.locator(f"{scope} .tr-button", has_text="Start").click()
    page.wait_for_function(f"Number(document.querySelector('{scope} .tr-root').dataset.epoch) >= 1", timeout=60000)
    for act in [
        lambda: None,  # the Start button itself
        lambda: page.select_option(f"{scope} select[aria-label='schedule of run 1']", "constant"),
        lambda: page.locator(f"{scope} .tr-button", has_text="More settings").click(),
    ]:
        act()
        page.wait_for_timeout(100)
        page.keyboard.press("ArrowRight")  # a clicker sends the arrow keys
        page.wait_for_function(f"Reveal.getIndices().h === {index + 1}", timeout=2000)
        page.keyboard.press("ArrowLeft")
        page.wait_for_function(f"Reveal.getIndices().h === {index}", timeout=2000)
    # the runs went on training in their workers meanwhile
    epoch = int(page.evaluate(f"document.querySelector('{scope} .tr-root').dataset.epoch"))
    page.wait_for_function(f"Number(document.querySelector('{scope} .tr-root').dataset.epoch) > {epoch}", timeout=60000)
    page.locator(f"{scope} .tr-button", has_text="Pause").click()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"Reveal.getIndices().h === {index + 1}", timeout=2000)
    # the slide's link opens the page with the same runs
    page.evaluate(f"Reveal.slide({index})")
    page.locator(f"{scope} .tr-button", has_text="Copy link").click()
    page.wait_for_function(f"document.querySelector('{scope} .tr-root').dataset.copied")
    link = page.evaluate(f"document.querySelector('{scope} .tr-root').dataset.copied")
    assert "/training.html#train=1&" in link
    assert training_link.read_training_state(link) == training_link.default_training_state()


TRAINING_SLIDE_ID = "adam-vs-sgd-on-a-materials-dataset"
PLAYING_RUNS = """(scope) => document.querySelector(`${scope} .tr-root`).training.runs()
    .filter((run) => run.phase === "playing").length"""
# the runs the widget has told to train (the last play/pause it sent each worker, which the worker
# follows in order; the phase a worker reports lags behind by a message)
TRAINING_NOW = """(scope) => document.querySelector(`${scope} .tr-root`).training.runs()
    .filter((run) => run.sent_play).length"""
EPOCHS = """(scope) => document.querySelector(`${scope} .tr-root`).training.runs().map((run) => run.rows.length)"""


def test_on_another_slide_the_runs_take_turns_and_all_train_again_on_return(open_page):
    """While the lecturer shows another slide, the two runs train one at a time (one core is left to
    that slide's keys and sliders) and go on; back on the slide both train at once again."""
    page = open_page("/slides/unit6.html", wait=None)
    index = deck_slide(page, "Adam vs SGD on a materials dataset")
    page.evaluate(f"Reveal.slide({index})")
    scope = "section.present"
    page.wait_for_selector(f"{scope} .tr-root svg", timeout=30000)
    page.select_option(f"{scope} select[aria-label='preset']", "edge_of_stability")  # 600 epochs: long enough
    wait_loaded(page, 2, scope)
    page.locator(f"{scope} .tr-button", has_text="Start").click()
    page.wait_for_function(f"({PLAYING_RUNS})('{scope}') === 2", timeout=30000)
    root = f"document.getElementById('{TRAINING_SLIDE_ID}').querySelector('.tr-root')"
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"{root}.dataset.inView === 'false'", timeout=5000)
    away_scope = f"#{TRAINING_SLIDE_ID}"
    before = page.evaluate(f"({EPOCHS})('{away_scope}')")
    playing = []
    for _ in range(10):
        page.wait_for_timeout(200)
        playing.append(page.evaluate(f"({TRAINING_NOW})('{away_scope}')"))
    after = page.evaluate(f"({EPOCHS})('{away_scope}')")
    assert playing == [1] * 10, playing
    assert sum(after) > sum(before), (before, after)  # the runs went on in the background
    assert max(after) - min(after) <= 3, after  # taking turns keeps them level
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(f"{root}.dataset.inView === 'true'", timeout=5000)
    page.wait_for_function(f"({PLAYING_RUNS})('{scope}') === 2", timeout=10000)


def test_print_shows_the_reference_runs_and_trains_nothing(open_page):
    def count_workers(page):
        page.add_init_script("""window.__workers = 0; const Native = window.Worker;
            window.Worker = class extends Native { constructor(...a) { super(...a); window.__workers += 1; } };""")

    page = open_page("/slides/unit6.html?print-pdf", wait=None, prepare=count_workers)
    page.wait_for_selector("#adam-vs-sgd-on-a-materials-dataset .tr-root svg", timeout=60000)
    scope = "#adam-vs-sgd-on-a-materials-dataset"
    page.wait_for_function(f"document.querySelector('{scope} .tr-note').textContent.startsWith('On paper')")
    page.wait_for_function(f"document.querySelectorAll('{scope} .tr-readout .tr-line').length === 2")
    page.wait_for_function(f"!document.querySelector('{scope} .tr-readout').innerText.includes('loading')", timeout=30000)
    lines = readout(page, scope)
    assert all(": epoch " in line and ", train " in line for line in lines), lines
    assert page.evaluate("window.__workers") == 0
    assert page.locator(f"{scope} .tr-button", has_text="Start").is_disabled()
    # drawn: each run's training loss is a line of the loss plot
    assert page.locator(f"{scope} .tr-plots figure").first.locator('g[aria-label="line"] path').count() >= 2


def test_the_page_loads_one_bundle_and_not_the_ojs_runtime(open_page):
    """training.qmd mounts the widget from slides/js/training.bundle.js (scripts/deck_bundle.mjs,
    PAGES), as the playground page does (issue 26: the page on a phone): no Quarto OJS runtime,
    and none of the widget's modules fetched by itself on the page's thread (the workers import
    their own files: slides/js/training/worker.js and the core)."""
    requests = []

    def prepare(page):
        page.on("request", lambda r: requests.append(urlsplit(r.url).path.lstrip("/")))

    page = open_page(PAGE, wait=WIDGET, prepare=prepare)
    wait_loaded(page, 2)
    paths = requests
    assert paths.count("slides/js/training.bundle.js") == 1, paths
    assert not [p for p in paths if "quarto-ojs" in p], paths
    for module in ("slides/js/training/widget.js", "slides/js/training/plots.js", "slides/js/libs.js", "slides/js/deck_data.js"):
        assert module not in paths, f"{module} fetched by itself: {paths}"
    assert "slides/js/training/worker.js" in paths, "no training worker started"
