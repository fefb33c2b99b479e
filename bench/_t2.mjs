const W = new Float64Array(2176).map(() => Math.random()); const x = new Float64Array(3199 * 136).map(() => Math.random());
const h = new Float64Array(16);
function plain() {
for (let n = 0; n < 3199; n++) { for (let j = 0; j < 16; j++) h[j] = 0; for (let k = 0; k < 136; k++) { const xk = x[n * 136 + k]; const w = k * 16; for (let j = 0; j < 16; j++) h[j] += xk * W[w + j]; } }
}
function unrolled() {
for (let n = 0; n < 3199; n++) {
  let a0=0,a1=0,a2=0,a3=0,a4=0,a5=0,a6=0,a7=0,a8=0,a9=0,a10=0,a11=0,a12=0,a13=0,a14=0,a15=0;
  const base = n*136;
  for (let k = 0, w = 0; k < 136; k++, w += 16) { const xk = x[base + k];
    a0 += xk*W[w]; a1 += xk*W[w+1]; a2 += xk*W[w+2]; a3 += xk*W[w+3]; a4 += xk*W[w+4]; a5 += xk*W[w+5]; a6 += xk*W[w+6]; a7 += xk*W[w+7];
    a8 += xk*W[w+8]; a9 += xk*W[w+9]; a10 += xk*W[w+10]; a11 += xk*W[w+11]; a12 += xk*W[w+12]; a13 += xk*W[w+13]; a14 += xk*W[w+14]; a15 += xk*W[w+15]; }
  h[0]=a0;h[1]=a1;h[2]=a2;h[3]=a3;h[4]=a4;h[5]=a5;h[6]=a6;h[7]=a7;h[8]=a8;h[9]=a9;h[10]=a10;h[11]=a11;h[12]=a12;h[13]=a13;h[14]=a14;h[15]=a15;
}}
function gradplain(g, d) {
for (let n = 0; n < 3199; n++) { const base=n*136; for (let k = 0; k < 136; k++) { const xk = x[base + k]; const w = k * 16; for (let j = 0; j < 16; j++) g[w+j] += xk * d[j]; } }
}
const g = new Float64Array(2176); const d = new Float64Array(16).fill(0.5);
for (const [name, f] of [["plain", plain], ["unrolled", unrolled], ["plain", plain], ["unrolled", unrolled], ["grad", () => gradplain(g, d)], ["grad", () => gradplain(g, d)]]) {
  const t = performance.now(); f(); f(); f(); console.log(name, ((performance.now() - t) / 3).toFixed(1));
}
