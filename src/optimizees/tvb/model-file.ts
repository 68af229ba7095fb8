/**
 * A neural-mass model declared in one file (models/<name>.yaml, docs/tvb.md): its state variables with
 * the ranges initial states are drawn from and the bounds the integrator clips to, its parameters with
 * defaults and ranges, its coupling variables and default coupling, its derivatives as expressions, and
 * its observables. Read by the code generator at build time (tools/tvb-codegen.ts, which writes the
 * C++ and CUDA kernels) and by the tvb optimizee at run time, through this one parser, so the two never
 * disagree. Every error names the file, the line and the column.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type YAMLMap } from 'yaml';
import { CONSTANTS, ExpressionError, FUNCTION_NAMES, namesOf, parseExpression, type Expr } from './expression.js';

export const COUPLINGS = ['linear', 'sigmoidal', 'kuramoto'] as const;
export type CouplingKind = (typeof COUPLINGS)[number];

export interface StateVariable {
  name: string;
  /** Where a random initial state (and history) is drawn from. */
  range: [number, number];
  /** What the integrator clips to after each stage (null: unbounded on that side). */
  bounds: [number | null, number | null] | null;
}

export interface Parameter {
  name: string;
  default: number;
  /** A sensible search range, where the model file gives one. */
  range: [number, number] | null;
  description: string;
}

export interface ModelDecl {
  name: string;
  file: string;
  description: string;
  reference: string;
  state: StateVariable[];
  parameters: Parameter[];
  /** State variables that couple regions; each gives a coupling term c_<name> to the derivatives. */
  cvars: string[];
  coupling: CouplingKind;
  /** Named intermediate values, in order (each may use those before it), then the derivatives. */
  definitions: Array<{ name: string; expr: Expr; text: string }>;
  /** One per state variable, in state order. */
  derivatives: Expr[];
  /** The derivatives as written (for messages and generated comments). */
  derivativeText: string[];
  observables: string[];
}

export class ModelFileError extends Error {
  constructor(readonly file: string, readonly line: number, readonly col: number, readonly reason: string) {
    super(`${file}:${line}:${col}: ${reason}`);
    this.name = 'ModelFileError';
  }
}

const KEYS = ['model', 'description', 'reference', 'state', 'parameters', 'coupling_variables', 'coupling', 'definitions', 'derivatives', 'observables'] as const;
const IDENT = /^[A-Za-z][A-Za-z0-9_]*$/;

/** Parses and checks one model file's text. */
export function parseModelFile(text: string, file: string): ModelDecl {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, keepSourceTokens: true, logLevel: 'silent' });
  const fail = (offset: number, reason: string): never => {
    const { line, col } = lines.linePos(offset);
    throw new ModelFileError(file, line, col, reason);
  };
  const at = (node: Node | null | undefined): number => node?.range?.[0] ?? 0;
  if (doc.errors.length > 0) fail(doc.errors[0].pos[0], doc.errors[0].message.split('\n')[0]);
  const root = doc.contents;
  if (!isMap(root)) return fail(at(root as Node), 'a model file is a mapping (model:, state:, parameters:, derivatives:, ...)');

  const entries = (map: YAMLMap, what: string): Array<[string, Node, number]> =>
    map.items.map((pair) => {
      const key = pair.key as Node;
      if (!isScalar(key) || typeof key.value !== 'string') fail(at(key), `${what}: keys are names`);
      return [(key as { value: string }).value, pair.value as Node, at(key)];
    });
  const top = new Map<string, [Node, number]>();
  for (const [key, value, offset] of entries(root, 'the model file')) {
    if (!(KEYS as readonly string[]).includes(key)) fail(offset, `unknown key '${key}'; expected one of ${KEYS.join(', ')}`);
    top.set(key, [value, offset]);
  }
  const need = (key: string): [Node, number] => top.get(key) ?? fail(0, `missing '${key}:'`);
  const str = (node: Node, what: string): string => {
    if (!isScalar(node) || typeof node.value !== 'string' || node.value.trim() === '') return fail(at(node), `${what} must be text`);
    return node.value as string;
  };
  const num = (node: Node | undefined, what: string): number => {
    if (!isScalar(node) || typeof node.value !== 'number' || !Number.isFinite(node.value)) return fail(at(node), `${what} must be a finite number`);
    return node.value as number;
  };
  const pairOf = (node: Node | undefined, what: string, nullable: boolean): [number | null, number | null] => {
    if (!isSeq(node) || node.items.length !== 2) return fail(at(node), `${what} must be [low, high]`);
    const v = node.items.map((x) => (nullable && isScalar(x) && x.value === null ? null : num(x as Node, what))) as [number | null, number | null];
    if (v[0] !== null && v[1] !== null && !(v[0] < v[1])) fail(at(node), `${what}: low must be below high, got [${v[0]}, ${v[1]}]`);
    return v;
  };
  const fields = (node: Node, what: string, allowed: string[]): Map<string, Node> => {
    if (!isMap(node)) return fail(at(node), `${what} must be a mapping (${allowed.join(', ')})`);
    const m = new Map<string, Node>();
    for (const [key, value, offset] of entries(node, what)) {
      if (!allowed.includes(key)) fail(offset, `${what}: unknown key '${key}'; expected ${allowed.join(', ')}`);
      m.set(key, value);
    }
    return m;
  };
  const taken = new Map<string, string>();
  const declare = (name: string, offset: number, what: string) => {
    if (!IDENT.test(name)) fail(offset, `${what} '${name}': a name starts with a letter and has letters, digits and _ only`);
    if (name in CONSTANTS || FUNCTION_NAMES.includes(name)) fail(offset, `${what} '${name}': the name of a built-in constant or function`);
    const before = taken.get(name);
    if (before) fail(offset, `${what} '${name}' is already declared as a ${before}`);
    taken.set(name, what);
  };

  const name = str(need('model')[0], 'model');
  if (!IDENT.test(name)) fail(at(need('model')[0]), `model '${name}': a name starts with a letter and has letters, digits and _ only`);

  const [stateNode] = need('state');
  if (!isMap(stateNode) || stateNode.items.length === 0) fail(at(stateNode), 'state must map each state variable to {range: [low, high], bounds: [low, high]}');
  const state: StateVariable[] = entries(stateNode as YAMLMap, 'state').map(([sv, value, offset]) => {
    declare(sv, offset, 'state variable');
    const f = fields(value, `state variable ${sv}`, ['range', 'bounds']);
    const range = pairOf(f.get('range'), `${sv}.range`, false) as [number, number];
    const bounds = f.has('bounds') ? pairOf(f.get('bounds'), `${sv}.bounds`, true) : null;
    return { name: sv, range, bounds };
  });

  const paramNode = top.get('parameters')?.[0];
  const parameters: Parameter[] = paramNode === undefined || (isScalar(paramNode) && paramNode.value === null) ? [] : (() => {
    if (!isMap(paramNode)) return fail(at(paramNode), 'parameters must map each name to {default, range, description}');
    return entries(paramNode, 'parameters').map(([p, value, offset]) => {
      declare(p, offset, 'parameter');
      const f = fields(value, `parameter ${p}`, ['default', 'range', 'description']);
      return { name: p, default: num(f.get('default'), `${p}.default`), range: f.has('range') ? (pairOf(f.get('range'), `${p}.range`, false) as [number, number]) : null, description: f.has('description') ? str(f.get('description')!, `${p}.description`) : '' };
    });
  })();

  const [cvNode] = need('coupling_variables');
  if (!isSeq(cvNode) || cvNode.items.length === 0) fail(at(cvNode), 'coupling_variables must list at least one state variable');
  const cvars = (cvNode as { items: Node[] }).items.map((item) => {
    const v = str(item, 'a coupling variable');
    if (!state.some((s) => s.name === v)) fail(at(item), `coupling variable '${v}' is not a state variable (${state.map((s) => s.name).join(', ')})`);
    declare(`c_${v}`, at(item), 'coupling term');
    return v;
  });

  const couplingNode = top.get('coupling')?.[0];
  const coupling = couplingNode === undefined ? 'linear' : str(couplingNode, 'coupling');
  if (!(COUPLINGS as readonly string[]).includes(coupling)) fail(at(couplingNode), `coupling '${coupling}'; expected one of ${COUPLINGS.join(', ')}`);

  const names = new Set(taken.keys());
  /** An expression node's text, parsed; an error points into the text where the scalar allows it. */
  const expression = (node: Node, what: string): { expr: Expr; text: string } => {
    const src = isScalar(node) && typeof node.value === 'number' ? String(node.value) : str(node, what);
    // a plain scalar's text starts at the node, a quoted one a character later; a block one: its line
    const quoted = isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE');
    const inline = isScalar(node) && (node.type === 'PLAIN' || quoted);
    try {
      return { expr: parseExpression(src, names), text: src };
    } catch (err) {
      if (!(err instanceof ExpressionError)) throw err;
      return fail(at(node) + (inline ? (quoted ? 1 : 0) + err.at : 0), `${what}: ${err.message}`);
    }
  };

  const defNode = top.get('definitions')?.[0];
  const definitions: ModelDecl['definitions'] = [];
  if (defNode !== undefined) {
    if (!isMap(defNode)) fail(at(defNode), 'definitions must map each name to an expression (computed in order, before the derivatives)');
    for (const [d, value, offset] of entries(defNode as YAMLMap, 'definitions')) {
      declare(d, offset, 'definition');
      definitions.push({ name: d, ...expression(value, `the definition of ${d}`) });
      names.add(d);
    }
  }

  const [derivNode] = need('derivatives');
  if (!isMap(derivNode)) fail(at(derivNode), 'derivatives must map each state variable to its expression');
  const given = new Map(entries(derivNode as YAMLMap, 'derivatives').map(([sv, value, offset]) => {
    if (!state.some((s) => s.name === sv)) fail(offset, `derivative of '${sv}', which is not a state variable`);
    return [sv, value] as const;
  }));
  const derivativeText: string[] = [];
  const derivatives = state.map((s) => {
    const node = given.get(s.name) ?? fail(at(derivNode), `no derivative for state variable '${s.name}'`);
    const { expr, text } = expression(node, `the derivative of ${s.name}`);
    derivativeText.push(text);
    return expr;
  });
  const used = new Set([...derivatives, ...definitions.map((d) => d.expr)].flatMap((d) => [...namesOf(d)]));
  for (const cv of cvars) if (!used.has(`c_${cv}`)) fail(at(cvNode), `coupling term c_${cv} appears in no derivative: the coupling would do nothing`);

  const obsNode = top.get('observables')?.[0];
  const observables = obsNode === undefined ? state.map((s) => s.name) : (() => {
    if (!isSeq(obsNode) || obsNode.items.length === 0) return fail(at(obsNode), 'observables must list state variables');
    return obsNode.items.map((item) => {
      const v = str(item as Node, 'an observable');
      if (!state.some((s) => s.name === v)) fail(at(item as Node), `observable '${v}' is not a state variable`);
      return v;
    });
  })();

  return {
    name, file,
    description: top.has('description') ? str(top.get('description')![0], 'description') : '',
    reference: top.has('reference') ? str(top.get('reference')![0], 'reference') : '',
    state, parameters, cvars, coupling: coupling as CouplingKind, definitions, derivatives, derivativeText, observables,
  };
}

/** Every model file of a folder (sorted by name), parsed; a file must be named after its model. */
export function readModelDir(dir: string): ModelDecl[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
  const models = files.map((f) => parseModelFile(readFileSync(join(dir, f), 'utf8'), join(dir, f)));
  for (const m of models) {
    if (basename(m.file, '.yaml') !== m.name) throw new ModelFileError(m.file, 1, 1, `model '${m.name}' must be in a file named ${m.name}.yaml`);
  }
  return models;
}
