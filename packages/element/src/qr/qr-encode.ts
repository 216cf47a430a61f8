/**
 * @module
 * A small QR code encoder (ISO/IEC 18004, byte mode, error correction level M, versions 1–40),
 * loaded only when a payment's QR action carries text to encode instead of a ready image.
 *
 * It lives in its own lazily loaded chunk so that the main bundle stays small: most QR methods
 * come with the provider's own image, and redirect methods never need it.
 */

/** Error-correction codewords per block, level M, by version (index 0 unused). */
const ECC_PER_BLOCK = [
  0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28,
  28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
];
/** Error-correction blocks, level M, by version (index 0 unused). */
const BLOCKS = [
  0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25,
  26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49,
];
/** Level M in the format information (L=1, M=0, Q=3, H=2). */
const FORMAT_LEVEL_M = 0;

/** A QR code: `size` × `size` modules, `true` for dark, row by row. */
export interface QrMatrix {
  size: number;
  modules: boolean[][];
}

/** An SVG rendering of a QR code, quiet zone included. */
export interface QrSvg {
  /** The edge length of the `viewBox` in modules. */
  size: number;
  /** One path (`d` attribute) drawing every dark module. */
  path: string;
}

/** Encodes `text` (as UTF-8) into the smallest QR code of level M that holds it. */
export function encodeQr(text: string): QrMatrix {
  const data = new TextEncoder().encode(text);
  let version = 1;
  for (; ; version++) {
    if (version > 40) throw new RangeError('The text is too long for a QR code');
    const capacity = dataCodewords(version) * 8;
    if (4 + (version < 10 ? 8 : 16) + data.length * 8 <= capacity) break;
  }

  const bits: number[] = [];
  const push = (value: number, length: number) => {
    for (let i = length - 1; i >= 0; i--) bits.push((value >>> i) & 1);
  };
  push(0b0100, 4);
  push(data.length, version < 10 ? 8 : 16);
  for (const byte of data) push(byte, 8);
  const capacity = dataCodewords(version) * 8;
  push(0, Math.min(4, capacity - bits.length));
  push(0, (8 - (bits.length % 8)) % 8);
  for (let pad = 0xec; bits.length < capacity; pad ^= 0xec ^ 0x11) push(pad, 8);
  const codewords: number[] = [];
  for (let i = 0; i < bits.length; i += 8) {
    let byte = 0;
    for (let j = 0; j < 8; j++) byte = (byte << 1) | (bits[i + j] ?? 0);
    codewords.push(byte);
  }

  const symbol = new QrSymbol(version);
  symbol.drawCodewords(withErrorCorrection(version, codewords));
  symbol.applyBestMask();
  return { size: symbol.size, modules: symbol.modules };
}

/** Encodes `text` and draws it as one SVG path with a four-module quiet zone. */
export function qrSvg(text: string): QrSvg {
  const { size, modules } = encodeQr(text);
  let path = '';
  modules.forEach((row, y) => {
    for (let x = 0; x < size; x++) {
      if (!row[x]) continue;
      let end = x;
      while (row[end + 1]) end++;
      path += `M${x + 4} ${y + 4}h${end - x + 1}v1H${x + 4}z`;
      x = end;
    }
  });
  return { size: size + 8, path };
}

function rawDataModules(version: number): number {
  let result = (16 * version + 128) * version + 64;
  if (version >= 2) {
    const align = Math.floor(version / 7) + 2;
    result -= (25 * align - 10) * align - 55;
    if (version >= 7) result -= 36;
  }
  return result;
}

function dataCodewords(version: number): number {
  return (
    Math.floor(rawDataModules(version) / 8) - (ECC_PER_BLOCK[version] ?? 0) * (BLOCKS[version] ?? 0)
  );
}

/** Splits the data into blocks, appends Reed–Solomon codewords and interleaves them. */
function withErrorCorrection(version: number, data: number[]): number[] {
  const blockCount = BLOCKS[version] ?? 1;
  const eccLength = ECC_PER_BLOCK[version] ?? 0;
  const raw = Math.floor(rawDataModules(version) / 8);
  const shortBlocks = blockCount - (raw % blockCount);
  const shortLength = Math.floor(raw / blockCount);
  const divisor = rsDivisor(eccLength);
  const blocks: number[][] = [];
  for (let i = 0, k = 0; i < blockCount; i++) {
    const length = shortLength - eccLength + (i < shortBlocks ? 0 : 1);
    const block = data.slice(k, k + length);
    k += length;
    const ecc = rsRemainder(block, divisor);
    if (i < shortBlocks) block.push(0);
    blocks.push(block.concat(ecc));
  }
  const result: number[] = [];
  for (let i = 0; i < (blocks[0]?.length ?? 0); i++) {
    blocks.forEach((block, j) => {
      // Short blocks carry a placeholder where long blocks have their extra data codeword.
      if (i !== shortLength - eccLength || j >= shortBlocks) result.push(block[i] ?? 0);
    });
  }
  return result;
}

function gfMultiply(x: number, y: number): number {
  let z = 0;
  for (let i = 7; i >= 0; i--) {
    z = (z << 1) ^ ((z >>> 7) * 0x11d);
    z ^= ((y >>> i) & 1) * x;
  }
  return z;
}

function rsDivisor(degree: number): number[] {
  const result = new Array<number>(degree).fill(0);
  result[degree - 1] = 1;
  let root = 1;
  for (let i = 0; i < degree; i++) {
    for (let j = 0; j < degree; j++) {
      result[j] = gfMultiply(result[j] ?? 0, root) ^ (result[j + 1] ?? 0);
    }
    root = gfMultiply(root, 0x02);
  }
  return result;
}

function rsRemainder(data: readonly number[], divisor: readonly number[]): number[] {
  const result = new Array<number>(divisor.length).fill(0);
  for (const byte of data) {
    const factor = byte ^ (result.shift() ?? 0);
    result.push(0);
    divisor.forEach((coefficient, i) => {
      result[i] = (result[i] ?? 0) ^ gfMultiply(coefficient, factor);
    });
  }
  return result;
}

const bit = (value: number, index: number) => ((value >>> index) & 1) !== 0;

/** The module grid while it is being drawn. */
class QrSymbol {
  readonly size: number;
  readonly modules: boolean[][];
  readonly #reserved: boolean[][];

  constructor(readonly version: number) {
    const size = (this.size = version * 4 + 17);
    const grid = () => Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
    this.modules = grid();
    this.#reserved = grid();
    for (let i = 0; i < size; i++) {
      this.#set(6, i, i % 2 === 0);
      this.#set(i, 6, i % 2 === 0);
    }
    for (const [x, y] of [
      [3, 3],
      [size - 4, 3],
      [3, size - 4],
    ] as const) {
      for (let dy = -4; dy <= 4; dy++) {
        for (let dx = -4; dx <= 4; dx++) {
          const distance = Math.max(Math.abs(dx), Math.abs(dy));
          const xx = x + dx;
          const yy = y + dy;
          if (xx >= 0 && xx < size && yy >= 0 && yy < size) {
            this.#set(xx, yy, distance !== 2 && distance !== 4);
          }
        }
      }
    }
    const positions = this.#alignmentPositions();
    const last = positions.length - 1;
    positions.forEach((x, i) =>
      positions.forEach((y, j) => {
        if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) return;
        for (let dy = -2; dy <= 2; dy++) {
          for (let dx = -2; dx <= 2; dx++) {
            this.#set(x + dx, y + dy, Math.max(Math.abs(dx), Math.abs(dy)) !== 1);
          }
        }
      }),
    );
    this.#drawFormat(0);
    if (version >= 7) {
      let rem = version;
      for (let i = 0; i < 12; i++) rem = (rem << 1) ^ ((rem >>> 11) * 0x1f25);
      const bits = (version << 12) | rem;
      for (let i = 0; i < 18; i++) {
        const a = size - 11 + (i % 3);
        const b = Math.floor(i / 3);
        this.#set(a, b, bit(bits, i));
        this.#set(b, a, bit(bits, i));
      }
    }
  }

  #set(x: number, y: number, dark: boolean): void {
    const row = this.modules[y];
    const reserved = this.#reserved[y];
    if (!row || !reserved) return;
    row[x] = dark;
    reserved[x] = true;
  }

  #alignmentPositions(): number[] {
    if (this.version === 1) return [];
    const count = Math.floor(this.version / 7) + 2;
    const step = this.version === 32 ? 26 : Math.ceil((this.version * 4 + 4) / (count * 2 - 2)) * 2;
    const result = [6];
    for (let pos = this.size - 7; result.length < count; pos -= step) result.splice(1, 0, pos);
    return result;
  }

  #drawFormat(mask: number): void {
    const data = (FORMAT_LEVEL_M << 3) | mask;
    let rem = data;
    for (let i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
    const bits = ((data << 10) | rem) ^ 0x5412;
    const size = this.size;
    for (let i = 0; i <= 5; i++) this.#set(8, i, bit(bits, i));
    this.#set(8, 7, bit(bits, 6));
    this.#set(8, 8, bit(bits, 7));
    this.#set(7, 8, bit(bits, 8));
    for (let i = 9; i < 15; i++) this.#set(14 - i, 8, bit(bits, i));
    for (let i = 0; i < 8; i++) this.#set(size - 1 - i, 8, bit(bits, i));
    for (let i = 8; i < 15; i++) this.#set(8, size - 15 + i, bit(bits, i));
    this.#set(8, size - 8, true);
  }

  drawCodewords(codewords: readonly number[]): void {
    let i = 0;
    const size = this.size;
    for (let right = size - 1; right >= 1; right -= 2) {
      if (right === 6) right = 5;
      for (let vert = 0; vert < size; vert++) {
        for (let j = 0; j < 2; j++) {
          const x = right - j;
          const upward = ((right + 1) & 2) === 0;
          const y = upward ? size - 1 - vert : vert;
          const row = this.modules[y];
          if (row && !this.#reserved[y]?.[x] && i < codewords.length * 8) {
            row[x] = bit(codewords[i >>> 3] ?? 0, 7 - (i & 7));
            i++;
          }
        }
      }
    }
  }

  #applyMask(mask: number): void {
    const tests = [
      (x: number, y: number) => (x + y) % 2,
      (_x: number, y: number) => y % 2,
      (x: number) => x % 3,
      (x: number, y: number) => (x + y) % 3,
      (x: number, y: number) => (Math.floor(x / 3) + Math.floor(y / 2)) % 2,
      (x: number, y: number) => ((x * y) % 2) + ((x * y) % 3),
      (x: number, y: number) => (((x * y) % 2) + ((x * y) % 3)) % 2,
      (x: number, y: number) => (((x + y) % 2) + ((x * y) % 3)) % 2,
    ];
    const test = tests[mask] ?? tests[0]!;
    this.modules.forEach((row, y) => {
      for (let x = 0; x < this.size; x++) {
        if (!this.#reserved[y]?.[x] && test(x, y) === 0) row[x] = !row[x];
      }
    });
  }

  /** Tries the eight masks and keeps the one with the lowest penalty (ISO/IEC 18004 §7.8.3). */
  applyBestMask(): void {
    let best = 0;
    let lowest = Infinity;
    for (let mask = 0; mask < 8; mask++) {
      this.#applyMask(mask);
      this.#drawFormat(mask);
      const penalty = this.#penalty();
      if (penalty < lowest) {
        best = mask;
        lowest = penalty;
      }
      this.#applyMask(mask);
    }
    this.#applyMask(best);
    this.#drawFormat(best);
  }

  #penalty(): number {
    const size = this.size;
    const at = (x: number, y: number) => this.modules[y]?.[x] ?? false;
    let result = 0;
    for (const transpose of [false, true]) {
      for (let a = 0; a < size; a++) {
        let color = false;
        let run = 0;
        const history = [0, 0, 0, 0, 0, 0, 0];
        for (let b = 0; b < size; b++) {
          const dark = transpose ? at(a, b) : at(b, a);
          if (dark === color) {
            run++;
            if (run === 5) result += 3;
            else if (run > 5) result++;
          } else {
            addHistory(run, history, size);
            if (!color) result += finderPatterns(history) * 40;
            color = dark;
            run = 1;
          }
        }
        if (color) {
          addHistory(run, history, size);
          run = 0;
        }
        addHistory(run + size, history, size);
        result += finderPatterns(history) * 40;
      }
    }
    let dark = 0;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const color = at(x, y);
        if (color) dark++;
        if (
          x < size - 1 &&
          y < size - 1 &&
          color === at(x + 1, y) &&
          color === at(x, y + 1) &&
          color === at(x + 1, y + 1)
        ) {
          result += 3;
        }
      }
    }
    const total = size * size;
    result += (Math.ceil(Math.abs(dark * 20 - total * 10) / total) - 1) * 10;
    return result;
  }
}

function addHistory(run: number, history: number[], size: number): void {
  if (history[0] === 0) run += size;
  history.pop();
  history.unshift(run);
}

function finderPatterns(h: readonly number[]): number {
  const [h0 = 0, n = 0, h2, h3, h4, h5, h6 = 0] = h;
  const core = n > 0 && h2 === n && h3 === n * 3 && h4 === n && h5 === n;
  return (core && h0 >= n * 4 && h6 >= n ? 1 : 0) + (core && h6 >= n * 4 && h0 >= n ? 1 : 0);
}
