/**
 * @module
 * Compares a response with a provider's documented example by shape: every field the example
 * shows must be there with the same JSON type (string, number, boolean, object, array, null);
 * array items are compared with the example's first item. Extra fields are allowed.
 */

/** JSON type names as the differences report them. */
function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * Where `actual` differs in shape from the documented `example`, as `path: expected type, got
 * type` lines — empty when every documented field is present with its documented type.
 */
export function shapeDifferences(example: unknown, actual: unknown, path = '$'): string[] {
  const want = typeOf(example);
  const got = typeOf(actual);
  if (got === 'undefined') return [`${path}: missing (documented as ${want})`];
  if (want !== got) return [`${path}: documented as ${want}, got ${got}`];
  if (Array.isArray(example) && Array.isArray(actual)) {
    if (example.length === 0) return [];
    if (actual.length === 0) return [`${path}: documented with items, got an empty array`];
    return actual.flatMap((item, index) => shapeDifferences(example[0], item, `${path}[${index}]`));
  }
  if (want === 'object') {
    const documented = example as Record<string, unknown>;
    const received = actual as Record<string, unknown>;
    return Object.keys(documented).flatMap((key) =>
      shapeDifferences(documented[key], received[key], `${path}.${key}`),
    );
  }
  return [];
}
