"""A small tanh network fitted to the Zhuo et al. (2018) band gaps, in JAX float64.

Small on purpose: 136 -> 16 -> 16 -> 1 has 2,481 parameters, so the exact Hessian of
the training loss (2,481 x 2,481) and its full spectrum cost about a second each.
Parameters are one flat float64 vector, the form `pygen.core.optimizers` works on: the update
rules of the deck drive the network too (elementwise on numpy arrays,
`pygen.array_optimizers`, which gives the core's bits and is tested against it).
tanh rather than ReLU keeps the loss twice differentiable, so the Hessian is defined
everywhere and finite differences of the gradient can check it.

Randomness comes from numpy's legacy `RandomState` (its streams are frozen across numpy
versions) and from a hash for the train/test split: library upgrades do not change data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import jax

jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402  (after enabling float64)
import numpy as np  # noqa: E402

from . import materials  # noqa: E402
from .array_optimizers import make_array_optimizer  # noqa: E402
from .core.optimizers import make_optimizer  # noqa: E402
from .core.schedules import make_schedule  # noqa: E402

LAYER_SIZES = (materials.N_FEATURES, 16, 16, 1)


def parameter_shapes(layer_sizes=LAYER_SIZES) -> list[tuple[int, ...]]:
    shapes = []
    for fan_in, fan_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        shapes += [(fan_in, fan_out), (fan_out,)]
    return shapes


def parameter_count(layer_sizes=LAYER_SIZES) -> int:
    return sum(math.prod(shape) for shape in parameter_shapes(layer_sizes))


def init_params(seed: int, layer_sizes=LAYER_SIZES) -> np.ndarray:
    """LeCun-normal weights (variance 1/fan_in, right for tanh), zero biases."""
    rng = np.random.RandomState(seed)
    parts = []
    for shape in parameter_shapes(layer_sizes):
        if len(shape) == 2:
            parts.append(rng.standard_normal(shape).ravel() / math.sqrt(shape[0]))
        else:
            parts.append(np.zeros(shape))
    return np.concatenate(parts)


def predict(params, x, layer_sizes=LAYER_SIZES):
    """Network output for each row of x (tanh hidden layers, linear output)."""
    shapes = parameter_shapes(layer_sizes)
    first = _first_layer_size(shapes)
    (fan_in, width), _ = shapes[0], shapes[1]
    z = x @ params[: fan_in * width].reshape(fan_in, width) + params[fan_in * width : first]
    return predict_from_first_layer(z, params[first:], shapes)


def _first_layer_size(shapes) -> int:
    fan_in, width = shapes[0]
    return fan_in * width + width


def predict_from_first_layer(z, rest, shapes):
    """The network after its first layer: z holds the first layer's pre-activations
    (`x W1 + b1`, one row per example, or one vector), `rest` the parameters after W1 and b1."""
    hidden = z
    offset = 0
    for index in range(2, len(shapes), 2):
        hidden = jnp.tanh(hidden)
        fan_in, fan_out = shapes[index]
        weights = rest[offset : offset + fan_in * fan_out].reshape(fan_in, fan_out)
        offset += fan_in * fan_out
        bias = rest[offset : offset + fan_out]
        offset += fan_out
        hidden = hidden @ weights + bias
    return hidden[..., 0]


def mse(params, x, y, layer_sizes=LAYER_SIZES):
    """Mean squared error in eV^2."""
    residual = predict(params, x, layer_sizes) - y
    return jnp.mean(residual * residual)


@dataclass(frozen=True)
class Problem:
    """Standardised features (train mean/std) and band gaps, split by composition."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    layer_sizes: tuple[int, ...] = LAYER_SIZES

    @property
    def n_params(self) -> int:
        return parameter_count(self.layer_sizes)


def make_problem(data: materials.BandGapData, layer_sizes=LAYER_SIZES) -> Problem:
    is_test = np.array([materials.split_is_test(c) for c in data.compositions])
    x_train, x_test = data.features[~is_test], data.features[is_test]
    mean = x_train.mean(axis=0)
    std = x_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    return Problem(
        x_train=(x_train - mean) / std,
        y_train=data.band_gap_ev[~is_test],
        x_test=(x_test - mean) / std,
        y_test=data.band_gap_ev[is_test],
        layer_sizes=tuple(layer_sizes),
    )


def load_problem(data_dir: Path) -> Problem:
    return make_problem(materials.load(data_dir))


def _f64(values):
    return values if isinstance(values, jax.Array) else np.asarray(values, dtype=np.float64)


class Model:
    """Jitted loss, gradient, Hessian-vector product and exact Hessian for one Problem."""

    def __init__(self, problem: Problem):
        self.problem = problem
        sizes = problem.layer_sizes
        x_train, y_train = jnp.asarray(problem.x_train), jnp.asarray(problem.y_train)
        x_test, y_test = jnp.asarray(problem.x_test), jnp.asarray(problem.y_test)

        def train_loss(params):
            return mse(params, x_train, y_train, sizes)

        def batch_loss(params, indices):
            return mse(params, x_train[indices], y_train[indices], sizes)

        train_grad = jax.grad(train_loss)

        def hvp(params, vector):
            # forward-over-reverse: the directional derivative of the gradient
            return jax.jvp(train_grad, (params,), (vector,))[1]

        def hessian_by_hvp(params):
            # Rows of the Hessian are HVPs with the unit vectors; lax.map in chunks keeps
            # memory bounded and is about twice as fast here as vmapping all at once.
            basis = jnp.eye(params.shape[0], dtype=params.dtype)
            return jax.lax.map(lambda v: hvp(params, v), basis, batch_size=256)

        self._train_loss = jax.jit(train_loss)
        self._test_loss = jax.jit(lambda p: mse(p, x_test, y_test, sizes))
        self._train_grad = jax.jit(train_grad)
        self._batch_grad = jax.jit(jax.grad(batch_loss))
        self._hvp = jax.jit(hvp)
        self._hessian = jax.jit(_structured_hessian(x_train, y_train, sizes))
        self._hessian_by_hvp = jax.jit(hessian_by_hvp)

    # Arguments go to the jitted functions as numpy arrays (or device arrays as they are): JAX's
    # fast path transfers them, cheaper than a jnp.asarray per argument; the values are the same.
    def train_loss(self, params) -> float:
        return float(self._train_loss(_f64(params)))

    def test_loss(self, params) -> float:
        return float(self._test_loss(_f64(params)))

    def train_grad(self, params) -> np.ndarray:
        return np.asarray(self._train_grad(_f64(params)))

    def batch_grad(self, params, indices) -> np.ndarray:
        return np.asarray(self._batch_grad(_f64(params), np.asarray(indices, dtype=np.int32)))

    def hvp(self, params, vector) -> np.ndarray:
        return np.asarray(self._hvp(_f64(params), _f64(vector)))

    def hessian(self, params) -> np.ndarray:
        """Exact Hessian of the training loss, symmetrised (it is symmetric up to rounding)."""
        matrix = np.asarray(self._hessian(_f64(params)))
        return (matrix + matrix.T) / 2

    def hessian_by_hvp(self, params) -> np.ndarray:
        """The same from one Hessian-vector product per parameter (five times slower; the tests'
        reference for `hessian`)."""
        matrix = np.asarray(self._hessian_by_hvp(_f64(params)))
        return (matrix + matrix.T) / 2


def _structured_hessian(x, y, layer_sizes):
    """The exact Hessian of mse(params, x, y) using that the first layer is linear in W1, b1.

    With z_n = x_n W1 + b1 (h values per example), l_n(z_n, r) the squared error of example n as
    a function of z_n and of the other parameters r, and xa_n = (x_n, 1):
      d2L/dW1[a,j] dW1[b,k] = mean_n xa_na xa_nb A_n[j,k],  A_n = d2 l_n / dz dz  (h x h)
      d2L/dW1[a,j] dr       = mean_n xa_na B_n[j],           B_n = d2 l_n / dz dr  (h x |r|)
      d2L/dr dr             = d2/dr2 of mean_n l_n(z_n, r)    with z fixed
    (W1 and b1 are contiguous in the flat vector, so (a, j) with a = n_in is b1[j]). The same
    matrix as one Hessian-vector product per parameter, to rounding, at a fifth of the cost:
    the 2,176 first-layer rows come from a few large products instead of 2,176 passes.
    """
    shapes = parameter_shapes(layer_sizes)
    n_in, width = shapes[0]
    first = _first_layer_size(shapes)
    n = x.shape[0]
    xa = jnp.concatenate([x, jnp.ones((n, 1), dtype=x.dtype)], axis=1)
    rows = (n_in + 1) * width

    def example_loss(z, rest, target):
        residual = predict_from_first_layer(z, rest, shapes) - target
        return residual * residual

    def hessian(params):
        rest = params[first:]
        z = x @ params[: n_in * width].reshape(n_in, width) + params[n_in * width : first]
        a = jax.vmap(jax.hessian(example_loss, 0), (0, None, 0))(z, rest, y)
        b = jax.vmap(jax.jacfwd(jax.grad(example_loss, 0), 1), (0, None, 0))(z, rest, y)
        rr = jax.hessian(lambda r: jnp.mean(example_loss(z, r, y)))(rest)
        # one unit j of the first layer at a time keeps the (n, n_in + 1, width) product small
        blocks = jax.lax.map(lambda j: jnp.tensordot(xa, xa[:, :, None] * a[:, j, None, :], axes=(0, 0)),
                             jnp.arange(width))
        first_first = blocks.transpose(1, 0, 2, 3).reshape(rows, rows) / n
        first_rest = jnp.tensordot(xa, b, axes=(0, 0)).reshape(rows, -1) / n
        return jnp.block([[first_first, first_rest], [first_rest.T, rr]])

    return hessian


@dataclass(frozen=True)
class TrainSpec:
    optimizer: str
    hyper: dict
    lr: float
    batch_size: int  # 0 means full batch (gradient descent on the training loss)
    epochs: int
    seed: int
    label: str = ""

    def as_parameters(self) -> dict:
        return {
            "optimizer": self.optimizer,
            "hyper": dict(self.hyper),
            "lr": self.lr,
            "batch_size": self.batch_size,
            "epochs": self.epochs,
            "seed": self.seed,
        }


@dataclass
class TrainResult:
    spec: TrainSpec
    epochs: list[int] = field(default_factory=list)
    steps: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    checkpoints: dict[int, np.ndarray] = field(default_factory=dict)
    final_params: np.ndarray | None = None  # the last parameters with a finite loss
    status: str = "completed"


def batch_order_seed(seed: int) -> int:
    # Distinct from the initialisation stream of the same seed.
    return 1_000_003 + seed


def train(model: Model, spec: TrainSpec, checkpoint_epochs=(), *, every_epoch: bool = True,
          arrays: bool = True) -> TrainResult:
    """Minibatch training with a `pygen.core.optimizers` update rule and a constant schedule.

    Each epoch visits every training example once in an order drawn from the run's
    seed (the last batch may be smaller). Losses are recorded on the full train and
    test sets before training (epoch 0) and after each epoch. Parameters are kept at
    `checkpoint_epochs` and at the last epoch. A run whose loss stops being finite
    ends there with status "diverged" (its rows up to then are kept).
    With `every_epoch=False` the losses are computed, and the run checked for divergence, only
    at epoch 0, the checkpoints and the last epoch (the rows the caller reads): the same rows as
    a full recording while the losses stay finite; a run whose loss stops being finite ends at
    the next of those epochs instead. The update rule runs on numpy arrays (`pygen.array_optimizers`, the same bits as the
    core's lists and many times faster); `arrays=False` runs the core itself, for the tests.
    """
    optimizer = (make_array_optimizer if arrays else make_optimizer)(spec.optimizer, spec.hyper)
    lr_at = make_schedule("constant")
    n_train = model.problem.x_train.shape[0]
    batch = n_train if spec.batch_size in (0, None) else spec.batch_size
    order_rng = np.random.RandomState(batch_order_seed(spec.seed))
    theta0 = init_params(spec.seed, model.problem.layer_sizes)
    state = optimizer.init(theta0 if arrays else theta0.tolist())
    result = TrainResult(spec)
    wanted = set(checkpoint_epochs) | {spec.epochs}
    step = 0

    def record(epoch):
        params = np.asarray(state["theta"])
        train_loss, test_loss = model.train_loss(params), model.test_loss(params)
        if not (math.isfinite(train_loss) and math.isfinite(test_loss)):
            return False
        result.epochs.append(epoch)
        result.steps.append(step)
        result.train_loss.append(train_loss)
        result.test_loss.append(test_loss)
        result.final_params = params
        if epoch in wanted:
            result.checkpoints[epoch] = params
        return True

    record(0)
    for epoch in range(1, spec.epochs + 1):
        order = order_rng.permutation(n_train) if batch < n_train else np.arange(n_train)
        for start in range(0, n_train, batch):
            point = np.asarray(optimizer.gradient_point(state))
            if batch < n_train:
                grad = model.batch_grad(point, order[start : start + batch])
            else:
                grad = model.train_grad(point)
            state = optimizer.step(state, grad if arrays else grad.tolist(), lr_at(step, spec.lr))
            step += 1
        if (every_epoch or epoch in wanted) and not record(epoch):
            result.status = "diverged"
            break
    return result
