// Trigonometry and integer powers built from + - * / only, so that the browser and
// pygen/core/portable_math.py return the same bits (Math.cos and numpy.cos need not agree).

export const PI = 3.141592653589793;
const TWO_PI = 6.283185307179586;
const HALF_PI = 1.5707963267948966;
const TAYLOR_TERMS = 14;

function reduce_to_pi(x) {
  const k = Math.floor(x / TWO_PI + 0.5);
  return x - k * TWO_PI;
}

function cos_taylor(r) {
  const r2 = r * r;
  let term = 1;
  let sum = 1;
  for (let n = 1; n <= TAYLOR_TERMS; n++) {
    term = (-term * r2) / ((2 * n - 1) * (2 * n));
    sum = sum + term;
  }
  return sum;
}

function sin_taylor(r) {
  const r2 = r * r;
  let term = r;
  let sum = r;
  for (let n = 1; n <= TAYLOR_TERMS; n++) {
    term = (-term * r2) / (2 * n * (2 * n + 1));
    sum = sum + term;
  }
  return sum;
}

export function cos(x) {
  let r = reduce_to_pi(x);
  if (r < 0) r = -r;
  if (r > HALF_PI) return -cos_taylor(PI - r);
  return cos_taylor(r);
}

export function sin(x) {
  let r = reduce_to_pi(x);
  let sign = 1;
  if (r < 0) {
    r = -r;
    sign = -1;
  }
  if (r > HALF_PI) r = PI - r;
  return sign * sin_taylor(r);
}

// base ** n for a non-negative integer n, as n successive multiplications.
export function power_int(base, n) {
  let result = 1;
  for (let i = 0; i < n; i++) result = result * base;
  return result;
}
