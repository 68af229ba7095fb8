/**
 * MPI for the rest of the runtime: owns MPI's process lifetime (init once, finalize exactly once
 * at exit) and offers the collectives as Promises polled from the event loop, so that a rank
 * waiting for its peers keeps serving its event loop and does not spin a core.
 */
import { inspect } from 'node:util';
import { MpiError } from '../native/errors.js';
import { loadMpi } from '../native/loader.js';
import type { Communicator, MpiAddon, ThreadLevel } from '../native/mpi.js';
import { pollUntil } from './poller.js';

export type { Communicator, ThreadLevel } from '../native/mpi.js';

export interface MpiContext {
  readonly mpi: MpiAddon;
  readonly world: Communicator;
  readonly rank: number;
  readonly size: number;
  readonly host: string;
  /** The thread level MPI provided (may be below the one asked for). */
  readonly threadLevel: ThreadLevel;
}

export interface InitOptions {
  /** Defaults to 'funneled': only the JS main thread calls MPI. */
  readonly threadLevel?: ThreadLevel;
}

let context: MpiContext | undefined;
let fatalError: { error: unknown } | undefined;

/**
 * Initializes MPI once per process (later calls return the same context) and registers the exit
 * handler (see onExit); Node emits 'exit' on a normal end, on process.exit() and after an uncaught
 * exception.
 */
export function initMpi(options: InitOptions = {}): MpiContext {
  if (context !== undefined) return context;
  const mpi = loadMpi();
  const threadLevel = mpi.init(options.threadLevel ?? 'funneled', MpiError);
  const world = mpi.world();
  context = { mpi, world, rank: world.rank, size: world.size, host: mpi.processorName(), threadLevel };
  process.on('uncaughtExceptionMonitor', (error) => (fatalError ??= { error }));
  process.once('exit', onExit);
  return context;
}

/**
 * Exit code 0: MPI_Finalize, without which mpirun fails the job. Any other code with peers: MPI_Abort.
 * MPI_Finalize waits for every rank to finalize (measured: a rank that threw sat in it for as long
 * as its peers kept running), while mpirun ends the whole job on a non-zero exit anyway, so abort
 * says so at once. A deliberate non-zero exit on every rank should call finalizeMpi() first.
 */
function onExit(code: number): void {
  if (!mpiActive() || context === undefined) return;
  if (code !== 0 && context.size > 1) {
    // Node prints an uncaught error only after the 'exit' listeners, which abort never leaves.
    if (fatalError !== undefined) {
      const { rank, size, host } = context;
      process.stderr.write(`rank ${rank} of ${size} on ${host}: uncaught ${inspect(fatalError.error)}\n`);
    }
    context.world.abort(code);
  }
  finalizeMpi();
}

/** True between initMpi() and finalization. */
export function mpiActive(): boolean {
  return context !== undefined && !context.mpi.finalized();
}

/**
 * MPI_Finalize, at most once; a no-op before init. It waits for every rank to finalize, so flush
 * and close transports first. Called automatically at process exit.
 */
export function finalizeMpi(): void {
  if (context === undefined || context.mpi.finalized()) return;
  context.mpi.finalize();
}

/** MPI_Abort on the world: ends every rank with `code`. Exits the process when MPI is not running. */
export function abort(code = 1): never {
  if (mpiActive() && context !== undefined) context.world.abort(code);
  process.exit(code);
}

/** Resolves when every rank of `comm` has entered the barrier. */
export async function barrier(comm: Communicator): Promise<void> {
  const request = comm.ibarrier();
  await pollUntil(() => request.test());
}

/**
 * Broadcasts variable-length bytes from `root`: the length first, then the bytes. Non-root ranks
 * pass null; every rank gets the root's bytes (the root gets its own `data` back).
 */
export async function bcast(comm: Communicator, data: Uint8Array | null, root: number): Promise<Uint8Array> {
  checkRank(comm, root, 'root');
  const isRoot = comm.rank === root;
  if (isRoot && data === null) throw new TypeError('bcast: the root must pass data');
  // A float64 length header is exact far past MPI's 2^31-1 byte count limit.
  const header = new Float64Array([isRoot && data !== null ? data.byteLength : 0]);
  const lengthRequest = comm.ibcast(header, root);
  await pollUntil(() => lengthRequest.test());
  const length = header[0] ?? 0;
  const payload = isRoot && data !== null ? data : new Uint8Array(length);
  if (length === 0) return payload;
  const dataRequest = comm.ibcast(payload, root);
  await pollUntil(() => dataRequest.test());
  return payload;
}

/**
 * MPI_Comm_split. The split itself blocks until every rank has called it, so ranks first meet in a
 * polled barrier: by the time any rank enters the blocking call, all of them are about to.
 * A null color leaves this rank out (resolves to null).
 */
export async function split(comm: Communicator, color: number | null, key = comm.rank): Promise<Communicator | null> {
  if (color !== null && (!Number.isInteger(color) || color < 0)) {
    throw new RangeError(`split: color must be a non-negative integer or null, got ${color}`);
  }
  await barrier(comm);
  return comm.split(color, key);
}

/** MPI_Comm_dup, entered after a polled barrier for the same reason as split. */
export async function dup(comm: Communicator): Promise<Communicator> {
  await barrier(comm);
  return comm.dup();
}

function checkRank(comm: Communicator, rank: number, what: string): void {
  if (!Number.isInteger(rank) || rank < 0 || rank >= comm.size) {
    throw new RangeError(`${what} must be an integer rank in 0..${comm.size - 1}, got ${rank}`);
  }
}
