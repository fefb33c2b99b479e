import {tanh} from "../slides/js/core/portable_math.js";
const xs = new Float64Array(1e6).map(() => (Math.random() - 0.5) * 6);
let s = 0; let t = performance.now();
for (let r = 0; r < 3; r++) for (let i = 0; i < xs.length; i++) s += tanh(xs[i]);
console.log("tanh ns", ((performance.now() - t) / 3e6 * 1e6).toFixed(1));
t = performance.now();
for (let r = 0; r < 3; r++) for (let i = 0; i < xs.length; i++) s += Math.tanh(xs[i]);
console.log("Math.tanh ns", ((performance.now() - t) / 3e6 * 1e6).toFixed(1), s > 0);
const W = new Float64Array(2176).map(() => Math.random()); const x = new Float64Array(3199 * 136).map(() => Math.random());
const h = new Float64Array(16);
t = performance.now();
for (let n = 0; n < 3199; n++) { for (let j = 0; j < 16; j++) h[j] = 0; for (let k = 0; k < 136; k++) { const xk = x[n * 136 + k]; const w = k * 16; for (let j = 0; j < 16; j++) h[j] += xk * W[w + j]; } }
console.log("layer1 ms", (performance.now() - t).toFixed(1));
t = performance.now();
for (let n = 0; n < 3199; n++) { for (let j = 0; j < 16; j++) h[j] = 0; for (let k = 0; k < 136; k++) { const xk = x[n * 136 + k]; const w = k * 16; for (let j = 0; j < 16; j++) h[j] += xk * W[w + j]; } }
console.log("layer1 ms", (performance.now() - t).toFixed(1));
