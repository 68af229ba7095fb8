/**
 * evaluation.isolation: process, the worker rank's side: the optimizee runs in a child process, so a
 * segmentation fault, an abort(), a hang past timeout_seconds or a blow-up past memory_mb kills only
 * the child. The worker restarts it and the evaluation fails with the reason, as data.
 *
 * Rows are evaluated one at a time, one request frame and one reply frame each (frames.ts), so a
 * crash on row k fails row k only and the restarted child goes on with row k+1. The child's stderr
 * (where everything it prints goes: its stdout belongs to the protocol) is passed through to this
 * process's stderr and the last 16 KiB of each evaluation's share is kept for a failure's text.
 *
 * The child is the TypeScript runner child.ts (it builds an inline or native optimizee from the
 * registry, by type, from the config the worker got), or the program the optimizee's execution names
 * (a python optimizee's python/l2l_child.py, a process optimizee's own program). It runs in a process group of its own: a timeout kills the group, so whatever
 * the simulation started dies with it, and a Ctrl-C at the terminal (which the worker rank leaves to
 * rank 0) does not reach it. It exits when its stdin ends, that is when the worker rank is gone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { executionOf, type Execution, type OptimizeeFactory } from '../../../core/optimizee.js';
import { STATUS_CODES } from '../../../core/fitness.js';
import { silentLogger, type Logger } from '../../../runtime/log.js';
import type { ResolvedExperiment } from '../../config.js';
import { withOutput } from '../../output-capture.js';
import { emptyResults, failRow as fail, noteRow, type EvalBatch, type EvalResults } from '../../eval-results.js';
import type { Evaluator } from '../evaluator.js';
import { frame, FrameReader } from './frames.js';

/** Kept of each evaluation's output, as the in-process OutputCapture keeps. */
const MAX_OUTPUT = 16 * 1024;
/** How long a child may take to start and answer 'init' (an import of a large simulator included). */
const START_SECONDS = 100;
/** After a child ends: how long to wait for the rest of its output (a grandchild may hold the pipe). */
const DRAIN_MS = 1000;
/** How long 'end' may take before the child is killed. */
const END_MS = 3000;
/** Address space a Node child needs beyond its heap (V8 reserves ranges it never touches). */
const NODE_RESERVE_MB = 1536;

/** How to start the child and what to tell it first. */
export interface ChildLaunch {
  command: string;
  args: string[];
  /** The fields of the 'init' frame, after op. */
  init: Record<string, unknown>;
  /** Objectives per evaluation, when known before the child answers (else its 'ready' says). */
  nObj?: number;
  /** How messages name it. */
  label: string;
  /** A Node child: memory_mb limits its JavaScript heap too, and its address space more loosely. */
  node: boolean;
}

export interface IsolationOptions {
  timeoutSeconds?: number;
  memoryMb?: number;
  startSeconds?: number;
  log?: Logger;
  /** Where the child's output goes as it arrives (default: this process's stderr). */
  forward?: (chunk: Buffer) => void;
}

/** The built TypeScript child runner: beside this file in dist/, or dist's copy when run from src/ (tests). */
export function childScript(): string {
  const here = fileURLToPath(new URL('./child.js', import.meta.url));
  if (existsSync(here)) return here;
  const built = here.replace(`${sep}src${sep}experiment${sep}`, `${sep}dist${sep}experiment${sep}`);
  if (existsSync(built)) return built;
  throw new Error(`the simulation child runner ${built} is missing: build it with npm run build:ts`);
}

/** How the worker starts the child for this experiment's optimizee: its execution's program, or a Node child. */
export function childLaunch(experiment: ResolvedExperiment, execution: Execution, nObj: number | undefined): ChildLaunch {
  const config = experiment.optimizee;
  if (execution.kind === 'python' || execution.kind === 'process') return { ...execution.child, ...(nObj !== undefined ? { nObj } : {}), node: false };
  if (execution.kind === 'group') throw new Error(`the ${config.type} optimizee runs inner experiments; it cannot run in a child process`);
  const memoryMb = experiment.evaluation?.memory_mb;
  return {
    command: process.execPath,
    args: [...(memoryMb ? [`--max-old-space-size=${memoryMb}`] : []), childScript()],
    init: { type: config.type, config },
    ...(nObj !== undefined ? { nObj } : {}),
    label: `the ${config.type} optimizee`,
    node: true,
  };
}

const SIGNALS: Record<string, string> = {
  SIGSEGV: 'segmentation fault',
  SIGABRT: 'abort',
  SIGBUS: 'bus error',
  SIGFPE: 'floating-point exception',
  SIGILL: 'illegal instruction',
  SIGKILL: 'killed; without a timeout, often the out-of-memory killer',
  SIGTERM: 'terminated',
  SIGTRAP: 'trace trap; Node ends so on a fatal error such as running out of memory',
  SIGXCPU: 'CPU time limit exceeded',
  SIGPIPE: 'broken pipe',
};

/** How a process ended, in words: "killed by SIGSEGV (segmentation fault)", "exit code 3". */
export function describeExit(code: number | null, signal: string | null): string {
  if (signal) return `killed by ${signal}${SIGNALS[signal] ? ` (${SIGNALS[signal]})` : ''}`;
  return `exit code ${code ?? '?'}`;
}

const OUT_OF_MEMORY = /JavaScript heap out of memory|Allocation failed|std::bad_alloc|MemoryError|Cannot allocate memory|out of memory|failed to allocate|mmap failed/i;

/** The last non-empty line of a text, for one-line messages. */
function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  return lines.at(-1) ?? '';
}

type Next = { kind: 'frame'; value: Record<string, unknown> } | { kind: 'exit' } | { kind: 'timeout' };

/** One child process: frames in and out, its end, and its output. */
class Child {
  readonly proc: ChildProcess;
  readonly pid: number;
  private readonly reader = new FrameReader();
  private readonly frames: Record<string, unknown>[] = [];
  private waiter: ((n: Next) => void) | null = null;
  /** How it ended: set once it is gone and its protocol pipe is drained. */
  ended: { code: number | null; signal: string | null; error?: Error } | null = null;
  private readonly gone: Promise<void>;
  private readonly stderrDone: Promise<void>;
  private text = '';
  private truncated = false;
  /** Bytes of output received since the start. */
  private received = 0;
  private outputWaiter: { bytes: number; resolve: () => void } | null = null;

  constructor(launch: ChildLaunch, memoryMb: number | undefined, private readonly forward: (chunk: Buffer) => void) {
    let command = launch.command;
    let args = launch.args;
    if (memoryMb !== undefined) {
      const kb = (memoryMb + (launch.node ? NODE_RESERVE_MB : 0)) * 1024;
      args = ['-c', 'ulimit -v "$1" || exit 125; shift; exec "$@"', 'l2l-memory-limit', String(kb), command, ...args];
      command = '/bin/sh';
    }
    this.proc = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true, env: childEnv(process.env) });
    this.pid = this.proc.pid ?? -1;
    const { stdin, stdout, stderr } = this.proc;
    stdin!.on('error', () => {}); // EPIPE when it died: its exit tells
    stdout!.on('data', (chunk: Buffer) => this.onData(chunk));
    stderr!.on('data', (chunk: Buffer) => this.onOutput(chunk));
    const stdoutDone = streamEnd(stdout!);
    this.stderrDone = streamEnd(stderr!);
    this.gone = new Promise<void>((resolve) => {
      let finishing = false;
      const finish = (code: number | null, signal: string | null, error?: Error) => {
        if (finishing) return;
        finishing = true;
        // replies it wrote before it ended are still in the pipe: read them first
        void withTimeout(stdoutDone, DRAIN_MS).then(() => {
          this.ended = { code, signal, ...(error ? { error } : {}) };
          resolve();
          this.wake({ kind: 'exit' });
          if (this.outputWaiter) this.outputWaiter.resolve();
        });
      };
      this.proc.on('exit', (code, signal) => finish(code, signal));
      this.proc.on('error', (err) => finish(null, null, err));
    });
  }

  send(value: unknown): void {
    if (!this.ended) this.proc.stdin!.write(frame(value));
  }

  /** The next reply, its end, or the timeout. */
  next(timeoutMs?: number): Promise<Next> {
    const f = this.frames.shift();
    if (f) return Promise.resolve({ kind: 'frame', value: f });
    if (this.ended) return Promise.resolve({ kind: 'exit' });
    return new Promise<Next>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      this.waiter = (n) => {
        if (timer) clearTimeout(timer);
        this.waiter = null;
        resolve(n);
      };
      if (timeoutMs !== undefined) timer = setTimeout(() => this.wake({ kind: 'timeout' }), timeoutMs);
    });
  }

  private wake(n: Next): void {
    this.waiter?.(n);
  }

  private onData(chunk: Buffer): void {
    this.reader.push(chunk);
    try {
      for (let v = this.reader.next(); v !== undefined; v = this.reader.next()) {
        const f = (v !== null && typeof v === 'object' ? v : { op: 'garbage', value: v }) as Record<string, unknown>;
        if (this.waiter) this.wake({ kind: 'frame', value: f });
        else this.frames.push(f);
      }
    } catch (err) {
      // a corrupt stream (something wrote to the protocol pipe): the child cannot be trusted any more
      this.onOutput(Buffer.from(`l2l: ${(err as Error).message} from the simulation process: something wrote to its stdout\n`));
      this.kill();
    }
  }

  private onOutput(chunk: Buffer): void {
    this.forward(chunk);
    this.received += chunk.length;
    this.text += chunk.toString('utf8');
    if (this.text.length > MAX_OUTPUT) {
      this.text = this.text.slice(this.text.length - MAX_OUTPUT);
      this.truncated = true;
    }
    if (this.outputWaiter && this.received >= this.outputWaiter.bytes) this.outputWaiter.resolve();
  }

  /** A new evaluation's output starts. */
  mark(): void {
    this.text = '';
    this.truncated = false;
  }

  /** What it printed since mark(), worded as the in-process capture words it. */
  output(): string {
    if (!this.text) return '';
    return this.truncated ? `[... earlier output cut: last ${MAX_OUTPUT} characters kept]\n${this.text}` : this.text;
  }

  /** Waits (briefly) until `bytes` of output, as the child counted them, have arrived. */
  async outputReached(bytes: number): Promise<void> {
    if (this.received >= bytes || this.ended) return;
    await withTimeout(new Promise<void>((resolve) => (this.outputWaiter = { bytes, resolve })), DRAIN_MS);
    this.outputWaiter = null;
  }

  /** Resolves once it is gone and its output drained. */
  async finished(): Promise<void> {
    await this.gone;
    await withTimeout(this.stderrDone, DRAIN_MS);
  }

  /** SIGKILL to its whole process group. */
  kill(): void {
    if (this.ended || this.pid <= 0) return;
    try {
      process.kill(-this.pid, 'SIGKILL');
    } catch {
      this.proc.kill('SIGKILL');
    }
  }

  /** Asks it to end; kills it if it does not in time. */
  async stop(): Promise<void> {
    if (this.ended) return;
    this.send({ op: 'end' });
    this.proc.stdin!.end();
    const ended = await withTimeout(this.gone, END_MS);
    if (!ended) {
      this.kill();
      await this.gone;
    }
  }
}

/** A child must not believe it is an MPI rank of the job (a simulator that initialises MPI would try to join it). */
function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) {
    if (/^(PMIX_|PMI_|PRTE_)/.test(k) || (/^OMPI_/.test(k) && !/^OMPI_(MCA_|ALLOW_)/.test(k))) continue;
    out[k] = v;
  }
  return out;
}

function streamEnd(s: NodeJS.ReadableStream): Promise<void> {
  return new Promise<void>((resolve) => {
    s.once('end', resolve);
    s.once('close', resolve);
    s.once('error', () => resolve());
  });
}

/** Whether p settled within ms. */
function withTimeout(p: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    p.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** A child that could not start: its reason in one line, and the detail (a traceback) when there is one. */
export class ChildStartError extends Error {
  override name = 'ChildStartError';
  constructor(message: string, readonly detail = '') {
    super(message);
  }
}

export class IsolatedEvaluator implements Evaluator {
  private child: Child | null = null;
  /** Objectives per evaluation (known once started). */
  nObj: number;
  private readonly log: Logger;
  private readonly forward: (chunk: Buffer) => void;
  /** Children started, the first included. */
  starts = 0;

  constructor(readonly launch: ChildLaunch, private readonly opts: IsolationOptions = {}) {
    this.nObj = launch.nObj ?? 1;
    this.log = opts.log ?? silentLogger;
    this.forward = opts.forward ?? ((chunk) => process.stderr.write(chunk));
  }

  /**
   * This experiment's child, its execution taken from the optimizee's factory. The model is not built
   * here (its construction may be what crashes): the objectives come from the experiment's weights, a
   * program's model (data only), or the Node child's 'ready'.
   */
  static forExperiment(experiment: ResolvedExperiment, factory: OptimizeeFactory, opts: IsolationOptions = {}): Promise<IsolatedEvaluator> {
    const config = experiment.optimizee;
    const execution = executionOf(factory, config);
    const program = execution.kind === 'python' || execution.kind === 'process';
    const nObj = config.weights?.length ?? (program ? factory.create(config).weights.length : undefined);
    return IsolatedEvaluator.start(experiment, execution, nObj, opts);
  }

  /** For the worker: this experiment's child, started and ready; a ChildStartError when it cannot start. */
  static async start(experiment: ResolvedExperiment, execution: Execution, nObj: number | undefined, opts: IsolationOptions = {}): Promise<IsolatedEvaluator> {
    const ev = new IsolatedEvaluator(childLaunch(experiment, execution, nObj), {
      timeoutSeconds: experiment.evaluation?.timeout_seconds,
      memoryMb: experiment.evaluation?.memory_mb,
      ...opts,
    });
    await ev.ensure();
    return ev;
  }

  /** The process id of the current child, or null between a death and the restart. */
  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  get describe(): Record<string, unknown> {
    return { isolation: 'process', childPid: this.pid };
  }

  /** A running child: the current one, or a new one (started and ready). */
  async ensure(): Promise<Child> {
    if (this.child && !this.child.ended) return this.child;
    if (this.child) {
      const e = this.child.ended!;
      this.log.warn({ pid: this.child.pid, how: e.error?.message ?? describeExit(e.code, e.signal), output: this.child.output() }, 'simulation process ended between evaluations');
      this.child = null;
    }
    const { launch, opts } = this;
    const c = new Child(launch, opts.memoryMb, this.forward);
    this.starts++;
    c.send({ op: 'init', ...launch.init });
    const startSeconds = opts.startSeconds ?? START_SECONDS;
    const r = await c.next(startSeconds * 1000);
    if (r.kind === 'frame' && r.value.op === 'ready') {
      if (launch.nObj === undefined && typeof r.value.nObj === 'number') this.nObj = r.value.nObj;
      this.child = c;
      if (this.starts > 1) this.log.info({ pid: c.pid, starts: this.starts }, 'simulation process restarted');
      return c;
    }
    if (r.kind === 'frame') {
      await c.stop();
      const line = r.value.op === 'error' ? String(r.value.error) : `it answered '${String(r.value.op)}' to 'init'`;
      throw new ChildStartError(line, typeof r.value.detail === 'string' ? r.value.detail : '');
    }
    if (r.kind === 'timeout') {
      c.kill();
      await c.finished();
      throw new ChildStartError(`${launch.label}: the simulation process did not start within ${startSeconds} s${tail(c.output())}`);
    }
    await c.finished();
    const e = c.ended!;
    if (e.error) throw new ChildStartError(`${launch.label}: cannot start ${launch.command}: ${e.error.message}`);
    throw new ChildStartError(`${launch.label}: the simulation process ended while starting (${describeExit(e.code, e.signal)})${tail(c.output())}`, c.output());
  }

  /** Evaluates a batch row by row; a failure, however the child fails, is data in the results. */
  async evaluate(b: EvalBatch): Promise<EvalResults> {
    const n = b.index.length;
    const nObj = this.nObj;
    const out = emptyResults(b, nObj);
    const start = performance.now();
    const started = out.startedAgo; // absolute ms first, made relative at the end
    const timeoutMs = this.opts.timeoutSeconds !== undefined ? this.opts.timeoutSeconds * 1000 : undefined;
    const dim = b.dim;
    let cannotStart: string | null = null;
    for (let i = 0; i < n; i++) {
      let child: Child;
      if (cannotStart !== null) {
        started[i] = performance.now();
        fail(out, i, cannotStart);
        continue;
      }
      try {
        child = await this.ensure();
      } catch (err) {
        cannotStart = `the simulation process could not be restarted: ${(err as Error).message}`;
        this.log.error({ error: (err as Error).message }, 'simulation process cannot be restarted');
        started[i] = performance.now();
        fail(out, i, cannotStart);
        continue;
      }
      const t0 = performance.now();
      started[i] = t0;
      child.mark();
      const x = b.x.subarray(i * dim, (i + 1) * dim);
      child.send({ op: 'eval', generation: b.generation, index: b.index[i], seed: b.seed[i], x: Buffer.from(x.buffer, x.byteOffset, x.byteLength) });
      const r = await child.next(timeoutMs);
      if (r.kind === 'frame') {
        const err = typeof r.value.err === 'number' ? r.value.err : 0;
        await child.outputReached(err);
        out.seconds[i] = (performance.now() - t0) / 1000;
        const error = this.accept(r.value, out, i);
        if (error !== null) fail(out, i, withOutput(error, child.output()));
        continue;
      }
      if (r.kind === 'timeout') {
        child.kill();
        await child.finished();
        out.seconds[i] = (performance.now() - t0) / 1000;
        fail(out, i, withOutput(`timed out after ${this.opts.timeoutSeconds} s`, child.output()), STATUS_CODES['timed-out']);
      } else {
        await child.finished();
        out.seconds[i] = (performance.now() - t0) / 1000;
        fail(out, i, withOutput(this.death(child), child.output()));
      }
      this.child = null; // the next row starts a new one
    }
    const end = performance.now();
    out.busy = (end - start) / 1000;
    for (let i = 0; i < n; i++) started[i] = (end - started[i]) / 1000;
    return out;
  }

  /** A reply into row i of out; returns the failure text, or null when it succeeded. */
  private accept(reply: Record<string, unknown>, out: EvalResults, i: number): string | null {
    const nObj = out.nObj;
    if (reply.op !== 'result') return `the simulation process answered '${String(reply.op)}' to 'eval'${reply.error ? `: ${String(reply.error)}` : ''}`;
    if (typeof reply.error === 'string') return this.memoryNote(reply.error);
    const f = reply.fitness as ArrayLike<number> | undefined;
    if (!f || typeof f.length !== 'number') return 'the simulation process returned no fitness';
    if (f.length !== nObj) return `optimizee returned ${f.length} fitness values, expected ${nObj}`;
    for (let k = 0; k < nObj; k++) {
      const v = f[k];
      if (typeof v !== 'number' || !Number.isFinite(v)) return `optimizee returned a non-finite fitness (${String(v)})`;
      out.fitness[i * nObj + k] = v;
    }
    const o = reply.outputs;
    if (o !== undefined && o !== null) {
      let outputs: Float64Array;
      if (o instanceof Float64Array) outputs = o;
      else if (o instanceof Uint8Array) {
        outputs = new Float64Array(o.byteLength >>> 3);
        new Uint8Array(outputs.buffer).set(o.subarray(0, outputs.length * 8));
      } else outputs = Float64Array.from(o as ArrayLike<number>);
      (out.outputs ??= new Array<Float64Array | null>(out.status.length).fill(null))[i] = outputs;
    }
    if (typeof reply.note === 'string' && reply.note !== '') noteRow(out, i, reply.note);
    return null;
  }

  /** Why the child died, in words, naming the memory limit when it ran out of memory. */
  private death(c: Child): string {
    const e = c.ended!;
    if (e.error) return `the simulation process failed: ${e.error.message}`;
    const how = `the simulation process died: ${describeExit(e.code, e.signal)}`;
    return OUT_OF_MEMORY.test(c.output()) ? `${how}; out of memory${this.limitText()}` : how;
  }

  private memoryNote(error: string): string {
    return OUT_OF_MEMORY.test(lastLine(error)) ? `${error.endsWith('\n') ? error : error + '\n'}out of memory${this.limitText()}` : error;
  }

  private limitText(): string {
    return this.opts.memoryMb !== undefined ? ` (the limit is evaluation.memory_mb: ${this.opts.memoryMb})` : '';
  }

  /** Ends the child cleanly (killed if it does not end in time). */
  async stop(): Promise<void> {
    const c = this.child;
    this.child = null;
    if (c) await c.stop();
  }
}

/** ": <last line of output>", for one-line messages. */
function tail(output: string): string {
  const l = lastLine(output);
  return l ? `: ${l}` : '';
}

/** Marks row i of out as failed (or timed out), with its reason. */
