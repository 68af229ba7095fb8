/**
 * Structural connectomes in TVB's plain-text format (a folder, or a .zip as TVB ships them, holding
 * weights.txt and tract_lengths.txt, N rows of N numbers, and centres.txt, a label and x y z per
 * region; in a zip they may sit in a subfolder), and their form for the kernel: the non-zero
 * weights of each target row as float32 (weights[i][j] is from source j to target i, as TVB reads it),
 * sources ascending, with their tract lengths.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import type { TvbConnectome } from '../../native/tvb.js';

export interface Connectome {
  /** Region labels and centres (where centres.txt was given). */
  labels: string[];
  centres: Array<[number, number, number]> | null;
  /** nodes x nodes, row-major: [i * n + j] from source j to target i. */
  weights: Float64Array;
  /** Tract lengths (mm), the same layout. */
  lengths: Float64Array;
  nodes: number;
}

export class ConnectomeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectomeError';
  }
}

/** A square matrix of numbers from text (whitespace-separated, one row per line, # comments). */
function matrix(text: string, file: string): { n: number; values: Float64Array } {
  const rows = text.split('\n').map((l) => l.replace(/#.*/, '').trim()).filter((l) => l !== '').map((l) => l.split(/\s+/).map(Number));
  const n = rows.length;
  const values = new Float64Array(n * n);
  rows.forEach((r, i) => {
    if (r.length !== n) throw new ConnectomeError(`${file}: row ${i + 1} has ${r.length} values, expected ${n} (a square matrix)`);
    r.forEach((x, j) => {
      if (!Number.isFinite(x)) throw new ConnectomeError(`${file}: row ${i + 1}, column ${j + 1} is not a number`);
      values[i * n + j] = x;
    });
  });
  return { n, values };
}

/** The text of a connectome's files by name: from a folder, or from a zip (any subfolder). */
function connectomeFiles(path: string): { where: (name: string) => string; text: (name: string) => string | null } {
  if (existsSync(path) && statSync(path).isFile()) {
    let entries: Record<string, Uint8Array>;
    try {
      entries = unzipSync(new Uint8Array(readFileSync(path)));
    } catch (err) {
      throw new ConnectomeError(`${path}: not a zip file TVB's connectivity could be in (${(err as Error).message})`);
    }
    const byName = new Map(Object.entries(entries).filter(([name]) => !name.endsWith('/')).map(([name, data]) => [basename(name), data]));
    return { where: (name) => `${path}:${name}`, text: (name) => (byName.has(name) ? strFromU8(byName.get(name)!) : null) };
  }
  return { where: (name) => join(path, name), text: (name) => (existsSync(join(path, name)) ? readFileSync(join(path, name), 'utf8') : null) };
}

/** Reads a connectome in TVB's text format: a folder or a zip. */
export function readConnectome(path: string): Connectome {
  const files = connectomeFiles(path);
  const need = (name: string) => files.text(name) ?? (() => {
    throw new ConnectomeError(`${path}: no ${name} (a TVB connectivity, folder or zip, has weights.txt, tract_lengths.txt and centres.txt)`);
  })();
  const w = matrix(need('weights.txt'), files.where('weights.txt'));
  const l = matrix(need('tract_lengths.txt'), files.where('tract_lengths.txt'));
  if (l.n !== w.n) throw new ConnectomeError(`${path}: weights.txt has ${w.n} regions, tract_lengths.txt ${l.n}`);
  if (l.values.some((x) => x < 0)) throw new ConnectomeError(`${files.where('tract_lengths.txt')}: a negative tract length`);
  let labels = Array.from({ length: w.n }, (_, i) => `R${i}`);
  let centres: Connectome['centres'] = null;
  const c = files.text('centres.txt');
  if (c !== null) {
    const rows = c.split('\n').map((x) => x.trim()).filter((x) => x !== '' && !x.startsWith('#')).map((x) => x.split(/\s+/));
    if (rows.length !== w.n) throw new ConnectomeError(`${files.where('centres.txt')}: ${rows.length} regions, weights.txt ${w.n}`);
    labels = rows.map((r) => r[0]);
    centres = rows.map((r) => [Number(r[1]), Number(r[2]), Number(r[3])]);
  }
  return { labels, centres, weights: w.values, lengths: l.values, nodes: w.n };
}

/** The kernel's form: non-zero weights by target row (float32), sources ascending, with their lengths. */
export function kernelConnectome(c: Connectome): TvbConnectome {
  const n = c.nodes;
  const rowStart = new Int32Array(n + 1);
  const source: number[] = [], weight: number[] = [], length: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const x = c.weights[i * n + j];
      if (x === 0) continue;
      source.push(j);
      weight.push(x);
      length.push(c.lengths[i * n + j]);
    }
    rowStart[i + 1] = source.length;
  }
  let maxLength = 0;
  for (const x of c.lengths) maxLength = Math.max(maxLength, x);
  return { row_start: rowStart, source: Int32Array.from(source), weight: Float32Array.from(weight), length: Float64Array.from(length), max_length: maxLength };
}
