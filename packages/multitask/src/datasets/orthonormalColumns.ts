/**
 * Modified Gram–Schmidt on the columns of a row-major [rows, cols] matrix (rows ≥ cols), returning
 * the orthonormal columns. A Gaussian matrix has full column rank with probability 1; the
 * re-orthogonalisation pass keeps the columns orthogonal to rounding level.
 */
export function orthonormalColumns(matrix: Float64Array, rows: number): Float64Array[] {
  const cols = matrix.length / rows;
  const out: Float64Array[] = [];
  for (let c = 0; c < cols; c++) {
    const v = Float64Array.from({ length: rows }, (_, r) => matrix[r * cols + c]!);
    for (let pass = 0; pass < 2; pass++) {
      for (const q of out) {
        let d = 0;
        for (let r = 0; r < rows; r++) d += q[r]! * v[r]!;
        for (let r = 0; r < rows; r++) v[r]! -= d * q[r]!;
      }
    }
    let n = 0;
    for (let r = 0; r < rows; r++) n += v[r]! * v[r]!;
    n = Math.sqrt(n);
    for (let r = 0; r < rows; r++) v[r]! /= n;
    out.push(v);
  }
  return out;
}
