// Input validation shared by the core modules: every message names the bad value.

export function check_name(kind, name, known) {
  if (!known.includes(name)) {
    throw new Error(`unknown ${kind} ${JSON.stringify(name)}; expected one of: ${known.join(", ")}`);
  }
  return name;
}

export function check_finite(what, value) {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new Error(`${what} must be a finite number, got ${format_value(value)}`);
  }
  return value;
}

export function check_non_negative(what, value) {
  check_finite(what, value);
  if (value < 0) throw new Error(`${what} must be >= 0, got ${format_value(value)}`);
  return value;
}

export function check_count(what, value) {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new Error(`${what} must be a non-negative integer, got ${format_value(value)}`);
  }
  return value;
}

export function check_integer(what, value) {
  if (typeof value !== "number" || !Number.isSafeInteger(value)) {
    throw new Error(`${what} must be an integer, got ${format_value(value)}`);
  }
  return value;
}

// True when `key` is one of the object's own keys (not an inherited name such as
// "constructor", "toString" or "__proto__").
export function has_own(object, key) {
  return Object.prototype.hasOwnProperty.call(object, key);
}

// A plain object of named values, or null/undefined for none: anything else (a number, a
// boolean, a string, an array) is refused instead of being read as "no values".
export function check_object(what, value) {
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new Error(`${what} must be an object, got ${format_value(value)}`);
  }
  return value;
}

// Merges `given` over `defaults`, refusing keys the defaults do not know (typos would
// otherwise be ignored silently) and values that are not finite numbers.
export function merge_params(what, defaults, given = {}) {
  const merged = {...defaults};
  for (const [key, value] of Object.entries(check_object(`${what} parameters`, given))) {
    if (!has_own(defaults, key)) {
      const known = Object.keys(defaults);
      throw new Error(`unknown ${what} parameter ${JSON.stringify(key)}; expected one of: ${known.length ? known.join(", ") : "(none)"}`);
    }
    merged[key] = check_finite(`${what} parameter ${key}`, value);
  }
  return merged;
}

export function format_value(value) {
  if (typeof value === "number") return String(value);
  if (value === undefined) return "undefined";
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
