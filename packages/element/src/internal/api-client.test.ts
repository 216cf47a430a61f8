/**
 * @module
 * The element's HTTP client in a real browser, with `fetch` answered by the test: which requests
 * are retried and how, and what each failure becomes.
 */
import { expect } from '@open-wc/testing';
import { createApiClient } from './api-client.js';
import { CheckoutError } from './checkout-error.js';

const SERVER = 'https://pay.shop.example';
const METHODS = {
  session: { id: 'cs_1', status: 'open', amount: { value: 2400, currency: 'EUR' } },
  methods: [{ id: 'ivy:bank' }],
};

type Answer = (request: Request) => Response | Promise<Response>;

/** An answer that never comes; the request ends only when its signal aborts it. */
const never: Answer = (request) =>
  new Promise<Response>((_, reject) => {
    const abort = () => reject(request.signal.reason);
    if (request.signal.aborted) abort();
    else request.signal.addEventListener('abort', abort);
  });

/** How the probes the client sends without CORS are answered; unreachable by default. */
let probe: (url: string) => Promise<Response> = () => Promise.reject(new TypeError('Failed'));
const probes: string[] = [];

/** Answers `fetch` from `answers` in turn and records every request. */
function answering(...answers: Answer[]): { requests: Request[]; at: number[]; restore(): void } {
  const original = window.fetch;
  const requests: Request[] = [];
  const at: number[] = [];
  window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    // The client's "is the server up at all?" probe: nobody answers unless the test says so.
    if (init?.mode === 'no-cors') return probe(String(input));
    const request = new Request(input, init);
    requests.push(request);
    at.push(performance.now());
    const answer = answers[Math.min(requests.length - 1, answers.length - 1)];
    if (!answer) throw new TypeError('Failed to fetch');
    return answer(request);
  };
  return { requests, at, restore: () => void (window.fetch = original) };
}

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}) =>
  () =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'Content-Type': 'application/json', ...headers },
    });

async function failure(promise: Promise<unknown>): Promise<CheckoutError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CheckoutError) return error;
    throw error;
  }
  throw new Error('expected a CheckoutError');
}

describe('the element’s HTTP client', () => {
  let fake: ReturnType<typeof answering> | undefined;
  afterEach(() => {
    fake?.restore();
    probe = () => Promise.reject(new TypeError('Failed'));
    probes.length = 0;
  });

  it('reads the methods, asking for JSON in the mode a page’s preload of them uses', async () => {
    fake = answering(json(200, METHODS));
    const api = createApiClient({ server: `${SERVER}/` });
    expect(await api.getMethods('cs_1')).to.deep.equal(METHODS);
    const [request] = fake.requests;
    expect(request?.url).to.equal(`${SERVER}/v1/sessions/cs_1/methods`);
    expect(request?.headers.get('Accept')).to.equal('application/json');
    // `<link rel="preload" as="fetch" crossorigin>` fetches with `same-origin` credentials: only
    // a request in that mode is handed the preloaded answer (and no cookie goes to another origin).
    expect(request?.credentials).to.equal('same-origin');
  });

  it('retries a GET after a 503 and after a network error', async () => {
    fake = answering(
      json(503, { error: { code: 'service_unavailable', message: 'Not ready' } }),
      () => Promise.reject(new TypeError('Failed to fetch')),
      json(200, METHODS),
    );
    const api = createApiClient({ server: SERVER, backoff: 1 });
    expect(await api.getMethods('cs_1')).to.deep.equal(METHODS);
    expect(fake.requests).to.have.length(3);
  });

  it('retries a GET after a 408, a 502 and a timeout, never after a 400', async () => {
    fake = answering(
      json(408, { error: { code: 'timeout', message: 'Too slow' } }),
      json(502, { error: { code: 'bad_gateway', message: 'Upstream' } }),
      json(200, METHODS),
    );
    const api = createApiClient({ server: SERVER, backoff: 1 });
    expect(await api.getMethods('cs_1')).to.deep.equal(METHODS);
    expect(fake.requests).to.have.length(3);
    fake.restore();

    fake = answering(never, json(200, METHODS));
    const slow = createApiClient({ server: SERVER, backoff: 1, timeout: 50 });
    expect(await slow.getMethods('cs_1')).to.deep.equal(METHODS);
    expect(fake.requests).to.have.length(2);
    fake.restore();

    fake = answering(json(400, { error: { code: 'invalid_request', message: 'No' } }));
    const error = await failure(createApiClient({ server: SERVER, backoff: 1 }).getMethods('x'));
    expect(error.code).to.equal('invalid_request');
    expect(fake.requests).to.have.length(1);
  });

  it('waits as long as Retry-After says before retrying', async () => {
    fake = answering(
      json(429, { error: { code: 'rate_limited', message: 'Slow down' } }, { 'Retry-After': '1' }),
      json(200, METHODS),
    );
    const api = createApiClient({ server: SERVER, backoff: 1 });
    await api.getMethods('cs_1');
    const [first = 0, second = 0] = fake.at;
    expect(second - first).to.be.at.least(900);
  });

  it('never repeats a POST, and maps the error the server sent', async () => {
    fake = answering(
      json(503, {
        error: { code: 'provider_unavailable', message: 'Ivy is down', retryable: true },
      }),
      json(201, { order: { id: 'ord_1' }, action: { type: 'redirect', url: SERVER } }),
    );
    const api = createApiClient({ server: SERVER, backoff: 1 });
    const error = await failure(api.createOrder('cs_1', { method: 'ivy:bank' }, 'idem-1'));
    expect(fake.requests).to.have.length(1);
    expect(fake.requests[0]?.method).to.equal('POST');
    expect(fake.requests[0]?.headers.get('Idempotency-Key')).to.equal('idem-1');
    expect(error).to.include({
      code: 'provider_unavailable',
      message: 'Ivy is down',
      status: 503,
      retryable: true,
    });
  });

  it('gives up on a GET after its retries, with the last error', async () => {
    fake = answering(json(500, { error: { code: 'internal_error', message: 'Oops' } }));
    const api = createApiClient({ server: SERVER, backoff: 1, retries: 2 });
    const error = await failure(api.getOrder('ord_1'));
    expect(fake.requests).to.have.length(3);
    expect(error).to.include({ code: 'internal_error', status: 500, retryable: true });
  });

  it('does not retry a 404, and words a body it cannot read by its status', async () => {
    fake = answering(() => new Response('<html>Not Found</html>', { status: 404 }));
    const api = createApiClient({ server: SERVER, backoff: 1 });
    const error = await failure(api.getOrder('ord_1'));
    expect(fake.requests).to.have.length(1);
    expect(error).to.include({ code: 'invalid_request', status: 404, retryable: false });
  });

  it('calls an unreachable server a network error and a slow one a timeout', async () => {
    fake = answering(() => Promise.reject(new TypeError('Failed to fetch')));
    const unreachable = await failure(
      createApiClient({ server: SERVER, retries: 0 }).getMethods('cs_1'),
    );
    expect(unreachable).to.include({ code: 'network', retryable: true });
    fake.restore();

    fake = answering(never);
    const slow = await failure(
      createApiClient({ server: SERVER, retries: 0, timeout: 50 }).getMethods('cs_1'),
    );
    expect(slow).to.include({ code: 'timeout', retryable: true });
  });

  it('tells a server that refuses this page’s origin from one that cannot be reached', async () => {
    // The server answers (an opaque response), but every request the script may read fails.
    probe = (url) => {
      probes.push(url);
      return Promise.resolve(new Response(null, { status: 200 }));
    };
    fake = answering(() => Promise.reject(new TypeError('Failed to fetch')));
    const error = await failure(
      createApiClient({ server: SERVER, backoff: 1, retries: 5 }).getMethods('cs_1'),
    );
    expect(error).to.include({ code: 'origin_not_allowed', retryable: false });
    expect(fake.requests).to.have.length(2);
    expect(probes).to.deep.equal([`${SERVER}/healthz`, `${SERVER}/healthz`]);
  });

  it('retries through a network that comes back, even though the server answered a probe', async () => {
    probe = () => Promise.resolve(new Response(null, { status: 200 }));
    fake = answering(() => Promise.reject(new TypeError('Failed to fetch')), json(200, METHODS));
    const api = createApiClient({ server: SERVER, backoff: 1 });
    expect(await api.getMethods('cs_1')).to.deep.equal(METHODS);
  });

  it('refuses an answer of the wrong shape', async () => {
    fake = answering(json(200, { methods: 'none' }));
    const error = await failure(createApiClient({ server: SERVER }).getMethods('cs_1'));
    expect(error.code).to.equal('invalid_response');
  });

  it('stops at once when the caller aborts', async () => {
    fake = answering(never);
    const controller = new AbortController();
    const pending = createApiClient({ server: SERVER }).getMethods('cs_1', controller.signal);
    controller.abort(new DOMException('left', 'AbortError'));
    let caught: unknown;
    try {
      await pending;
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(DOMException);
  });
});
