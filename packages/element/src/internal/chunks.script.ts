/**
 * @module
 * The lazily loaded parts of the element in the script-tag build: ES module files published
 * next to `pay-checkout.js` (`pay-checkout.stream.js`, `pay-checkout.methods.js`, `pay-checkout.qr-view.js`,
 * `pay-checkout.qr.js`,
 * `pay-checkout.de.js` …), loaded with
 * `import()` from the script's own URL, so the one `<script>` tag is all a page needs.
 */
import type { Translation } from '../translations/en.js';
import type {
  MethodsViewModule,
  QrEncoderModule,
  QrViewModule,
  StatusStreamModule,
} from './chunks.js';

// Only known while the script runs for the first time; later, fall back to the page's base.
const base =
  (typeof document !== 'undefined' && (document.currentScript as HTMLScriptElement | null)?.src) ||
  undefined;

function load<T>(name: string): Promise<T> {
  const url = new URL(`pay-checkout.${name}.js`, base ?? document.baseURI).href;
  return import(/* @vite-ignore */ url) as Promise<T>;
}

/** Loads the live status stream. */
export const loadStatusStream = (): Promise<StatusStreamModule> => load('stream');

/** Loads the methods step. */
export const loadMethodsView = (): Promise<MethodsViewModule> => load('methods');

/** Loads the QR encoder. */
export const loadQrEncoder = (): Promise<QrEncoderModule> => load('qr');

/** Loads the QR step's view. */
export const loadQrView = (): Promise<QrViewModule> => load('qr-view');

/** Loads a built-in translation by lower-case code (`es`, `pt-br`, `de`, `ar`). */
export async function loadBuiltInTranslation(code: string): Promise<Translation> {
  const module = await load<Record<string, Translation>>(code === 'pt-br' ? 'pt-BR' : code);
  const table = Object.values(module)[0];
  if (!table) throw new Error(`No built-in translation "${code}"`);
  return table;
}
