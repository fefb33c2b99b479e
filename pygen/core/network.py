"""The lecture's band-gap network, 136 -> 16 -> 16 -> 1 with tanh hidden layers and a linear
output, trained on the mean squared error: forward pass, backpropagation and the exact
Hessian-vector product (Pearlmutter's R-operator).

Twin of ``slides/js/core/network.js``, bit for bit. Parameters are one flat float64 vector in
``pygen/mlp.py``'s layout (W1 row-major 136 x 16, b1, W2 16 x 16, b2, W3 16 x 1, b3), so that the
JAX Hessian of ``mlp.Model`` applies to it. The JS twin works row by row in plain loops; here
numpy vectorises only over the dimensions that are not summed (the rows of a batch in the
forward pass, the parameters in the backward pass), and every sum runs in the JS loop's order:
over the features k = 0..135 (then the bias), over the hidden units i = 0..15, and over the
rows in the order given, from 0 (``_add_rows``). The activation is ``portable_math``'s tanh,
elementwise (``tanh_array``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import portable_math as pm
from .checks import check_integer
from .noise import make_rng

LAYER_SIZES = (136, 16, 16, 1)
N_IN = 136
H = 16  # both hidden layers
W1 = 0
B1 = W1 + N_IN * H
W2 = B1 + H
B2 = W2 + H * H
W3 = B2 + H
B3 = W3 + H
NETWORK_PARAMETER_COUNT = B3 + 1  # 2,481
ROW_CHUNK = 256  # rows per vectorised block of a sum over rows (bounds the memory)

_SMALL_POWERS = np.array([pm.power_of_two(k) for k in range(65)])
_SMALL_POWERS_INVERSE = np.array([pm.power_of_two(-k) for k in range(65)])


def tanh_array(x: np.ndarray) -> np.ndarray:
    """``portable_math.tanh`` elementwise: the same operations on every element, so the same bits
    as the scalar function (and the JS twin, which calls it in its loops)."""
    with np.errstate(over="ignore", invalid="ignore"):  # the branches np.where discards
        return _tanh_array(np.asarray(x, dtype=np.float64))


def _tanh_array(x: np.ndarray) -> np.ndarray:
    ax = np.where(x < 0, -x, x)
    y = ax + ax  # below TANH_SATURATION: k <= 64, and 1 - 2^-k is exact up to k = 53
    k = np.floor(y * pm.INV_LN2 + 0.5)
    r = y - k * pm.LN2_HI - k * pm.LN2_LO
    q = np.full_like(r, pm.INVERSE_FACTORIALS[pm.EXP_TERMS])
    for n in range(pm.EXP_TERMS - 1, 0, -1):
        q = q * r + pm.INVERSE_FACTORIALS[n]
    p = q * r
    index = np.clip(np.nan_to_num(k), 0, 64).astype(np.int64)
    scale = _SMALL_POWERS[index]
    e = np.where(k > 53, (p + 1) * scale - 1, (p + (1 - _SMALL_POWERS_INVERSE[index])) * scale)
    e = np.where(k == 0, p, e)
    t = e / (e + 2)
    t = np.where(x < 0, -t, t)
    t = np.where(ax >= pm.TANH_SATURATION, np.where(x < 0, -1.0, 1.0), t)
    return np.where(ax >= pm.TANH_LINEAR, t, x)  # tiny, zero and NaN: x itself


def init_params(seed: int) -> np.ndarray:
    """LeCun-normal weights (normal / sqrt(fan_in), right for tanh) and zero biases, the normals
    drawn in the layout's order from the project's generator (``noise.make_rng(seed).normal()``)."""
    rng = make_rng(check_integer("seed", seed))
    params = np.zeros(NETWORK_PARAMETER_COUNT)
    for offset, count, fan_in in ((W1, N_IN * H, N_IN), (W2, H * H, H), (W3, H, H)):
        scale = np.sqrt(float(fan_in))
        params[offset : offset + count] = [rng.normal() / scale for _ in range(count)]
    return params


def _add_rows(total: np.ndarray, contributions: np.ndarray) -> np.ndarray:
    """total + contributions[0] + contributions[1] + ..., in that order, each row added to every
    element of the running total at once (the JS loops' order; numpy's `sum` would add pairwise)."""
    if contributions.ndim == 1:  # a cumulative sum is sequential by definition
        return np.add.accumulate(np.concatenate([np.reshape(total, 1), contributions]))[-1]
    total = np.array(total, dtype=np.float64)
    for row in contributions:
        np.add(total, row, out=total)
    return total


def _sum_outer_rows(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """sum over rows n, in order, of the outer products left[n] x right[n]."""
    total = np.zeros(left.shape[1] * right.shape[1])
    for start in range(0, left.shape[0], ROW_CHUNK):
        block = slice(start, start + ROW_CHUNK)
        total = _add_rows(total, (left[block, :, None] * right[block, None, :]).reshape(-1, total.shape[0]))
    return total.reshape(left.shape[1], right.shape[1])


def _weights(params):
    return (params[W1:B1].reshape(N_IN, H), params[B1:W2], params[W2:B2].reshape(H, H), params[B2:W3],
            params[W3:B3], params[B3])


def _forward(params, x, rows):
    """Hidden activations h1, h2 (rows x H) and outputs, as network.js's forward_row per row."""
    w1, b1, w2, b2, w3, b3 = _weights(params)
    features = x[np.asarray(rows, dtype=np.int64)]
    a1 = np.zeros((features.shape[0], H))
    for k in range(N_IN):
        a1 += features[:, k, None] * w1[k]
    h1 = tanh_array(a1 + b1)
    a2 = np.zeros_like(a1)
    for i in range(H):
        a2 += h1[:, i, None] * w2[i]
    h2 = tanh_array(a2 + b2)
    out = np.zeros(features.shape[0])
    for i in range(H):
        out += h2[:, i] * w3[i]
    return h1, h2, out + b3


def predict(params, x, rows) -> np.ndarray:
    """The network's output for each row."""
    return _forward(np.asarray(params, dtype=np.float64), x, rows)[2]


def _mean_square(residual: np.ndarray) -> float:
    return float(_add_rows(np.zeros(()), residual * residual)) / residual.shape[0]


def loss(params, x, y, rows) -> float:
    """Mean squared error over the rows (eV^2): squared residuals added in row order, then / count."""
    rows = np.asarray(rows, dtype=np.int64)
    residual = predict(params, x, rows) - y[rows]
    return _mean_square(residual)


def loss_and_grad(params, x, y, rows) -> tuple[float, np.ndarray]:
    """The loss and its gradient by backpropagation: each parameter's gradient is the sum of the
    rows' contributions in row order."""
    params = np.asarray(params, dtype=np.float64)
    rows = np.asarray(rows, dtype=np.int64)
    count = rows.shape[0]
    _, _, w2, _, w3, _ = _weights(params)
    h1, h2, out = _forward(params, x, rows)
    r = out - y[rows]
    d_out = (r + r) / count
    d_a2 = d_out[:, None] * w3 * (1 - h2 * h2)
    d_h1 = np.zeros_like(h1)
    for j in range(H):
        d_h1 += d_a2[:, j, None] * w2[:, j]
    d_a1 = d_h1 * (1 - h1 * h1)
    grad = np.empty(NETWORK_PARAMETER_COUNT)
    grad[W1:B1] = _sum_outer_rows(x[rows], d_a1).ravel()
    grad[B1:W2] = _add_rows(np.zeros(H), d_a1)
    grad[W2:B2] = _sum_outer_rows(h1, d_a2).ravel()
    grad[B2:W3] = _add_rows(np.zeros(H), d_a2)
    grad[W3:B3] = _add_rows(np.zeros(H), h2 * d_out[:, None])
    grad[B3] = _add_rows(np.zeros(()), d_out)
    return _mean_square(r), grad


def hvp_operator(params, x, y, rows) -> Callable[[np.ndarray], np.ndarray]:
    """v -> H v for the Hessian H of loss(params, x, y, rows): the forward pass is done once,
    each product is the R-operator (Pearlmutter 1994) of the backpropagation above, exact up to
    rounding."""
    params = np.asarray(params, dtype=np.float64)
    rows = np.asarray(rows, dtype=np.int64)
    count = rows.shape[0]
    features = x[rows]
    _, _, w2, _, w3, _ = _weights(params)
    h1, h2, out = _forward(params, x, rows)
    r = out - y[rows]
    s1 = 1 - h1 * h1
    s2 = 1 - h2 * h2
    d_out = (r + r) / count
    d_h2 = d_out[:, None] * w3
    d_a2 = d_h2 * s2
    d_h1 = np.zeros_like(h1)
    for j in range(H):
        d_h1 += d_a2[:, j, None] * w2[:, j]

    def apply(vector) -> np.ndarray:
        v = np.asarray(vector, dtype=np.float64)
        v_w1, v_b1, v_w2, v_b2, v_w3, v_b3 = _weights(v)
        # forward: R(a1) = x vW1 + vb1, R(h1) = (1 - h1^2) R(a1), and so on
        r_a1 = np.zeros((count, H))
        for k in range(N_IN):
            r_a1 += features[:, k, None] * v_w1[k]
        r_h1 = s1 * (r_a1 + v_b1)
        r_a2 = np.zeros((count, H))
        for i in range(H):
            r_a2 += r_h1[:, i, None] * w2[i]
            r_a2 += h1[:, i, None] * v_w2[i]
        r_h2 = s2 * (r_a2 + v_b2)
        r_out = np.zeros(count)
        for i in range(H):
            r_out += r_h2[:, i] * w3[i]
            r_out += h2[:, i] * v_w3[i]
        r_out = r_out + v_b3
        # backward, and its R-derivative
        r_d_out = (r_out + r_out) / count
        r_d_a2 = (r_d_out[:, None] * w3 + d_out[:, None] * v_w3) * s2 - d_h2 * ((h2 + h2) * r_h2)
        r_d_h1 = np.zeros((count, H))
        for j in range(H):
            r_d_h1 += r_d_a2[:, j, None] * w2[:, j]
            r_d_h1 += d_a2[:, j, None] * v_w2[:, j]
        r_d_a1 = r_d_h1 * s1 - d_h1 * ((h1 + h1) * r_h1)
        result = np.empty(NETWORK_PARAMETER_COUNT)
        result[W1:B1] = _sum_outer_rows(features, r_d_a1).ravel()
        result[B1:W2] = _add_rows(np.zeros(H), r_d_a1)
        result[W2:B2] = _sum_w2(r_h1, d_a2, h1, r_d_a2).ravel()
        result[B2:W3] = _add_rows(np.zeros(H), r_d_a2)
        result[W3:B3] = _add_rows(np.zeros(H), r_h2 * d_out[:, None] + h2 * r_d_out[:, None])
        result[B3] = _add_rows(np.zeros(()), r_d_out)
        return result

    return apply


def _sum_w2(r_h1, d_a2, h1, r_d_a2):
    """R(gradient of W2): sum over rows of r_h1[n] x d_a2[n] + h1[n] x r_d_a2[n], each row's two
    products added first (network.js adds `r_hi * d_a2[j] + hi * r_d_a2[j]`)."""
    total = np.zeros(H * H)
    for start in range(0, r_h1.shape[0], ROW_CHUNK):
        block = slice(start, start + ROW_CHUNK)
        rows = r_h1[block, :, None] * d_a2[block, None, :] + h1[block, :, None] * r_d_a2[block, None, :]
        total = _add_rows(total, rows.reshape(-1, H * H))
    return total.reshape(H, H)


def hvp(params, vector, x, y, rows) -> np.ndarray:
    """The exact Hessian-vector product H v of loss(params, x, y, rows)."""
    return hvp_operator(params, x, y, rows)(vector)
