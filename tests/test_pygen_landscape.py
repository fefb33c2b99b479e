"""What makes the landscape and mode-connectivity data trustworthy (issue 11): the filter
normalisation, the surface at its centre, permutation invariance, weight matching, the Bezier
end points, the jitted trainer against the deck's optimizer, and the claims the slides draw."""

from __future__ import annotations

import json
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
        else:
            assert rows[0]["match_objective"] == rows[0]["identity_objective"]


def test_jitted_momentum_follows_the_decks_optimizer(problem):
    """The connectivity networks are trained by a JAX copy of pygen.optimizers' momentum rule;
    at width 16 for one epoch (50 updates) it must follow mlp.train's list-based run."""
    model = mlp.Model(problem)
    spec = mlp.TrainSpec("momentum", {"alpha": connectivity.ALPHA}, connectivity.LR, connectivity.BATCH, 1, 0)
    reference = mlp.train(model, spec).final_params
    jitted = connectivity.train_networks(problem, 16, seeds=(0,), epochs=1)[0]
    np.testing.assert_allclose(jitted, reference, rtol=1e-9, atol=1e-12)
