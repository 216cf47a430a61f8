/**
 * @module
 * The loop behind the background jobs that look for due work in the database (the reconciler,
 * the webhook inbox): once `ready` resolves, `pump` runs every `pollMs` and whenever it is
 * kicked; runs never overlap, and kicks during a run make exactly one more run after it.
 */

export class JobLoop {
  readonly #pollMs: number;
  readonly #pump: () => Promise<void>;
  #timer: NodeJS.Timeout | null = null;
  #pumping: Promise<void> | null = null;
  #again = false;
  #started = false;
  #stopped = false;

  constructor(pollMs: number, pump: () => Promise<void>) {
    this.#pollMs = pollMs;
    this.#pump = pump;
  }

  /** Whether {@link stop} was called. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** Runs `pump` every `pollMs` once `ready` resolves (never, if it rejects). */
  start(ready: Promise<void> = Promise.resolve()): void {
    if (this.#started) return;
    this.#started = true;
    ready.then(
      () => {
        if (this.#stopped) return;
        this.#timer = setInterval(() => this.kick(), this.#pollMs);
        this.#timer.unref();
        this.kick();
      },
      () => {},
    );
  }

  /** Runs `pump` now, or once more right after the run in progress. */
  kick(): void {
    if (this.#stopped) return;
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    this.#pumping = this.#pump().finally(() => {
      this.#pumping = null;
      if (this.#again) {
        this.#again = false;
        this.kick();
      }
    });
  }

  /** Resolves once no run is in progress. */
  async settled(): Promise<void> {
    while (this.#pumping) await this.#pumping;
  }

  /** Stops the timer and kicks, and waits for the run in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.settled();
  }
}
