/**
 * @module
 * A bound on the bytes of request bodies held in memory at once, across all connections. A
 * body reserves what it may grow to (its declared length, or the whole limit for a chunked
 * one) before a byte of it is read; while the budget is spent, further bodies simply wait
 * unread — their bytes stay in the kernel's socket buffers, and TCP slows their senders — and
 * go on, first come first served, as earlier requests finish. A reservation is never partial,
 * so a body being read always finishes: nothing waits on a body that waits.
 *
 * A body of unknown length (chunked) is read into a buffer of the limit's size lent by a
 * {@link BufferPool} and copied out only once it has ended within the limit: what a refused
 * body read is overwritten by the next one instead of left to the garbage collector, which, for
 * bytes that lived through a few collections, comes late — the process grows meanwhile.
 */

/** Bytes of bodies held at once; more wait. */
export class BodyBudget {
  readonly #limit: number;
  #held = 0;
  readonly #waiting: { bytes: number; grant: () => void }[] = [];

  constructor(limitBytes: number) {
    this.#limit = limitBytes;
  }

  /** Bytes reserved right now. */
  get held(): number {
    return this.#held;
  }

  /**
   * Calls `grant` once `bytes` are reserved (at once when they fit). Returns a cancel that
   * withdraws a request still waiting (and does nothing once granted).
   */
  acquire(bytes: number, grant: () => void): () => void {
    // One body larger than the whole budget still goes, alone, rather than never.
    const need = Math.min(bytes, this.#limit);
    const entry = { bytes: need, grant };
    if (this.#waiting.length === 0 && this.#held + need <= this.#limit) {
      this.#held += need;
      grant();
      return () => {};
    }
    this.#waiting.push(entry);
    return () => {
      const at = this.#waiting.indexOf(entry);
      if (at >= 0) this.#waiting.splice(at, 1);
    };
  }

  /** Gives back what {@link acquire} reserved (the same `bytes`). */
  release(bytes: number): void {
    this.#held = Math.max(0, this.#held - Math.min(bytes, this.#limit));
    while (this.#waiting.length > 0) {
      const next = this.#waiting[0]!;
      if (this.#held + next.bytes > this.#limit) break;
      this.#waiting.shift();
      this.#held += next.bytes;
      next.grant();
    }
  }
}

/** Buffers of one size, lent and taken back; at most `keep` are kept between loans. */
export class BufferPool {
  readonly size: number;
  readonly #keep: number;
  readonly #free: Buffer[] = [];

  constructor(size: number, keep: number) {
    this.size = size;
    this.#keep = keep;
  }

  /** Buffers kept for the next loans. */
  get kept(): number {
    return this.#free.length;
  }

  /** A buffer of {@link size} bytes; what it holds is what an earlier borrower left. */
  take(): Buffer {
    return this.#free.pop() ?? Buffer.allocUnsafeSlow(this.size);
  }

  /** Takes `buffer` back (from {@link take}); the borrower must not use it after. */
  give(buffer: Buffer): void {
    if (buffer.length === this.size && this.#free.length < this.#keep) this.#free.push(buffer);
  }
}
