/**
 * The groups of trajectory.h5 as tables of row blocks: every dataset of a group is created chunked and
 * resizable, sized to its final row count up front, and filled a block of rows at a time (numeric
 * columns from raw little-endian bytes, strings only where a row has one), so writing a run of any size
 * holds one block per group in memory.
 */

/** trajectory.h5 could not be written (its inputs, or HDF5). */
export class TrajectoryError extends Error {
  override name = 'TrajectoryError';
}

export type H5 = typeof import('h5wasm/node');
export type H5Module = Awaited<H5['ready']>;
export type H5File = InstanceType<H5['File']>;

export type Kind = 'f8' | 'i4' | 'u1' | 'u4' | 'i8' | 'str';
const DTYPES: Record<Exclude<Kind, 'str'>, string> = { f8: '<d', i4: '<i', u1: '<B', u4: '<I', i8: '<q' };
const BYTES: Record<Kind, number> = { f8: 8, i4: 4, u1: 1, u4: 4, i8: 8, str: 16 };

/** Target bytes of one chunk of a dataset, and bytes of rows buffered before they are written. */
export interface TableSizes {
  chunkBytes: number;
  blockBytes: number;
}
/** Most rows in one chunk of a dataset. */
const MAX_CHUNK_ROWS = 1 << 16;

/** One dataset filled in blocks of rows: [rows] when width is null, [rows, width] otherwise. */
export interface Column {
  path: string;
  kind: Kind;
  width: number | null;
  buf: Float64Array | Int32Array | Uint8Array | Uint32Array | BigInt64Array | string[];
  /** `buf`'s bytes (numeric kinds), where raw journal columns are copied to. */
  bytes: Uint8Array | null;
}

/**
 * The rows of one group (all its datasets the same row count), buffered and written in blocks to
 * datasets created chunked and resizable, sized to their final row count up front.
 */
export class Table {
  readonly cols = new Map<string, Column>();
  private capacity: number;
  /** Rows buffered, and rows already written. */
  filled = 0;
  private written = 0;
  private readonly rowBytes: number;

  constructor(
    private readonly Module: H5Module, private readonly file: H5File, group: string,
    specs: Array<{ name: string; kind: Kind; width: number | null }>, private readonly rows: number, sizes: TableSizes,
  ) {
    file.create_group(group.slice(1));
    this.rowBytes = specs.reduce((n, s) => n + BYTES[s.kind] * (s.width ?? 1), 0);
    this.capacity = Math.max(1, Math.min(rows, Math.floor(sizes.blockBytes / this.rowBytes)));
    const g = file.get(group.slice(1)) as InstanceType<H5['Group']>;
    for (const s of specs) {
      const path = `${group}/${s.name}`;
      const w = s.width ?? 1;
      // as many chunks as the target size asks for, sized to split the rows evenly: the last chunk is allocated
      // whole, so a plain target size would waste up to a chunk per dataset
      const target = Math.max(1, Math.min(MAX_CHUNK_ROWS, Math.floor(sizes.chunkBytes / (BYTES[s.kind] * w))));
      const chunkRows = Math.max(1, Math.ceil(rows / Math.max(1, Math.ceil(rows / target))));
      const shape = s.width === null ? [0] : [0, s.width];
      const ds = g.create_dataset({
        name: s.name, data: s.kind === 'str' ? [] : emptyOf(s.kind), shape, dtype: s.kind === 'str' ? 'S' : DTYPES[s.kind],
        maxshape: s.width === null ? [null] : [null, s.width], chunks: s.width === null ? [chunkRows] : [chunkRows, s.width],
      });
      if (ds.resize(s.width === null ? [rows] : [rows, s.width]) < 0) throw new TrajectoryError(`resizing ${path} to ${rows} rows failed`);
      const buf = alloc(s.kind, this.capacity * w);
      this.cols.set(s.name, { path, kind: s.kind, width: s.width, buf, bytes: bytesOf(buf) });
    }
  }

  /** Makes room for n more rows and returns the buffer row where they start. */
  reserve(n: number): number {
    if (this.filled + n > this.capacity) this.flush();
    if (n > this.capacity) {
      this.capacity = n;
      for (const c of this.cols.values()) {
        c.buf = alloc(c.kind, n * (c.width ?? 1));
        c.bytes = bytesOf(c.buf);
      }
    }
    const at = this.filled;
    this.filled += n;
    return at;
  }

  col<T extends Column['buf']>(name: string): T {
    return this.cols.get(name)!.buf as T;
  }

  /** Copies the raw little-endian bytes of n rows into a numeric column, from buffer row `at`. */
  copy(name: string, at: number, src: Uint8Array): void {
    const c = this.cols.get(name)!;
    c.bytes!.set(src, at * BYTES[c.kind] * (c.width ?? 1));
  }

  flush(): void {
    const n = this.filled;
    if (n === 0) return;
    if (this.written + n > this.rows) throw new TrajectoryError(`more rows than measured (${this.written + n} > ${this.rows})`);
    for (const c of this.cols.values()) {
      if (c.kind === 'str') this.writeStrings(c, n);
      else {
        const w = c.width ?? 1;
        const a = (c.buf as Exclude<Column['buf'], string[]>).subarray(0, n * w);
        this.writeRaw(c, this.written, n, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
      }
    }
    this.written += n;
    this.filled = 0;
  }

  /** Checks every row was written. */
  done(): void {
    this.flush();
    if (this.written !== this.rows) throw new TrajectoryError(`${this.written} rows written, ${this.rows} expected`);
  }

  /** Rows [row0, row0 + n) of a dataset from `bytes` (copied into the wasm heap), or from `ptr` there (freed). */
  private writeRaw(c: Column, row0: number, n: number, bytes: Uint8Array, ptr?: number): void {
    const M = this.Module;
    const p = ptr ?? M._malloc(bytes.byteLength || 1);
    if (!p) throw new TrajectoryError(`out of memory writing ${c.path}`);
    try {
      if (ptr === undefined) M.HEAPU8.set(bytes, p);
      const count = c.width === null ? [BigInt(n)] : [BigInt(n), BigInt(c.width)];
      const offset = c.width === null ? [BigInt(row0)] : [BigInt(row0), 0n];
      const strides = count.map(() => 1n);
      const status = M.set_dataset_data(this.file.file_id, c.path, count, offset, strides, BigInt(p));
      if (status < 0) throw new TrajectoryError(`writing rows ${row0}..${row0 + n} of ${c.path} failed`);
    } finally {
      M._free(p);
    }
  }

  /**
   * Variable-length UTF-8 strings, only the non-empty ones: a row never written reads as "" (the
   * dataset's fill value), costs no heap object, and a chunk with no text at all is never allocated,
   * so a run without failures spends nothing on this column. h5wasm writes such strings only whole
   * (create_dataset), so each run of non-empty rows goes through its low-level set_dataset_data, whose
   * memory type for this dataset is an array of C string pointers (wasm32: 4 bytes each).
   */
  private writeStrings(c: Column, n: number): void {
    const strs = c.buf as string[];
    try {
      for (let i = 0; i < n;) {
        if (!strs[i]) {
          i++;
          continue;
        }
        let j = i;
        while (j < n && strs[j]) j++;
        this.writeStringRun(c, strs, i, j);
        i = j;
      }
    } finally {
      strs.fill('', 0, n);
    }
  }

  private writeStringRun(c: Column, strs: string[], from: number, to: number): void {
    const M = this.Module;
    const enc = new TextEncoder();
    const allocs: number[] = [];
    try {
      const ptrs = new Uint32Array(to - from);
      for (let i = from; i < to; i++) {
        const s = strs[i];
        const b = enc.encode(s.includes('\0') ? s.replaceAll('\0', '\uFFFD') : s);
        const p = M._malloc(b.length + 1);
        if (!p) throw new TrajectoryError(`out of memory writing ${c.path}`);
        allocs.push(p);
        M.HEAPU8.set(b, p);
        M.HEAPU8[p + b.length] = 0;
        ptrs[i - from] = p;
      }
      const table = M._malloc(ptrs.byteLength);
      if (!table) throw new TrajectoryError(`out of memory writing ${c.path}`);
      M.HEAPU8.set(new Uint8Array(ptrs.buffer), table);
      this.writeRaw(c, this.written + from, to - from, new Uint8Array(0), table); // frees the table
    } finally {
      for (const p of allocs) M._free(p);
    }
  }
}

function bytesOf(buf: Column['buf']): Uint8Array | null {
  return Array.isArray(buf) ? null : new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

function emptyOf(kind: Exclude<Kind, 'str'>): Float64Array | Int32Array | Uint8Array | Uint32Array | BigInt64Array {
  return alloc(kind, 0) as Float64Array | Int32Array | Uint8Array | Uint32Array | BigInt64Array;
}

function alloc(kind: Kind, n: number): Column['buf'] {
  switch (kind) {
    case 'f8': return new Float64Array(n);
    case 'i4': return new Int32Array(n);
    case 'u1': return new Uint8Array(n);
    case 'u4': return new Uint32Array(n);
    case 'i8': return new BigInt64Array(n);
    case 'str': return new Array<string>(n).fill('');
  }
}

