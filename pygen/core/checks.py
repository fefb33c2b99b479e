"""Input validation shared by the core modules: every message names the bad value.

Twin of ``slides/js/core/checks.js``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any


def check_name(kind: str, name: Any, known: Sequence[str]) -> str:
    if name not in known:
        raise ValueError(f"unknown {kind} {json.dumps(name)}; expected one of: {', '.join(known)}")
    return name


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_finite(what: str, value: Any) -> float:
    try:
        finite = is_number(value) and math.isfinite(float(value))
    except OverflowError:  # an int beyond the float range: JavaScript would read it as Infinity
        finite = False
    if not finite:
        raise ValueError(f"{what} must be a finite number, got {format_value(value)}")
    return float(value)


def check_non_negative(what: str, value: Any) -> float:
    value = check_finite(what, value)
    if value < 0:
        raise ValueError(f"{what} must be >= 0, got {format_value(value)}")
    return value


def check_count(what: str, value: Any) -> int:
    integral = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if not is_number(value) or not integral or value < 0:
        raise ValueError(f"{what} must be a non-negative integer, got {format_value(value)}")
    return int(value)


def check_integer(what: str, value: Any) -> int:
    integral = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if not is_number(value) or not integral or abs(value) > 2**53 - 1:
        raise ValueError(f"{what} must be an integer, got {format_value(value)}")
    return int(value)


def check_object(what: str, value: Any) -> Mapping[str, Any]:
    """A mapping of named values, or None for none; anything else (a number, a boolean, a
    string, a list) is refused with the JS twin's message."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValueError(f"{what} must be an object, got {format_value(value)}")
    return value


def merge_params(what: str, defaults: Mapping[str, float], given: Any = None) -> dict[str, float]:
    """Merge ``given`` over ``defaults``, refusing unknown keys and non-finite values."""
    merged = dict(defaults)
    for key, value in check_object(f"{what} parameters", given).items():
        if key not in defaults:
            known = ", ".join(defaults) or "(none)"
            raise ValueError(f"unknown {what} parameter {json.dumps(key)}; expected one of: {known}")
        merged[key] = check_finite(f"{what} parameter {key}", value)
    return merged


def format_number(x: float) -> str:
    """A float as JavaScript's String(x) writes it, so that messages match the JS twin."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "0"
    sign, digit_tuple, exponent = Decimal(repr(float(x))).as_tuple()
    all_digits = "".join(map(str, digit_tuple))
    digits = all_digits.rstrip("0")
    exponent += len(all_digits) - len(digits)
    k = len(digits)
    n = exponent + k
    prefix = "-" if sign else ""
    if k <= n <= 21:
        return prefix + digits + "0" * (n - k)
    if 0 < n <= 21:
        return prefix + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return prefix + "0." + "0" * (-n) + digits
    e = n - 1
    mantissa = digits[0] + ("." + digits[1:] if k > 1 else "")
    return f"{prefix}{mantissa}e{'+' if e > 0 else '-'}{abs(e)}"


def format_value(value: Any) -> str:
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return format_number(float(value))  # the double JavaScript would have read
        except OverflowError:
            return "Infinity" if value > 0 else "-Infinity"
    if value is None:
        return "undefined"
    try:
        return _json_like_js(value)
    except (TypeError, ValueError):
        return repr(value)


def _json_like_js(value: Any) -> str:
    """JSON as JavaScript's JSON.stringify writes it: no spaces, 1.0 as 1, NaN as null."""
    if isinstance(value, float):
        return format_number(value) if math.isfinite(value) else "null"
    if isinstance(value, Mapping):
        return "{" + ",".join(f"{json.dumps(str(k))}:{_json_like_js(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_json_like_js(v) for v in value) + "]"
    return json.dumps(value)
