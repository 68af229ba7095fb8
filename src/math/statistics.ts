/** Order statistics: without sorting (Hoare's selection, expected O(n)), and quantiles of sorted values. */

/** The k-th smallest value (0-based) of a; reorders a in place. */
export function select(a: Float64Array, k: number): number {
  if (!(k >= 0 && k < a.length)) throw new RangeError(`select: k=${k} outside [0, ${a.length})`);
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

/** Median of a (NaN-free); reorders a in place. */
export function median(a: Float64Array): number {
  const n = a.length;
  if (n === 0) return NaN;
  const hi = select(a, n >> 1);
  if (n % 2) return hi;
  let lo = -Infinity;
  for (let i = 0; i < n >> 1; i++) if (a[i] > lo) lo = a[i]; // after select, the lower half sits left of n/2
  return (lo + hi) / 2;
}

/** Quantile q (0..1) of sorted (ascending, non-empty) values, linear between neighbours. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
