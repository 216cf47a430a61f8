/**
 * @module
 * Real QR codes as `data:image/png;base64,…` URLs, the form FIB's `qrCode` takes: the modules
 * come from `uqr` (a pure-JS encoder), the image from our PNG writer. Scannable by any phone.
 */
import { encode } from 'uqr';
import { modulesToPng } from './png.js';

/** Pixels per module: a version-4 code with its quiet zone comes out at about 300 px. */
const SCALE = 8;

/** The QR modules of `text` (true = dark), with the standard 4-module quiet zone. */
export function qrModules(text: string): boolean[][] {
  return encode(text, { ecc: 'M', border: 4 }).data;
}

/** A PNG data URL of a QR code that encodes `text`. */
export function qrDataUrl(text: string): string {
  return `data:image/png;base64,${modulesToPng(qrModules(text), SCALE).toString('base64')}`;
}
