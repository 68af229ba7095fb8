/**
 * Model files (native/tvb/models/*.yaml) and the generator (tools/tvb-codegen.ts): every shipped model
 * parses; a malformed file is refused with its file, line and column; a new model file is picked up
 * with no other change (generated, compiled by g++ and evaluated: its derivatives those the expression
 * gives in JS, bit for bit); where() and comparisons, generated as C++'s ?: (numpy.where's values, the
 * edges included); the shipped Epileptor's derivatives TVB's own (its numba dfun), bit for bit.
 */
import t, { type Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelFileError, parseModelFile } from '../../src/optimizees/tvb/model-file.js';
import { evaluate, parseExpression, toCpp } from '../../src/optimizees/tvb/expression.js';
import { header, readModels } from '../../tools/tvb-codegen.js';
import { table } from '../helpers/tvb.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MODELS = join(ROOT, 'native', 'tvb', 'models');

const GOOD = `model: toy
state:
  x: {range: [-1, 1], bounds: [-2, null]}
  y: {range: [0, 1]}
parameters:
  k: {default: 2, range: [0, 5]}
coupling_variables: [x]
definitions:
  q: k * x - y
derivatives:
  x: -q + c_x * exp(-y)
  y: q * q - 0.5 * y
`;

/** A model with piecewise terms: where() with each comparison, nested, in definitions and derivatives. */
const PIECEWISE = `model: steps
state:
  x: {range: [-1, 1]}
  y: {range: [0, 1]}
parameters:
  k: {default: 2}
coupling_variables: [x]
definitions:
  f: where(x < 0, -k * x, x * x) + where(x <= 0.5, 1, 2)
  g: where(y >= k * x, where(y > 0.25, y - x, 0.0), -1)
derivatives:
  x: where(x > c_x, f, -f) - g
  y: 2 * where(-x < y, g * g, c_x)
`;

/** The text of a number that C's strtod reads back as the same double (-0 included). */
const exact = (x: number) => (Object.is(x, -0) ? '-0' : String(x));

/** Compiles the models' header with a harness that reads rows of numbers and prints the derivatives; returns a function of the rows. */
function harness(t: Test, dir: string, models: ReturnType<typeof readModels>, body: string): ((rows: number[][]) => number[][]) | null {
  writeFileSync(join(dir, 'tvb_models.h'), header(models));
  const main = join(dir, 'harness.cc');
  writeFileSync(main, `#include <cstdio>
#include "tvb_models.h"
using namespace l2l_tvb;
int main() {
${body}
  return 0;
}
`);
  const exe = join(dir, 'harness');
  const cc = spawnSync('g++', ['-std=c++17', '-O2', '-ffp-contract=off', '-Wall', '-Wextra', '-Werror', '-o', exe, main], { encoding: 'utf8' });
  t.equal(cc.status, 0, `the generated header compiles without a warning${cc.stderr ? `: ${cc.stderr.slice(0, 400)}` : ''}`);
  if (cc.status !== 0) return null;
  return (rows) => {
    const out = spawnSync(exe, { input: rows.map((r) => r.map(exact).join(' ')).join('\n') + '\n', encoding: 'utf8' });
    return out.stdout.trim().split('\n').map((l) => l.trim().split(' ').map(Number));
  };
}

/** The error a text gives, as file:line:col: reason. */
function errorOf(text: string): string {
  try {
    parseModelFile(text, 'toy.yaml');
  } catch (err) {
    if (err instanceof ModelFileError) return err.message;
    throw err;
  }
  return 'no error';
}

t.test('every shipped model file parses, named as its file', async (t) => {
  const models = readModels(MODELS);
  t.same(models.map((m) => m.name), readdirSync(MODELS).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, '')).sort());
  for (const m of models) t.ok(m.derivatives.length === m.state.length && m.cvars.length > 0, `${m.name}: ${m.state.length} state variables, ${m.parameters.length} parameters`);
});

t.test('a malformed model file is refused with its file, line and column', async (t) => {
  t.equal(errorOf(GOOD), 'no error');
  const cases: Array<[string, string, RegExp]> = [
    ['an unknown name in an expression', GOOD.replace('q * q - 0.5 * y', 'q * q - 0.5 * z'), /^toy\.yaml:12:20: the derivative of y: unknown name 'z'/],
    ['a syntax error', GOOD.replace('-q + c_x', '-q + * c_x'), /^toy\.yaml:11:11: the derivative of x: unexpected '\*'/],
    ["'^' for a power", GOOD.replace('q * q', 'q ^ 2'), /^toy\.yaml:12:8: .*'\^' is not a power here/],
    ['an unknown function', GOOD.replace('exp(-y)', 'erf(-y)'), /^toy\.yaml:11:17: .*unknown function 'erf'/],
    ['the wrong arity', GOOD.replace('exp(-y)', 'pow(y)'), /^toy\.yaml:11:17: .*pow takes 2 arguments, got 1/],
    ['an unknown key', GOOD.replace('coupling_variables:', 'coupling_vars:'), /^toy\.yaml:7:1: unknown key 'coupling_vars'/],
    ['a missing derivative', GOOD.replace('  y: q * q - 0.5 * y\n', ''), /^toy\.yaml:11:3: no derivative for state variable 'y'/],
    ['a derivative of nothing', GOOD + '  z: 1\n', /^toy\.yaml:13:3: derivative of 'z', which is not a state variable/],
    ['a coupling variable that is no state', GOOD.replace('coupling_variables: [x]', 'coupling_variables: [w]'), /^toy\.yaml:7:22: coupling variable 'w' is not a state variable/],
    ['an unused coupling term', GOOD.replace(' + c_x * exp(-y)', ''), /^toy\.yaml:7:21: coupling term c_x appears in no derivative/],
    ['a name declared twice', GOOD.replace('  k: {default', '  x: {default'), /^toy\.yaml:6:3: parameter 'x' is already declared as a state variable/],
    ['a range upside down', GOOD.replace('range: [0, 5]', 'range: [5, 0]'), /^toy\.yaml:6:26: k\.range: low must be below high/],
    ['a default that is no number', GOOD.replace('default: 2', 'default: two'), /^toy\.yaml:6:16: k\.default must be a finite number/],
    ['broken YAML', GOOD.replace('  y: {range: [0, 1]}', '  y: {range: [0, 1]'), /^toy\.yaml:\d+:\d+: /],
    ['a built-in name', GOOD.replace('  k: {default', '  pi: {default').replaceAll('k *', 'pi *'), /^toy\.yaml:6:3: parameter 'pi': the name of a built-in/],
    ["where's name", GOOD.replace('  k: {default', '  where: {default').replaceAll('k *', 'where *'), /^toy\.yaml:6:3: parameter 'where': the name of a built-in/],
    ['a comparison outside where()', GOOD.replace('q * q - 0.5 * y', 'q * q < 0.5 * y'), /^toy\.yaml:12:12: the derivative of y: a comparison \('<'\) is only where\(\)'s condition/],
    ['a comparison in parentheses', GOOD.replace('k * x - y', '(k * x >= y) * 2'), /^toy\.yaml:9:13: the definition of q: a comparison \('>='\) is only where\(\)'s condition/],
    ['a comparison as a function argument', GOOD.replace('exp(-y)', 'exp(y > 1)'), /^toy\.yaml:11:23: .*a comparison \('>'\) is only where\(\)'s condition/],
    ["a comparison as where()'s value", GOOD.replace('q * q - 0.5 * y', 'where(q < 0, y <= 1, 0)'), /^toy\.yaml:12:21: .*a comparison \('<='\) is only where\(\)'s condition/],
    ["where() whose condition is no comparison", GOOD.replace('q * q - 0.5 * y', 'where(q, 1, 0)'), /^toy\.yaml:12:12: the derivative of y: where's condition must be a comparison/],
    ['chained comparisons', GOOD.replace('q * q - 0.5 * y', 'where(0 < q < 1, 1, 0)'), /^toy\.yaml:12:18: .*comparisons do not chain/],
    ['where() with two arguments', GOOD.replace('q * q - 0.5 * y', 'where(q < 0, 1)'), /^toy\.yaml:12:6: .*where takes 3 arguments \(a condition, the value if true, the value if false\), got 2/],
    ['where() with four arguments', GOOD.replace('q * q - 0.5 * y', 'where(q < 0, 1, 2, 3)'), /^toy\.yaml:12:6: .*where takes 3 arguments.*got 4/],
    ['where without its arguments', GOOD.replace('q * q - 0.5 * y', 'where + 1'), /^toy\.yaml:12:6: .*'where' is a function: where\(condition, value if true, value if false\)/],
    ["'==' for a comparison", GOOD.replace('q * q - 0.5 * y', 'where(q == 0, 1, 0)'), /^toy\.yaml:12:14: .*'==' is not a comparison here: where\(\) compares with < <= > >=/],
    ["'!=' for a comparison", GOOD.replace('q * q - 0.5 * y', 'where(q != 0, 1, 0)'), /^toy\.yaml:12:14: .*'!=' is not a comparison here/],
    ['a condition with nothing to compare to', GOOD.replace('q * q - 0.5 * y', 'where(q <, 1, 0)'), /^toy\.yaml:12:15: .*unexpected ','/],
    ['an unclosed where()', GOOD.replace('q * q - 0.5 * y', 'where(q < 0, 1, 0'), /^toy\.yaml:12:\d+: .*expected '\)' before the end/],
  ];
  for (const [what, text, want] of cases) t.match(errorOf(text), want, what);
});

t.test('a new model file is picked up with no other change: generated, compiled and evaluated', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'l2l-tvb-models-'));
  for (const f of readdirSync(MODELS)) copyFileSync(join(MODELS, f), join(dir, f));
  writeFileSync(join(dir, 'toy.yaml'), GOOD);
  const models = readModels(dir);
  t.ok(models.some((m) => m.name === 'toy'), 'read with the others');
  const h = join(dir, 'tvb_models.h');
  writeFileSync(h, header(models));
  t.match(readFileSync(h, 'utf8'), /X\(Model_toy\)/, 'in the dispatch table');
  // a harness that evaluates every model's derivatives at a point
  const main = join(dir, 'main.cc');
  writeFileSync(main, `#include <cstdio>
#include "tvb_models.h"
using namespace l2l_tvb;
int main() {
  const double x[2] = {0.3, 0.7}, c[1] = {-0.25}, p[1] = {2.5};
  double dx[2];
  Model_toy::Dfun(x, c, p, dx);
  std::printf("%.17g %.17g\\n", dx[0], dx[1]);
  return 0;
}
`);
  const exe = join(dir, 'main');
  const cc = spawnSync('g++', ['-std=c++17', '-O2', '-ffp-contract=off', '-Wall', '-Wextra', '-Werror', '-o', exe, main], { encoding: 'utf8' });
  t.equal(cc.status, 0, `the generated header compiles without a warning${cc.stderr ? `: ${cc.stderr.slice(0, 400)}` : ''}`);
  if (cc.status !== 0) return;
  const [dx0, dx1] = spawnSync(exe, { encoding: 'utf8' }).stdout.trim().split(' ').map(Number);
  const toy = models.find((m) => m.name === 'toy')!;
  const env: Record<string, number> = { x: 0.3, y: 0.7, c_x: -0.25, k: 2.5 };
  env.q = evaluate(toy.definitions[0].expr, env);
  t.equal(dx0, evaluate(toy.derivatives[0], env), 'dx/dt as the expression gives it');
  t.equal(dx1, evaluate(toy.derivatives[1], env), 'dy/dt as the expression gives it');
});

t.test("where() and comparisons: parsed as written, generated as C++'s ?: and evaluated as numpy.where, edges included", async (t) => {
  t.equal(errorOf(PIECEWISE), 'no error');
  const names = new Set(['x', 'y', 'k']);
  // precedence: a comparison binds looser than + - * / **, a condition is one comparison
  const spell = (n: string) => n;
  t.equal(toCpp(parseExpression('where(-x * 2 < y ** 2 - 1, x, y)', names), spell), '((((-x) * 2.0) < (std::pow(y, 2.0) - 1.0)) ? x : y)');
  t.equal(toCpp(parseExpression('1 + where(x >= 0, where(y <= x, 1, 2), -k) * 3', names), spell), '(1.0 + (((x >= 0.0) ? ((y <= x) ? 1.0 : 2.0) : (-k)) * 3.0))');
  t.equal(toCpp(parseExpression('where(x > -0.25, 0.0, k)', names), spell), '((x > (-0.25)) ? 0.0 : k)');
  const evalAt = (text: string, x: number) => evaluate(parseExpression(text, names), { x, y: 0, k: 0 });
  t.same([-1, -0, 0, 1, NaN].map((x) => evalAt('where(x < 0, 1, 2)', x)), [1, 2, 2, 2, 2], '<: 0 and -0 are not below 0; NaN compares false (numpy.where)');
  t.same([-1, -0, 0, 1, NaN].map((x) => evalAt('where(x <= 0, 1, 2)', x)), [1, 1, 1, 2, 2], '<=');
  t.same([-1, -0, 0, 1, NaN].map((x) => evalAt('where(x > 0, 1, 2)', x)), [2, 2, 2, 1, 2], '>');
  t.same([-1, -0, 0, 1, NaN].map((x) => evalAt('where(x >= 0, 1, 2)', x)), [2, 1, 1, 1, 2], '>=');
  // generated, compiled and evaluated on both sides of every condition and on its edges
  const dir = mkdtempSync(join(tmpdir(), 'l2l-tvb-where-'));
  const steps = parseModelFile(PIECEWISE, join(dir, 'steps.yaml'));
  const run = harness(t, dir, [steps], `  double x[2], c[1], p[1], dx[2];
  while (std::scanf("%lf %lf %lf %lf", &x[0], &x[1], &c[0], &p[0]) == 4) {
    Model_steps::Dfun(x, c, p, dx);
    std::printf("%.17g %.17g\\n", dx[0], dx[1]);
  }`);
  if (!run) return;
  const rows: number[][] = [];
  for (const x of [-0.75, -0, 0, 0.25, 0.5, 0.5000000000000001, 1.5]) for (const y of [-0.5, 0, 0.25, 0.75, 3]) for (const cx of [-1, 0.5]) for (const k of [-2, 2]) rows.push([x, y, cx, k]);
  const got = run(rows);
  let same = 0;
  rows.forEach(([x, y, cx, k], r) => {
    const env: Record<string, number> = { x, y, c_x: cx, k };
    for (const d of steps.definitions) env[d.name] = evaluate(d.expr, env);
    same += steps.derivatives.every((e, s) => Object.is(got[r][s], evaluate(e, env))) ? 1 : 0;
  });
  t.equal(same, rows.length, `${same} of ${rows.length} points: the compiled derivatives are the expressions' values in JS, bit for bit`);
});

/** A harness body: rows of x (6), c (2), p (16) in, the Epileptor's six derivatives out. */
const EPILEPTOR_ROWS = `  double in[24], dx[6];
  for (;;) {
    for (int k = 0; k < 24; k++) if (std::scanf("%lf", &in[k]) != 1) return 0;
    Model_epileptor::Dfun(in, in + 6, in + 8, dx);
    std::printf("%.17g %.17g %.17g %.17g %.17g %.17g\\n", dx[0], dx[1], dx[2], dx[3], dx[4], dx[5]);
  }`;

t.test("the shipped Epileptor's derivatives are TVB's (Epileptor.dfun, its numba gufunc) bit for bit, every branch", async (t) => {
  // test/fixtures/tvb/tvb_epileptor_dfun.txt: 128 states (both sides of x1 < 0, z < 0 and x2 < -0.25,
  // and their edges: 0, -0, -0.25 and numbers beside them), random coupling terms and parameters (Kvf,
  // Ks, Kf non-zero). numba computes y ** 2, y ** 3, y ** 7 by binary exponentiation (y * y,
  // y * (y * y), (y * (y * y)) * ((y * y) * (y * y))), as the model file writes them; pow would differ.
  const rows = table('tvb_epileptor_dfun.txt');
  t.equal(rows.length, 128);
  const models = readModels(MODELS);
  const epi = models.find((m) => m.name === 'epileptor')!;
  t.same([epi.state.map((s) => s.name), epi.cvars, epi.parameters.map((p) => p.name)], [
    ['x1', 'y1', 'z', 'x2', 'y2', 'g'], ['x1', 'x2'], ['x0', 'Iext', 'Iext2', 'a', 'b', 'slope', 'tt', 'Kvf', 'c', 'd', 'r', 'Ks', 'Kf', 'aa', 'bb', 'tau'],
  ], "TVB's state variables, coupling variables and its gufunc's parameters, in order");
  const branches = [rows.filter((r) => r[0] < 0).length, rows.filter((r) => r[2] < 0).length, rows.filter((r) => r[3] < -0.25).length];
  t.ok(branches.every((n) => n > 10 && n < 118), `both branches of x1 < 0, z < 0, x2 < -0.25: ${branches.join(', ')} of 128 on the first`);
  const dir = mkdtempSync(join(tmpdir(), 'l2l-tvb-epileptor-'));
  const run = harness(t, dir, [epi], EPILEPTOR_ROWS);
  if (!run) return;
  const got = run(rows.map((r) => r.slice(0, 24)));
  let same = 0, js = 0;
  rows.forEach((r, k) => {
    same += got[k].every((v, s) => Object.is(v, r[24 + s])) ? 1 : 0;
    const env: Record<string, number> = {};
    epi.state.forEach((s, i) => (env[s.name] = r[i]));
    epi.cvars.forEach((c, i) => (env[`c_${c}`] = r[6 + i]));
    epi.parameters.forEach((p, i) => (env[p.name] = r[8 + i]));
    for (const d of epi.definitions) env[d.name] = evaluate(d.expr, env);
    js += epi.derivatives.every((e, s) => Object.is(evaluate(e, env), r[24 + s])) ? 1 : 0;
  });
  t.equal(same, rows.length, `the generated C++: ${same} of ${rows.length} states, all six derivatives identical to TVB's`);
  t.equal(js, rows.length, `the expressions in JS: ${js} of ${rows.length} identical`);
  // the same file with the powers as ** (std::pow: one rounding, where numba rounds each product)
  const text = readFileSync(join(MODELS, 'epileptor.yaml'), 'utf8');
  const powers = text.replace('(z * (z * z)) * ((z * z) * (z * z))', 'z ** 7').replace('x2 * (x2 * x2)', 'x2 ** 3').replaceAll('(x1 * x1)', 'x1 ** 2').replace('((z - 4.0) * (z - 4.0))', '(z - 4.0) ** 2');
  t.not(powers, text);
  const withPow = harness(t, dir, [parseModelFile(powers, 'epileptor.yaml')], EPILEPTOR_ROWS);
  if (!withPow) return;
  const pow = withPow(rows.map((r) => r.slice(0, 24)));
  const samePow = rows.filter((r, k) => pow[k].every((v, s) => Object.is(v, r[24 + s]))).length;
  t.ok(samePow < rows.length, `written with ** instead: ${samePow} of ${rows.length} states identical to TVB's (numba multiplies)`);
});
