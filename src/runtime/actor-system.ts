/**
 * Actors addressed by {rank, id}, each with a mailbox processed one message at a time, over any
 * Transport. Messages between actors of the same rank skip the codec and are delivered on a later
 * turn of the event loop (never re-entrantly), so an actor sees the same ordering and asynchrony
 * whether its peer is local or remote.
 *
 * An actor may name urgent message types (spawn's options): those are handled on arrival, even
 * while it is busy with an earlier message, ahead of its queue (a withdrawal that must overtake the
 * work it withdraws). Their handling must be synchronous.
 */
import type { Clock, TimerHandle } from './clock.js';
import { decode, encode } from './codec.js';
import { encodeFrame } from './frames.js';
import { fromWire, toWire, type Address, type Envelope } from './schema.js';
import type { Transport } from './transport.js';

export type { Address, Envelope } from './schema.js';

export type Behaviour = (msg: Envelope, ctx: ActorContext) => void | Promise<void>;

export interface ActorContext {
  readonly self: Address;
  send(to: Address, type: string, body?: unknown): void;
  request(to: Address, type: string, body: unknown, timeoutMs: number): Promise<Envelope>;
  reply(msg: Envelope, type: string, body?: unknown): void;
}

/** A failure reported by another actor, tagged with where it happened. */
export class RemoteError extends Error {
  override name = 'RemoteError';
  constructor(
    readonly remoteMessage: string,
    readonly from: Address,
    readonly size: number,
    readonly host: string,
  ) {
    super(`${remoteMessage} (actor '${from.id}', rank ${from.rank} of ${size} on ${host})`);
  }
}

export class RequestTimeoutError extends Error {
  override name = 'RequestTimeoutError';
}

interface Mailbox {
  behaviour: Behaviour;
  ctx: ActorContext;
  queue: Envelope[];
  busy: boolean;
  urgent: ReadonlySet<string> | null;
}

export interface SpawnOptions {
  /** Message types handled on arrival, ahead of the queue and even while the actor is busy (synchronously). */
  urgent?: readonly string[];
}

interface PendingRequest {
  resolve(msg: Envelope): void;
  reject(err: Error): void;
  timer: TimerHandle;
}

/** The body of 'actor.failed', which a supervisor receives for a failure nobody waits for. */
export interface ActorFailure {
  /** The error's message, and its stack when it has one. */
  message: string;
  stack?: string;
  /** The message whose handling failed, and whose it was. */
  type: string;
  to: string;
  from: Address;
}

export class ActorSystem {
  readonly rank: number;
  readonly size: number;
  /** The local actor told of failures no requester waits for (supervise()); null: process warnings. */
  private supervisor: string | null = null;
  private readonly actors = new Map<string, Mailbox>();
  private readonly pending = new Map<number, PendingRequest>();
  private nextCorr = 1;
  private localQueue: Envelope[] = [];
  private localScheduled = false;

  constructor(
    readonly transport: Transport,
    readonly clock: Clock,
  ) {
    this.rank = transport.rank;
    this.size = transport.size;
    transport.onMessage((from, data) => this.receiveRemote(from, data));
  }

  spawn(id: string, behaviour: Behaviour, options: SpawnOptions = {}): Address {
    if (this.actors.has(id)) throw new Error(`an actor '${id}' already exists on rank ${this.rank}`);
    const self = { rank: this.rank, id };
    const ctx: ActorContext = {
      self,
      send: (to, type, body) => this.send(self, to, type, body),
      request: (to, type, body, timeoutMs) => this.request(self, to, type, body, timeoutMs),
      reply: (msg, type, body) => this.reply(self, msg, type, body),
    };
    this.actors.set(id, { behaviour, ctx, queue: [], busy: false, urgent: options.urgent?.length ? new Set(options.urgent) : null });
    return self;
  }

  stop(id: string): void {
    this.actors.delete(id);
    if (this.supervisor === id) this.supervisor = null;
  }

  /**
   * Makes local actor `id` the supervisor: failures no requester waits for (a handler threw, a message
   * for no actor, an undecodable message) reach it as 'actor.failed' (ActorFailure), on a later turn,
   * like any message. Without a supervisor they become process warnings. A failure of the supervisor's
   * own handling of 'actor.failed' is a process warning too (never a loop).
   */
  supervise(id: string): void {
    if (!this.actors.has(id)) throw new Error(`no actor '${id}' on rank ${this.rank} to supervise`);
    this.supervisor = id;
  }

  send(from: Address, to: Address, type: string, body?: unknown): void {
    this.post({ type, to: to.id, from, corr: 0, replyTo: 0, body }, to.rank);
  }

  request(from: Address, to: Address, type: string, body: unknown, timeoutMs: number): Promise<Envelope> {
    const corr = this.nextCorr++;
    return new Promise<Envelope>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        this.pending.delete(corr);
        reject(new RequestTimeoutError(`no reply to '${type}' from actor '${to.id}' on rank ${to.rank} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(corr, { resolve, reject, timer });
      this.post({ type, to: to.id, from, corr, replyTo: 0, body }, to.rank);
    });
  }

  reply(from: Address, msg: Envelope, type: string, body?: unknown): void {
    if (msg.corr === 0) throw new Error(`'${msg.type}' was not a request; there is nobody to reply to`);
    this.post({ type, to: msg.from.id, from, corr: 0, replyTo: msg.corr, body }, msg.from.rank);
  }

  /** Rejects every outstanding request and forgets all actors. */
  close(): void {
    for (const [corr, p] of this.pending) {
      p.timer.cancel();
      p.reject(new Error('actor system closed'));
      this.pending.delete(corr);
    }
    this.actors.clear();
  }

  private post(env: Envelope, rank: number): void {
    if (rank === this.rank) {
      this.localQueue.push(env);
      this.scheduleLocal();
      return;
    }
    if (!(rank >= 0 && rank < this.size)) throw new RangeError(`no rank ${rank}: the job has ${this.size}`);
    this.transport.send(rank, encodeFrame(env) ?? encode(toWire(env)));
  }

  private scheduleLocal(): void {
    if (this.localScheduled) return;
    this.localScheduled = true;
    setImmediate(() => {
      this.localScheduled = false;
      const batch = this.localQueue;
      this.localQueue = [];
      for (const env of batch) this.route(env);
    });
  }

  private receiveRemote(from: number, data: Uint8Array): void {
    let env: Envelope;
    try {
      env = fromWire(decode(data), from);
    } catch (err) {
      this.failed(err as Error, { type: '?', to: '?', from: { rank: from, id: '?' }, corr: 0, replyTo: 0, body: null });
      return;
    }
    this.route(env);
  }

  private route(env: Envelope): void {
    if (env.replyTo !== 0) {
      const p = this.pending.get(env.replyTo);
      if (!p) return; // the requester gave up (timeout); a late reply is dropped on purpose
      this.pending.delete(env.replyTo);
      p.timer.cancel();
      if (env.type === 'error') {
        const b = env.body as { message?: string; host?: string };
        p.reject(new RemoteError(String(b?.message), env.from, this.size, String(b?.host ?? '?')));
      }
      else p.resolve(env);
      return;
    }
    const box = this.actors.get(env.to);
    if (!box) {
      this.fail(new Error(`no actor '${env.to}' on rank ${this.rank} for '${env.type}'`), env);
      return;
    }
    if (box.urgent?.has(env.type)) {
      try {
        if (box.behaviour(env, box.ctx) instanceof Promise) throw new Error(`the handling of urgent '${env.type}' must be synchronous`);
      } catch (err) {
        this.fail(err as Error, env);
      }
      return;
    }
    box.queue.push(env);
    if (!box.busy) this.drain(box);
  }

  private drain(box: Mailbox): void {
    while (box.queue.length > 0) {
      const env = box.queue.shift()!;
      let result: void | Promise<void>;
      try {
        result = box.behaviour(env, box.ctx);
      } catch (err) {
        this.fail(err as Error, env);
        continue;
      }
      if (result instanceof Promise) {
        box.busy = true;
        result.then(
          () => this.resume(box),
          (err: Error) => {
            this.fail(err, env);
            this.resume(box);
          },
        );
        return;
      }
    }
  }

  private resume(box: Mailbox): void {
    box.busy = false;
    this.drain(box);
  }

  /** A failed request is answered with an 'error' reply; anything else goes to the supervisor. */
  private fail(err: Error, env: Envelope): void {
    if (env.corr !== 0) {
      const self = { rank: this.rank, id: env.to };
      this.post({ type: 'error', to: env.from.id, from: self, corr: 0, replyTo: env.corr, body: { message: err.message, host: this.transport.host } }, env.from.rank);
    } else {
      this.failed(err, env);
    }
  }

  private failed(err: Error, env: Envelope): void {
    const supervisor = this.supervisor;
    if (supervisor === null || (env.to === supervisor && env.type === 'actor.failed')) {
      process.emitWarning(err);
      return;
    }
    const body: ActorFailure = { message: err.message, ...(err.stack ? { stack: err.stack } : {}), type: env.type, to: env.to, from: env.from };
    this.post({ type: 'actor.failed', to: supervisor, from: { rank: this.rank, id: 'system' }, corr: 0, replyTo: 0, body }, this.rank);
  }
}
