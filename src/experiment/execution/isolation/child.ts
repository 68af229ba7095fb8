/**
 * The simulation child process of a worker rank (evaluation.isolation: process), for the inline and
 * native optimizees (written in TypeScript, a native kernel behind them):
 * `node dist/experiment/execution/isolation/child.js`, spoken to in frames (frames.ts) over stdin and
 * stdout:
 *
 *   {op: 'init', type, config}                 -> {op: 'ready', nObj, dim, pid} | {op: 'error', error, detail}
 *   {op: 'eval', generation, index, seed, x}   -> {op: 'result', fitness, outputs?, note?, err} | {op: 'result', error, err}
 *   {op: 'end'}                                -> exits 0
 *
 * x travels as the bytes of a Float64Array. `err` counts the bytes this process has written to its
 * stderr so far, so the parent can wait for all of an evaluation's output before it files a failure.
 * stdout belongs to the protocol: everything the optimizee prints (console.log included) goes to stderr.
 * The end of stdin (the worker rank is gone) ends this process.
 */
import { availableParallelism } from 'node:os';
import { getOptimizee } from '../../../optimizees/registry.js';
import { callsPython, executionOf, type EvalOutput, type Optimizee } from '../../../core/optimizee.js';
import { frame, FrameReader } from './frames.js';
import { embeddedPython } from '../native.js';

type Write = typeof process.stdout.write;

const protocolWrite: Write = process.stdout.write.bind(process.stdout);
const stderrWrite: Write = process.stderr.write.bind(process.stderr);
let errBytes = 0;

/** stdout and stderr writes both go to stderr, counted. */
const toStderr = function (chunk: unknown, ...rest: unknown[]): boolean {
  const enc = typeof rest[0] === 'string' ? (rest[0] as BufferEncoding) : 'utf8';
  errBytes += typeof chunk === 'string' ? Buffer.byteLength(chunk, enc) : (chunk as Uint8Array).byteLength;
  return (stderrWrite as (...a: unknown[]) => boolean)(chunk, ...rest);
} as Write;
process.stdout.write = toStderr;
process.stderr.write = toStderr;

// Ctrl-C at a terminal reaches the whole process group: the worker rank decides when the run stops.
process.on('SIGINT', () => {});

let optimizee: Optimizee | null = null;
let nObj = 1;
/** Whether the model calls into Python (a native execution with `python`): this process's own interpreter. */
let withPython = false;

function send(value: unknown): void {
  protocolWrite(frame(value));
}

/** One row through the model: evaluate() on this thread, or its native kernel as a batch of one. */
async function evaluateRow(model: Optimizee, x: Float64Array, generation: number, index: number, seed: number): Promise<EvalOutput> {
  const print = (text: string) => void process.stderr.write(text);
  if (model.evaluate) return model.evaluate(x, { generation, index, seed, print });
  if (model.evaluateAsync) {
    const control = { cancel: new Int32Array(1), progress: new Float64Array(2) };
    const r = await model.evaluateAsync(x, { generation, index: Int32Array.of(index), seed: Uint32Array.of(seed), threads: availableParallelism(), print, ...(withPython ? { python: embeddedPython } : {}) }, control);
    if (r.errors?.[0]) throw new Error(r.errors[0]);
    return { fitness: r.fitness, ...(r.outputs?.[0] ? { outputs: r.outputs[0] } : {}), ...(r.notes?.[0] ? { note: r.notes[0] } : {}) };
  }
  throw new Error('the optimizee has neither evaluate() nor evaluateAsync()');
}

async function handle(msg: Record<string, unknown>): Promise<void> {
  switch (msg.op) {
    case 'init': {
      try {
        const config = msg.config as { type: string; weights?: number[] } & Record<string, unknown>;
        const factory = getOptimizee(String(msg.type));
        optimizee = factory.create(config);
        const execution = executionOf(factory, config);
        withPython = callsPython(execution);
        nObj = (config.weights ?? optimizee.weights).length;
        send({ op: 'ready', nObj, dim: optimizee.space.dim, pid: process.pid });
      } catch (err) {
        const e = err as Error;
        send({ op: 'error', error: `cannot build the ${String(msg.type)} optimizee: ${String(e?.message ?? err).split('\n')[0]}`, detail: e?.stack ?? String(err) });
      }
      return;
    }
    case 'eval': {
      if (!optimizee) {
        send({ op: 'result', error: "'eval' before 'init'", err: errBytes });
        return;
      }
      const bytes = msg.x as Uint8Array;
      const x = new Float64Array(bytes.byteLength / 8);
      new Uint8Array(x.buffer).set(bytes);
      try {
        const r = await evaluateRow(optimizee, x, msg.generation as number, msg.index as number, msg.seed as number);
        const fitness = Array.from(r.fitness);
        send({ op: 'result', fitness, ...(r.outputs ? { outputs: r.outputs } : {}), ...(r.note ? { note: r.note } : {}), err: errBytes });
      } catch (err) {
        send({ op: 'result', error: (err as Error)?.stack ?? String(err), err: errBytes });
      }
      return;
    }
    case 'end':
      process.exit(0);
    default:
      send({ op: 'error', error: `the simulation process cannot handle '${String(msg.op)}'` });
  }
}

const reader = new FrameReader();
/** Frames are handled one at a time, in order (an evaluation may await its kernel). */
let queue: Promise<void> = Promise.resolve();
process.stdin.on('data', (chunk: Buffer) => {
  reader.push(chunk);
  for (let m = reader.next(); m !== undefined; m = reader.next()) {
    const msg = m as Record<string, unknown>;
    queue = queue.then(() => handle(msg));
  }
});
process.stdin.on('end', () => process.exit(0));
// The worker rank killed without closing the pipe (it always closes with the process, but be sure).
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 1000).unref();
