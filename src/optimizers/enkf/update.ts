/**
 * The ensemble Kalman update of Iglesias, Law & Stuart (2013), as the reference framework applies it:
 * per mini-batch b of the observations, with the ensemble's model outputs G held fixed,
 *
 *   Cpp = cov(G_b, G_b),  Cup = cov(U, G_b),  u_j += Cup (Cpp + Gamma)^-1 (y_b - g_jb),  Gamma = gamma I.
 *
 * Covariances divide by the number of members (the reference's choice, not n - 1). The members move
 * after each batch and the next batch's Cup sees the moved ensemble, but G is not re-evaluated
 * within a generation: the reference's sequential scheme, which one evaluation per member pays for.
 */
import { CholeskyDecomposition, Matrix } from 'ml-matrix';

/** [start, end) of each batch: consecutive chunks, the first m % n one longer (numpy's array_split). */
export function miniBatches(m: number, nBatches: number): Array<[number, number]> {
  if (!(Number.isInteger(m) && m >= 1)) throw new RangeError(`miniBatches: m must be a positive integer, got ${m}`);
  // The reference falls back to one batch when asked for more batches than there are observations.
  const n = nBatches > m ? 1 : nBatches;
  const base = Math.floor(m / n);
  const longer = m % n;
  const out: Array<[number, number]> = [];
  let start = 0;
  for (let b = 0; b < n; b++) {
    const end = start + base + (b < longer ? 1 : 0);
    out.push([start, end]);
    start = end;
  }
  return out;
}

/**
 * misfit (Cpp + gamma I)^-1 for Cpp = dG^T dG / n (b x b): n x b, as Matrix rows. With many more
 * outputs in the batch than members (b > 2n, where it starts to pay) Cpp has rank < n and the
 * Woodbury identity
 *   (gamma I + Z Z^T / n)^-1 = (I - Z (n gamma I + Z^T Z)^-1 Z^T) / gamma,  Z = dG^T,
 * trades the b x b solve for an n x n one (98 members, 800 outputs: 1.3 s to 0.26 s).
 * Null when the system is not positive definite (non-finite entries).
 */
function misfitTimesInverse(dG: Matrix, misfit: Matrix, gamma: number): Matrix | null {
  const [n, b] = [dG.rows, dG.columns];
  const woodbury = b > 2 * n;
  // Cpp + Gamma, symmetric positive definite for gamma > 0
  const sys = woodbury ? dG.mmulByTranspose() : dG.gram().div(n);
  for (let i = 0; i < sys.rows; i++) sys.set(i, i, sys.get(i, i) + (woodbury ? n * gamma : gamma));
  const chol = new CholeskyDecomposition(sys);
  if (!chol.isPositiveDefinite()) return null;
  // the inverse is symmetric: misfit S^-1 = (S^-1 misfit^T)^T
  const mt = misfit.transpose();
  if (!woodbury) return chol.solve(mt).transpose();
  return mt.sub(dG.transposeMultiply(chol.solve(dG.mmul(mt)))).div(gamma).transpose();
}

/**
 * One batch's update, in place on `members` (each a row of the ensemble, all of them used).
 * outputs[j] is member j's model output (the whole vector; the batch is columns [from, to)).
 * Returns false, leaving the members as they were, when the result is not finite (outputs so large
 * that the covariances overflow).
 *
 * The products that scale with the dimension (Cup^T = dG^T U / n, b x dim, and the update M Cup^T)
 * run as row operations on the members' own arrays: U needs no centring, since the columns of dG sum
 * to zero, and nothing of size n x dim is copied (600 members of 1260 parameters, 500 outputs in 10
 * batches: 2.3 s a generation here, against 3.2 s with the products as ml-matrix matrices).
 */
export function kalmanStep(members: Float64Array[], outputs: readonly Float64Array[], y: ArrayLike<number>, from: number, to: number, gamma: number): boolean {
  const n = members.length;
  const dim = members[0].length;
  const b = to - from;
  // dG: the batch's outputs minus their means over the members; the misfit y_b - g_jb
  const dG = new Matrix(n, b);
  const misfit = new Matrix(n, b);
  for (let c = from; c < to; c++) {
    let mean = 0;
    for (let j = 0; j < n; j++) mean += outputs[j][c];
    mean /= n;
    for (let j = 0; j < n; j++) {
      dG.set(j, c - from, outputs[j][c] - mean);
      misfit.set(j, c - from, y[c] - outputs[j][c]);
    }
  }
  // U += (y_b - G_b) (Cpp + Gamma)^-1 Cup^T, Cup^T = dG^T U / n
  const m = misfitTimesInverse(dG, misfit, gamma);
  if (m === null) return false;
  const cupT = new Float64Array(b * dim);
  for (let j = 0; j < n; j++) axpyRows(cupT, members[j], dG.getRow(j), 1 / n, b, dim);
  const delta = Array.from({ length: n }, () => new Float64Array(dim));
  for (let j = 0; j < n; j++) {
    const d = delta[j];
    gatherRows(d, cupT, m.getRow(j), b, dim);
    const u = members[j];
    for (let i = 0; i < dim; i++) if (!Number.isFinite(u[i] + d[i])) return false;
  }
  for (let j = 0; j < n; j++) {
    const u = members[j];
    const d = delta[j];
    for (let i = 0; i < dim; i++) u[i] += d[i];
  }
  return true;
}

/** out[c] += s * a[c] * u for each of the b rows c of `out` (b x dim, row-major). */
function axpyRows(out: Float64Array, u: Float64Array, a: number[], s: number, b: number, dim: number): void {
  for (let c = 0; c < b; c++) {
    const k = s * a[c];
    const off = c * dim;
    for (let i = 0; i < dim; i++) out[off + i] += k * u[i];
  }
}

/** d += sum over c of a[c] * rows[c] (rows: b x dim, row-major). */
function gatherRows(d: Float64Array, rows: Float64Array, a: number[], b: number, dim: number): void {
  for (let c = 0; c < b; c++) {
    const k = a[c];
    const off = c * dim;
    for (let i = 0; i < dim; i++) d[i] += k * rows[off + i];
  }
}

export interface UpdateResult {
  /** Batch updates applied. */
  applied: number;
  /** Batch updates rejected because they were not finite. */
  rejected: number;
}

/**
 * maxit passes over the mini-batches (the reference's epochs inside the filter), each batch one
 * kalmanStep followed by `bound` on every member (clipping into the box).
 */
export function kalmanUpdate(
  members: Float64Array[], outputs: readonly Float64Array[], y: ArrayLike<number>,
  opts: { gamma: number; nBatches: number; maxit: number; bound: (u: Float64Array) => void },
): UpdateResult {
  const result: UpdateResult = { applied: 0, rejected: 0 };
  // the covariances need two members at least
  if (members.length < 2) return result;
  const batches = miniBatches(y.length, opts.nBatches);
  for (let it = 0; it < opts.maxit; it++) {
    for (const [from, to] of batches) {
      if (!kalmanStep(members, outputs, y, from, to, opts.gamma)) {
        result.rejected++;
        continue;
      }
      members.forEach(opts.bound);
      result.applied++;
    }
  }
  return result;
}
