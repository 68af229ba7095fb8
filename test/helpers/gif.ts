/**
 * A small GIF decoder for tests: walks the blocks of a GIF file (header, logical screen, colour
 * tables, extensions and their sub-blocks, image descriptors, trailer) and LZW-decodes each image, so a
 * test checks what a viewer would show rather than trusting the encoder. Throws on anything malformed.
 */

export interface GifImage {
  left: number;
  top: number;
  width: number;
  height: number;
  /** Milliseconds, from the graphic control extension before it (0 without one). */
  delay: number;
  /** The local colour table, when the image has one. */
  palette: Array<[number, number, number]> | null;
  /** Palette indices, row by row. */
  indices: Uint8Array;
}

export interface Gif {
  version: string;
  width: number;
  height: number;
  palette: Array<[number, number, number]> | null;
  /** NETSCAPE2.0 loop count (0 forever), or null without the extension. */
  loops: number | null;
  images: GifImage[];
  /** Whether the file ends with the trailer (0x3B) and nothing after it. */
  trailer: boolean;
}

/** GIF's LZW: variable-width codes (LSB first) from minCodeSize + 1 up to 12 bits, clear and end codes. */
export function lzwDecode(minCodeSize: number, data: Uint8Array, pixels: number): Uint8Array {
  if (minCodeSize < 2 || minCodeSize > 8) throw new Error(`LZW minimum code size ${minCodeSize} outside [2, 8]`);
  const out = new Uint8Array(pixels);
  const clear = 1 << minCodeSize, end = clear + 1;
  const prefix = new Int32Array(4096), suffix = new Uint8Array(4096), first = new Uint8Array(4096), length = new Int32Array(4096);
  for (let i = 0; i < clear; i++) {
    prefix[i] = -1;
    suffix[i] = i;
    first[i] = i;
    length[i] = 1;
  }
  let size = minCodeSize + 1, next = end + 1, prev = -1, n = 0;
  let bits = 0, held = 0, pos = 0;
  const emit = (code: number) => {
    const len = length[code];
    if (n + len > pixels) throw new Error(`LZW data decodes to more than ${pixels} pixels`);
    for (let c = code, k = n + len - 1; c >= 0; c = prefix[c], k--) out[k] = suffix[c];
    n += len;
  };
  for (;;) {
    while (held < size && pos < data.length) {
      bits |= data[pos++] << held;
      held += 8;
    }
    if (held < size) throw new Error('LZW data ends without an end code');
    const code = bits & ((1 << size) - 1);
    bits >>>= size;
    held -= size;
    if (code === clear) {
      size = minCodeSize + 1;
      next = end + 1;
      prev = -1;
      continue;
    }
    if (code === end) break;
    if (prev === -1) {
      if (code >= clear) throw new Error(`LZW code ${code} before any string`);
      emit(code);
      prev = code;
      continue;
    }
    if (code > next) throw new Error(`LZW code ${code} beyond the table (${next})`);
    // code === next: the string of prev and its own first character (the KwKwK case)
    const head = code < next ? first[code] : first[prev];
    if (next < 4096) {
      prefix[next] = prev;
      suffix[next] = head;
      first[next] = first[prev];
      length[next] = length[prev] + 1;
      next++;
      if (next === 1 << size && size < 12) size++;
    }
    emit(code);
    prev = code;
  }
  if (n !== pixels) throw new Error(`LZW data decodes to ${n} pixels, expected ${pixels}`);
  return out;
}

export function decodeGif(bytes: Uint8Array): Gif {
  let p = 0;
  const need = (k: number) => {
    if (p + k > bytes.length) throw new Error(`GIF ends at byte ${bytes.length}, inside a block at ${p}`);
  };
  const u8 = () => (need(1), bytes[p++]);
  const u16 = () => (need(2), (p += 2), bytes[p - 2] | (bytes[p - 1] << 8));
  const table = (flags: number) => {
    const n = 2 << (flags & 7);
    need(3 * n);
    const t = Array.from({ length: n }, (_, k) => [bytes[p + 3 * k], bytes[p + 3 * k + 1], bytes[p + 3 * k + 2]] as [number, number, number]);
    p += 3 * n;
    return t;
  };
  const subBlocks = () => {
    const parts: Uint8Array[] = [];
    for (let len = u8(); len !== 0; len = u8()) {
      need(len);
      parts.push(bytes.subarray(p, p + len));
      p += len;
    }
    return parts;
  };
  need(6);
  const signature = String.fromCharCode(...bytes.subarray(0, 6));
  if (signature !== 'GIF89a' && signature !== 'GIF87a') throw new Error(`not a GIF: starts with ${JSON.stringify(signature)}`);
  p = 6;
  const width = u16(), height = u16(), flags = u8();
  u8(); // background colour index
  u8(); // pixel aspect ratio
  const gif: Gif = { version: signature.slice(3), width, height, palette: flags & 0x80 ? table(flags) : null, loops: null, images: [], trailer: false };
  let delay = 0;
  while (p < bytes.length) {
    const block = u8();
    if (block === 0x3b) {
      gif.trailer = p === bytes.length;
      break;
    }
    if (block === 0x21) {
      const label = u8();
      const parts = subBlocks();
      if (label === 0xf9 && parts[0]?.length === 4) delay = 10 * (parts[0][1] | (parts[0][2] << 8));
      if (label === 0xff && parts.length >= 2 && String.fromCharCode(...parts[0]) === 'NETSCAPE2.0' && parts[1][0] === 1) gif.loops = parts[1][1] | (parts[1][2] << 8);
      continue;
    }
    if (block !== 0x2c) throw new Error(`unknown GIF block 0x${block.toString(16)} at byte ${p - 1}`);
    const left = u16(), top = u16(), w = u16(), h = u16(), f = u8();
    if (f & 0x40) throw new Error('interlaced images are not decoded here');
    const palette = f & 0x80 ? table(f) : null;
    const minCodeSize = u8();
    const parts = subBlocks();
    const data = new Uint8Array(parts.reduce((s, b) => s + b.length, 0));
    parts.reduce((o, b) => (data.set(b, o), o + b.length), 0);
    gif.images.push({ left, top, width: w, height: h, delay, palette, indices: lzwDecode(minCodeSize, data, w * h) });
    delay = 0;
  }
  return gif;
}
