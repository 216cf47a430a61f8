/**
 * @module
 * The pieces every part of the configuration is built from: a section is a zod schema over the
 * environment plus the variables it reads, documented once (the README's table and
 * `--help` come from the same list). Issues carry the variable as their path and a reason that
 * never quotes the value, so a failed parse can be reported as "VARIABLE reason" without leaking
 * a secret.
 *
 * @example
 * ```ts
 * const acmeEnv = envSection({
 *   title: 'Acme',
 *   variables: [{ name: 'ACME_API_URL', meaning: "Acme's API", default: ACME_URL }, …],
 *   schema: z
 *     .object({ ACME_API_URL: baseUrl().default(ACME_URL), ACME_KEY: secret(), ACME_SECRET: secret() })
 *     .superRefine(together(['ACME_KEY', 'ACME_SECRET']), ALWAYS)
 *     .transform((env) => …),
 * });
 * ```
 */
import { z } from 'zod';

/** The environment as sections read it: names to trimmed, non-empty values. */
export type Env = Record<string, string | undefined>;

/** One variable as the configuration table documents it. */
export interface EnvVariable {
  name: string;
  /** What it sets, in a few words. */
  meaning: string;
  /** Its default in words (`required`, `off`, a value). */
  default: string;
}

/** One part of the configuration: the variables it reads and the schema that reads them. */
export interface EnvSection<T> {
  /** What the section configures (`Server`, `Ivy`, …). */
  title: string;
  variables: readonly EnvVariable[];
  schema: z.ZodType<T, Env>;
}

/** Declares a section (only for the types: the object is returned as it is). */
export function envSection<T>(section: EnvSection<T>): EnvSection<T> {
  return section;
}

/**
 * Trims every value and leaves out empty ones, so "set but empty" reads as unset everywhere
 * (a `.env` line `KEY=` switches nothing on).
 */
export function cleanEnv(env: Record<string, string | undefined>): Env {
  const clean: Env = {};
  for (const [name, value] of Object.entries(env)) {
    const trimmed = value?.trim();
    if (trimmed) clean[name] = trimmed;
  }
  return clean;
}

/**
 * Options for cross-variable rules: run them even when a single variable already failed, so
 * one message names every bad variable.
 */
export const ALWAYS = { when: () => true } as const;

/** An optional variable read as it is. */
export const text = (): z.ZodOptional<z.ZodString> => z.string().optional();

/** Parses an absolute http(s) URL; null for anything else. */
export function httpUrl(input: string): URL | null {
  try {
    const url = new URL(input);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

/**
 * An API base URL: absolute http(s), no query, fragment or credentials; trailing slashes are
 * dropped (`https://api.example/v1/` → `https://api.example/v1`).
 */
export function baseUrl(message = 'must be an absolute http(s) URL') {
  return z.string().transform((raw, ctx) => {
    const url = httpUrl(raw);
    if (!url || url.search || url.hash || url.username || url.password) {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
    return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
  });
}

/** A whole number in `[min, max]`, written in decimal digits. */
export function wholeNumber(min: number, max: number) {
  const message = `must be a whole number from ${min} to ${max}`;
  return z
    .string()
    .refine((raw) => /^\d{1,9}$/.test(raw) && Number(raw) >= min && Number(raw) <= max, message)
    .transform(Number);
}

/**
 * The rule of credentials that go together: all set, or none (the provider is off). Each
 * missing one is reported — "is required when <the other> is set" for a pair, "is required when
 * any other <PREFIX>_* credential is set" for more; `hints` adds a parenthesised hint.
 */
export function together(variables: readonly string[], hints: Record<string, string> = {}) {
  return (env: Record<string, unknown>, ctx: z.RefinementCtx): void => {
    const missing = variables.filter((variable) => env[variable] === undefined);
    if (missing.length === 0 || missing.length === variables.length) return;
    for (const variable of missing) {
      const hint = hints[variable];
      ctx.addIssue({
        code: 'custom',
        path: [variable],
        message: `${requiredWhen(variable, variables)}${hint ? ` (${hint})` : ''}`,
      });
    }
  };
}

function requiredWhen(variable: string, variables: readonly string[]): string {
  if (variables.length === 2) {
    return `is required when ${variables.find((v) => v !== variable)} is set`;
  }
  const prefix = variable.slice(0, variable.indexOf('_') + 1);
  return `is required when any other ${prefix}* credential is set`;
}

/** The values of `names`, in order, when every one is set; undefined otherwise. */
export function allOf<const N extends readonly string[]>(
  env: Partial<Record<N[number], unknown>>,
  names: N,
): { [K in keyof N]: string } | undefined {
  const values = names.map((name) => (env as Record<string, unknown>)[name]);
  return values.every((value) => typeof value === 'string')
    ? (values as { [K in keyof N]: string })
    : undefined;
}

/** One bad variable: its name and why, never its value. */
export interface EnvProblem {
  variable: string;
  reason: string;
}

/** The problems of a failed parse, one per issue, in the order zod found them. */
export function problemsOf(error: z.ZodError): EnvProblem[] {
  return error.issues.map((issue) => ({
    variable: typeof issue.path[0] === 'string' ? issue.path[0] : 'configuration',
    reason: issue.message,
  }));
}
