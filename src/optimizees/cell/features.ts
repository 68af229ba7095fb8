/**
 * Electrophysiological features of a voltage trace under a current step, as eFEL (BluePyOpt's feature
 * library) defines their like, computed the same way on the target's trace and on every individual's:
 *
 *   spike_count          upward crossings of the threshold over the whole trace
 *   first_spike_latency  the first crossing after the step's onset, minus the onset (ms)
 *   mean_isi             the mean interval between consecutive crossings (ms; two spikes or more)
 *   ap_height            the mean peak voltage of the spikes (mV): the maximum between a spike's
 *                        upward and downward crossings
 *   ap_width             the mean time above the threshold per spike (ms), crossings interpolated
 *                        linearly between samples
 *   ahp_depth            the mean minimum voltage after each spike's downward crossing, until the next
 *                        spike (the last: until the trace's end) (mV)
 *   resting_potential    the mean voltage over the last 10% of the time before the step (mV)
 *   input_resistance     (steady voltage - resting potential) / amplitude (MOhm = mV / nA), the steady
 *                        voltage the mean over the step's last 10%
 *
 * A feature that the trace does not have (a latency without a spike, an interval with one spike, a
 * resistance under no current) is null, with the reason; the fitness then decides (model.ts).
 */

export const FEATURE_NAMES = ['spike_count', 'first_spike_latency', 'mean_isi', 'ap_height', 'ap_width', 'ahp_depth', 'resting_potential', 'input_resistance'] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];

/** Floors of a target feature's standard deviation, so a small value does not make a tiny tolerance. */
export const FEATURE_STD_FLOOR: Record<FeatureName, number> = {
  spike_count: 1,
  first_spike_latency: 1,
  mean_isi: 1,
  ap_height: 2,
  ap_width: 0.1,
  ahp_depth: 2,
  resting_potential: 1,
  input_resistance: 5,
};

export const FEATURE_UNITS: Record<FeatureName, string> = {
  spike_count: '', first_spike_latency: 'ms', mean_isi: 'ms', ap_height: 'mV', ap_width: 'ms', ahp_depth: 'mV', resting_potential: 'mV', input_resistance: 'MOhm',
};

export interface Step {
  delay: number;
  duration: number;
  amplitude: number;
}

export type FeatureValues = Record<FeatureName, { value: number | null; missing?: string }>;

/** Upward and downward threshold crossings, interpolated between samples (times in ms). */
function crossings(v: ArrayLike<number>, dtSample: number, threshold: number): { up: number[]; down: number[]; upIndex: number[]; downIndex: number[] } {
  const up: number[] = [], down: number[] = [], upIndex: number[] = [], downIndex: number[] = [];
  for (let k = 1; k < v.length; k++) {
    const a = v[k - 1], b = v[k];
    if (a < threshold && b >= threshold) {
      up.push((k - 1 + (threshold - a) / (b - a)) * dtSample);
      upIndex.push(k);
    } else if (a >= threshold && b < threshold && up.length > down.length) {
      down.push((k - 1 + (a - threshold) / (a - b)) * dtSample);
      downIndex.push(k);
    }
  }
  return { up, down, upIndex, downIndex };
}

function mean(values: number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

function meanOver(v: ArrayLike<number>, from: number, to: number): number {
  let s = 0;
  for (let k = from; k < to; k++) s += v[k];
  return s / (to - from);
}

/** Every feature of one trace (sampled every dtSample ms from t = 0) under its protocol's step. */
export function traceFeatures(v: ArrayLike<number>, dtSample: number, step: Step, threshold: number): FeatureValues {
  const { up, down, upIndex, downIndex } = crossings(v, dtSample, threshold);
  const n = up.length;
  const onset = step.delay, end = step.delay + step.duration;
  const sampleAt = (t: number) => Math.min(v.length, Math.max(0, Math.round(t / dtSample)));
  const noSpike = 'no spike';
  const out = {} as FeatureValues;
  out.spike_count = { value: n };
  const after = up.filter((t) => t >= onset);
  out.first_spike_latency = after.length > 0 ? { value: after[0] - onset } : { value: null, missing: 'no spike after the onset' };
  out.mean_isi = n >= 2 ? { value: (up[n - 1] - up[0]) / (n - 1) } : { value: null, missing: n === 1 ? 'one spike' : noSpike };
  if (n === 0) {
    out.ap_height = { value: null, missing: noSpike };
    out.ap_width = { value: null, missing: noSpike };
    out.ahp_depth = { value: null, missing: noSpike };
  } else {
    const peaks: number[] = [], widths: number[] = [], troughs: number[] = [];
    for (let s = 0; s < n; s++) {
      const to = s < downIndex.length ? downIndex[s] : v.length;
      let peak = -Infinity;
      for (let k = upIndex[s]; k < to; k++) peak = Math.max(peak, v[k]);
      peaks.push(peak);
      if (s < down.length) {
        widths.push(down[s] - up[s]);
        const until = s + 1 < n ? upIndex[s + 1] : v.length;
        let trough = Infinity;
        for (let k = downIndex[s]; k < Math.min(until, v.length); k++) trough = Math.min(trough, v[k]);
        if (Number.isFinite(trough)) troughs.push(trough);
      }
    }
    out.ap_height = { value: mean(peaks) };
    out.ap_width = widths.length > 0 ? { value: mean(widths) } : { value: null, missing: 'a spike that never repolarized' };
    out.ahp_depth = troughs.length > 0 ? { value: mean(troughs) } : { value: null, missing: 'a spike that never repolarized' };
  }
  const restFrom = sampleAt(0.9 * onset), restTo = sampleAt(onset);
  const rest = restTo > restFrom ? meanOver(v, restFrom, restTo) : null;
  out.resting_potential = rest !== null ? { value: rest } : { value: null, missing: 'no time before the step' };
  const steadyFrom = sampleAt(end - 0.1 * step.duration), steadyTo = sampleAt(end);
  if (step.amplitude === 0) out.input_resistance = { value: null, missing: 'no current injected' };
  else if (rest === null || steadyTo <= steadyFrom) out.input_resistance = { value: null, missing: rest === null ? 'no time before the step' : 'the step ends after the trace' };
  else out.input_resistance = { value: (meanOver(v, steadyFrom, steadyTo) - rest) / step.amplitude };
  return out;
}
