/**
 * Relay: a sub-coordinator of hierarchical dispatch. Every worker rank hosts one ('relay'), idle
 * until rank 0 starts it with a group of worker ranks. From then on it stands, for rank 0's
 * dispatcher, for its whole group: it takes batches as a worker would ('eval.batch'), farms them out
 * to its workers with a dispatcher of its own (the same class, so the same credits and adaptive batch
 * sizes), and answers each batch once all its rows are back ('eval.results'), with every row's
 * worker rank. So rank 0 exchanges one message pair per relay batch instead of one per worker batch,
 * and what it records is what flat dispatch records: rows, seeds, results and the worker of each row.
 *
 * The relay evaluates nothing itself (an evaluation would keep its event loop from relaying).
 *
 * Accepts:
 *   'relay.start'   (request) RelayStartBody -> reply 'relay.started'
 *   'eval.batch'    EvalBatch (from rank 0's dispatcher)
 *   'eval.results'  EvalResults (from its workers; through to its dispatcher)
 *   'eval.cancelled' (from its workers, when its dispatcher steals among them; through to it)
 */
import type { Address, Behaviour, Envelope } from '../runtime/actor-system.js';
import type { DispatchConfig } from './config.js';
import { Dispatcher, type JobBlock, type ResultBatch } from './dispatcher.js';
import type { EvalBatch, EvalResults } from './eval-results.js';

export interface RelayStartBody {
  /** The worker ranks of this relay's group. */
  workers: number[];
  dim: number;
  dispatch: DispatchConfig;
}

/** A batch from rank 0 being evaluated by the group, its results gathered in place. */
interface Parent {
  from: Address;
  batch: number;
  n: number;
  remaining: number;
  nObj: number;
  fitness: Float64Array | null;
  status: Uint8Array;
  seconds: Float64Array;
  /** On the relay's dispatcher clock (seconds). */
  started: Float64Array;
  ranks: Int32Array;
  errors: Array<string | null> | null;
  outputs: Array<Float64Array | null> | null;
  busy: number;
}

export class Relay {
  private dispatcher: Dispatcher | null = null;
  private readonly parents = new Map<JobBlock, Parent>();
  private readonly t0 = performance.now();

  /** `send` sends as this actor (bound by whoever spawns it). */
  constructor(private readonly send: (to: Address, type: string, body: unknown) => void) {}

  readonly behaviour: Behaviour = (msg, ctx) => {
    switch (msg.type) {
      case 'relay.start':
        return this.start(msg, (type, body) => ctx.reply(msg, type, body));
      case 'eval.batch':
        return this.take(msg);
      case 'eval.results':
      case 'eval.cancelled':
        if (!this.dispatcher) throw new Error(`relay: '${msg.type}' before 'relay.start'`);
        return this.dispatcher.behaviour(msg, ctx);
      default:
        throw new Error(`relay cannot handle '${msg.type}'`);
    }
  };

  /** Seconds on this relay's clock. */
  private now(): number {
    return (performance.now() - this.t0) / 1000;
  }

  private start(msg: Envelope, reply: (type: string, body: unknown) => void): void {
    const { workers, dim, dispatch } = msg.body as RelayStartBody;
    if (this.parents.size > 0) throw new Error('relay: started again while it still has batches');
    this.dispatcher = new Dispatcher(workers, dim, dispatch, (r) => this.gather(r), () => this.now());
    this.dispatcher.attach(this.send);
    reply('relay.started', { workers: workers.length });
  }

  private take(msg: Envelope): void {
    if (!this.dispatcher) throw new Error("relay: 'eval.batch' before 'relay.start'");
    const b = msg.body as EvalBatch;
    const n = b.index.length;
    const block: JobBlock = { generation: b.generation, index: b.index, seed: b.seed, x: b.x };
    this.parents.set(block, {
      from: msg.from, batch: b.batch, n, remaining: n, nObj: 0, fitness: null,
      status: new Uint8Array(n), seconds: new Float64Array(n), started: new Float64Array(n), ranks: new Int32Array(n),
      errors: null, outputs: null, busy: 0,
    });
    if (n === 0) this.answer(block);
    else this.dispatcher.submit(block);
  }

  /** A worker's results for rows [offset, offset + n) of a parent batch. */
  private gather(r: ResultBatch): void {
    const p = this.parents.get(r.block);
    if (!p) return;
    const { offset, n, nObj } = r;
    if (p.fitness === null) {
      p.nObj = nObj;
      p.fitness = new Float64Array(p.n * nObj);
    } else if (nObj !== p.nObj) {
      throw new Error(`relay: rank ${r.rank} returned ${nObj} fitness values per individual, others ${p.nObj}`);
    }
    p.fitness.set(r.fitness, offset * nObj);
    p.status.set(r.status, offset);
    p.seconds.set(r.seconds, offset);
    p.started.set(r.started, offset);
    p.ranks.fill(r.rank, offset, offset + n);
    for (let i = 0; i < n; i++) {
      const e = r.errors?.[i];
      if (e !== null && e !== undefined) (p.errors ??= new Array<string | null>(p.n).fill(null))[offset + i] = e;
      const o = r.outputs?.[i];
      if (o) (p.outputs ??= new Array<Float64Array | null>(p.n).fill(null))[offset + i] = o;
    }
    p.busy += r.busy;
    p.remaining -= n;
    if (p.remaining === 0) this.answer(r.block);
  }

  private answer(block: JobBlock): void {
    const p = this.parents.get(block)!;
    this.parents.delete(block);
    const t = this.now();
    const startedAgo = new Float64Array(p.n);
    for (let i = 0; i < p.n; i++) startedAgo[i] = t - p.started[i];
    const out: EvalResults = {
      batch: p.batch, nObj: p.nObj, fitness: p.fitness ?? new Float64Array(0), status: p.status, seconds: p.seconds, startedAgo,
      errors: p.errors, outputs: p.outputs, busy: p.busy, ranks: p.ranks,
    };
    this.send(p.from, 'eval.results', out);
  }
}

/** Below this many workers, 'auto' dispatches flat: one rank 0 serves them all with room to spare (docs/scaling.md). */
export const AUTO_RELAY_WORKERS = 256;

/** A relay and the workers it serves. */
export interface RelayGroup {
  relay: number;
  workers: number[];
}

/**
 * The hierarchy for `fanOut` (dispatch.fan_out) over worker ranks on their hosts: null for flat
 * dispatch, else groups each led by a relay (its first rank, which then evaluates nothing):
 *   0       flat;
 *   n >= 1  groups of a relay and n workers, in rank order;
 *   'node'  one group per host (a host with one rank joins the group before it);
 *   'auto'  flat below AUTO_RELAY_WORKERS workers, else 'node' when the job spans hosts and each
 *           holds more than a few ranks, else groups of about sqrt(workers) (rank 0 then serves as
 *           many relays as each relay serves workers).
 */
export function relayGroups(ranks: readonly number[], hostOf: (rank: number) => string, fanOut: number | 'node' | 'auto'): RelayGroup[] | null {
  if (fanOut === 'auto') {
    if (ranks.length < AUTO_RELAY_WORKERS) return null;
    const hosts = new Map<string, number>();
    for (const r of ranks) hosts.set(hostOf(r), (hosts.get(hostOf(r)) ?? 0) + 1);
    const perHost = ranks.length / hosts.size;
    return relayGroups(ranks, hostOf, hosts.size > 1 && perHost >= 8 ? 'node' : Math.ceil(Math.sqrt(ranks.length)));
  }
  if (fanOut === 0) return null;
  const chunks: number[][] = [];
  if (fanOut === 'node') {
    const byHost = new Map<string, number[]>();
    for (const r of ranks) {
      const h = hostOf(r);
      if (!byHost.has(h)) byHost.set(h, []);
      byHost.get(h)!.push(r);
    }
    chunks.push(...byHost.values());
  } else {
    for (let i = 0; i < ranks.length; i += fanOut + 1) chunks.push(ranks.slice(i, i + fanOut + 1));
  }
  const groups: RelayGroup[] = [];
  for (const c of chunks) {
    if (c.length >= 2) groups.push({ relay: c[0], workers: c.slice(1) });
    else if (groups.length > 0) groups[groups.length - 1].workers.push(...c);
    else groups.push({ relay: -1, workers: [...c] }); // a lone first rank: fixed below
  }
  if (groups.length > 0 && groups[0].relay === -1) {
    // the first host has one rank: it joins the next group as a worker, or dispatch stays flat
    const [lone, ...rest] = groups;
    if (rest.length === 0) return null;
    rest[0].workers.unshift(...lone.workers);
    return rest;
  }
  return groups.length > 0 ? groups : null;
}
