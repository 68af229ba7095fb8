/**
 * The inner runs of a nested experiment (a group execution, src/experiment/execution/group.ts), which the report
 * lists and links: every run folder under DIR/inner/.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** An inner run of a nested experiment (the experiment optimizee), found under DIR/inner/. */
export interface InnerRunRow {
  /** Relative to the report's directory: inner/g3-i7 (or inner/g3-i7/v0-r1 with variants). */
  path: string;
  status: string;
  evaluations: number | null;
  best: number | null;
  /** Whether it has a report.html of its own to link to. */
  report: boolean;
}

/** Every inner run under dir/inner (a nested experiment's), one level of variants deep. */
export function innerRuns(dir: string): InnerRunRow[] {
  const root = join(dir, 'inner');
  if (!existsSync(root)) return [];
  const rows: InnerRunRow[] = [];
  const visit = (rel: string, depth: number) => {
    const abs = join(dir, rel);
    if (existsSync(join(abs, 'config.json'))) {
      let s: { status?: string; evaluations?: number; best?: { weightedFitness?: number } } = {};
      try {
        s = JSON.parse(readFileSync(join(abs, 'summary.json'), 'utf8'));
      } catch {
        s = { status: 'no summary' };
      }
      rows.push({ path: rel, status: s.status ?? '?', evaluations: s.evaluations ?? null, best: s.best?.weightedFitness ?? null, report: existsSync(join(abs, 'report', 'report.html')) });
      return;
    }
    if (depth > 1) return;
    for (const name of readdirSync(abs).sort(byGenerationIndex)) {
      if (statSync(join(abs, name)).isDirectory()) visit(`${rel}/${name}`, depth + 1);
    }
  };
  visit('inner', 0);
  return rows;
}

/** g2-i10 after g2-i9, v1-r0 after v0-r1: by the numbers in the name. */
function byGenerationIndex(a: string, b: string): number {
  const na = a.match(/\d+/g)?.map(Number) ?? [];
  const nb = b.match(/\d+/g)?.map(Number) ?? [];
  for (let i = 0; i < Math.min(na.length, nb.length); i++) if (na[i] !== nb[i]) return na[i] - nb[i];
  return a < b ? -1 : a > b ? 1 : 0;
}
