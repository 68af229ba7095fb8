/**
 * Asynchronous steady-state evolution (after Propulate, Taubert et al. 2023): no generation barrier.
 * Each island keeps the pop_size best individuals evaluated so far; a new individual is bred from
 * them the moment a worker frees up (tournament parents, blend crossover, Gaussian mutation scaled to
 * the box), or drawn uniformly while its island is still filling. Islands exchange their best in a
 * ring every migration_interval results.
 *
 * Every draw for individual i comes from Rng.derive(seed, 'async-evolution', i): given the order of
 * asks and tells a run is reproducible; that order itself depends on evaluation times.
 */
import { STATUS_CODES } from '../../core/fitness.js';
import type { CoreStats, Evaluations, Generation, OptimizerContext, SteadyStateCore } from '../../core/optimizer.js';
import { Rng } from '../../math/rng.js';
import { row } from '../../math/rows.js';
import type { AsyncEvolutionParams } from './index.js';

interface Member {
  x: number[];
  w: number;
  fitness: number[];
}

interface State {
  births: number;
  asks: number;
  islands: Member[][];
  told: number[];
  /** individual index -> island, for individuals asked and not yet told */
  pending: Array<[number, number]>;
}

/** Chunk size of the pending set (individuals per bitmap chunk). */
const CHUNK = 4096;

/**
 * The individuals asked and not yet told, as bitmap chunks of consecutive indices (a chunk is dropped
 * once none of its individuals is pending): constant time per individual where a Map of tens of
 * thousands of outstanding individuals cost about 1 us each to add and remove.
 */
class PendingSet {
  private readonly chunks = new Map<number, { bits: Uint8Array; count: number }>();
  size = 0;

  add(i: number): void {
    const c = Math.floor(i / CHUNK);
    let chunk = this.chunks.get(c);
    if (!chunk) this.chunks.set(c, (chunk = { bits: new Uint8Array(CHUNK), count: 0 }));
    if (chunk.bits[i - c * CHUNK]) return;
    chunk.bits[i - c * CHUNK] = 1;
    chunk.count++;
    this.size++;
  }

  /** Removes i; false if it was not there. */
  delete(i: number): boolean {
    const c = Math.floor(i / CHUNK);
    const chunk = this.chunks.get(c);
    if (!chunk || !chunk.bits[i - c * CHUNK]) return false;
    chunk.bits[i - c * CHUNK] = 0;
    this.size--;
    if (--chunk.count === 0) this.chunks.delete(c);
    return true;
  }

  /** Every pending index, ascending. */
  list(): number[] {
    const out: number[] = [];
    for (const c of [...this.chunks.keys()].sort((a, b) => a - b)) {
      const { bits } = this.chunks.get(c)!;
      for (let j = 0; j < CHUNK; j++) if (bits[j]) out.push(c * CHUNK + j);
    }
    return out;
  }
}

export class AsyncEvolutionCore implements SteadyStateCore {
  readonly mode = 'steady-state' as const;
  private s: State;
  /** Individuals asked and not yet told (individual i belongs to island i mod n_islands). */
  private pending = new PendingSet();
  /** Individual i's draws: Rng.derive(seed, 'async-evolution', i). */
  private readonly streamOf: (i: number) => Rng;

  constructor(
    private readonly p: AsyncEvolutionParams,
    private readonly ctx: OptimizerContext,
  ) {
    this.s = { births: 0, asks: 0, islands: Array.from({ length: p.n_islands }, () => []), told: new Array(p.n_islands).fill(0), pending: [] };
    this.streamOf = Rng.after(ctx.seed, 'async-evolution');
  }

  ask(n = 1): Generation {
    if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`async-evolution: ask(n) needs an integer n >= 1, got ${n}`);
    const dim = this.ctx.space.dim;
    const index = new Int32Array(n);
    const x = new Float64Array(n * dim);
    for (let k = 0; k < n; k++) {
      const i = this.s.births++;
      const island = i % this.p.n_islands;
      index[k] = i;
      this.breed(this.streamOf(i), this.s.islands[island], x, k * dim);
      this.pending.add(i);
    }
    return { generation: this.s.asks++, index, x };
  }

  tell(ev: Evaluations): CoreStats {
    let failed = 0;
    for (let k = 0; k < ev.index.length; k++) {
      const i = ev.index[k];
      if (!this.pending.delete(i)) throw new RangeError(`async-evolution: individual ${i} was not asked, or was told before`);
      const island = i % this.p.n_islands;
      this.s.told[island]++;
      const members = this.s.islands[island];
      const w = ev.weighted[k];
      if (ev.status[k] !== STATUS_CODES.ok || !Number.isFinite(w)) failed++;
      else if (members.length < this.p.pop_size || w > members[members.length - 1].w) {
        this.insert(members, { x: Array.from(row(ev.x, k, ev.dim)), w, fitness: Array.from(row(ev.fitness, k, ev.nObj)) });
      }
      if (this.p.n_islands > 1 && this.s.told[island] % this.p.migration_interval === 0) this.migrate(island);
    }
    const best = Math.max(...this.s.islands.map((m) => m[0]?.w ?? -Infinity));
    return { told: ev.index.length, failed, population: this.s.islands.reduce((a, m) => a + m.length, 0), pending: this.pending.size, ...(Number.isFinite(best) ? { best } : {}) };
  }

  stop(): string[] {
    return [];
  }

  snapshot(): State {
    return { ...structuredClone(this.s), pending: this.pending.list().map((i) => [i, i % this.p.n_islands]) };
  }

  restore(snapshot: unknown): void {
    const s = snapshot as State;
    if (!s || !Array.isArray(s.islands) || s.islands.length !== this.p.n_islands || !Array.isArray(s.pending)) {
      throw new Error(`async-evolution snapshot: expected ${this.p.n_islands} islands and a pending list`);
    }
    this.s = structuredClone(s);
    this.pending = new PendingSet();
    for (const [i] of s.pending) this.pending.add(i);
  }

  /** A new individual into x[at .. at + dim): uniform while the island fills, else bred from its members. */
  private breed(rng: Rng, members: Member[], out: Float64Array, at: number): void {
    const { space } = this.ctx;
    const x = out.subarray(at, at + space.dim);
    if (members.length < this.p.pop_size) {
      space.sampleInto(rng, x);
      return;
    }
    const a = this.tournament(rng, members);
    const b = this.tournament(rng, members);
    const cross = rng.uniform() < this.p.cx_prob;
    let changed = false;
    for (let d = 0; d < x.length; d++) {
      // blend crossover (BLX-alpha): uniform in the parents' interval widened by alpha on each side
      const lo = Math.min(a.x[d], b.x[d]), hi = Math.max(a.x[d], b.x[d]);
      x[d] = cross ? lo - this.p.mate_par * (hi - lo) + rng.uniform() * (1 + 2 * this.p.mate_par) * (hi - lo) : a.x[d];
      if (rng.uniform() < this.p.ind_prob) {
        x[d] += rng.normal() * this.p.mut_sigma * (space.upper[d] - space.lower[d]);
        changed = true;
      }
    }
    if (!cross && !changed) {
      // a plain copy would only re-measure its parent: perturb one coordinate at least
      const d = rng.int(x.length);
      x[d] += rng.normal() * this.p.mut_sigma * (space.upper[d] - space.lower[d]);
    }
    space.clip(x);
  }

  private tournament(rng: Rng, members: Member[]): Member {
    let best = members[rng.int(members.length)];
    for (let j = 1; j < this.p.tourn_size; j++) {
      const m = members[rng.int(members.length)];
      if (m.w > best.w) best = m;
    }
    return best;
  }

  /** Keeps members sorted best first and at most pop_size long. */
  private insert(members: Member[], m: Member): void {
    let at = members.findIndex((o) => m.w > o.w);
    if (at < 0) at = members.length;
    members.splice(at, 0, m);
    if (members.length > this.p.pop_size) members.length = this.p.pop_size;
  }

  /** Ring migration: copies of this island's best go to the next island. */
  private migrate(from: number): void {
    const to = (from + 1) % this.p.n_islands;
    for (const m of this.s.islands[from].slice(0, this.p.n_migrants)) {
      if (!this.s.islands[to].some((o) => o.x.every((v, d) => v === m.x[d]))) this.insert(this.s.islands[to], structuredClone(m));
    }
  }
}
