/**
 * `run EXPERIMENT.yaml`: the same command on every rank. Rank 0 validates the experiment and shares
 * the outcome with every rank (so a bad file ends all ranks cleanly with exit 2), then coordinates;
 * the other ranks host workers until rank 0 ends them.
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import type { ResolvedExperiment } from '../experiment/config.js';
import { Coordinator } from '../experiment/coordinator.js';
import { progressMode } from '../experiment/progress.js';
import { Recorder, ResultsDirError, type Summary } from '../experiment/recorder.js';
import { WorkerHost, WorkerSetupError, type WorkerHostOptions } from '../experiment/worker-host.js';
import { Relay } from '../experiment/relay.js';
import { closeGroup } from '../experiment/execution/group.js';
import { ActorSystem, type Address } from '../runtime/actor-system.js';
import { createLogger, isLogLevel, LOG_ACTOR, LOG_LEVELS, LogForwarder, LogSink, type Logger, type LogLevel } from '../runtime/log.js';
import { systemClock } from '../runtime/clock.js';
import { decode, encode } from '../runtime/codec.js';
import { EXIT, explain, UsageError } from './exit-codes.js';
import { openJob, type Job, type JobMode } from './job.js';
import { nestedPlan, placeInJob, type Placement } from './job-placement.js';
import type { NestedLayout } from './nested.js';
import { preimportPython } from './python-preimport.js';
import { ConfigError, loadExperiment, readExperimentFile, resolveExperiment } from './load-config.js';
import { readResumePoint, ResumeError, type Checkpoint, type ResumePoint } from '../results/checkpoint.js';
import { SAFE_TO_CHANGE, unsafeChanges } from '../experiment/resume-policy.js';
import { budgetText, preview } from './preview.js';
import { version } from '../runtime/version.js';

export const RUN_HELP = `usage: node dist/main.js run EXPERIMENT.yaml [options]
       launch/mpirun.sh -n N node dist/main.js run EXPERIMENT.yaml [options]
       launch/mpirun.sh -n N node dist/main.js run A.yaml B.yaml ... [options]
       launch/mpirun.sh -n N node dist/main.js run --resume DIR [EXPERIMENT.yaml] [options]

Runs the experiment: rank 0 hosts the optimizer, ranks 1..N-1 the simulations (one rank does both).
Several experiment files run side by side in one job, each on a group of consecutive ranks (a file's
top-level \`ranks: N\` gives it N, the others share the rest), each with its own results directory;
the job ends when every experiment has. mpirun's own form works too, one file per application
context: mpirun -n 2 node dist/main.js run A.yaml : -n 6 node dist/main.js run B.yaml.

options:
  --out DIR          results directory (default results/<name>; with several experiments,
                     DIR/<name> for each)
  --seed N           override the experiment's seed
  --force            overwrite a results directory that holds an earlier run
  --quiet            no progress display
  --transport T      auto (default: MPI under mpirun, in-process otherwise), mpi or local
  --dry-run          print the resolved configuration and the first individuals, and stop
  --resume DIR       continue the run in DIR from its last checkpoint (after a kill, a time limit,
                     Ctrl-C, or to extend a finished run): nothing evaluated is evaluated again, and
                     the trajectory is the one an uninterrupted run gives. With EXPERIMENT.yaml, its
                     stop, dispatch, checkpoint and evaluation isolation/timeout/memory keys
                     replace the run's (a larger budget, say);
                     any other difference is refused. Any number of ranks.
  --log-level L      run.log detail: ${LOG_LEVELS.join(', ')} (default info; debug adds a line
                     per generation and every failure)
  -h, --help         this help

The results directory receives config.json, generations.msgpack (every individual of every
generation, columnar; see docs/results.md), summary.json (status, budget used, best individual) and
run.log (every rank's log lines, JSON, tagged with rank and host).
`;

interface RunOptions extends Placement {
  out?: string;
  seed?: number;
  force: boolean;
  quiet: boolean;
  transport: JobMode;
  dryRun: boolean;
  logLevel: LogLevel;
  resume?: string;
}

function parseRunArgs(args: string[]): RunOptions | null {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        seed: { type: 'string' },
        force: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        transport: { type: 'string', default: 'auto' },
        'dry-run': { type: 'boolean', default: false },
        'log-level': { type: 'string', default: 'info' },
        resume: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError(`run: ${(err as Error).message.split('\n')[0]} (see run --help)`);
  }
  const { values: v, positionals } = parsed;
  if (v.help) return null;
  const resume = v.resume;
  if (resume !== undefined) {
    if (positionals.length > 1) throw new UsageError(`run --resume: expected at most one experiment file, got ${positionals.length} (see run --help)`);
    if (v.out !== undefined) throw new UsageError('run --resume DIR: the results stay in DIR; --out does not apply');
    if (v.force) throw new UsageError('run --resume DIR: --force does not apply (the run in DIR is continued, not overwritten)');
    if (v['dry-run']) throw new UsageError('run --resume DIR: --dry-run does not apply');
  } else if (positionals.length === 0) {
    throw new UsageError('run: expected one experiment file or more, got 0 (see run --help)');
  } else if (positionals.length > 1 && v['dry-run']) {
    throw new UsageError('run --dry-run: one experiment file at a time');
  }
  const seed = v.seed === undefined ? undefined : Number(v.seed);
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32)) {
    throw new UsageError(`run: --seed: got ${JSON.stringify(v.seed)}, expected an integer in [0, 2^32)`);
  }
  if (!['auto', 'mpi', 'local'].includes(v.transport)) {
    throw new UsageError(`run: --transport: got ${JSON.stringify(v.transport)}, expected one of auto, mpi, local`);
  }
  const logLevel = v['log-level'];
  if (!isLogLevel(logLevel)) throw new UsageError(`run: --log-level: got ${JSON.stringify(logLevel)}, expected one of ${LOG_LEVELS.join(', ')}`);
  return { files: positionals, file: positionals[0], out: v.out, seed, force: v.force, quiet: v.quiet, transport: v.transport as JobMode, dryRun: v['dry-run'], logLevel, resume };
}

type Prepared = { experiment: ResolvedExperiment; outDir: string } | { error: string };

/** Rank 0's validation of everything that can be wrong before anything runs. */
function prepare(opts: RunOptions): Prepared & { resumePoint?: ResumePoint<ResolvedExperiment> } {
  try {
    if (opts.resume !== undefined) {
      const resumePoint = readResumePoint<ResolvedExperiment>(opts.resume);
      return { experiment: resumedExperiment(resumePoint.checkpoint, opts), outDir: opts.resume, resumePoint };
    }
    const experiment = loadExperiment(opts.file, opts.seed);
    const outDir = opts.out ?? join('results', experiment.name);
    Recorder.open(outDir, { force: opts.force });
    return { experiment, outDir };
  } catch (err) {
    if (err instanceof ConfigError || err instanceof ResultsDirError || err instanceof ResumeError) return { error: explain(err) };
    throw err;
  }
}

/** The experiment a resumed run continues: the checkpoint's, with the budget of EXPERIMENT.yaml if given. */
function resumedExperiment(cp: Checkpoint<ResolvedExperiment>, opts: RunOptions): ResolvedExperiment {
  const before = cp.experiment;
  if (opts.seed !== undefined && opts.seed !== before.seed) throw new ConfigError(`--seed ${opts.seed}: the run in ${opts.resume} has seed ${before.seed}; a resumed run keeps it`);
  if (opts.file === undefined) return before;
  const raw = readExperimentFile(opts.file);
  const hasSeed = raw !== null && typeof raw === 'object' && 'seed' in raw;
  const now = resolveExperiment(raw, opts.file, hasSeed ? undefined : before.seed);
  const changes = unsafeChanges(before, now);
  if (changes.length > 0) {
    throw new ConfigError(`${opts.file}: differs from the run in ${opts.resume} beyond what a resumed run may change (${SAFE_TO_CHANGE.join(', ')}): ${changes.join('; ')}`);
  }
  const { isolation, timeout_seconds, memory_mb } = now.evaluation;
  return { ...before, stop: now.stop, dispatch: now.dispatch, checkpoint: now.checkpoint, evaluation: { ...before.evaluation, isolation, timeout_seconds, memory_mb } };
}

export async function runCommand(args: string[]): Promise<number> {
  const started = performance.now();
  let opts = parseRunArgs(args);
  if (!opts) {
    process.stdout.write(RUN_HELP);
    return EXIT.ok;
  }
  if (opts.dryRun) return dryRun(opts);
  opts = placeInJob(opts);
  const nested = nestedPlan(opts);
  // before MPI starts: NEURON must not see it (python-preimport.ts)
  await preimportPython(opts);
  let job: Job;
  try {
    job = await openJob(opts.transport, opts.group, nested);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    // the addon not built, libmpi missing: the environment, not the program
    throw new UsageError(`cannot start the MPI job: ${(err as Error).message.split('\n')[0]}`);
  }
  let code: number = EXIT.internal;
  try {
    const role = job.nested?.role;
    if (role?.kind === 'member') {
      // a rank of an inner experiments' group: an inner worker for one inner run after another
      code = await work(job, new ActorSystem(job.transport, systemClock), opts.logLevel, () => ({ reusable: true }));
      return code;
    }
    const local = job.rank === 0 ? prepare(opts) : null;
    const { resumePoint, ...shared } = local ?? {}; // the checkpoint stays on rank 0
    const prepared = decode(await job.share(local ? encode(shared) : null)) as Prepared;
    if ('error' in prepared) {
      if (job.rank === 0) process.stderr.write(`error: ${prepared.error}\n`);
      if (role?.kind === 'leader' && job.nested?.group) await closeGroup(job.nested.group);
      code = EXIT.usage;
      return code;
    }
    const system = new ActorSystem(job.transport, systemClock);
    // a group leader's workers run inner experiments on its group's ranks
    const group = job.nested?.group ?? null;
    const host = (): WorkerHostOptions => ({ group });
    code = job.rank === 0 ? await coordinate(job, system, { ...prepared, resumePoint }, opts, started, host, nested) : await work(job, system, opts.logLevel, host);
    return code;
  } catch (err) {
    if (err instanceof WorkerSetupError) {
      process.stderr.write(`error: ${err.message}\n`); // every worker was ended: the job finalizes
      return EXIT.usage;
    }
    process.stderr.write(`rank ${job.rank} of ${job.size} on ${job.transport.host}: ${(err as Error)?.stack ?? String(err)}\n`);
    if (job.size > 1) job.abort(EXIT.internal);
    return EXIT.internal;
  } finally {
    await job.close();
  }
}

/** How the job's ranks serve the experiment, in the words of the header line. */
export function ranksText(size: number, nested?: NestedLayout): string {
  const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  if (nested) {
    const total = 1 + nested.groups * nested.groupSize;
    return `${plural(total, 'rank')}: rank 0 for the outer optimizer and ${plural(nested.groups, 'group')} of ${plural(nested.groupSize, 'rank')}, each running one inner experiment at a time`;
  }
  if (size === 1) return '1 rank (in-process worker)';
  return `${plural(size, 'rank')} (${plural(size - 1, 'worker rank')})`;
}

async function coordinate(job: Job, system: ActorSystem, p: { experiment: ResolvedExperiment; outDir: string; resumePoint?: ResumePoint<ResolvedExperiment> }, opts: RunOptions, started: number, workerOptions: (log: Logger) => WorkerHostOptions, nested?: NestedLayout): Promise<number> {
  const exp = p.experiment;
  // beside other experiments, every line says whose it is
  const say = (text: string) => process.stdout.write(opts.tag === undefined ? text : text.replace(/^(?=.)/gm, `[${opts.tag}] `));
  say(`${exp.name}: ${exp.optimizer.type} on ${exp.optimizee.type}, seed ${exp.seed}, ${ranksText(job.size, nested)}${opts.group !== undefined ? ', beside other experiments in this job' : ''}\n`);
  const cp = p.resumePoint?.checkpoint;
  if (cp && p.resumePoint) {
    say(`resuming ${p.outDir}: checkpoint ${cp.seq} (${cp.counters.generations} generations, ${cp.counters.evaluations} evaluations), then ${p.resumePoint.events.length} logged events replayed\n`);
  }
  const logSink = new LogSink();
  system.spawn(LOG_ACTOR, logSink.behaviour);
  const log = createLogger({ rank: 0, host: job.transport.host, level: opts.logLevel, sink: (line) => logSink.write(line) });
  const coordinator = new Coordinator({
    system, experiment: exp, outDir: p.outDir, force: true, version: version(), log, logSink, resume: p.resumePoint,
    progress: progressMode(opts.quiet, process.env, process.stderr.isTTY === true),
    progressTag: opts.tag,
    startupSeconds: (performance.now() - started) / 1000,
    workerOptions: workerOptions(log),
  });
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    if (++signals > 1) job.abort(EXIT.interrupted);
    process.stderr.write(`\n${sig}: stopping now (again to abort at once); continue later with: ${resumeCommand(p.outDir)}\n`);
    log.warn({ signal: sig, resume: resumeCommand(p.outDir) }, 'signal: stopping; the evaluations in flight are left to a resumed run');
    coordinator.interrupt(`interrupted by ${sig}`);
  };
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  try {
    const summary = await coordinator.run();
    say(describe(summary, p.outDir));
    if (!coordinator.workersEnded && job.size > 1) {
      process.stderr.write('workers are still busy with their evaluations: ending the job\n');
      job.abort(EXIT.interrupted);
    }
    return summary.status === 'completed' ? EXIT.ok : summary.status === 'interrupted' ? EXIT.interrupted : EXIT.failed;
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
  }
}

/** How long a worker waits for rank 0 to end it after a signal, before aborting the job itself. */
const WORKER_SIGNAL_GRACE_MS = 30_000;

async function work(job: Job, system: ActorSystem, level: LogLevel, options: (log: Logger) => WorkerHostOptions): Promise<number> {
  const forwarder = new LogForwarder();
  const log = createLogger({ rank: job.rank, host: job.transport.host, level, sink: forwarder.sink });
  const host = new WorkerHost(undefined, { log, flushLog: () => forwarder.flush(), ...options(log) });
  const self = system.spawn('worker', host.behaviour, { urgent: WorkerHost.urgent });
  // idle unless rank 0 makes this rank a sub-coordinator (hierarchical dispatch)
  const relay: Address = { rank: job.rank, id: 'relay' };
  system.spawn(relay.id, new Relay((to, type, body) => system.send(relay, to, type, body)).behaviour);
  forwarder.attach((to, type, body) => system.send(self, to, type, body));
  // Signals are the coordinator's to handle: it stops the run and ends the workers, so every rank
  // finalizes. Should rank 0 not do so in time (gone, or hung), the worker ends the job itself.
  let deadline: NodeJS.Timeout | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    deadline ??= setTimeout(() => {
      process.stderr.write(`rank ${job.rank} of ${job.size} on ${job.transport.host}: ${sig}, and rank 0 did not end the run within ${WORKER_SIGNAL_GRACE_MS / 1000} s: aborting the job\n`);
      job.abort(EXIT.interrupted);
    }, WORKER_SIGNAL_GRACE_MS);
  };
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  try {
    await host.done;
    return EXIT.ok;
  } finally {
    const unsent = forwarder.takeUnsent();
    if (unsent) process.stderr.write(unsent);
    clearTimeout(deadline);
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
  }
}

function describe(s: Summary, dir: string): string {
  const lines = [
    `${s.status}: ${s.generations} generations, ${s.evaluations} evaluations (${s.failures} failed) in ${s.wallSeconds.toFixed(2)} s` +
      (s.stopReasons.length ? ` - ${s.stopReasons.join('; ')}` : ''),
  ];
  if (s.best) {
    lines.push(`best weighted fitness ${s.best.weightedFitness.toPrecision(6)} (fitness [${s.best.fitness.map((f) => f.toPrecision(6)).join(', ')}]) at generation ${s.best.generation}, index ${s.best.index}`);
  }
  lines.push(`results: ${dir}/ (summary.json, trajectory.h5, generations.msgpack, config.json, run.log)`);
  if (s.status === 'interrupted') lines.push(`continue it with: ${resumeCommand(dir)}`);
  return lines.join('\n') + '\n';
}

export function resumeCommand(dir: string): string {
  return `node dist/main.js run --resume ${/^[\w./-]+$/.test(dir) ? dir : JSON.stringify(dir)}`;
}

/** --dry-run: nothing starts (no MPI, no results directory); under mpirun only rank 0 prints. */
function dryRun(opts: RunOptions): number {
  let exp: ResolvedExperiment;
  try {
    exp = loadExperiment(opts.file, opts.seed);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message, { cause: err.cause });
    throw err;
  }
  const rank = process.env.OMPI_COMM_WORLD_RANK ?? process.env.PMIX_RANK ?? '0';
  if (rank !== '0') return EXIT.ok;
  const p = preview(exp);
  const shown = p.first.slice(0, 10);
  const lines = [
    `# ${exp.name}: ${exp.optimizer.type} (${p.mode}) on ${exp.optimizee.type}; ${p.dim} parameters (${p.parameters.join(', ')}); budget ${budgetText(exp)}`,
    `# results would go to ${opts.out ?? join('results', exp.name)}/`,
    '# resolved configuration (every default filled in):',
    JSON.stringify(exp, null, 2),
    `# the first ${p.mode === 'steady-state' ? 'individuals asked' : 'generation'}: ${p.firstSize} individuals${p.firstSize > shown.length ? ` (the first ${shown.length} shown)` : ''}`,
    ...shown.map((r) => `${r.index}\t${JSON.stringify(r.individual, (_k, v: unknown) => (typeof v === 'number' ? Number(v.toPrecision(6)) : v))}`),
  ];
  process.stdout.write(lines.join('\n') + '\n');
  return EXIT.ok;
}
