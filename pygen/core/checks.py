"""Input validation shared by the core modules: every message names the bad value.

Twin of ``slides/js/core/checks.js``.
"""

import json
import math
from decimal import Decimal


def check_name(kind, name, known):
    if name not in known:
        raise ValueError(f"unknown {kind} {json.dumps(name)}; expected one of: {', '.join(known)}")
    return name


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_finite(what, value):
    try:
        finite = is_number(value) and math.isfinite(float(value))
    except OverflowError:  # an int beyond the float range: JavaScript would read it as Infinity
        finite = False
    if not finite:
        raise ValueError(f"{what} must be a finite number, got {format_value(value)}")
    return float(value)


def check_non_negative(what, value):
    value = check_finite(what, value)
    if value < 0:
        raise ValueError(f"{what} must be >= 0, got {format_value(value)}")
    return value


def check_count(what, value):
    integral = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if not is_number(value) or not integral or value < 0:
        raise ValueError(f"{what} must be a non-negative integer, got {format_value(value)}")
    return int(value)


def check_integer(what, value):
    integral = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if not is_number(value) or not integral or abs(value) > 2**53 - 1:
        raise ValueError(f"{what} must be an integer, got {format_value(value)}")
    return int(value)


def merge_params(what, defaults, given=None):
    """Merge ``given`` over ``defaults``, refusing unknown keys and non-finite values."""
    merged = dict(defaults)
    for key, value in (given or {}).items():
        if key not in defaults:
            known = ", ".join(defaults) or "(none)"
            raise ValueError(f"unknown {what} parameter {json.dumps(key)}; expected one of: {known}")
        merged[key] = check_finite(f"{what} parameter {key}", value)
    return merged


def format_number(x):
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


def format_value(value):
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
        return json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)
