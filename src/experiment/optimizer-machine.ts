/**
 * The optimizer's control logic as an XState v5 machine, separate from the actor that runs it
 * (optimizer-actor.ts) and from the algorithm (a pure ask/tell core behind the driver).
 *
 * Generational mode: ask a generation -> evaluate (results arrive in batches, in any order) -> tell
 * -> check the budget -> ask again. A steady-state mode for asynchronous optimizers will be a sibling
 * state that tells and asks per result instead of per generation; the driver interface already
 * reports results as counts so both modes share it.
 */
import { assign, setup } from 'xstate';

export type RunStatus = 'running' | 'completed' | 'interrupted' | 'failed';

/** What the machine asks of the world; implemented by the optimizer actor. */
export interface OptimizerDriver {
  /** Asks the core for a generation and dispatches it; returns how many evaluations to expect. */
  askGeneration(): number;
  /** Tells the core the generation's results and records them. */
  tellGeneration(): void;
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
    checkBudget: assign(({ context }) => ({ reasons: context.driver.stopReasons() })),
    complete: assign({ status: 'completed' as RunStatus }),
    interrupt: assign(({ event }) => ({
      status: 'interrupted' as RunStatus,
      reasons: [event.type === 'stop' ? event.reason : 'stopped'],
    })),
    fail: assign(({ event }) => ({ status: 'failed' as RunStatus, reasons: [event.type === 'fail' ? event.reason : 'failed'] })),
  },
  guards: {
    generationComplete: ({ context }) => context.received >= context.expected,
    budgetSpent: ({ context }) => context.reasons.length > 0,
  },
}).createMachine({
  id: 'optimizer',
  initial: 'idle',
  context: ({ input }) => ({ driver: input.driver, expected: 0, received: 0, status: 'running', reasons: [] }),
  states: {
    idle: { on: { start: 'asking' } },
    asking: { entry: 'ask', always: 'evaluating' },
    evaluating: {
      always: { guard: 'generationComplete', target: 'telling' },
      on: { results: { actions: 'count' } },
    },
    telling: {
      entry: ['tell', 'checkBudget'],
      always: [{ guard: 'budgetSpent', target: 'done', actions: 'complete' }, { target: 'asking' }],
    },
    done: { type: 'final' },
  },
  on: {
    stop: { target: '.done', actions: 'interrupt' },
    fail: { target: '.done', actions: 'fail' },
  },
  output: ({ context }) => ({ status: context.status, reasons: context.reasons }),
});
