/**
 * Error classes owned by JS and thrown by native addons (handed to them at init), so callers can
 * `instanceof` them and read structured fields instead of parsing messages.
 */
import type { MpiErrorInfo } from './mpi.js';
import type { PythonErrorInfo } from './python.js';

/** A failed MPI call, tagged with where it happened: "MPI_Isend: ... (rank 1 of 4 on host)". */
export class MpiError extends Error implements MpiErrorInfo {
  readonly errorClass: string;
  readonly errorCode: number;
  readonly call: string;
  readonly rank: number;
  readonly size: number;
  readonly host: string;

  constructor(message: string, info: MpiErrorInfo) {
    super(`${info.call}: ${message} (${where(info)})`);
    this.name = 'MpiError';
    this.errorClass = info.errorClass;
    this.errorCode = info.errorCode;
    this.call = info.call;
    this.rank = info.rank;
    this.size = info.size;
    this.host = info.host;
  }
}

/** A native addon has not been built; the message names the missing file and the build command. */
export class AddonNotBuiltError extends Error {
  readonly addon: string;
  readonly path: string;

  constructor(addon: string, path: string, cause?: unknown, advice = 'Build it with `npm run build:native`.') {
    super(`native addon '${addon}' is not built: ${path} is missing. ${advice}`, { cause });
    this.name = 'AddonNotBuiltError';
    this.addon = addon;
    this.path = path;
  }
}

/** A Python exception raised by the embedded interpreter itself (not by an evaluation, which fails as data). */
export class PythonError extends Error {
  readonly type: string;
  readonly traceback: string;

  constructor(message: string, info: PythonErrorInfo) {
    super(info.type ? `${info.type}: ${message}` : message);
    this.name = 'PythonError';
    this.type = info.type;
    this.traceback = info.traceback;
  }
}

/** A native simulation kernel failed (not an argument error, which is a TypeError or RangeError). */
export class KernelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KernelError';
  }
}

function where(info: MpiErrorInfo): string {
  if (info.rank < 0) return 'before MPI init';
  return `rank ${info.rank} of ${info.size} on ${info.host}`;
}
