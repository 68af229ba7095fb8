/**
 * The optimizer contract, run over every registered optimizer (after Optuna's sampler suite):
 * hyper-parameters validated, deterministic under a seed, snapshot/restore continues exactly (also
 * after a JSON round trip), every asked point inside the box, and real progress on a shifted sphere.
 */
import t from 'tap';
import { STATUS_CODES } from '../../src/core/fitness.js';
import type { Evaluations, Generation, OptimizerCore, OptimizerFactory } from '../../src/core/optimizer.js';
import { Space } from '../../src/core/space.js';
import { row } from '../../src/math/rows.js';
import { listOptimizers } from '../../src/optimizers/registry.js';
import { pick } from '../helpers/columns.js';

const DIM = 4;
const SHIFT = 1.5;
const BUDGET = 4000;
const space = new Space([{ name: 'x', length: DIM, lower: -5, upper: 5 }]);
const f = (x: Float64Array) => x.reduce((s, v) => s + (v - SHIFT) ** 2, 0);

function make(factory: OptimizerFactory, seed: number): OptimizerCore {
  return factory.create(factory.schema.parse(factory.example), { space, weights: [-1], seed });
}

/** Evaluates a generation: fitness f (weight -1), model outputs x - SHIFT. */
function evaluate(gen: Generation): Evaluations {
  const n = gen.index.length;
  const ev: Evaluations = {
    generation: gen.generation, dim: DIM, nObj: 1, index: gen.index, x: gen.x,
    fitness: new Float64Array(n), weighted: new Float64Array(n), status: new Uint8Array(n).fill(STATUS_CODES.ok),
    outputs: Array.from({ length: n }, (_, k) => row(gen.x, k, DIM).map((v) => v - SHIFT)),
  };
  for (let k = 0; k < n; k++) {
    ev.fitness[k] = f(row(gen.x, k, DIM));
    ev.weighted[k] = -ev.fitness[k];
  }
  return ev;
}

interface Trace {
  asks: Array<{ generation: number; index: number[]; x: number[] }>;
  values: number[][];
}

/** Runs up to `generations` generations (steady state: asks of 8) or until the budget or the core's own stop. */
function drive(core: OptimizerCore, generations: number, budget = Infinity): Trace {
  const trace: Trace = { asks: [], values: [] };
  let used = 0;
  let pending: Evaluations | null = null;
  for (let g = 0; g < generations && used < budget && core.stop().length === 0; g++) {
    const gen = core.mode === 'steady-state' ? core.ask(8) : core.ask();
    trace.asks.push({ generation: gen.generation, index: Array.from(gen.index), x: Array.from(gen.x) });
    const ev = evaluate(gen);
    trace.values.push(Array.from(ev.fitness));
    used += gen.index.length;
    if (core.mode === 'generational') {
      core.tell(ev);
      continue;
    }
    // asynchronous: the previous batch's results arrive while this one is out, second half first
    if (pending) for (const rows of halves(pending.index.length)) core.tell(pick(pending, rows));
    pending = ev;
  }
  return trace;
}

function halves(n: number): number[][] {
  const all = Array.from({ length: n }, (_, k) => k);
  return [all.slice(n >> 1), all.slice(0, n >> 1)];
}

for (const factory of listOptimizers()) {
  t.test(`optimizer '${factory.type}'`, async (t) => {
    t.test('hyper-parameters: the example is valid, unknown keys are refused', async (t) => {
      t.ok(factory.schema.safeParse(factory.example).success, JSON.stringify(factory.example));
      t.notOk(factory.schema.safeParse({ ...factory.example, no_such_key: 1 }).success);
      t.ok(factory.description.length > 10 && !factory.description.includes('\n'), 'a one-line description');
    });

    t.test("an ask's arrays are the core's to give away: later asks and tells never change them", async (t) => {
      // rank 0 records every asked row from the very arrays ask() returned, written after later asks
      const core = make(factory, 11);
      const kept: Array<{ gen: Generation; copy: { index: number[]; x: number[] } }> = [];
      for (let g = 0; g < 6 && core.stop().length === 0; g++) {
        const gen = core.mode === 'steady-state' ? core.ask(8) : core.ask();
        kept.push({ gen, copy: { index: Array.from(gen.index), x: Array.from(gen.x) } });
        core.tell(evaluate(gen));
      }
      for (const { gen, copy } of kept) {
        t.same({ index: Array.from(gen.index), x: Array.from(gen.x) }, copy, `generation ${gen.generation} unchanged`) || t.bailout();
      }
    });

    t.test('deterministic under a seed', async (t) => {
      t.same(drive(make(factory, 7), 6).asks, drive(make(factory, 7), 6).asks);
    });

    t.test('snapshot/restore mid-run continues exactly, also through JSON', async (t) => {
      const a = make(factory, 11);
      drive(a, 3);
      const snap = JSON.parse(JSON.stringify(a.snapshot()));
      const b = make(factory, 11);
      b.restore(snap);
      t.same(drive(b, 4).asks, drive(a, 4).asks);
    });

    t.test('every asked point lies inside the box', async (t) => {
      const trace = drive(make(factory, 3), 40, BUDGET);
      let outside = 0;
      let rows = 0;
      for (const ask of trace.asks) {
        const x = Float64Array.from(ask.x);
        for (let k = 0; k < ask.index.length; k++, rows++) if (!space.contains(row(x, k, DIM))) outside++;
      }
      t.ok(rows > 0, `${rows} points asked`);
      t.equal(outside, 0);
    });

    t.test(`improves on a shifted ${DIM}-D sphere within ${BUDGET} evaluations`, async (t) => {
      const trace = drive(make(factory, 5), 10_000, BUDGET);
      const first = [...trace.values[0]].sort((p, q) => p - q);
      const median0 = first[first.length >> 1];
      const best = Math.min(...trace.values.flat());
      t.ok(best < 0.05 * median0, `best ${best.toPrecision(3)} vs first-generation median ${median0.toPrecision(3)}`);
    });
  });
}
