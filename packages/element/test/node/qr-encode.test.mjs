/**
 * @module
 * The QR encoder against an independent decoder (jsQR): every version from 1 to 40 the payload
 * lengths reach, UTF-8 text included. Runs against both built copies: the ES chunk and the file
 * the script-tag build loads.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import jsQR from 'jsqr';

const chunk = readdirSync(new URL('../../dist/chunks/', import.meta.url)).find((file) =>
  /^qr-encode.*\.js$/.test(file),
);

/** Renders the modules (4 px each, quiet zone included) and decodes them. */
function decode({ size, modules }) {
  const scale = 4;
  const width = (size + 8) * scale;
  const pixels = new Uint8ClampedArray(width * width * 4).fill(255);
  modules.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (!dark) return;
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < scale; dx++) {
          const i = (((y + 4) * scale + dy) * width + (x + 4) * scale + dx) * 4;
          pixels[i] = pixels[i + 1] = pixels[i + 2] = 0;
        }
      }
    }),
  );
  return jsQR(pixels, width, width)?.data;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyz:/?=&.-_ ';
const payload = (length) =>
  Array.from({ length }, (_, i) => ALPHABET[(i * 7 + 3) % ALPHABET.length]).join('');

for (const file of [`chunks/${chunk}`, 'pay-checkout.qr.js']) {
  test(`${file}: decodes back to the text at every size`, async () => {
    const { encodeQr } = await import(`../../dist/${file}`);
    const versions = new Set();
    for (const length of [
      1, 14, 26, 42, 62, 84, 106, 122, 152, 180, 213, 251, 287, 331, 362, 412, 450, 504, 560, 624,
      666, 711, 779, 857, 911, 997, 1059, 1125, 1190, 1264, 1370, 1452, 1538, 1628, 1722, 1809,
      1911, 1989, 2099, 2213, 2331,
    ]) {
      const text = payload(length);
      const symbol = encodeQr(text);
      versions.add((symbol.size - 17) / 4);
      assert.equal(decode(symbol), text, `${length} bytes`);
    }
    assert.ok(versions.size >= 38, `covers ${versions.size} versions`);
  });

  test(`${file}: keeps UTF-8 text and refuses what does not fit`, async () => {
    const { encodeQr, qrSvg } = await import(`../../dist/${file}`);
    const text = '00020101021226 FIB:PAY:12345 ليرة عراقية — ñandú';
    assert.equal(decode(encodeQr(text)), text);
    const svg = qrSvg('FIB:PAY:12345');
    assert.equal(svg.size, 21 + 8);
    assert.match(svg.path, /^(M\d+ \d+h\d+v1H\d+z)+$/);
    assert.throws(() => encodeQr('x'.repeat(2332)), RangeError);
  });
}
