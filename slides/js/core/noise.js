// Reproducible gradient noise: the same integer seed gives the same bits here and in
// pygen/core/noise.py. The generator is xoshiro128** seeded through splitmix32, both pure 32-bit
// integer arithmetic. Normal deviates are Irwin-Hall sums of 12 uniforms minus 6 (mean 0,
// variance 1): only additions of exactly representable numbers, where Box-Muller would
// need log and cos, which the two languages do not compute identically.

import {check_integer, check_non_negative} from "./checks.js";

const UINT32_RANGE = 4294967296;
const IRWIN_HALL_TERMS = 12;

const rotl = (x, k) => (x << k) | (x >>> (32 - k));

function splitmix32(state) {
  const next = (state + 0x9e3779b9) >>> 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  z = (z ^ (z >>> 16)) >>> 0;
  return [next, z];
}

export function make_rng(seed) {
  check_integer("noise seed", seed);
  let mix = seed >>> 0;
  const s = [];
  for (let i = 0; i < 4; i++) {
    const [next, out] = splitmix32(mix);
    mix = next;
    s.push(out);
  }

  function next_uint32() {
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] = (s[2] ^ s[0]) >>> 0;
    s[3] = (s[3] ^ s[1]) >>> 0;
    s[1] = (s[1] ^ s[2]) >>> 0;
    s[0] = (s[0] ^ s[3]) >>> 0;
    s[2] = (s[2] ^ t) >>> 0;
    s[3] = rotl(s[3], 11) >>> 0;
    return result;
  }

  const uniform = () => next_uint32() / UINT32_RANGE;

  function normal() {
    let sum = 0;
    for (let i = 0; i < IRWIN_HALL_TERMS; i++) sum = sum + uniform();
    return sum - 6;
  }

  return {next_uint32, uniform, normal};
}

// perturb(g) returns g + stddev * z with one fresh normal deviate per coordinate, in order.
export function make_noise(stddev, seed) {
  check_non_negative("noise stddev", stddev);
  const rng = make_rng(seed);
  if (stddev === 0) return (g) => g;
  return (g) => g.map((g_i) => g_i + stddev * rng.normal());
}
