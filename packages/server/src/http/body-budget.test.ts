/**
 * @module
 * The budget of bodies held at once: what fits goes at once, what does not waits in order and
 * goes as bytes are given back, a withdrawn waiter never goes, and one body larger than the
 * whole budget still goes (alone).
 */
import { describe, expect, it } from 'vitest';
import { BodyBudget } from './body-budget.js';

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
