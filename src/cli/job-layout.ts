/**
 * Several experiments in one MPI job: which ranks run which experiment.
 *
 * `run A.yaml B.yaml ...` under mpirun gives each experiment a group of consecutive ranks, in the
 * order of the files: an experiment with a top-level `ranks: N` gets N, the others share the rest
 * evenly. Each group runs its experiment as if it were a job of its own (its rank 0 optimizes, the
 * others simulate), with its own results directory; groups start and end independently, and the job
 * ends when the last one has. Every rank computes the same layout from the files, before MPI starts.
 *
 * The MPMD alternative, `mpirun -n 2 node dist/main.js run A.yaml : -n 6 node dist/main.js run B.yaml`,
 * needs no layout: each of mpirun's application contexts is a group.
 */
import { basename } from 'node:path';
import { UsageError } from './exit-codes.js';
import { readExperimentFile } from './load-config.js';

export interface Group {
  /** Index of the group (the color of MPI_Comm_split). */
  index: number;
  file: string;
  /** The experiment's name as its file gives it (its results directory). */
  name: string;
  first: number;
  size: number;
}

/** One experiment file's say in the layout: its `ranks` (if any) and its name. */
export interface LayoutEntry {
  file: string;
  name: string;
  ranks?: number;
}

export function readLayoutEntry(file: string): LayoutEntry {
  const raw = readExperimentFile(file) as Record<string, unknown> | null; // throws ConfigError with the reason
  const name = raw && typeof raw.name === 'string' ? raw.name : basename(file).replace(/\.(ya?ml|json)$/, '');
  const ranks = raw?.ranks;
  if (ranks !== undefined && !(Number.isInteger(ranks) && (ranks as number) >= 1)) {
    throw new UsageError(`${file}: ranks: got ${JSON.stringify(ranks)}, expected a whole number of ranks >= 1`);
  }
  return { file, name, ...(ranks !== undefined ? { ranks: ranks as number } : {}) };
}

/** The groups of a job of `worldSize` ranks running `entries`, in order; throws UsageError if they do not fit. */
export function layout(entries: LayoutEntry[], worldSize: number): Group[] {
  const names = new Map<string, string>();
  for (const e of entries) {
    const other = names.get(e.name);
    if (other !== undefined) throw new UsageError(`${e.file}: name: '${e.name}' is also the name of ${other}; experiments in one job need different names (each has its own results directory)`);
    names.set(e.name, e.file);
  }
  const fixed = entries.reduce((s, e) => s + (e.ranks ?? 0), 0);
  const flexible = entries.filter((e) => e.ranks === undefined).length;
  const asked = entries.map((e) => `${e.name}: ${e.ranks ?? 'the rest'}`).join(', ');
  if (flexible === 0 && fixed !== worldSize) {
    throw new UsageError(`the experiments ask for ${fixed} ranks in all (${asked}), and the job has ${worldSize}: make them equal, or leave out one experiment's ranks to give it the rest`);
  }
  if (fixed + flexible > worldSize) {
    throw new UsageError(`the experiments need at least ${fixed + flexible} ranks (${asked}), and the job has ${worldSize}: start mpirun with more ranks (-n)`);
  }
  const rest = worldSize - fixed;
  const groups: Group[] = [];
  let first = 0;
  let k = 0;
  entries.forEach((e, index) => {
    const size = e.ranks ?? Math.floor(rest / flexible) + (k++ < rest % flexible ? 1 : 0);
    groups.push({ index, file: e.file, name: e.name, first, size });
    first += size;
  });
  return groups;
}

/** mpirun's application contexts (MPMD, `A : B`): this process's and every context's size, or null. */
export function mpmdContext(env: NodeJS.ProcessEnv = process.env): { app: number; sizes: number[] } | null {
  const sizes = (env.OMPI_APP_CTX_NUM_PROCS ?? '').trim().split(/\s+/).filter(Boolean).map(Number);
  if (sizes.length < 2 || sizes.some((n) => !Number.isInteger(n))) return null;
  const app = Number(env.OMPI_MCA_orte_app_num ?? NaN);
  return Number.isInteger(app) ? { app, sizes } : null;
}
