/**
 * @module
 * The demo's load balancer: a small reverse proxy on node:http that sends each request to the
 * next of several pay-checkout instances in turn (round robin, no sticky sessions), the way a
 * merchant would put instances behind one address.
 *
 * Requests and responses are streamed both ways, never buffered, so Server-Sent Events flow
 * through as they are written. Headers are kept, except the hop-by-hop ones; `X-Forwarded-For`,
 * `-Host` and `-Proto` are set, and every response says which instance served it in
 * `X-Pay-Checkout-Instance`. An instance can be taken out of the rotation (while it restarts);
 * a GET that finds its instance unreachable is sent to the next one.
 */
import { createServer, request as httpRequest } from 'node:http';

/** Headers that describe one connection, not the message (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** The response header naming the instance that served a request. */
export const INSTANCE_HEADER = 'X-Pay-Checkout-Instance';

/**
 * `rawHeaders` (name, value, name, value …) without the hop-by-hop headers and those the
 * `Connection` header names, as [name, value] pairs in their original order and case.
 */
function endToEnd(rawHeaders) {
  const pairs = [];
  for (let i = 0; i < rawHeaders.length; i += 2) pairs.push([rawHeaders[i], rawHeaders[i + 1]]);
  const named = new Set(
    pairs
      .filter(([name]) => name.toLowerCase() === 'connection')
      .flatMap(([, value]) => value.split(',').map((token) => token.trim().toLowerCase())),
  );
  return pairs.filter(([name]) => {
    const lower = name.toLowerCase();
    return !HOP_BY_HOP.has(lower) && !named.has(lower);
  });
}

function without(pairs, ...names) {
  return pairs.filter(([name]) => !names.includes(name.toLowerCase()));
}

/**
 * Starts the proxy.
 * @param {{ host: string, port: number, targets: { name: string, url: string }[],
 *   log?: (line: string) => void }} options
 *   `targets` are the instances, served in this order; `log` receives one line per request.
 * @returns {Promise<{ url: string, setAvailable: (name: string, available: boolean) => void,
 *   close: () => Promise<void> }>}
 */
export function startProxy({ host, port, targets, log = () => {} }) {
  const instances = targets.map((target) => ({
    ...target,
    origin: new URL(target.url),
    available: true,
  }));
  let next = 0;

  /** The next available instance after the last one used, skipping `except`; null if none. */
  function pick(except = new Set()) {
    for (let i = 0; i < instances.length; i++) {
      const instance = instances[(next + i) % instances.length];
      if (instance.available && !except.has(instance)) {
        next = (instances.indexOf(instance) + 1) % instances.length;
        return instance;
      }
    }
    return null;
  }

  function refuse(res, status, code, message, instance) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body = JSON.stringify({ error: { code, message } });
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      ...(instance ? { [INSTANCE_HEADER]: instance.name } : {}),
    });
    res.end(body);
  }

  const server = createServer({ noDelay: true }, (req, res) => {
    const headers = without(
      endToEnd(req.rawHeaders),
      'x-forwarded-for',
      'x-forwarded-host',
      'x-forwarded-proto',
    );
    const forwardedFor = [req.headers['x-forwarded-for'], req.socket.remoteAddress]
      .filter(Boolean)
      .join(', ');
    headers.push(
      ['X-Forwarded-For', forwardedFor],
      ['X-Forwarded-Host', req.headers['x-forwarded-host'] ?? req.headers.host ?? ''],
      ['X-Forwarded-Proto', req.headers['x-forwarded-proto'] ?? 'http'],
    );
    // Without a body a request can be sent again, to the next instance, when the first one
    // cannot be reached (it is restarting); a streamed body is gone once sent.
    const replayable = req.method === 'GET' || req.method === 'HEAD';
    const started = Date.now();
    let upstream = null;

    const forward = (instance, tried) => {
      const line = (status, note = '') =>
        log(`${instance?.name ?? '-'} ${req.method} ${req.url} → ${status}${note}`);
      if (!instance) {
        line(503);
        refuse(res, 503, 'service_unavailable', 'No pay-checkout instance is available.');
        return;
      }
      upstream = httpRequest({
        protocol: instance.origin.protocol,
        hostname: instance.origin.hostname,
        port: instance.origin.port,
        method: req.method,
        path: req.url,
        // The Host header is passed on as the browser sent it; node:http takes the array form.
        headers: headers.flat(),
      });
      upstream.on('response', (answer) => {
        const sse = /^text\/event-stream/i.test(answer.headers['content-type'] ?? '');
        line(answer.statusCode, sse ? ' (event stream)' : ` ${Date.now() - started} ms`);
        const out = without(endToEnd(answer.rawHeaders), INSTANCE_HEADER.toLowerCase());
        out.push([INSTANCE_HEADER, instance.name]);
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, out.flat());
        // Headers leave now: an event stream's first event may take a while.
        res.flushHeaders();
        answer.pipe(res);
        answer.on('error', () => res.destroy());
      });
      upstream.on('error', (error) => {
        if (res.headersSent || res.destroyed) {
          res.destroy();
          return;
        }
        const reason = error.code ?? error.message;
        const other = replayable ? pick(new Set([...tried, instance])) : null;
        if (other) {
          line('unreachable', ` (${reason}), sending it to ${other.name}`);
          forward(other, new Set([...tried, instance]));
          return;
        }
        line(502, ` (${reason})`);
        refuse(
          res,
          502,
          'bad_gateway',
          `pay-checkout instance ${instance.name} could not be reached.`,
          instance,
        );
      });
      if (replayable) upstream.end();
      else req.pipe(upstream);
    };

    forward(pick(), new Set());
    // The browser went away (a closed tab, a reconnecting event stream): so does the upstream
    // request, which ends the instance's stream too.
    res.on('close', () => {
      if (!res.writableFinished) upstream?.destroy();
    });
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve({
        url: `http://${host}:${address.port}`,
        setAvailable(name, available) {
          const instance = instances.find((candidate) => candidate.name === name);
          if (instance) instance.available = available;
        },
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
