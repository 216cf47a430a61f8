/**
 * @module
 * A merchant's webhook endpoint for tests: a real HTTP server on 127.0.0.1 that records every
 * request with its raw body, verifies it with the merchant helper, and answers what the test
 * asks for (200 by default).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook, WebhookVerificationError, type MerchantWebhookEvent } from '../webhooks.js';

/** One request the endpoint received. */
export interface ReceivedWebhook {
  id: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The verified event, or null when verification failed. */
  event: MerchantWebhookEvent | null;
  /** Why verification failed. */
  failure: string | null;
  /** What the endpoint answered. */
  status: number;
}

export interface TestMerchant {
  url: string;
  received: ReceivedWebhook[];
  /** Decides the answer for each request (default 200). */
  respond: (request: { id: string; attempt: number }) => number;
  close(): Promise<void>;
}

/** Starts the endpoint; `secret` is what it verifies with. */
export async function startTestMerchant(secret: string | string[]): Promise<TestMerchant> {
  const received: ReceivedWebhook[] = [];
  const merchant: TestMerchant = {
    url: '',
    received,
    respond: () => 200,
    close: async () => {},
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const id = String(req.headers['webhook-id'] ?? '');
      let event: MerchantWebhookEvent | null = null;
      let failure: string | null = null;
      try {
        event = verifyWebhook({ payload: raw, headers: req.headers, secret });
      } catch (error) {
        failure = error instanceof WebhookVerificationError ? error.reason : String(error);
      }
      const attempt = received.filter((r) => r.id === id).length + 1;
      const status = failure ? 401 : merchant.respond({ id, attempt });
      received.push({
        id,
        headers: req.headers,
        body: raw.toString('utf8'),
        event,
        failure,
        status,
      });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  merchant.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/pay-checkout`;
  merchant.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return merchant;
}
