/**
 * The best distinct individuals ever evaluated, best first (DEAP's HallOfFame): a newcomer enters when
 * the hall is not full or it beats the last entry, and no entry has exactly its coordinates.
 */
import { compareFit, type Fit } from './ranking.js';

export interface Famer {
  x: Float64Array;
  fit: Fit;
}

function sameCoords(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class HallOfFame {
  private items: Famer[] = [];

  constructor(readonly maxSize: number) {}

  get entries(): readonly Famer[] {
    return this.items;
  }

  /** Failed evaluations never enter: they are no one's best. */
  update(candidates: readonly Famer[]): void {
    if (this.maxSize === 0) return;
    for (const c of candidates) {
      if (c.fit.w === null) continue;
      const full = this.items.length >= this.maxSize;
      if (full && !(compareFit(c.fit, this.items[this.items.length - 1].fit) > 0)) continue;
      if (this.items.some((h) => sameCoords(h.x, c.x))) continue;
      if (full) this.items.pop();
      this.insert(c);
    }
  }

  /** Ahead of entries it ties with, as DEAP's bisect_right on its reversed key list places it. */
  private insert(c: Famer): void {
    let at = 0;
    while (at < this.items.length && compareFit(this.items[at].fit, c.fit) > 0) at++;
    this.items.splice(at, 0, c);
  }

  replace(items: Famer[]): void {
    this.items = items.slice(0, this.maxSize);
  }
}
