/**
 * @module
 * A minimal PNG writer for black-and-white module grids: 8-bit greyscale, filter 0 on every
 * row, deflated with node:zlib. Enough to draw a QR code as a real image without a canvas.
 */
import { deflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 as PNG chunks use it. */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/**
 * Draws `modules` (true = dark) as a greyscale PNG, each module `scale` pixels square.
 * The grid must be square and non-empty.
 */
export function modulesToPng(modules: readonly (readonly boolean[])[], scale: number): Buffer {
  const size = modules.length;
  if (size === 0 || modules.some((row) => row.length !== size)) {
    throw new RangeError('the module grid must be square and non-empty');
  }
  if (!Number.isInteger(scale) || scale < 1)
    throw new RangeError('scale must be a positive integer');
  const width = size * scale;
  const stride = width + 1;
  const pixels = Buffer.alloc(stride * width);
  for (let y = 0; y < width; y += 1) {
    const row = modules[Math.floor(y / scale)] ?? [];
    const offset = y * stride;
    pixels[offset] = 0; // filter type: none
    for (let x = 0; x < width; x += 1) {
      pixels[offset + 1 + x] = row[Math.floor(x / scale)] ? 0x00 : 0xff;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(width, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // colour type: greyscale
  header[10] = 0; // compression
  header[11] = 0; // filter method
  header[12] = 0; // no interlace
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(pixels)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
