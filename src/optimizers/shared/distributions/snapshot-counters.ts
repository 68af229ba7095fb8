/**
 * The counters every cross-entropy-family checkpoint (cross-entropy's and FACE's) carries besides its
 * distribution: the generation in progress and the annealing temperature, checked on the way back.
 */

export function checkCounters(s: { generation?: unknown; temperature?: unknown }, name: string): { generation: number; temperature: number } {
  if (!Number.isInteger(s.generation) || (s.generation as number) < 0) throw new TypeError(`${name} snapshot: generation must be a non-negative integer`);
  const t = s.temperature;
  if (typeof t !== 'number' || !(t >= 0 && Number.isFinite(t))) throw new TypeError(`${name} snapshot: temperature must be a finite number >= 0`);
  return { generation: s.generation as number, temperature: t };
}
