/**
 * The CUBA benchmark network (test/fixtures/cuba/README.md) for the native simulator: its spec, its
 * initial potentials and Brian2's spike train, read from the fixture files. Shared by the correctness
 * test (test/native/snn-cuba.test.ts) and the speed benchmark (bench/snn.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import type { SnnNetworkSpec } from '../../src/native/snn.js';

const DIR = fileURLToPath(new URL('../fixtures/cuba/', import.meta.url));
export const N = 4000;
export const DT = 0.1;
export const STEPS = 10_000;

function rows(name: string): number[][] {
  return gunzipSync(readFileSync(join(DIR, `${name}.gz`))).toString('utf8').split('\n')
    .filter((l) => l.trim() && !l.startsWith('#')).map((l) => l.trim().split(/\s+/).map(Number));
}

/** The network in Brian2's conventions: C = tau_m (weights in mV), threshold v > Vt, 49 refractory updates, no delay. */
export function cubaSpec(): SnnNetworkSpec {
  const exc = rows('cuba_synapses_exc.txt');
  const inh = rows('cuba_synapses_inh.txt');
  const m = exc.length + inh.length;
  const fill = (v: number) => new Float64Array(N).fill(v);
  const all = [...exc.map((r) => [r[0], r[1], 0, 1.62]), ...inh.map((r) => [r[0], r[1], 1, -9.0])];
  return {
    n: N, dt: DT, model: 'exp', threshold: 'gt',
    params: {
      tau_m: fill(20), C_m: fill(20), tau_syn_ex: fill(5), tau_syn_in: fill(10), E_L: fill(-49), V_th: fill(-50), V_reset: fill(-60), I_e: fill(0),
      // refractory while round((t - t_s)/dt) < 50 after a spike stamped t_s: the 49 updates after its step
      ref_steps: new Int32Array(N).fill(49),
    },
    synapses: {
      pre: Int32Array.from(all, (r) => r[0]), post: Int32Array.from(all, (r) => r[1]), delay: new Int32Array(m),
      receptor: Uint8Array.from(all, (r) => r[2]), weight: Float64Array.from(all, (r) => r[3]),
    },
  };
}

export function cubaV0(): Float64Array {
  return Float64Array.from(rows('cuba_v0.txt'), (r) => r[0]);
}

/** Brian2's spikes as (step, neuron), in its order (by time, then neuron). */
export function brian2Spikes(): { steps: Int32Array; neurons: Int32Array } {
  const r = rows('cuba_spikes_brian2.txt');
  return { steps: Int32Array.from(r, (x) => Math.round(x[0] / DT)), neurons: Int32Array.from(r, (x) => x[1]) };
}

/** Mean rate (Hz) and mean coefficient of variation of the inter-spike intervals (neurons with >= 3 spikes). */
export function rateAndCv(steps: Int32Array, neurons: Int32Array, seconds = (STEPS * DT) / 1000): { rate: number; cv: number } {
  const byNeuron: number[][] = Array.from({ length: N }, () => []);
  for (let k = 0; k < steps.length; k++) byNeuron[neurons[k]].push(steps[k]);
  const cvs: number[] = [];
  for (const s of byNeuron) {
    if (s.length < 3) continue;
    const isi = s.slice(1).map((t, i) => t - s[i]);
    const mean = isi.reduce((a, b) => a + b, 0) / isi.length;
    const sd = Math.sqrt(isi.reduce((a, b) => a + (b - mean) ** 2, 0) / isi.length);
    cvs.push(sd / mean);
  }
  return { rate: steps.length / N / seconds, cv: cvs.reduce((a, b) => a + b, 0) / cvs.length };
}
