/**
 * The spiking simulator in closed loop (network.loop(), native/snn/stepper.h): each step is a step of
 * run(), so a loop driven with the inputs a run is given produces the run's spike train one for one
 * (constant currents, currents switched on and off, spikes relayed through a neuron's synapses), and
 * reset() starts it over; the ants' spiking brains (native/ants/snn_brain.h) step their networks this way.
 */
import t from 'tap';
import { loadSnn } from '../../src/native/loader.js';
import type { SnnLoop, SnnNetworkSpec, SnnRunOptions } from '../../src/native/snn.js';

const snn = loadSnn();

/** A small LCG in [0, 1). */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/**
 * n recurrent iaf_psc_alpha neurons (NEST's defaults, t_ref 2 steps at h = 1 ms), each with about 8
 * synapses of delay 1..5 and weights in [-600, 900] pA, the last neuron a relay with no inputs (it
 * fires only when emitted).
 */
function network(n: number, seed: number): SnnNetworkSpec {
  const r = lcg(seed);
  const fill = (v: number) => new Float64Array(n).fill(v);
  const pre: number[] = [], post: number[] = [], delay: number[] = [], receptor: number[] = [], weight: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 8; k++) {
      const j = Math.floor(r() * (n - 1));
      if (j === i) continue;
      const w = -600 + 1500 * r();
      pre.push(i); post.push(j); delay.push(1 + Math.floor(r() * 5)); receptor.push(w < 0 ? 1 : 0); weight.push(w);
    }
  }
  return {
    n, dt: 1, model: 'alpha', threshold: 'ge',
    params: { tau_m: fill(10), C_m: fill(250), tau_syn_ex: fill(2), tau_syn_in: fill(2), E_L: fill(-70), V_th: fill(-55), V_reset: fill(-70), I_e: fill(0), ref_steps: new Int32Array(n).fill(2) },
    synapses: { pre: Int32Array.from(pre), post: Int32Array.from(post), delay: Int32Array.from(delay), receptor: Uint8Array.from(receptor), weight: Float64Array.from(weight) },
  };
}

const N = 40, STEPS = 400;
const base = (extra: Partial<SnnRunOptions>): SnnRunOptions => ({ instances: 1, steps: STEPS, threads: 1, seeds: Uint32Array.of(1), ...extra });

/** The loop's spike train as (step, neuron) pairs, driven by `inputs(k, loop)` before each step. */
function drive(loop: SnnLoop, inputs: (k: number) => void): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let k = 0; k < STEPS; k++) {
    inputs(k);
    for (const i of loop.step()) out.push([k, i]);
  }
  return out;
}

const pairs = (s: { steps: Int32Array; neurons: Int32Array }) => Array.from(s.steps, (k, e): [number, number] => [k, s.neurons[e]]);

t.test('constant and switched currents: the loop fires exactly as run() does', async (t) => {
  const net = new snn.Network(network(N, 3));
  // neurons 0..9 driven at 420..600 pA from step 0; 10..14 at 800 pA over [100, 250)
  const target: number[] = [], start: number[] = [], stop: number[] = [], amplitude: number[] = [];
  for (let i = 0; i < 10; i++) { target.push(i); start.push(0); stop.push(STEPS); amplitude.push(420 + 20 * i); }
  for (let i = 10; i < 15; i++) { target.push(i); start.push(100); stop.push(250); amplitude.push(800); }
  const r = await net.run(base({ currents: { instance: new Int32Array(target.length).fill(-1), target: Int32Array.from(target), start: Int32Array.from(start), stop: Int32Array.from(stop), amplitude: Float64Array.from(amplitude) } }));
  const expected = pairs(r.spikes[0]);
  t.ok(expected.length > 100, `the run is busy (${expected.length} spikes), so the comparison means something`);
  t.ok(expected.some(([, i]) => i >= 15), 'recurrent neurons fire too, not only the driven ones');
  const loop = net.loop();
  const got = drive(loop, (k) => {
    if (k === 0) for (let i = 0; i < 10; i++) loop.setCurrent(i, 420 + 20 * i);
    if (k === 100) for (let i = 10; i < 15; i++) loop.setCurrent(i, 800);
    if (k === 250) for (let i = 10; i < 15; i++) loop.setCurrent(i, 0);
  });
  t.same(got, expected, 'the same (step, neuron) pairs, in the same order');
  t.equal(loop.steps, STEPS);
  loop.reset();
  t.equal(loop.steps, 0, 'reset: the counter at 0');
  t.equal(loop.v(20), -70, 'reset: at E_L');
  const again = drive(loop, (k) => {
    if (k === 0) for (let i = 0; i < 10; i++) loop.setCurrent(i, 420 + 20 * i);
    if (k === 100) for (let i = 10; i < 15; i++) loop.setCurrent(i, 800);
    if (k === 250) for (let i = 10; i < 15; i++) loop.setCurrent(i, 0);
  });
  t.same(again, expected, 'after reset() the same train again');
});

t.test('emit relays a spike through the neuron\'s synapses, as listed spikes at step + delay', async (t) => {
  const spec = network(N, 5);
  const relay = N - 1;
  // the relay neuron gets synapses of its own (delays 1..4) to a few targets; nothing reaches it
  const extra = [[3, 1, 900], [7, 2, 1200], [11, 4, -500], [20, 3, 2000]] as const;
  const keep = Array.from(spec.synapses.post, (p, e) => p !== relay && spec.synapses.pre[e] !== relay);
  const pick = <A extends Int32Array | Uint8Array | Float64Array>(a: A, add: number[]) => {
    const kept = Array.from(a as ArrayLike<number>).filter((_, e) => keep[e]);
    return [...kept, ...add];
  };
  spec.synapses = {
    pre: Int32Array.from(pick(spec.synapses.pre, extra.map(() => relay))),
    post: Int32Array.from(pick(spec.synapses.post, extra.map((x) => x[0]))),
    delay: Int32Array.from(pick(spec.synapses.delay, extra.map((x) => x[1]))),
    receptor: Uint8Array.from(pick(spec.synapses.receptor, extra.map((x) => (x[2] < 0 ? 1 : 0)))),
    weight: Float64Array.from(pick(spec.synapses.weight, extra.map((x) => x[2]))),
  };
  const net = new snn.Network(spec);
  const emitAt = Array.from({ length: STEPS / 3 }, (_, k) => 3 * k);
  // the run: the relay's spikes as listed spikes into its targets, arriving at step + delay
  const listed = emitAt.flatMap((k) => extra.map(([target, d, w]) => ({ step: k + d, target, w }))).filter((s) => s.step < STEPS).sort((a, b) => a.step - b.step);
  const r = await net.run(base({
    spikes: { instance: new Int32Array(listed.length).fill(-1), step: Int32Array.from(listed, (s) => s.step), target: Int32Array.from(listed, (s) => s.target), receptor: Uint8Array.from(listed, (s) => (s.w < 0 ? 1 : 0)), weight: Float64Array.from(listed, (s) => s.w) },
  }));
  const expected = pairs(r.spikes[0]);
  t.ok(expected.length > 20, `the relayed spikes make neurons fire (${expected.length} spikes)`);
  const loop = net.loop();
  const got = drive(loop, (k) => { if (k % 3 === 0) loop.emit(relay); });
  t.same(got, expected, 'the same train');
  t.notOk(got.some(([, i]) => i === relay), 'the relay itself never fires: emit relays, it does not excite');
});

t.test('loop arguments are checked', async (t) => {
  const loop = new snn.Network(network(5, 1)).loop();
  t.throws(() => loop.setCurrent(5, 1), RangeError, 'a neuron outside the network');
  t.throws(() => loop.setCurrent(-1, 1), RangeError);
  t.throws(() => loop.setCurrent(0, Number.NaN), TypeError, 'a current that is not finite');
  t.throws(() => loop.emit(1.5), RangeError, 'a fractional index');
  t.throws(() => loop.v(99), RangeError);
});
