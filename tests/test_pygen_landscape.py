"""What makes the landscape and mode-connectivity data trustworthy (issues 11 and 24): the filter
normalisation, the surface at its centre, permutation invariance, weight and activation matching,
the Bezier end points, the jitted trainer against the deck's optimizer, the heavy tier's spot
check, and the claims the slides draw."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pyarrow.ipc as ipc
import pytest

from pygen import mlp
from pygen.experiments import connectivity, landscape, subspace

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


def read(name):
    with open(DATA / name, "rb") as handle:
        return ipc.open_file(handle).read_all()


@pytest.fixture(scope="module")
def problem():
    return mlp.load_problem(DATA)


def network(seed, width):
    sizes = connectivity.layer_sizes(width)
    rng = np.random.RandomState(seed)
    # trained-looking weights: non-zero biases, uneven scales
    return sizes, mlp.init_params(seed, sizes) + 0.1 * rng.standard_normal(subspace.n_params(sizes))


# ---------------------------------------------------------------------------------------
# Filter normalisation and the surfaces


@pytest.mark.parametrize("width", [8, 16, 64])
def test_filter_normalised_directions_have_the_trained_neuron_norms(width):
    sizes, theta = network(3, width)
    for direction in landscape.random_directions(theta, sizes):
        for offset, shape in landscape.weight_slices(sizes):
            size = int(np.prod(shape))
            d = direction[offset : offset + size]
            if len(shape) == 1:
                assert np.all(d == 0)  # biases are not perturbed (Li et al.'s code)
            else:
                norms = np.linalg.norm(d.reshape(shape), axis=0)
                trained = np.linalg.norm(theta[offset : offset + size].reshape(shape), axis=0)
                np.testing.assert_allclose(norms, trained, rtol=1e-13)


def test_subspace_losses_equal_the_network_loss(problem):
    sizes, theta = network(5, 16)
    d1, d2 = landscape.random_directions(theta, sizes)
    train = subspace.Subspace([theta, d1, d2], problem.x_train, problem.y_train, sizes)
    coefs = np.array([[1.0, 0.0, 0.0], [1.0, 0.3, -0.7], [1.0, -1.0, 1.0]])
    expected = [float(mlp.mse(theta + a * d1 + b * d2, problem.x_train, problem.y_train, sizes)) for _, a, b in coefs]
    np.testing.assert_allclose(train.losses(coefs), expected, rtol=1e-12)
    predicted = train.predictions(coefs[1:2])[0]
    np.testing.assert_allclose(predicted, np.asarray(mlp.predict(theta + 0.3 * d1 - 0.7 * d2, problem.x_train, sizes)),
                               rtol=1e-11, atol=1e-12)


def test_surface_centre_is_the_trained_loss():
    table = read("landscape_surface.arrow")
    trained = json.loads(table.schema.metadata[b"trained_losses"])
    rows = table.to_pylist()
    for optimizer, (train_loss, test_loss) in trained.items():
        centre = [r for r in rows if r["optimizer"] == optimizer and r["a"] == 0 and r["b"] == 0]
        assert len(centre) == 1
        assert centre[0]["train_loss"] == pytest.approx(train_loss, rel=1e-12)
        assert centre[0]["test_loss"] == pytest.approx(test_loss, rel=1e-12)
        # (not necessarily the grid's lowest point: after 40 epochs Adam's gradient is not zero, and a
        # neighbouring grid point of its plane is 0.6% lower)
    # the trained losses are those of training_curves.arrow
    curves = read("training_curves.arrow").to_pylist()
    for optimizer, (train_loss, _) in trained.items():
        last = [r for r in curves if r["optimizer"] == optimizer and r["batch_size"] == 64 and r["seed"] == 0][-1]
        assert last["train_loss"] == train_loss


def test_pca_of_a_straight_path_finds_its_direction():
    rng = np.random.RandomState(0)
    direction = rng.standard_normal(50)
    direction /= np.linalg.norm(direction)
    trajectory = [np.ones(50) + s * direction for s in np.linspace(-3, 0, 12)]
    directions, ratios, coords = landscape.pca_directions(trajectory)
    assert ratios[0] == pytest.approx(1.0)
    assert abs(directions[0] @ direction) == pytest.approx(1.0)
    assert coords[0, 0] < 0 and np.allclose(coords[-1], 0)


def test_path_file_projects_onto_unit_directions_ending_at_zero():
    rows = read("landscape_path.arrow").to_pylist()
    for optimizer in ("momentum", "adam"):
        path = [r for r in rows if r["optimizer"] == optimizer]
        assert [r["epoch"] for r in path] == list(range(41))
        assert path[-1]["pc1"] == 0 and path[-1]["pc2"] == 0
        assert path[0]["pc1"] < 0 and path[0]["pc2"] < 0
        assert 0 < path[0]["explained_variance_2"] <= path[0]["explained_variance_1"] < 1
    grid = read("landscape_pca.arrow").to_pylist()
    for optimizer in ("momentum", "adam"):
        pc1 = [r["pc1"] for r in grid if r["optimizer"] == optimizer]
        path = [r for r in rows if r["optimizer"] == optimizer]
        assert min(pc1) < min(r["pc1"] for r in path) and max(pc1) > max(r["pc1"] for r in path)


# ---------------------------------------------------------------------------------------
# Permutations, weight matching, Bezier curves


@pytest.mark.parametrize("width", [8, 16, 64])
def test_permuting_hidden_units_leaves_the_outputs_unchanged(problem, width):
    sizes, theta = network(7, width)
    rng = np.random.RandomState(width)
    perms = [rng.permutation(width), rng.permutation(width)]
    permuted = connectivity.permute(theta, perms, sizes)
    assert not np.allclose(permuted, theta)
    np.testing.assert_allclose(np.asarray(mlp.predict(permuted, problem.x_test, sizes)),
                               np.asarray(mlp.predict(theta, problem.x_test, sizes)), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("width", [8, 16, 64])
def test_weight_matching_undoes_a_permutation(width):
    sizes, theta = network(11, width)
    rng = np.random.RandomState(100 + width)
    shuffled = connectivity.permute(theta, [rng.permutation(width), rng.permutation(width)], sizes)
    perms, sweeps = connectivity.weight_matching(theta, shuffled, sizes)
    np.testing.assert_array_equal(connectivity.permute(shuffled, perms, sizes), theta)
    assert sweeps <= 3


@pytest.mark.parametrize("width", [8, 16, 64])
def test_weight_matching_is_never_worse_than_the_identity(width):
    sizes, a = network(1, width)
    _, b = network(2, width)
    perms, _ = connectivity.weight_matching(a, b, sizes)
    aligned = connectivity.permute(b, perms, sizes)
    assert connectivity.matching_objective(a, aligned) >= connectivity.matching_objective(a, b)
    assert np.linalg.norm(a - aligned) <= np.linalg.norm(a - b)
    # a fixed point: one more round changes nothing
    again, sweeps = connectivity.weight_matching(a, aligned, sizes)
    assert sweeps == 1 and all(np.array_equal(p, np.arange(width)) for p in again)


@pytest.mark.parametrize("width", [8, 64, 256])
def test_activation_matching_undoes_a_permutation(problem, width):
    sizes, theta = network(13, width)
    rng = np.random.RandomState(200 + width)
    shuffled = connectivity.permute(theta, [rng.permutation(width), rng.permutation(width)], sizes)
    perms = connectivity.activation_matching(theta, shuffled, problem.x_train, sizes)
    np.testing.assert_array_equal(connectivity.permute(shuffled, perms, sizes), theta)


def test_activation_matching_maximises_the_summed_inner_products_of_activations(problem):
    sizes, a = network(1, 16)
    _, b = network(2, 16)
    perms = connectivity.activation_matching(a, b, problem.x_train, sizes)
    aligned = connectivity.permute(b, perms, sizes)
    za = connectivity.hidden_activations(a, problem.x_train, sizes)
    zb = connectivity.hidden_activations(aligned, problem.x_train, sizes)
    z_identity = connectivity.hidden_activations(b, problem.x_train, sizes)
    rng = np.random.RandomState(3)
    for layer in range(2):
        matched = float(np.sum(za[layer] * zb[layer]))
        assert matched >= float(np.sum(za[layer] * z_identity[layer]))
        # no random permutation does better (the assignment is optimal, not only an improvement)
        for _ in range(50):
            other = z_identity[layer][:, rng.permutation(16)]
            assert matched >= float(np.sum(za[layer] * other)) - 1e-9 * abs(matched)
    # the activations of the permuted network are the original ones, reordered
    np.testing.assert_allclose(zb[1], z_identity[1][:, perms[1]], rtol=1e-12, atol=1e-12)


def test_bezier_and_line_coefficients_start_and_end_at_the_solutions():
    np.testing.assert_array_equal(subspace.bezier_coefs([0.0, 1.0]), [[1, 0, 0], [0, 0, 1]])
    np.testing.assert_array_equal(subspace.line_coefs([0.0, 1.0]), [[1, 0], [0, 1]])
    np.testing.assert_allclose(subspace.bezier_coefs(np.linspace(0, 1, 7)).sum(axis=1), 1, rtol=1e-15)


def connectivity_paths():
    groups = {}
    for r in read("mode_connectivity.arrow").to_pylist():
        groups.setdefault((r["width"], r["seed_a"], r["seed_b"], r["path"]), []).append(r)
    return groups


def test_connectivity_file_paths_share_their_end_points():
    groups = connectivity_paths()
    for (width, a, b, path), rows in groups.items():
        linear = groups[(width, a, b, "linear")]
        assert rows[0]["t"] == 0 and rows[-1]["t"] == 1
        # every path starts at network a; the Bezier curve ends at b itself, the aligned line at the
        # permuted b, which computes the same function and so has the same loss
        for end in (0, -1):
            for loss in ("train_loss", "test_loss"):
                assert rows[end][loss] == pytest.approx(linear[end][loss], rel=1e-10)
        if path == "aligned":
            assert rows[0]["match_objective"] >= rows[0]["identity_objective"]
            assert rows[0]["end_distance"] < linear[0]["end_distance"]
            assert 1 <= rows[0]["matching_sweeps"] < connectivity.MAX_MATCHING_ITERATIONS
        elif path == "activation":
            # a permutation of b: same norm, so its distance to a follows from the inner product
            assert rows[0]["matching_sweeps"] == 0
        else:
            assert rows[0]["match_objective"] == rows[0]["identity_objective"]
            assert rows[0]["matching_sweeps"] == 0


def test_jitted_momentum_follows_the_decks_optimizer(problem):
    """The connectivity networks are trained by a JAX copy of pygen.core.optimizers' momentum rule;
    at width 16 for one epoch (50 updates) it must follow mlp.train's list-based run."""
    model = mlp.Model(problem)
    spec = mlp.TrainSpec("momentum", {"alpha": connectivity.ALPHA}, connectivity.LR, connectivity.BATCH, 1, 0)
    reference = mlp.train(model, spec).final_params
    jitted = connectivity.train_networks(problem, 16, seeds=(0,), epochs=1)[0]
    np.testing.assert_allclose(jitted, reference, rtol=1e-9, atol=1e-12)


# ---------------------------------------------------------------------------------------
# The claims the slides make, against the files (numbers as the slides print them)

DECK = ROOT / "slides" / "unit6.qmd"


def slide(title):
    text = DECK.read_text(encoding="utf-8")
    start = text.index(f"## {title}")
    end = text.find("\n## ", start + 3)
    return text[start:end]


def claim_text(title):
    section = slide(title)
    return section[section.index("**Claim tested:**") : section.index("```")]


def barriers(loss="train_loss"):
    """{width: {path: (mean, sd, mean of the end points' loss, barrier per pair)}} on `loss`."""
    out = {}
    for (width, _a, _b, path), rows in connectivity_paths().items():
        out.setdefault(width, {}).setdefault(path, []).append(rows)
    summary = {}
    for width, paths in out.items():
        summary[width] = {}
        for path, runs in paths.items():
            values = np.array([connectivity.barrier([r[loss] for r in run]) for run in runs])
            ends = np.mean([(run[0][loss] + run[-1][loss]) / 2 for run in runs])
            summary[width][path] = (values.mean(), values.std(ddof=1), ends, values)
    return summary


def g(value, digits):
    """As the slides print a number: `digits` significant digits, trailing zeros kept."""
    return f"{float(f'{value:.{digits}g}'):.{max(digits - 1 - int(np.floor(np.log10(abs(value)))), 0)}f}"


def test_walk_slide_quotes_the_width_16_barriers():
    b = barriers()
    # at width 16 (the walk) alignment lowers the barrier for every pair, the Bezier curve lower still
    linear, aligned, bezier = (b[16][p][3] for p in ("linear", "aligned", "bezier"))
    assert np.all(aligned < linear) and np.all(bezier < aligned)
    walk_claim = claim_text("Data: walking from one network to the other")
    m16 = b[16]
    assert f"{g(m16['linear'][0], 3)} ± {g(m16['linear'][1], 2)} eV² straight" in walk_claim
    assert f"{g(m16['aligned'][0], 2)} ± {g(m16['aligned'][1], 2)} aligned" in walk_claim
    assert f"{g(m16['bezier'][0], 3)} ± {g(m16['bezier'][1], 2)} Bezier" in walk_claim
    assert f"ends {g(m16['linear'][2], 3)}" in walk_claim


def width_slide_numbers():
    """What the width slide quotes, as it prints it."""
    b = barriers()
    widest = max(b)
    q = lambda width, path: f"{g(b[width][path][0], 2)} ± {g(b[width][path][1], 2)}"  # noqa: E731
    return {
        "activation": f"activation matching {q(8, 'activation')} eV² at 8 units, {q(256, 'activation')} at 256, "
                      f"{q(widest, 'activation')} at {widest:,}",
        "weights": f"weight matching {q(8, 'aligned')}, {q(64, 'aligned')} at 64, {q(widest, 'aligned')} at {widest:,}",
        "ends": f"the end points' own loss {g(b[widest]['linear'][2], 2)} eV²",
    }


def test_width_slide_verdict_holds_in_the_sweep_and_quotes_it():
    b = barriers()
    widths = sorted(b)
    assert widths == list(connectivity.WIDTHS) == [2 ** k for k in range(3, widths[-1].bit_length())]
    for width in widths:
        assert sorted(b[width]) == sorted(connectivity.PATHS)
        assert all(len(b[width][path][3]) == 6 for path in connectivity.PATHS)
        # both alignments lower the straight line's barrier on average, the Bezier curve is lowest
        assert b[width]["bezier"][0] < min(b[width]["aligned"][0], b[width]["activation"][0]) < b[width]["linear"][0]
    mean = lambda width, path: b[width][path][0]  # noqa: E731
    sd = lambda width, path: b[width][path][1]  # noqa: E731
    # "it shrinks": by more than the spread from 8 to 256 units (activation), from 8 to 64 (weights)
    assert mean(256, "activation") < mean(8, "activation") - sd(8, "activation")
    assert mean(64, "aligned") < mean(8, "aligned") - sd(64, "aligned")
    # "then stops": no wider network lowers the mean by more than one spread below 256 (64) units
    for width in (w for w in widths if w > 256):
        assert mean(width, "activation") > mean(256, "activation") - sd(256, "activation"), width
    for width in (w for w in widths if w > 64):
        assert mean(width, "aligned") > mean(64, "aligned") - sd(64, "aligned"), width
    # "well above zero": at the widest, more than twice the end points' own loss
    widest = widths[-1]
    for path in ("aligned", "activation"):
        assert mean(widest, path) > 2 * b[widest][path][2], path
    # the notes: weight matching's spread between pairs grows again past 64 units
    assert sd(widest, "aligned") > 2 * sd(64, "aligned")
    # the notes on the test loss: the same order of the paths; activation matching "keeps falling
    # slowly" past 256 units (by less than a third), and the figures they quote
    t = barriers("test_loss")
    for width in widths:
        assert t[width]["bezier"][0] < min(t[width]["aligned"][0], t[width]["activation"][0]) < t[width]["linear"][0]
    later = [t[w]["activation"][0] for w in widths if w >= 256]
    assert all(b_ < a_ for a_, b_ in zip(later, later[1:])) and later[-1] > later[0] * 2 / 3
    notes = " ".join(slide("Data: barriers and width").split())
    assert (f"to {g(t[widest]['activation'][0], 2)} eV² at {widest:,} units, on top of the end points' own "
            f"{g(t[widest]['linear'][2], 2)}") in notes
    claim = " ".join(claim_text("Data: barriers and width").split())
    for name, quoted in width_slide_numbers().items():
        assert quoted in claim, (name, quoted)


def test_width_slide_parameter_counts_and_distances_are_the_files(problem):
    rows = read("mode_connectivity.arrow")
    counts = dict(zip(rows.column("width").to_pylist(), rows.column("n_params").to_pylist()))
    assert counts == {h: h * h + 139 * h + 1 for h in connectivity.WIDTHS}
    assert problem.x_train.shape[0] == 3199
    assert json.loads(rows.schema.metadata[b"parameters"])["n_train"] == 3199
    # the parameters outnumber the training rows between 16 and 32 units (the figure's rule)
    assert counts[16] < 3199 < counts[32]
    widest = connectivity.WIDTHS[-1]
    notes = " ".join(slide("Data: barriers and width").split())
    assert "between 16 and 32 units" in notes and f"{widest:,} units have {counts[widest]:,} parameters" in notes
    # the trained networks of the widest sweep are as far apart as their random initialisations
    sizes = connectivity.layer_sizes(widest)
    init = [np.linalg.norm(mlp.init_params(a, sizes) - mlp.init_params(b, sizes)) for a, b in connectivity.pairs()]
    at_zero = [r for r in rows.to_pylist() if r["width"] == widest and r["t"] == 0]
    trained = [r["end_distance"] for r in at_zero if r["path"] == "linear"]
    aligned = [r["end_distance"] for r in at_zero if r["path"] == "aligned"]
    assert len(trained) == len(init) == 6
    assert abs(np.mean(trained) / np.mean(init) - 1) < 0.05
    assert f"{np.mean(trained):.0f} apart, their random initialisations {np.mean(init):.0f}" in notes
    assert f"weight matching brings them only to {np.mean(aligned):.0f}" in notes


def test_surface_slide_numbers_are_the_files():
    rows = read("landscape_surface.arrow").to_pylist()
    text = claim_text("Data: loss surfaces around two solutions")
    edge = {}
    for optimizer in ("momentum", "adam"):
        values = [r["train_loss"] for r in rows if r["optimizer"] == optimizer and (abs(r["a"]) == 1 or abs(r["b"]) == 1)]
        assert len(values) == 160
        edge[optimizer] = np.mean(values)
    assert f"box-edge train loss {g(edge['momentum'], 3)} vs {g(edge['adam'], 3)} eV²" in text
    # "the two look alike": box-edge means within 15 % of each other
    assert abs(edge["momentum"] / edge["adam"] - 1) < 0.15
    # ... although Adam's top eigenvalue (batch_sharpness.arrow, batch 64, seed 0) is several times larger
    sharp = {r["optimizer"]: r["top_eigenvalue"] for r in read("batch_sharpness.arrow").to_pylist()
             if r["batch_size"] == 64 and r["seed"] == 0}
    assert sharp["adam"] > 4 * sharp["momentum"]
    assert f"{sharp['adam']:.0f} vs {sharp['momentum']:.0f}" in text
    path = [r for r in read("landscape_path.arrow").to_pylist() if r["epoch"] == 0]
    shares = {r["optimizer"]: 100 * (r["explained_variance_1"] + r["explained_variance_2"]) for r in path}
    assert f"{shares['momentum']:.1f} % and {shares['adam']:.1f} %" in text
    assert min(shares.values()) > 90


def test_interpolation_slide_numbers_are_the_files():
    rows = read("sharp_flat_interpolation.arrow").to_pylist()
    text = claim_text("Data: between the small- and the large-batch solution")

    def at(pair, alpha, key):
        return np.mean([r[key] for r in rows if r["pair"] == pair and abs(r["alpha"] - alpha) < 1e-9])

    for pair in ("equal_epochs", "matched_loss"):
        # steeper beyond the large-batch end (alpha = 2) than beyond the small-batch end (alpha = -1)
        assert at(pair, 2, "train_loss") > at(pair, -1, "train_loss")
        for seed in (0, 1, 2):
            seed_rows = [r for r in rows if r["pair"] == pair and r["seed"] == seed]
            by_alpha = {round(r["alpha"], 2): r["train_loss"] for r in seed_rows}
            assert by_alpha[2.0] > by_alpha[-1.0], (pair, seed)
    assert (f"train at α = 2: {g(at('equal_epochs', 2, 'train_loss'), 3)} and {g(at('matched_loss', 2, 'train_loss'), 3)} eV², "
            f"at α = −1: {g(at('equal_epochs', -1, 'train_loss'), 3)} and {g(at('matched_loss', -1, 'train_loss'), 3)}") in text
    small = at("equal_epochs", 0, "test_loss")
    assert small == pytest.approx(at("matched_loss", 0, "test_loss"), rel=1e-15)
    under, matched = at("equal_epochs", 1, "test_loss"), at("matched_loss", 1, "test_loss")
    assert under > small * 1.2 and abs(matched / small - 1) < 0.03
    assert f"under-trained ({g(under, 3)} vs {g(small, 3)})" in text
    assert f"equal training loss ({g(matched, 3)} vs {g(small, 3)})" in text


NODE_SUMMARY = """
import {readFileSync} from "fs";
import * as arrow from "./slides/vendor/arrow.js";
import {barrier_summary, parameters_match_rows} from "./slides/js/plots/connectivity.js";
import {box_edge_summary} from "./slides/js/plots/landscape_surface.js";
import {CONNECTIVITY_T_CONTROL} from "./slides/js/plots/connectivity_walk.js";
import {barrier_width_rows, training_rows} from "./slides/js/plots/barrier_width.js";
const load = (name) => {
  const table = arrow.tableFromIPC(readFileSync(`data/${name}`));
  return {status: "ok", columns: table.schema.fields.map((f) => f.name), rows: table.toArray().map((r) => r.toJSON()),
          metadata: Object.fromEntries(table.schema.metadata)};
};
const connectivity = load("mode_connectivity.arrow");
console.log(JSON.stringify({barriers: barrier_summary(connectivity),
                            width_rows: {train: barrier_width_rows(connectivity, "train"), test: barrier_width_rows(connectivity, "test")},
                            n_train: training_rows(connectivity),
                            crossing: parameters_match_rows(barrier_summary(connectivity), training_rows(connectivity)),
                            edges: box_edge_summary(load("landscape_surface.arrow").rows),
                            t_control: CONNECTIVITY_T_CONTROL}));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_slide_captions_compute_the_same_barriers_and_edges_as_python():
    """The captions and readouts are computed in the browser (landscape_plots.js); they must
    agree with the Python arithmetic the claim tests use."""
    out = subprocess.run(["node", "--input-type=module", "-e", NODE_SUMMARY], cwd=ROOT, capture_output=True,
                         text=True, check=True, timeout=120)
    js = json.loads(out.stdout)
    for width, paths in barriers().items():
        for path, (mean, spread, ends, values) in paths.items():
            got = js["barriers"][str(width)][path]
            assert got["n"] == len(values)
            assert got["mean"] == pytest.approx(mean, rel=1e-12)
            assert got["sd"] == pytest.approx(spread, rel=1e-12)
            assert got["end_train"] == pytest.approx(ends, rel=1e-12)
    # the width figure's points, on the training and on the test loss
    for loss, column in (("train", "train_loss"), ("test", "test_loss")):
        expected = barriers(column)
        rows = js["width_rows"][loss]
        assert len(rows) == len(connectivity.WIDTHS) * len(connectivity.PATHS)
        for row in rows:
            mean, spread, ends, values = expected[row["width"]][row["path"]]
            assert row["n"] == len(values) == 6
            assert row["mean"] == pytest.approx(mean, rel=1e-12) and row["sd"] == pytest.approx(spread, rel=1e-12)
            assert row["end"] == pytest.approx(ends, rel=1e-12)
    # the marked width: parameters = training rows, h^2 + 139 h + 1 = 3,199
    n_train = mlp.load_problem(DATA).x_train.shape[0]
    assert js["n_train"] == n_train == 3199
    assert js["crossing"] ** 2 + 139 * js["crossing"] + 1 == pytest.approx(n_train, rel=1e-12)
    assert 16 < js["crossing"] < 32
    rows = read("landscape_surface.arrow").to_pylist()
    for optimizer in ("momentum", "adam"):
        edge = [r["train_loss"] for r in rows if r["optimizer"] == optimizer and (abs(r["a"]) == 1 or abs(r["b"]) == 1)]
        assert js["edges"][optimizer]["edge_mean"] == pytest.approx(np.mean(edge), rel=1e-12)
        assert js["edges"][optimizer]["edge_max"] == max(edge)
    # The slide's t slider stops exactly at the t values the predictions file holds (as float32).
    spec = js["t_control"]
    stops = [spec["min"] + k * spec["step"] for k in range(round((spec["max"] - spec["min"]) / spec["step"]) + 1)]
    file_t = sorted(set(read("connectivity_predictions.arrow").column("t").to_pylist()))
    assert np.float32(stops).tolist() == file_t and float(np.float32(spec["value"])) in file_t


def test_spot_check_rows_are_the_full_sweeps_bit_for_bit(monkeypatch):
    """`pygen --check` compares the heavy file's rows with a spot check that computes them by the
    same calls as the full sweep: on one machine they agree bit for bit, for a jointly trained
    width and for a pair of a width trained one network at a time (here 128, cheaper than the
    spot check's own)."""
    from pygen import arrow_io
    from pygen.experiments.settings import Context
    from pygen.generators import BY_NAME
    from pygen.registry import compare_spot_check, produce_spot_check

    monkeypatch.setitem(connectivity.SPOT_CHECK, "widths", (8,))
    monkeypatch.setitem(connectivity.SPOT_CHECK, "wide", (128, (1, 3)))
    assert 128 > connectivity.JOINT_MAX_WIDTH
    # bit for bit, rows only (whether the file holds every width is test_pygen_cli.py's)
    entry = dataclasses.replace(BY_NAME["mode_connectivity"], tolerance=None, expected_keys=None)
    sample = produce_spot_check(entry, Context(DATA))
    assert sorted(set(zip(sample.column("width").to_pylist(), sample.column("seed_a").to_pylist(),
                          sample.column("seed_b").to_pylist()))) == [(8, a, b) for a, b in connectivity.pairs()] + [(128, 1, 3)]
    problems, checked, total = compare_spot_check(entry, DATA / "mode_connectivity.arrow", sample)
    assert problems == [] and checked == sample.num_rows == 7 * len(connectivity.PATHS) * connectivity.N_T
    assert total == arrow_io.read_table(DATA / "mode_connectivity.arrow").num_rows


CONNECTIVITY_CHILD = """
import json, sys
import numpy as np
from pygen import mlp
from pygen.experiments import connectivity as c, subspace
base = mlp.load_problem(sys.argv[1])
width = 8
problem = mlp.Problem(base.x_train, base.y_train, base.x_test, base.y_test, c.layer_sizes(width))
nets = c.train_networks(problem, width)
perms, _ = c.weight_matching(nets[0], nets[1], problem.layer_sizes)
aligned = c.permute(nets[1], perms, problem.layer_sizes)
activation = c.permute(nets[1], c.activation_matching(nets[0], nets[1], problem.x_train, problem.layer_sizes),
                       problem.layer_sizes)
mid = c.train_bezier(problem, width, [(nets[a], nets[b]) for a, b in c.pairs()], [a for a, _ in c.pairs()])[0]
out = {}
for path in c.PATHS:
    anchors, coefs = c.path_anchors_and_coefs(path, nets[0], nets[1], aligned, mid, c.t_values(), activation)
    out[path] = subspace.Subspace(anchors, problem.x_train, problem.y_train, problem.layer_sizes).losses(coefs).tolist()
print(json.dumps(out))
"""


def test_connectivity_reproduces_within_tolerance_with_one_xla_thread():
    """As for the edge of stability (tests/test_pygen_data.py): one XLA thread changes the summation
    order of every matrix product; training, weight and activation matching (discrete choices) and
    the Bezier curve of the width-8 pair (0, 1) must still give the committed losses within the tolerance."""
    import os
    import sys

    from pygen.generators import TRAINING_TOLERANCE

    env = {**os.environ, "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", CONNECTIVITY_CHILD, str(DATA)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    groups = connectivity_paths()
    for path in connectivity.PATHS:
        committed = [r["train_loss"] for r in groups[(8, 0, 1, path)]]
        np.testing.assert_allclose(got[path], committed, rtol=TRAINING_TOLERANCE.rtol, atol=TRAINING_TOLERANCE.atol)
