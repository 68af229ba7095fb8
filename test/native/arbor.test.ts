/**
 * native/arbor, the addon itself. Built without Arbor (CI: no registry has it), it says so in
 * status(), lists no mechanisms and rejects a run with that reason in one line. Built with Arbor (the
 * verification build, ARBOR_DIR=<prefix> npm run build:native), it checks its arguments on the JS
 * thread (TypeError, RangeError naming the field), stops between chunks when cancelled (finished all
 * 0), reports its progress to the end, refuses what Arbor's catalogue lacks in one line, and takes an
 * individual's cm and a GLOBAL (pas.e) per instance. test/optimizees/cell.test.ts holds its traces to
 * NEURON's.
 */
import t from 'tap';
import { loadArbor } from '../../src/native/loader.js';
import { KernelError } from '../../src/native/errors.js';
import type { CellRunOptions, CellSpec } from '../../src/native/arbor.js';

const arbor = loadArbor();
const status = arbor.status();

const section = (name: string, region: number, parent: number, points: number[][], nseg: number) => ({ name, region, parent, parent_end: 1 as const, points: Float64Array.from(points.flat()), nseg });
const spec = (): CellSpec => ({
  sections: [section('soma', 0, -1, [[0, 0, 0, 20], [20, 0, 0, 20]], 1), section('trunk', 1, 0, [[20, 0, 0, 3], [220, 0, 0, 2]], 5)],
  regions: ['soma', 'trunk'], cm: Float64Array.of(1, 1), ra: Float64Array.of(100, 100),
  mechanisms: [{ region: 0, name: 'hh', params: { gnabar: 0.12, gkbar: 0.036 } }, { region: 1, name: 'pas', params: { g: 5e-5, e: -65 } }],
  ena: 50, ek: -77, temperature: 6.3, v_init: -65, dt: 0.025,
});
const options = (n: number, tstop = 100): CellRunOptions => ({
  instances: n, free: [{ region: 0, mechanism: 'hh', param: 'gnabar' }], values: new Float64Array(n).fill(0.12),
  protocols: [{ tstop, stimuli: [{ section: 0, x: 0.5, delay: 10, duration: 80, amplitude: 0.3 }], record: { section: 0, x: 0.5 } }],
  sample_every: 4, threads: 1,
});
const control = () => ({ cancel: new Int32Array(1), progress: new Float64Array(2) });

t.test('built without Arbor: says so, lists nothing, rejects a run in one line', { skip: status.built ? 'this build has Arbor' : false }, async (t) => {
  t.match(status.reason, /^this build has no Arbor: CMake found no arbor package; install Arbor and rebuild with ARBOR_DIR=<its prefix>/);
  t.same(arbor.mechanisms(), {});
  await t.rejects(arbor.run(spec(), options(1)), new KernelError(status.reason!));
});

t.test('built with Arbor: arguments, cancellation, progress, refusals, per-instance properties', { skip: status.built ? false : status.reason }, async (t) => {
  t.match(status.version, /^\d+\.\d+/);
  const mechs = arbor.mechanisms();
  t.ok(mechs.hh?.includes('gnabar') && mechs.pas?.includes('e'), 'the default catalogue\'s hh and pas, GLOBALs included');
  // arguments, on the JS thread
  const bad: Array<[string, () => unknown, typeof TypeError]> = [
    ['cm not a Float64Array', () => arbor.run({ ...spec(), cm: [1, 1] as unknown as Float64Array }, options(1)), TypeError],
    ['cm of the wrong length', () => arbor.run({ ...spec(), cm: new Float64Array(3) }, options(1)), RangeError],
    ['one point', () => arbor.run({ ...spec(), sections: [spec().sections[0], { ...spec().sections[1], points: Float64Array.of(0, 0, 0, 1) }] }, options(1)), RangeError],
    ['a parent after its child', () => arbor.run({ ...spec(), sections: [spec().sections[0], { ...spec().sections[1], parent: 1 }] }, options(1)), RangeError],
    ['nseg 0', () => arbor.run({ ...spec(), sections: [spec().sections[0], { ...spec().sections[1], nseg: 0 }] }, options(1)), RangeError],
    ['values of the wrong length', () => arbor.run(spec(), { ...options(2), values: new Float64Array(3) }), RangeError],
    ['threads 0', () => arbor.run(spec(), { ...options(1), threads: 0 }), RangeError],
    ['record x 1.5', () => arbor.run(spec(), { ...options(1), protocols: [{ ...options(1).protocols[0], record: { section: 0, x: 1.5 } }] }), RangeError],
  ];
  for (const [what, call, kind] of bad) t.throws(call, kind, what);
  // a cancel right after the start: nothing finished
  const c = control();
  const cancelled = arbor.run(spec(), options(32, 2000), c);
  c.cancel[0] = 1;
  const r = await cancelled;
  t.ok(r.finished.length === 32 && r.finished.every((f) => f === 0), `cancelled: no instance finished (progress ${c.progress[0]} of ${c.progress[1]})`);
  // uncancelled: every instance finished, the progress at its total
  const d = control();
  const done = await arbor.run(spec(), options(2), d);
  t.ok(done.finished.every((f) => f === 1) && d.progress[0] === d.progress[1] && d.progress[1] > 0, `finished, progress ${d.progress[0]} of ${d.progress[1]}`);
  t.equal(done.traces.length, 2 * (100 / 0.1 + 1), 'tstop / (sample_every dt) + 1 samples per instance');
  // Arbor's refusals: one line, the addon's error class
  const unknown = spec();
  unknown.mechanisms[1] = { region: 1, name: 'hhh', params: {} };
  await t.rejects(arbor.run(unknown, options(1)), /Arbor's default catalogue has no mechanism 'hhh'/);
  const param = spec();
  param.mechanisms[0].params.gnabarr = 1;
  await t.rejects(arbor.run(param, options(1)), { name: 'KernelError', message: /Arbor's hh has no parameter 'gnabarr' \(it has: / });
  // cm and a GLOBAL (pas.e) per instance
  const o = { ...options(2), free: [{ region: 1, mechanism: 'pas', param: 'e' }, { region: 0, mechanism: null, param: 'cm' }], values: Float64Array.of(-65, 1, -60, 2) };
  const per = await arbor.run(spec(), o);
  t.not(per.traces[5], per.traces[1001 + 5], 'the instances\' own pas.e and cm reach their cells');
});
