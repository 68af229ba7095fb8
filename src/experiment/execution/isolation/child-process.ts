/**
 * The isolated child process as the worker sees it (isolated-evaluator.ts): started in a process group
 * of its own (under a memory limit when one is set, and without the job's MPI environment), frames in
 * on its stdin and out on its stdout (frames.ts), what it prints on stderr passed through and the last
 * MAX_OUTPUT of each evaluation kept, and its end: asked for, waited for, or forced.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { frame, FrameReader } from './frames.js';

/** Kept of each evaluation's output, as the in-process OutputCapture keeps. */
const MAX_OUTPUT = 16 * 1024;
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

type Next = { kind: 'frame'; value: Record<string, unknown> } | { kind: 'exit' } | { kind: 'timeout' };

/** One child process: frames in and out, its end, and its output. */
export class Child {
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

