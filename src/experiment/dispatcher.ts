/**
 * Dispatcher: farms evaluation jobs to worker ranks by free capacity.
 *
 * Each worker may hold `inflight` batches at once, so it always has the next batch queued while it
 * evaluates one. Batch size adapts (batch-size.ts): big enough that a message carries about
 * `batch_seconds` of work (measured per evaluation), small enough that every worker gets a share of
 * what is queued, so tiny functions travel thousands to a message and long simulations one at a time.
 * Results are accepted in any order; each batch is matched by its id.
 *
 * Work stealing (`steal`, for repeatable evaluations): when a worker has nothing in flight and
 * nothing is queued, while another holds a batch behind the one it is evaluating, that batch is sent
 * to the idle worker at once and withdrawn from the other ('eval.cancel'). The other answers
 * 'eval.cancelled' if it had not started it, else its results come too, and whichever answer comes
 * first is taken: the end of a generation (or of a run) no longer waits for evaluations queued behind
 * a long one while workers sit idle. Only plain workers are stolen from and given to; a relay steals
 * among its own workers.
 *
 * A target may be a relay (src/experiment/relay.ts, hierarchical dispatch) standing for a group of
 * workers: it gets batches that many times larger, and its results say which worker evaluated each
 * row (`ranks`), so the record is the same as if rank 0 had sent every batch itself.
 *
 * Accepts:
 *   'eval.results'    EvalResults (from a WorkerHost, or a Relay)
 *   'eval.cancelled'  EvalCancel (from a WorkerHost: a withdrawn batch it had not started)
 */
import type { OptimizeeFactory } from '../core/optimizee.js';
import type { ResultColumns, Rows } from '../core/rows.js';
import type { Address, Behaviour } from '../runtime/actor-system.js';
import type { DispatchConfig } from './config.js';
import type { EvalBatch, EvalCancel, EvalResults } from './eval-results.js';
import { BatchSizer } from './batch-size.js';

/** Jobs to evaluate, columnar: row i is individual index[i] of `generation`, parameters x[i*dim ...]. */
export interface JobBlock {
  generation: number;
  index: Int32Array;
  seed: Uint32Array;
  x: Float64Array;
}

/**
 * The results of rows [offset, offset + n) of a block, columnar as they came off the wire (the row
 * type's result columns); `started` is on the dispatcher's clock (see the constructor).
 */
export interface ResultBatch extends ResultColumns, Pick<Rows, 'started'> {
  block: JobBlock;
  offset: number;
  n: number;
  /** The rank that answered (a worker, or a relay). */
  rank: number;
  /** Per row, the worker rank that evaluated it, when not `rank` (results through a relay). */
  ranks: Int32Array | null;
  /** Worker seconds the batch took (relays report the sum over their workers). */
  busy: number;
}

/** Where the dispatcher sends batches: a worker rank's 'worker' actor, or a relay standing for `workers` workers. */
export interface DispatchTarget {
  rank: number;
  id: string;
  workers: number;
}

interface Slice {
  block: JobBlock;
  offset: number;
  n: number;
  /** Its results were handed on (a second answer, from a stolen copy, is dropped). */
  answered?: true;
}

interface WorkerState extends DispatchTarget {
  inflight: Map<number, Slice>;
  busySeconds: number;
  evaluations: number;
}

/**
 * Most individuals a steady-state run keeps outstanding, whatever the worker count and batch size
 * (bounds rank 0's memory: about 150 bytes each at 10 parameters).
 */
export const MAX_OUTSTANDING = 262_144;

export class Dispatcher {
  private readonly workers: WorkerState[];
  /** Blocks waiting, each with its first row not yet sent and its rows per worker slot (set when it starts going out). */
  private queue: Array<{ block: JobBlock; next: number; perSlot: number }> = [];
  private queuedRows = 0;
  private nextBatch = 1;
  private readonly sizes: BatchSizer;
  private rr = 0;
  private send: (to: Address, type: string, body: unknown) => void = () => {
    throw new Error('dispatcher is not attached to an actor');
  };

  /** Workers behind all targets. */
  private readonly totalWorkers: number;
  /** Through relays: evaluations and seconds per worker rank, from the rows' ranks. */
  private readonly perWorker = new Map<number, { evaluations: number; busySeconds: number }>();
  /** Batches withdrawn from a worker ('eval.cancel'), until it answers: its results, or 'eval.cancelled'. */
  private readonly withdrawn = new Map<number, { slice: Slice; rank: number }>();
  /** Plain workers with nothing in flight, and with a batch waiting behind the one they evaluate (when stealing). */
  private readonly idle = new Set<WorkerState>();
  private readonly holding = new Set<WorkerState>();
  /** Stealing is on (and there is something to steal: a second batch in flight); off once the run stops. */
  private canSteal: boolean;
  private steals = 0;
  private duplicates = 0;

  constructor(
    targets: ReadonlyArray<number | DispatchTarget>,
    private readonly dim: number,
    private readonly opts: Pick<DispatchConfig, 'inflight' | 'batch_seconds' | 'max_batch' | 'batch'> & { steal?: boolean },
    private readonly onResults: (results: ResultBatch) => void,
    /** Seconds on the clock that start times are given in (default: since the dispatcher was made). */
    private readonly now: () => number = defaultNow(),
  ) {
    if (targets.length === 0) throw new Error('no worker ranks to dispatch to');
    this.workers = targets.map((t) => ({ ...(typeof t === 'number' ? { rank: t, id: 'worker', workers: 1 } : t), inflight: new Map(), busySeconds: 0, evaluations: 0 }));
    this.totalWorkers = this.workers.reduce((n, w) => n + w.workers, 0);
    this.sizes = new BatchSizer(this.opts, this.totalWorkers);
    this.canSteal = this.opts.steal === true && this.opts.inflight > 1;
    for (const w of this.workers) this.track(w);
  }

  readonly behaviour: Behaviour = (msg) => {
    if (msg.type === 'eval.results') this.accept(msg.from.rank, msg.body as EvalResults);
    else if (msg.type === 'eval.cancelled') this.cancelled(msg.from.rank, (msg.body as EvalCancel).batch);
    else throw new Error(`dispatcher cannot handle '${msg.type}'`);
  };

  /** Binds the sending side; called once by whoever spawned the dispatcher's actor. */
  attach(send: (to: Address, type: string, body: unknown) => void): void {
    this.send = send;
  }

  submit(block: JobBlock): void {
    const n = block.index.length;
    if (block.seed.length !== n || block.x.length !== n * this.dim) {
      throw new RangeError(`job block of ${n} rows has ${block.seed.length} seeds and ${block.x.length} parameters (dim ${this.dim})`);
    }
    if (n === 0) return;
    this.queue.push({ block, next: 0, perSlot: 0 });
    this.queuedRows += n;
    this.pump();
  }

  /** Batches sent so far (each is answered by one results message). */
  get batchesSent(): number {
    return this.nextBatch - 1;
  }

  /** Batches given to an idle worker while another held them, and answers dropped because the other answer came first. */
  get stealing(): { steals: number; duplicates: number } {
    return { steals: this.steals, duplicates: this.duplicates };
  }

  /** The ranks of the relays among the targets. */
  get relays(): number[] {
    return this.workers.filter((w) => w.id === 'relay').map((w) => w.rank);
  }

  get queued(): number {
    return this.queuedRows;
  }

  get inFlight(): number {
    let n = 0;
    for (const w of this.workers) for (const b of w.inflight.values()) n += b.n;
    return n;
  }

  /**
   * How many individuals a steady-state optimizer should keep outstanding: every worker's batches in
   * flight, each of the size batch_seconds calls for (one individual each until the first results
   * say how long an evaluation takes; at most MAX_OUTSTANDING). Long simulations: two per worker;
   * trivial ones: thousands per message, so rank 0's cost per message is spread over many results.
   */
  get capacity(): number {
    const perBatch = this.opts.batch ?? (this.sizes.timed ? this.sizes.bySeconds() : 1);
    return Math.min(MAX_OUTSTANDING, this.totalWorkers * this.opts.inflight * perBatch);
  }

  /**
   * Per worker rank: evaluations done and seconds spent evaluating (through a relay: per worker
   * behind it, the seconds being its rows' evaluation times).
   */
  workerStats(): Array<{ rank: number; evaluations: number; busySeconds: number }> {
    const direct = this.workers.filter((w) => w.id === 'worker').map(({ rank, evaluations, busySeconds }) => ({ rank, evaluations, busySeconds }));
    const relayed = [...this.perWorker].map(([rank, s]) => ({ rank, ...s }));
    return [...direct, ...relayed].sort((a, b) => a.rank - b.rank);
  }

  /** Forgets queued jobs (in-flight ones will still report, and be ignored by a stopped optimizer). */
  cancelQueued(): void {
    this.queue = [];
    this.queuedRows = 0;
    this.idle.clear(); // the run is ending: nothing more is stolen
    this.canSteal = false;
  }

  /** Rows for the next batch to w (BatchSizer): a share of the head block, fixed when it starts going out, over the slots free then. */
  private batchSize(w: WorkerState): number {
    if (this.opts.batch !== undefined) return this.opts.batch * w.workers;
    const head = this.queue[0];
    const rows = head.block.index.length - head.next;
    if (head.perSlot === 0) head.perSlot = this.sizes.share(rows, this.free());
    return this.sizes.size(rows, head.perSlot) * w.workers;
  }

  /** Batches that could go out now, and workers that could take one; each worker behind a relay counted. */
  private free(): { slots: number; workers: number } {
    let slots = 0;
    let workers = 0;
    for (const w of this.workers) {
      const n = this.opts.inflight - w.inflight.size;
      if (n > 0) {
        slots += n * w.workers;
        workers += w.workers;
      }
    }
    return { slots, workers };
  }

  private pump(): void {
    const nw = this.workers.length;
    let idleRounds = 0;
    while (this.queuedRows > 0 && idleRounds < nw) {
      const w = this.workers[this.rr];
      this.rr = (this.rr + 1) % nw;
      if (w.inflight.size >= this.opts.inflight) {
        idleRounds++;
        continue;
      }
      idleRounds = 0;
      this.sendBatch(w, this.batchSize(w));
    }
    if (this.queuedRows === 0) this.steal();
  }

  /**
   * Nothing queued: each idle worker takes the newest batch of a worker that holds one behind the
   * batch it evaluates (most likely not started), and that worker is told to drop it.
   */
  private steal(): void {
    while (this.idle.size > 0 && this.holding.size > 0) {
      const thief = first(this.idle);
      const victim = first(this.holding);
      let id = 0;
      for (const k of victim.inflight.keys()) id = k; // the newest: a Map keeps insertion order
      const slice = victim.inflight.get(id)!;
      victim.inflight.delete(id);
      this.track(victim);
      this.withdrawn.set(id, { slice, rank: victim.rank });
      this.send({ rank: victim.rank, id: victim.id }, 'eval.cancel', { batch: id } satisfies EvalCancel);
      this.steals++;
      this.post(thief, slice);
    }
  }

  /** Keeps the idle and holding sets of a plain worker up to date after its batches in flight changed. */
  private track(w: WorkerState): void {
    if (!this.canSteal || !stealable(w)) return;
    if (w.inflight.size === 0) this.idle.add(w);
    else this.idle.delete(w);
    if (w.inflight.size >= 2) this.holding.add(w);
    else this.holding.delete(w);
  }

  /** A withdrawn batch its worker had not started: the copy given to another worker stands. */
  private cancelled(rank: number, batch: number): void {
    const w = this.withdrawn.get(batch);
    if (!w || w.rank !== rank) throw new Error(`rank ${rank} cancelled batch ${batch}, which was not withdrawn from it`);
    this.withdrawn.delete(batch);
  }

  /** Sends the next rows of the first queued block (a batch never spans blocks) as views, no copy. */
  private sendBatch(w: WorkerState, size: number): void {
    const head = this.queue[0];
    const { block } = head;
    const offset = head.next;
    const n = Math.min(size, block.index.length - offset);
    head.next += n;
    this.queuedRows -= n;
    if (head.next === block.index.length) this.queue.shift();
    this.post(w, { block, offset, n });
  }

  /** Sends a slice to w as a new batch. */
  private post(w: WorkerState, slice: Slice): void {
    const { block, offset, n } = slice;
    const body: EvalBatch = {
      batch: this.nextBatch++,
      dim: this.dim,
      generation: block.generation,
      index: block.index.subarray(offset, offset + n),
      seed: block.seed.subarray(offset, offset + n),
      x: block.x.subarray(offset * this.dim, (offset + n) * this.dim),
    };
    w.inflight.set(body.batch, slice);
    this.track(w);
    this.send({ rank: w.rank, id: w.id }, 'eval.batch', body);
  }

  private accept(rank: number, r: EvalResults): void {
    const w = this.workers.find((x) => x.rank === rank);
    let slice = w?.inflight.get(r.batch);
    if (w && slice) {
      w.inflight.delete(r.batch);
      this.track(w);
    } else {
      const withdrawn = this.withdrawn.get(r.batch);
      if (!w || !withdrawn || withdrawn.rank !== rank) throw new Error(`results for unknown batch ${r.batch} from rank ${rank}`);
      this.withdrawn.delete(r.batch); // it had started the batch before it heard of the withdrawal
      slice = withdrawn.slice;
    }
    if (slice.answered) {
      // the other copy answered first: these rows are told once (their time is not counted as work)
      this.duplicates += slice.n;
      this.pump();
      return;
    }
    slice.answered = true;
    w.busySeconds += r.busy;
    w.evaluations += slice.n;
    if (r.status.length !== slice.n || r.fitness.length !== slice.n * r.nObj) {
      throw new Error(`rank ${rank} answered batch ${r.batch} of ${slice.n} with ${r.status.length} results`);
    }
    this.sizes.note(r.busy, slice.n, r.seconds);
    const t = this.now();
    const started = new Float64Array(slice.n);
    for (let i = 0; i < slice.n; i++) started[i] = t - r.startedAgo[i];
    const ranks = r.ranks ?? null;
    if (ranks) this.countPerWorker(ranks, r.seconds);
    this.pump();
    this.onResults({ ...slice, rank, ranks, busy: r.busy, nObj: r.nObj, fitness: r.fitness, status: r.status, seconds: r.seconds, started, errors: r.errors, outputs: r.outputs });
  }

  private countPerWorker(ranks: Int32Array, seconds: Float64Array): void {
    let s = this.perWorker.get(ranks[0]);
    for (let i = 0; i < ranks.length; i++) {
      if (i > 0 && ranks[i] !== ranks[i - 1]) s = this.perWorker.get(ranks[i]);
      if (!s) this.perWorker.set(ranks[i], (s = { evaluations: 0, busySeconds: 0 }));
      s.evaluations++;
      s.busySeconds += seconds[i];
    }
  }
}

/** Whether a run steals work: dispatch.steal, for an optimizee whose evaluations are repeatable. */
export function stealsWork(steal: boolean, factory: Pick<OptimizeeFactory, 'repeatable'>): boolean {
  return steal && factory.repeatable === true;
}

/** A target stolen from and given to: a plain worker (a relay steals among its own workers). */
function stealable(w: DispatchTarget): boolean {
  return w.id === 'worker' && w.workers === 1;
}

function first<T>(set: Set<T>): T {
  return set.values().next().value as T;
}

function defaultNow(): () => number {
  const t0 = performance.now();
  return () => (performance.now() - t0) / 1000;
}
