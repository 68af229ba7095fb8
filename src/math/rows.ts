/** Row-major matrices held in flat typed arrays (the columnar individuals of src/core/optimizer.ts). */

/** Row k of a row-major matrix of the given width, as a view (no copy). */
export function row(a: Float64Array, k: number, width: number): Float64Array {
  return a.subarray(k * width, (k + 1) * width);
}

/** Rows stacked into one row-major matrix. */
export function stackRows(rows: readonly ArrayLike<number>[], width: number): Float64Array {
  const out = new Float64Array(rows.length * width);
  rows.forEach((r, k) => {
    if (r.length !== width) throw new RangeError(`row ${k} has ${r.length} values, expected ${width}`);
    out.set(r, k * width);
  });
  return out;
}
