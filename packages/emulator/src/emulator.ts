/**
 * @module
 * `createEmulator`: one fetch handler serving every provider under its prefix, plus the control
 * API under `/_emulator`.
 *
 * @example
 * ```ts
 * const emulator = createEmulator({
 *   credentials: { ivy: { apiKey: 'ivy_demo_key', webhookSecret: 'ivy_demo_webhook_secret' } },
 * });
 * const response = await emulator.fetch(new Request('http://127.0.0.1:8788/_emulator/healthz'));
 * ```
 */
import { Hono } from 'hono';
import { PROVIDER_IDS, type ProviderId } from './core/provider-ids.js';
import { createControlApi } from './core/control-api.js';
import { FaultStore } from './core/faults.js';
import type { ProviderContext, ProviderEmulator } from './core/provider.js';
import { jsonResponse } from './core/requests.js';
import { Scheduler } from './core/scheduler.js';
import { WebhookDispatcher } from './core/webhooks.js';
import {
  DEFAULT_CHECKOUT_SERVER_URL,
  DEFAULT_EMULATOR_HOST,
  DEFAULT_EMULATOR_PORT,
  DEFAULT_SETTLE_DELAY_MS,
  trimBaseUrl,
  type EmulatorOptions,
} from './options.js';
import { createFuratPayEmulator } from './providers/furatpay/index.js';
import { createIvyEmulator } from './providers/ivy/index.js';
import { createIwocaPayEmulator } from './providers/iwocapay/index.js';
import { createIxopayEmulator } from './providers/ixopay/index.js';
import { createKoyweEmulator } from './providers/koywe/index.js';

/** Providers this version emulates; the others answer 503 on their prefix. */
export const EMULATED_PROVIDERS: readonly ProviderId[] = [
  'ivy',
  'ixopay',
  'furatpay',
  'iwocapay',
  'koywe',
];

/** The variables that switch each emulated provider on. */
const CREDENTIAL_VARIABLES: Partial<Record<ProviderId, string>> = {
  ivy: 'IVY_API_KEY and IVY_WEBHOOK_SECRET',
  iwocapay: 'IWOCAPAY_SUPPLIER_UUID and IWOCAPAY_ACCESS_TOKEN',
  furatpay: 'FURATPAY_API_KEY (and FURATPAY_WEBHOOK_SECRET)',
  ixopay: 'IXOPAY_API_KEY, IXOPAY_USERNAME, IXOPAY_PASSWORD and IXOPAY_SHARED_SECRET',
  koywe: 'KOYWE_API_KEY, KOYWE_SECRET, KOYWE_ORG_ID, KOYWE_MERCHANT_ID and KOYWE_WEBHOOK_SECRET',
};

/** A running emulator, independent of any HTTP server. */
export interface Emulator {
  /** Handles one request (Web-standard fetch handler). */
  fetch(request: Request): Promise<Response>;
  /** Changes where a provider's webhooks go from now on. */
  setWebhookUrl(provider: ProviderId, url: string): void;
  /** Changes the public base URL used in hosted-page links of new payments. */
  setPublicUrl(url: string): void;
  /** The providers that have credentials and are served. */
  readonly providers: readonly ProviderId[];
  /** Stops retry timers, pending deliveries and expiry timers. */
  close(): Promise<void>;
}

/** Creates an emulator from options; nothing listens until you serve its `fetch`. */
export function createEmulator(options: EmulatorOptions): Emulator {
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale >= 0) || !Number.isFinite(timeScale)) {
    throw new RangeError('timeScale must be a finite number ≥ 0');
  }
  const settleDelayMs = options.settleDelayMs ?? DEFAULT_SETTLE_DELAY_MS;
  if (!(settleDelayMs >= 0) || !Number.isFinite(settleDelayMs)) {
    throw new RangeError('settleDelayMs must be a finite number ≥ 0');
  }
  let publicUrl = trimBaseUrl(
    options.publicUrl ?? `http://${DEFAULT_EMULATOR_HOST}:${DEFAULT_EMULATOR_PORT}`,
  );
  const checkoutServerUrl = trimBaseUrl(options.checkoutServerUrl ?? DEFAULT_CHECKOUT_SERVER_URL);
  const webhookUrls = new Map<ProviderId, string>();
  for (const [provider, url] of Object.entries(options.webhookUrls ?? {})) {
    if (url) webhookUrls.set(provider as ProviderId, url);
  }

  const scheduler = new Scheduler(timeScale, options.now ?? Date.now);
  const faults = new FaultStore();
  const webhooks = new WebhookDispatcher({
    scheduler,
    faults,
    fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
    // Long enough to catch an order's events up to the bank step, so `reorder` really reorders.
    reorderHoldMs: Math.max(250, settleDelayMs * timeScale + 250),
  });

  const context = (provider: ProviderId): ProviderContext => ({
    scheduler,
    webhooks,
    faults,
    publicUrl: () => publicUrl,
    webhookUrl: () => webhookUrls.get(provider) ?? `${checkoutServerUrl}/webhooks/${provider}`,
    settleDelayMs,
    merchantName: options.merchantName ?? 'Demo Shop',
    random: options.random ?? Math.random,
  });

  const providers = new Map<ProviderId, ProviderEmulator>();
  const ivy = options.credentials.ivy;
  if (ivy) providers.set('ivy', createIvyEmulator(context('ivy'), ivy));
  const iwocapay = options.credentials.iwocapay;
  if (iwocapay) providers.set('iwocapay', createIwocaPayEmulator(context('iwocapay'), iwocapay));
  const furatpay = options.credentials.furatpay;
  if (furatpay) providers.set('furatpay', createFuratPayEmulator(context('furatpay'), furatpay));
  const ixopay = options.credentials.ixopay;
  if (ixopay) providers.set('ixopay', createIxopayEmulator(context('ixopay'), ixopay));
  const koywe = options.credentials.koywe;
  if (koywe) providers.set('koywe', createKoyweEmulator(context('koywe'), koywe));

  const app = new Hono();
  app.route('/_emulator', createControlApi({ providers, faults, webhooks }));
  for (const id of PROVIDER_IDS) {
    const provider = providers.get(id);
    if (provider) {
      app.route(`/${id}`, provider.app);
      continue;
    }
    const variables = CREDENTIAL_VARIABLES[id];
    const message = variables
      ? `The ${id} emulator is off: it has no credentials. Set ${variables} and restart.`
      : `The ${id} emulator is not available in this version.`;
    const unavailable = (): Response => jsonResponse(503, { message, code: 'SERVICE_UNAVAILABLE' });
    app.all(`/${id}`, unavailable);
    app.all(`/${id}/*`, unavailable);
  }
  app.get('/', (c) =>
    c.json({
      name: 'pay-checkout emulator',
      providers: [...providers.keys()],
      control: '/_emulator',
    }),
  );
  app.onError((error, c) => {
    console.error('[emulator] request failed:', error);
    return c.json({ error: { code: 'internal_error', message: 'The emulator failed.' } }, 500);
  });

  let closed = false;
  return {
    fetch: async (request) => app.fetch(request),
    setWebhookUrl(provider, url) {
      webhookUrls.set(provider, url);
    },
    setPublicUrl(url) {
      publicUrl = trimBaseUrl(url);
    },
    providers: [...providers.keys()],
    async close() {
      if (closed) return;
      closed = true;
      webhooks.close();
      scheduler.close();
    },
  };
}
