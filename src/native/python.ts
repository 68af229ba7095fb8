/**
 * Typed facade of the l2l_python addon (native/python): declarations only. The addon embeds the
 * system's CPython (one interpreter per process, run by a thread of its own): src/runtime/python.ts
 * starts it once per process, and src/experiment/execution/python.ts drives it through
 * python/l2l_bridge.py.
 *
 * Typed arrays passed to `call` reach Python as writable memoryviews over the same memory, valid
 * during that call only: the Python side reads parameters and writes results in place, no copies.
 */

/** What the addon hands to the error class's constructor along with the exception's message. */
export interface PythonErrorInfo {
  /** The exception's type, e.g. 'ValueError'. */
  readonly type: string;
  /** The formatted traceback ('' when there is none, e.g. when the interpreter did not start). */
  readonly traceback: string;
}

export type PythonErrorConstructor = new (message: string, info: PythonErrorInfo) => Error;

export interface PythonStartOptions {
  /** Prepended to sys.path, in order. */
  paths: string[];
  /** The module whose functions `call` names (imported once the interpreter is up). */
  bridge: string;
}

export interface PythonStarted {
  /** sys.version */
  version: string;
  /** sys.executable */
  executable: string;
  /** The libpython the addon embeds. */
  libpython: string;
}

export interface PythonAddon {
  /** Starts the interpreter's thread, initialises CPython and imports the bridge. Once per process. */
  start(options: PythonStartOptions, errorClass: PythonErrorConstructor): Promise<PythonStarted>;
  /**
   * bridge.<name>(*args) on the Python thread; calls run one at a time, in the order made. Arguments:
   * null, booleans, numbers (integers become int), strings, typed arrays (memoryviews), arrays and plain
   * objects of these. The result: None, bool, int, float, str, bytes (a Uint8Array of its own), list,
   * tuple or dict. A Python exception rejects with the error class.
   */
  call(name: string, args: unknown[]): Promise<unknown>;
  /**
   * Without blocking: on a helper thread that waits for the GIL, if bridge.<guard>(token) is true,
   * raises bridge.<exception> in the running call. Returns false when Python is not running.
   */
  interrupt(guard: string, token: number, exception: string): boolean;
}
