/**
 * @module
 * Checks each answer of the console API against the wire contract's schema
 * (`@pay-checkout/protocol/console`) before a view renders it. An answer that does not match
 * fails with a {@link ConsoleError} `bad_response` naming the first field that is wrong, instead
 * of an empty table or `undefined` on screen. A field the schema does not name is dropped, so a
 * view only ever sees what the contract describes.
 */
import type { z } from 'zod';
import { ConsoleError } from './console-error.js';

/** `items[0].amount.value`: an issue's path as one would write it in code. */
export function pathText(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

/** The value at `path` of `value`, or `undefined` when some step of it is absent. */
function at(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** The sentence of the first issue of a failed parse of `value`, as answered for `where`. */
export function describeMismatch(error: z.ZodError, value: unknown, where: string): string {
  const issue = error.issues[0];
  if (!issue) return `The console API answered ${where} with something unexpected.`;
  const path = pathText(issue.path);
  if (path === '')
    return `The console API answered ${where} with something unexpected: ${issue.message}.`;
  if (at(value, issue.path) === undefined)
    return `The console API answered ${where} without "${path}".`;
  return `The console API answered ${where} with a wrong "${path}": ${issue.message}.`;
}

/**
 * `value` as `schema` reads it, or a `bad_response` {@link ConsoleError} naming the first field
 * that does not match. `where` names the answer in the sentence (`the orders list`).
 */
export function parseAnswer<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: string,
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ConsoleError('bad_response', describeMismatch(result.error, value, where));
}
