"""Trigonometry and integer powers built from + - * / only.

Twin of ``slides/js/core/portable_math.js``: both return the same bits, which ``math.cos``
and ``Math.cos`` do not promise.
"""

from __future__ import annotations

import math

PI = 3.141592653589793
TWO_PI = 6.283185307179586
HALF_PI = 1.5707963267948966
TAYLOR_TERMS = 14


def reduce_to_pi(x: float) -> float:
    if not math.isfinite(x):
        return math.nan
    k = float(math.floor(x / TWO_PI + 0.5))
    return x - k * TWO_PI


def cos_taylor(r: float) -> float:
    r2 = r * r
    term = 1.0
    total = 1.0
    for n in range(1, TAYLOR_TERMS + 1):
        term = -term * r2 / float((2 * n - 1) * (2 * n))
        total = total + term
    return total


def sin_taylor(r: float) -> float:
    r2 = r * r
    term = r
    total = r
    for n in range(1, TAYLOR_TERMS + 1):
        term = -term * r2 / float((2 * n) * (2 * n + 1))
        total = total + term
    return total


def cos(x: float) -> float:
    r = reduce_to_pi(x)
    if r < 0:
        r = -r
    if r > HALF_PI:
        return -cos_taylor(PI - r)
    return cos_taylor(r)


def sin(x: float) -> float:
    r = reduce_to_pi(x)
    sign = 1.0
    if r < 0:
        r = -r
        sign = -1.0
    if r > HALF_PI:
        r = PI - r
    return sign * sin_taylor(r)


def power_int(base: float, n: int) -> float:
    """base ** n for a non-negative integer n, as n successive multiplications."""
    result = 1.0
    for _ in range(n):
        result = result * base
    return result
