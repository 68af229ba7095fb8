/**
 * The reservoir of examples/reservoir-digits.yaml (64 input, 100 excitatory and 25 inhibitory
 * iaf_psc_alpha neurons; 100-ms digit samples as Poisson rates), side by side in one run:
 *   - time per sample, ours (native/snn) against the snn optimizee's Brian2 back end (python/l2l_snn.py,
 *     Brian2's cython target, driven by bench/snn/reservoir_brian2.py) on the same network (every
 *     synapse, weight and delay the same arrays), shown one sample per run (sequential) and as 200
 *     copies per run (batched; ours: 200 trials per call);
 *   - the mean rates of each population on the same samples, ours and Brian2's (the same network);
 *   - the untrained reservoir's held-out accuracy with a ridge readout of its spike counts (the
 *     baseline an EnKF-trained readout is held to), on ours and on Brian2, next to a ridge readout of
 *     the raw pixels;
 *   - per back end (--trained; default native and brian2): the held-out accuracy of the EnKF-trained
 *     readout (examples/reservoir-digits.yaml on 3 ranks), and of the two loops
 *     (examples/reservoir-two-loop.yaml on 5 ranks: the GA's best inner run) against that inner
 *     experiment with the filter's defaults (gamma 0.5, its ensemble of 100).
 * Reports figures, asserts nothing. Needs Debian's python3-brian and python3-sklearn, and dist/ built.
 *
 *   node --import tsx bench/reservoir.ts [--samples 400] [--trained native,brian2 | none]
 *
 * Writes bench/out/reservoir.md (the section of bench/RESULTS.md) and bench/out/reservoir.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Matrix, solve } from 'ml-matrix';
import { parse, stringify } from 'yaml';
import { loadSnn } from '../src/native/loader.js';
import { buildNetwork, snnSchema, type BuiltNetwork } from '../src/optimizees/snn/index.js';
import { loadDataset, split, type Dataset } from '../src/optimizees/snn/data.js';
import { hashSeed, Rng } from '../src/math/rng.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'bench', 'out');
const { values } = parseArgs({ options: { samples: { type: 'string', default: '400' }, trained: { type: 'string', default: 'native,brian2' } } });
const nSamples = Number(values.samples);

const example = parse(readFileSync(join(ROOT, 'examples', 'reservoir-digits.yaml'), 'utf8'));
const { type: _type, ...oe } = example.optimizee;
const cfg = snnSchema.parse(oe);
const classify = cfg.objective.classify!;
const b: BuiltNetwork = buildNetwork(cfg);
const data: Dataset = loadDataset('digits');
const k = b.poisson.target.length;
const src = b.poisson.byInput.get(classify.input)!;

/** Trial rates (samples x sources) of these samples. */
function rates(samples: ArrayLike<number>): Float64Array {
  const r = new Float64Array(samples.length * k);
  for (let t = 0; t < samples.length; t++) {
    r.set(b.poisson.rate_hz, t * k);
    for (let j = src.lo; j < src.hi; j++) r[t * k + j] = classify.low_hz + (classify.high_hz - classify.low_hz) * data.x[samples[t] * data.features + (j - src.lo)];
  }
  return r;
}

/** Initial potentials as the model draws them (one seed). */
function v0(seed: number): Float64Array {
  const v = new Float64Array(b.spec.n);
  const rng = Rng.derive(seed, 'snn', 'v0');
  for (const [name, p] of Object.entries(cfg.populations)) {
    const r = b.populations.get(name)!;
    for (let i = r.lo; i < r.hi; i++) {
      const d = p.v0;
      v[i] = d === undefined ? (p.params.E_L ?? -70) : typeof d === 'number' ? d : 'uniform' in d ? rng.between(d.uniform[0], d.uniform[1]) : d.normal[0] + d.normal[1] * rng.normal();
    }
  }
  return v;
}

const net = new (loadSnn().Network)(b.spec);
const seed = hashSeed(cfg.network_seed, 'bench');
const V0 = v0(seed);
const poisson = { target: b.poisson.target, receptor: b.poisson.receptor, weight: b.poisson.weight, rate_hz: b.poisson.rate_hz };

async function ours(samples: Int32Array, perCall: number, threads: number): Promise<{ perSample: number; counts: Int32Array }> {
  const counts = new Int32Array(samples.length * b.spec.n);
  const t0 = performance.now();
  for (let s = 0; s < samples.length; s += perCall) {
    const chunk = samples.subarray(s, Math.min(samples.length, s + perCall));
    const r = await net.run({ instances: 1, trials: chunk.length, steps: b.steps, threads, seeds: Uint32Array.of(seed), v0: V0, poisson: { ...poisson, trial_rate_hz: rates(chunk) } });
    counts.set(r.counts, s * b.spec.n);
  }
  return { perSample: (performance.now() - t0) / samples.length, counts };
}

/** A value for JSON: typed arrays as lists, objects walked. */
function plain(x: unknown): unknown {
  if (ArrayBuffer.isView(x)) return Array.from(x as unknown as ArrayLike<number>);
  if (Array.isArray(x)) return x.map(plain);
  if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([key, v]) => [key, plain(v)]));
  return x;
}

/**
 * These samples on the Brian2 back end (python/l2l_snn.py), `copies` per call, given the network and
 * the run exactly as the native simulator gets them; counts summed over the samples, or per sample.
 */
function brian2(samples: Int32Array, copies: number, perSample = false): { perSample: number; counts: number[] | number[][] } | { error: string } {
  const input = JSON.stringify(plain({
    spec: b.spec, copies, per_sample: perSample,
    options: { instances: 1, steps: b.steps, seeds: [seed], v0: V0, poisson },
    trial_rates: Array.from({ length: samples.length }, (_, t) => rates(samples.subarray(t, t + 1))),
  }));
  const r = spawnSync('/usr/bin/python3', [join(ROOT, 'bench', 'snn', 'reservoir_brian2.py')], { input, encoding: 'utf8', env: { ...process.env, PYTHONWARNINGS: 'ignore' }, maxBuffer: 1 << 28, timeout: 1_800_000 });
  try {
    const j = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '');
    return { perSample: j.seconds_per_sample * 1000, counts: j.counts };
  } catch {
    return { error: (r.stderr.trim().split('\n').at(-1) ?? `exit ${r.status}`).slice(0, 300) };
  }
}

/** Mean rate (Hz) per population over these samples' counts (summed over samples). */
function popRates(total: ArrayLike<number>, samples: number): Record<string, number> {
  const seconds = (b.steps * b.spec.dt) / 1000;
  return Object.fromEntries([...b.populations].map(([name, r]) => {
    let s = 0;
    for (let i = r.lo; i < r.hi; i++) s += total[i];
    return [name, s / (r.hi - r.lo) / samples / seconds];
  }));
}

function sumRows(counts: Int32Array, rows: number): Float64Array {
  const n = b.spec.n;
  const t = new Float64Array(n);
  for (let s = 0; s < rows; s++) for (let i = 0; i < n; i++) t[i] += counts[s * n + i];
  return t;
}

/** Ridge regression onto one-hot labels (lambda 1, a bias), trained on `train`, accuracy on `test`. */
function ridge(features: (s: number) => number[], train: Int32Array, test: Int32Array): { train: number; test: number } {
  const X = new Matrix(Array.from(train, (s) => [1, ...features(s)]));
  const Y = new Matrix(Array.from(train, (s) => Array.from({ length: data.classes }, (_, c) => (c === data.labels[s] ? 1 : 0))));
  const A = X.transpose().mmul(X);
  for (let i = 1; i < A.rows; i++) A.set(i, i, A.get(i, i) + 1);
  const W = solve(A, X.transpose().mmul(Y));
  const acc = (idx: Int32Array) => {
    let ok = 0;
    for (const s of idx) {
      const z = new Matrix([[1, ...features(s)]]).mmul(W).getRow(0);
      if (z.indexOf(Math.max(...z)) === data.labels[s]) ok++;
    }
    return ok / idx.length;
  };
  return { train: acc(train), test: acc(test) };
}

/** A run of the CLI under mpirun; its results directory. */
function runJob(ranks: number, file: string, out: string): { seconds: number; ok: boolean; tail: string } {
  const t0 = performance.now();
  const r = spawnSync(join(ROOT, 'launch', 'mpirun.sh'), ['-n', String(ranks), 'node', join(ROOT, 'dist', 'main.js'), 'run', file, '--out', out, '--force', '--quiet'], { encoding: 'utf8', timeout: 3_600_000 });
  return { seconds: (performance.now() - t0) / 1000, ok: r.status === 0, tail: (r.stderr || r.stdout).trim().split('\n').slice(-2).join(' ') };
}

const accuracyOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'assessment.json'), 'utf8')).metrics.accuracy as number;

/** An example file with the snn optimizee (or the inner experiment's) on this back end, written to dir. */
function onBackend(example: string, backend: string, dir: string): string {
  const doc = parse(readFileSync(join(ROOT, 'examples', example), 'utf8'));
  const snn = doc.optimizee.type === 'snn' ? doc.optimizee : doc.optimizee.inner.optimizee;
  snn.backend = backend;
  const file = join(dir, `${backend}-${example}`);
  writeFileSync(file, stringify(doc));
  return file;
}

/** The EnKF-trained readout, and the two loops against the inner experiment's defaults, on one back end: lines of the section. */
function trained(backend: string): string[] {
  const tmp = mkdtempSync(join(tmpdir(), `l2l-bench-reservoir-${backend}-`));
  const out: string[] = [];
  const enkf = join(tmp, 'enkf');
  const enkfFile = onBackend('reservoir-digits.yaml', backend, tmp);
  const pop = parse(readFileSync(enkfFile, 'utf8')).optimizer.pop_size;
  const e = runJob(3, enkfFile, enkf);
  out.push(e.ok ? `${backend}: EnKF-trained readout (examples/reservoir-digits.yaml, ${pop} members, 3 ranks, ${e.seconds.toFixed(0)} s): held-out accuracy of the best member ${accuracyOf(enkf).toFixed(3)}.` : `${backend}: EnKF run failed: ${e.tail}`);
  const twoFile = onBackend('reservoir-two-loop.yaml', backend, tmp);
  const two = join(tmp, 'two-loop');
  const tl = runJob(5, twoFile, two);
  // the inner experiment as the template has it (gamma 0.5, an ensemble of 100), with the seed of the outer run
  const outer = parse(readFileSync(twoFile, 'utf8'));
  const defaultsFile = join(tmp, 'defaults.yaml');
  writeFileSync(defaultsFile, stringify({ name: 'reservoir-two-loop-defaults', seed: outer.seed, ...outer.optimizee.inner }));
  const def = join(tmp, 'defaults');
  const d = runJob(3, defaultsFile, def);
  const done = (lines: string[]) => {
    // the runs record every member of every generation: gigabytes, gone once read
    rmSync(tmp, { recursive: true, force: true });
    return lines;
  };
  if (!tl.ok || !d.ok) return done([...out, '', `${backend}: two-loop run failed: ${tl.ok ? d.tail : tl.tail}`]);
  const summary = JSON.parse(readFileSync(join(two, 'summary.json'), 'utf8'));
  const bestDir = join(two, 'inner', `g${summary.best.generation}-i${summary.best.index}`);
  const bestCfg = JSON.parse(readFileSync(join(bestDir, 'config.json'), 'utf8')).experiment.optimizer;
  const inner = readdirSync(join(two, 'inner')).map((k) => accuracyOf(join(two, 'inner', k)));
  const innerGens = outer.optimizee.inner.stop.generations;
  out.push('', `${backend}: two loops (examples/reservoir-two-loop.yaml, 5 ranks, ${tl.seconds.toFixed(0)} s, ${inner.length} inner EnKF runs of ${innerGens} generations): the GA's best inner run (gamma ${bestCfg.gamma.toFixed(3)}, ensemble ${bestCfg.pop_size}) reaches held-out accuracy ${accuracyOf(bestDir).toFixed(3)}, against ${accuracyOf(def).toFixed(3)} for the same inner experiment with the filter's defaults (gamma ${outer.optimizee.inner.optimizer.gamma}, ensemble ${outer.optimizee.inner.optimizer.pop_size}, ${d.seconds.toFixed(0)} s); inner runs ranged ${Math.min(...inner).toFixed(3)}-${Math.max(...inner).toFixed(3)}.`);
  return done(out);
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const { train, test } = split(data, classify.test_fraction, classify.split_seed);
  const order = Int32Array.from({ length: data.samples }, (_, i) => i);
  const bench = order.subarray(0, nSamples);
  // warm-up, then ours: one sample per call, and 200 per call on 1 and 2 threads
  await ours(bench.subarray(0, 20), 1, 1);
  const seq = await ours(bench, 1, 1);
  const bat1 = await ours(bench, 200, 1);
  const bat2 = await ours(bench, 200, 2);
  const seqSamples = Math.min(nSamples, Number(process.env.SEQ ?? 60));
  const b2seq = brian2(bench.subarray(0, seqSamples), 1);
  const b2bat = brian2(bench, 200);
  // the whole dataset through the reservoir once (200 per call), for the ridge baseline
  const all = await ours(order, 200, Math.min(2, cpus().length));
  const n = b.spec.n;
  const read = ['exc', 'inh'].map((p) => b.populations.get(p)!);
  const reservoirFeatures = (s: number) => read.flatMap((r) => Array.from(all.counts.subarray(s * n + r.lo, s * n + r.hi)));
  const pixelFeatures = (s: number) => Array.from(data.x.subarray(s * data.features, (s + 1) * data.features));
  const ridgeReservoir = ridge(reservoirFeatures, train, test);
  const ridgePixels = ridge(pixelFeatures, train, test);
  // and through the same reservoir on Brian2 (python/l2l_snn.py), for its own ridge baseline
  const b2all = brian2(order, 200, true);
  const ridgeBrian2 = 'error' in b2all ? null : ridge((s: number) => read.flatMap((r) => (b2all.counts as number[][])[s].slice(r.lo, r.hi)), train, test);
  const fmt = (x: number) => x.toFixed(3);
  const ratio = (theirs: { perSample: number } | { error: string }, mine: number) => ('error' in theirs ? 'n/a' : `${(theirs.perSample / mine).toFixed(1)}x`);
  const t2 = (x: { perSample: number } | { error: string }) => ('error' in x ? `failed: ${x.error}` : `${fmt(x.perSample)} ms`);
  const oursRates = popRates(sumRows(bat1.counts, nSamples), nSamples);
  const b2Rates = 'error' in b2bat ? null : popRates(b2bat.counts as number[], nSamples);
  const lines = [
    `## reservoir (examples/reservoir-digits.yaml: ${b.spec.n} neurons, ${b.spec.synapses.pre.length} synapses, ${k} Poisson sources; 100-ms digit samples)`,
    '',
    '| per 100-ms sample | ours | Brian2 back end (cython) | Brian2 / ours |',
    '|---|---:|---:|---:|',
    `| sequential (one sample per run; Brian2 ${seqSamples} samples) | ${fmt(seq.perSample)} ms | ${t2(b2seq)} | ${ratio(b2seq, seq.perSample)} |`,
    `| batched (200 per run: ours 200 trials per call, Brian2 200 copies), 1 thread | ${fmt(bat1.perSample)} ms | ${t2(b2bat)} | ${ratio(b2bat, bat1.perSample)} |`,
    `| batched, ours on 2 threads | ${fmt(bat2.perSample)} ms | | ${ratio(b2bat, bat2.perSample)} |`,
    '',
    `Mean rates over the same ${nSamples} samples (Hz), ours / Brian2: ${Object.entries(oursRates).map(([p, r]) => `${p} ${r.toFixed(2)} / ${b2Rates ? b2Rates[p].toFixed(2) : 'n/a'}`).join(', ')}.`,
    '',
    `Ridge readout (lambda 1) of the untrained reservoir's spike counts (exc + inh, ${read.reduce((a, r) => a + r.hi - r.lo, 0)} features), ${train.length} training / ${test.length} held-out digits (split_seed ${classify.split_seed}): held-out accuracy ${fmt(ridgeReservoir.test)} (training ${fmt(ridgeReservoir.train)}); the same reservoir on Brian2: ${ridgeBrian2 ? `${fmt(ridgeBrian2.test)} (training ${fmt(ridgeBrian2.train)})` : `failed: ${'error' in b2all ? b2all.error : ''}`}; of the raw pixels: ${fmt(ridgePixels.test)}.`,
    '',
  ];
  for (const backend of values.trained === 'none' ? [] : values.trained.split(',')) lines.push(...trained(backend), '');
  writeFileSync(join(OUT, 'reservoir.md'), lines.join('\n'));
  writeFileSync(join(OUT, 'reservoir.json'), JSON.stringify({ seq: seq.perSample, bat1: bat1.perSample, bat2: bat2.perSample, b2seq, b2bat: 'error' in b2bat ? b2bat : { perSample: b2bat.perSample }, oursRates, b2Rates, ridgeReservoir, ridgeBrian2, ridgePixels }, null, 2));
  process.stdout.write(lines.join('\n'));
}

await main();
