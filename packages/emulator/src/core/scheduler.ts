/**
 * @module
 * The emulator's clock and timers.
 *
 * Provider delays (bank settlement, webhook retries, session expiry) are stated in the provider's
 * own time and multiplied by `timeScale`, so a test can run a 54-hour retry schedule in
 * milliseconds. Every timer is tracked so that `close()` leaves nothing behind.
 */

/** Node refuses timeouts above 2^31-1 ms (about 24.8 days); longer waits are chained. */
const MAX_TIMEOUT_MS = 2_147_483_647;

/** Cancels a scheduled callback; calling it twice is harmless. */
export type Cancel = () => void;

/** Timers that honour the time scale and can all be cancelled at once. */
export class Scheduler {
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #sleepers = new Set<() => void>();
  #closed = false;

  constructor(
    /** Multiplies every provider delay. */
    readonly timeScale: number,
    /** The current time in epoch milliseconds. */
    readonly now: () => number,
  ) {}

  /** True once {@link close} ran; nothing new is scheduled after that. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The real duration of `ms` of provider time. */
  scaled(ms: number): number {
    return Math.max(0, ms * this.timeScale);
  }

  /** Runs `fn` after `ms` of provider time (scaled by the time scale). */
  after(ms: number, fn: () => unknown): Cancel {
    return this.afterReal(this.scaled(ms), fn);
  }

  /** Runs `fn` after `ms` of real time, whatever the time scale. */
  afterReal(ms: number, fn: () => unknown): Cancel {
    if (this.#closed) return () => {};
    let remaining = Math.max(0, ms);
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      const step = Math.min(remaining, MAX_TIMEOUT_MS);
      remaining -= step;
      timer = setTimeout(() => {
        if (timer) this.#timers.delete(timer);
        if (remaining > 0) return arm();
        try {
          const result = fn();
          if (result instanceof Promise) result.catch(reportTimerError);
        } catch (error) {
          reportTimerError(error);
        }
      }, step);
      this.#timers.add(timer);
    };
    arm();
    return () => {
      if (timer) {
        clearTimeout(timer);
        this.#timers.delete(timer);
      }
    };
  }

  /** Waits `ms` of real time; resolves early when the scheduler closes. */
  sleep(ms: number): Promise<void> {
    if (this.#closed || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.#sleepers.delete(done);
        cancel();
        resolve();
      };
      const cancel = this.afterReal(ms, done);
      this.#sleepers.add(done);
    });
  }

  /** Cancels every pending timer and wakes every sleeper. */
  close(): void {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const wake of [...this.#sleepers]) wake();
  }
}

function reportTimerError(error: unknown): void {
  // A failing timer must not take the whole emulator down; it is a bug worth seeing, though.
  console.error('[emulator] timer callback failed:', error);
}
