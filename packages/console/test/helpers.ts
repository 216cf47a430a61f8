/**
 * @module
 * What the console's browser tests share: the mock backend's control routes, sign-in without
 * the UI, real key presses through the test runner, and a look through shadow roots at what
 * has focus.
 */
import { CONSOLE_KEY } from './fixtures.js';

export { CONSOLE_KEY };

/** Read at load, before any test moves the page's URL with pushState. */
const sessionId = new URL(location.href).searchParams.get('wtr-session-id');

export interface LoggedRequest {
  method: string;
  path: string;
  query: string;
  csrf: string | null;
  body: unknown;
}

/** Fixtures back, sessions ended, request log emptied. */
export async function resetBackend(): Promise<void> {
  await fetch('/console/_test/reset', { method: 'POST' });
}

/** Every API request the mock received since the last reset. */
export async function loggedRequests(): Promise<LoggedRequest[]> {
  return (await (await fetch('/console/_test/requests')).json()) as LoggedRequest[];
}

/** Signs in as the page would, without the form. */
export async function signInDirectly(): Promise<void> {
  const response = await fetch('/console/api/session', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Console-Csrf': '1' },
    body: JSON.stringify({ key: CONSOLE_KEY }),
  });
  if (response.status !== 204) throw new Error(`sign-in answered ${response.status}`);
}

/** Ends every session on the mock, as an expired cookie would. */
export async function expireSessions(): Promise<void> {
  await fetch('/console/_test/expire', { method: 'POST' });
}

/** Changes an order on the mock and sends it on every open stream. */
export async function emitOrder(change: {
  id: string;
  status?: string;
  entry?: unknown;
  order?: unknown;
}): Promise<number> {
  const response = await fetch('/console/_test/emit', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(change),
  });
  return ((await response.json()) as { sent: number }).sent;
}

/** Sends `data` as an `order` event on every open stream, changing nothing on the mock. */
export async function emitRaw(data: unknown): Promise<number> {
  const response = await fetch('/console/_test/emit', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ raw: data }),
  });
  return ((await response.json()) as { sent: number }).sent;
}

/** Makes the mock answer `body` to every signed-in `GET path` (or `method`) until the reset. */
export async function answerWith(
  path: string,
  body: unknown,
  options: { method?: string; status?: number } = {},
): Promise<void> {
  await fetch('/console/_test/answer', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ ...options, path, body }),
  });
}

/** How many event streams are open on the mock. */
export async function openStreams(): Promise<number> {
  return ((await (await fetch('/console/_test/streams')).json()) as { open: number }).open;
}

/** Real key presses through Playwright (the runner's built-in send-keys command). */
export async function press(key: string): Promise<void> {
  const socket = (await import(
    /* @vite-ignore */ '/__web-dev-server__web-socket.js' as string
  )) as { sendMessageWaitForResponse(message: unknown): Promise<{ executed: boolean }> };
  const response = await socket.sendMessageWaitForResponse({
    type: 'wtr-command',
    sessionId,
    command: 'send-keys',
    payload: { press: key },
  });
  if (!response.executed) throw new Error('send-keys is not available');
}

/** Types text with real key presses. */
export async function type(text: string): Promise<void> {
  const socket = (await import(
    /* @vite-ignore */ '/__web-dev-server__web-socket.js' as string
  )) as { sendMessageWaitForResponse(message: unknown): Promise<{ executed: boolean }> };
  await socket.sendMessageWaitForResponse({
    type: 'wtr-command',
    sessionId,
    command: 'send-keys',
    payload: { type: text },
  });
}

/** The element that has focus, looking into shadow roots. */
export function deepActiveElement(): Element | null {
  let active: Element | null = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

/** Presses Tab until `predicate` holds for the focused element (at most `limit` times). */
export async function tabTo(predicate: (el: Element) => boolean, limit = 40): Promise<Element> {
  for (let i = 0; i < limit; i++) {
    await press('Tab');
    const active = deepActiveElement();
    if (active && predicate(active)) return active;
  }
  throw new Error('Tab never reached the element');
}

/** Nothing of the key is in any browser storage or script-visible cookie. */
export function storedAnywhere(secret: string): string[] {
  const places: string[] = [];
  const scan = (storage: Storage, name: string): void => {
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i) ?? '';
      if (key.includes(secret) || (storage.getItem(key) ?? '').includes(secret)) places.push(name);
    }
  };
  scan(localStorage, 'localStorage');
  scan(sessionStorage, 'sessionStorage');
  if (document.cookie.includes(secret)) places.push('document.cookie');
  return places;
}
