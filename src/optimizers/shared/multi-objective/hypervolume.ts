/** The hypervolume (dominated area) of two-objective points, the measure the multi-objective cores report. */

/**
 * The area dominated by 2-D points of maximised objectives and bounded below by ref: the union of
 * the boxes [ref_0, y_0] x [ref_1, y_1]. A point not above ref in both objectives adds nothing.
 * O(n log n): the points swept in decreasing y_0.
 */
export function hypervolume2d(points: readonly ArrayLike<number>[], ref: ArrayLike<number>): number {
  const above = points.filter((y) => y[0] > ref[0] && y[1] > ref[1]).sort((a, b) => b[0] - a[0] || b[1] - a[1]);
  let area = 0;
  let top = ref[1];
  for (const y of above) {
    if (y[1] > top) {
      area += (y[0] - ref[0]) * (y[1] - top);
      top = y[1];
    }
  }
  return area;
}
