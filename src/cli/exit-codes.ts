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

/** --debug (or L2L_DEBUG=1): errors that are normally one line also print their stack and cause. */
export const debug = { on: process.env.L2L_DEBUG === '1' };

/**
 * An error's message (one line, or for an experiment file with several problems one line each, all
 * printed), with its stack and its cause's under --debug.
 */
export function explain(err: Error): string {
  if (!debug.on) return err.message;
  const cause = err.cause instanceof Error ? `\ncaused by: ${err.cause.stack ?? err.cause.message}` : '';
  return `${err.message}\n${err.stack ?? ''}${cause}`;
}
