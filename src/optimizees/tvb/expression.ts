/**
 * The expressions of a model file's derivatives (docs/tvb.md): arithmetic on numbers, the model's state
 * variables, parameters and coupling terms, and a few functions, parsed into a tree that the code
 * generator writes out as C++ (and CUDA) with every operation parenthesized as parsed, so the compiled
 * kernel evaluates it in the order written: `f * V * V` is `(f * V) * V`, as numpy and numba evaluate
 * the same text. Piecewise terms: `where(a < b, x, y)`, numpy.where's value (x where the comparison
 * holds, else y; a NaN compares false), written as C++'s `(a < b) ? x : y`; a comparison is where()'s
 * condition and nothing else. Errors carry the offset in the text, which the model file turns into a
 * line and column.
 *
 *   expr  := term (('+' | '-') term)*
 *   term  := unary (('*' | '/') unary)*
 *   unary := '-' unary | power
 *   power := atom ('**' unary)?
 *   atom  := number | name | 'where' '(' cond ',' expr ',' expr ')' | name '(' expr (',' expr)* ')' | '(' expr ')'
 *   cond  := expr ('<' | '<=' | '>' | '>=') expr
 */

export type Expr =
  | { kind: 'number'; text: string; value: number; at: number }
  | { kind: 'name'; name: string; at: number }
  | { kind: 'neg'; arg: Expr; at: number }
  | { kind: 'binary'; op: '+' | '-' | '*' | '/' | '**'; left: Expr; right: Expr; at: number }
  | { kind: 'call'; fn: string; args: Expr[]; at: number }
  | { kind: 'where'; cond: Condition; then: Expr; else: Expr; at: number };

/** where()'s condition: one comparison of two expressions (it has no value of its own). */
export type Condition = { kind: 'compare'; op: Comparison; left: Expr; right: Expr; at: number };
export type Comparison = '<' | '<=' | '>' | '>=';
const COMPARISONS: readonly string[] = ['<', '<=', '>', '>='];

/** The piecewise function: where(condition, value if true, value if false), as numpy.where. */
export const WHERE = 'where';

/** The functions an expression may call, with their arity and their C++ (and CUDA) spelling. */
export const FUNCTIONS: Record<string, { arity: number; cpp: string; js: (...x: number[]) => number }> = {
  exp: { arity: 1, cpp: 'std::exp', js: Math.exp },
  expm1: { arity: 1, cpp: 'std::expm1', js: Math.expm1 },
  log: { arity: 1, cpp: 'std::log', js: Math.log },
  log1p: { arity: 1, cpp: 'std::log1p', js: Math.log1p },
  sqrt: { arity: 1, cpp: 'std::sqrt', js: Math.sqrt },
  sin: { arity: 1, cpp: 'std::sin', js: Math.sin },
  cos: { arity: 1, cpp: 'std::cos', js: Math.cos },
  tan: { arity: 1, cpp: 'std::tan', js: Math.tan },
  tanh: { arity: 1, cpp: 'std::tanh', js: Math.tanh },
  abs: { arity: 1, cpp: 'std::fabs', js: Math.abs },
  pow: { arity: 2, cpp: 'std::pow', js: Math.pow },
  min: { arity: 2, cpp: 'std::fmin', js: Math.min },
  max: { arity: 2, cpp: 'std::fmax', js: Math.max },
};

/** Every function name, where() included (a model may not declare these names). */
export const FUNCTION_NAMES: readonly string[] = [...Object.keys(FUNCTIONS), WHERE];

/** Names every expression may use besides the model's own (a model may not declare these names). */
export const CONSTANTS: Record<string, { cpp: string; value: number }> = {
  pi: { cpp: '3.141592653589793', value: Math.PI },
};

export class ExpressionError extends Error {
  constructor(message: string, readonly at: number) {
    super(message);
    this.name = 'ExpressionError';
  }
}

type Token = { kind: 'number' | 'name' | 'op' | 'end'; text: string; at: number };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const num = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(src.slice(i));
    if (num) {
      out.push({ kind: 'number', text: num[0], at: i });
      i += num[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (name) {
      out.push({ kind: 'name', text: name[0], at: i });
      i += name[0].length;
      continue;
    }
    if (src.startsWith('**', i)) {
      out.push({ kind: 'op', text: '**', at: i });
      i += 2;
      continue;
    }
    if (src.startsWith('<=', i) || src.startsWith('>=', i)) {
      out.push({ kind: 'op', text: src.slice(i, i + 2), at: i });
      i += 2;
      continue;
    }
    if (src.startsWith('==', i) || src.startsWith('!=', i)) {
      throw new ExpressionError(`'${src.slice(i, i + 2)}' is not a comparison here: where() compares with < <= > >=`, i);
    }
    if ('+-*/(),<>'.includes(c)) {
      out.push({ kind: 'op', text: c, at: i });
      i++;
      continue;
    }
    throw new ExpressionError(c === '^' ? "'^' is not a power here: write a ** b (or V * V)" : `unexpected character '${c}'`, i);
  }
  out.push({ kind: 'end', text: '', at: src.length });
  return out;
}

/** Parses an expression; `names` are the names it may use (with CONSTANTS). */
export function parseExpression(src: string, names: ReadonlySet<string>): Expr {
  const tokens = tokenize(src);
  let p = 0;
  const peek = () => tokens[p];
  const take = (text: string) => {
    const t = tokens[p];
    if (t.kind !== 'op' || t.text !== text) throw new ExpressionError(t.kind === 'end' ? `expected '${text}' before the end` : `expected '${text}', found '${t.text}'`, t.at);
    p++;
  };
  const isComparison = (t: Token) => t.kind === 'op' && COMPARISONS.includes(t.text);
  const sum = (): Expr => {
    let left = term();
    for (let t = peek(); t.kind === 'op' && (t.text === '+' || t.text === '-'); t = peek()) {
      p++;
      left = { kind: 'binary', op: t.text as '+' | '-', left, right: term(), at: t.at };
    }
    return left;
  };
  /** An expression with a value: a comparison right after it is out of place. */
  const expr = (): Expr => {
    const e = sum();
    const t = peek();
    if (isComparison(t)) throw new ExpressionError(`a comparison ('${t.text}') is only where()'s condition: write where(a ${t.text} b, value if true, value if false)`, t.at);
    return e;
  };
  /** where()'s condition: exactly one comparison. */
  const condition = (): Condition => {
    const start = peek().at;
    const left = sum();
    const t = peek();
    if (!isComparison(t)) throw new ExpressionError(`where's condition must be a comparison (a < b, a <= b, a > b or a >= b)`, start);
    p++;
    const right = sum();
    const next = peek();
    if (isComparison(next)) throw new ExpressionError(`comparisons do not chain: where's condition is one comparison (nest where() for more)`, next.at);
    return { kind: 'compare', op: t.text as Comparison, left, right, at: t.at };
  };
  const term = (): Expr => {
    let left = unary();
    for (let t = peek(); t.kind === 'op' && (t.text === '*' || t.text === '/'); t = peek()) {
      p++;
      left = { kind: 'binary', op: t.text as '*' | '/', left, right: unary(), at: t.at };
    }
    return left;
  };
  const unary = (): Expr => {
    const t = peek();
    if (t.kind === 'op' && t.text === '-') {
      p++;
      return { kind: 'neg', arg: unary(), at: t.at };
    }
    return power();
  };
  const power = (): Expr => {
    const base = atom();
    const t = peek();
    if (t.kind === 'op' && t.text === '**') {
      p++;
      return { kind: 'binary', op: '**', left: base, right: unary(), at: t.at };
    }
    return base;
  };
  const atom = (): Expr => {
    const t = peek();
    if (t.kind === 'number') {
      p++;
      return { kind: 'number', text: t.text, value: Number(t.text), at: t.at };
    }
    if (t.kind === 'name') {
      p++;
      const next = peek();
      if (t.text === WHERE) {
        if (next.kind !== 'op' || next.text !== '(') throw new ExpressionError(`'where' is a function: where(condition, value if true, value if false)`, t.at);
        p++;
        const cond = condition();
        const args: Expr[] = [];
        while (peek().kind === 'op' && peek().text === ',') {
          p++;
          args.push(expr());
        }
        take(')');
        if (args.length !== 2) throw new ExpressionError(`where takes 3 arguments (a condition, the value if true, the value if false), got ${args.length + 1}`, t.at);
        return { kind: 'where', cond, then: args[0], else: args[1], at: t.at };
      }
      if (next.kind === 'op' && next.text === '(') {
        const f = FUNCTIONS[t.text];
        if (!f) throw new ExpressionError(`unknown function '${t.text}'; expected one of ${FUNCTION_NAMES.join(', ')}`, t.at);
        p++;
        const args = [expr()];
        while (peek().kind === 'op' && peek().text === ',') {
          p++;
          args.push(expr());
        }
        take(')');
        if (args.length !== f.arity) throw new ExpressionError(`${t.text} takes ${f.arity} argument${f.arity === 1 ? '' : 's'}, got ${args.length}`, t.at);
        return { kind: 'call', fn: t.text, args, at: t.at };
      }
      if (!names.has(t.text) && !(t.text in CONSTANTS)) {
        throw new ExpressionError(`unknown name '${t.text}'; expected a state variable, a parameter, a coupling term or one of ${Object.keys(CONSTANTS).join(', ')}`, t.at);
      }
      return { kind: 'name', name: t.text, at: t.at };
    }
    if (t.kind === 'op' && t.text === '(') {
      p++;
      const e = expr();
      take(')');
      return e;
    }
    throw new ExpressionError(t.kind === 'end' ? 'the expression ends too soon' : `unexpected '${t.text}'`, t.at);
  };
  const e = expr();
  const rest = peek();
  if (rest.kind !== 'end') throw new ExpressionError(`unexpected '${rest.text}' after a complete expression`, rest.at);
  return e;
}

/** The names an expression uses. */
export function namesOf(e: Expr, into = new Set<string>()): Set<string> {
  if (e.kind === 'name') into.add(e.name);
  else if (e.kind === 'neg') namesOf(e.arg, into);
  else if (e.kind === 'binary') {
    namesOf(e.left, into);
    namesOf(e.right, into);
  } else if (e.kind === 'call') e.args.forEach((a) => namesOf(a, into));
  else if (e.kind === 'where') [e.cond.left, e.cond.right, e.then, e.else].forEach((a) => namesOf(a, into));
  return into;
}

/** C++ (and CUDA) text, every operation parenthesized as parsed; `name` spells a model name. */
export function toCpp(e: Expr, name: (n: string) => string): string {
  switch (e.kind) {
    case 'number':
      return /[.eE]/.test(e.text) ? e.text : `${e.text}.0`;
    case 'name':
      return e.name in CONSTANTS ? CONSTANTS[e.name].cpp : name(e.name);
    case 'neg':
      return `(-${toCpp(e.arg, name)})`;
    case 'binary':
      return e.op === '**' ? `std::pow(${toCpp(e.left, name)}, ${toCpp(e.right, name)})` : `(${toCpp(e.left, name)} ${e.op} ${toCpp(e.right, name)})`;
    case 'call':
      return `${FUNCTIONS[e.fn].cpp}(${e.args.map((a) => toCpp(a, name)).join(', ')})`;
    case 'where':
      return `((${toCpp(e.cond.left, name)} ${e.cond.op} ${toCpp(e.cond.right, name)}) ? ${toCpp(e.then, name)} : ${toCpp(e.else, name)})`;
  }
}

/** The value of an expression in double precision, in the order C++ evaluates toCpp's text. */
export function evaluate(e: Expr, env: Readonly<Record<string, number>>): number {
  switch (e.kind) {
    case 'number':
      return e.value;
    case 'name':
      return e.name in env ? env[e.name] : CONSTANTS[e.name].value;
    case 'neg':
      return -evaluate(e.arg, env);
    case 'binary': {
      const a = evaluate(e.left, env), b = evaluate(e.right, env);
      return e.op === '+' ? a + b : e.op === '-' ? a - b : e.op === '*' ? a * b : e.op === '/' ? a / b : a ** b;
    }
    case 'call':
      return FUNCTIONS[e.fn].js(...e.args.map((a) => evaluate(a, env)));
    case 'where': {
      const a = evaluate(e.cond.left, env), b = evaluate(e.cond.right, env);
      const holds = e.cond.op === '<' ? a < b : e.cond.op === '<=' ? a <= b : e.cond.op === '>' ? a > b : a >= b;
      return holds ? evaluate(e.then, env) : evaluate(e.else, env);
    }
  }
}
