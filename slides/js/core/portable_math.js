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

// ---------------------------------------------------------------------------------------
// exp, expm1 and tanh (the network's activation), after fdlibm: x = k ln2 + r with
// |r| <= ln2 / 2 (ln2 split in two so that k * LN2_HI is exact), expm1(r) by its Taylor
// series, and the power of two 2^k built by exact doublings. Accurate to a few ulp
// (tests/test_training_twin.py checks them against the C library).

const LN2_HI = 6.9314718036912381649e-1; // ln 2 rounded to 32 significant bits
const LN2_LO = 1.90821492927058770002e-10; // ln 2 - LN2_HI
const INV_LN2 = 1.442695040888963387;
const EXP_TERMS = 14; // r^15/15! < 2^-53 r for |r| <= ln2 / 2
const EXP_OVERFLOW = 709.782712893384; // beyond: exp(x) is Infinity
const EXP_UNDERFLOW = -745.1332191019412; // below: exp(x) rounds to 0
const EXPM1_SATURATION = -38; // below: expm1(x) rounds to -1
const TANH_SATURATION = 22; // beyond: tanh(x) rounds to +-1
const TANH_LINEAR = 3.725290298461914e-9; // 2^-28: below, tanh(x) rounds to x

// 1/n! for n = 0 .. EXP_TERMS, by successive divisions.
const INVERSE_FACTORIALS = new Float64Array(EXP_TERMS + 1);
INVERSE_FACTORIALS[0] = 1;
for (let n = 1; n <= EXP_TERMS; n++) INVERSE_FACTORIALS[n] = INVERSE_FACTORIALS[n - 1] / n;

// expm1(r) = r + r^2/2! + ... + r^14/14!, by Horner's rule.
function expm1_taylor(r) {
  let q = INVERSE_FACTORIALS[EXP_TERMS];
  for (let n = EXP_TERMS - 1; n >= 1; n--) q = q * r + INVERSE_FACTORIALS[n];
  return q * r;
}

// 2^k for every integer k in [-1074, 1023] (exact: doublings and halvings of 1 are exact).
const MIN_POWER = -1074;
const POWERS_OF_TWO = new Float64Array(1024 - MIN_POWER);
POWERS_OF_TWO[-MIN_POWER] = 1;
for (let k = 1; k <= 1023; k++) POWERS_OF_TWO[k - MIN_POWER] = POWERS_OF_TWO[k - 1 - MIN_POWER] * 2;
for (let k = -1; k >= MIN_POWER; k--) POWERS_OF_TWO[k - MIN_POWER] = POWERS_OF_TWO[k + 1 - MIN_POWER] / 2;
const power_of_two = (k) => POWERS_OF_TWO[k - MIN_POWER];

// x = k ln2 + r: the k (an integer as a double) of the reduction; r is reduce_ln2(x, k).
const ln2_multiple = (x) => Math.floor(x * INV_LN2 + 0.5);
const reduce_ln2 = (x, k) => x - k * LN2_HI - k * LN2_LO;

export function exp(x) {
  if (Number.isNaN(x)) return NaN;
  if (x > EXP_OVERFLOW) return Infinity;
  if (x < EXP_UNDERFLOW) return 0;
  const k = ln2_multiple(x);
  const e = expm1_taylor(reduce_ln2(x, k)) + 1;
  // 2^k in two factors where 2^k alone would overflow or underflow before the product
  if (k > 1023) return e * power_of_two(k - 1) * 2;
  if (k < -1021) return e * power_of_two(k + 54) * power_of_two(-54);
  return e * power_of_two(k);
}

// exp(x) - 1 without the cancellation: 2^k (expm1(r) + (1 - 2^-k)) for k != 0.
export function expm1(x) {
  if (Number.isNaN(x)) return NaN;
  if (x > EXP_OVERFLOW) return Infinity;
  if (x < EXPM1_SATURATION) return -1;
  const k = ln2_multiple(x);
  const p = expm1_taylor(reduce_ln2(x, k));
  if (k === 0) return p;
  if (k > 1023) return (p + 1) * power_of_two(k - 1) * 2;
  // 1 - 2^-k is exact for |k| <= 53; beyond, the 1 barely matters and is subtracted last
  if (k > 53 || k < -53) return (p + 1) * power_of_two(k) - 1;
  return (p + (1 - power_of_two(-k))) * power_of_two(k);
}

// tanh(x) = e / (e + 2) with e = expm1(2|x|), odd; +-0 and tiny x return x itself.
export function tanh(x) {
  const ax = x < 0 ? -x : x;
  if (!(ax >= TANH_LINEAR)) return x; // also NaN
  if (ax >= TANH_SATURATION) return x < 0 ? -1 : 1;
  const e = expm1(ax + ax);
  const t = e / (e + 2);
  return x < 0 ? -t : t;
}
