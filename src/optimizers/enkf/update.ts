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
import { centred, cholesky, choleskySolve, dense, divide, gram, mul, mulByTranspose, transposeMul, type Dense } from '../../math/dense.js';

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
 * (Cpp + gamma I)^-1 Cup^T for Cpp = dG^T dG / n, Cup^T = dG^T dU / n: b x dim. With many more
 * outputs in the batch than members (b > 2n, where it starts to pay) Cpp has rank < n and the
 * Woodbury identity
 *   (gamma I + Z Z^T / n)^-1 = (I - Z (n gamma I + Z^T Z)^-1 Z^T) / gamma,  Z = dG^T,
 * trades the b x b solve for an n x n one.
 * Null when the system is not positive definite (non-finite entries).
 */
function solveGain(dG: Dense, dU: Dense, gamma: number): Dense | null {
  const [n, b] = [dG.rows, dG.cols];
  const cupT = divide(transposeMul(dG, dU), n);
  // Cpp + Gamma, symmetric positive definite for gamma > 0
  const woodbury = b > 2 * n;
  const sys = woodbury ? mulByTranspose(dG) : divide(gram(dG), n);
  for (let i = 0; i < sys.rows; i++) sys.data[i * sys.cols + i] += woodbury ? n * gamma : gamma;
  const l = cholesky(sys);
  if (l === null) return null;
  if (!woodbury) return choleskySolve(l, cupT);
  const z = transposeMul(dG, choleskySolve(l, mul(dG, cupT)));
  for (let i = 0; i < z.data.length; i++) z.data[i] = (cupT.data[i] - z.data[i]) / gamma;
  return z;
}

/**
 * One batch's update, in place on `members` (each a row of the ensemble, all of them used).
 * outputs[j] is member j's model output (the whole vector; the batch is columns [from, to)).
 * Returns false, leaving the members as they were, when the result is not finite (outputs so large
 * that the covariances overflow).
 */
export function kalmanStep(members: Float64Array[], outputs: readonly Float64Array[], y: ArrayLike<number>, from: number, to: number, gamma: number): boolean {
  const n = members.length;
  const dim = members[0].length;
  // Cpp = cov(G_b, G_b), Cup = cov(U, G_b), from the centred outputs and members
  const dG = centred(outputs, from, to);
  const dU = centred(members, 0, dim);
  const gain = solveGain(dG, dU, gamma);
  if (gain === null) return false;
  // U += [Cup (Cpp + Gamma)^-1 (y_b - G_b)^T]^T = (y_b - G_b) (Cpp + Gamma)^-1 Cup^T, the inverse symmetric
  const w = to - from;
  const misfit = dense(n, w);
  for (let j = 0; j < n; j++) for (let c = from; c < to; c++) misfit.data[j * w + c - from] = y[c] - outputs[j][c];
  const delta = mul(misfit, gain).data;
  for (let j = 0; j < n; j++) for (let i = 0; i < dim; i++) if (!Number.isFinite(members[j][i] + delta[j * dim + i])) return false;
  for (let j = 0; j < n; j++) for (let i = 0; i < dim; i++) members[j][i] += delta[j * dim + i];
  return true;
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
