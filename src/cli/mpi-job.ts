/**
 * The job over MPI: world communicator (or this experiment's group of it), MPI transport, rank 0's
 * decisions shared by broadcast.
 * Loaded only when the run is under mpirun (or --transport mpi), so single-process runs need no MPI.
 */
import { abort, bcast, finalizeMpi, initMpi } from '../runtime/mpi.js';
import { MpiTransport } from '../runtime/mpi-transport.js';
import type { Job } from './job.js';
import { nestedRole, type NestedLayout } from './nested.js';

export function openMpiJob(group?: number, nested?: NestedLayout): Job {
  const ctx = initMpi({ threadLevel: 'funneled' });
  // One experiment among several: its ranks only (a setup collective over the world, once).
  const experimentComm = group === undefined ? ctx.world : ctx.world.split(group, ctx.rank)!;
  let comm = experimentComm;
  let nestedPart: Job['nested'];
  let groupTransport: MpiTransport | null = null;
  if (nested) {
    // rank 0 and the groups' leaders form the outer experiment; each group, its inner experiments
    const role = nestedRole(nested, experimentComm.rank);
    const outer = experimentComm.split(role.kind === 'member' ? null : 0, experimentComm.rank);
    const inner = experimentComm.split(role.kind === 'outer' ? null : role.group, experimentComm.rank);
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
