/**
 * Round-trip latency and one-way throughput between two ranks, through the raw binding (isend +
 * tryRecv polled with setImmediate) and through MpiTransport. Reports figures, asserts nothing.
 *
 *   launch/mpirun.sh -n 2 node --import tsx bench/mpi-pingpong.ts
 */
import type { Communicator } from '../src/native/mpi.js';
import { barrier, initMpi } from '../src/runtime/mpi.js';
import { MpiTransport } from '../src/runtime/mpi-transport.js';

const TAG = 7;
const { world, rank, size } = initMpi();
const peer = 1 - rank;

function summary(samples: number[]): { medianUs: number; meanUs: number; p99Us: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return { medianUs: round(at(0.5)), meanUs: round(mean), p99Us: round(at(0.99)) };
}

function round(us: number): number {
  return Math.round(us * 100) / 100;
}

/** Raw binding: the pattern ENVIRONMENT.md measured (8-9 us at 16 B). Rank 0 times, rank 1 echoes. */
function rawPingPong(comm: Communicator, bytes: number, iterations: number): Promise<number[]> {
  const samples: number[] = [];
  let received = 0;
  let started = performance.now();
  if (rank === 0) comm.isend(peer, TAG, Buffer.alloc(bytes));
  return new Promise((resolve) => {
    const loop = (): void => {
      comm.testSends();
      const message = comm.tryRecv(peer, TAG);
      if (message !== null) {
        received += 1;
        if (rank === 0) {
          const now = performance.now();
          samples.push((now - started) * 1000);
          started = now;
        }
        // Rank 0 stops at its last reply; rank 1 still echoes its last message.
        if (rank === 1 || received < iterations) comm.isend(peer, TAG, message.data);
        if (received === iterations) return resolve(samples);
      }
      setImmediate(loop);
    };
    loop();
  });
}

function transportPingPong(transport: MpiTransport, bytes: number, iterations: number): Promise<number[]> {
  const samples: number[] = [];
  let count = 0;
  let started = performance.now();
  return new Promise((resolve) => {
    transport.onMessage((from, data) => {
      count += 1;
      if (rank === 0) {
        const now = performance.now();
        samples.push((now - started) * 1000);
        started = now;
      }
      if (rank === 0 && count === iterations) return resolve(samples);
      transport.send(from, data);
      if (rank === 1 && count === iterations) resolve(samples);
    });
    if (rank === 0) transport.send(peer, new Uint8Array(bytes));
  });
}

/** Rank 0 streams `count` messages of `bytes`; rank 1 acknowledges the last one. */
function stream(transport: MpiTransport, bytes: number, count: number): Promise<number> {
  const started = performance.now();
  let received = 0;
  return new Promise((resolve) => {
    transport.onMessage((from) => {
      received += 1;
      if (rank === 0) resolve(performance.now() - started);
      else if (received === count) {
        transport.send(from, new Uint8Array(1));
        resolve(performance.now() - started);
      }
    });
    if (rank === 0) for (let i = 0; i < count; i += 1) transport.send(peer, new Uint8Array(bytes));
  });
}

async function main(): Promise<void> {
  if (size !== 2) throw new Error('run with exactly 2 ranks: launch/mpirun.sh -n 2 ...');
  const report: Record<string, unknown> = {};
  for (const [bytes, iterations] of [[16, 20000], [1024, 10000], [65536, 2000]] as const) {
    await rawPingPong(world, bytes, iterations / 10); // warm-up
    await barrier(world);
    report[`raw ${bytes} B`] = summary(await rawPingPong(world, bytes, iterations));
    await barrier(world);
  }
  const transport = new MpiTransport();
  for (const [bytes, iterations] of [[16, 20000], [1024, 10000], [65536, 2000]] as const) {
    await transportPingPong(transport, bytes, iterations / 10);
    await barrier(world);
    report[`transport ${bytes} B`] = summary(await transportPingPong(transport, bytes, iterations));
    await barrier(world);
  }
  for (const [bytes, count] of [[1024, 20000], [16384, 5000], [102400, 2000]] as const) {
    await barrier(world);
    const ms = await stream(transport, bytes, count);
    report[`stream ${bytes} B`] = { messagesPerS: Math.round((count / ms) * 1000), MBPerS: Math.round((count * bytes) / ms / 1000) };
  }
  await transport.close();
  if (rank === 0) {
    console.log(`round trip (us) and one-way stream, 2 ranks, ${process.env.OMPI_MCA_btl_vader_eager_limit ?? '4096'} B eager limit`);
    console.table(report);
  }
}

await main();
