/**
 * @module
 * A real HTTP webhook receiver on loopback for tests: records every request's exact bytes and
 * headers, and answers with scripted statuses.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver got. */
export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  /** The exact body bytes. */
  raw: Buffer;
  /** The body as UTF-8 text. */
  body: string;
  /** The status the receiver answered. */
  status: number;
}

/** A listening receiver. */
export interface Receiver {
  url: string;
  received: ReceivedWebhook[];
  /** Statuses to answer, in order; once used up, 200. */
  script: number[];
  close(): Promise<void>;
}

/** Starts a receiver on 127.0.0.1, port 0. */
export async function startReceiver(script: number[] = []): Promise<Receiver> {
  const received: ReceivedWebhook[] = [];
  const receiver: Partial<Receiver> = { received, script };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const status = receiver.script?.shift() ?? 200;
      received.push({ headers: req.headers, raw, body: raw.toString('utf8'), status });
      res.writeHead(status, { 'Content-Type': 'text/plain' }).end(status === 200 ? 'OK' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  receiver.url = `http://127.0.0.1:${port}/webhooks/ivy`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return receiver as Receiver;
}
