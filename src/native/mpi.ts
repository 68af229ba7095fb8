/**
 * Typed facade of the l2l_mpi addon (native/mpi): declarations only. The addon is loaded by
 * ./loader.ts; src/runtime/mpi.ts owns MPI's process lifetime on top of this surface.
 *
 * Nothing here blocks waiting for another rank, except `split` and `dup`: MPI_Comm_split and
 * MPI_Comm_dup are setup collectives that return once every rank of the communicator has called them.
 */

/** MPI thread support levels (MPI_THREAD_SINGLE ... MPI_THREAD_MULTIPLE). */
export type ThreadLevel = 'single' | 'funneled' | 'serialized' | 'multiple';

/** What the addon hands to the error class's constructor along with MPI's error string. */
export interface MpiErrorInfo {
  /** MPI error class name, e.g. 'MPI_ERR_RANK'. */
  readonly errorClass: string;
  /** MPI error class number (MPI_Error_class of the return code). */
  readonly errorCode: number;
  /** The MPI function that failed, e.g. 'MPI_Isend'. */
  readonly call: string;
  /** Rank in MPI_COMM_WORLD, -1 before init. */
  readonly rank: number;
  /** Size of MPI_COMM_WORLD, 0 before init. */
  readonly size: number;
  /** MPI processor name, '' before init. */
  readonly host: string;
}

/** The JS error class the addon instantiates for every failed MPI call. */
export type MpiErrorConstructor = new (message: string, info: MpiErrorInfo) => Error;

/** Any view of bytes: Buffer, Uint8Array, Float64Array, Int32Array, DataView... */
export type ByteView = ArrayBufferView;

/** A message taken off the wire by `tryRecv`. */
export interface ReceivedMessage {
  readonly source: number;
  readonly tag: number;
  /** A fresh Node Buffer owned by the caller. */
  readonly data: Buffer;
}

/** A nonblocking collective in progress. */
export interface Request {
  /** MPI_Test: true once complete (and from then on); never waits. */
  test(): boolean;
}

export interface Communicator {
  readonly rank: number;
  readonly size: number;
  /**
   * MPI_Isend of the view's bytes in place (no copy). The addon holds a reference to `data` until
   * `testSends` sees the send complete; the caller must not modify it before then.
   */
  isend(dest: number, tag: number, data: ByteView): void;
  /** MPI_Testsome over this communicator's sends; releases the finished ones; returns how many remain. */
  testSends(): number;
  /**
   * The next complete message matching (source, tag), else null; defaults: any source, any tag.
   * MPI_Improbe + MPI_Imrecv: a message past the eager limit may still be in flight after it is
   * matched (it moves only while the sender makes MPI progress); it then waits in the addon and is
   * returned by a later call, never ahead of an earlier message from the same source.
   */
  tryRecv(source?: number, tag?: number): ReceivedMessage | null;
  /** Receives matched by tryRecv and not yet handed out (in flight or queued behind one). */
  readonly pendingReceives: number;
  /** MPI_Ibarrier. */
  ibarrier(): Request;
  /** MPI_Ibcast of `buffer` (same byte length on every rank); the buffer is kept alive until complete. */
  ibcast(buffer: ByteView, root: number): Request;
  /** MPI_Comm_split (blocking setup collective). A null/undefined color (MPI_UNDEFINED) gives null. */
  split(color: number | null | undefined, key: number): Communicator | null;
  /** MPI_Comm_dup (blocking setup collective). */
  dup(): Communicator;
  /** MPI_Comm_free. Throws for the world communicator and while sends are pending. */
  free(): void;
  /** MPI_Abort: ends every rank of the job with `code`. */
  abort(code?: number): never;
}

export interface MpiAddon {
  /** MPI_ANY_SOURCE and MPI_ANY_TAG, for tryRecv. */
  readonly ANY_SOURCE: number;
  readonly ANY_TAG: number;
  /**
   * MPI_Init_thread (or adopts MPI already initialized in this process) and stores the error class.
   * Returns the level provided. Throws once MPI has been finalized.
   */
  init(threadLevel: ThreadLevel, errorClass: MpiErrorConstructor): ThreadLevel;
  initialized(): boolean;
  finalized(): boolean;
  /**
   * MPI_Finalize; a second call is a no-op. Also run by a Node environment cleanup hook when JS did
   * not call it. Like a barrier: returns when every rank has called it.
   */
  finalize(): void;
  /** MPI_Get_processor_name. */
  processorName(): string;
  /** MPI_Get_library_version; callable before init. */
  libraryVersion(): string;
  /** MPI_Wtime in seconds. */
  wtime(): number;
  /** MPI_COMM_WORLD (always the same object). */
  world(): Communicator;
}
