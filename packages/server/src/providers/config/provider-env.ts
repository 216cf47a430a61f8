/**
 * @module
 * What every provider's config reader does the same way: an optional base URL with a default,
 * and credentials that are set all together or not at all, naming every missing variable.
 * Readers get variables through `get` (trimmed, empty = unset) and report each bad one through
 * `bad`, never with its value.
 *
 * @example
 * ```ts
 * const apiUrl = readBaseUrl(get, bad, 'ACME_API_URL', ACME_SANDBOX_URL) ?? ACME_SANDBOX_URL;
 * const credentials = readCredentials(get, bad, ['ACME_API_KEY', 'ACME_SECRET'] as const);
 * if (!credentials) return undefined;
 * const [apiKey, secret] = credentials;
 * ```
 */

/** Reads one variable; undefined when unset or empty. */
export type EnvGetter = (name: string) => string | undefined;
/** Reports one bad variable (its name and why, never its value). */
export type EnvReporter = (variable: string, reason: string) => void;

/**
 * The base URL in `variable`, or `fallback` when it is unset. It must be an absolute http(s) URL
 * without query, fragment or credentials; trailing slashes are dropped. Reports a bad one and
 * returns undefined.
 */
export function readBaseUrl(
  get: EnvGetter,
  bad: EnvReporter,
  variable: string,
  fallback: string,
): string | undefined {
  const raw = get(variable);
  if (raw === undefined) return fallback;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    bad(variable, 'must be an absolute http(s) URL');
    return undefined;
  }
  if (
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    url.search ||
    url.hash ||
    url.username ||
    url.password
  ) {
    bad(variable, 'must be an absolute http(s) URL');
    return undefined;
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/**
 * Credentials that go together: their values, in order, when all are set; undefined when none
 * is (the provider is off) or when some are missing, each of which is reported — "is required
 * when <the other> is set" for a pair, "is required when any other <PREFIX>_* credential is set"
 * for more. `hints` adds a parenthesised hint to a variable's report.
 */
export function readCredentials<const N extends readonly string[]>(
  get: EnvGetter,
  bad: EnvReporter,
  variables: N,
  hints: Partial<Record<N[number], string>> = {},
): { [K in keyof N]: string } | undefined {
  const values = variables.map((variable) => get(variable));
  const missing = variables.filter((_, index) => values[index] === undefined);
  if (missing.length === variables.length) return undefined;
  if (missing.length > 0) {
    for (const variable of missing) {
      const hint = (hints as Record<string, string | undefined>)[variable];
      bad(variable, `${requiredWhen(variable, variables)}${hint ? ` (${hint})` : ''}`);
    }
    return undefined;
  }
  return values as { [K in keyof N]: string };
}

function requiredWhen(variable: string, variables: readonly string[]): string {
  if (variables.length === 2) {
    return `is required when ${variables.find((v) => v !== variable)} is set`;
  }
  const prefix = variable.slice(0, variable.indexOf('_') + 1);
  return `is required when any other ${prefix}* credential is set`;
}
