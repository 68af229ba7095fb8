/**
 * Dispatcher: farms evaluation jobs to worker ranks by free capacity.
 *
 * Each worker may hold `inflight` batches at once, so it always has the next batch queued while it
 * evaluates one. Batch size adapts: big enough that a message carries about `batch_seconds` of work
 * (measured per evaluation), small enough that every worker gets a share of what is queued, so tiny
 * functions travel thousands to a message and long simulations one at a time. Results are accepted in
 * any order; each batch is matched by its id.
 *
 * Accepts:
 *   'eval.results'  EvalResults (from a WorkerHost)
 */
import { STATUS_NAMES, type EvalStatus } from '../core/fitness.js';
import type { Address, Behaviour } from '../runtime/actor-system.js';
import type { DispatchConfig } from './config.js';
import type { EvalBatch, EvalResults } from './worker-host.js';

export interface Job {
  generation: number;
  index: number;
  seed: number;
  x: Float64Array;
}

export interface JobResult {
  job: Job;
  fitness: Float64Array;
  status: EvalStatus;
  seconds: number;
  rank: number;
  error: string | null;
  outputs: Float64Array | null;
}

interface WorkerState {
  rank: number;
  inflight: Map<number, Job[]>;
  busySeconds: number;
  evaluations: number;
}

/** How many evaluations a batch should hold before we know how long one takes. */
const FIRST_BATCH = 16;

export class Dispatcher {
  private readonly workers: WorkerState[];
  private queue: Job[] = [];
  private queueHead = 0;
  private nextBatch = 1;
  private secondsPerEval = NaN;
  private rr = 0;
  private send: (to: Address, type: string, body: unknown) => void = () => {
    throw new Error('dispatcher is not attached to an actor');
  };

  constructor(
    workerRanks: readonly number[],
    private readonly dim: number,
    private readonly opts: DispatchConfig,
    private readonly onResults: (results: JobResult[]) => void,
  ) {
    if (workerRanks.length === 0) throw new Error('no worker ranks to dispatch to');
    this.workers = workerRanks.map((rank) => ({ rank, inflight: new Map(), busySeconds: 0, evaluations: 0 }));
  }

  readonly behaviour: Behaviour = (msg) => {
    if (msg.type !== 'eval.results') throw new Error(`dispatcher cannot handle '${msg.type}'`);
    this.accept(msg.from.rank, msg.body as EvalResults);
  };

  /** Binds the sending side; called once by whoever spawned the dispatcher's actor. */
  attach(send: (to: Address, type: string, body: unknown) => void): void {
    this.send = send;
  }

  submit(jobs: readonly Job[]): void {
    for (const j of jobs) {
      if (j.x.length !== this.dim) throw new RangeError(`job has ${j.x.length} parameters, the space ${this.dim}`);
      this.queue.push(j);
    }
    this.pump();
  }

  get queued(): number {
    return this.queue.length - this.queueHead;
  }

  get inFlight(): number {
    let n = 0;
    for (const w of this.workers) for (const b of w.inflight.values()) n += b.length;
    return n;
  }

  /** Per worker rank: evaluations done and seconds spent evaluating. */
  workerStats(): Array<{ rank: number; evaluations: number; busySeconds: number }> {
    return this.workers.map(({ rank, evaluations, busySeconds }) => ({ rank, evaluations, busySeconds }));
  }

  /** Forgets queued jobs (in-flight ones will still report, and be ignored by a stopped optimizer). */
  cancelQueued(): void {
    this.queue = [];
    this.queueHead = 0;
  }

  private batchSize(): number {
    const share = Math.ceil(this.queued / (this.workers.length * this.opts.inflight));
    const bySeconds = Number.isNaN(this.secondsPerEval)
      ? FIRST_BATCH
      : Math.max(1, Math.floor(this.opts.batch_seconds / Math.max(this.secondsPerEval, 1e-9)));
    return Math.max(1, Math.min(share, bySeconds, this.opts.max_batch));
  }

  private pump(): void {
    const nw = this.workers.length;
    let idleRounds = 0;
    while (this.queued > 0 && idleRounds < nw) {
      const w = this.workers[this.rr];
      this.rr = (this.rr + 1) % nw;
      if (w.inflight.size >= this.opts.inflight) {
        idleRounds++;
        continue;
      }
      idleRounds = 0;
      this.sendBatch(w, this.batchSize());
    }
    if (this.queueHead > 4096 && this.queueHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueHead);
      this.queueHead = 0;
    }
  }

  private sendBatch(w: WorkerState, size: number): void {
    const jobs = this.queue.slice(this.queueHead, this.queueHead + size);
    this.queueHead += jobs.length;
    const n = jobs.length;
    const body: EvalBatch = {
      batch: this.nextBatch++,
      dim: this.dim,
      generation: new Int32Array(n),
      index: new Int32Array(n),
      seed: new Uint32Array(n),
      x: new Float64Array(n * this.dim),
    };
    for (let i = 0; i < n; i++) {
      const j = jobs[i];
      body.generation[i] = j.generation;
      body.index[i] = j.index;
      body.seed[i] = j.seed;
      body.x.set(j.x, i * this.dim);
    }
    w.inflight.set(body.batch, jobs);
    this.send({ rank: w.rank, id: 'worker' }, 'eval.batch', body);
  }

  private accept(rank: number, r: EvalResults): void {
    const w = this.workers.find((x) => x.rank === rank);
    const jobs = w?.inflight.get(r.batch);
    if (!w || !jobs) throw new Error(`results for unknown batch ${r.batch} from rank ${rank}`);
    w.inflight.delete(r.batch);
    w.busySeconds += r.busy;
    w.evaluations += jobs.length;
    const perEval = r.busy / jobs.length;
    this.secondsPerEval = Number.isNaN(this.secondsPerEval) ? perEval : 0.7 * this.secondsPerEval + 0.3 * perEval;
    const results: JobResult[] = new Array(jobs.length);
    for (let i = 0; i < jobs.length; i++) {
      results[i] = {
        job: jobs[i],
        fitness: r.fitness.subarray(i * r.nObj, (i + 1) * r.nObj),
        status: STATUS_NAMES[r.status[i]] ?? 'failed',
        seconds: r.seconds[i],
        rank,
        error: r.errors?.[i] ?? null,
        outputs: r.outputs?.[i] ?? null,
      };
    }
    this.pump();
    this.onResults(results);
  }
}
