/**
 * An ant's spiking network as arrays (src/native/snn.ts's SnnNetworkSpec): the network
 * native/ants/snn_brain.h builds in C++, written out for the brains that run elsewhere (NEST through
 * the embedded Python, python/l2l_ants_nest.py; network.loop() in tests), so every brain gets the same
 * neurons and synapses from the same genome. Neurons: 0..10 sensory, 11 the heartbeat (a relay: it
 * receives nothing and fires only when emitted), 12..21 hidden, 22..25 motor; synapses in the genome's
 * order (snn_brain.h states it).
 */
import type { SnnNetworkSpec } from '../../native/snn.js';

export const SENSORS = 11, HIDDEN = 10, MOTORS = 4;
export const HEARTBEAT = SENSORS, FIRST_HIDDEN = SENSORS + 1, FIRST_MOTOR = FIRST_HIDDEN + HIDDEN;
export const NEURONS = FIRST_MOTOR + MOTORS;
export const GENES = SENSORS * HIDDEN + HIDDEN + HIDDEN * (HIDDEN - 1) + HIDDEN * MOTORS;

/** Where python/l2l_ants_nest.py's build() finds the sensory, heartbeat and motor neurons. */
export const NEST_LAYOUT = { sensors: SENSORS, heartbeat: HEARTBEAT, first_motor: FIRST_MOTOR, motors: MOTORS } as const;

/** (pre, post) of each gene, in the genome's order. */
export function geneEnds(): Array<[number, number]> {
  const ends: Array<[number, number]> = [];
  for (let i = 0; i < SENSORS; i++) for (let j = 0; j < HIDDEN; j++) ends.push([i, FIRST_HIDDEN + j]);
  for (let j = 0; j < HIDDEN; j++) ends.push([HEARTBEAT, FIRST_HIDDEN + j]);
  for (let s = 0; s < HIDDEN; s++) for (let u = 0; u < HIDDEN; u++) if (u !== s) ends.push([FIRST_HIDDEN + s, FIRST_HIDDEN + u]);
  for (let s = 0; s < HIDDEN; s++) for (let m = 0; m < MOTORS; m++) ends.push([FIRST_HIDDEN + s, FIRST_MOTOR + m]);
  return ends;
}

/**
 * The network of one genome (GENES weights and delays from `at`): iaf_psc_alpha with NEST's defaults
 * and t_ref 1 ms at h = 1 ms, threshold V >= V_th, weights times `weightScale` (pA), negative onto the
 * inhibitory receptor.
 */
export function antNetwork(weights: Float64Array, delays: Int32Array, weightScale: number, at = 0): SnnNetworkSpec {
  const fill = (v: number) => new Float64Array(NEURONS).fill(v);
  const ends = geneEnds();
  const w = Float64Array.from(ends, (_, g) => weights[at + g] * weightScale);
  return {
    n: NEURONS, dt: 1, model: 'alpha', threshold: 'ge',
    params: {
      tau_m: fill(10), C_m: fill(250), tau_syn_ex: fill(2), tau_syn_in: fill(2), E_L: fill(-70), V_th: fill(-55), V_reset: fill(-70), I_e: fill(0),
      ref_steps: new Int32Array(NEURONS).fill(1),
    },
    synapses: {
      pre: Int32Array.from(ends, (e) => e[0]), post: Int32Array.from(ends, (e) => e[1]),
      delay: Int32Array.from(ends, (_, g) => delays[at + g]), receptor: Uint8Array.from(w, (v) => (v < 0 ? 1 : 0)), weight: w,
    },
  };
}
