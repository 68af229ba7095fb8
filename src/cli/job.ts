/**
 * The process's place in the job: which transport, which rank, how to share rank 0's decisions and
 * how to end. Under mpirun the job is MPI; alone it is one in-process rank that needs no MPI at all
 * (so a laptop without OpenMPI can still run an experiment).
 */
import { hostname } from 'node:os';
import { InProcessHub } from '../runtime/in-process-transport.js';
import type { Transport } from '../runtime/transport.js';
import { UsageError } from './exit-codes.js';
import type { NestedLayout, NestedRole } from './nested.js';

export type JobMode = 'auto' | 'mpi' | 'local';

export interface Job {
  readonly kind: 'mpi' | 'local';
  readonly rank: number;
  readonly size: number;
  readonly transport: Transport;
  /** Every rank gets rank 0's data (others pass null). */
  share(data: Uint8Array | null): Promise<Uint8Array>;
  /** Flushes and closes the transport, and finalizes MPI. */
  close(): Promise<void>;
  /** Ends every rank of the job now. */
  abort(code: number): never;
  /** In a nested job (nested.ts): this process's role, and a leader's group transport. */
  nested?: { role: NestedRole; group: Transport | null };
}

export function launchedByMpirun(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.OMPI_COMM_WORLD_SIZE !== undefined || env.PMIX_RANK !== undefined || env.PMI_SIZE !== undefined;
}

/**
 * The job this process belongs to. With `group`, several experiments share the MPI job: the world is
 * split by group (MPI_Comm_split, color = group, key = world rank) and this process's job is its
 * group, with ranks 0..size-1 of its own.
 */
/** This process's rank and its job's size as the launcher announces them, before MPI_Init (0 and 1 alone). */
export function launchedRank(env: NodeJS.ProcessEnv = process.env): { rank: number; size: number } {
  const rank = Number(env.OMPI_COMM_WORLD_RANK ?? env.PMIX_RANK ?? env.PMI_RANK ?? 0);
  const size = Number(env.OMPI_COMM_WORLD_SIZE ?? env.PMI_SIZE ?? 1);
  return { rank: Number.isFinite(rank) ? rank : 0, size: Number.isFinite(size) ? size : 1 };
}

export async function openJob(mode: JobMode, group?: number, nested?: NestedLayout): Promise<Job> {
  const useMpi = mode === 'mpi' || (mode === 'auto' && launchedByMpirun());
  if (!useMpi) return localJob();
  const { openMpiJob } = await import('./mpi-job.js');
  return openMpiJob(group, nested);
}

function localJob(): Job {
  if (launchedByMpirun() && Number(process.env.OMPI_COMM_WORLD_SIZE ?? '1') > 1) {
    throw new UsageError('--transport local cannot run under mpirun with more than one rank');
  }
  const transport = new InProcessHub(1, hostname()).transports[0];
  return {
    kind: 'local',
    rank: 0,
    size: 1,
    transport,
    share: async (data) => {
      if (!data) throw new Error('rank 0 must share data');
      return data;
    },
    close: () => transport.close(),
    abort: (code) => process.exit(code),
  };
}
