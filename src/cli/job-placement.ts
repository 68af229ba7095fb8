/**
 * Where this process stands in the MPI job, decided from the command line, the experiment files and
 * mpirun's environment before MPI starts: which experiment it runs when several share the job
 * (job-layout.ts), and the rank groups of a nested experiment (nested.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from './exit-codes.js';
import { launchedByMpirun, launchedRank, type JobMode } from './job.js';
import { layout, mpmdContext, readLayoutEntry, type LayoutEntry } from './job-layout.js';
import { ConfigError, readExperimentFile } from './load-config.js';
import { innerRanks, nestedLayout, type NestedLayout } from './nested.js';

/**
 * The experiment this process will run, as its file (or a resumed run's config.json) has it, read
 * before MPI starts; null when it cannot be read (rank 0 reports why, once MPI is up).
 */
export function rawExperiment(opts: { file?: string; resume?: string }): Record<string, unknown> | null {
  try {
    if (opts.resume !== undefined) {
      const config = JSON.parse(readFileSync(join(opts.resume, 'config.json'), 'utf8')) as { experiment?: Record<string, unknown> };
      return config.experiment ?? null;
    }
    if (opts.file === undefined) return null;
    const raw = readExperimentFile(opts.file);
    return raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The run options placement reads and fills in. */
export interface Placement {
  /** The experiment files of the command line (several: side by side in one job). */
  files: string[];
  /** The one this process runs. */
  file: string;
  out?: string;
  resume?: string;
  transport: JobMode;
  /** With several experiments in the job: this one's group of ranks, and its name for the output. */
  group?: number;
  tag?: string;
  /** Ranks of this experiment's job (the world, or its group of it), known before MPI starts. */
  jobSize?: number;
}

/** Which experiment this process runs when several share the job (job-layout.ts). */
export function placeInJob<O extends Placement>(opts: O): O {
  const mpmd = mpmdContext();
  if (mpmd) {
    if (opts.files.length > 1) throw new UsageError(`run: under mpirun with several application contexts (A : B), each context runs one experiment file; this one got ${opts.files.length}`);
    const name = opts.resume ?? entryOrUsage(opts.file).name;
    return { ...opts, group: mpmd.app, tag: name, jobSize: mpmd.sizes[mpmd.app] };
  }
  if (opts.files.length <= 1) return opts; // one experiment (or --resume DIR alone)
  if (opts.resume !== undefined) throw new UsageError('run --resume: one run at a time (resume each experiment of a shared job in its own group, or with mpirun A : B)');
  if (opts.transport === 'local' || !launchedByMpirun()) {
    throw new UsageError(`run: ${opts.files.length} experiments run side by side under mpirun only, each on ranks of its own: launch/mpirun.sh -n N node dist/main.js run ${opts.files.join(' ')}`);
  }
  const { rank, size } = launchedRank();
  const groups = layout(opts.files.map(entryOrUsage), size);
  const g = groups.find((x) => rank >= x.first && rank < x.first + x.size)!;
  return { ...opts, file: g.file, out: opts.out !== undefined ? join(opts.out, g.name) : undefined, group: g.index, tag: g.name, jobSize: g.size };
}

/** A nested experiment under mpirun: the layout of its rank groups (nested.ts); undefined otherwise. */
export function nestedPlan(opts: Placement): NestedLayout | undefined {
  if (opts.transport === 'local' || !launchedByMpirun()) return undefined;
  const k = innerRanks(rawExperiment(opts));
  const size = opts.jobSize ?? launchedRank().size;
  if (k === null || size === 1) return undefined; // one rank: inner experiments run in the process
  return nestedLayout(k, size);
}

function entryOrUsage(file: string): LayoutEntry {
  try {
    return readLayoutEntry(file);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message, { cause: err.cause });
    throw err;
  }
}
