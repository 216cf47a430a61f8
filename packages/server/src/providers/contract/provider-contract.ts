/**
 * @module
 * The one adapter contract every provider passes against its emulator, over loopback with the
 * real server and a real SQLite store: session → methods → idempotent order → hosted page →
 * outcome → webhook → unified status (GET /v1/orders/:id and SSE); the failure path; duplicate
 * and out-of-order webhooks inert; a wrong signature 401 and nothing written; reconciliation on
 * `/return/:sessionId` when no webhook ever arrives.
 *
 * A provider's test file calls {@link describeProviderContract} once with how to start its
 * emulator, how to configure the server, what to buy, which method to choose, the emulator's
 * outcome words and how to forge a webhook.
 *
 * @example
 * describeProviderContract({
 *   provider: 'ivy',
 *   startEmulator: () => startEmulator({ port: 0, timeScale: 0.01, credentials: { ivy } }),
 *   serverEnv: (url) => ({ IVY_API_URL: `${url}/ivy`, IVY_API_KEY: KEY, IVY_WEBHOOK_SECRET: SECRET }),
 *   session: { amount: { value: 1999, currency: 'EUR' }, country: 'DE' },
 *   method: 'ivy:bank',
 *   outcomes: { success: 'paid', failure: 'failed' },
 *   forgeWebhook: ({ serverUrl, order }) => fetch(`${serverUrl}/webhooks/ivy`, { … }),
 * });
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ControlOrder, RunningEmulator, WebhookDelivery } from '@pay-checkout/emulator';
import {
  CreateOrderResponseSchema,
  MethodsResponseSchema,
  OrderViewSchema,
  SessionSchema,
  type Action,
  type ProviderId,
  type Session,
} from '@pay-checkout/protocol';
import type { Money } from '@pay-checkout/protocol/money';
import { STATUS_RANK, type OrderStatus } from '@pay-checkout/protocol/status';
import { startCheckoutServer, type StartedCheckoutServer } from '../../node.js';
import type { OrderRecord } from '../../domain/records.js';
import { SECRET_KEY, SHOP_ORIGIN, sessionBody, testConfig } from '../../test-support/config.js';
import { eventually, openSse, type SseConnection } from '../../test-support/sse-client.js';

/** Everything a provider hook may need about one payment under test. */
export interface ContractOrderContext {
  serverUrl: string;
  emulatorUrl: string;
  emulator: RunningEmulator;
  server: StartedCheckoutServer;
  session: Session;
  /** Our order as stored (its `providerReference` is what the provider was sent). */
  order: OrderRecord;
  /** The emulator's record of the same payment. */
  emulatorOrder: ControlOrder;
  action: Action;
}

/** How a provider plugs into the contract suite. */
export interface ProviderContractOptions {
  provider: ProviderId;
  /** Starts the emulator with this provider's credentials (port 0, a small `timeScale`). */
  startEmulator(): Promise<RunningEmulator>;
  /** The server's provider variables, given the emulator's base URL (e.g. `IVY_API_URL`). */
  serverEnv(emulatorUrl: string): Record<string, string>;
  /**
   * Points the emulator's webhooks at the server once both listen. Default:
   * `setWebhookUrl(provider, <server>/webhooks/<provider>)`. Providers that take the webhook URL
   * per order need nothing else.
   */
  connect?(emulator: RunningEmulator, serverUrl: string): void | Promise<void>;
  /** What the sessions under test buy: amount and country, plus any other session fields. */
  session: { amount: Money; country: string; extra?: Record<string, unknown> };
  /** The method id to choose, e.g. `ivy:bank`. */
  method: string;
  /** Values for the method's fields, when it has any. */
  fields?: Record<string, string>;
  /** The emulator's own outcome words (`POST /_emulator/orders/:provider/:id/outcome`). */
  outcomes: { success: string; failure: string };
  /** The unified status right after creation (default `pending`). */
  createdStatus?: OrderStatus;
  /** The unified status the failure outcome ends in (default `failed`). */
  failureStatus?: OrderStatus;
  /**
   * Finds the emulator's record of our order. Default: the one whose `reference` is our
   * provider reference or whose `id` is our provider order id.
   */
  findEmulatorOrder?(orders: ControlOrder[], order: OrderRecord): ControlOrder | undefined;
  /**
   * Whether a webhook delivery concerns this payment. Default: its body mentions the emulator's
   * id of the payment or our provider reference.
   */
  deliveryConcerns?(delivery: WebhookDelivery, ctx: ContractOrderContext): boolean;
  /** Sends the server a webhook in this provider's shape about `ctx.order`, with a wrong signature. */
  forgeWebhook(ctx: ContractOrderContext): Promise<Response>;
}

interface Harness {
  emulator: RunningEmulator;
  server: StartedCheckoutServer;
  streams: SseConnection[];
}

/** Registers the contract suite for one provider (call at the top level of a test file). */
export function describeProviderContract(options: ProviderContractOptions): void {
  const { provider } = options;
  const createdStatus = options.createdStatus ?? 'pending';
  const failureStatus = options.failureStatus ?? 'failed';
  const h = {} as Harness;

  describe(`${provider} adapter contract`, () => {
    beforeAll(async () => {
      h.streams = [];
      h.emulator = await options.startEmulator();
      h.server = await startCheckoutServer(testConfig(options.serverEnv(h.emulator.url)), {
        port: 0,
        host: '127.0.0.1',
      });
      if (options.connect) await options.connect(h.emulator, h.server.url);
      else h.emulator.emulator.setWebhookUrl(provider, `${h.server.url}/webhooks/${provider}`);
    });

    afterEach(async () => {
      await control('DELETE', '/faults');
    });

    afterAll(async () => {
      for (const stream of h.streams) stream.close();
      await h.server?.close();
      await h.emulator?.close();
    });

    async function control(method: string, path: string, body?: unknown): Promise<Response> {
      const response = await fetch(`${h.emulator.url}/_emulator${path}`, {
        method,
        headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return response;
    }

    async function faults(settings: Record<string, unknown>): Promise<void> {
      const response = await control('POST', '/faults', { provider, ...settings });
      expect(response.status).toBe(200);
    }

    async function createSession(): Promise<Session> {
      const response = await fetch(`${h.server.url}/v1/sessions`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${SECRET_KEY}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(
          sessionBody({
            amount: options.session.amount,
            country: options.session.country,
            reference: `contract-${provider}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
            ...options.session.extra,
          }),
        ),
      });
      expect(response.status).toBe(201);
      return SessionSchema.parse(await response.json());
    }

    function postOrder(sessionId: string, key: string): Promise<Response> {
      return fetch(`${h.server.url}/v1/sessions/${sessionId}/orders`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'Idempotency-Key': key,
          Origin: SHOP_ORIGIN,
        },
        body: JSON.stringify(
          options.fields
            ? { method: options.method, fields: options.fields }
            : { method: options.method },
        ),
      });
    }

    async function orderStatus(orderId: string): Promise<OrderStatus> {
      // Webhooks are answered once stored: what the server took in is processed first.
      await h.server.server.inbox.idle();
      const response = await fetch(`${h.server.url}/v1/orders/${orderId}`);
      expect(response.status).toBe(200);
      return OrderViewSchema.parse(await response.json()).status;
    }

    /** Session → idempotent order; returns everything the hooks need. */
    async function startPayment(): Promise<ContractOrderContext> {
      const session = await createSession();
      const response = await postOrder(session.id, `contract-${session.id}`);
      expect(response.status).toBe(201);
      const created = CreateOrderResponseSchema.parse(await response.json());
      expect(created.order.provider).toBe(provider);
      expect(created.order.status).toBe(createdStatus);
      const order = await h.server.server.ledger.getOrder(created.order.id);
      if (!order) throw new Error('the created order is not stored');
      const listed = (await (
        await control('GET', `/orders?provider=${provider}`)
      ).json()) as ControlOrder[];
      const find =
        options.findEmulatorOrder ??
        ((orders: ControlOrder[], o: OrderRecord) =>
          orders.find((e) => e.reference === o.providerReference || e.id === o.providerOrderId));
      const emulatorOrder = find(listed, order);
      if (!emulatorOrder) throw new Error('the emulator holds no payment for this order');
      return {
        serverUrl: h.server.url,
        emulatorUrl: h.emulator.url,
        emulator: h.emulator,
        server: h.server,
        session,
        order,
        emulatorOrder,
        action: created.action,
      };
    }

    async function settle(ctx: ContractOrderContext, status: string): Promise<void> {
      const response = await control(
        'POST',
        `/orders/${provider}/${encodeURIComponent(ctx.emulatorOrder.id)}/outcome`,
        { status },
      );
      expect(response.status).toBe(200);
    }

    async function deliveries(ctx: ContractOrderContext): Promise<WebhookDelivery[]> {
      const all = (await (
        await control('GET', `/webhooks?provider=${provider}`)
      ).json()) as WebhookDelivery[];
      const concerns =
        options.deliveryConcerns ??
        ((d: WebhookDelivery, c: ContractOrderContext) =>
          d.body.includes(c.emulatorOrder.id) || d.body.includes(c.order.providerReference));
      return all.filter((d) => concerns(d, ctx));
    }

    /** Waits until every delivery about this payment was answered 2xx (or given up). */
    async function deliveriesSettled(ctx: ContractOrderContext): Promise<WebhookDelivery[]> {
      return eventually(async () => {
        const list = await deliveries(ctx);
        const done = list.every((d) => d.dropped || d.delivered || d.exhausted);
        return list.length > 0 && done ? list : null;
      });
    }

    async function sessionStatuses(sessionId: string): Promise<OrderStatus[]> {
      await h.server.server.inbox.idle();
      const events = await h.server.server.ledger.listSessionEvents(sessionId, 0);
      return events.map((e) => e.status);
    }

    function returnTo(sessionId: string): Promise<Response> {
      return fetch(`${h.server.url}/return/${sessionId}`, { redirect: 'manual' });
    }

    it('offers the method for the session', async () => {
      const session = await createSession();
      const response = await fetch(`${h.server.url}/v1/sessions/${session.id}/methods`);
      expect(response.status).toBe(200);
      const methods = MethodsResponseSchema.parse(await response.json());
      const method = methods.methods.find((m) => m.id === options.method);
      expect(method?.provider).toBe(provider);
    });

    it('pays: order → hosted page → outcome → webhook → paid on SSE and GET /v1/orders/:id', async () => {
      const session = await createSession();
      const stream = await openSse(`${h.server.url}/v1/sessions/${session.id}/events`);
      h.streams.push(stream);
      const first = await postOrder(session.id, 'contract-pay');
      const firstText = await first.text();
      expect(first.status).toBe(201);
      const again = await postOrder(session.id, 'contract-pay');
      expect(await again.text()).toBe(firstText);
      const created = CreateOrderResponseSchema.parse(JSON.parse(firstText));
      const order = await h.server.server.ledger.getOrder(created.order.id);
      if (!order) throw new Error('the created order is not stored');

      const listed = (await (
        await control('GET', `/orders?provider=${provider}`)
      ).json()) as ControlOrder[];
      const ours = listed.filter(
        (e) => e.reference === order.providerReference || e.id === order.providerOrderId,
      );
      // The repeated request was answered from memory: the provider saw one order.
      expect(ours).toHaveLength(1);
      expect(ours[0]?.amount).toEqual(options.session.amount);

      if (created.action.type === 'redirect') {
        const page = await fetch(created.action.url);
        expect(page.status).toBe(200);
        expect(page.headers.get('content-type') ?? '').toContain('text/html');
        await page.arrayBuffer();
      }
      const ctx: ContractOrderContext = {
        serverUrl: h.server.url,
        emulatorUrl: h.emulator.url,
        emulator: h.emulator,
        server: h.server,
        session,
        order,
        emulatorOrder: ours[0] as ControlOrder,
        action: created.action,
      };
      await settle(ctx, options.outcomes.success);

      const paid = await stream.waitFor((m) => JSON.parse(m.data).status === 'paid');
      expect(JSON.parse(paid.data).orderId).toBe(order.id);
      expect(await orderStatus(order.id)).toBe('paid');

      const back = await returnTo(session.id);
      expect(back.status).toBe(303);
      expect(back.headers.get('location')).toContain(`pay_checkout_session=${session.id}`);
      expect(await orderStatus(order.id)).toBe('paid');

      const statuses = stream.messages.map((m) => JSON.parse(m.data).status as OrderStatus);
      expect(statuses[0]).toBe('created');
      expect(statuses.at(-1)).toBe('paid');
      const ids = stream.messages.map((m) => Number(m.id));
      expect(ids).toEqual([...new Set(ids)].sort((a, b) => a - b));
    });

    it(`fails: the failure outcome ends in ${failureStatus}`, async () => {
      const ctx = await startPayment();
      const stream = await openSse(`${h.server.url}/v1/sessions/${ctx.session.id}/events`);
      h.streams.push(stream);
      await settle(ctx, options.outcomes.failure);
      await stream.waitFor((m) => JSON.parse(m.data).status === failureStatus);
      expect(await orderStatus(ctx.order.id)).toBe(failureStatus);
    });

    it('keeps duplicate webhooks inert', async () => {
      await faults({ duplicate: true });
      const ctx = await startPayment();
      await settle(ctx, options.outcomes.success);
      await eventually(async () => (await orderStatus(ctx.order.id)) === 'paid');
      const sent = await deliveriesSettled(ctx);
      expect(sent.some((d) => d.duplicate && d.delivered)).toBe(true);
      const statuses = await sessionStatuses(ctx.session.id);
      expect(statuses).toEqual([...new Set(statuses)]);
      expect(statuses.at(-1)).toBe('paid');
    });

    it('keeps out-of-order webhooks inert', async () => {
      await faults({ reorder: true });
      const ctx = await startPayment();
      await settle(ctx, options.outcomes.success);
      await deliveriesSettled(ctx);
      await eventually(async () => (await orderStatus(ctx.order.id)) === 'paid');
      const statuses = await sessionStatuses(ctx.session.id);
      const ranks = statuses.map((s) => STATUS_RANK[s]);
      expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
      expect(new Set(ranks).size).toBe(ranks.length);
      expect(statuses.at(-1)).toBe('paid');
    });

    it('answers 401 to a wrong or missing signature and writes nothing', async () => {
      const ctx = await startPayment();
      const eventsBefore = await h.server.server.ledger.countProviderEvents();
      const statusesBefore = await sessionStatuses(ctx.session.id);

      await faults({ badSignature: true });
      await settle(ctx, options.outcomes.success);
      await eventually(async () =>
        (await deliveries(ctx)).some((d) => d.attempts.some((a) => a.status === 401)),
      );
      const answered = (await deliveries(ctx)).flatMap((d) => d.attempts.map((a) => a.status));
      expect(answered.every((s) => s === 401)).toBe(true);

      const forged = await options.forgeWebhook(ctx);
      expect(forged.status).toBe(401);
      expect(((await forged.json()) as { error: { code: string } }).error.code).toBe(
        'invalid_signature',
      );
      const unsigned = await fetch(`${h.server.url}/webhooks/${provider}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
      });
      expect(unsigned.status).toBe(401);
      await unsigned.arrayBuffer();

      expect(await h.server.server.ledger.countProviderEvents()).toBe(eventsBefore);
      expect(await sessionStatuses(ctx.session.id)).toEqual(statusesBefore);
      expect(await orderStatus(ctx.order.id)).toBe(createdStatus);
    });

    it('reconciles on return when no webhook ever arrives', async () => {
      await faults({ drop: true });
      const ctx = await startPayment();
      await settle(ctx, options.outcomes.success);
      const dropped = await eventually(async () => {
        const list = await deliveries(ctx);
        return list.length > 0 && list.every((d) => d.dropped) ? list : null;
      });
      expect(dropped.every((d) => d.attempts.length === 0)).toBe(true);
      expect(await orderStatus(ctx.order.id)).toBe(createdStatus);

      // The return route asks the provider; a provider that settles in steps may need a moment.
      await eventually(async () => {
        const back = await returnTo(ctx.session.id);
        expect(back.status).toBe(303);
        return (await orderStatus(ctx.order.id)) === 'paid';
      });
      expect((await h.server.server.ledger.getSession(ctx.session.id))?.status).toBe('paid');
    });
  });
}
