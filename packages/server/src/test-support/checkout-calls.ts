/**
 * @module
 * The calls tests make against a running server and emulator, each answer checked: the
 * merchant creating a session, the browser starting an order attempt, the emulator's faults
 * switched, and {@link expectJson} for any answer that must have one status and a JSON body
 * (its failure names what was being done and what came back instead).
 */
import { SessionSchema, type Session } from '@pay-checkout/protocol';
import { SECRET_KEY, SHOP_ORIGIN, sessionBody } from './config.js';

/** The JSON body of `response`; throws, naming `what` and the answer, unless it is `status`. */
export async function expectJson(
  response: Response,
  status: number,
  what: string,
): Promise<unknown> {
  const text = await response.text();
  if (response.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${response.status} ${text}`);
  }
  return JSON.parse(text) as unknown;
}

/** `POST /v1/sessions` on `serverUrl` with {@link sessionBody}`(overrides)`; expects a 201. */
export async function createSession(
  serverUrl: string,
  overrides: Record<string, unknown> = {},
): Promise<Session> {
  return SessionSchema.parse(
    await expectJson(
      await fetch(`${serverUrl}/v1/sessions`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${SECRET_KEY}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(sessionBody(overrides)),
      }),
      201,
      'create a session',
    ),
  );
}

/** The browser's `POST /v1/sessions/:id/orders` from the shop's origin, answer unchecked. */
export function postOrder(
  serverUrl: string,
  sessionId: string,
  key: string,
  body: { method: string; fields?: Record<string, string> },
): Promise<Response> {
  return fetch(`${serverUrl}/v1/sessions/${sessionId}/orders`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key, Origin: SHOP_ORIGIN },
    body: JSON.stringify(body),
  });
}

/**
 * Switches the emulator's faults on (`POST /_emulator/faults` with `faults`), or with `null`
 * off — for `provider` only when given, else for all.
 */
export async function setFaults(
  emulatorUrl: string,
  faults: Record<string, unknown> | null,
  provider?: string,
): Promise<void> {
  const scope = provider === undefined ? '' : `?provider=${encodeURIComponent(provider)}`;
  const response = await fetch(
    `${emulatorUrl}/_emulator/faults${faults === null ? scope : ''}`,
    faults === null
      ? { method: 'DELETE' }
      : {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(provider === undefined ? faults : { provider, ...faults }),
        },
  );
  await expectJson(response, 200, `set the emulator's faults to ${JSON.stringify(faults)}`);
}
