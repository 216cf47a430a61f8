/**
 * @module
 * A minimal SSE reader over a real socket (fetch + stream), keeping the raw text so that
 * tests can check the wire format, plus a helper that waits for a condition.
 */

export interface SseMessage {
  event: string | null;
  id: string | null;
  data: string;
  retry: number | null;
}

export interface SseConnection {
  response: Response;
  /** Everything received so far, verbatim. */
  raw: () => string;
  messages: SseMessage[];
  comments: string[];
  /** Resolves with the first message (from index `from`) that satisfies `predicate`. */
  waitFor(predicate: (m: SseMessage) => boolean, from?: number): Promise<SseMessage>;
  close(): void;
}

/** Opens an SSE stream and starts parsing it. */
export async function openSse(
  url: string,
  headers: Record<string, string> = {},
): Promise<SseConnection> {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { Accept: 'text/event-stream', ...headers },
    signal: controller.signal,
  });
  let raw = '';
  let buffer = '';
  const messages: SseMessage[] = [];
  const comments: string[] = [];
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const waiter of [...waiters]) waiter();
  };

  const parseBlock = (block: string) => {
    const message: SseMessage = { event: null, id: null, data: '', retry: null };
    let hasField = false;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        comments.push(line.slice(1).trim());
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      hasField = true;
      if (field === 'event') message.event = value;
      else if (field === 'id') message.id = value;
      else if (field === 'data') message.data += message.data ? `\n${value}` : value;
      else if (field === 'retry') message.retry = Number(value);
    }
    // As in EventSource: a block without data (e.g. only `retry:`) dispatches nothing.
    if (hasField && message.data !== '') messages.push(message);
  };

  void (async () => {
    if (!response.body) return;
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        const text = decoder.decode(chunk, { stream: true });
        raw += text;
        buffer += text;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          parseBlock(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
        notify();
      }
    } catch {
      // Aborted by close().
    }
  })();

  return {
    response,
    raw: () => raw,
    messages,
    comments,
    waitFor(predicate, from = 0) {
      return new Promise((resolve) => {
        const check = () => {
          const found = messages.slice(from).find(predicate);
          if (found) {
            waiters.delete(check);
            resolve(found);
          }
        };
        waiters.add(check);
        check();
      });
    },
    close() {
      controller.abort();
    },
  };
}

/** Polls `condition` until it is truthy (tests bound the wait with their own timeout). */
export async function eventually<T>(
  condition: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  everyMs = 10,
): Promise<T> {
  for (;;) {
    const value = await condition();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
