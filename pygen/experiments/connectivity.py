"""Permutation symmetry and mode connectivity of the band-gap network, from 8 to 1,024 hidden units.

- Two networks from different seeds; the loss along the straight line between them and its
  barrier (maximum along the path minus the mean of the two end points).
- The same after aligning the second network's hidden units to the first by weight matching
  (Ainsworth, Hayase, Srinivasa 2023): per hidden layer a linear assignment
  (`scipy.optimize.linear_sum_assignment`) maximising the summed inner products of the weights
  touching that layer, the other layer's permutation held fixed, alternated until neither
  changes (a fixed point; each step cannot lower the objective).
- The same after aligning by activation matching (Ainsworth et al.'s other method): per hidden
  layer one linear assignment maximising the summed inner products of the two networks' unit
  activations (tanh outputs) on the training set; the layers are independent (a permutation of
  one layer does not change the next layer's activations).
- A quadratic Bezier curve between the two unaligned end points, its middle control point
  trained as Garipov et al. 2018 do (one t ~ U(0, 1) per minibatch, SGD + momentum).
- Entezari et al. 2022: the barrier after alignment at every power of two from 8 to 1,024 units.

The sweep takes minutes (width 1,024 has 1.2 million parameters), so `mode_connectivity.arrow` is
in pygen's heavy tier: `--check` regenerates only its `SPOT_CHECK` rows (README, "heavy tier").

The networks are 136 -> h -> h -> 1 (tanh), trained with the deck's SGD + momentum rule
(v <- alpha v - eta g, theta <- theta + v; the same as `pygen.core.optimizers`) written once more
in JAX and jitted over the whole run, because the list-based optimizers would take minutes at
width 64; a test checks that it follows `pygen.mlp.train` at width 16.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pyarrow as pa

from .. import materials
from ..registry import Column, DataFile
from ..registry import entry_table as _table
from .settings import TRAINING_TOLERANCE, Context
from .settings import training_parameters as _training_parameters

WIDTHS = (8, 16, 32, 64, 128, 256, 512, 1024)
SEEDS = (0, 1, 2, 3)  # every pair of them: 6 pairs per width
# Up to this width the 4 networks (and the 6 Bezier curves) are trained in one vmapped call, as
# the file's first version did (its widths 8, 16 and 64 keep their bits); wider ones one network
# (one curve) per call: the work is in the matrix products either way, and a spot check of one
# pair then repeats exactly the computation of the full run.
JOINT_MAX_WIDTH = 64
LR, ALPHA, BATCH, EPOCHS = 0.01, 0.9, 64, 40  # SGD + momentum as in training_curves.arrow
BEZIER_EPOCHS = 20
BEZIER_SEED = 20_180_227  # numpy RandomState(BEZIER_SEED + pair index) draws the t of each minibatch
N_T = 21  # points along each path, t = 0, 0.05, ..., 1 (the predictions file uses the same t)
PATHS = ("linear", "aligned", "activation", "bezier")
# What `pygen --check` regenerates of the sweep (the heavy tier's spot check): every pair of the
# smallest widths and one pair of a wide one, compared row for row with the file.
SPOT_CHECK = {"widths": (8, 16), "wide": (256, (0, 1))}
MAX_MATCHING_ITERATIONS = 100
# the live slide: width, pair, test compounds shown, values of t
PREDICTION_WIDTH, PREDICTION_PAIR = 16, (0, 1)
PREDICTION_COMPOUNDS = 80
PREDICTION_T = N_T
PREDICTION_PATHS = ("linear", "aligned", "bezier")


def _jax():
    import jax
    import jax.numpy as jnp

    from .. import (
        mlp,  # enables float64 before jax.numpy is used; JAX only when a generator runs
    )

    return mlp, jax, jnp


def layer_sizes(width: int) -> tuple[int, ...]:
    return (materials.N_FEATURES, width, width, 1)


def pairs() -> list[tuple[int, int]]:
    return [(a, b) for i, a in enumerate(SEEDS) for b in SEEDS[i + 1 :]]


# ---------------------------------------------------------------------------------------
# Parameters as layers, permutations


def unflatten(theta, sizes):
    mlp, _, _ = _jax()
    theta = np.asarray(theta, dtype=np.float64)
    parts, offset = [], 0
    for shape in mlp.parameter_shapes(sizes):
        size = int(np.prod(shape))
        parts.append(theta[offset : offset + size].reshape(shape))
        offset += size
    return parts


def flatten(parts) -> np.ndarray:
    return np.concatenate([np.asarray(p).ravel() for p in parts])


def permute(theta, perms, sizes) -> np.ndarray:
    """The same function with hidden layer l's units reordered: new unit i = old unit perms[l][i]."""
    parts = unflatten(theta, sizes)
    out = [p.copy() for p in parts]
    for layer, perm in enumerate(perms):
        w_in, b_in, w_out = 2 * layer, 2 * layer + 1, 2 * layer + 2
        out[w_in] = out[w_in][:, perm]
        out[b_in] = out[b_in][perm]
        out[w_out] = out[w_out][perm, :]
    return flatten(out)


def matching_objective(theta_a, theta_b) -> float:
    """Weight matching's objective: the inner product of the two parameter vectors
    (maximising it minimises their distance, as the norms do not change under permutation)."""
    return float(np.dot(np.asarray(theta_a), np.asarray(theta_b)))


def weight_matching(theta_a, theta_b, sizes, max_iterations: int = MAX_MATCHING_ITERATIONS):
    """Permutations of theta_b's hidden units that (locally) maximise the matching objective.

    Coordinate ascent from the identity: for each hidden layer in turn, with the other held
    fixed, the best assignment by `linear_sum_assignment`, until a full sweep changes nothing.
    Returns (perms, sweeps)."""
    from scipy.optimize import linear_sum_assignment

    a = unflatten(theta_a, sizes)
    n_hidden = len(sizes) - 2
    perms = [np.arange(sizes[k + 1]) for k in range(n_hidden)]
    for sweep in range(1, max_iterations + 1):
        changed = False
        for layer in range(n_hidden):
            # b with the other layers' permutations applied and this layer's units in original order
            others = [np.arange(sizes[k + 1]) if k == layer else perms[k] for k in range(n_hidden)]
            b = unflatten(permute(theta_b, others, sizes), sizes)
            w_in, b_in, w_out = 2 * layer, 2 * layer + 1, 2 * layer + 2
            # cost[i, j]: inner product of the weights touching unit i of a and unit j of b
            cost = a[w_in].T @ b[w_in] + np.outer(a[b_in], b[b_in]) + a[w_out] @ b[w_out].T
            _, best = linear_sum_assignment(cost, maximize=True)
            rows = np.arange(cost.shape[0])
            # accept only a strict improvement, so that ties cannot make it cycle
            old = cost[rows, perms[layer]].sum()
            if cost[rows, best].sum() > old + 1e-12 * abs(old):
                perms[layer] = best
                changed = True
        if not changed:
            return perms, sweep
    return perms, max_iterations


def hidden_activations(theta, x, sizes) -> list[np.ndarray]:
    """Each hidden layer's outputs (tanh) for the rows of x: one (rows x units) array per layer."""
    parts = unflatten(theta, sizes)
    hidden, out = np.asarray(x, dtype=np.float64), []
    for layer in range(len(sizes) - 2):
        hidden = np.tanh(hidden @ parts[2 * layer] + parts[2 * layer + 1])
        out.append(hidden)
    return out


def activation_matching(theta_a, theta_b, x, sizes) -> list[np.ndarray]:
    """Permutations of theta_b's hidden units that maximise, per layer, the summed inner products
    of matched units' activations on the rows of x (Ainsworth et al. 2023, activation matching).
    Each layer is solved once, independently: b's activations in a layer do not depend on how the
    units of the layer before are ordered."""
    from scipy.optimize import linear_sum_assignment

    perms = []
    for z_a, z_b in zip(hidden_activations(theta_a, x, sizes), hidden_activations(theta_b, x, sizes)):
        _, best = linear_sum_assignment(z_a.T @ z_b, maximize=True)
        perms.append(best)
    return perms


# ---------------------------------------------------------------------------------------
# Jitted training (the momentum rule of pygen.core.optimizers)


def batch_plan(seed: int, n_train: int, epochs: int, batch: int = BATCH):
    """Minibatch indices and masks in the order `mlp.train` visits them (same permutations)."""
    mlp, _, _ = _jax()
    rng = np.random.RandomState(mlp.batch_order_seed(seed))
    per_epoch = -(-n_train // batch)
    index = np.zeros((epochs * per_epoch, batch), dtype=np.int32)
    mask = np.zeros((epochs * per_epoch, batch))
    for epoch in range(epochs):
        order = rng.permutation(n_train)
        for k in range(per_epoch):
            chunk = order[k * batch : (k + 1) * batch]
            index[epoch * per_epoch + k, : chunk.size] = chunk
            mask[epoch * per_epoch + k, : chunk.size] = 1.0
    return index, mask


@cache
def _trainer(sizes: tuple[int, ...]):
    mlp, jax, jnp = _jax()
    def batch_loss(theta, x, y, mask):
        residual = (mlp.predict(theta, x, sizes) - y) * mask
        return jnp.sum(residual * residual) / jnp.sum(mask)

    grad = jax.grad(batch_loss)

    def run(theta0, index, mask, x_train, y_train, lr, alpha):
        def step(state, plan):
            theta, v = state
            idx, m = plan
            g = grad(theta, x_train[idx], y_train[idx], m)
            v = alpha * v - lr * g
            return (theta + v, v), None

        (theta, _), _ = jax.lax.scan(step, (theta0, jnp.zeros_like(theta0)), (index, mask))
        return theta

    def bezier(end_a, end_b, mid0, index, mask, ts, x_train, y_train, lr, alpha):
        def step(state, plan):
            mid, v = state
            idx, m, t = plan
            point = (1 - t) * (1 - t) * end_a + 2 * t * (1 - t) * mid + t * t * end_b
            g = 2 * t * (1 - t) * grad(point, x_train[idx], y_train[idx], m)
            v = alpha * v - lr * g
            return (mid + v, v), None

        (mid, _), _ = jax.lax.scan(step, (mid0, jnp.zeros_like(mid0)), (index, mask, ts))
        return mid

    return (jax.jit(jax.vmap(run, in_axes=(0, 0, 0, None, None, None, None))),
            jax.jit(jax.vmap(bezier, in_axes=(0, 0, 0, 0, 0, 0, None, None, None, None))))


def train_networks(problem, width: int, seeds=SEEDS, epochs: int = EPOCHS):
    mlp, _, jnp = _jax()
    sizes = layer_sizes(width)
    train, _ = _trainer(sizes)
    n = problem.x_train.shape[0]
    plans = [batch_plan(s, n, epochs) for s in seeds]
    theta0 = np.stack([mlp.init_params(s, sizes) for s in seeds])
    out = train(jnp.asarray(theta0), jnp.asarray(np.stack([p[0] for p in plans])),
                jnp.asarray(np.stack([p[1] for p in plans])), jnp.asarray(problem.x_train),
                jnp.asarray(problem.y_train), LR, ALPHA)
    return {s: np.asarray(out[i]) for i, s in enumerate(seeds)}


def train_bezier(problem, width: int, ends: list[tuple[np.ndarray, np.ndarray]], plan_seeds, t_seeds=None):
    """Middle control points of quadratic Bezier curves, one per (end_a, end_b), from the midpoint.
    Curve k visits the minibatches in the order of seed plan_seeds[k] and draws its t from
    RandomState(t_seeds[k]) (default BEZIER_SEED + k)."""
    _, _, jnp = _jax()
    sizes = layer_sizes(width)
    _, bezier = _trainer(sizes)
    n = problem.x_train.shape[0]
    plans = [batch_plan(s, n, BEZIER_EPOCHS) for s in plan_seeds]
    if t_seeds is None:
        t_seeds = [BEZIER_SEED + k for k in range(len(ends))]
    ts = [np.random.RandomState(seed).uniform(size=plans[k][0].shape[0]) for k, seed in enumerate(t_seeds)]
    end_a = np.stack([e[0] for e in ends])
    end_b = np.stack([e[1] for e in ends])
    mids = bezier(jnp.asarray(end_a), jnp.asarray(end_b), jnp.asarray((end_a + end_b) / 2),
                  jnp.asarray(np.stack([p[0] for p in plans])), jnp.asarray(np.stack([p[1] for p in plans])),
                  jnp.asarray(np.stack(ts)), jnp.asarray(problem.x_train), jnp.asarray(problem.y_train), LR, ALPHA)
    return [np.asarray(m) for m in mids]


def t_values(n: int = N_T) -> np.ndarray:
    return np.linspace(0.0, 1.0, n)


def path_anchors_and_coefs(path: str, end_a, end_b, aligned_b, mid, t, activation_b=None):
    from . import subspace
    if path == "linear":
        return [end_a, end_b], subspace.line_coefs(t)
    if path == "aligned":
        return [end_a, aligned_b], subspace.line_coefs(t)
    if path == "activation":
        return [end_a, activation_b], subspace.line_coefs(t)
    if path == "bezier":
        return [end_a, mid, end_b], subspace.bezier_coefs(t)
    raise ValueError(f"unknown path {path!r}")


def barrier(losses) -> float:
    """Maximum along the path minus the mean of its two end points (Entezari et al. 2022)."""
    losses = np.asarray(losses)
    return float(losses.max() - (losses[0] + losses[-1]) / 2)


# ---------------------------------------------------------------------------------------
# Computation shared by the two files (cached on the context per width)


def width_experiment(base, width: int, pair_list, progress=lambda message: None) -> dict:
    """Train the networks of the pairs in pair_list at one width, align them and train their
    Bezier curves. Each pair's Bezier curve uses its index in `pairs()` (batch order of seed a,
    t drawn from RandomState(BEZIER_SEED + index)), so a subset of pairs gives the same curves."""
    mlp, _, _ = _jax()
    problem = mlp.Problem(base.x_train, base.y_train, base.x_test, base.y_test, layer_sizes(width))
    sizes = problem.layer_sizes
    seeds = tuple(s for s in SEEDS if any(s in pair for pair in pair_list))
    progress(f"mode connectivity, width {width}: training {len(seeds)} network(s)")
    if width <= JOINT_MAX_WIDTH:
        nets = train_networks(problem, width, seeds)
    else:
        nets = {}
        for seed in seeds:
            nets.update(train_networks(problem, width, (seed,)))
    aligned, activation = {}, {}
    for a, b in pair_list:
        perms, sweeps = weight_matching(nets[a], nets[b], sizes)
        aligned[(a, b)] = (permute(nets[b], perms, sizes), sweeps)
        activation[(a, b)] = permute(nets[b], activation_matching(nets[a], nets[b], problem.x_train, sizes), sizes)
    progress(f"mode connectivity, width {width}: Bezier curves for {len(pair_list)} pair(s)")
    index = {pair: k for k, pair in enumerate(pairs())}
    ends = [(nets[a], nets[b]) for a, b in pair_list]
    plan_seeds = [a for a, _ in pair_list]
    t_seeds = [BEZIER_SEED + index[pair] for pair in pair_list]
    if width <= JOINT_MAX_WIDTH:
        mids = train_bezier(problem, width, ends, plan_seeds, t_seeds)
    else:
        mids = [train_bezier(problem, width, [e], [s], [t])[0] for e, s, t in zip(ends, plan_seeds, t_seeds)]
    return {"problem": problem, "nets": nets, "aligned": aligned, "activation": activation,
            "mids": dict(zip(pair_list, mids)), "pairs": list(pair_list)}


def experiment(ctx: Context, width: int) -> dict:
    """The full experiment (all pairs) at one width, computed once per pygen run."""
    cache = ctx.__dict__.setdefault("_connectivity", {})
    if width not in cache:
        cache[width] = width_experiment(ctx.model.problem, width, pairs(), ctx.progress)
    return cache[width]


def _parameters(n_train=None):
    # n_train: the training rows, which the width slide compares with the parameter counts
    rows = {} if n_train is None else {"n_train": int(n_train)}
    return {"training": _training_parameters(), **rows, "widths": list(WIDTHS), "seeds": list(SEEDS),
            "trainer": {"optimizer": "momentum", "lr": LR, "alpha": ALPHA, "batch_size": BATCH, "epochs": EPOCHS,
                        "implementation": "jax.lax.scan of the pygen.core.optimizers momentum rule",
                        "vmapped_up_to_width": JOINT_MAX_WIDTH},
            "bezier": {"epochs": BEZIER_EPOCHS, "t_seed": BEZIER_SEED, "init": "midpoint of the end points",
                       "end points": "unaligned", "batch_order": "that of seed_a"},
            "matching": {"method": "weight matching, scipy linear_sum_assignment per hidden layer, "
                         "alternated from the identity to a fixed point", "max_sweeps": MAX_MATCHING_ITERATIONS},
            "activation_matching": "scipy linear_sum_assignment per hidden layer on the inner products of "
                                   "the units' tanh outputs over the training set",
            "paths": list(PATHS), "n_t": N_T}


def _connectivity_rows(results) -> dict:
    """The file's columns for the given per-width results (in their order, pairs in order)."""
    from . import subspace
    cols = {c.name: [] for c in MODE_CONNECTIVITY.columns}
    t = t_values()
    for width, res in results:
        problem = res["problem"]
        nets = res["nets"]
        for a, b in res["pairs"]:
            aligned_b, sweeps = res["aligned"][(a, b)]
            activation_b = res["activation"][(a, b)]
            ends = {"linear": nets[b], "aligned": aligned_b, "activation": activation_b, "bezier": nets[b]}
            for path in PATHS:
                anchors, coefs = path_anchors_and_coefs(path, nets[a], nets[b], aligned_b, res["mids"][(a, b)], t,
                                                        activation_b)
                train, test = subspace.train_test(problem, anchors)
                end_b = ends[path]
                n = t.size
                cols["width"] += [width] * n
                cols["n_params"] += [subspace.n_params(problem.layer_sizes)] * n
                cols["seed_a"] += [a] * n
                cols["seed_b"] += [b] * n
                cols["path"] += [path] * n
                cols["t"] += t.tolist()
                cols["train_loss"] += train.losses(coefs).tolist()
                cols["test_loss"] += test.losses(coefs).tolist()
                cols["match_objective"] += [matching_objective(nets[a], end_b)] * n
                cols["identity_objective"] += [matching_objective(nets[a], nets[b])] * n
                cols["end_distance"] += [float(np.linalg.norm(nets[a] - end_b))] * n
                cols["matching_sweeps"] += [sweeps if path == "aligned" else 0] * n
    return cols


def build_connectivity(ctx: Context) -> pa.Table:
    def results():
        for width in WIDTHS:
            res = experiment(ctx, width)
            ctx.progress(f"mode connectivity, width {width}: losses along {len(PATHS) * len(pairs())} paths")
            yield width, res
            if width != PREDICTION_WIDTH:  # the wide networks are not needed again; free them
                ctx.__dict__["_connectivity"].pop(width, None)

    return _table(MODE_CONNECTIVITY, _connectivity_rows(results()), _parameters(ctx.model.problem.x_train.shape[0]),
                  seed=None)


def spot_check_connectivity(ctx: Context) -> pa.Table:
    """The rows of `SPOT_CHECK`: every pair of its small widths and its one wide pair, computed
    exactly as in the full sweep (same calls, so the same bits on one machine)."""
    def results():
        for width in SPOT_CHECK["widths"]:
            yield width, experiment(ctx, width)
        width, pair = SPOT_CHECK["wide"]
        yield width, width_experiment(ctx.model.problem, width, [pair], ctx.progress)

    return _table(MODE_CONNECTIVITY, _connectivity_rows(results()), _parameters(ctx.model.problem.x_train.shape[0]),
                  seed=None)


MODE_CONNECTIVITY = DataFile(
    name="mode_connectivity",
    filename="mode_connectivity.arrow",
    title="Loss between two trained networks, 8 to 1,024 hidden units: straight line, after weight or "
    "activation matching, Bezier curve",
    claim="Tests mode connectivity: whether networks trained from different seeds are joined by "
    "low-loss paths (Garipov et al. 2018), whether the straight line between them is low once hidden "
    "units are aligned by weight or activation matching (Ainsworth et al. 2023), and whether that "
    "barrier vanishes as the width grows past the number of training rows (Entezari et al. 2022).",
    doc=f"Networks 136 -> h -> h -> 1 (tanh) for h in {list(WIDTHS)}, each trained from seeds "
    f"{list(SEEDS)} (initial weights and batch order as in `training_curves.arrow`) with SGD + momentum "
    f"(lr {LR}, alpha {ALPHA}, batch {BATCH}, {EPOCHS} epochs; the deck's update rule, jitted in JAX). "
    "For every pair of seeds (a, b), four paths from network a (t = 0) to network b (t = 1), "
    f"{N_T} points each: `linear`, the straight line; `aligned`, the straight line to b after its "
    "hidden units are permuted by weight matching (Ainsworth et al. 2023: per hidden layer "
    "`scipy.optimize.linear_sum_assignment` on the inner products of the weights into and out of "
    "that layer, alternated from the identity until a sweep changes nothing; the permuted b computes "
    "the same function); `activation`, the straight line to b permuted by activation matching (per "
    "hidden layer one assignment on the inner products of the units' tanh outputs over the 3,199 "
    f"training rows); `bezier`, a quadratic Bezier curve between the unaligned a and b whose "
    f"middle control point is trained for {BEZIER_EPOCHS} epochs from the midpoint with one "
    "t ~ U(0, 1) per minibatch (Garipov et al. 2018). Barrier = maximum of the loss along the path "
    "minus the mean of its end points. tanh networks have a second symmetry (flipping the signs of a "
    "unit's weights in and out) that neither matching uses. Widths up to "
    f"{JOINT_MAX_WIDTH} train their 4 networks (6 curves) in one vmapped call, wider ones one per call. "
    "Heavy tier (minutes): `python -m pygen --tier heavy` regenerates it; `--check` regenerates and "
    f"compares only the rows of widths {', '.join(map(str, SPOT_CHECK['widths']))} and of the pair "
    f"{SPOT_CHECK['wide'][1]} at width {SPOT_CHECK['wide'][0]}; `--check --tier heavy` all of it.",
    columns=(
        Column("width", "int32", "hidden units per layer h"),
        Column("n_params", "int32", "parameters of the network"),
        Column("seed_a", "int32", "seed of the network at t = 0"),
        Column("seed_b", "int32", "seed of the network at t = 1"),
        Column("path", "utf8", '"linear", "aligned" (weight matching), "activation" (activation matching) or "bezier"'),
        Column("t", "float64", "position along the path (0 to 1)"),
        Column("train_loss", "float64", "training loss, eV^2"),
        Column("test_loss", "float64", "test loss, eV^2"),
        Column("match_objective", "float64", "inner product of the two end points' parameter vectors (weight matching's objective)"),
        Column("identity_objective", "float64", "the same before alignment (identity permutation)"),
        Column("end_distance", "float64", "Euclidean distance between the path's two end points"),
        Column("matching_sweeps", "int32", "sweeps of weight matching over the hidden layers until it was fixed (0 unless aligned)"),
    ),
    build=build_connectivity,
    tolerance=TRAINING_TOLERANCE,
    tier="heavy",
    spot_check=spot_check_connectivity,
    spot_check_keys=("width", "seed_a", "seed_b"),
    expected_keys=lambda: [(width, a, b) for width in WIDTHS for a, b in pairs()],
)


def prediction_compounds(problem) -> np.ndarray:
    """Test rows shown on the slide: evenly spaced in the measured band gap, so the range is covered."""
    order = np.argsort(problem.y_test, kind="stable")
    return order[np.round(np.linspace(0, order.size - 1, PREDICTION_COMPOUNDS)).astype(int)]


def build_predictions(ctx: Context) -> pa.Table:
    from . import subspace
    cols = {c.name: [] for c in CONNECTIVITY_PREDICTIONS.columns}
    res = experiment(ctx, PREDICTION_WIDTH)
    problem = res["problem"]
    a, b = PREDICTION_PAIR
    rows = prediction_compounds(problem)
    t = np.linspace(0.0, 1.0, PREDICTION_T)
    aligned_b, _ = res["aligned"][(a, b)]
    for path in PREDICTION_PATHS:
        anchors, coefs = path_anchors_and_coefs(path, res["nets"][a], res["nets"][b], aligned_b, res["mids"][(a, b)], t)
        predicted = subspace.Subspace(anchors, problem.x_test[rows], problem.y_test[rows],
                                      problem.layer_sizes).predictions(coefs)
        for k, tk in enumerate(t):
            cols["path"] += [path] * rows.size
            cols["t"] += [float(tk)] * rows.size
            cols["compound"] += rows.tolist()
            cols["measured_ev"] += problem.y_test[rows].tolist()
            cols["predicted_ev"] += predicted[k].tolist()
    shared = {key: value for key, value in _parameters().items() if key != "widths"}  # one width here
    parameters = {**shared, "paths": list(PREDICTION_PATHS), "width": PREDICTION_WIDTH, "pair": list(PREDICTION_PAIR),
                  "compounds": PREDICTION_COMPOUNDS, "t": PREDICTION_T}
    return _table(CONNECTIVITY_PREDICTIONS, cols, parameters, seed=None)


CONNECTIVITY_PREDICTIONS = DataFile(
    name="connectivity_predictions",
    filename="connectivity_predictions.arrow",
    title="Predicted vs measured band gaps of the networks along the three paths (width 16, seeds 0 and 1)",
    claim="What a barrier means for the model: how well the networks along each path predict "
    "band gaps (a slider walks along the paths).",
    doc=f"For the width-{PREDICTION_WIDTH} pair seeds {PREDICTION_PAIR} of `mode_connectivity.arrow`: "
    f"the predictions of the network at {PREDICTION_T} points t = 0, 0.05, ..., 1 of each path for "
    f"{PREDICTION_COMPOUNDS} test compounds (test rows evenly spaced in measured band gap). Float32 "
    "(a slider shows them; the losses are in `mode_connectivity.arrow`).",
    columns=(
        Column("path", "utf8", '"linear", "aligned" or "bezier"'),
        Column("t", "float32", "position along the path"),
        Column("compound", "int32", "row of the test set (split order of `bandgap_zhuo2018.arrow`, test rows only)"),
        Column("measured_ev", "float32", "measured band gap, eV"),
        Column("predicted_ev", "float32", "the network's prediction, eV"),
    ),
    build=build_predictions,
    tolerance=TRAINING_TOLERANCE,
)

CONNECTIVITY_FILES = (MODE_CONNECTIVITY, CONNECTIVITY_PREDICTIONS)
