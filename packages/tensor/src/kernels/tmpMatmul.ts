// TEMPORARY until kernels/matmul.ts lands.
export function matmulKernel(a: any, ao: number, b: any, bo: number, out: any, oo: number, m: number, k: number, n: number, _ta: boolean, _tb: boolean): void {
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) { let s = 0; for (let p = 0; p < k; p++) s += a[ao + i * k + p] * b[bo + p * n + j]; out[oo + i * n + j] = s; }
}
