/**
 * The MPI binding end to end: test/native/fixtures/mpi-ranks.ts and mpi-exit.ts run alone (singleton MPI),
 * under mpirun with 1 rank and with 4 ranks; each rank prints JSON lines that are asserted here.
 */
import t, { type Test } from 'tap';
import { jsonLines, mpirun, run, tsProgram, type RunResult } from '../helpers/mpirun.js';

/** mpirun's complaint about a rank that ended without MPI_Finalize. */
const UNFINALIZED = /exiting improperly|did not call "finalize"|without calling "finalize"/;

interface Launch {
  readonly name: string;
  readonly n: number;
  start(command: string[]): Promise<RunResult>;
}

const launches: Launch[] = [
  { name: 'singleton (no mpirun)', n: 1, start: (command) => run(command) },
  { name: 'mpirun -n 1', n: 1, start: (command) => mpirun(1, command) },
  { name: 'mpirun -n 4', n: 4, start: (command) => mpirun(4, command) },
];

// Rank output is untyped JSON; the assertions below are its schema.
type Json = Record<string, any>;

function byRank(lines: Json[], key: string): Map<number, Json> {
  return new Map(lines.filter((line) => key in line).map((line) => [line.rank as number, line]));
}

function checkPointToPoint(t: Test, r: Json, n: number): void {
  const prev = (r.rank - 1 + n) % n;
  t.equal(r.p2p.count, n * 5, 'five messages from every rank');
  t.ok(r.p2p.contentOk, 'Buffer, Float64Array, Int32Array, empty and 200 KiB contents intact');
  for (let source = 0; source < n; source += 1) {
    t.same(r.p2p.tagsBySource[source], [10, 11, 12, 13, 14], `order from rank ${source} preserved`);
  }
  t.same(r.p2p.decoded, [prev, r.rank, Math.PI * prev], 'Float64Array decodes');
  t.same(r.filtered, { second: 'second', first: 'first' }, 'tryRecv(source, tag) selects by tag');
  const expectedRing = r.rank === 0 ? (n * (n - 1)) / 2 : (r.rank * (r.rank - 1)) / 2;
  t.equal(r.ring, expectedRing, 'ring token carries the sum of the ranks before');
}

function checkCollectives(t: Test, r: Json, n: number): void {
  t.same(
    r.collectives.bcast,
    [
      { root: 0, length: 0, ok: true },
      { root: 0, length: 16, ok: true },
      { root: n - 1, length: 1.5 * 1024 * 1024 + 3, ok: true },
    ],
    'bcast of 0 B, 16 B and 1.5 MiB',
  );
  const group = Array.from({ length: n }, (_, i) => i).filter((i) => i % 2 === r.rank % 2);
  t.equal(r.groups.subSize, group.length, 'split: group size');
  // key = -rank orders each group by descending world rank.
  t.equal(r.groups.subRank, group.length - 1 - group.indexOf(r.rank), 'split: rank within group');
  t.same(r.groups.members, r.groups.subRank === 0 ? group : [], 'messages inside the group reach its rank 0');
  const leftOut = n > 1 && r.rank === n - 1;
  t.equal(r.groups.leftOutSize, leftOut ? null : n > 1 ? n - 1 : 1, 'split with a null color gives null');
}

function checkErrors(t: Test, r: Json, n: number): void {
  for (const [what, call] of [['badRank', 'MPI_Isend'], ['badSource', 'MPI_Improbe']] as const) {
    const e = r.errors[what];
    t.match(e, { thrown: true, name: 'MpiError', errorClass: 'MPI_ERR_RANK', call, rank: r.rank, size: n, host: r.host });
    t.type(e.errorCode, 'number');
    t.match(e.message, `rank ${r.rank} of ${n} on ${r.host}`, 'message says where');
  }
  t.match(r.errors.badData, { thrown: true, name: 'TypeError' });
  t.match(r.errors.freeWorld, { thrown: true, message: /world/ });
  t.equal(r.aliveAfterErrors, true, 'the rank keeps running after MPI errors');
}

for (const launch of launches) {
  t.test(`rank program, ${launch.name}`, async (t) => {
    const result = await launch.start(tsProgram('test/native/fixtures/mpi-ranks.ts'));
    t.equal(result.code, 0, 'exit code', { stderr: result.stderr.slice(-2000) });
    t.notMatch(result.stdout + result.stderr, UNFINALIZED, 'no unfinalized-exit banner');
    const lines = jsonLines<Json>(result.stdout);
    const results = byRank(lines, 'p2p');
    const exits = byRank(lines, 'finalizedAtExit');
    t.same([...results.keys()].sort(), Array.from({ length: launch.n }, (_, i) => i), 'one result per rank');
    for (const r of results.values()) {
      t.test(`rank ${r.rank}`, async (t) => {
        t.equal(r.size, launch.n);
        t.ok(r.host.length > 0, 'processor name');
        t.equal(r.processorName, r.host);
        t.match(r.threadLevel, /^(funneled|serialized|multiple)$/, 'thread level at least funneled');
        checkPointToPoint(t, r, launch.n);
        checkCollectives(t, r, launch.n);
        checkErrors(t, r, launch.n);
        t.comment(`idle CPU of a polling rank: ${(r.idleCpu * 100).toFixed(2)}% of one core`);
        t.ok(r.idleCpu < 0.3, 'idle polling costs little CPU');
        t.equal(exits.get(r.rank)?.finalizedAtExit, true, 'MPI finalized at exit');
      });
    }
  });
}

function exitProgram(mode: string): string[] {
  return tsProgram('test/native/fixtures/mpi-exit.ts', mode);
}

for (const launch of launches) {
  t.test(`process lifetime, ${launch.name}`, async (t) => {
    for (const mode of ['natural', 'transport', 'exit-code', 'raw', 'raw-exit']) {
      const result = await launch.start(exitProgram(mode));
      t.equal(result.code, mode === 'exit-code' ? 3 : 0, `${mode}: exit code`, { stderr: result.stderr.slice(-1000) });
      t.notMatch(result.stdout + result.stderr, UNFINALIZED, `${mode}: no unfinalized-exit banner`);
      const lines = jsonLines<Json>(result.stdout);
      t.equal(lines.length, launch.n, `${mode}: every rank reports`);
      if (!mode.startsWith('raw')) t.ok(lines.every((line) => line.finalized === true), `${mode}: finalized at exit`);
    }
    const thrown = await launch.start(exitProgram('throw'));
    const output = thrown.stdout + thrown.stderr;
    t.equal(thrown.code, 1, 'uncaught error: exit code 1');
    t.match(output, 'deliberate failure on rank', 'the error is printed');
    t.notMatch(output, UNFINALIZED, 'uncaught error: no unfinalized-exit banner');
    if (launch.n === 1) {
      t.same(jsonLines<Json>(thrown.stdout).map((line) => line.finalized), [true], 'finalized after the error');
    } else {
      // MPI_Abort ends each process before the fixture's later exit listener runs: a rank that
      // finalized instead would report finalized: true
      t.notOk(jsonLines<Json>(thrown.stdout).some((line) => line.finalized === true), 'with peers, the job is aborted instead of finalized');
      // OpenMPI prints its MPI_ABORT banner, unless several ranks abort at once and its help
      // aggregation itself fails ("ORTE_ERROR_LOG ... show_help.c"), seen once in a full suite run
      t.match(output, /MPI_ABORT was invoked|ORTE_ERROR_LOG: .*show_help/, 'mpirun reports the abort');
    }
  });
}

t.test('one failing rank ends a 4-rank job promptly', async (t) => {
  const started = Date.now();
  const result = await mpirun(4, exitProgram('throw-one'), { timeoutMs: 60_000 });
  const output = result.stdout + result.stderr;
  t.equal(result.timedOut, false, 'did not hang');
  t.equal(result.code, 1);
  t.match(output, 'rank 3 of 4 on', 'the failing rank is named');
  t.match(output, 'deliberate failure on rank 3');
  t.notMatch(output, UNFINALIZED);
  t.comment(`ended after ${Date.now() - started} ms`);
});
