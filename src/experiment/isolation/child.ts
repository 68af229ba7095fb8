/**
 * The simulation child process of a worker rank (evaluation.isolation: process), for the optimizees
 * written in TypeScript: `node dist/experiment/isolation/child.js`, spoken to in frames (frames.ts)
 * over stdin and stdout:
 *
 *   {op: 'init', type, config}                 -> {op: 'ready', nObj, dim, pid} | {op: 'error', error, detail}
 *   {op: 'eval', generation, index, seed, x}   -> {op: 'result', fitness, outputs?, err} | {op: 'result', error, err}
 *   {op: 'end'}                                -> exits 0
 *
 * x travels as the bytes of a Float64Array. `err` counts the bytes this process has written to its
 * stderr so far, so the parent can wait for all of an evaluation's output before it files a failure.
 * stdout belongs to the protocol: everything the optimizee prints (console.log included) goes to stderr.
 * The end of stdin (the worker rank is gone) ends this process.
 */
import { getOptimizee } from '../../optimizees/registry.js';
import type { Optimizee } from '../../core/optimizee.js';
import { frame, FrameReader } from './frames.js';

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

function send(value: unknown): void {
  protocolWrite(frame(value));
}

function handle(msg: Record<string, unknown>): void {
  switch (msg.op) {
    case 'init': {
      try {
        const config = msg.config as { type: string; weights?: number[] } & Record<string, unknown>;
        optimizee = getOptimizee(String(msg.type)).create(config);
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
        const r = optimizee.evaluate(x, { generation: msg.generation as number, index: msg.index as number, seed: msg.seed as number });
        const fitness = Array.from(r.fitness);
        send(r.outputs ? { op: 'result', fitness, outputs: r.outputs, err: errBytes } : { op: 'result', fitness, err: errBytes });
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
process.stdin.on('data', (chunk: Buffer) => {
  reader.push(chunk);
  for (let m = reader.next(); m !== undefined; m = reader.next()) handle(m as Record<string, unknown>);
});
process.stdin.on('end', () => process.exit(0));
// The worker rank killed without closing the pipe (it always closes with the process, but be sure).
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 1000).unref();
