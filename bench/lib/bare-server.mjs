/**
 * @module
 * The baseline: the least a Node process must do for the same requests, on bare `node:http`.
 *
 * - `POST /webhooks/ivy`: read the body, check `X-Ivy-Signature` (hex HMAC-SHA256 of the raw
 *   bytes, constant-time compare), `JSON.parse`, answer 200.
 * - `GET /events`: a Server-Sent Events stream that sends one snapshot message and a comment
 *   every 15 s, and holds nothing else per connection.
 * - `GET /healthz`: 200.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

const secret = process.env.IVY_WEBHOOK_SECRET ?? '';
const ACK = JSON.stringify({ received: true });

function verify(raw, header) {
  if (typeof header !== 'string' || !/^[0-9a-f]{64}$/i.test(header)) return false;
  const expected = createHmac('sha256', secret).update(raw).digest();
  return timingSafeEqual(expected, Buffer.from(header, 'hex'));
}

const server = createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/webhooks/ivy') {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      if (!verify(raw, req.headers['x-ivy-signature'])) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"signature"}');
        return;
      }
      try {
        JSON.parse(raw.toString('utf8'));
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"body"}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(ACK);
    });
    return;
  }
  if (req.method === 'GET' && req.url?.startsWith('/events')) {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 3000\n\n');
    res.write(
      `event: status\nid: 0\ndata: ${JSON.stringify({ orderId: null, status: 'created', at: new Date().toISOString() })}\n\n`,
    );
    const heartbeat = setInterval(() => res.write(': ping\n\n'), 15_000);
    res.on('close', () => clearInterval(heartbeat));
    return;
  }
  if (req.url === '/healthz' || req.url === '/readyz') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    return;
  }
  res.writeHead(404).end();
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  console.log(`bare server listening on http://127.0.0.1:${server.address().port}`);
});
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
