/**
 * Rank program for mpi.test.ts: exercises the MPI binding on every rank and prints one JSON line
 * of observations ({"rank":..}); the tap test makes the assertions. Phases are separated by
 * barriers, so no phase can receive another's messages.
 */
import type { Communicator, ReceivedMessage } from '../../src/native/mpi.js';
import { barrier, bcast, initMpi, split } from '../../src/runtime/mpi.js';
import { MpiTransport } from '../../src/runtime/mpi-transport.js';
import { pollUntil } from '../../src/runtime/poller.js';

const { mpi, world, rank, size, host, threadLevel } = initMpi();
const prev = (rank - 1 + size) % size;
const next = (rank + 1) % size;

/** Polls until `count` messages matching (source, tag) have arrived. */
async function receive(comm: Communicator, count: number, source?: number, tag?: number): Promise<ReceivedMessage[]> {
  const got: ReceivedMessage[] = [];
  await pollUntil(() => {
    for (let m = comm.tryRecv(source, tag); m !== null; m = got.length < count ? comm.tryRecv(source, tag) : null) {
      got.push(m);
    }
    comm.testSends();
    return got.length >= count;
  });
  return got;
}

function pattern(length: number, seed: number): Buffer {
  const data = Buffer.alloc(length);
  for (let i = 0; i < length; i += 1) data[i] = (i * 7 + seed) & 255;
  return data;
}

/** The five messages `from` sends to `to`, by tag 10..14: bytes, float64, int32, empty, 200 KiB. */
function payloads(from: number, to: number): ArrayBufferView[] {
  return [
    pattern(100 + from, from * 31 + to),
    new Float64Array([from, to, Math.PI * from]),
    new Int32Array([-from, to, 2 ** 31 - 1]),
    Buffer.alloc(0),
    pattern(200 * 1024 + to, from + 1),
  ];
}

function sameBytes(view: ArrayBufferView, data: Buffer): boolean {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength).equals(data);
}

async function pointToPoint(): Promise<object> {
  for (let to = 0; to < size; to += 1) payloads(rank, to).forEach((p, i) => world.isend(to, 10 + i, p));
  const got = await receive(world, size * 5);
  const tagsBySource: Record<number, number[]> = {};
  let contentOk = true;
  for (const m of got) {
    (tagsBySource[m.source] ??= []).push(m.tag);
    const expected = payloads(m.source, rank)[m.tag - 10];
    if (expected === undefined || !sameBytes(expected, m.data)) contentOk = false;
  }
  const floats = got.find((m) => m.source === prev && m.tag === 11);
  const decoded = floats ? Array.from(new Float64Array(new Uint8Array(floats.data).buffer)) : [];
  return { count: got.length, contentOk, tagsBySource, decoded, pendingAfter: world.testSends() };
}

/** tryRecv with an explicit source and tag picks the later message first. */
async function filtered(): Promise<object> {
  world.isend(next, 31, Buffer.from('first'));
  world.isend(next, 32, Buffer.from('second'));
  const [second] = await receive(world, 1, prev, 32);
  const [first] = await receive(world, 1, prev, 31);
  return { second: second?.data.toString(), first: first?.data.toString() };
}

async function ring(): Promise<number> {
  if (rank === 0) world.isend(next, 40, new Float64Array([0]));
  const [token] = await receive(world, 1, prev, 40);
  const value = token ? new Float64Array(new Uint8Array(token.data).buffer)[0] ?? NaN : NaN;
  if (rank !== 0) world.isend(next, 40, new Float64Array([value + rank]));
  return value;
}

async function collectives(): Promise<object> {
  const started = performance.now();
  for (let i = 0; i < 3; i += 1) await barrier(world);
  const barrierMs = performance.now() - started;
  const cases = [
    { root: 0, length: 0 },
    { root: 0, length: 16 },
    { root: size - 1, length: 1.5 * 1024 * 1024 + 3 },
  ];
  const results = [];
  for (const { root, length } of cases) {
    const data = rank === root ? pattern(length, root + 5) : null;
    const got = await bcast(world, data, root);
    results.push({ root, length: got.byteLength, ok: Buffer.from(got).equals(pattern(length, root + 5)) });
  }
  return { barrierMs, bcast: results };
}

async function groups(): Promise<object> {
  const sub = await split(world, rank % 2, -rank);
  if (sub === null) return { error: 'split returned null' };
  sub.isend(0, 50, new Int32Array([rank]));
  const members = sub.rank === 0 ? (await receive(sub, sub.size, undefined, 50)).map((m) => m.data.readInt32LE(0)) : [];
  await barrier(sub);
  sub.free();
  const leftOut = await split(world, rank === size - 1 && size > 1 ? null : 0);
  const leftOutSize = leftOut?.size ?? null;
  leftOut?.free();
  return { subRank: sub.rank, subSize: sub.size, members: members.sort((a, b) => a - b), leftOutSize };
}

function captureError(action: () => unknown): object {
  try {
    action();
    return { thrown: false };
  } catch (error) {
    const e = error as Error & Record<string, unknown>;
    const { errorClass, errorCode, call, rank: r, size: s, host: h } = e;
    return { thrown: true, name: e.name, message: e.message, errorClass, errorCode, call, rank: r, size: s, host: h };
  }
}

function errors(): object {
  return {
    badRank: captureError(() => world.isend(size + 3, 1, Buffer.from('x'))),
    badSource: captureError(() => world.tryRecv(size + 3, 1)),
    badData: captureError(() => world.isend(0, 1, 'not bytes' as unknown as Uint8Array)),
    freeWorld: captureError(() => world.free()),
  };
}

/** CPU used by a rank whose transport polls with nothing to do, as a fraction of one core. */
async function idleCpu(): Promise<number> {
  const transport = new MpiTransport();
  transport.onMessage(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 100));
  const cpu = process.cpuUsage();
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const used = process.cpuUsage(cpu);
  const elapsedMs = performance.now() - started;
  await transport.close();
  return (used.user + used.system) / 1000 / elapsedMs;
}

async function main(): Promise<void> {
  const result: Record<string, unknown> = { rank, size, host, threadLevel, processorName: mpi.processorName() };
  result.library = mpi.libraryVersion();
  result.p2p = await pointToPoint();
  await barrier(world);
  result.filtered = await filtered();
  await barrier(world);
  result.ring = await ring();
  await barrier(world);
  result.collectives = await collectives();
  result.groups = await groups();
  result.errors = errors();
  await barrier(world);
  result.aliveAfterErrors = true;
  result.idleCpu = await idleCpu();
  await barrier(world);
  process.on('exit', () => console.log(JSON.stringify({ rank, finalizedAtExit: mpi.finalized() })));
  console.log(JSON.stringify(result));
}

await main();
