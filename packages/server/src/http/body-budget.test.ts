/**
 * @module
 * The budget of bodies held at once: what fits goes at once, what does not waits in order and
 * goes as bytes are given back, a withdrawn waiter never goes, and one body larger than the
 * whole budget still goes (alone). The pool of read buffers lends the same buffers again and
 * keeps no more than it is told.
 */
import { describe, expect, it } from 'vitest';
import { BodyBudget, BufferPool } from './body-budget.js';

describe('the body budget', () => {
  it('grants what fits at once and makes the rest wait, first come first served', () => {
    const budget = new BodyBudget(10);
    const granted: string[] = [];
    budget.acquire(6, () => granted.push('a'));
    budget.acquire(6, () => granted.push('b'));
    budget.acquire(2, () => granted.push('c'));
    // c would fit, but b came first: no body overtakes a waiting one.
    expect(granted).toEqual(['a']);
    budget.release(6);
    expect(granted).toEqual(['a', 'b', 'c']);
    expect(budget.held).toBe(8);
  });

  it('never grants a waiter that was withdrawn', () => {
    const budget = new BodyBudget(4);
    const granted: string[] = [];
    budget.acquire(4, () => granted.push('a'));
    const cancel = budget.acquire(1, () => granted.push('b'));
    cancel();
    budget.release(4);
    expect(granted).toEqual(['a']);
    expect(budget.held).toBe(0);
  });

  it('lets a body larger than the whole budget go alone', () => {
    const budget = new BodyBudget(4);
    const granted: string[] = [];
    budget.acquire(100, () => granted.push('big'));
    budget.acquire(1, () => granted.push('small'));
    expect(granted).toEqual(['big']);
    budget.release(100);
    expect(granted).toEqual(['big', 'small']);
  });
});

describe('the pool of read buffers', () => {
  it('lends a buffer given back again, and keeps at most `keep`', () => {
    const pool = new BufferPool(16, 2);
    const [a, b, c] = [pool.take(), pool.take(), pool.take()];
    expect(a.length).toBe(16);
    expect(new Set([a, b, c]).size).toBe(3);
    pool.give(a);
    pool.give(b);
    pool.give(c);
    expect(pool.kept).toBe(2);
    const again = [pool.take(), pool.take()];
    expect(again.filter((x) => x === a || x === b)).toHaveLength(2);
    expect(pool.take()).not.toBe(c);
    // A buffer of another size is not taken in.
    pool.give(Buffer.alloc(8));
    expect(pool.kept).toBe(0);
  });
});
