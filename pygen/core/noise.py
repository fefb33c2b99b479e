"""Reproducible gradient noise, bit-identical to ``slides/js/core/noise.js``.

xoshiro128** seeded through splitmix32, in 32-bit integer arithmetic. Normal deviates are
Irwin-Hall sums of 12 uniforms minus 6 (mean 0, variance 1): only additions of exactly
representable numbers, where Box-Muller would need log and cos, which the two languages do
not compute identically.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .checks import check_integer, check_non_negative

MASK32 = 0xFFFFFFFF
UINT32_RANGE = 4294967296.0
IRWIN_HALL_TERMS = 12


def _rotl(x: int, k: int) -> int:
    return ((x << k) | (x >> (32 - k))) & MASK32


def _splitmix32(state: int) -> tuple[int, int]:
    nxt = (state + 0x9E3779B9) & MASK32
    z = nxt
    z = ((z ^ (z >> 16)) * 0x85EBCA6B) & MASK32
    z = ((z ^ (z >> 13)) * 0xC2B2AE35) & MASK32
    z = z ^ (z >> 16)
    return nxt, z


@dataclass(frozen=True)
class Rng:
    """A seeded generator: next_uint32() in [0, 2^32), uniform() in [0, 1), normal() ~ N(0, 1)."""

    next_uint32: Callable[[], int]
    uniform: Callable[[], float]
    normal: Callable[[], float]


def make_rng(seed: int) -> Rng:
    seed = check_integer("noise seed", seed)
    mix = seed & MASK32
    s = []
    for _ in range(4):
        mix, out = _splitmix32(mix)
        s.append(out)

    def next_uint32() -> int:
        result = (_rotl((s[1] * 5) & MASK32, 7) * 9) & MASK32
        t = (s[1] << 9) & MASK32
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = _rotl(s[3], 11)
        return result

    def uniform() -> float:
        return next_uint32() / UINT32_RANGE

    def normal() -> float:
        total = 0.0
        for _ in range(IRWIN_HALL_TERMS):
            total = total + uniform()
        return total - 6

    return Rng(next_uint32=next_uint32, uniform=uniform, normal=normal)


def make_noise(stddev: float, seed: int) -> Callable[[list[float]], list[float]]:
    """perturb(g) returns g + stddev * z with one fresh normal deviate per coordinate, in order."""
    stddev = check_non_negative("noise stddev", stddev)
    rng = make_rng(seed)
    if stddev == 0:
        return lambda g: g
    return lambda g: [g_i + stddev * rng.normal() for g_i in g]
