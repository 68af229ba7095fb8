/**
 * Rank program for the lifetime cases of mpi.test.ts: how a rank ends (argv[2]) and whether MPI was
 * finalized by then. An 'exit' listener registered after initMpi's own prints {"rank","finalized"}.
 */
import { loadMpi } from '../../src/native/loader.js';
import { barrier, finalizeMpi, initMpi } from '../../src/runtime/mpi.js';
import { MpiTransport } from '../../src/runtime/mpi-transport.js';

const mode = process.argv[2] ?? 'natural';

function reportAtExit(rank: number, finalized: () => boolean): void {
  process.on('exit', (code) => console.log(JSON.stringify({ rank, code, finalized: finalized() })));
}

async function main(): Promise<void> {
  if (mode === 'raw' || mode === 'raw-exit') {
    // The addon alone, no runtime layer: its cleanup hook (natural end) or atexit (process.exit) finalizes.
    const mpi = loadMpi();
    mpi.init('single', Error);
    console.log(JSON.stringify({ rank: mpi.world().rank, mode }));
    if (mode === 'raw-exit') process.exit(0);
    return;
  }
  const { mpi, world, rank, size } = initMpi();
  reportAtExit(rank, () => mpi.finalized());
  await barrier(world);
  if (mode === 'throw') setTimeout(() => { throw new Error(`deliberate failure on rank ${rank}`); }, 10);
  if (mode === 'throw-one') {
    // Only the last rank fails; the others wait for a message that never comes.
    if (rank === size - 1) setTimeout(() => { throw new Error(`deliberate failure on rank ${rank}`); }, 10);
    else new MpiTransport().onMessage(() => undefined);
  }
  if (mode === 'exit-code') {
    finalizeMpi();
    process.exit(3);
  }
  if (mode === 'transport') {
    // A transport that was used and closed must leave nothing that keeps the process alive.
    const transport = new MpiTransport();
    transport.onMessage(() => undefined);
    transport.send((rank + 1) % size, Buffer.from('hello'));
    await transport.close();
  }
}

await main();
