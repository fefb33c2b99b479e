"""The deck's own JavaScript helpers (slides/js/plots/, deck_data.js, deck_controls.js) under
Node: grids from indices, clipping to the view, readouts that say "diverged" in words, the
reference comparison, data files that are missing or corrupt. The browser side (the plots in
the deck) is covered by the harness; this checks the arithmetic and the messages directly."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")


def node(script: str):
    """Runs an ES-module script in the repo root and returns what it printed as JSON."""
    out = subprocess.run(["node", "--input-type=module", "-e", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


# The plot helpers' modules (slides/js/plots/), merged into one namespace P for the scripts.
PLOT_MODULES = ["style", "geometry", "contours", "readouts", "trajectory", "hessian", "schedules", "data_plots"]
PLOTS = ("".join(f'import * as P_{m} from "./slides/js/plots/{m}.js";' for m in PLOT_MODULES)
         + "const P = {" + ", ".join(f"...P_{m}" for m in PLOT_MODULES) + "};")


def test_linspace_is_built_from_indices():
    result = node(PLOTS + "console.log(JSON.stringify([P.linspace(-2, 2, 40), P.linspace(-1.5, 1.5, 60)]));")
    for values, lo, hi, n in [(result[0], -2, 2, 40), (result[1], -1.5, 1.5, 60)]:
        assert len(values) == n + 1
        assert values[0] == lo and values[-1] == hi
        for i, v in enumerate(values):
            assert v == lo + (hi - lo) * i / n or i == n
    # accumulating 0.1 from -2 would overshoot and skip the last grid line; the index grid hits 2 exactly
    assert result[0][20] == 0


def test_surface_grid_samples_cell_centres():
    result = node(PLOTS + """
      const g = P.surface_grid(([x, y]) => x * 1000 + y, {x: [-2, 2], y: [-1, 1]}, 4, 2);
      console.log(JSON.stringify({values: Array.from(g.values), w: g.width, h: g.height}));""")
    assert result["w"] == 4 and result["h"] == 2
    xs, ys = [-1.5, -0.5, 0.5, 1.5], [-0.5, 0.5]
    assert result["values"] == [x * 1000 + y for y in ys for x in xs]


def test_contour_levels_are_even_in_sqrt_and_inside_the_range():
    levels = node(PLOTS + "console.log(JSON.stringify(P.contour_levels([-4, 0, 1, 4], 7)));")
    assert len(levels) == 7
    assert all(-4 < v < 4 for v in levels)
    assert levels == sorted(levels)
    assert 0 in levels  # symmetric signed-sqrt spacing puts a level on the saddle's zero set


def test_clip_segment_cuts_at_the_frame():
    result = node(PLOTS + """
      const view = {x: [-1, 1], y: [-1, 1]};
      console.log(JSON.stringify([
        P.clip_segment({x: 0, y: 0}, {x: 1e30, y: 0}, view),
        P.clip_segment({x: 2, y: 2}, {x: 3, y: 3}, view),
        P.clip_segment({x: -2, y: 0}, {x: 2, y: 0}, view),
        P.clip_segment({x: 0, y: 0}, {x: 0.5, y: 0.5}, view),
      ]));""")
    assert result[0] == {"x1": 0, "y1": 0, "x2": 1, "y2": 0}
    assert result[1] is None
    assert result[2] == {"x1": -1, "y1": 0, "x2": 1, "y2": 0}
    assert result[3] == {"x1": 0, "y1": 0, "x2": 0.5, "y2": 0.5}


GEOMETRY = 'import * as G from "./slides/js/plots/geometry.js";'


def test_geometry_is_pure():
    """slides/js/plots/geometry.js imports nothing: no Plot, no DOM, so Node tests it as is."""
    source = (ROOT / "slides" / "js" / "plots" / "geometry.js").read_text()
    assert "import " not in source and "document" not in source


def test_linspace_refuses_a_count_that_is_not_a_positive_integer():
    result = node(GEOMETRY + """
      const out = [];
      for (const n of [0, -1, 2.5]) { try { G.linspace(0, 1, n); out.push(null); } catch (e) { out.push(e.message); } }
      console.log(JSON.stringify([...out, G.linspace(3, 5, 1)]));""")
    assert result[:3] == [f"linspace needs an integer n >= 1, got {n}" for n in ["0", "-1", "2.5"]]
    assert result[3] == [3, 5]


def test_run_points_are_theta_in_2d_and_loss_in_1d():
    result = node(GEOMETRY + """
      const rows = (thetas) => ({rows: thetas.map((theta, step) => ({step, theta, loss: 10 + step}))});
      console.log(JSON.stringify([G.run_points(rows([[1, 2], [3, 4]])), G.run_points(rows([[0.5], [0.25]]))]));""")
    assert result[0] == [{"step": 0, "x": 1, "y": 2, "loss": 10}, {"step": 1, "x": 3, "y": 4, "loss": 11}]
    assert result[1] == [{"step": 0, "x": 0.5, "y": 10, "loss": 10}, {"step": 1, "x": 0.25, "y": 11, "loss": 11}]


def test_ray_exit_is_where_the_ray_from_the_origin_leaves_the_view():
    result = node(GEOMETRY + """
      const view = {x: [-4, 2], y: [-1, 3]};
      const s = Math.SQRT1_2;
      console.log(JSON.stringify([G.ray_exit([1, 0], view), G.ray_exit([-1, 0], view), G.ray_exit([0, -1], view),
                                  G.ray_exit([0, 1], view), G.ray_exit([s, s], view)]));""")
    assert result[:4] == [2, 4, 1, 3]
    assert abs(result[4] - 2 / 2 ** -0.5) < 1e-12  # x = 2 is reached before y = 3


def test_diverging_run_is_reported_in_words_and_drawn_inside_the_view():
    result = node(PLOTS + """
      import {run_scene, SCENE_VIEW} from "./slides/js/core/scenes.js";
      const out = {};
      for (const [name, values] of [["lr_1d", {lr: 1, steps: 50}], ["ill_conditioned", {a: 20, lr: 0.5, steps: 50}],
                                    ["saddle", {lr: 0.5, noise: 0.5, steps: 100, seed: 3}],
                                    ["comparison", {lr: 1, lr_adam: 1, steps: 200}]]) {
        const runs = run_scene(name, values);
        const view = SCENE_VIEW[name];
        out[name] = runs.map((run) => {
          const clipped = P.clip_polyline(P.run_points(run.result), view);
          const coords = clipped.segments.flatMap((s) => [s.x1, s.x2, s.y1, s.y2]);
          const inside = coords.every((v) => Number.isFinite(v)) &&
            clipped.segments.every((s) => [s.x1, s.x2].every((x) => x >= view.x[0] && x <= view.x[1]) &&
                                          [s.y1, s.y2].every((y) => y >= view.y[0] && y <= view.y[1]));
          return {status: run.result.status, readout: P.run_readout(run, view), inside};
        });
      }
      console.log(JSON.stringify(out));""")
    assert result["lr_1d"][0]["status"] == "diverged"
    assert "DIVERGED at update" in result["lr_1d"][0]["readout"]
    assert result["ill_conditioned"][0]["readout"].startswith("GD: DIVERGED at update 1")
    assert result["saddle"][0]["status"] == "diverged"
    gd, momentum, rmsprop, adam = result["comparison"]
    assert "DIVERGED" in gd["readout"] and "DIVERGED" in momentum["readout"]
    assert "DIVERGED" not in adam["readout"] and adam["readout"].startswith("Adam: step 200, loss ")
    for runs in result.values():
        assert all(run["inside"] for run in runs)


def test_readout_reports_leaving_the_view():
    readout = node(PLOTS + """
      import {run_scene, SCENE_VIEW} from "./slides/js/core/scenes.js";
      console.log(JSON.stringify(P.run_readout(run_scene("saddle", {})[0], SCENE_VIEW.saddle)));""")
    assert readout == "GD: step 20, loss -14.7, |grad| 7.668; leaves the plotted area at step 17"


def test_wrap_text_keeps_lines_short():
    lines = node(PLOTS + 'console.log(JSON.stringify(P.wrap_text("a ".repeat(30) + "supercalifragilistic end", 12)));')
    assert all(len(line) <= 12 or " " not in line for line in lines)
    assert " ".join(lines) == "a " * 30 + "supercalifragilistic end"


def test_every_optimizer_has_one_fixed_colour():
    result = node(PLOTS + """
      import {OPTIMIZER_NAMES} from "./slides/js/core/optimizers.js";
      console.log(JSON.stringify({names: OPTIMIZER_NAMES, colors: P.OPTIMIZER_COLORS}));""")
    assert set(result["names"]) == set(result["colors"])
    assert len(set(result["colors"].values())) == len(result["colors"])  # no two optimizers share a colour


DATA = 'import {load_table, scene_reference, reference_agreement} from "./slides/js/deck_data.js";'
FILE = ('import {readFile} from "node:fs/promises"; const file = (p) => '
        '({arrayBuffer: () => readFile(p).then((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength))});')


def test_missing_and_corrupt_files_become_messages(tmp_path):
    corrupt = tmp_path / "corrupt.arrow"
    corrupt.write_bytes(b"this is not arrow")
    short = tmp_path / "short.arrow"
    short.write_bytes(b"garbage")  # apache-arrow reads these 7 bytes as an empty table
    result = node(DATA + FILE + f"""
      const missing = await load_table(file({json.dumps(str(tmp_path / "absent.arrow"))}), {{name: "data/absent.arrow"}});
      const bad = await load_table(file({json.dumps(str(corrupt))}), {{name: "data/corrupt.arrow"}});
      const tiny = await load_table(file({json.dumps(str(short))}), {{name: "data/short.arrow"}});
      console.log(JSON.stringify({{missing, bad, tiny}}));""")
    assert result["tiny"]["status"] == "corrupt" and "not a readable Arrow file" in result["tiny"]["message"]
    assert result["missing"]["status"] == "missing"
    assert "data/absent.arrow is missing" in result["missing"]["message"]
    assert result["bad"]["status"] == "corrupt"
    assert "not a readable Arrow file" in result["bad"]["message"]


@pytest.mark.skipif(not (ROOT / "data" / "reference_trajectories.arrow").exists(), reason="data/reference_trajectories.arrow not generated")
def test_live_paths_equal_the_python_reference_at_the_defaults():
    result = node(DATA + FILE + """
      import {run_scene, scene_defaults} from "./slides/js/core/scenes.js";
      const loaded = await load_table(file("data/reference_trajectories.arrow"), {name: "ref"});
      const out = {};
      for (const name of ["saddle", "ill_conditioned", "momentum", "nesterov", "lr_1d", "comparison"]) {
        const values = scene_defaults(name);
        const live = run_scene(name, values);
        const at_defaults = scene_reference(loaded, name, values, live);
        const moved = scene_reference(loaded, name, {...values, lr: values.lr + 0.01}, run_scene(name, {...values, lr: values.lr + 0.01}));
        const tampered = structuredClone(at_defaults.runs);
        tampered[0].result.rows[3].theta[0] += 1e-15;
        out[name] = {note: at_defaults.note, paths: at_defaults.runs.length, moved: moved.note, moved_paths: moved.runs.length,
                     tampered: reference_agreement(tampered, live)};
      }
      const absent = scene_reference({status: "missing", message: "data/reference_trajectories.arrow is missing."}, "saddle", {}, []);
      console.log(JSON.stringify({out, absent}));""")
    for name, r in result["out"].items():
        assert r["note"].endswith("the live path equals it bit for bit."), (name, r["note"])
        assert r["paths"] >= 1
        assert r["moved_paths"] == 0 and "default settings only" in r["moved"]
        assert "differs from the Python reference at step 3" in r["tampered"]
    assert result["absent"]["runs"] == []
    assert "Python reference not shown: data/reference_trajectories.arrow is missing." == result["absent"]["note"]


def test_new_seed_changes_the_seed_within_range():
    seeds = node('import {new_seed, MAX_SEED} from "./slides/js/deck_controls.js";'
                 "const s = []; let c = 1; for (let i = 0; i < 200; i++) { c = new_seed(c); s.push(c); }"
                 "console.log(JSON.stringify({s, MAX_SEED}));")
    values = seeds["s"]
    assert all(1 <= v <= seeds["MAX_SEED"] and int(v) == v for v in values)
    assert all(a != b for a, b in zip(values, values[1:]))


def test_visible_pieces_split_where_the_path_leaves_the_view():
    rows = node(PLOTS + """
      const view = {x: [-1, 1], y: [-1, 1]};
      const points = [{x: 0, y: 0}, {x: 0.5, y: 0}, {x: 3, y: 0}, {x: 0.5, y: 0.5}, {x: 0, y: 0.5}].map((p, step) => ({...p, step}));
      console.log(JSON.stringify(P.visible_pieces(points, view)));""")
    assert rows == [
        {"piece": 0, "x": 0, "y": 0}, {"piece": 0, "x": 0.5, "y": 0}, {"piece": 0, "x": 1, "y": 0},
        {"piece": 1, "x": 1, "y": 0.4}, {"piece": 1, "x": 0.5, "y": 0.5}, {"piece": 1, "x": 0, "y": 0.5},
    ]


def test_readout_lines_name_each_run_then_the_notes():
    lines = node(PLOTS + """
      import {run_scene, SCENE_VIEW} from "./slides/js/core/scenes.js";
      const runs = run_scene("comparison", {lr: 0.3, lr_adam: 0.5, steps: 50});
      const lines = P.readout_lines(runs, SCENE_VIEW.comparison, {reference: {runs: [], note: "ref note"}, notes: ["a note", ""]});
      console.log(JSON.stringify(lines));""")
    assert [line["text"].split(":")[0] for line in lines[:4]] == ["GD", "Momentum", "RMSProp", "Adam"]
    assert [line["diverged"] for line in lines[:4]] == [True, True, False, False]
    assert all(line["swatch"] for line in lines[:4])
    assert lines[0]["color"] == "#D55E00" and lines[3]["color"] == "#CC79A7"
    assert [(line["text"], line["swatch"]) for line in lines[4:]] == [("ref note", False), ("a note", False)]


def test_the_loss_curve_has_its_own_colour():
    result = node(PLOTS + """
      const runs = [{label: "GD", optimizer: "gd"}];
      console.log(JSON.stringify({curve: P.SURFACE_CURVE_COLOR, reference: P.REFERENCE_COLOR, optimizers: Object.values(P.OPTIMIZER_COLORS),
        legend: P.legend_scale(runs, {reference: true, curve: true})}));""")
    assert result["curve"] not in result["optimizers"] and result["curve"] != result["reference"]

    def luminance(colour):
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    # Told apart from the faint grey reference at a glance (WCAG contrast ratio between the two).
    a, b = sorted([luminance(result["curve"]), luminance(result["reference"])])
    assert (b + 0.05) / (a + 0.05) >= 2.5
    assert result["legend"]["domain"] == ["GD", "Loss curve f(x)", "Python reference"]
    assert result["legend"]["range"] == ["#D55E00", result["curve"], result["reference"]]


def test_nesterov_has_its_own_colour_on_its_slide():
    result = node(PLOTS + """
      import {run_scene} from "./slides/js/core/scenes.js";
      const runs = run_scene("nesterov");
      console.log(JSON.stringify({optimizers: runs.map((r) => r.optimizer), colors: runs.map(P.run_color), all: P.OPTIMIZER_COLORS}));""")
    assert result["optimizers"] == ["momentum", "nesterov"]
    assert result["colors"] == [result["all"]["momentum"], result["all"]["nesterov"]]
    assert result["all"]["nesterov"] not in {c for name, c in result["all"].items() if name != "nesterov"}


def test_dodge_keeps_order_gap_and_extent():
    result = node(PLOTS + "console.log(JSON.stringify([P.dodge([300, 380, 384, 382, 384], 20, 384), "
                          "P.dodge([10, 200], 20, 384), P.dodge([-5, 0], 20, 384)]));")
    crowded, apart, above = result
    assert apart == [10, 200]  # labels that do not collide stay where their lines end
    assert max(crowded) == 384 and min(crowded) >= 0
    order = sorted(range(5), key=lambda i: ([300, 380, 384, 382, 384][i], i))
    placed = [crowded[i] for i in order]
    assert all(b - a >= 20 for a, b in zip(placed, placed[1:])), placed
    assert above[0] >= 0 and above[1] - above[0] >= 20


def test_schedule_readout_reads_the_curves_at_half_and_full_horizon():
    result = node(PLOTS + """
      import {schedule_curves} from "./slides/js/core/scenes.js";
      const ok = P.schedule_readout_rows(schedule_curves());
      const bad = P.schedule_readout_rows(schedule_curves({total_steps: 50, warmup_steps: 50}));
      console.log(JSON.stringify({ok, bad}));""")
    ok = result["ok"]
    assert (ok["half"], ok["horizon"]) == (50, 100)
    values = {row["label"]: row["values"] for row in ok["rows"]}
    assert values["Constant"] == ["0.5", "0.5"]
    assert values["Cosine"] == ["0.25", "0"]  # eta_0 / 2 at T/2, as the slide's formula says
    assert values["Step decay"] == ["0.125", "0.03125"]  # halved at t = 25, 50, 75, 100
    bad = {row["label"]: row for row in result["bad"]["rows"]}
    assert bad["Warm-up + cosine"]["values"] is None
    assert "must exceed warmup_steps" in bad["Warm-up + cosine"]["note"]
    assert bad["Cosine"]["values"] == ["0.25", "0"]


SCENES = 'import * as S from "./slides/js/core/scenes.js";'


def test_hessian_entries_have_three_significant_digits_and_no_rounding_noise():
    result = node(PLOTS + SCENES + """
      console.log(JSON.stringify([
        P.hessian_entries(S.hessian_summary()),
        P.hessian_entries(S.hessian_summary({angle_deg: 90, lambda1: -2})),
        [P.format_significant(0.000123456), P.format_significant(-12345.6), P.format_significant(2), P.format_significant(-0.5)],
      ]));""")
    defaults, rotated, formats = result
    assert defaults == [["3.25", "-3.9"], ["-3.9", "7.75"]]
    # cos(90°) is 6e-17 in floating point: the off-diagonal entry is rounding noise, shown as 0
    assert rotated == [["10", "0"], ["0", "-2"]]
    assert formats == ["1.23e-4", "-1.23e+4", "2", "-0.5"]


def test_hessian_lines_say_what_the_eigenvalues_mean():
    result = node(PLOTS + SCENES + """
      const at = (values, lr) => P.hessian_lines(S.hessian_summary(values), {lr});
      console.log(JSON.stringify({
        minimum: at({}, 0.18), too_fast: at({}, 0.25), saddle: at({lambda1: -1}, 0.18),
        maximum: at({lambda1: -5, lambda2: -3}, 0.1), zero: at({lambda1: 0, lambda2: 4}, 0.1),
      }));""")
    minimum = result["minimum"]
    assert minimum[0] == "Eigenvalues: λ₁ = 1, λ₂ = 10"
    assert "a minimum" in minimum[1] and minimum[2] == "κ = λmax/λmin = 10"
    assert minimum[3] == "GD stable for η < 2/λmax = 0.2; η = 0.18 is below"
    assert result["too_fast"][3].endswith("η = 0.25 is NOT below")
    saddle = result["saddle"]
    assert "a saddle" in saddle[1] and "not defined" in saddle[2]
    assert saddle[-1] == "GD moves away along λ₁ (×1.18 per step)"
    maximum = result["maximum"]
    assert "a maximum" in maximum[1] and "not defined" in maximum[2] and maximum[3].startswith("No bound on η")
    assert maximum[-1] == "GD moves away along λ₁ (×1.5 per step) and λ₂ (×1.3 per step)"
    zero = result["zero"]
    assert "degenerate" in zero[1] and "not defined" in zero[2] and "2/λmax = 0.5" in zero[3]
    assert len(zero) == 4  # nothing moves away: no negative eigenvalue


def test_eigenvector_labels_sit_inside_the_view_off_the_path():
    result = node(PLOTS + SCENES + """
      const view = S.SCENE_VIEW.hessian;
      const out = [];
      for (let angle = 0; angle <= 180; angle += 5) {
        for (const [lambda1, lr] of [[1, 0.18], [-1, 0.18], [0.5, 0.05]]) {
          const values = {angle_deg: angle, lambda1, lr};
          const runs = S.run_scene("hessian", values);
          out.push({values, iterates: runs[0].result.rows.map((r) => r.theta),
                    lines: P.eigenvector_lines(S.hessian_summary(values), view, {runs})});
        }
      }
      console.log(JSON.stringify({view, out}));""")
    view = result["view"]
    clear = 0
    for case in result["out"]:
        lines = case["lines"]
        assert [line["label"]["text"].split(" = ")[0] for line in lines] == ["λ₁", "λ₂"]
        for line in lines:
            label, segment = line["label"], line["segment"]
            assert abs(label["x"]) <= 0.72 * 5 + 1e-9 and abs(label["y"]) <= 0.72 * 5 + 1e-9, case["values"]
            # the text runs towards the middle, so it stays inside the frame
            if label["anchor"] != "start" or label["dx"] == 0:
                assert label["anchor"] == ("end" if label["x"] > 0 else "start"), (case["values"], label)
            # the line crosses the whole view through the origin
            ends = [(segment["x1"], segment["y1"]), (segment["x2"], segment["y2"])]
            for x, y in ends:
                assert x in view["x"] or y in view["y"]
            (x1, y1), (x2, y2) = ends
            assert abs(x1 * y2 - x2 * y1) < 1e-9
            distance = min(((label["x"] - p[0]) ** 2 + (label["y"] - p[1]) ** 2) ** 0.5 for p in case["iterates"])
            clear += distance > 0.5
    # a label on an iterate happens only where the path covers both halves of a line near and far
    assert clear >= 0.95 * 2 * len(result["out"]), clear


def test_no_genealogy_edge_runs_through_a_box_it_does_not_join():
    """The genealogy's layout is fixed by hand (d3 has no layered-graph layout): every arrow must
    stay clear of every box but its two ends, at the size the deck draws it."""
    crossings = node("""
      import {GENEALOGY_EDGES, genealogy_layout} from "./slides/js/plots/genealogy.js";
      const nodes = genealogy_layout(960, 500);
      const out = [];
      for (const [from, to] of GENEALOGY_EDGES) {
        const a = nodes.get(from), b = nodes.get(to);
        for (const box of nodes.values()) {
          if (box.id === from || box.id === to) continue;
          for (let i = 0; i <= 400; i++) {
            const x = a.x + (b.x - a.x) * i / 400, y = a.y + (b.y - a.y) * i / 400;
            if (Math.abs(x - box.x) <= box.width / 2 + 4 && Math.abs(y - box.y) <= box.height / 2 + 4) {
              out.push(`${from} -> ${to} runs through ${box.id}`);
              break;
            }
          }
        }
      }
      console.log(JSON.stringify(out));""")
    assert crossings == []


def test_isoline_segments_lie_on_the_level_set_and_close_around_it():
    # f = x^2 + y^2 on [-2, 2]^2 at 40 x 40 samples: the level 1 is the unit circle. Linear
    # interpolation along a cell's edge puts each end within the edge's error of the circle, and
    # every end is shared by exactly two segments (a closed curve, no loose ends).
    result = node(PLOTS + """
      const grid = P.surface_grid(([x, y]) => x * x + y * y, {x: [-2, 2], y: [-2, 2]}, 40, 40);
      const s = P.isoline_segments(grid, 1);
      const ends = [];
      for (let k = 0; k < s.length; k += 4) ends.push([s[k], s[k + 1]], [s[k + 2], s[k + 3]]);
      console.log(JSON.stringify({count: s.length / 4, ends}));""")
    assert result["count"] > 40
    cell = 4 / 40
    keys = {}
    for gx, gy in result["ends"]:
        x, y = -2 + gx * cell, -2 + gy * cell
        assert abs((x * x + y * y) ** 0.5 - 1) < cell / 2
        key = (round(gx, 9), round(gy, 9))
        keys[key] = keys.get(key, 0) + 1
    assert set(keys.values()) == {2}


def test_isoline_segments_split_a_saddle_cell_by_its_centre_and_skip_non_finite_samples():
    # One cell, corners (lower left, lower right, upper right, upper left) = (1, 0, 1, 0): the
    # diagonals disagree; a centre of 0.5 >= 0.5 joins the high corners, 0.6 cuts them off.
    result = node(PLOTS + """
      const cell = (values) => ({values: Float64Array.from(values), width: 2, height: 2});
      console.log(JSON.stringify({
        joined: P.isoline_segments(cell([1, 0, 0, 1]), 0.5),
        cut: P.isoline_segments(cell([1, 0, 0, 1]), 0.6),
        nan: P.isoline_segments(cell([1, NaN, 0, 1]), 0.5),
        flat: P.isoline_segments(cell([1, 1, 1, 1]), 0.5),
      }));""")
    # Grid row 0 is [1, 0] (lower left, lower right), row 1 is [0, 1] (upper left, upper right).
    def pairs(flat):
        return sorted(tuple(round(v, 12) for v in flat[k:k + 4]) for k in range(0, len(flat), 4))
    # (bottom, right) and (top, left): the lower right and upper left corners cut off
    assert pairs(result["joined"]) == sorted([(1.0, 0.5, 1.5, 1.0), (1.0, 1.5, 0.5, 1.0)])
    # (bottom, left) and (right, top): the high corners cut off
    assert pairs(result["cut"]) == sorted([(0.9, 0.5, 0.5, 0.9), (1.5, 1.1, 1.1, 1.5)])
    # NaN in the lower right: both segments (the high corners cut off, as the centre is NaN) cross
    # an edge of the NaN sample, where there is no crossing position: none is drawn.
    assert result["nan"] == []
    assert result["flat"] == []


def test_isolines_in_one_pass_give_each_threshold_what_it_gives_alone():
    # contours.js draws every level with one pass over the cells (isolines), visiting a cell only
    # for the thresholds between its lowest and highest corner: per threshold, the same segments
    # in the same order as that threshold alone, also on grids with NaN and infinite samples and
    # with thresholds equal to sample values.
    result = node(PLOTS + """
      let seed = 7;
      const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
      const out = {grids: 0, segments: 0, different: []};
      for (let trial = 0; trial < 300; trial++) {
        const nx = 2 + Math.floor(random() * 9), ny = 2 + Math.floor(random() * 9);
        const values = Float64Array.from({length: nx * ny}, () => {
          const r = random();
          return r < 0.05 ? NaN : r < 0.08 ? Infinity : r < 0.1 ? -Infinity : Math.floor(random() * 8) / 2;
        });
        const grid = {values, width: nx, height: ny};
        const thresholds = [-0.5, 0, 0.5, 1, 1.25, 2, 3, 3.5, 4];
        const together = P.isolines(grid, thresholds);
        thresholds.forEach((t, k) => {
          const alone = P.isoline_segments(grid, t);
          out.segments += alone.length / 4;
          if (JSON.stringify(alone) !== JSON.stringify(together[k])) out.different.push([trial, t]);
        });
        out.grids++;
      }
      const bowl = P.surface_grid(([x, y]) => x * x + 3 * y * y, {x: [-2, 2], y: [-2, 2]}, 60, 50);
      const levels = P.contour_levels(bowl.values, 14);
      const all = P.isolines(bowl, levels);
      levels.forEach((t, k) => {
        if (JSON.stringify(P.isoline_segments(bowl, t)) !== JSON.stringify(all[k])) out.different.push(["bowl", t]);
      });
      console.log(JSON.stringify(out));""")
    assert result["grids"] == 300 and result["segments"] > 1000, result
    assert result["different"] == []


# Rings of a flat array from level_set_rings: [[x0, y0, x1, y1, ...], ...].
RINGS_JS = """
  const rings_of = (flat) => { const out = [];
    for (let at = 0; at < flat.length; at += 1 + 2 * flat[at]) out.push(flat.slice(at + 1, at + 1 + 2 * flat[at]));
    return out; };
  const area = (ring) => { let a = 0; const n = ring.length / 2;
    for (let v = 0; v < n; v++) { const w = (v + 1) % n; a += ring[2 * v] * ring[2 * w + 1] - ring[2 * w] * ring[2 * v + 1]; }
    return a / 2; };
  const key = (x0, y0, x1, y1) => { const p = `${x0},${y0}`, q = `${x1},${y1}`; return p < q ? `${p};${q}` : `${q};${p}`; };
  // the rings' edges with both ends in the view's samples (0.5 .. n - 0.5), as undirected keys
  const ring_edges = (flat, grid) => { const inside = (x, y) => x >= 0.5 && x <= grid.width - 0.5 && y >= 0.5 && y <= grid.height - 0.5;
    const out = []; for (const ring of rings_of(flat)) { const n = ring.length / 2;
      for (let v = 0; v < n; v++) { const w = (v + 1) % n;
        const [x0, y0, x1, y1] = [ring[2 * v], ring[2 * v + 1], ring[2 * w], ring[2 * w + 1]];
        if (inside(x0, y0) && inside(x1, y1)) out.push(key(x0, y0, x1, y1)); } }
    return out.sort(); };
  const segment_keys = (segments) => { const out = [];
    for (let k = 0; k < segments.length; k += 4) out.push(key(...segments.slice(k, k + 4))); return out.sort(); };
  // an edge along the outermost samples' line: there (on a tie with a sample) the cells beyond the
  // samples, which isolines does not have, can add or take one
  const on_hull = (grid) => (e) => { const [p, q] = e.split(";").map((t) => t.split(",").map(Number));
    const along = (k, n) => [0.5, n - 0.5].some((v) => p[k] === v && q[k] === v);
    return along(0, grid.width) || along(1, grid.height); };
"""


def test_filled_level_sets_are_bounded_by_the_level_lines_themselves():
    # The shading under the level lines (contours.js, issue 23) is the level sets {f >= t} as
    # rings: inside the view their edges are exactly isolines' segments (the same numbers, so the
    # bands and the lines coincide at any zoom), on smooth surfaces and on grids with ties (but
    # for edges along the outermost samples, where a tie lets the cells beyond them join in), NaN
    # and infinite samples; outer rings run counterclockwise, holes clockwise (a level's
    # signed area is the set's area, between none and the whole view); a level below every sample
    # (none NaN or -Infinity) is the whole view, up to the half cell outside it that the plot clips.
    result = node(PLOTS + RINGS_JS + """
      const out = {levels: 0, segments: 0, different: [], areas: [], short_rings: 0, whole: []};
      const compare = (name, grid, thresholds, exact) => {
        const rings = P.level_set_rings(grid, thresholds);
        const lines = P.isolines(grid, thresholds);
        thresholds.forEach((t, k) => {
          out.levels++;
          const ties = (edges) => (exact === "ties" ? edges.filter((e) => !on_hull(grid)(e)) : edges);
          const fill = ties(ring_edges(rings[k], grid));
          const line = ties(segment_keys(lines[k]));
          out.segments += line.length;
          // exact: the same edges; with NaN or infinite samples isolines leaves some segments out
          const ok = exact ? JSON.stringify(fill) === JSON.stringify(line) : line.every((e) => fill.includes(e));
          if (!ok) out.different.push([name, t]);
          const a = rings_of(rings[k]).reduce((sum, ring) => sum + area(ring), 0);
          if (!(a >= 0 && a <= (grid.width + 1) * (grid.height + 1))) out.areas.push([name, t, a]);
          out.short_rings += rings_of(rings[k]).filter((ring) => ring.length < 6).length;
        });
        if (grid.values.some((v) => !(v > -Infinity))) return; // a NaN or -Infinity sample reaches no level
        const below = rings_of(P.level_set_rings(grid, [-1e300])[0]);
        out.whole.push([below.length, area(below[0]) === (grid.width + 1) * (grid.height + 1)]);
      };
      const surfaces = {
        bowl: [([x, y]) => x * x + 3 * y * y, {x: [-2, 2], y: [-2, 2]}],
        saddle: [([x, y]) => x * y + 0.1 * x, {x: [-2, 2], y: [-1.5, 2]}],
        rosenbrock: [([x, y]) => (1 - x) ** 2 + 100 * (y - x * x) ** 2, {x: [-2, 2], y: [-1, 3]}],
      };
      for (const [name, [f, view]] of Object.entries(surfaces)) {
        const grid = P.surface_grid(f, view, 71, 53);
        compare(name, grid, P.contour_levels(grid.values, 14), true);
      }
      let seed = 11;
      const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
      for (let trial = 0; trial < 200; trial++) {
        const nx = 2 + Math.floor(random() * 9), ny = 2 + Math.floor(random() * 9);
        const special = trial % 2 === 1;
        const values = Float64Array.from({length: nx * ny}, () => {
          const r = random();
          if (special && r < 0.08) return r < 0.04 ? NaN : r < 0.06 ? Infinity : -Infinity;
          return Math.floor(random() * 8) / 2; // ties with the thresholds
        });
        compare(`random ${trial}`, {values, width: nx, height: ny}, [-0.5, 0, 0.5, 1, 1.25, 2, 3, 3.5, 4], special ? false : "ties");
      }
      console.log(JSON.stringify(out));""")
    assert result["levels"] > 1800 and result["segments"] > 5000, result
    assert result["different"] == []
    assert result["areas"] == []
    assert result["short_rings"] == 0
    assert len(result["whole"]) > 100 and all(w == [1, True] for w in result["whole"]), [w for w in result["whole"] if w != [1, True]]


def test_a_saddle_cell_fills_as_its_level_line_splits_it():
    # Corners (lower left, lower right, upper right, upper left) = (1, 0, 1, 0): a centre of 0.5
    # joins the high corners (one ring), 0.6 cuts them off (two rings, each around one corner).
    result = node(PLOTS + RINGS_JS + """
      const cell = (values) => ({values: Float64Array.from(values), width: 2, height: 2});
      const rings = (t) => rings_of(P.level_set_rings(cell([1, 0, 0, 1]), [t])[0]).map((r) => r.map((v) => Math.round(v * 1e9) / 1e9));
      console.log(JSON.stringify({joined: rings(0.5), cut: rings(0.6)}));""")
    assert len(result["joined"]) == 1
    assert len(result["cut"]) == 2
    # the cut rings pass through the cut segments' ends, (0.9, 0.5) (0.5, 0.9) and (1.5, 1.1) (1.1, 1.5)
    points = [{(r[k], r[k + 1]) for k in range(0, len(r), 2)} for r in result["cut"]]
    assert any({(0.9, 0.5), (0.5, 0.9)} <= p for p in points) and any({(1.5, 1.1), (1.1, 1.5)} <= p for p in points)
