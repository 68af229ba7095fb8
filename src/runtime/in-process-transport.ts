/**
 * Simulated ranks inside one process: each InProcessTransport of a hub stands for one rank.
 * Delivery is asynchronous (setImmediate) and ordered per pair, like MPI's non-overtaking rule, and
 * data is copied so a sender cannot alias a receiver's memory.
 */
import type { MessageHandler, Transport } from './transport.js';

export class InProcessHub {
  readonly transports: InProcessTransport[];

  constructor(size: number, host = 'localhost') {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`hub size must be a positive integer, got ${size}`);
    this.transports = Array.from({ length: size }, (_, r) => new InProcessTransport(this, r, size, host));
  }

  deliver(to: number, from: number, data: Uint8Array): void {
    const target = this.transports[to];
    if (!target) throw new RangeError(`no rank ${to} in a hub of ${this.transports.length}`);
    target.enqueue(from, data);
  }
}

export class InProcessTransport implements Transport {
  private handler: MessageHandler | null = null;
  private inbox: Array<[number, Uint8Array]> = [];
  private scheduled = false;
  private closed = false;

  constructor(
    private readonly hub: InProcessHub,
    readonly rank: number,
    readonly size: number,
    readonly host: string,
  ) {}

  send(rank: number, data: Uint8Array): void {
    if (this.closed) throw new Error(`transport of rank ${this.rank} is closed`);
    this.hub.deliver(rank, this.rank, Uint8Array.prototype.slice.call(data));
  }

  onMessage(handler: MessageHandler): void {
    this.handler = handler;
    this.schedule();
  }

  enqueue(from: number, data: Uint8Array): void {
    if (this.closed) return;
    this.inbox.push([from, data]);
    this.schedule();
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    this.closed = true;
    this.inbox = [];
  }

  private schedule(): void {
    if (this.scheduled || !this.handler || this.inbox.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const batch = this.inbox;
      this.inbox = [];
      for (const [from, data] of batch) {
        if (this.closed || !this.handler) return;
        this.handler(from, data);
      }
      this.schedule();
    });
  }
}
