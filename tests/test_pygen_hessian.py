"""The curvature code against independent references: finite differences and LAPACK."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("jax")
pytest.importorskip("scipy")

from pygen import hessian, mlp  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "data"
TINY_SIZES = (3, 4, 2, 1)


@pytest.fixture(scope="module")
def tiny_model():
    rng = np.random.RandomState(7)
    x = rng.standard_normal((40, 3))
    y = np.sin(x[:, 0]) + 0.5 * x[:, 1] * x[:, 2]
    problem = mlp.Problem(x_train=x, y_train=y, x_test=x[:5], y_test=y[:5], layer_sizes=TINY_SIZES)
    return mlp.Model(problem)


@pytest.fixture(scope="module")
def tiny_points():
    # initialisation, and a point after some training, where curvature has more structure
    return [mlp.init_params(seed, TINY_SIZES) + 0.3 * np.random.RandomState(seed).standard_normal(
        mlp.parameter_count(TINY_SIZES)) for seed in (0, 1, 2)]


def test_tiny_model_has_the_expected_parameter_count(tiny_model):
    assert mlp.parameter_count(TINY_SIZES) == 3 * 4 + 4 + 4 * 2 + 2 + 2 * 1 + 1
    assert mlp.parameter_count() == 2481


def test_autodiff_hessian_matches_central_differences_of_the_gradient(tiny_model, tiny_points):
    for params in tiny_points:
        exact = tiny_model.hessian(params)
        n = params.size
        step = 1e-5
        fd = np.empty((n, n))
        for j in range(n):
            e = np.zeros(n)
            e[j] = step
            fd[:, j] = (tiny_model.train_grad(params + e) - tiny_model.train_grad(params - e)) / (2 * step)
        # central differences: truncation O(step^2 * third derivative) and rounding O(eps / step)
        # give about 5e-11 relative here; a wrong Hessian term would be off by O(1)
        scale = np.max(np.abs(exact))
        assert np.max(np.abs(fd - exact)) <= 1e-9 * scale, np.max(np.abs(fd - exact)) / scale
        assert np.array_equal(exact, exact.T)


def test_structured_hessian_equals_one_hvp_per_parameter(tiny_model, tiny_points, real_model):
    """`Model.hessian` (the first layer's Kronecker structure) is the Hessian-vector-product
    Hessian to rounding, on the tiny network and on the band-gap network before and after training."""
    trained = mlp.train(real_model, mlp.TrainSpec("adam", {}, 0.001, 64, 2, 0)).final_params
    for model, params in [(tiny_model, p) for p in tiny_points] + [(real_model, mlp.init_params(1)), (real_model, trained)]:
        structured, reference = model.hessian(params), model.hessian_by_hvp(params)
        assert np.max(np.abs(structured - reference)) <= 1e-13 * np.max(np.abs(reference))
        assert np.array_equal(structured, structured.T)


def test_hessian_vector_product_equals_hessian_times_vector(tiny_model, tiny_points):
    rng = np.random.RandomState(3)
    for params in tiny_points:
        v = rng.standard_normal(params.size)
        np.testing.assert_allclose(tiny_model.hvp(params, v), tiny_model.hessian(params) @ v, rtol=1e-12, atol=1e-12)


def test_lanczos_top_eigenvalue_matches_eigvalsh_on_tiny_model(tiny_model, tiny_points):
    for params in tiny_points:
        exact = np.linalg.eigvalsh(tiny_model.hessian(params))[-1]
        assert hessian.model_top_eigenvalue(tiny_model, params) == pytest.approx(exact, rel=1e-9)


def test_lanczos_finds_largest_algebraic_not_largest_magnitude():
    # a power iteration would return -10; the top eigenvalue (sharpness) is 3
    matrix = np.diag([-10.0, 1.0, 2.0, 3.0] + [0.5] * 30)
    q, _ = np.linalg.qr(np.random.RandomState(0).standard_normal((34, 34)))
    matrix = q @ matrix @ q.T
    assert hessian.top_eigenvalue(lambda v: matrix @ v, 34) == pytest.approx(3.0, rel=1e-10)


def test_summary_counts_negative_eigenvalues_with_threshold():
    h = np.diag([-2.0, -1e-12, 0.0, 1e-12, 5.0])
    s = hessian.summarise(h)
    assert s.top == 5.0
    assert s.negative_count == 1  # -1e-12 is within the rounding threshold of zero
    assert s.negative_fraction == pytest.approx(0.2)
    assert s.trace == pytest.approx(3.0)


@pytest.fixture(scope="module")
def real_model():
    return mlp.Model(mlp.load_problem(DATA))


def test_lanczos_at_initialisation_matches_the_committed_exact_top_eigenvalue(real_model):
    """The exact spectrum (eigvalsh of the full 2,481 x 2,481 Hessian) is in the data, computed by
    the generator; Lanczos here, from Hessian-vector products only, must find the same top."""
    import pyarrow.ipc as ipc

    with open(DATA / "hessian_training.arrow", "rb") as handle:
        rows = ipc.open_file(handle).read_all().to_pylist()
    at_init = next(r for r in rows if r["epoch"] == 0)
    assert hessian.model_top_eigenvalue(real_model, mlp.init_params(0)) == pytest.approx(at_init["top_eigenvalue"], rel=1e-9)
    # the network at initialisation is far from convex: a clear share of negative curvature
    assert at_init["negative_fraction"] > 0.1


def test_training_uses_the_deck_update_rules(real_model):
    """One full-batch gd epoch of mlp.train equals one pygen.core.optimizers gd step by hand."""
    from pygen.core.optimizers import make_optimizer

    spec = mlp.TrainSpec("gd", {}, 0.05, 0, 1, 4)
    result = mlp.train(real_model, spec)
    opt = make_optimizer("gd")
    state = opt.init(mlp.init_params(4).tolist())
    state = opt.step(state, real_model.train_grad(np.asarray(state["theta"])).tolist(), 0.05)
    assert np.array_equal(result.final_params, np.asarray(state["theta"]))
    assert result.train_loss[1] < result.train_loss[0]


def test_training_is_bitwise_repeatable(real_model):
    spec = mlp.TrainSpec("adam", {}, 0.001, 32, 2, 1)
    a, b = mlp.train(real_model, spec), mlp.train(real_model, spec)
    assert a.train_loss == b.train_loss and a.test_loss == b.test_loss
    assert np.array_equal(a.final_params, b.final_params)


def test_diverging_training_stops_with_status_and_finite_rows(real_model):
    result = mlp.train(real_model, mlp.TrainSpec("gd", {}, 1e5, 0, 100, 0))
    assert result.status == "diverged"
    assert all(np.isfinite(result.train_loss))
    assert np.all(np.isfinite(result.final_params))
    assert len(result.train_loss) < 100  # stopped at the first non-finite loss
