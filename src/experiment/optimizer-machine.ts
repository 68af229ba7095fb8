/**
 * The optimizer's control logic as an XState v5 machine, separate from the actor that runs it
 * (optimizer-actor.ts) and from the algorithm (a pure ask/tell core behind the driver).
 *
 * Generational mode: ask a generation -> evaluate (results arrive in batches, in any order) -> tell
 * -> check the budget -> ask again.
 * Steady-state mode (asynchronous cores): keep the workers supplied (fill), tell each batch of
 * results as it arrives, check the budget, fill again; once the budget is spent, drain: tell what is
 * still in flight (it was paid for) and ask nothing more.
 */
import { assign, setup } from 'xstate';
import type { RunMode, RunStatus } from '../results/records.js';

export type { RunStatus } from '../results/records.js';

/** What the machine asks of the world; implemented by the optimizer actor. */
export interface OptimizerDriver {
  readonly mode: RunMode;
  /** Asks the core for a generation and dispatches it; returns how many evaluations to expect. */
  askGeneration(): number;
  /** Tells the core the generation's results and records them. */
  tellGeneration(): void;
  /** Steady state: asks for and dispatches as many individuals as the workers can take now. */
  fill(): void;
  /** Steady state: tells the core every result that arrived since the last call, and records them. */
  tellArrived(): void;
  /** Steady state: individuals asked and not yet told. */
  outstanding(): number;
  /** Why the run should end now (budget spent, target reached, core converged); empty to go on. */
  stopReasons(): string[];
}

export interface OptimizerContext {
  driver: OptimizerDriver;
  expected: number;
  received: number;
  status: RunStatus;
  reasons: string[];
}

export type OptimizerEvent =
  | { type: 'start' }
  | { type: 'results'; count: number }
  | { type: 'stop'; reason: string }
  | { type: 'fail'; reason: string };

export interface OptimizerOutput {
  status: RunStatus;
  reasons: string[];
}

export const optimizerMachine = setup({
  types: {} as {
    context: OptimizerContext;
    events: OptimizerEvent;
    input: { driver: OptimizerDriver };
    output: OptimizerOutput;
  },
  actions: {
    ask: assign(({ context }) => ({ expected: context.driver.askGeneration(), received: 0 })),
    count: assign(({ context, event }) => ({
      received: context.received + (event.type === 'results' ? event.count : 0),
    })),
    tell: ({ context }) => context.driver.tellGeneration(),
    fill: ({ context }) => context.driver.fill(),
    tellArrived: ({ context }) => context.driver.tellArrived(),
    checkBudget: assign(({ context }) => ({ reasons: context.driver.stopReasons() })),
    complete: assign({ status: 'completed' as RunStatus }),
    interrupt: assign(({ event }) => ({
      status: 'interrupted' as RunStatus,
      reasons: [event.type === 'stop' ? event.reason : 'stopped'],
    })),
    fail: assign(({ event }) => ({ status: 'failed' as RunStatus, reasons: [event.type === 'fail' ? event.reason : 'failed'] })),
  },
  guards: {
    steady: ({ context }) => context.driver.mode === 'steady-state',
    drained: ({ context }) => context.driver.outstanding() === 0,
    spentWithRowsOutstanding: ({ context }) => context.reasons.length > 0 && context.driver.mode === 'steady-state' && context.driver.outstanding() > 0,
    generationComplete: ({ context }) => context.received >= context.expected,
    budgetSpent: ({ context }) => context.reasons.length > 0,
  },
}).createMachine({
  id: 'optimizer',
  initial: 'idle',
  context: ({ input }) => ({ driver: input.driver, expected: 0, received: 0, status: 'running', reasons: [] }),
  states: {
    idle: { on: { start: 'starting' } },
    // a resumed run may already have spent its budget (or its core converged): nothing more to ask, but
    // a steady-state run still tells what it had asked
    starting: {
      entry: 'checkBudget',
      always: [
        { guard: 'spentWithRowsOutstanding', target: 'draining', actions: 'complete' },
        { guard: 'budgetSpent', target: 'done', actions: 'complete' },
        { guard: 'steady', target: 'steady' },
        { target: 'asking' },
      ],
    },
    asking: { entry: 'ask', always: 'evaluating' },
    evaluating: {
      always: { guard: 'generationComplete', target: 'telling' },
      on: { results: { actions: 'count' } },
    },
    telling: {
      entry: ['tell', 'checkBudget'],
      always: [{ guard: 'budgetSpent', target: 'done', actions: 'complete' }, { target: 'asking' }],
    },
    steady: {
      entry: 'fill',
      on: { results: { target: 'steadyTold', actions: ['tellArrived', 'checkBudget'] } },
    },
    steadyTold: {
      always: [{ guard: 'budgetSpent', target: 'draining', actions: 'complete' }, { target: 'steady' }],
    },
    draining: {
      always: { guard: 'drained', target: 'done' },
      on: { results: { target: 'draining', reenter: true, actions: 'tellArrived' } },
    },
    done: { type: 'final' },
  },
  on: {
    stop: { target: '.done', actions: 'interrupt' },
    fail: { target: '.done', actions: 'fail' },
  },
  output: ({ context }) => ({ status: context.status, reasons: context.reasons }),
});
