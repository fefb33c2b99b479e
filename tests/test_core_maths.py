"""The core's mathematics: derivatives, closed forms, stability bounds, known rates."""

import math

import numpy as np
import pytest

from pygen.core import optimizers, portable_math, runner, schedules, surfaces
from pygen.core.noise import make_rng

POINTS = [[0.3, -1.7], [2.0, 0.5], [-1.25, 0.8], [0.9, 1.1]]
SURFACE_PARAMS = {
    "elongated_bowl": {"a": 7.5},
    "rosenbrock": {"a": 1.3, "b": 40.0},
    "quadratic": {"lambda1": 2.0, "lambda2": 9.0, "angle_deg": 33.0},
}


def central_difference(fn, theta, h=1e-5):
    columns = []
    for i in range(len(theta)):
        plus, minus = list(theta), list(theta)
        plus[i] += h
        minus[i] -= h
        columns.append((np.asarray(fn(plus), dtype=float) - np.asarray(fn(minus), dtype=float)) / (2 * h))
    return np.array(columns)


@pytest.mark.parametrize("name", surfaces.SURFACE_NAMES)
def test_gradient_and_hessian_match_finite_differences(name):
    surface = surfaces.make_surface(name, SURFACE_PARAMS.get(name, {}))
    for point in POINTS:
        theta = point[: surface.dim]
        grad_fd = central_difference(lambda t: [surface.f(t)], theta)[:, 0]
        np.testing.assert_allclose(surface.grad(theta), grad_fd, rtol=1e-7, atol=1e-6)
        hessian_fd = central_difference(surface.grad, theta)
        np.testing.assert_allclose(surface.hessian(theta), hessian_fd, rtol=1e-6, atol=1e-5)
        np.testing.assert_array_equal(surface.hessian(theta), np.transpose(surface.hessian(theta)))


def test_quadratic_has_the_requested_eigenbasis():
    surface = surfaces.make_surface("quadratic", {"lambda1": 2.0, "lambda2": 9.0, "angle_deg": 30.0})
    values, vectors = np.linalg.eigh(np.array(surface.hessian([0.0, 0.0])))
    np.testing.assert_allclose(values, [2.0, 9.0], rtol=1e-13)
    angle = math.radians(30.0)
    assert abs(abs(vectors[:, 0] @ [math.cos(angle), math.sin(angle)]) - 1) < 1e-13


def test_portable_trig_agrees_with_libm():
    xs = np.linspace(-50, 50, 20001)
    np.testing.assert_allclose([portable_math.cos(x) for x in xs], np.cos(xs), atol=2e-14)
    np.testing.assert_allclose([portable_math.sin(x) for x in xs], np.sin(xs), atol=2e-14)
    assert portable_math.power_int(0.9, 10) == pytest.approx(0.9**10, rel=1e-15)


def run_gd_on_bowl(lr, a, steps, start=(-8.0, -4.0)):
    return runner.run({"surface": "elongated_bowl", "surface_params": {"a": a}, "optimizer": "gd", "lr": lr,
                       "start": list(start), "steps": steps})


def test_gd_on_a_quadratic_follows_the_closed_form():
    lr, a = 0.07, 12.0
    result = run_gd_on_bowl(lr, a, 60)
    t = np.arange(61)
    theta = np.array([row["theta"] for row in result["rows"]])
    np.testing.assert_allclose(theta[:, 0], -8.0 * (1 - lr * 1.0) ** t, rtol=1e-12)
    np.testing.assert_allclose(theta[:, 1], -4.0 * (1 - lr * a) ** t, rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("a", [4.0, 10.0, 20.0])
def test_gd_diverges_exactly_above_two_over_lambda_max(a):
    bound = 2.0 / a
    below = run_gd_on_bowl(bound * 0.98, a, 2000)
    above = run_gd_on_bowl(bound * 1.02, a, 2000)
    assert below["status"] == "completed"
    assert abs(below["rows"][-1]["theta"][1]) < 4.0
    assert above["status"] == "diverged" and above["reason"] == "left_box"
    # At the bound itself |1 - eta lambda| = 1: the steep coordinate flips sign forever.
    edge = run_gd_on_bowl(bound, a, 200)
    assert edge["status"] == "completed"
    assert [abs(row["theta"][1]) for row in edge["rows"]] == [4.0] * 201


def test_heavy_ball_at_its_optimum_contracts_at_the_predicted_rate():
    mu, big_l = 1.0, 100.0
    kappa = big_l / mu
    lr = 4.0 / (math.sqrt(big_l) + math.sqrt(mu)) ** 2
    alpha = ((math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1)) ** 2
    rate = (math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1)
    result = runner.run({"surface": "quadratic", "surface_params": {"lambda1": mu, "lambda2": big_l, "angle_deg": 20.0},
                         "optimizer": "momentum", "hyper": {"alpha": alpha}, "lr": lr, "start": [3.0, -2.0], "steps": 400})
    norms = np.array([np.linalg.norm(row["theta"]) for row in result["rows"]])
    measured = (norms[400] / norms[200]) ** (1 / 200)
    # At the optimum both eigenvalues of the iteration matrix have modulus exactly `rate`
    # (a Jordan block for the extreme eigenvalues adds a polynomial factor t).
    assert measured == pytest.approx(rate, rel=0.01)
    assert measured < (kappa - 1) / (kappa + 1)  # plain GD's best rate is far slower


@pytest.mark.parametrize("name", ["adam", "adamw", "amsgrad"])
def test_adams_first_step_moves_each_coordinate_by_eta(name):
    lr = 0.01
    hyper = {"weight_decay": 0.0} if name == "adamw" else {}
    result = runner.run({"surface": "skewed_bowl", "optimizer": name, "hyper": hyper, "lr": lr, "start": [3.0, -0.2], "steps": 1})
    first, second = (np.array(row["theta"]) for row in result["rows"])
    np.testing.assert_allclose(np.abs(second - first), [lr, lr], rtol=1e-6)


def test_adamw_decays_weights_outside_the_adaptive_scale():
    optimizer = optimizers.make_optimizer("adamw", {"weight_decay": 0.1})
    plain = optimizers.make_optimizer("adam")
    state = optimizer.init([2.0, -4.0])
    g = [0.5, 0.25]
    decayed = optimizer.step(state, g, 0.01)["theta"]
    undecayed = plain.step(plain.init([2.0, -4.0]), g, 0.01)["theta"]
    np.testing.assert_allclose(np.array(undecayed) - np.array(decayed), [0.01 * 0.1 * 2.0, 0.01 * 0.1 * -4.0], rtol=1e-9)


def test_nesterov_takes_the_gradient_at_the_look_ahead_point():
    optimizer = optimizers.make_optimizer("nesterov", {"alpha": 0.5})
    state = {"theta": [1.0, 2.0], "v": [0.2, -0.4]}
    assert optimizer.gradient_point(state) == [1.1, 1.8]
    assert optimizers.make_optimizer("momentum").gradient_point(state) == [1.0, 2.0]


def test_amsgrad_second_moment_never_decreases():
    optimizer = optimizers.make_optimizer("amsgrad")
    state = optimizer.init([1.0])
    seen = []
    for g in [5.0, 0.1, 0.1, 0.1, 3.0, 0.0]:
        state = optimizer.step(state, [g], 0.1)
        seen.append(state["v_max"][0])
    assert seen == sorted(seen)


def test_adagrad_effective_rate_only_shrinks_and_rmsprop_forgets():
    adagrad, rmsprop = optimizers.make_optimizer("adagrad"), optimizers.make_optimizer("rmsprop")
    a, r = adagrad.init([0.0]), rmsprop.init([0.0])
    for g in [10.0] * 5 + [0.01] * 200:
        a, r = adagrad.step(a, [g], 1.0), rmsprop.step(r, [g], 1.0)
    assert 1.0 / math.sqrt(a["G"][0]) < 0.05  # AdaGrad still remembers the large gradients
    assert 1.0 / math.sqrt(r["E"][0]) > 50  # RMSProp's average has moved on


def test_schedules_match_their_formulas():
    base = 0.2
    assert schedules.make_schedule("constant")(37, base) == base
    step = schedules.make_schedule("step", {"step_size": 10, "factor": 0.5})
    assert [step(t, base) for t in (0, 9, 10, 25)] == [0.2, 0.2, 0.1, 0.05]
    exponential = schedules.make_schedule("exponential", {"gamma": 0.9})
    assert exponential(7, base) == pytest.approx(base * 0.9**7, rel=1e-15)
    cosine = schedules.make_schedule("cosine", {"total_steps": 50})
    for t in range(0, 60, 7):
        expected = base / 2 * (1 + math.cos(math.pi * min(t, 50) / 50))
        assert cosine(t, base) == pytest.approx(expected, abs=1e-15)
    warm = schedules.make_schedule("warmup_cosine", {"warmup_steps": 5, "total_steps": 25})
    assert [warm(t, base) for t in range(5)] == pytest.approx([0.04, 0.08, 0.12, 0.16, 0.2])
    assert warm(5, base) == pytest.approx(base) and warm(15, base) == pytest.approx(base / 2) and warm(25, base) == 0


def test_noise_is_standard_normal_in_mean_and_variance():
    rng = make_rng(2024)
    samples = np.array([rng.normal() for _ in range(40_000)])
    assert abs(samples.mean()) < 0.02
    assert abs(samples.var() - 1.0) < 0.03
    assert make_rng(5).normal() == make_rng(5).normal()
    assert make_rng(5).normal() != make_rng(6).normal()


def test_runner_rows_never_hold_non_finite_values():
    result = runner.run({"surface": "quartic", "optimizer": "gd", "lr": 5.0, "start": [1.5], "steps": 100,
                         "box": [[-1e300, 1e300]]})
    assert result["status"] == "diverged" and result["reason"] == "non_finite"
    assert result["rows"][-1]["status"] == "diverged"
    assert all(row["status"] == "ok" for row in result["rows"][:-1])
    for row in result["rows"]:
        assert all(math.isfinite(v) for v in [*row["theta"], row["loss"], row["grad_norm"], row["lr"]])
    assert "non-finite" in result["message"]


def test_runner_reports_the_learning_rate_of_each_step():
    result = runner.run({"surface": "saddle", "optimizer": "gd", "lr": 0.1, "schedule": "step",
                         "schedule_params": {"step_size": 2, "factor": 0.5}, "start": [1.0, 0.0], "steps": 4})
    assert [row["lr"] for row in result["rows"]] == [0.1, 0.1, 0.05, 0.05, 0.025]
    assert [row["theta"][0] for row in result["rows"]][:3] == [1.0, 0.8, 0.64]


# ----- the Hessian scene's summary -----------------------------------------------------

HESSIAN_SLIDER_LAMBDAS = [-5.0, -2.5, -0.5, 0.0, 0.5, 1.0, 4.5, 10.0]
HESSIAN_SLIDER_ANGLES = [0.0, 30.0, 45.0, 90.0, 135.0, 180.0]


def expected_classification(values):
    """The second-derivative test from numpy's eigenvalues (a zero eigenvalue is exact on the slider)."""
    if 0.0 in values:
        return "degenerate"
    if all(v > 0 for v in values):
        return "minimum"
    if all(v < 0 for v in values):
        return "maximum"
    return "saddle"


@pytest.mark.parametrize("angle", HESSIAN_SLIDER_ANGLES)
def test_hessian_summary_agrees_with_numpy_eigh(angle):
    from pygen.core.scenes import hessian_summary

    for lambda1 in HESSIAN_SLIDER_LAMBDAS:
        for lambda2 in HESSIAN_SLIDER_LAMBDAS:
            summary = hessian_summary({"lambda1": lambda1, "lambda2": lambda2, "angle_deg": angle})
            hessian = np.array(summary["hessian"])
            np.testing.assert_array_equal(hessian, hessian.T)
            values, _ = np.linalg.eigh(hessian)
            np.testing.assert_allclose(sorted(summary["eigenvalues"]), values, atol=1e-13)
            assert summary["eigenvalues"] == [lambda1, lambda2]
            vectors = np.array(summary["eigenvectors"])
            np.testing.assert_allclose(vectors @ vectors.T, np.eye(2), atol=1e-15)
            for value, vector in zip(summary["eigenvalues"], vectors):
                np.testing.assert_allclose(hessian @ vector, value * vector, atol=1e-13)
            # numpy's eigenvalues are rounded (1e-16 instead of 0): classify the exact slider values,
            # and check that numpy agrees wherever its signs are unambiguous
            assert summary["classification"] == expected_classification([lambda1, lambda2])
            if all(abs(v) > 1e-9 for v in values):
                assert summary["classification"] == expected_classification(list(values))
            lambda_min, lambda_max = values
            if lambda_min > 1e-9:
                assert summary["kappa"] == pytest.approx(lambda_max / lambda_min, rel=1e-12)
            else:
                assert summary["kappa"] is None
            if lambda_max > 1e-9:
                assert summary["lr_bound"] == pytest.approx(2 / lambda_max, rel=1e-12)
            else:
                assert summary["lr_bound"] is None


@pytest.mark.parametrize("lambda_max", [2.0, 10.0])
def test_hessian_scene_gd_bound_is_where_gd_starts_to_diverge(lambda_max):
    """The bound the readout states is the real one: GD on the scene converges just below it and
    runs out of the box just above it."""
    from pygen.core.scenes import hessian_summary, run_scene

    values = {"lambda1": 1.0, "lambda2": lambda_max, "angle_deg": 30.0, "steps": 100.0}
    bound = hessian_summary(values)["lr_bound"]
    below = run_scene("hessian", {**values, "lr": bound * 0.97})[0]["result"]
    above = run_scene("hessian", {**values, "lr": bound * 1.05})[0]["result"]
    assert below["status"] == "completed" and below["rows"][-1]["loss"] < below["rows"][0]["loss"]
    assert above["status"] == "diverged" and above["reason"] == "left_box"


def test_hessian_scene_escapes_along_a_negative_eigenvalue():
    """At a saddle, GD from the scene's start comes in along the positive direction and leaves
    along the negative one, by the factor 1 - eta lambda per step."""
    from pygen.core.scenes import hessian_summary, run_scene

    values = {"lambda1": -1.0, "lambda2": 10.0, "angle_deg": 30.0, "lr": 0.1, "steps": 10.0}
    summary = hessian_summary(values)
    assert summary["classification"] == "saddle"
    rows = run_scene("hessian", values)[0]["result"]["rows"]
    v_negative, v_positive = np.array(summary["eigenvectors"])
    along = [float(np.array(r["theta"]) @ v_negative) for r in rows]
    across = [float(np.array(r["theta"]) @ v_positive) for r in rows]
    np.testing.assert_allclose(along[1:], np.array(along[:-1]) * 1.1, rtol=1e-12)
    np.testing.assert_allclose(across[1:], np.array(across[:-1]) * 0.0, atol=1e-12)
