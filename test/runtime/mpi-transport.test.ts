/**
 * MpiTransport end to end: test/runtime/fixtures/mpi-transport-ranks.ts alone, under mpirun with 1 and 4
 * ranks, and with OpenMPI's default 4 KiB eager limit (so 40 KiB messages take the rendezvous path).
 */
import t from 'tap';
import { jsonLines, mpirun, run, tsProgram, type RunResult } from '../helpers/mpirun.js';

const PER_PAIR = 200;
const program = tsProgram('test/runtime/fixtures/mpi-transport-ranks.ts', String(PER_PAIR));

const launches: Array<{ name: string; n: number; start: () => Promise<RunResult> }> = [
  { name: 'singleton (no mpirun)', n: 1, start: () => run(program, { timeoutMs: 60_000 }) },
  { name: 'mpirun -n 1', n: 1, start: () => mpirun(1, program, { timeoutMs: 60_000 }) },
  { name: 'mpirun -n 4', n: 4, start: () => mpirun(4, program, { timeoutMs: 60_000 }) },
  {
    name: 'mpirun -n 4, 4 KiB eager limit',
    n: 4,
    start: () => mpirun(4, program, { timeoutMs: 60_000, env: { OMPI_MCA_btl_vader_eager_limit: '4096' } }),
  },
];

for (const launch of launches) {
  t.test(launch.name, async (t) => {
    const result = await launch.start();
    // close() must leave no timer or immediate behind: the ranks end on their own.
    t.equal(result.timedOut, false, 'the ranks exit after close()');
    t.equal(result.code, 0, 'exit code', { stderr: result.stderr.slice(-2000) });
    const lines = jsonLines<Record<string, unknown>>(result.stdout);
    t.same(lines.map((line) => line.rank).sort(), Array.from({ length: launch.n }, (_, i) => i), 'one line per rank');
    for (const line of lines) {
      t.match(
        line,
        {
          size: launch.n,
          received: launch.n * PER_PAIR + 1,
          fromOk: true,
          contentOk: true,
          orderOk: true,
          selfDeliveredSynchronously: false,
          selfExtraDelivered: true,
          invalidRank: 'RangeError',
          secondTransport: 'Error',
          sendAfterClose: 'Error',
        },
        `rank ${String(line.rank)}: all-to-all delivery, in order per pair, self-sends asynchronous`,
      );
    }
  });
}
