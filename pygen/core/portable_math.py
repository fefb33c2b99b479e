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


# ---------------------------------------------------------------------------------------
# exp, expm1 and tanh (the network's activation), after fdlibm: x = k ln2 + r with
# |r| <= ln2 / 2 (ln2 split in two so that k * LN2_HI is exact), expm1(r) by its Taylor
# series, and the power of two 2^k built by exact doublings. Accurate to a few ulp
# (tests/test_training_twin.py checks them against the C library).

LN2_HI = 6.93147180369123816490e-1  # ln 2 rounded to 32 significant bits
LN2_LO = 1.90821492927058770002e-10  # ln 2 - LN2_HI
INV_LN2 = 1.44269504088896338700
EXP_TERMS = 14  # r^15/15! < 2^-53 r for |r| <= ln2 / 2
EXP_OVERFLOW = 709.782712893384  # beyond: exp(x) is inf
EXP_UNDERFLOW = -745.1332191019412  # below: exp(x) rounds to 0
EXPM1_SATURATION = -38.0  # below: expm1(x) rounds to -1
TANH_SATURATION = 22.0  # beyond: tanh(x) rounds to +-1
TANH_LINEAR = 3.725290298461914e-9  # 2^-28: below, tanh(x) rounds to x

# 1/n! for n = 0 .. EXP_TERMS, by successive divisions.
INVERSE_FACTORIALS = [1.0]
for _n in range(1, EXP_TERMS + 1):
    INVERSE_FACTORIALS.append(INVERSE_FACTORIALS[_n - 1] / float(_n))


def expm1_taylor(r: float) -> float:
    """expm1(r) = r + r^2/2! + ... + r^14/14!, by Horner's rule."""
    q = INVERSE_FACTORIALS[EXP_TERMS]
    for n in range(EXP_TERMS - 1, 0, -1):
        q = q * r + INVERSE_FACTORIALS[n]
    return q * r


# 2^k for every integer k in [-1074, 1023] (exact: doublings and halvings of 1 are exact).
MIN_POWER = -1074
POWERS_OF_TWO = [0.0] * (1024 - MIN_POWER)
POWERS_OF_TWO[-MIN_POWER] = 1.0
for _k in range(1, 1024):
    POWERS_OF_TWO[_k - MIN_POWER] = POWERS_OF_TWO[_k - 1 - MIN_POWER] * 2
for _k in range(-1, MIN_POWER - 1, -1):
    POWERS_OF_TWO[_k - MIN_POWER] = POWERS_OF_TWO[_k + 1 - MIN_POWER] / 2


def power_of_two(k: float) -> float:
    return POWERS_OF_TWO[int(k) - MIN_POWER]


def ln2_multiple(x: float) -> float:
    """The k (an integer, as a float like the JS twin's) of x = k ln2 + r."""
    return float(math.floor(x * INV_LN2 + 0.5))


def reduce_ln2(x: float, k: float) -> float:
    return x - k * LN2_HI - k * LN2_LO


def exp(x: float) -> float:
    if math.isnan(x):
        return math.nan
    if x > EXP_OVERFLOW:
        return math.inf
    if x < EXP_UNDERFLOW:
        return 0.0
    k = ln2_multiple(x)
    e = expm1_taylor(reduce_ln2(x, k)) + 1
    # 2^k in two factors where 2^k alone would overflow or underflow before the product
    if k > 1023:
        return e * power_of_two(k - 1) * 2
    if k < -1021:
        return e * power_of_two(k + 54) * power_of_two(-54)
    return e * power_of_two(k)


def expm1(x: float) -> float:
    """exp(x) - 1 without the cancellation: 2^k (expm1(r) + (1 - 2^-k)) for k != 0."""
    if math.isnan(x):
        return math.nan
    if x > EXP_OVERFLOW:
        return math.inf
    if x < EXPM1_SATURATION:
        return -1.0
    k = ln2_multiple(x)
    p = expm1_taylor(reduce_ln2(x, k))
    if k == 0:
        return p
    if k > 1023:
        return (p + 1) * power_of_two(k - 1) * 2
    # 1 - 2^-k is exact for |k| <= 53; beyond, the 1 barely matters and is subtracted last
    if k > 53 or k < -53:
        return (p + 1) * power_of_two(k) - 1
    return (p + (1 - power_of_two(-k))) * power_of_two(k)


def tanh(x: float) -> float:
    """tanh(x) = e / (e + 2) with e = expm1(2|x|), odd; +-0 and tiny x return x itself."""
    ax = -x if x < 0 else x
    if not ax >= TANH_LINEAR:  # also NaN
        return x
    if ax >= TANH_SATURATION:
        return -1.0 if x < 0 else 1.0
    e = expm1(ax + ax)
    t = e / (e + 2)
    return -t if x < 0 else t

