"""The sharpness lambda1, the top eigenvalue of the Hessian of the training loss, by the Lanczos
method on exact Hessian-vector products (``network.hvp_operator``), warm-started from the previous
estimate's eigenvector.

Twin of ``slides/js/core/sharpness.js``, bit for bit. Lanczos rather than power iteration: its
k-th estimate of the top eigenvalue converges like power iteration's 2k-th or better, and it
finds the largest eigenvalue, not the largest in absolute value (the Hessian has negative
eigenvalues). The vectors are fully reorthogonalised (k is small); the eigenvalue of the k x k
tridiagonal matrix is found by bisection on its Sturm sequence and its eigenvector by inverse
iteration: + - * / and sqrt only. Dot products add in index order (``dot``), as the JS loops do.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TypedDict

import numpy as np

from .network import hvp_operator

MIN_VALUE = 5e-324  # JavaScript's Number.MIN_VALUE
PIVOT_FLOOR = 9.094947017729282e-13  # 2^-40


class SharpnessEstimate(TypedDict):
    lambda1: float
    vector: np.ndarray  # the unit Ritz vector: the next estimate's start


def dot(a, b) -> float:
    """sum of a[i] * b[i] in index order, from 0 (a cumulative sum is sequential by definition)."""
    products = np.asarray(a, dtype=np.float64) * np.asarray(b, dtype=np.float64)
    return float(np.add.accumulate(np.concatenate([[0.0], products]))[-1])


def count_below(alpha: list[float], beta: list[float], x: float) -> int:
    """The number of eigenvalues of the tridiagonal (alpha on the diagonal, beta beside it) below x."""
    count = 0
    d = 1.0
    for i in range(len(alpha)):
        d = alpha[0] - x if i == 0 else alpha[i] - x - beta[i - 1] * beta[i - 1] / d
        if d == 0:
            d = -MIN_VALUE  # x is an eigenvalue: count it as below, move on
        if d < 0:
            count += 1
    return count


def largest_eigenvalue(alpha: list[float], beta: list[float]) -> float:
    """The largest eigenvalue of the tridiagonal, by bisection between Gershgorin bounds until the
    interval cannot be halved any more."""
    n = len(alpha)
    lo, hi = math.inf, -math.inf
    for i in range(n):
        radius = (abs(beta[i - 1]) if i > 0 else 0.0) + (abs(beta[i]) if i < n - 1 else 0.0)
        if alpha[i] - radius < lo:
            lo = alpha[i] - radius
        if alpha[i] + radius > hi:
            hi = alpha[i] + radius
    while True:
        mid = lo + (hi - lo) / 2
        if mid <= lo or mid >= hi:
            return hi
        if count_below(alpha, beta, mid) == n:
            hi = mid
        else:
            lo = mid


def tridiagonal_eigenvector(alpha: list[float], beta: list[float], theta: float) -> list[float]:
    """A unit eigenvector of the tridiagonal for the eigenvalue theta, by two steps of inverse
    iteration (Thomas's algorithm on T - theta I). theta is an eigenvalue to the last bits, so a
    pivot may vanish: pivots are kept at least 2^-40 times the matrix's norm away from 0 (the
    solution is then huge along the eigenvector, which is the point)."""
    n = len(alpha)
    norm = 0.0
    for i in range(n):
        row = abs(alpha[i]) + (abs(beta[i - 1]) if i > 0 else 0.0) + (abs(beta[i]) if i < n - 1 else 0.0)
        if row > norm:
            norm = row
    floor = norm * PIVOT_FLOOR

    def nudge(pivot: float) -> float:
        if pivot < 0:
            return -floor if pivot > -floor else pivot
        return floor if pivot < floor else pivot

    y = [1.0] * n
    for _ in range(2):
        c = [0.0] * n
        d = [0.0] * n
        pivot = nudge(alpha[0] - theta)
        c[0] = beta[0] / pivot if n > 1 else 0.0
        d[0] = y[0] / pivot
        for i in range(1, n):
            pivot = nudge(alpha[i] - theta - beta[i - 1] * c[i - 1])
            c[i] = beta[i] / pivot if i < n - 1 else 0.0
            d[i] = (y[i] - beta[i - 1] * d[i - 1]) / pivot
        z = [0.0] * n
        z[n - 1] = d[n - 1]
        for i in range(n - 2, -1, -1):
            z[i] = d[i] - c[i] * z[i + 1]
        largest = 0.0
        for value in z:
            if abs(value) > largest:
                largest = abs(value)
        if not (0 < largest < math.inf):
            break  # nothing better than the last sweep's
        y = [value / largest for value in z]  # scaled first: the solution can be huge
        length = math.sqrt(dot(y, y))
        y = [value / length for value in y]
    return y


def lanczos_top(apply: Callable[[np.ndarray], np.ndarray], start, iterations: int) -> SharpnessEstimate:
    """lambda1 of the operator `apply` (v -> H v on vectors of `start`'s length) after `iterations`
    Lanczos steps from `start`; the unit Ritz vector is the next start."""
    start = np.asarray(start, dtype=np.float64)
    basis: list[np.ndarray] = []
    alpha: list[float] = []
    beta: list[float] = []
    q = start / math.sqrt(dot(start, start))
    for k in range(iterations):
        basis.append(q)
        w = apply(q)
        a = dot(w, q)
        alpha.append(a)
        # w <- w - a q_k - beta_{k-1} q_{k-1}, then against every basis vector once more
        w = w - a * q
        if k > 0:
            w = w - beta[k - 1] * basis[k - 1]
        for vector in basis:
            w = w - dot(w, vector) * vector
        b = math.sqrt(dot(w, w))
        # An invariant subspace (or the last step): the tridiagonal so far is exact.
        if k == iterations - 1 or not b > 1e-12 * abs(a):
            break
        beta.append(b)
        q = w / b
    lambda1 = largest_eigenvalue(alpha, beta)
    y = tridiagonal_eigenvector(alpha, beta, lambda1)
    vector = np.zeros_like(start)
    for k in range(len(alpha)):
        vector = vector + y[k] * basis[k]
    return {"lambda1": lambda1, "vector": vector}


def estimate_sharpness(params, x, y, rows, start, iterations: int) -> SharpnessEstimate:
    """lambda1 of the Hessian of network.loss(params, x, y, rows), warm-started from `start`."""
    return lanczos_top(hvp_operator(params, x, y, rows), start, iterations)
