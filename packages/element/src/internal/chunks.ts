/**
 * @module
 * The lazily loaded parts of the element: the live status stream (needed once a payment is under
 * way, fetched while the customer chooses), the methods step (fetched alongside the session), the QR step,
 * the QR encoder and the built-in translations other than English. Bundlers turn each `import()` into a chunk of its own.
 *
 * The script-tag build swaps this module for chunks.script.ts, which loads the same modules as
 * files next to the script.
 */
import type * as MethodsView from '../methods/methods-view.js';
import type * as QrEncoder from '../qr/qr-encode.js';
import type * as QrView from '../qr/qr-view.js';
import type { Translation } from '../translations/en.js';
import type * as Stream from './status-stream.js';

/** The QR encoder module. */
export type QrEncoderModule = typeof QrEncoder;

/** The QR step's view module. */
export type QrViewModule = typeof QrView;

/** The live status stream. */
export type StatusStreamModule = typeof Stream;

/** Loads the live status stream. */
export const loadStatusStream = (): Promise<StatusStreamModule> => import('./status-stream.js');

/** The methods step. */
export type MethodsViewModule = typeof MethodsView;

/** Loads the methods step. */
export const loadMethodsView = (): Promise<MethodsViewModule> =>
  import('../methods/methods-view.js');

/** Loads the QR encoder. */
export const loadQrEncoder = (): Promise<QrEncoderModule> => import('../qr/qr-encode.js');

/** Loads the QR step's view. */
export const loadQrView = (): Promise<QrViewModule> => import('../qr/qr-view.js');

/** Loads a built-in translation by lower-case code (`es`, `pt-br`, `de`, `ar`). */
export async function loadBuiltInTranslation(code: string): Promise<Translation> {
  switch (code) {
    case 'es':
      return (await import('../translations/es.js')).es;
    case 'pt-br':
      return (await import('../translations/pt-BR.js')).ptBR;
    case 'de':
      return (await import('../translations/de.js')).de;
    case 'ar':
      return (await import('../translations/ar.js')).ar;
    default:
      throw new Error(`No built-in translation "${code}"`);
  }
}
