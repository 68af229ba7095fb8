/**
 * The job over MPI: world communicator (or this experiment's group of it), MPI transport, rank 0's
 * decisions shared by broadcast.
 * Loaded only when the run is under mpirun (or --transport mpi), so single-process runs need no MPI.
 */
import { abort, bcast, finalizeMpi, initMpi, split } from '../runtime/mpi.js';
import { MpiTransport } from '../runtime/mpi-transport.js';
import type { Job } from './job.js';
import { nestedRole, type NestedLayout } from './nested.js';

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
    if (role.kind === 'leader') groupTransport = new MpiTransport({ comm: inner! });
    nestedPart = { role, group: groupTransport };
  }
  const transport = new MpiTransport({ comm });
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
