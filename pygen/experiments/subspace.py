"""Loss of the band-gap network at many points of a low-dimensional parameter subspace.

Every point the landscape and connectivity experiments evaluate is a linear combination
of a few anchor vectors: a plane `theta + a d1 + b d2` (anchors theta, d1, d2; coefficients
1, a, b), a straight line `(1 - t) w_a + t w_b`, a quadratic Bezier curve
`(1 - t)^2 w_a + 2 t (1 - t) w_m + t^2 w_b`. The first layer is linear in its weights, so its
pre-activations `x W1 + b1` are computed once per anchor and combined per point (the
first layer is 136 x width of the network's cost); the rest of the network is evaluated at
the combined parameters. Exactly the network of `pygen.mlp.predict` (same layers, tanh,
linear output), reordered sums only: results equal `mlp.mse` at the same parameters to
rounding (the tests check 1e-12 relative).
"""

from __future__ import annotations

import math
from functools import cache

import jax
import jax.numpy as jnp
import numpy as np

from .. import mlp  # enables float64 in JAX before jax.numpy is used

CHUNK = 64  # at most this many points per jitted call


def _chunk_size(m: int) -> int:
    # fixed sizes (multiples of 8 up to CHUNK), so that each shape compiles once and little is padded
    return min(CHUNK, -(-m // 8) * 8)


@cache
def _evaluator(layer_sizes: tuple[int, ...]):
    shapes = mlp.parameter_shapes(layer_sizes)
    fan_in, width = shapes[0]
    first = fan_in * width + width  # W1 and b1

    def first_layer(anchors, x):
        w1 = anchors[:, : fan_in * width].reshape(-1, fan_in, width)
        b1 = anchors[:, fan_in * width : first]
        return jnp.einsum("nf,kfh->knh", x, w1) + b1[:, None, :]

    def outputs(z, rest, coefs):
        # z: (K, N, width) first-layer pre-activations per anchor; rest: (K, n_rest)
        def one(c):
            hidden = jnp.tanh(jnp.tensordot(c, z, axes=1))
            params = c @ rest
            offset = 0
            for index in range(2, len(shapes), 2):
                (f_in, f_out) = shapes[index]
                weights = params[offset : offset + f_in * f_out].reshape(f_in, f_out)
                offset += f_in * f_out
                bias = params[offset : offset + f_out]
                offset += f_out
                hidden = hidden @ weights + bias
                if index + 2 < len(shapes):
                    hidden = jnp.tanh(hidden)
            return hidden[:, 0]

        return jax.vmap(one)(coefs)

    def losses(z, rest, coefs, y):
        residual = outputs(z, rest, coefs) - y[None, :]
        return jnp.mean(residual * residual, axis=1)

    return jax.jit(first_layer), jax.jit(losses), jax.jit(outputs), first


class Subspace:
    """Anchors (K x n_params) on one data set (x, y); `losses(coefs)` for coefs (m x K)."""

    def __init__(self, anchors, x, y, layer_sizes):
        first_layer, self._losses, self._outputs, first = _evaluator(tuple(layer_sizes))
        anchors = jnp.asarray(np.asarray(anchors, dtype=np.float64))
        self._z = first_layer(anchors, jnp.asarray(x))
        self._rest = anchors[:, first:]
        self._y = jnp.asarray(y)
        self.k = anchors.shape[0]

    def _chunks(self, coefs, fn):
        coefs = np.asarray(coefs, dtype=np.float64).reshape(-1, self.k)
        out = []
        size = _chunk_size(coefs.shape[0])
        for start in range(0, coefs.shape[0], size):
            block = coefs[start : start + size]
            padded = np.zeros((size, self.k))
            padded[: block.shape[0]] = block
            out.append(np.asarray(fn(jnp.asarray(padded)))[: block.shape[0]])
        return np.concatenate(out)

    def losses(self, coefs) -> np.ndarray:
        """Mean squared error (eV^2) at each row of coefs."""
        return self._chunks(coefs, lambda c: self._losses(self._z, self._rest, c, self._y))

    def predictions(self, coefs) -> np.ndarray:
        """Network outputs (eV), one row per row of coefs."""
        return self._chunks(coefs, lambda c: self._outputs(self._z, self._rest, c))


def train_test(problem, anchors):
    """Subspaces of the same anchors on the training and on the test set."""
    sizes = problem.layer_sizes
    return (Subspace(anchors, problem.x_train, problem.y_train, sizes),
            Subspace(anchors, problem.x_test, problem.y_test, sizes))


def bezier_coefs(t) -> np.ndarray:
    t = np.asarray(t, dtype=np.float64)
    return np.stack([(1 - t) * (1 - t), 2 * t * (1 - t), t * t], axis=1)


def line_coefs(t) -> np.ndarray:
    t = np.asarray(t, dtype=np.float64)
    return np.stack([1 - t, t], axis=1)


def n_params(layer_sizes) -> int:
    return sum(math.prod(s) for s in mlp.parameter_shapes(layer_sizes))
