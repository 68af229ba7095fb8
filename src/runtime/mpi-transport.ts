/**
 * Transport over MPI point-to-point (native/mpi): isend straight from the caller's bytes, receive
 * by polling from the event loop. Messages to this rank itself never touch MPI.
 */
import type { Communicator } from '../native/mpi.js';
import { initMpi } from './mpi.js';
import { Poller, type PollerOptions, type PollState } from './poller.js';
import type { MessageHandler, Transport } from './transport.js';

/** The one MPI tag the transport uses; other users of the same communicator must avoid it. */
export const TRANSPORT_TAG = 0x4c32;

/** Communicators with an open transport: a second one would steal half of the first one's messages. */
const inUse = new WeakSet<Communicator>();

export interface MpiTransportOptions {
  /** Defaults to the world communicator (initializing MPI if needed). */
  readonly comm?: Communicator;
  /** Most messages handed to the handler per poll, so one busy sender cannot starve the event loop. */
  readonly maxMessagesPerPoll?: number;
  readonly poller?: PollerOptions;
}

export class MpiTransport implements Transport {
  readonly rank: number;
  readonly size: number;
  readonly host: string;
  private readonly comm: Communicator;
  private readonly maxMessagesPerPoll: number;
  private readonly poller: Poller;
  private readonly local: Uint8Array[] = [];
  private handler: MessageHandler | undefined;
  private flushWaiters: Array<() => void> = [];
  private pendingSends = 0;
  private closed = false;

  constructor(options: MpiTransportOptions = {}) {
    const mpi = initMpi();
    this.comm = options.comm ?? mpi.world;
    if (inUse.has(this.comm)) {
      throw new Error('MpiTransport: this communicator already has an open transport (close it first)');
    }
    inUse.add(this.comm);
    this.rank = this.comm.rank;
    this.size = this.comm.size;
    this.host = mpi.host;
    this.maxMessagesPerPoll = options.maxMessagesPerPoll ?? 256;
    this.poller = new Poller(() => this.poll(), options.poller);
    this.poller.start();
  }

  send(rank: number, data: Uint8Array): void {
    if (this.closed) throw new Error('MpiTransport.send: the transport is closed');
    if (!Number.isInteger(rank) || rank < 0 || rank >= this.size) {
      throw new RangeError(`MpiTransport.send: rank must be an integer in 0..${this.size - 1}, got ${rank}`);
    }
    if (rank === this.rank) {
      this.local.push(data);
    } else {
      this.comm.isend(rank, TRANSPORT_TAG, data);
      this.pendingSends += 1;
    }
    // A reply usually follows a send within microseconds: go back to polling every turn.
    this.poller.wake();
  }

  onMessage(handler: MessageHandler): void {
    this.handler = handler;
    this.poller.wake();
  }

  flush(): Promise<void> {
    this.pendingSends = this.comm.testSends();
    if (this.pendingSends === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.flushWaiters.push(resolve);
      this.poller.wake();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flush();
    // Messages this rank sent itself were sent before close: deliver them rather than drop them.
    if (this.handler !== undefined) this.deliverLocal(this.handler, Number.POSITIVE_INFINITY);
    this.poller.stop();
    inUse.delete(this.comm);
  }

  private poll(): PollState {
    let delivered = 0;
    const handler = this.handler;
    if (handler !== undefined && !this.closed) {
      delivered += this.deliverLocal(handler, this.maxMessagesPerPoll);
      delivered += this.deliverRemote(handler, this.maxMessagesPerPoll - delivered);
    }
    const sendsBefore = this.pendingSends;
    this.pendingSends = this.comm.testSends();
    if (this.pendingSends === 0 && this.flushWaiters.length > 0) this.resolveFlush();
    if (delivered > 0 || this.pendingSends < sendsBefore || this.local.length > 0) return 'active';
    return this.pendingSends > 0 || this.comm.pendingReceives > 0 ? 'waiting' : 'idle';
  }

  private deliverLocal(handler: MessageHandler, limit: number): number {
    let count = 0;
    while (count < limit && this.local.length > 0) {
      const data = this.local.shift() as Uint8Array;
      count += 1;
      handler(this.rank, data);
    }
    return count;
  }

  private deliverRemote(handler: MessageHandler, limit: number): number {
    let count = 0;
    while (count < limit) {
      const message = this.comm.tryRecv(undefined, TRANSPORT_TAG);
      if (message === null) break;
      count += 1;
      handler(message.source, message.data);
    }
    return count;
  }

  private resolveFlush(): void {
    const waiters = this.flushWaiters;
    this.flushWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
