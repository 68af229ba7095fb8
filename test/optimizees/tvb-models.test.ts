/**
 * Model files (native/tvb/models/*.yaml) and the generator (tools/tvb-codegen.ts): every shipped model
 * parses; a malformed file is refused with its file, line and column; a new model file is picked up
 * with no other change (generated, compiled by g++ and evaluated: its derivatives those the expression
 * gives in JS, bit for bit).
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelFileError, parseModelFile } from '../../src/optimizees/tvb/model-file.js';
import { evaluate } from '../../src/optimizees/tvb/expression.js';
import { header, readModels } from '../../tools/tvb-codegen.js';

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
