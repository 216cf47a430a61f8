/**
 * @module
 * The live feed of order changes: one `EventSource` on `/console/api/stream`, opened when the
 * first view listens and closed when the last one leaves. Each `order` event's data is checked
 * as an order row; anything else is ignored. The browser reconnects on its own after a drop.
 */
import { parseOrderRow } from './parse.js';
import type { OrderRow } from './types.js';

export type OrderListener = (order: OrderRow) => void;

export class OrderStream {
  private source: EventSource | null = null;
  private readonly listeners = new Set<OrderListener>();

  constructor(private readonly url: string) {}

  /** Calls `listener` for every order change; returns the function that stops it. */
  subscribe(listener: OrderListener): () => void {
    this.listeners.add(listener);
    this.open();
    return () => {
      this.listeners.delete(listener);
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
      let order: OrderRow;
      try {
        order = parseOrderRow(JSON.parse((event as MessageEvent<string>).data), 'a live order');
      } catch {
        return;
      }
      for (const listener of [...this.listeners]) listener(order);
    });
    this.source = source;
  }
}
