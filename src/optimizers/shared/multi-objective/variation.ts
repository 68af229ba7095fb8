/**
 * The real-coded variation operators of NSGA-II (Deb et al. 2002) and of BluePyOpt's optimisers:
 * simulated binary crossover and polynomial mutation, both bounded to the box, with the semantics of
 * Deb's NSGA-II C code (realcross, real_mutate_ind) as DEAP implements them (cxSimulatedBinaryBounded,
 * mutPolynomialBounded). Each takes the random stream it draws from.
 */
import type { Rng } from '../../../math/rng.js';
import type { Space } from '../../../core/space.js';

/** Coordinates closer than this are not recombined (Deb's EPS, DEAP's 1e-14). */
const SBX_EPS = 1e-14;

/** The SBX spread factor beta_q for a child on the side whose bound gives beta. */
function spread(beta: number, eta: number, u: number): number {
  const alpha = 2 - beta ** -(eta + 1);
  return u <= 1 / alpha ? (u * alpha) ** (1 / (eta + 1)) : (1 / (2 - u * alpha)) ** (1 / (eta + 1));
}

/**
 * Bounded simulated binary crossover (Deb and Agrawal 1995), in place: each coordinate, with
 * probability 1/2 and where the parents differ, is replaced by two children spread around the
 * parents with distribution index eta (larger: closer to the parents), the spread on each side
 * shrunk so the bound is respected, each child clipped into [lower, upper], and the two children
 * swapped between a and b with probability 1/2.
 */
export function sbx(a: Float64Array, b: Float64Array, lower: Float64Array, upper: Float64Array, eta: number, rng: Rng): void {
  for (let i = 0; i < a.length; i++) {
    if (!(rng.uniform() < 0.5)) continue;
    if (!(Math.abs(a[i] - b[i]) > SBX_EPS)) continue;
    const x1 = Math.min(a[i], b[i]);
    const x2 = Math.max(a[i], b[i]);
    const xl = lower[i];
    const xu = upper[i];
    const u = rng.uniform();
    const c1 = 0.5 * (x1 + x2 - spread(1 + (2 * (x1 - xl)) / (x2 - x1), eta, u) * (x2 - x1));
    const c2 = 0.5 * (x1 + x2 + spread(1 + (2 * (xu - x2)) / (x2 - x1), eta, u) * (x2 - x1));
    const lo = Math.min(Math.max(c1, xl), xu);
    const hi = Math.min(Math.max(c2, xl), xu);
    if (rng.uniform() < 0.5) {
      a[i] = hi;
      b[i] = lo;
    } else {
      a[i] = lo;
      b[i] = hi;
    }
  }
}

/**
 * Bounded polynomial mutation (Deb and Goyal 1996, in the form of Deb's NSGA-II code), in place: each
 * coordinate, with probability prob, moves by delta_q * (upper - lower), delta_q drawn from a
 * polynomial distribution of index eta shaped by the distances to both bounds, then clipped into
 * the box. A coordinate of zero width is left as it is. Returns x.
 */
export function polynomialMutation(x: Float64Array, lower: Float64Array, upper: Float64Array, eta: number, prob: number, rng: Rng): Float64Array {
  const pow = 1 / (eta + 1);
  for (let i = 0; i < x.length; i++) {
    if (!(rng.uniform() < prob)) continue;
    const xl = lower[i];
    const xu = upper[i];
    const width = xu - xl;
    const u = rng.uniform();
    if (!(width > 0)) continue;
    let deltaQ: number;
    if (u < 0.5) {
      const xy = 1 - (x[i] - xl) / width;
      deltaQ = (2 * u + (1 - 2 * u) * xy ** (eta + 1)) ** pow - 1;
    } else {
      const xy = 1 - (xu - x[i]) / width;
      deltaQ = 1 - (2 * (1 - u) + 2 * (u - 0.5) * xy ** (eta + 1)) ** pow;
    }
    x[i] = Math.min(Math.max(x[i] + deltaQ * width, xl), xu);
  }
  return x;
}

export interface VariationParams {
  cx_prob: number;
  eta_c: number;
  eta_m: number;
}

/**
 * Children of the parents taken in consecutive pairs (0 with 1, 2 with 3, ...): copies, each pair
 * recombined by SBX with probability cx_prob (draws from rngMate), then every child mutated, each
 * coordinate with probability mutProb (draws from rngMutate). An odd last parent is copied and
 * mutated. Deb's NSGA-II generation step, and varAnd with mutpb 1 in DEAP's terms.
 */
export function vary(parents: readonly Float64Array[], p: VariationParams, mutProb: number, space: Space, rngMate: Rng, rngMutate: Rng): Float64Array[] {
  const kids = parents.map((x) => x.slice());
  for (let k = 0; k + 1 < kids.length; k += 2) {
    if (rngMate.uniform() < p.cx_prob) sbx(kids[k], kids[k + 1], space.lower, space.upper, p.eta_c, rngMate);
  }
  for (const kid of kids) polynomialMutation(kid, space.lower, space.upper, p.eta_m, mutProb, rngMutate);
  return kids;
}
