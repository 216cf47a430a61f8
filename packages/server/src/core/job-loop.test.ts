/**
 * @module
 * The job loop: nothing before `ready`, runs that never overlap, a burst of kicks during a run
 * makes exactly one more run, and nothing after `stop()`.
 */
import { describe, expect, it } from 'vitest';
import { JobLoop } from './job-loop.js';

describe('JobLoop', () => {
  it('runs after ready, never two at once, one more run for a burst of kicks, none after stop', async () => {
    let runs = 0;
    let inFlight = 0;
    let most = 0;
    let release!: () => void;
    let held: Promise<void> | null = new Promise<void>((resolve) => (release = resolve));
    const loop = new JobLoop(60_000, async () => {
      runs++;
      inFlight++;
      most = Math.max(most, inFlight);
      if (held) await held;
      inFlight--;
    });
    let ready!: () => void;
    loop.start(new Promise<void>((resolve) => (ready = resolve)));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(runs).toBe(0);
    // Ready: the first run starts at once, not a poll interval later.
    ready();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(runs).toBe(1);
    for (let i = 0; i < 5; i++) loop.kick();
    held = null;
    release();
    await loop.settled();
    expect(runs).toBe(2);
    expect(most).toBe(1);
    await loop.stop();
    loop.kick();
    await loop.settled();
    expect(runs).toBe(2);
    expect(loop.stopped).toBe(true);
  });
});
