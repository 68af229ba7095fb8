/**
 * The snn optimizee: a network described in the experiment file is built as described (every rule,
 * every draw from the network's seed), validated with one line per mistake, and evaluated as a batch of
 * instances in one call, each row as if alone, with the fitness its rates give.
 */
import t from 'tap';
import { buildNetwork } from '../../src/optimizees/snn/build.js';
import { snnOptimizee, snnSchema } from '../../src/optimizees/snn/index.js';
import { resolveExperiment, ConfigError } from '../../src/experiment/resolve.js';
import type { BatchContext } from '../../src/core/optimizee.js';

const base = {
  duration_ms: 200,
  populations: { exc: { size: 80, v0: { uniform: [-70, -56] } }, inh: { size: 20 } },
  projections: [
    { name: 'ee', from: 'exc', to: 'exc', rule: { fixed_probability: 0.2, autapses: false }, weight: 30, delay_ms: 1.5 },
    { name: 'ei', from: 'exc', to: 'inh', rule: { fixed_indegree: 10 }, weight: { normal: [30, 5] } },
    { name: 'ie', from: 'inh', to: 'exc', rule: 'all_to_all', weight: -120 },
    { name: 'ii', from: 'inh', to: 'inh', rule: 'one_to_one', weight: -50 },
    { name: 'p', from: 'exc', to: 'inh', rule: { pairs: [[3, 1], [0, 2], [3, 0]] }, weight: { uniform: [1, 2] } },
  ],
  inputs: [{ name: 'drive', type: 'poisson', to: 'exc', rate_hz: 9000, weight: 40 }, { type: 'current', to: 'inh', amplitude: 100, start_ms: 50 }],
  parameters: [{ path: 'inputs.drive.rate_hz', lower: 1000, upper: 20000 }, { path: 'projections.ie.weight', lower: -300, upper: 0 }],
  objective: { rates: [{ population: 'exc', target_hz: 10 }, { population: 'inh', target_hz: 20, weight: 2 }] },
};

t.test('every connection rule builds what it says, from the network seed alone', async (t) => {
  const cfg = snnSchema.parse(base);
  const b = buildNetwork(cfg);
  const s = b.spec.synapses;
  const range = (name: string) => b.projections.get(name)!;
  const pairsOf = (name: string) => { const r = range(name); return Array.from({ length: r.hi - r.lo }, (_, k) => [s.pre[r.lo + k], s.post[r.lo + k]]); };
  t.same(b.populations.get('exc'), { lo: 0, hi: 80 });
  t.same(b.populations.get('inh'), { lo: 80, hi: 100 });
  const ee = pairsOf('ee');
  t.ok(ee.every(([i, j]) => i !== j && i < 80 && j < 80), 'ee: within exc, no autapses');
  // 80 x 79 possible pairs at p = 0.2: mean 1264, sd 35.6; four sd either side
  t.ok(Math.abs(ee.length - 1264) < 4 * 35.6, `ee: ${ee.length} synapses (expected about 1264)`);
  t.equal(new Set(ee.map(String)).size, ee.length, 'ee: no pair twice');
  const ei = pairsOf('ei');
  for (let j = 80; j < 100; j++) {
    const sources = ei.filter(([, post]) => post === j).map(([pre]) => pre);
    if (sources.length !== 10 || new Set(sources).size !== 10) t.fail(`ei: neuron ${j} has ${sources.length} sources`);
  }
  t.equal(ei.length, 200, 'ei: 10 distinct sources for each of 20 targets');
  t.equal(pairsOf('ie').length, 20 * 80, 'ie: all to all');
  t.same(pairsOf('ii'), Array.from({ length: 20 }, (_, i) => [80 + i, 80 + i]), 'ii: one to one');
  t.same(pairsOf('p'), [[0, 82], [3, 80], [3, 81]], 'pairs: as listed, in order');
  // weights, receptors and delays
  const ieR = range('ie');
  t.ok(Array.from(s.weight.subarray(ieR.lo, ieR.hi)).every((w) => w === -120) && Array.from(s.receptor.subarray(ieR.lo, ieR.hi)).every((r) => r === 1), 'negative weights are inhibitory');
  const eiW = Array.from(s.weight.subarray(range('ei').lo, range('ei').hi));
  const mean = eiW.reduce((a, w) => a + w, 0) / eiW.length;
  t.ok(Math.abs(mean - 30) < 4 * 5 / Math.sqrt(200), `ei weights drawn N(30, 5): mean ${mean.toFixed(2)}`);
  t.same([...new Set(Array.from(s.delay.subarray(range('ee').lo, range('ee').hi)))], [15], 'delay 1.5 ms: 15 steps');
  t.same([...new Set(Array.from(s.delay.subarray(range('ie').lo, range('ie').hi)))], [10], 'the default delay: 1 ms');
  t.equal(b.poisson.target.length, 80, 'one Poisson source per target neuron');
  t.same(b.currents.start[0], 500);
  // determinism: the same seed, the same network; another seed, another
  t.same(buildNetwork(snnSchema.parse(base)).spec.synapses.post, s.post, 'the same network from the same seed');
  t.notSame(buildNetwork(snnSchema.parse({ ...base, network_seed: 2 })).spec.synapses.post, s.post, 'another network from another seed');
});

t.test('a description that cannot work is one line naming the key, before anything runs', async (t) => {
  const refuse = (over: Record<string, unknown>, pattern: RegExp) => {
    const raw = { name: 'x', seed: 1, optimizer: { type: 'random', pop_size: 4 }, stop: { generations: 1 }, optimizee: { type: 'snn', ...base, ...over } };
    try {
      resolveExperiment(raw, 'x.yaml');
      t.fail(`accepted: ${pattern.source}`);
    } catch (err) {
      t.ok(err instanceof ConfigError, 'a ConfigError (exit code 2)');
      t.match((err as Error).message.split('\n')[0], pattern);
    }
  };
  refuse({ projections: [{ from: 'exc', to: 'nope', rule: 'all_to_all', weight: 1 }] }, /optimizee\.projections\.0\.to: got "nope", expected a population \(one of exc, inh\)/);
  refuse({ projections: [{ from: 'exc', to: 'inh', rule: 'all_to_all', weight: 1, delay_ms: 0.05 }] }, /optimizee\.projections\.0\.delay_ms: got 0\.05, expected at least one step \(dt = 0\.1 ms\)/);
  refuse({ parameters: [{ path: 'projections.nope.weight', lower: 0, upper: 1 }] }, /optimizee\.parameters\.0\.path: got "projections\.nope\.weight", expected a projection's name \(ee, ei, ie, ii, p\)/);
  refuse({ parameters: [{ path: 'inputs.drive.weight', lower: 0, upper: 1 }] }, /expected inputs\.drive\.rate_hz of a poisson input/);
  refuse({ parameters: [{ path: 'nothing', lower: 0, upper: 1 }] }, /expected a path of the form projections\.<name>\.weight/);
  refuse({ objective: { rates: [{ population: 'out', target_hz: 1 }] } }, /optimizee\.objective\.rates\.0\.population: got "out", expected a population/);
  refuse({ projections: [{ from: 'exc', to: 'inh', rule: 'one_to_one', weight: 1 }] }, /one_to_one between populations of the same size \(exc 80, inh 20\)/);
});

t.test('a batch is instances of one network: each row as if alone, its fitness from its rates', async (t) => {
  const cfg = snnSchema.parse(base);
  const model = snnOptimizee.create(cfg);
  t.same(model.space.params.map((p) => p.name), ['inputs.drive.rate_hz', 'projections.ie.weight']);
  const rows = [[6000, -100], [12000, -200], [6000, -100]];
  const x = Float64Array.from(rows.flat());
  const control = () => ({ cancel: new Int32Array(1), progress: new Float64Array(2) });
  const ctx = (seeds: number[]): BatchContext => ({ generation: 0, index: Int32Array.from(seeds, (_, i) => i), seed: Uint32Array.from(seeds), threads: 2 });
  const batch = await model.evaluateAsync!(x, ctx([11, 12, 13]), control());
  const rates = batch.outputs!.map((o) => Array.from(o!));
  t.ok(rates.every((r) => r.every(Number.isFinite)), `rates ${JSON.stringify(rates.map((r) => r.map((v) => +v.toFixed(2))))}`);
  rows.forEach((_, i) => {
    const [e, inh] = rates[i];
    t.equal(batch.fitness[i], -((e - 10) ** 2 + 2 * (inh - 20) ** 2), `row ${i}: fitness = -(exc - 10)^2 - 2 (inh - 20)^2`);
  });
  t.ok(rates[1][0] > rates[0][0], 'twice the drive, more excitatory firing');
  for (let i = 0; i < 3; i++) {
    const alone = await model.evaluateAsync!(x.subarray(2 * i, 2 * i + 2), ctx([11 + i]), control());
    t.same(Array.from(alone.outputs![0]!), rates[i], `row ${i}: the same as alone`);
  }
  t.notSame(rates[0], rates[2], 'the same parameters with another seed: other Poisson spikes and initial potentials');
});
