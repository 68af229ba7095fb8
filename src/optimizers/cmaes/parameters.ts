/**
 * CMA-ES's strategy parameters: fixed once per run from the dimension n and the population size
 * lambda, apart from the changing state (pycma's purecma CMAESParameters; Hansen, The CMA Evolution
 * Strategy: A Tutorial, 2016, table 1, with purecma's choice of damps).
 */

export interface StrategyParameters {
  n: number;
  lambda: number;
  /** Parents recombined: floor(lambda / 2). */
  mu: number;
  /** lambda recombination weights, positive for the mu best and 0 after, summing to 1. */
  weights: Float64Array;
  /** Variance-effective selection mass, 1 / sum(w_i^2). */
  mueff: number;
  /** Cumulation constant of the evolution path pc (rank-one update). */
  cc: number;
  /** Cumulation constant of the evolution path ps (step-size control). */
  cs: number;
  /** Learning rate of the rank-one update. */
  c1: number;
  /** Learning rate of the rank-mu update. */
  cmu: number;
  /** Step-size damping. */
  damps: number;
  /** E||N(0, I)||, approximated. */
  chiN: number;
  /** Evaluations to wait between eigendecompositions, so that they cost O(n^2) per evaluation. */
  lazyGapEvals: number;
}

/** lambda = 4 + floor(3 ln n). */
export function defaultPopSize(n: number): number {
  return 4 + Math.floor(3 * Math.log(n));
}

/** pycma's maxiter: 100 + 150 (n + 3)^2 // sqrt(lambda) iterations per run. */
export function defaultMaxIter(n: number, lambda: number): number {
  return 100 + Math.floor((150 * (n + 3) ** 2) / Math.sqrt(lambda));
}

/** pycma's tolstagnation: int(100 + 100 n^1.5 / lambda) iterations. */
export function defaultTolStagnation(n: number, lambda: number): number {
  return Math.floor(100 + (100 * n ** 1.5) / lambda);
}

/** Positive weights w_i proportional to ln((lambda + 1) / 2) - ln(i), i = 1..mu, and 0 for the rest. */
function recombinationWeights(lambda: number, mu: number): Float64Array {
  const w = new Float64Array(lambda);
  let sum = 0;
  for (let i = 0; i < mu; i++) {
    w[i] = Math.log(lambda / 2 + 0.5) - Math.log(i + 1);
    sum += w[i];
  }
  for (let i = 0; i < mu; i++) w[i] /= sum;
  return w;
}

export function strategyParameters(n: number, lambda: number): StrategyParameters {
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`cmaes: dimension must be a positive integer, got ${n}`);
  if (!(Number.isInteger(lambda) && lambda >= 2)) throw new RangeError(`cmaes: population size must be an integer >= 2, got ${lambda}`);
  const mu = Math.floor(lambda / 2);
  const weights = recombinationWeights(lambda, mu);
  let sq = 0;
  for (let i = 0; i < mu; i++) sq += weights[i] ** 2;
  const mueff = 1 / sq; // the weights sum to 1
  const cc = (4 + mueff / n) / (n + 4 + (2 * mueff) / n);
  const cs = (mueff + 2) / (n + mueff + 5);
  const c1 = 2 / ((n + 1.3) ** 2 + mueff);
  const cmu = Math.min(1 - c1, (2 * (mueff - 2 + 1 / mueff)) / ((n + 2) ** 2 + mueff));
  const damps = (2 * mueff) / lambda + 0.3 + cs;
  const chiN = Math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));
  // purecma: 0.5 is chosen such that eig takes about twice the time of a tell in >= 20-D
  const lazyGapEvals = (0.5 * n * lambda) / (c1 + cmu) / (n * n);
  return { n, lambda, mu, weights, mueff, cc, cs, c1, cmu, damps, chiN, lazyGapEvals };
}
