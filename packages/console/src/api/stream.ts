/**
 * @module
 * The live feed of order changes: one `EventSource` on `/console/api/stream`, opened when the
 * first view listens and closed when the last one leaves. Each `order` event's data is parsed
 * with the wire contract's {@link ConsoleOrderEventSchema}; data that is not JSON or does not
 * match reaches no order listener, and goes to the error listeners instead as a `bad_response`
 * {@link ConsoleError} naming the field. The browser reconnects on its own after a drop.
 */
import { ConsoleOrderEventSchema, type ConsoleOrderEvent } from '@pay-checkout/protocol/console';
import { ConsoleError } from './console-error.js';
import { parseAnswer } from './parse.js';

export type OrderListener = (order: ConsoleOrderEvent) => void;

/** Told about an `order` event whose data could not be read. */
export type StreamErrorListener = (error: ConsoleError) => void;

const WHERE = 'a live order change';

/** An `order` event's data as the contract reads it, or a `bad_response` error. */
export function parseOrderEvent(data: string): ConsoleOrderEvent {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    throw new ConsoleError('bad_response', `The console API sent ${WHERE} that is not JSON.`);
  }
  return parseAnswer(ConsoleOrderEventSchema, value, WHERE);
}

export class OrderStream {
  private source: EventSource | null = null;
  private readonly listeners = new Set<OrderListener>();
  private readonly errorListeners = new Set<StreamErrorListener>();

  constructor(private readonly url: string) {}

  /**
   * Calls `listener` for every order change, and `onError` (when given) for every change that
   * could not be read; returns the function that stops both.
   */
  subscribe(listener: OrderListener, onError?: StreamErrorListener): () => void {
    this.listeners.add(listener);
    if (onError) this.errorListeners.add(onError);
    this.open();
    return () => {
      this.listeners.delete(listener);
      if (onError) this.errorListeners.delete(onError);
      if (this.listeners.size === 0) this.close();
    };
  }

  /** Whether the stream is connected now. */
  get connected(): boolean {
    return this.source?.readyState === EventSource.OPEN;
  }

  close(): void {
    this.source?.close();
    this.source = null;
  }

  private open(): void {
    if (this.source) return;
    const source = new EventSource(this.url, { withCredentials: false });
    source.addEventListener('order', (event) => {
      let order: ConsoleOrderEvent;
      try {
        order = parseOrderEvent((event as MessageEvent<string>).data);
      } catch (error) {
        for (const onError of [...this.errorListeners]) onError(error as ConsoleError);
        return;
      }
      for (const listener of [...this.listeners]) listener(order);
    });
    this.source = source;
  }
}
