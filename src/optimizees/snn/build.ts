/**
 * From the description (schema.ts) to the arrays the native simulator takes (src/native/snn.ts): the
 * neurons of every population in order, every projection's synapses drawn by its rule, the inputs as
 * sources. Everything random here derives from the description's network_seed, so every rank and every
 * individual sees the same network; what an evaluation's own seed decides (initial potentials, Poisson
 * spikes) is drawn at run time (model.ts).
 */
import { Rng } from '../../math/rng.js';
import type { SnnNetworkSpec } from '../../native/snn.js';
import { inputName, NEURON_DEFAULTS, projectionName, type NeuronParamName, type SnnConfig } from './schema.js';

export interface Range {
  lo: number;
  hi: number;
}

export interface BuiltNetwork {
  spec: SnnNetworkSpec;
  steps: number;
  /** Neuron ranges by population. */
  populations: Map<string, Range>;
  /** Synapse ranges (in spec order) by projection; `drawn`: its weights came from a distribution. */
  projections: Map<string, Range & { drawn: boolean; weight: number }>;
  /** One Poisson source per target neuron of every poisson input; ranges of sources by input. */
  poisson: { target: Int32Array; receptor: Uint8Array; weight: Float64Array; rate_hz: Float64Array; byInput: Map<string, Range> };
  currents: { target: Int32Array; start: Int32Array; stop: Int32Array; amplitude: Float64Array };
  spikes: { step: Int32Array; target: Int32Array; receptor: Uint8Array; weight: Float64Array };
}

/** A value or a distribution, drawn from `rng`. */
function draw(v: SnnConfig['projections'][number]['weight'], rng: Rng): number {
  if (typeof v === 'number') return v;
  if ('normal' in v) return v.normal[0] + v.normal[1] * rng.normal();
  return rng.between(v.uniform[0], v.uniform[1]);
}

/** The (pre, post) pairs of a projection's rule, in order of pre, then post; indices within the populations. */
function pairs(rule: SnnConfig['projections'][number]['rule'], a: number, b: number, rng: Rng, same: boolean): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  if (rule === 'all_to_all') {
    for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) out.push([i, j]);
  } else if (rule === 'one_to_one') {
    for (let i = 0; i < a; i++) out.push([i, i]);
  } else if ('pairs' in rule) {
    out.push(...[...rule.pairs].sort((x, y) => x[0] - y[0] || x[1] - y[1]));
  } else if ('fixed_probability' in rule) {
    // each ordered pair independently with probability p: the gaps between chosen pairs are geometric
    const p = rule.fixed_probability;
    if (p > 0) {
      const total = a * b;
      const logq = Math.log1p(-p);
      for (let k = p >= 1 ? 0 : Math.floor(Math.log(1 - rng.uniform()) / logq); k < total; k += p >= 1 ? 1 : 1 + Math.floor(Math.log(1 - rng.uniform()) / logq)) {
        const i = Math.floor(k / b);
        const j = k % b;
        if (same && i === j && !rule.autapses) continue;
        out.push([i, j]);
      }
    }
  } else {
    // every target draws k distinct sources
    const k = rule.fixed_indegree;
    const byPre: Array<Array<[number, number]>> = Array.from({ length: a }, () => []);
    for (let j = 0; j < b; j++) {
      const chosen = new Set<number>();
      const pool = same && !rule.autapses ? a - 1 : a;
      while (chosen.size < Math.min(k, pool)) {
        const i = rng.int(a);
        if (same && !rule.autapses && i === j) continue;
        chosen.add(i);
      }
      for (const i of chosen) byPre[i].push([i, j]);
    }
    for (const list of byPre) out.push(...list.sort((x, y) => x[1] - y[1]));
  }
  return out;
}

export function buildNetwork(cfg: SnnConfig): BuiltNetwork {
  const populations = new Map<string, Range>();
  let n = 0;
  for (const [name, p] of Object.entries(cfg.populations)) {
    populations.set(name, { lo: n, hi: n + p.size });
    n += p.size;
  }
  const param = (name: NeuronParamName) => {
    const a = new Float64Array(n);
    for (const [pop, p] of Object.entries(cfg.populations)) {
      const r = populations.get(pop)!;
      a.fill(p.params[name] ?? NEURON_DEFAULTS[name], r.lo, r.hi);
    }
    return a;
  };
  const tRef = param('t_ref');
  const steps = Math.round(cfg.duration_ms / cfg.dt);
  // NEST's convention: a spike at the end of step k, refractory for t_ref from then (t_ref / dt updates), V >= V_th
  const refSteps = Int32Array.from(tRef, (t) => Math.round(t / cfg.dt));
  const pre: number[] = [];
  const post: number[] = [];
  const delay: number[] = [];
  const receptor: number[] = [];
  const weight: number[] = [];
  const projections = new Map<string, Range & { drawn: boolean; weight: number }>();
  cfg.projections.forEach((p, index) => {
    const rng = Rng.derive(cfg.network_seed, 'snn', 'projection', index);
    const a = populations.get(p.from)!;
    const b = populations.get(p.to)!;
    const lo = weight.length;
    const d = Math.max(1, Math.round(p.delay_ms / cfg.dt));
    for (const [i, j] of pairs(p.rule, a.hi - a.lo, b.hi - b.lo, rng, p.from === p.to)) {
      const w = draw(p.weight, rng);
      pre.push(a.lo + i);
      post.push(b.lo + j);
      delay.push(d);
      receptor.push(w < 0 ? 1 : 0);
      weight.push(w);
    }
    projections.set(projectionName(p), { lo, hi: weight.length, drawn: typeof p.weight !== 'number', weight: typeof p.weight === 'number' ? p.weight : 1 });
  });
  const ps = { target: [] as number[], receptor: [] as number[], weight: [] as number[], rate: [] as number[], byInput: new Map<string, Range>() };
  const cur = { target: [] as number[], start: [] as number[], stop: [] as number[], amplitude: [] as number[] };
  const sp = { step: [] as number[], target: [] as number[], receptor: [] as number[], weight: [] as number[] };
  for (const input of cfg.inputs) {
    const r = populations.get(input.to)!;
    if (input.type === 'poisson') {
      const lo = ps.target.length;
      for (let i = r.lo; i < r.hi; i++) {
        ps.target.push(i);
        ps.receptor.push(input.weight < 0 ? 1 : 0);
        ps.weight.push(input.weight);
        ps.rate.push(input.rate_hz);
      }
      ps.byInput.set(inputName(input), { lo, hi: ps.target.length });
    } else if (input.type === 'current') {
      for (let i = r.lo; i < r.hi; i++) {
        cur.target.push(i);
        cur.start.push(Math.round(input.start_ms / cfg.dt));
        cur.stop.push(input.stop_ms === undefined ? steps : Math.round(input.stop_ms / cfg.dt));
        cur.amplitude.push(input.amplitude);
      }
    } else {
      for (const t of [...input.times_ms].sort((x, y) => x - y)) {
        for (let i = r.lo; i < r.hi; i++) {
          sp.step.push(Math.round(t / cfg.dt));
          sp.target.push(i);
          sp.receptor.push(input.weight < 0 ? 1 : 0);
          sp.weight.push(input.weight);
        }
      }
    }
  }
  const spec: SnnNetworkSpec = {
    n, dt: cfg.dt, model: cfg.model === 'iaf_psc_alpha' ? 'alpha' : 'exp', threshold: 'ge',
    params: {
      tau_m: param('tau_m'), C_m: param('C_m'), tau_syn_ex: param('tau_syn_ex'), tau_syn_in: param('tau_syn_in'), E_L: param('E_L'),
      V_th: param('V_th'), V_reset: param('V_reset'), I_e: param('I_e'), ref_steps: refSteps,
    },
    synapses: { pre: Int32Array.from(pre), post: Int32Array.from(post), delay: Int32Array.from(delay), receptor: Uint8Array.from(receptor), weight: Float64Array.from(weight) },
  };
  return {
    spec, steps, populations, projections,
    poisson: { target: Int32Array.from(ps.target), receptor: Uint8Array.from(ps.receptor), weight: Float64Array.from(ps.weight), rate_hz: Float64Array.from(ps.rate), byInput: ps.byInput },
    currents: { target: Int32Array.from(cur.target), start: Int32Array.from(cur.start), stop: Int32Array.from(cur.stop), amplitude: Float64Array.from(cur.amplitude) },
    spikes: { step: Int32Array.from(sp.step), target: Int32Array.from(sp.target), receptor: Uint8Array.from(sp.receptor), weight: Float64Array.from(sp.weight) },
  };
}
