/**
 * The job over MPI: world communicator (or this experiment's group of it), MPI transport, rank 0's
 * decisions shared by broadcast.
 * Loaded only when the run is under mpirun (or --transport mpi), so single-process runs need no MPI.
 */
import { abort, bcast, finalizeMpi, initMpi } from '../runtime/mpi.js';
import { MpiTransport } from '../runtime/mpi-transport.js';
import type { Job } from './job.js';

export function openMpiJob(group?: number): Job {
  const ctx = initMpi({ threadLevel: 'funneled' });
  // One experiment among several: its ranks only (a setup collective over the world, once).
  const comm = group === undefined ? ctx.world : ctx.world.split(group, ctx.rank)!;
  const transport = new MpiTransport({ comm });
  return {
    kind: 'mpi',
    rank: comm.rank,
    size: comm.size,
    transport,
    share: (data) => bcast(comm, data, 0),
    async close() {
      await transport.close();
      finalizeMpi();
    },
    abort: (code) => abort(code),
  };
}
