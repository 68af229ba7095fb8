/**
 * The wire format between a worker rank and its simulation child process: frames of a 4-byte
 * little-endian length followed by that many bytes of msgpack (the project's codec), over the child's
 * stdin (requests) and stdout (replies). The Python child (python/l2l_child.py) speaks the same.
 */
import { decode, encode } from '../../../runtime/codec.js';

/** The largest frame either side accepts (a bad length means a corrupt stream, not a big message). */
export const MAX_FRAME = 1 << 30;

/** One frame: length prefix and payload in one buffer (one write). */
export function frame(value: unknown): Buffer {
  const body = encode(value);
  const out = Buffer.allocUnsafe(4 + body.length);
  out.writeUInt32LE(body.length, 0);
  out.set(body, 4);
  return out;
}

/** Reassembles frames from the chunks a pipe delivers. */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** The next complete frame's value, or undefined when none is complete yet. */
  next(): unknown {
    if (this.buffered < 4) return undefined;
    if (this.chunks[0].length < 4) this.join();
    const len = this.chunks[0].readUInt32LE(0);
    if (len > MAX_FRAME) throw new Error(`corrupt frame: length ${len}`);
    if (this.buffered < 4 + len) return undefined;
    if (this.chunks[0].length < 4 + len) this.join();
    const head = this.chunks[0];
    const value = decode(head.subarray(4, 4 + len));
    if (head.length === 4 + len) this.chunks.shift();
    else this.chunks[0] = head.subarray(4 + len);
    this.buffered -= 4 + len;
    return value;
  }

  private join(): void {
    this.chunks = [Buffer.concat(this.chunks)];
  }
}
