/**
 * Recorder: the only writer of files. One results directory per run:
 *   config.json        the resolved experiment, parameter space, software version, ranks
 *   generations.msgpack  per generation: statistics and every individual evaluated (src/results/journal-codec.ts)
 *   summary.json       written at the start (status "running") and atomically replaced at the end
 *   run.log            every rank's log lines (JSON, pino), written through as they arrive
 *   checkpoint.msgpack, events.msgpack   what --resume continues from (checkpoint.ts)
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { open, rename, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeGenerationChunks, encodeHeader } from '../results/journal-codec.js';
import { encodeEventsHeader } from '../results/checkpoint.js';
import { writeTrajectory } from '../results/trajectory-h5.js';
import { ASSESSMENT_FILE, CHECKPOINT_FILE, CONFIG_FILE, EVENTS_FILE, JOURNAL_FILE, LOG_FILE, RUN_ENTRIES, SUMMARY_FILE, type GenerationRecord, type RunMode, type Summary } from '../results/records.js';
import type { ParamSpec } from '../core/space.js';
import type { Assessment } from '../core/optimizee.js';

export type { Best, GenerationRecord, Summary } from '../results/records.js';

/**
 * Fault injection for the crash-consistency tests: L2L_CRASH_AT=<point>:<n> kills rank 0 with SIGKILL
 * (as kill -9 or a node failure would) halfway through the n-th checkpoint's temporary file
 * ('checkpoint-write'), right after the n-th checkpoint's rename ('checkpoint-renamed'), or halfway
 * through writing the n-th event ('event'). Events are counted over the process, across every run it
 * records (a group leader records one inner experiment after another). Unset, it costs one comparison
 * per write.
 */
let eventsThisProcess = 0;
/**
 * L2L_PAUSE_AT=record:<n>: once the n-th journal record this process writes is on disk, rank 0 says so
 * on stderr and stops itself (SIGSTOP), so that a test can kill the whole job at a moment that is
 * certainly mid-run, however loaded the machine (a stopped rank makes no more progress).
 */
let recordsThisProcess = 0;
const pauseAfterRecord = Number(/^record:(\d+)$/.exec(process.env.L2L_PAUSE_AT ?? '')?.[1] ?? NaN);
export const PAUSED_LINE = 'l2l: paused for a test (L2L_PAUSE_AT)';
const crashAt = (() => {
  const m = /^(checkpoint-write|checkpoint-renamed|event):(\d+)$/.exec(process.env.L2L_CRASH_AT ?? '');
  return {
    is: (point: string, n: number) => m !== null && m[1] === point && Number(m[2]) === n,
    die: (): never => {
      process.kill(process.pid, 'SIGKILL');
      throw new Error('unreachable');
    },
  };
})();

export class ResultsDirError extends Error {
  override name = 'ResultsDirError';
}

/**
 * The recorder's writes to the journal, the events file and the checkpoint go through one serial
 * queue of asynchronous file operations, so they run on libuv's threads while rank 0 goes on
 * optimizing, and land on disk in the order they were made: a checkpoint is written only after the
 * journal bytes it accounts for, and an events file only after its checkpoint.
 */
export class Recorder {
  private journal: FileHandle | null = null;
  /** Bytes of generations.msgpack handed to the queue so far (see journalBytes). */
  private bytesQueued = 0;
  /** Records not yet encoded (see recordGeneration). */
  private unencoded: GenerationRecord[] = [];
  private logFd: number | null = null;
  private eventsFile: FileHandle | null = null;
  private queue: Promise<void> = Promise.resolve();
  /** Journal bytes waiting for the queued write that will take them (null: none queued). */
  private journalChunks: Uint8Array[] | null = null;
  /** Events waiting for the queued write that will take them, and the number of the first. */
  private eventChunks: { events: Uint8Array[][]; first: number } | null = null;
  /** Time the checkpoints took on the writer queue (off the optimizer's thread). */
  checkpointSeconds = 0;
  private failure: Error | null = null;

  private constructor(readonly dir: string, private readonly resuming: boolean) {}

  /**
   * Creates the directory; refuses one that holds another run unless `force`. A fresh run starts from
   * nothing: whatever an earlier run left there (its trajectory, report, inner runs, checkpoint) is
   * removed, so no file of it can pass for this run's (an inner run reused, a stale trajectory.h5
   * beside a new journal). Only the names a run writes are removed; anything else stays.
   */
  static open(dir: string, opts: { force: boolean }): Recorder {
    if (existsSync(join(dir, SUMMARY_FILE)) && !opts.force) {
      throw new ResultsDirError(`results directory ${dir} already holds a run; choose another with --out DIR or overwrite it with --force`);
    }
    mkdirSync(dir, { recursive: true });
    for (const f of RUN_ENTRIES) rmSync(join(dir, f), { force: true, recursive: true });
    return new Recorder(dir, false);
  }

  /** Reopens a run's directory to continue it: the journal cut back to what the checkpoint accounts for. */
  static resume(dir: string, journalBytes: number): Recorder {
    const r = new Recorder(dir, true);
    const path = join(dir, JOURNAL_FILE);
    const size = statSync(path).size;
    if (size < journalBytes) throw new ResultsDirError(`${path} has ${size} bytes, fewer than the ${journalBytes} its checkpoint accounts for: the results directory was changed after the run`);
    truncateSync(path, journalBytes);
    r.bytesQueued = journalBytes;
    r.enqueue(async () => {
      r.journal = await open(path, 'r+');
    });
    return r;
  }

  /** config.json, and the journal's header (which records the run's mode). */
  writeConfig(config: { experiment: unknown; space: ParamSpec[]; version: string; ranks: number; weights?: number[]; objectives?: string[] }, mode: RunMode): void {
    if (this.resuming) return; // the run's own config.json stays
    this.writeAtomic(CONFIG_FILE, JSON.stringify(config, null, 2) + '\n');
    const path = join(this.dir, JOURNAL_FILE);
    writeFileSync(path, ''); // exists (empty) from now on
    this.enqueue(async () => {
      this.journal = await open(path, 'r+');
    });
    this.bytesQueued = 0;
    this.writeJournal(encodeHeader(mode));
  }

  /** Appends log lines to run.log (opened on first use; synchronous, so a crash loses none written). */
  appendLog(text: string): void {
    this.logFd ??= openSync(join(this.dir, LOG_FILE), this.resuming ? 'a' : 'w');
    writeSync(this.logFd, text);
  }

  /**
   * Appends a generation. It is encoded at the end of the current turn of the event loop, not now:
   * the optimizer's next ask is dispatched first, so the workers evaluate while rank 0 encodes; its
   * columns are written where they lie (encodeGenerationChunks), not copied. The caller must not
   * change the arrays after this call (the optimizer actor never changes rows once told).
   */
  recordGeneration(rec: GenerationRecord): void {
    if (this.unencoded.length === 0) queueMicrotask(() => this.encodeRecords());
    this.unencoded.push(rec);
  }

  /** Bytes of generations.msgpack once every record made so far is written: what a checkpoint records. */
  get journalBytes(): number {
    this.encodeRecords();
    return this.bytesQueued;
  }

  private encodeRecords(): void {
    const recs = this.unencoded;
    if (recs.length === 0) return;
    this.unencoded = [];
    for (const rec of recs) {
      this.writeJournal(...encodeGenerationChunks(rec));
      const n = ++recordsThisProcess;
      if (n === pauseAfterRecord) {
        this.enqueue(async () => {
          writeSync(2, `${PAUSED_LINE} after journal record ${n}\n`);
          process.kill(process.pid, 'SIGSTOP');
        });
      }
    }
  }

  /**
   * Replaces the checkpoint atomically (temp file, fsync, rename, fsync of the directory) once the
   * journal bytes it accounts for are on disk (fsync), then starts a fresh events file numbered after
   * it. A kill between the two leaves the old events file, whose number tells the resume to ignore it.
   */
  writeCheckpoint(bytes: Uint8Array, seq: number): void {
    this.check();
    this.encodeRecords();
    this.eventChunks = null; // events from now on belong in the events file that follows this checkpoint
    this.enqueue(async () => {
      const t0 = performance.now();
      await this.journal!.sync();
      await this.writeAtomicAsync(CHECKPOINT_FILE, bytes, crashAt.is('checkpoint-write', seq));
      if (crashAt.is('checkpoint-renamed', seq)) crashAt.die();
      await this.startEventsNow(seq);
      this.checkpointSeconds += (performance.now() - t0) / 1000;
    });
  }

  /** A fresh events file following checkpoint `seq`. */
  startEvents(seq: number): void {
    this.eventChunks = null;
    this.enqueue(() => this.startEventsNow(seq));
  }

  /** Continues the events file of a resumed run after its last complete event. */
  continueEvents(validBytes: number): void {
    const path = join(this.dir, EVENTS_FILE);
    truncateSync(path, validBytes);
    this.enqueue(async () => {
      this.eventsFile = await open(path, 'a');
    });
  }

  /**
   * Appends one event (an ask, a batch of results), given as the chunks that make it (see
   * encodeEvent: a results event's columns are the batch's own arrays, written without a copy, so
   * they must not change after this call). Events made while a write is queued go with it (one
   * writev), so many small events cost few writes.
   */
  appendEvent(chunks: Uint8Array[]): void {
    this.check();
    const n = ++eventsThisProcess;
    if (!this.eventChunks) {
      const batch = { events: [] as Uint8Array[][], first: n };
      this.eventChunks = batch;
      this.enqueue(async () => {
        if (this.eventChunks === batch) this.eventChunks = null; // later events queue a write of their own
        if (!this.eventsFile) throw new Error('recorder: an event before the first checkpoint');
        const crash = process.env.L2L_CRASH_AT ? batch.events.findIndex((_c, i) => crashAt.is('event', batch.first + i)) : -1;
        if (crash >= 0) {
          if (crash > 0) await writevAll(this.eventsFile, batch.events.slice(0, crash).flat(), null);
          const c = Buffer.concat(batch.events[crash]);
          await this.eventsFile.write(c, 0, c.length >> 1);
          crashAt.die();
        }
        await writevAll(this.eventsFile, batch.events.flat(), null);
      });
    }
    this.eventChunks.events.push(chunks);
  }

  /**
   * trajectory.h5 from the journal just closed (src/results/trajectory-h5.ts). A failure costs that file
   * (`export DIR` can redo it), never the run: it is reported on stderr and false returned.
   */
  async writeTrajectory(): Promise<boolean> {
    try {
      await writeTrajectory(this.dir);
      return true;
    } catch (err) {
      process.stderr.write(`warning: ${this.dir}/trajectory.h5 not written: ${String((err as Error).message).split('\n')[0]} (retry with: node dist/main.js export ${this.dir})\n`);
      return false;
    }
  }

  writeSummary(summary: Summary): void {
    this.writeAtomic(SUMMARY_FILE, JSON.stringify(summary, null, 2) + '\n');
  }

  writeAssessment(assessment: Assessment): void {
    this.writeAtomic(ASSESSMENT_FILE, JSON.stringify(assessment, (_, v) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v)) + '\n');
  }

  /** Waits until every write handed over so far is done. */
  async flush(): Promise<void> {
    this.encodeRecords();
    await this.queue;
    this.check();
  }

  /** Closes every file, the journal flushed to disk. */
  async close(): Promise<void> {
    await this.flush();
    if (this.logFd !== null) closeSync(this.logFd);
    this.logFd = null;
    await this.eventsFile?.close();
    this.eventsFile = null;
    if (this.journal) {
      await this.journal.sync();
      await this.journal.close();
    }
    this.journal = null;
  }

  private check(): void {
    if (this.failure) throw new Error(`recorder: writing to ${this.dir} failed: ${this.failure.message}`);
  }

  private enqueue(job: () => Promise<void>): void {
    this.queue = this.queue.then(job).catch((err: Error) => {
      this.failure ??= err;
    });
  }

  /** Journal bytes made while a write is queued go with it (one writev at the position they start). */
  private writeJournal(...bytes: Uint8Array[]): void {
    this.check();
    if (!this.journalChunks) {
      const chunks: Uint8Array[] = [];
      const at = this.bytesQueued;
      this.journalChunks = chunks;
      this.enqueue(async () => {
        if (this.journalChunks === chunks) this.journalChunks = null;
        await writevAll(this.journal!, chunks, at);
      });
    }
    for (const b of bytes) {
      this.journalChunks.push(b);
      this.bytesQueued += b.length;
    }
  }

  private async startEventsNow(seq: number): Promise<void> {
    const tmp = join(this.dir, `.${EVENTS_FILE}.tmp`);
    await writeFile(tmp, encodeEventsHeader(seq));
    await rename(tmp, join(this.dir, EVENTS_FILE));
    await this.eventsFile?.close();
    this.eventsFile = await open(join(this.dir, EVENTS_FILE), 'a');
  }

  private writeAtomic(name: string, text: string): void {
    const tmp = join(this.dir, `.${name}.tmp`);
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, join(this.dir, name));
    syncDir(this.dir);
  }

  private async writeAtomicAsync(name: string, bytes: Uint8Array, crashHalfway: boolean): Promise<void> {
    const tmp = join(this.dir, `.${name}.tmp`);
    const fh = await open(tmp, 'w');
    try {
      if (crashHalfway) {
        await fh.write(bytes, 0, bytes.length >> 1);
        crashAt.die();
      }
      await fh.write(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, join(this.dir, name));
    const d = await open(this.dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  }
}

/** Writes every chunk, at `position` onwards (null: at the end of a file opened for appending). */
async function writevAll(fh: FileHandle, chunks: Uint8Array[], position: number | null): Promise<void> {
  const total = chunks.reduce((n, c) => n + c.length, 0);
  let done = 0;
  let rest = chunks;
  while (done < total) {
    const { bytesWritten } = await fh.writev(rest, position === null ? undefined : position + done);
    done += bytesWritten;
    if (done >= total) break;
    // a short write: go on from the byte where it stopped
    let skip = bytesWritten;
    const next: Uint8Array[] = [];
    for (const c of rest) {
      if (skip >= c.length) {
        skip -= c.length;
        continue;
      }
      next.push(skip > 0 ? c.subarray(skip) : c);
      skip = 0;
    }
    rest = next;
  }
}

function syncDir(dir: string): void {
  const d = openSync(dir, 'r');
  try {
    fsyncSync(d);
  } finally {
    closeSync(d);
  }
}
