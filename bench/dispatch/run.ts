// Dispatch benchmark: trivial-fitness (10-D sphere) evaluations per second through the whole stack,
// side by side in one run with a raw C MPI ping-pong (the physical floor) and two mpi4py baselines.
//
//   node --import tsx bench/dispatch/run.ts [--ranks 2,4,8,16,32] [--reps 3] [--evals 500000] [--timeout 300] [--baseline DIR]
//
// From 16 ranks on, ours also runs through relays (hierarchical dispatch, dispatch.fan_out): the same
// trajectory as flat dispatch (a hash of every generation's rows) with fewer messages at rank 0.
//
// Variants are interleaved per rank count (ours, master/worker, futures; repeated --reps times) so that
// load on this shared machine hits all of them alike; each figure is the median of the repeats.
// Writes bench/out/dispatch.json (every run) and bench/out/dispatch.md (the section body that
// bench/run.sh stitches into bench/RESULTS.md). It reports figures; it never asserts them.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { decodeGenerations } from '../../src/results/journal-codec.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = join(ROOT, 'bench/out');
const PYTHON = '/usr/bin/python3'; // Debian's, which has mpi4py and numpy (the pyenv on PATH has neither)

// What launch/mpirun.sh sets; set here too so the bench runs before (or without) that wrapper.
const MPI_ENV: Record<string, string> = {
  OMPI_ALLOW_RUN_AS_ROOT: '1',
  OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1',
  OMPI_MCA_rmaps_base_oversubscribe: '1',
  OMPI_MCA_btl_vader_single_copy_mechanism: 'none',
  NODE_DISABLE_COLORS: '1',
  FORCE_COLOR: '0',
};

type VariantId = 'ours' | 'ours-relay' | 'ours-ga' | 'before' | 'before-ga' | 'master-worker' | 'futures';

/** Relays for hierarchical dispatch at a rank count: groups of a relay and about sqrt(workers) workers. */
const fanOut = (ranks: number) => Math.round(Math.sqrt(ranks - 1)) - 1;
const RELAY_FROM = 16;
const VARIANTS: { id: VariantId; label: string }[] = [
  { id: 'ours', label: 'L2L-MPI stack (ours): random search, pop 20,000' },
  { id: 'ours-relay', label: 'L2L-MPI stack (ours): random search through relays (hierarchical dispatch, fan_out sqrt(workers) - 1)' },
  { id: 'ours-ga', label: 'L2L-MPI stack (ours): reference GA, pop 20,000 (includes the GA\'s own cost)' },
  { id: 'master-worker', label: 'mpi4py master/worker (pickled dicts, 4 in flight per worker)' },
  { id: 'futures', label: 'mpi4py.futures MPIPoolExecutor.map, chunksize 64' },
];

/**
 * --baseline DIR: a built checkout of an earlier commit (npm ci and the build done in it), run
 * interleaved with this tree on the same configurations, so a change's cost is a ratio of one run.
 */
let baseline: { dir: string; commit: string } | null = null;
function baselineVariants(commit: string): { id: VariantId; label: string }[] {
  return [
    { id: 'before', label: `L2L-MPI stack at ${commit}: random search, pop 20,000` },
    { id: 'before-ga', label: `L2L-MPI stack at ${commit}: reference GA, pop 20,000` },
  ];
}

type Outcome =
  | { ok: true; evalsPerSecond: number; sphereUs: number; evaluations: number; seconds: number; messages?: number; trajectory?: string; relays?: number }
  | { ok: false; reason: string };

interface RunRecord { ranks: number; rep: number; variant: VariantId; outcome: Outcome; load1: number }

interface ChildResult { code: number | null; stdout: string; stderr: string; timedOut: boolean }

/** Runs a command in its own process group; on timeout the whole group (mpirun and its ranks) is killed. */
function runChild(cmd: string, args: string[], timeoutS: number): Promise<ChildResult> {
  return new Promise((resolvePromise) => {
    const child = spawn(cmd, args, {
      cwd: ROOT,
      env: { ...process.env, ...MPI_ENV },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const killGroup = (signal: NodeJS.Signals) => {
      try { process.kill(-(child.pid as number), signal); } catch { /* already gone */ }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup('SIGTERM');
      setTimeout(() => killGroup('SIGKILL'), 5000).unref();
    }, timeoutS * 1000);
    child.on('error', (err) => { stderr += String(err); });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr, timedOut });
    });
  });
}

/** mpirun through the project's wrapper when it exists, else directly (MPI_ENV is set either way). */
function mpirun(ranks: number, argv: string[], timeoutS: number): Promise<ChildResult> {
  const wrapper = join(ROOT, 'launch/mpirun.sh');
  if (existsSync(wrapper)) return runChild('bash', [wrapper, '-n', String(ranks), ...argv], timeoutS);
  return runChild('mpirun', ['-n', String(ranks), ...argv], timeoutS);
}

function failure(r: ChildResult, timeoutS: number): string {
  if (r.timedOut) return `timed out after ${timeoutS} s`;
  const lines = (r.stderr + '\n' + r.stdout).split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const hint = lines.find((l) => /error/i.test(l)) ?? lines.at(-1) ?? 'no output';
  return `exit code ${r.code}: ${hint.slice(0, 200)}`;
}

function lastJson(stdout: string): Record<string, unknown> | undefined {
  const line = stdout.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('{')).at(-1);
  return line === undefined ? undefined : JSON.parse(line) as Record<string, unknown>;
}

/** One evaluation of the 10-D sphere in JS, in microseconds (subtracted from our per-evaluation time). */
function measureJsSphereUs(): number {
  const xs = Array.from({ length: 1000 }, (_, i) => Float64Array.from({ length: 10 }, (_, j) => Math.sin(i * 10 + j) * 5));
  const sphere = (x: Float64Array): number => {
    let s = 0;
    for (let j = 0; j < x.length; j++) s += x[j] * x[j];
    return s;
  };
  let sink = 0;
  const sweep = (times: number) => { for (let t = 0; t < times; t++) for (const x of xs) sink += sphere(x); };
  sweep(200); // let the JIT settle
  const start = process.hrtime.bigint();
  sweep(2000);
  const us = Number(process.hrtime.bigint() - start) / 1e3 / (2000 * xs.length);
  if (sink === 42) console.log(''); // keep the sum observable so the loop is not optimised away
  return us;
}

async function runOurs(config: string, ranks: number, sphereUs: number, timeoutS: number, tree = ROOT): Promise<Outcome> {
  const main = join(tree, 'dist/main.js');
  if (!existsSync(main)) return { ok: false, reason: `${main} missing (npm run build)` };
  const outDir = `bench/out/dispatch-${ranks}`;
  rmSync(join(ROOT, outDir), { recursive: true, force: true });
  const r = await mpirun(ranks, ['node', main, 'run', config, '--out', outDir, '--quiet'], timeoutS);
  if (r.code !== 0 || r.timedOut) return { ok: false, reason: failure(r, timeoutS) };
  const summaryPath = join(ROOT, outDir, 'summary.json');
  if (!existsSync(summaryPath)) return { ok: false, reason: `${outDir}/summary.json not written` };
  const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as {
    evaluations?: number; wallSeconds?: number; timing?: { runSeconds?: number };
  };
  const seconds = summary.timing?.runSeconds ?? summary.wallSeconds;
  if (typeof summary.evaluations !== 'number' || typeof seconds !== 'number' || seconds <= 0) {
    return { ok: false, reason: 'summary.json lacks evaluations or wallSeconds/timing.runSeconds' };
  }
  const dispatch = (summary as { dispatch?: { batches: number; relays: number[] } }).dispatch;
  return {
    ok: true, evalsPerSecond: summary.evaluations / seconds, sphereUs, evaluations: summary.evaluations, seconds,
    messages: dispatch?.batches, relays: dispatch?.relays.length, trajectory: trajectoryHash(join(ROOT, outDir, 'generations.msgpack')),
  };
}

/** Every generation's index, parameters, fitness, status and seed, hashed: equal for equal trajectories. */
function trajectoryHash(journal: string): string | undefined {
  if (!existsSync(journal)) return undefined;
  const h = createHash('sha1');
  for (const g of decodeGenerations(readFileSync(journal))) {
    for (const a of [g.index, g.x, g.fitness, g.status, g.seed]) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  }
  return h.digest('hex').slice(0, 16);
}

/** A copy of an experiment file with a dispatch.fan_out (hierarchical dispatch). */
function withFanOut(config: string, fan: number): string {
  const file = join(OUT, `${config.split('/').pop()!.replace('.yaml', '')}-fan${fan}.yaml`);
  writeFileSync(file, readFileSync(join(ROOT, config), 'utf8') + `dispatch: {fan_out: ${fan}}\n`);
  return file;
}

async function runPython(variant: 'master-worker' | 'futures', ranks: number, evals: number, timeoutS: number): Promise<Outcome> {
  const argv = variant === 'master-worker'
    ? [PYTHON, 'bench/dispatch/mpi4py_master_worker.py', '--evals', String(evals), '--inflight', '4']
    : [PYTHON, '-m', 'mpi4py.futures', 'bench/dispatch/mpi4py_futures.py', '--evals', String(evals), '--chunksize', '64'];
  const r = await mpirun(ranks, argv, timeoutS);
  const json = r.code === 0 && !r.timedOut ? lastJson(r.stdout) : undefined;
  if (json === undefined) return { ok: false, reason: failure(r, timeoutS) };
  return {
    ok: true,
    evalsPerSecond: json.evalsPerSecond as number,
    sphereUs: json.sphereUs as number,
    evaluations: json.evaluations as number,
    seconds: json.seconds as number,
  };
}

interface PingPong { ok: boolean; reason?: string; us16?: number; us64k?: number }

async function runPingPong(timeoutS: number): Promise<PingPong> {
  const binary = join(OUT, 'pingpong');
  const cc = await runChild('mpicc', ['-O2', '-o', binary, 'bench/dispatch/pingpong.c'], timeoutS);
  if (cc.code !== 0) return { ok: false, reason: `mpicc failed: ${failure(cc, timeoutS)}` };
  const r = await mpirun(2, [binary], timeoutS);
  if (r.code !== 0 || r.timedOut) return { ok: false, reason: failure(r, timeoutS) };
  const rows = r.stdout.split('\n').filter((l) => l.trim().startsWith('{'))
    .map((l) => JSON.parse(l) as { bytes: number; usPerRoundTrip: number });
  return {
    ok: true,
    us16: rows.find((row) => row.bytes === 16)?.usPerRoundTrip,
    us64k: rows.find((row) => row.bytes === 65536)?.usPerRoundTrip,
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmtInt = (x: number) => Math.round(x).toLocaleString('en-US');
const fmt = (x: number, digits: number) => x.toFixed(digits);

interface Row { label: string; eps?: number; range?: string; overheadUs?: number; reason?: string }

function summarise(runs: RunRecord[], ranks: number, variant: VariantId, label: string): Row {
  const mine = runs.filter((r) => r.ranks === ranks && r.variant === variant);
  const good = mine.flatMap((r) => (r.outcome.ok ? [r.outcome] : []));
  if (good.length === 0) {
    const bad = mine.find((r) => !r.outcome.ok)?.outcome;
    return { label, reason: bad && !bad.ok ? bad.reason : 'not run' };
  }
  const eps = median(good.map((o) => o.evalsPerSecond));
  const all = good.map((o) => o.evalsPerSecond);
  return {
    label,
    eps,
    range: `${fmtInt(Math.min(...all))} - ${fmtInt(Math.max(...all))} (${good.length} of ${mine.length} ok)`,
    overheadUs: 1e6 / eps - median(good.map((o) => o.sphereUs)),
  };
}

function rankTable(runs: RunRecord[], ranks: number, pingPong: PingPong | undefined): { md: string[]; ours?: number; best?: number } {
  const rows = VARIANTS.filter((v) => v.id !== 'ours-relay' || ranks >= RELAY_FROM).map((v) => summarise(runs, ranks, v.id, v.label));
  const baselines = rows.filter((r) => r.label.startsWith('mpi4py')).flatMap((r) => (r.eps === undefined ? [] : [r.eps]));
  const best = baselines.length > 0 ? Math.max(...baselines) : undefined;
  if (pingPong?.ok && pingPong.us16 !== undefined) {
    rows.push({ label: 'raw C MPI ping-pong, 16 B (floor if each evaluation cost one round trip)', eps: 1e6 / pingPong.us16, range: '1 run', overheadUs: pingPong.us16 });
  } else if (pingPong) {
    rows.push({ label: 'raw C MPI ping-pong, 16 B', reason: pingPong.reason });
  }
  const loads = runs.filter((r) => r.ranks === ranks).map((r) => r.load1);
  const md = [
    `### ${ranks} ranks (1 coordinator + ${ranks - 1} worker${ranks === 2 ? '' : 's'})`,
    '',
    `1-minute load average during these runs: ${fmt(Math.min(...loads), 2)} - ${fmt(Math.max(...loads), 2)}`,
    '',
    '| variant | evals/s (median) | runs: min - max | overhead us/eval | ratio to better mpi4py |',
    '|---|---:|---:|---:|---:|',
    ...rows.map((r) => (r.eps === undefined
      ? `| ${r.label} | not available: ${r.reason} | | | |`
      : `| ${r.label} | ${fmtInt(r.eps)} | ${r.range} | ${fmt(r.overheadUs ?? NaN, 2)} | ${best ? fmt(r.eps / best, 2) + 'x' : 'n/a'} |`)),
    '',
  ];
  if (pingPong?.ok && pingPong.us64k !== undefined) {
    md.push(`Raw C MPI round trip: ${fmt(pingPong.us16 ?? NaN, 3)} us at 16 B, ${fmt(pingPong.us64k, 2)} us at 64 KiB.`, '');
  }
  return { md, ours: rows[0].eps, best };
}

/** This tree against the baseline build, per rank count: the median ratio of each configuration. */
function beforeAfterTable(runs: RunRecord[], rankCounts: number[], commit: string): string[] {
  const med = (ranks: number, v: VariantId) => {
    const xs = runs.filter((r) => r.ranks === ranks && r.variant === v && r.outcome.ok).map((r) => (r.outcome as { evalsPerSecond: number }).evalsPerSecond);
    return xs.length ? median(xs) : undefined;
  };
  const lines = [`### This tree against ${commit} (same run)`, '', `| ranks | random search: evals/s now / at ${commit} | ratio | reference GA: evals/s now / at ${commit} | ratio |`, '|---:|---:|---:|---:|---:|'];
  for (const ranks of rankCounts) {
    const [a, b, c, d] = [med(ranks, 'ours'), med(ranks, 'before'), med(ranks, 'ours-ga'), med(ranks, 'before-ga')];
    const r = (x?: number, y?: number) => (x && y ? `${fmt(x / y, 2)}x` : 'n/a');
    lines.push(`| ${ranks} | ${a ? fmtInt(a) : 'n/a'} / ${b ? fmtInt(b) : 'n/a'} | ${r(a, b)} | ${c ? fmtInt(c) : 'n/a'} / ${d ? fmtInt(d) : 'n/a'} | ${r(c, d)} |`);
  }
  return [...lines, ''];
}

/** Flat against relays per rank count: rank 0's messages per evaluation, the fan-out, the trajectories. */
function hierarchyTable(runs: RunRecord[], rankCounts: number[]): { md: string[]; verdicts: string[] } {
  const lines = ['### Hierarchical dispatch against flat (same run)', '',
    '| ranks | relays x workers each | rank 0 messages per 1,000 evaluations: flat / relays | reduction | fan-out (workers per relay) | evals/s: relays / flat | same trajectory |',
    '|---:|---|---:|---:|---:|---:|---|'];
  const verdicts: string[] = [];
  for (const ranks of rankCounts.filter((r) => r >= RELAY_FROM)) {
    const ok = (v: VariantId) => runs.filter((r) => r.ranks === ranks && r.variant === v && r.outcome.ok).map((r) => r.outcome as Extract<Outcome, { ok: true }>);
    const [flat, relay] = [ok('ours'), ok('ours-relay')];
    if (flat.length === 0 || relay.length === 0) {
      lines.push(`| ${ranks} | n/a | n/a | | | | |`);
      continue;
    }
    const perK = (o: Extract<Outcome, { ok: true }>) => (1000 * (o.messages ?? NaN)) / o.evaluations;
    const [mf, mr] = [median(flat.map(perK)), median(relay.map(perK))];
    const relays = relay[0].relays ?? NaN;
    const fan = (ranks - 1 - relays) / relays;
    const hashes = new Set([...flat, ...relay].map((o) => o.trajectory));
    const same = hashes.size === 1 && !hashes.has(undefined);
    const eps = median(relay.map((o) => o.evalsPerSecond)) / median(flat.map((o) => o.evalsPerSecond));
    lines.push(`| ${ranks} | ${relays} x ${fmt(fan, 1)} | ${fmt(mf, 2)} / ${fmt(mr, 2)} | ${fmt(mf / mr, 1)}x | ${fmt(fan, 1)} | ${fmt(eps, 2)}x | ${same ? `yes (${flat.length + relay.length} runs, one hash)` : `NO (${hashes.size} hashes)`} |`);
    verdicts.push(`| relays at ${ranks} ranks: the trajectory of flat dispatch | ${same ? 'same hash' : 'different'} | ${same ? 'met' : 'not met'} |`);
    verdicts.push(`| relays at ${ranks} ranks: rank 0's messages per evaluation cut by the fan-out (${fmt(fan, 1)}) | ${fmt(mf / mr, 1)}x | ${mf / mr >= 0.8 * fan ? 'met' : 'not met'} |`);
  }
  return { md: [...lines, '', 'A message is one batch out and its results back; a relay batch holds the rows of about fan-out worker batches.', ''], verdicts };
}

function targetsTable(results: { ranks: number; ours?: number; best?: number }[], extra: string[] = []): string[] {
  const verdict = (ok: boolean | undefined) => (ok === undefined ? 'not measured' : ok ? 'met' : 'not met');
  const lines = ['### Targets (same run)', '', '| target | ranks | measured | status |', '|---|---:|---:|---|'];
  const two = results.find((r) => r.ranks === 2);
  if (two) {
    lines.push(`| >= 1,000,000 evals/s | 2 | ${two.ours === undefined ? 'n/a' : fmtInt(two.ours)} | ${verdict(two.ours === undefined ? undefined : two.ours >= 1_000_000)} |`);
  }
  for (const r of results) {
    const ratio = r.ours !== undefined && r.best !== undefined ? r.ours / r.best : undefined;
    lines.push(`| >= 2x the better mpi4py variant | ${r.ranks} | ${ratio === undefined ? 'n/a' : fmt(ratio, 2) + 'x'} | ${verdict(ratio === undefined ? undefined : ratio >= 2)} |`);
  }
  lines.push(...extra.map((v) => v.replace(/^\| /, '| ').replace(/ \| ([^|]*) \| ([^|]*) \|$/, ' | | $1 | $2 |')));
  return [...lines, ''];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      ranks: { type: 'string', default: '2,4,8,16,32' },
      reps: { type: 'string', default: '3' },
      evals: { type: 'string', default: '500000' },
      timeout: { type: 'string', default: '300' },
      baseline: { type: 'string' },
    },
  });
  if (values.baseline) {
    const dir = values.baseline;
    const commit = spawnSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim() || dir;
    baseline = { dir, commit };
    VARIANTS.splice(2, 0, ...baselineVariants(commit));
  }
  const rankCounts = values.ranks.split(',').map(Number);
  const reps = Number(values.reps);
  const evals = Number(values.evals);
  const timeoutS = Number(values.timeout);
  mkdirSync(OUT, { recursive: true });

  const jsSphereUs = measureJsSphereUs();
  const runs: RunRecord[] = [];
  let pingPong: PingPong | undefined;
  for (const ranks of rankCounts) {
    if (ranks === 2) {
      pingPong = await runPingPong(timeoutS);
      console.log(`[dispatch] ping-pong: ${JSON.stringify(pingPong)}`);
    }
    const broken = new Set<VariantId>();
    for (let rep = 1; rep <= reps; rep++) {
      for (const { id } of VARIANTS) {
        if (broken.has(id)) continue; // a failed run of ours is not retried at this rank count
        if (id === 'ours-relay' && ranks < RELAY_FROM) continue;
        const load1 = loadavg()[0];
        const outcome =
          id === 'ours' ? await runOurs('bench/dispatch/sphere.yaml', ranks, jsSphereUs, timeoutS)
          : id === 'ours-relay' ? await runOurs(withFanOut('bench/dispatch/sphere.yaml', fanOut(ranks)), ranks, jsSphereUs, timeoutS)
          : id === 'ours-ga' ? await runOurs('bench/dispatch/sphere-ga.yaml', ranks, jsSphereUs, timeoutS)
          : id === 'before' ? await runOurs('bench/dispatch/sphere.yaml', ranks, jsSphereUs, timeoutS, baseline!.dir)
          : id === 'before-ga' ? await runOurs('bench/dispatch/sphere-ga.yaml', ranks, jsSphereUs, timeoutS, baseline!.dir)
          : await runPython(id, ranks, evals, timeoutS);
        if ((id.startsWith('ours') || id.startsWith('before')) && !outcome.ok) broken.add(id);
        runs.push({ ranks, rep, variant: id, outcome, load1 });
        console.log(`[dispatch] ranks=${ranks} rep=${rep} ${id}: ${outcome.ok ? fmtInt(outcome.evalsPerSecond) + ' evals/s' : 'not available: ' + outcome.reason}`);
      }
    }
  }

  const tables = rankCounts.map((ranks) => ({ ranks, ...rankTable(runs, ranks, ranks === 2 ? pingPong : undefined) }));
  const hierarchy = hierarchyTable(runs, rankCounts);
  const pySphere = runs.flatMap((r) => (r.outcome.ok && (r.variant === 'master-worker' || r.variant === 'futures') ? [r.outcome.sphereUs] : []));
  const body = [
    `Trivial fitness (10-D sphere), ${fmtInt(evals)} evaluations per baseline run; ours runs bench/dispatch/sphere.yaml`,
    `(random search, population 20,000, 25 generations: the cheapest real optimizer, since the mpi4py baselines run none)`,
    `and bench/dispatch/sphere-ga.yaml (the reference GA, same population; it re-evaluates only changed individuals),`,
    `through the whole stack: optimizer, dispatcher, actor system, MPI transport, worker, and the recorder writing every`,
    `individual to generations.msgpack. Variants interleaved per rank count, ${reps} repeats each, median reported;`,
    'only ratios within this run are meaningful on this shared machine. The load average includes this bench\'s own',
    'ranks (MPI ranks busy-poll), so a load near the rank count is expected even on a quiet machine.',
    '',
    `- launcher: ${existsSync(join(ROOT, 'launch/mpirun.sh')) ? 'launch/mpirun.sh' : 'mpirun with the variables of ENVIRONMENT.md (launch/mpirun.sh not found)'};`,
    `  C ping-pong built with mpicc -O2 into bench/out/pingpong; Python is ${PYTHON} (Debian python3-mpi4py).`,
    '- evals/s: ours = evaluations / (timing.runSeconds ?? wallSeconds) from summary.json (includes the optimizer);',
    '  mpi4py = evaluations / time of the dispatch loop only (vectors generated beforehand).',
    `- overhead us/eval = 1e6 / (evals/s) - one sphere evaluation (JS: ${fmt(jsSphereUs, 4)} us;`,
    `  Python: ${pySphere.length > 0 ? fmt(median(pySphere), 3) : 'n/a'} us), i.e. wall time per evaluation beyond the computation.`,
    '- ratio: evals/s divided by the better of the two mpi4py variants at the same rank count.',
    ...(baseline ? [`- before: the same configurations through a build of ${baseline.commit} (--baseline ${baseline.dir}), interleaved with this tree's runs.`] : []),
    '',
    ...tables.flatMap((t) => t.md),
    ...(baseline ? beforeAfterTable(runs, rankCounts, baseline.commit) : []),
    ...hierarchy.md,
    ...targetsTable(tables, hierarchy.verdicts),
  ].join('\n');
  writeFileSync(join(OUT, 'dispatch.md'), body + '\n');
  writeFileSync(join(OUT, 'dispatch.json'), JSON.stringify({ evals, reps, jsSphereUs, pingPong, runs }, null, 2) + '\n');
  console.log(body);
}

await main();
