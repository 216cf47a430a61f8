/**
 * @module
 * The emulated iwocaPay against iwocaPay's own documents: the request bodies and response models
 * of "Custom API integration — Example implementation" (its Python models: `CreateOrderRequest`,
 * `CreateOrderResponse`, `GetOrderStatusResponse`, `WebhookPayload`) and the webhook shape of
 * the current webhooks page (fact sheet §6). Requests are sent as the example client sends them:
 * `{"data": request.dict()}` with `Authorization: Bearer <token>`.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shapeDifferences } from '../test-support/doc-shape.js';
import { startLoopback, waitFor, type Loopback } from '../test-support/harness.js';

const SUPPLIER = '6f1c2a52-3d4e-4b8f-9a1c-0d2e3f4a5b6c';
const TOKEN = 'access_token';
const REDIRECT_URL = 'https://shop.example/iwocapay/return';

/** `CreateOrderResponse` of the example implementation, filled as the fact sheet shows it. */
const DOCUMENTED_CREATE_RESPONSE = {
  data: {
    id: '6f1c0000-0000-4000-8000-000000000000',
    amount: 150.0,
    reference: 'INV-1',
    order_url: 'https://www.iwoca.co.uk/pay/order/<token>/landing/',
    status: 'CREATED',
    allowed_payment_terms: ['PAY_LATER', 'PAY_NOW'],
  },
};

/** `GetOrderStatusResponse` of the example implementation. */
const DOCUMENTED_ORDER_RESPONSE = {
  data: {
    id: '6f1c0000-0000-4000-8000-000000000000',
    amount: 150.0,
    reference: 'INV-1',
    redirect_url: 'https://shop.example/',
    pricing: { representative_interest: 0.0, promotions: [] },
    pay_link_id: '0b6f0000-0000-4000-8000-000000000000',
    seller_name: 'Seller Ltd',
    status: 'CREATED',
    allowed_payment_terms: ['PAY_LATER'],
  },
};

/** `WebhookPayload` of the example implementation (the unsigned webhooks). */
const DOCUMENTED_UNSIGNED_WEBHOOK = {
  data: {
    order_id: 1,
    pay_link_id: '0b6f0000-0000-4000-8000-000000000000',
    amount: 150.0,
    reference: 'INV-1',
    status: 'APPROVED',
  },
};

/** The current webhooks page's body (fact sheet §6). */
const DOCUMENTED_SIGNED_WEBHOOK = {
  data: {
    webhook_id: '11111111-1111-4111-8111-111111111111',
    event_type: 'ORDER_STATUS_CHANGED',
    order_id: '22222222-2222-4222-8222-222222222222',
    amount: 100.0,
    reference: 'INV-1',
    status: 'SUCCESSFUL',
  },
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe.each(['signed', 'unsigned'] as const)(
  'iwocaPay documented examples (%s webhooks)',
  (format) => {
    let loopback: Loopback;
    let counter = 0;
    beforeAll(async () => {
      loopback = await startLoopback(() => ({
        credentials: {
          iwocapay: {
            supplierUuid: SUPPLIER,
            accessToken: TOKEN,
            redirectUrl: REDIRECT_URL,
            webhookFormat: format,
          },
        },
      }));
    });
    afterAll(() => loopback.close());

    /** `http_client.post(f"/ecommerce/seller/{supplier_uuid}/order/", {"data": request.dict()})`. */
    function createOrder(data: Record<string, unknown>): Promise<Response> {
      return fetch(
        `${loopback.emulator.url}/iwocapay/api/lending/edge/ecommerce/seller/${SUPPLIER}/order/`,
        {
          method: 'POST',
          headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ data }),
        },
      );
    }

    /** `http_client.get(f"/ecommerce/order/{order_id}/")`. */
    function getOrder(id: string): Promise<Response> {
      return fetch(`${loopback.emulator.url}/iwocapay/api/lending/edge/ecommerce/order/${id}/`, {
        headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      });
    }

    function reference(): string {
      counter += 1;
      return `INV-${format}-${counter}`;
    }

    it('creates an order from CreateOrderRequest and answers CreateOrderResponse', async () => {
      const ref = reference();
      const response = await createOrder({
        amount: 150.0,
        reference: ref,
        allowed_payment_terms: ['PAY_LATER'],
      });
      expect(response.status).toBe(201);
      const body = (await response.json()) as typeof DOCUMENTED_CREATE_RESPONSE;
      expect(shapeDifferences(DOCUMENTED_CREATE_RESPONSE, body)).toEqual([]);
      expect(body.data).toMatchObject({
        amount: 150.0,
        reference: ref,
        status: 'CREATED',
        allowed_payment_terms: ['PAY_LATER'],
      });
      expect(body.data.id).toMatch(UUID);
      expect(new URL(body.data.order_url).pathname).toMatch(/\/pay\/order\/[^/]+\/landing\/$/);
    });

    it('offers both payment terms when allowed_payment_terms is left out', async () => {
      const response = await createOrder({ amount: 12000.0, reference: reference() });
      expect(response.status).toBe(201);
      const { data } = (await response.json()) as typeof DOCUMENTED_CREATE_RESPONSE;
      expect([...data.allowed_payment_terms].sort()).toEqual(['PAY_LATER', 'PAY_NOW']);
    });

    // `CreateOrderRequest(amount=…, reference=…)` leaves `allowed_payment_terms` at its default
    // `None`, so `request.dict()` sends it as `null`: an optional list, i.e. no restriction.
    it('offers both payment terms when allowed_payment_terms is null', async () => {
      const ref = reference();
      const response = await createOrder({
        amount: 150.0,
        reference: ref,
        allowed_payment_terms: null,
      });
      expect(response.status).toBe(201);
      const body = (await response.json()) as typeof DOCUMENTED_CREATE_RESPONSE;
      expect(shapeDifferences(DOCUMENTED_CREATE_RESPONSE, body)).toEqual([]);
      expect([...body.data.allowed_payment_terms].sort()).toEqual(['PAY_LATER', 'PAY_NOW']);
      const read = (await (
        await getOrder(body.data.id)
      ).json()) as typeof DOCUMENTED_ORDER_RESPONSE;
      expect([...read.data.allowed_payment_terms].sort()).toEqual(['PAY_LATER', 'PAY_NOW']);
    });

    it('answers GetOrderStatusResponse for a created order', async () => {
      const ref = reference();
      const created = await createOrder({
        amount: 150.0,
        reference: ref,
        allowed_payment_terms: ['PAY_LATER'],
      });
      const { data } = (await created.json()) as typeof DOCUMENTED_CREATE_RESPONSE;
      const response = await getOrder(data.id);
      expect(response.status).toBe(200);
      const body = (await response.json()) as typeof DOCUMENTED_ORDER_RESPONSE;
      expect(shapeDifferences(DOCUMENTED_ORDER_RESPONSE, body)).toEqual([]);
      expect(body.data).toMatchObject({
        id: data.id,
        amount: 150.0,
        reference: ref,
        redirect_url: REDIRECT_URL,
        status: 'CREATED',
        allowed_payment_terms: ['PAY_LATER'],
      });
      expect(body.data.pay_link_id).toMatch(UUID);
    });

    it(`sends the documented ${format} webhook when the buyer checks out`, async () => {
      const ref = reference();
      const created = await createOrder({
        amount: 150.0,
        reference: ref,
        allowed_payment_terms: ['PAY_LATER'],
        webhook_url: loopback.receiver.url,
      });
      const { data } = (await created.json()) as typeof DOCUMENTED_CREATE_RESPONSE;
      const pressed = await fetch(new URL('../complete/', data.order_url), {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ action: 'pay', term: 'PAY_LATER' }).toString(),
        redirect: 'manual',
      });
      expect(pressed.status).toBe(303);
      const webhook = await waitFor(
        () => loopback.receiver.received.find((r) => r.body.includes(`"reference":"${ref}"`)),
        'the order webhook',
      );
      const body = JSON.parse(webhook.body) as { data: Record<string, unknown> };
      const signature = webhook.headers['x-iwocapay-hmac-sha256'];
      if (format === 'signed') {
        expect(shapeDifferences(DOCUMENTED_SIGNED_WEBHOOK, body)).toEqual([]);
        expect(body.data).toMatchObject({
          event_type: 'ORDER_STATUS_CHANGED',
          order_id: data.id,
          amount: 150.0,
        });
        expect(signature).toBe(createHmac('sha256', TOKEN).update(webhook.raw).digest('base64'));
      } else {
        expect(shapeDifferences(DOCUMENTED_UNSIGNED_WEBHOOK, body)).toEqual([]);
        expect(Number.isInteger(body.data['order_id'])).toBe(true);
        expect(body.data).toMatchObject({ amount: 150.0, reference: ref });
        expect(signature).toBeUndefined();
      }
    });
  },
);
