/**
 * The job over MPI: world communicator (or this experiment's group of it), MPI transport, rank 0's
 * decisions shared by broadcast.
 * Loaded only when the run is under mpirun (or --transport mpi), so single-process runs need no MPI.
 */
import { abort, bcast, finalizeMpi, initMpi, split } from '../runtime/mpi.js';
import type { Communicator } from '../native/mpi.js';
import { MpiTransport } from '../runtime/mpi-transport.js';
import type { PollerOptions } from '../runtime/poller.js';
import type { Job } from './job.js';
import { nestedRole, type NestedLayout } from './nested.js';

/**
 * How long a serving rank (every rank but its communicator's rank 0: workers, relays, a group's
 * members) keeps polling every event-loop turn after its last message, before it falls back to timer
 * sleeps (src/runtime/poller.ts; rank 0 keeps the 2 ms default). A worker that has sent its results
 * waits for the next batch, which comes once rank 0 has told the generation and asked the next: a few
 * ms with trivial evaluations, when a 1 ms timer sleep adds that much again to every generation.
 * Measured, bench "dispatch" yaml, 25 generations of 20,000 trivial evaluations, 8 ranks (7 workers):
 * 0.78-0.95M evaluations/s with 2 ms, 1.01-1.06M with 20 ms, 0.98-1.04M with rank 0 at 20 ms too;
 * 32 ranks 0.44-0.51M -> 0.45-0.61M (50 ms: 0.51-0.56M, below 20 ms). Waiting on long evaluations,
 * a worker has its next batch already queued and does not spin at all.
 */
const SERVING_SPIN_MS = 20;

/**
 * Every split goes through runtime/mpi.ts's split(), which meets the other ranks in a polled barrier
 * first: MPI_Comm_split blocks (spinning a core) until every rank has called it, and a rank that is
 * still starting would keep the others spinning.
 */
export async function openMpiJob(group?: number, nested?: NestedLayout): Promise<Job> {
  const ctx = initMpi({ threadLevel: 'funneled' });
  // One experiment among several: its ranks only (a setup collective over the world, once).
  const experimentComm = group === undefined ? ctx.world : (await split(ctx.world, group, ctx.rank))!;
  let comm = experimentComm;
  let nestedPart: Job['nested'];
  let groupTransport: MpiTransport | null = null;
  if (nested) {
    // rank 0 and the groups' leaders form the outer experiment; each group, its inner experiments
    const role = nestedRole(nested, experimentComm.rank);
    const outer = await split(experimentComm, role.kind === 'member' ? null : 0, experimentComm.rank);
    const inner = await split(experimentComm, role.kind === 'outer' ? null : role.group, experimentComm.rank);
    comm = role.kind === 'member' ? inner! : outer!;
    if (role.kind === 'leader') groupTransport = new MpiTransport({ comm: inner!, ...pollerFor(inner!) });
    nestedPart = { role, group: groupTransport };
  }
  const transport = new MpiTransport({ comm, ...pollerFor(comm) });
  return {
    kind: 'mpi',
    rank: comm.rank,
    size: comm.size,
    transport,
    share: (data) => bcast(comm, data, 0),
    async close() {
      await transport.close();
      await groupTransport?.close();
      finalizeMpi();
    },
    ...(nestedPart ? { nested: nestedPart } : {}),
    abort: (code) => abort(code),
  };
}

function pollerFor(comm: Communicator): { poller?: PollerOptions } {
  return comm.rank === 0 ? {} : { poller: { spinMs: SERVING_SPIN_MS } };
}
