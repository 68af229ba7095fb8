/**
 * Datasets a spiking network can classify, read from files a Debian package ships (no download): the
 * 8x8 handwritten digits of UCI (1797 samples, 64 pixels of 0..16, 10 classes), as scikit-learn ships
 * them in python3-sklearn (sklearn/datasets/data/digits.csv.gz: one sample per line, 64 pixels then
 * the label). A split into training and held-out samples is a seeded permutation, the same on every rank.
 */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { Rng } from '../../math/rng.js';

export interface Dataset {
  name: string;
  /** Where it was read from. */
  file: string;
  samples: number;
  features: number;
  classes: number;
  /** samples x features, each scaled to [0, 1]. */
  x: Float64Array;
  labels: Int32Array;
}

/** What is known of each dataset before its file is read (the schema checks population sizes against it). */
export const DATASETS = {
  digits: {
    features: 64,
    classes: 10,
    max: 16,
    files: ['/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz', '/usr/share/python3-sklearn/datasets/data/digits.csv.gz'],
    how: 'install python3-sklearn (Debian: apt-get install python3-sklearn), or give objective.classify.file',
  },
} as const;
export type DatasetName = keyof typeof DATASETS;

const cache = new Map<string, Dataset>();

/** The dataset, from `file` or the first of its known places; an Error that says how to get it when there is none. */
export function loadDataset(name: DatasetName, file?: string): Dataset {
  const info = DATASETS[name];
  const path = file ?? info.files.find((f) => existsSync(f));
  if (!path) throw new Error(`objective.classify.data: the ${name} dataset was not found (looked in ${info.files.join(', ')}): ${info.how}`);
  const key = `${name}:${path}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let text: string;
  try {
    const raw = readFileSync(path);
    text = (path.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
  } catch (err) {
    throw new Error(`objective.classify.file: ${path}: ${(err as Error).message}`);
  }
  const rows = text.split('\n').filter((l) => l.trim() !== '');
  const x = new Float64Array(rows.length * info.features);
  const labels = new Int32Array(rows.length);
  rows.forEach((line, i) => {
    const v = line.split(',').map(Number);
    if (v.length !== info.features + 1 || v.some((n) => !Number.isFinite(n))) throw new Error(`objective.classify.file: ${path}: line ${i + 1}: expected ${info.features} pixels and a label`);
    for (let j = 0; j < info.features; j++) x[i * info.features + j] = v[j] / info.max;
    const label = v[info.features];
    if (!Number.isInteger(label) || label < 0 || label >= info.classes) throw new Error(`objective.classify.file: ${path}: line ${i + 1}: label ${label} outside 0..${info.classes - 1}`);
    labels[i] = label;
  });
  const d: Dataset = { name, file: path, samples: rows.length, features: info.features, classes: info.classes, x, labels };
  cache.set(key, d);
  return d;
}

/** A seeded split: the held-out samples are the first test_fraction of a permutation, training the rest (in permuted order). */
export function split(d: Dataset, testFraction: number, seed: number): { train: Int32Array; test: Int32Array } {
  const order = Int32Array.from({ length: d.samples }, (_, i) => i);
  const rng = Rng.derive(seed, 'snn', 'split');
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const nTest = Math.round(testFraction * d.samples);
  return { test: order.slice(0, nTest), train: order.slice(nTest) };
}
