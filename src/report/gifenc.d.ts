/**
 * Types of the part of gifenc 1.0.3 (an npm package without types) the report uses. It is CommonJS:
 * from ES modules, Node gives only its module.exports, as the default import.
 */
declare module 'gifenc' {
  /** [r, g, b] per colour index, each 0..255; up to 256 colours. */
  export type GifPalette = number[][];

  export interface GifFrameOptions {
    /** The colour table: on the first frame it becomes the global one; on later frames a local one. */
    palette?: GifPalette;
    /** Milliseconds the frame is shown (stored in hundredths of a second). */
    delay?: number;
    /** -1 play once, 0 loop forever, n > 0 loop n times (first frame only). */
    repeat?: number;
    transparent?: boolean;
    transparentIndex?: number;
    colorDepth?: number;
    dispose?: number;
  }

  export interface GifEncoder {
    /** Writes one frame of width x height palette indices, row by row from the top. */
    writeFrame(index: Uint8Array, width: number, height: number, options?: GifFrameOptions): void;
    /** Writes the trailer. */
    finish(): void;
    /** A copy of the bytes written so far. */
    bytes(): Uint8Array;
  }

  const gifenc: {
    GIFEncoder(options?: { initialCapacity?: number; auto?: boolean }): GifEncoder;
  };
  export default gifenc;
}
