/**
 * @module
 * `DATABASE_URL` with `DATABASE_POOL_SIZE` and `DATABASE_STATEMENT_TIMEOUT_MS`: SQLite on a file
 * by default, PostgreSQL for `postgres://` and `postgresql://` URLs. A bad URL is reported in
 * words that never quote any part of it (it carries the password). The two tuning variables
 * apply only to PostgreSQL; set next to an SQLite database they would silently do nothing, so
 * they are reported instead (the same rule as a provider's partial credentials).
 */
import { z } from 'zod';
import type { DatabaseConfig } from '../store/open-store.js';
import { ALWAYS, envSection, wholeNumber } from './env-schema.js';

/** `DATABASE_URL` when it is not set. */
const DEFAULT_DATABASE_FILE = './pay-checkout.db';

/** PostgreSQL pool size: `DATABASE_POOL_SIZE`, its bounds and default. */
const POOL_SIZE = { min: 1, max: 100, default: 10 } as const;

/** PostgreSQL statement timeout in milliseconds: `DATABASE_STATEMENT_TIMEOUT_MS`. */
const STATEMENT_TIMEOUT_MS = { min: 100, max: 600_000, default: 30_000 } as const;

const POSTGRES_URL_SHAPE = 'postgres://user:password@host:5432/database';

/** What a PostgreSQL URL names, without its credentials or options. */
interface PostgresTarget {
  /** `host:port` (5432 unless given); the host may be a socket directory (`?host=/run/…`). */
  server: string;
  database: string;
}

/**
 * Checks a `postgres://` or `postgresql://` URL the way node-postgres will read it. Returns what
 * it names, or the reason it is unusable — a reason never quotes any part of the URL, which
 * carries the password.
 */
function parsePostgresUrl(raw: string): PostgresTarget | { problem: string } {
  let url: URL;
  let hostname: string;
  try {
    url = new URL(raw);
    hostname = url.hostname;
  } catch {
    // node-postgres also reads `postgres://user:password@/database?host=/run/postgresql` (no
    // host before the path, the socket directory in the options), which WHATWG URL refuses.
    try {
      url = new URL(raw.replace('@/', '@socket.invalid/'));
      hostname = '';
    } catch {
      return {
        problem: `could not be read as a URL (expected ${POSTGRES_URL_SHAPE}; write @ : / ? # in the user name or password percent-encoded, e.g. %40 for @)`,
      };
    }
  }
  // As in node-postgres, `host` and `port` options win over the URL's own.
  const host = url.searchParams.get('host') || hostname;
  if (!host) {
    return { problem: `must name the database server's host (${POSTGRES_URL_SHAPE})` };
  }
  const path = url.pathname.replace(/^\//, '');
  if (!path) {
    return { problem: `must name the database after the host (${POSTGRES_URL_SHAPE})` };
  }
  // A `/` in an unencoded password ends the host early: what follows (part of the password,
  // then `@host`) lands in the path. Refusing a second segment or an `@` there keeps that text
  // out of the database name, which the start-up line prints.
  if (path.includes('/') || path.includes('@')) {
    return {
      problem: `must name exactly one database after the host (${POSTGRES_URL_SHAPE}); write a / in the user name or password as %2F`,
    };
  }
  const port = url.searchParams.get('port') || url.port || '5432';
  return { server: `${host}:${port}`, database: decodeOr(path) };
}

function decodeOr(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Where `DATABASE_URL` points, before the tuning variables are added. */
type Target = { kind: 'sqlite'; filename: string } | { kind: 'postgres'; url: string };

const databaseUrl = z.string().transform((raw, ctx): Target => {
  if (/^postgres(ql)?:\/\//i.test(raw)) {
    const target = parsePostgresUrl(raw);
    if ('problem' in target) {
      ctx.addIssue({ code: 'custom', message: target.problem });
      return z.NEVER;
    }
    return { kind: 'postgres', url: raw };
  }
  if (/^sqlite:/i.test(raw)) {
    const filename = raw.slice('sqlite:'.length).replace(/^\/\/(?=\/|\.)/, '');
    if (filename) return { kind: 'sqlite', filename };
    ctx.addIssue({ code: 'custom', message: 'must name a file: sqlite:<path> or sqlite::memory:' });
    return z.NEVER;
  }
  ctx.addIssue({
    code: 'custom',
    message: `must be sqlite:<path>, sqlite::memory:, or a PostgreSQL URL (${POSTGRES_URL_SHAPE}, or postgresql://…)`,
  });
  return z.NEVER;
});

const TUNING = ['DATABASE_POOL_SIZE', 'DATABASE_STATEMENT_TIMEOUT_MS'] as const;

/** The database's variables. */
export const databaseEnv = envSection<DatabaseConfig>({
  title: 'Database',
  variables: [
    {
      name: 'DATABASE_URL',
      meaning: '`sqlite:<path>`, `sqlite::memory:` or `postgres://…`',
      default: `sqlite:${DEFAULT_DATABASE_FILE}`,
    },
    {
      name: 'DATABASE_POOL_SIZE',
      meaning: `PostgreSQL connections per instance (${POOL_SIZE.min}–${POOL_SIZE.max})`,
      default: String(POOL_SIZE.default),
    },
    {
      name: 'DATABASE_STATEMENT_TIMEOUT_MS',
      meaning: `PostgreSQL statement timeout (${STATEMENT_TIMEOUT_MS.min}–${STATEMENT_TIMEOUT_MS.max} ms)`,
      default: String(STATEMENT_TIMEOUT_MS.default),
    },
  ],
  schema: z
    .object({
      DATABASE_URL: databaseUrl.default({ kind: 'sqlite', filename: DEFAULT_DATABASE_FILE }),
      DATABASE_POOL_SIZE: wholeNumber(POOL_SIZE.min, POOL_SIZE.max).optional(),
      DATABASE_STATEMENT_TIMEOUT_MS: wholeNumber(
        STATEMENT_TIMEOUT_MS.min,
        STATEMENT_TIMEOUT_MS.max,
      ).optional(),
    })
    .superRefine((env, ctx) => {
      // Only when DATABASE_URL itself read well: a bad one is reported on its own.
      if (env.DATABASE_URL?.kind !== 'sqlite') return;
      for (const name of TUNING) {
        if (env[name] === undefined) continue;
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: 'applies only to PostgreSQL, and DATABASE_URL selects SQLite (unset it)',
        });
      }
    }, ALWAYS)
    .transform(({ DATABASE_URL: target, ...tuning }): DatabaseConfig => {
      if (target.kind === 'sqlite') return target;
      return {
        kind: 'postgres',
        url: target.url,
        poolSize: tuning.DATABASE_POOL_SIZE ?? POOL_SIZE.default,
        statementTimeoutMs: tuning.DATABASE_STATEMENT_TIMEOUT_MS ?? STATEMENT_TIMEOUT_MS.default,
      };
    }),
});

/**
 * The database in words, for the start-up line: the SQLite file, or the PostgreSQL server and
 * database — never the user name, password or connection options.
 */
export function describeDatabase(database: DatabaseConfig): string {
  if (database.kind === 'sqlite') {
    return database.filename === ':memory:' ? 'SQLite in memory' : `SQLite ${database.filename}`;
  }
  const target = parsePostgresUrl(database.url);
  if ('problem' in target) return 'PostgreSQL';
  return `PostgreSQL ${target.server}/${target.database}`;
}
