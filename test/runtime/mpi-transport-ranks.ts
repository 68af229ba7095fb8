/**
 * Rank program for mpi-transport.test.ts: all-to-all traffic (self included) through MpiTransport,
 * then flush and close; prints one JSON line per rank, and the process must then exit by itself.
 */
import { barrier, initMpi } from '../../src/runtime/mpi.js';
import { MpiTransport } from '../../src/runtime/mpi-transport.js';

const PER_PAIR = Number(process.argv[2] ?? 200);
const { world, rank, size } = initMpi();

/** Message `seq` from `from`: an 8-byte header (seq, from), then a pattern; every 4th is 40 KiB. */
function message(from: number, seq: number): Uint8Array {
  const length = seq % 4 === 0 ? 40_000 : 16 + seq;
  const data = new Uint8Array(length);
  const view = new DataView(data.buffer);
  view.setUint32(0, seq, true);
  view.setUint32(4, from, true);
  for (let i = 8; i < length; i += 1) data[i] = (i + seq * 13 + from) & 255;
  return data;
}

function errorName(action: () => void): string | null {
  try {
    action();
    return null;
  } catch (error) {
    return (error as Error).name;
  }
}

async function main(): Promise<void> {
  const transport = new MpiTransport();
  const seqsBySource: number[][] = Array.from({ length: size }, () => []);
  let contentOk = true;
  let fromOk = true;
  let received = 0;
  let allArrived: () => void = () => undefined;
  const arrived = new Promise<void>((resolve) => (allArrived = resolve));

  await barrier(world);
  for (let seq = 0; seq < PER_PAIR; seq += 1) {
    for (let to = 0; to < size; to += 1) transport.send(to, message(rank, seq));
  }
  // Messages that arrive before a handler is set wait for it.
  await new Promise((resolve) => setTimeout(resolve, 50));
  transport.onMessage((from, data) => {
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const seq = view.getUint32(0, true);
    if (view.getUint32(4, true) !== from) fromOk = false;
    if (!Buffer.from(data).equals(Buffer.from(message(from, seq)))) contentOk = false;
    seqsBySource[from]?.push(seq);
    received += 1;
    // PER_PAIR from every rank, plus one more this rank sends itself below.
    if (received === size * PER_PAIR + 1) allArrived();
  });

  const before = received;
  transport.send(rank, message(rank, PER_PAIR));
  const selfDeliveredSynchronously = received !== before;
  await arrived;
  await transport.flush();
  const expected = JSON.stringify(Array.from({ length: PER_PAIR }, (_, i) => i));
  const inOrder = (seqs: number[], from: number): boolean =>
    JSON.stringify(from === rank ? seqs.slice(0, PER_PAIR) : seqs) === expected;
  const result = {
    rank,
    size,
    received,
    fromOk,
    contentOk,
    orderOk: seqsBySource.every(inOrder),
    selfDeliveredSynchronously,
    selfExtraDelivered: seqsBySource[rank]?.[PER_PAIR] === PER_PAIR,
    invalidRank: errorName(() => transport.send(size, new Uint8Array(1))),
  };
  await transport.close();
  console.log(JSON.stringify({ ...result, sendAfterClose: errorName(() => transport.send(rank, new Uint8Array(1))) }));
}

await main();
