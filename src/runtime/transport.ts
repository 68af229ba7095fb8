/**
 * Moves opaque byte messages between ranks. Two implementations: InProcessTransport (one process,
 * any number of simulated ranks, for tests and single-rank runs) and MpiTransport (native/mpi).
 * The actor system above it does encoding, addressing and request/reply.
 */
export type MessageHandler = (from: number, data: Uint8Array) => void;

export interface Transport {
  readonly rank: number;
  readonly size: number;
  /** Host name of this rank (MPI processor name), for error messages. */
  readonly host: string;
  /**
   * Queues data for delivery to `rank` (which may be this rank) and returns at once; never blocks.
   * The caller hands over `data` and must not modify it afterwards. Messages between one pair of
   * ranks arrive in the order sent.
   */
  send(rank: number, data: Uint8Array): void;
  /** Sets the one handler that receives every incoming message. Messages that arrive before it is set wait. */
  onMessage(handler: MessageHandler): void;
  /** Resolves once every message queued so far has left this rank (its send buffer may be reused). */
  flush(): Promise<void>;
  /** Stops receiving and polling; pending sends are flushed first. Does not finalize MPI. */
  close(): Promise<void>;
}
