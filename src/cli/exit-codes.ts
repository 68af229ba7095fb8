/** Process exit codes, distinct per kind of ending so batch scripts can react. */
export const EXIT = {
  ok: 0,
  internal: 1,
  /** Bad command line, experiment file or results directory: nothing ran. */
  usage: 2,
  /** The run ended as failed (an actor failed, workers lost). */
  failed: 3,
  /** Stopped by a signal; the summary says how far it got. */
  interrupted: 130,
} as const;

export class UsageError extends Error {
  override name = 'UsageError';
}
