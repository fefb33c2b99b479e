"""Curvature of the network's training loss: exact spectra and iterative top eigenvalues.

Two routes, cross-checked by the tests:
- exact: the full Hessian by autodiff (`Model.hessian`, which uses that the first layer is
  linear in its weights; `Model.hessian_by_hvp`, one Hessian-vector product per parameter, is
  the tests' reference for it) and all its eigenvalues with LAPACK's symmetric solver (`dsyev` through `scipy.linalg.eigvalsh`);
- iterative: the largest eigenvalue from Hessian-vector products alone (the network
  never forms its Hessian) with ARPACK's implicitly restarted Lanczos method
  (`scipy.sparse.linalg.eigsh`), from a fixed start vector so that runs repeat.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# An eigenvalue counts as negative below -NEGATIVE_RELATIVE_THRESHOLD * lambda_max:
# eigenvalues within rounding noise of zero are neither sign (the network has many
# nearly flat directions, and eigvalsh of a float64 matrix is accurate to about
# 1e-15 * lambda_max).
NEGATIVE_RELATIVE_THRESHOLD = 1e-9
LANCZOS_TOL = 1e-10
LANCZOS_START_SEED = 20_180_214


@dataclass(frozen=True)
class SpectrumSummary:
    eigenvalues: np.ndarray  # ascending
    top: float
    trace: float
    negative_count: int
    negative_fraction: float
    threshold: float


def exact_spectrum(model, params) -> SpectrumSummary:
    """All eigenvalues, trace and index of the exact training-loss Hessian at `params`."""
    return summarise(model.hessian(params))


def summarise(hessian: np.ndarray) -> SpectrumSummary:
    eigenvalues = eigenvalues_of(hessian)
    top = float(eigenvalues[-1])
    threshold = -NEGATIVE_RELATIVE_THRESHOLD * abs(top)
    negative = int(np.count_nonzero(eigenvalues < threshold))
    return SpectrumSummary(
        eigenvalues=eigenvalues,
        top=top,
        # from the diagonal, not the eigenvalues: exact up to the Hessian's own rounding
        trace=math.fsum(np.diag(hessian)),
        negative_count=negative,
        negative_fraction=negative / eigenvalues.size,
        threshold=threshold,
    )


def eigenvalues_of(matrix: np.ndarray) -> np.ndarray:
    """All eigenvalues of a symmetric matrix, ascending: LAPACK's tridiagonal reduction and QR
    (`dsyev`, through scipy): for eigenvalues alone the same steps as `numpy.linalg.eigvalsh`
    (`dsytrd` then `dsterf`), at about half its time here."""
    from scipy.linalg import eigvalsh  # only the network generators need scipy

    return eigvalsh(matrix, driver="ev", check_finite=False)


def top_eigenvalue(hvp, n: int, *, seed: int = LANCZOS_START_SEED, tol: float = LANCZOS_TOL) -> float:
    """Largest (algebraic) eigenvalue of the symmetric operator v -> hvp(v) of size n.

    Lanczos on Hessian-vector products: cost a few dozen HVPs, each about one
    gradient evaluation, instead of n of them for the exact Hessian.
    """
    from scipy.sparse.linalg import LinearOperator, eigsh  # only the network generators need scipy

    operator = LinearOperator((n, n), matvec=lambda v: hvp(np.asarray(v, dtype=np.float64).ravel()), dtype=np.float64)
    start = np.random.RandomState(seed).standard_normal(n)
    values = eigsh(operator, k=1, which="LA", v0=start, tol=tol, return_eigenvectors=False)
    return float(values[0])


def model_top_eigenvalue(model, params, **kwargs) -> float:
    import jax.numpy as jnp

    params = jnp.asarray(np.asarray(params, dtype=np.float64))  # on the device once, not per product
    return top_eigenvalue(lambda v: model.hvp(params, v), params.size, **kwargs)
