/**
 * Target traces from files: CSV rows of time (ms) and voltage (mV), comma, semicolon or whitespace
 * separated, '#' comments and a header line allowed, times increasing and covering 0..tstop; linearly
 * interpolated onto the protocol's sample times (k x sample_ms). Every problem is one line with the
 * file (and line).
 */
import { readFileSync } from 'node:fs';

export function readTraceCsv(file: string, samples: number, sampleMs: number, tstop: number): Float64Array {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new RangeError(`target.traces: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const t: number[] = [], v: number[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') return;
    const f = line.split(/[\s,;]+/).map(Number);
    if (f.length < 2 || !Number.isFinite(f[0]) || !Number.isFinite(f[1])) {
      if (t.length === 0 && i === 0) return; // a header
      throw new RangeError(`target.traces: ${file}:${i + 1}: expected time, voltage, got "${line.slice(0, 60)}"`);
    }
    if (t.length > 0 && !(f[0] > t[t.length - 1])) throw new RangeError(`target.traces: ${file}:${i + 1}: times must increase`);
    t.push(f[0]);
    v.push(f[1]);
  });
  if (t.length < 2 || t[0] > 1e-9 || t[t.length - 1] < (samples - 1) * sampleMs - 1e-9) throw new RangeError(`target.traces: ${file} covers ${t[0] ?? 0}..${t[t.length - 1] ?? 0} ms, expected 0..${tstop} ms (the protocol's tstop)`);
  const out = new Float64Array(samples);
  let j = 0;
  for (let k = 0; k < samples; k++) {
    const tk = k * sampleMs;
    while (j + 2 < t.length && t[j + 1] < tk) j++;
    const w = Math.min(1, Math.max(0, (tk - t[j]) / (t[j + 1] - t[j])));
    out[k] = v[j] + w * (v[j + 1] - v[j]);
  }
  return out;
}
