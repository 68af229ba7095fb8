/**
 * The cell's geometry as the back ends take it (src/native/arbor.ts CellSection): unbranched sections,
 * each a chain of frusta through its points, from the experiment file's built-in description (a soma
 * and cylinders) or from an SWC file.
 *
 * SWC (id type x y z radius parent, one sample per line, '#' comments): a section runs from a sample
 * whose parent is a branch point (or of another type) to the next branch point or tip, and starts at
 * its parent's last point; a child of the soma starts at its own first sample (not inside the soma).
 * The root section is the soma's chain of samples from the root (the root and each sample's only child
 * of the soma's type); every other child of those samples attaches to the root section at its nearer end.
 * A soma of one sample is a cylinder as long as its diameter, along x (NEURON's convention for a
 * spherical soma: the same area). Regions are the SWC types: soma 1, axon 2, dend 3, apic 4, type<k>.
 * Every malformed line, a parent that comes later or does not exist, or a sample of zero radius is
 * refused with the file and line.
 */
import { readFileSync } from 'node:fs';
import type { CellSection } from '../../native/arbor.js';

export interface Morphology {
  sections: CellSection[];
  regions: string[];
}

export class MorphologyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MorphologyError';
  }
}

/** The odd number of compartments that keeps each at most maxSegment long (NEURON's d_lambda habit: odd, so 0.5 is a node). */
export function nsegFor(length: number, maxSegment: number): number {
  const n = Math.max(1, Math.ceil(length / maxSegment - 1e-9));
  return n % 2 === 1 ? n : n + 1;
}

function sectionLength(points: Float64Array): number {
  let L = 0;
  for (let k = 4; k < points.length; k += 4) L += Math.hypot(points[k] - points[k - 4], points[k + 1] - points[k - 3], points[k + 2] - points[k - 2]);
  return L;
}

interface BuiltinSection {
  name: string;
  region?: string;
  parent?: string;
  length: number;
  diameter: number | [number, number];
  nseg?: number;
  direction?: [number, number, number];
}

/** The built-in description: the first section is the root, along x from the origin; each other starts at its parent's end. */
export function builtinMorphology(decl: readonly BuiltinSection[], maxSegment: number): Morphology {
  const index = new Map<string, number>();
  const regions: string[] = [];
  const sections: CellSection[] = [];
  const ends: Array<[number, number, number]> = [];
  decl.forEach((s, k) => {
    if (index.has(s.name)) throw new MorphologyError(`morphology.sections[${k}].name: got "${s.name}", expected a name no other section has`);
    if (k === 0 && s.parent !== undefined) throw new MorphologyError(`morphology.sections[0].parent: got "${s.parent}", expected none (the first section is the root)`);
    if (k > 0 && s.parent === undefined) throw new MorphologyError(`morphology.sections[${k}].parent: missing; every section but the first (the root) attaches to an earlier one`);
    const parent = s.parent === undefined ? -1 : index.get(s.parent);
    if (parent === undefined) throw new MorphologyError(`morphology.sections[${k}].parent: got "${s.parent}", expected an earlier section (one of ${[...index.keys()].join(', ')})`);
    const region = s.region ?? s.name;
    if (!regions.includes(region)) regions.push(region);
    const [d0, d1] = typeof s.diameter === 'number' ? [s.diameter, s.diameter] : s.diameter;
    const dir = s.direction ?? [1, 0, 0];
    const norm = Math.hypot(...dir);
    if (!(norm > 0)) throw new MorphologyError(`morphology.sections[${k}].direction: got [${dir.join(', ')}], expected a nonzero vector`);
    const start: [number, number, number] = parent < 0 ? [0, 0, 0] : ends[parent];
    const end: [number, number, number] = [start[0] + (s.length * dir[0]) / norm, start[1] + (s.length * dir[1]) / norm, start[2] + (s.length * dir[2]) / norm];
    ends.push(end);
    index.set(s.name, k);
    sections.push({
      name: s.name, region: regions.indexOf(region), parent, parent_end: 1,
      points: Float64Array.of(...start, d0, ...end, d1), nseg: s.nseg ?? nsegFor(s.length, maxSegment),
    });
  });
  return { sections, regions };
}

const SWC_REGIONS: Record<number, string> = { 1: 'soma', 2: 'axon', 3: 'dend', 4: 'apic' };

/** An SWC file as sections (see the file's comment). */
export function swcMorphology(file: string, maxSegment: number): Morphology {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new MorphologyError(`morphology.swc: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  interface Sample { id: number; type: number; p: [number, number, number]; r: number; parent: number; line: number; children: number[] }
  const samples: Sample[] = [];
  const byId = new Map<number, number>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') return;
    const f = line.split(/\s+/).map(Number);
    const where = `${file}:${i + 1}`;
    if (f.length !== 7 || f.some((v) => !Number.isFinite(v))) throw new MorphologyError(`morphology.swc: ${where}: expected 7 numbers (id type x y z radius parent), got "${line.slice(0, 60)}"`);
    const [id, type, x, y, z, r, parent] = f;
    if (!Number.isInteger(id) || !Number.isInteger(type) || !Number.isInteger(parent)) throw new MorphologyError(`morphology.swc: ${where}: id, type and parent must be integers`);
    if (byId.has(id)) throw new MorphologyError(`morphology.swc: ${where}: sample ${id} appears twice`);
    if (!(r > 0)) throw new MorphologyError(`morphology.swc: ${where}: radius ${r}, expected above 0`);
    if (parent !== -1 && !byId.has(parent)) throw new MorphologyError(`morphology.swc: ${where}: parent ${parent} is not an earlier sample`);
    if (parent === -1 && samples.length > 0) throw new MorphologyError(`morphology.swc: ${where}: a second root (parent -1); one connected tree is expected`);
    byId.set(id, samples.length);
    samples.push({ id, type, p: [x, y, z], r, parent: parent === -1 ? -1 : byId.get(parent)!, line: i + 1, children: [] });
  });
  if (samples.length === 0) throw new MorphologyError(`morphology.swc: ${file} has no samples`);
  for (let k = 1; k < samples.length; k++) samples[samples[k].parent].children.push(k);
  const regions: string[] = [];
  const regionOf = (type: number) => {
    const name = SWC_REGIONS[type] ?? `type${type}`;
    if (!regions.includes(name)) regions.push(name);
    return regions.indexOf(name);
  };
  const sections: CellSection[] = [];
  const counts = new Map<string, number>();
  const name = (region: number) => {
    const r = regions[region], k = counts.get(r) ?? 0;
    counts.set(r, k + 1);
    return `${r}[${k}]`;
  };
  // the root section: the soma samples in a chain from the root (or the root alone)
  const root = samples[0];
  const rootChain = [0];
  while (true) {
    const last = samples[rootChain[rootChain.length - 1]];
    const same = last.children.filter((c) => samples[c].type === root.type);
    if (same.length !== 1) break;
    rootChain.push(same[0]);
  }
  const rootRegion = regionOf(root.type);
  let rootPoints: number[];
  if (rootChain.length === 1) {
    const [x, y, z] = root.p, d = 2 * root.r;
    rootPoints = [x - root.r, y, z, d, x + root.r, y, z, d];
  } else rootPoints = rootChain.flatMap((k) => [...samples[k].p, 2 * samples[k].r]);
  const rootPts = Float64Array.from(rootPoints);
  sections.push({ name: name(rootRegion), region: rootRegion, parent: -1, parent_end: 1, points: rootPts, nseg: nsegFor(sectionLength(rootPts), maxSegment) });
  const ends = [rootPts.subarray(0, 3), rootPts.subarray(rootPts.length - 4, rootPts.length - 1)];
  // every other section, depth first from the root's last sample: a stack of (first sample, parent section)
  // (the children of every sample of the root's chain but the chain itself attach to the root, at its nearer end)
  const inChain = new Set(rootChain);
  const stack: Array<[number, number]> = rootChain.flatMap((k) => samples[k].children).filter((c) => !inChain.has(c)).map((c) => [c, 0] as [number, number]).reverse();
  while (stack.length > 0) {
    const [first, parentSection] = stack.pop()!;
    const chain = [first];
    while (true) {
      const last = samples[chain[chain.length - 1]];
      if (last.children.length !== 1 || samples[last.children[0]].type !== last.type) break;
      chain.push(last.children[0]);
    }
    const s0 = samples[first];
    const region = regionOf(s0.type);
    const pts: number[] = [];
    let parentEnd: 0 | 1 = 1;
    if (parentSection === 0) {
      // a child of the root: from its own first sample, attached at the root's nearer end
      const d = (e: ArrayLike<number>) => Math.hypot(s0.p[0] - e[0], s0.p[1] - e[1], s0.p[2] - e[2]);
      parentEnd = d(ends[0]) < d(ends[1]) ? 0 : 1;
      if (chain.length === 1) pts.push(...(parentEnd === 0 ? ends[0] : ends[1]), 2 * s0.r);
    } else {
      const pp = samples[samples[first].parent];
      pts.push(...pp.p, 2 * s0.r);
    }
    for (const k of chain) pts.push(...samples[k].p, 2 * samples[k].r);
    const points = Float64Array.from(pts);
    const L = sectionLength(points);
    if (!(L > 0)) throw new MorphologyError(`morphology.swc: ${file}:${s0.line}: a section of zero length (sample ${s0.id})`);
    const index = sections.length;
    sections.push({ name: name(region), region, parent: parentSection, parent_end: parentEnd, points, nseg: nsegFor(L, maxSegment) });
    const last = samples[chain[chain.length - 1]];
    for (const c of [...last.children].reverse()) stack.push([c, index]);
  }
  return { sections, regions };
}
