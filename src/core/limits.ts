/**
 * Upper bounds on sizes in an experiment file. They sit far above any real use and far below what
 * would exhaust rank 0's memory or hang it, so a typo (pop_size: 1e9, dims: 10000000000) is one clear
 * line at validation instead of an out-of-memory crash minutes into a job.
 */
export const MAX_POPULATION = 1_000_000;
export const MAX_DIMS = 1_000_000;
/** Islands, chains, batches and other counts of things a generation is split into. */
export const MAX_COUNT = 100_000;
