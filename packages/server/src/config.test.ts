/**
 * @module
 * Configuration loading: defaults, every bad variable named, no value ever printed.
 */
import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, describeDatabase, loadConfig, parseOrigin } from './config.js';

const BASE = {
  PAY_CHECKOUT_SECRET_KEY: 'sk_live_secret_value_123',
  PAY_CHECKOUT_ALLOWED_ORIGINS: 'https://shop.example, http://localhost:5173',
};

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the contract defaults', () => {
    const config = loadConfig(BASE);
    expect(config).toMatchObject({
      port: 8787,
      host: '127.0.0.1',
      publicUrl: 'http://127.0.0.1:8787',
      allowedOrigins: ['https://shop.example', 'http://localhost:5173'],
      database: { kind: 'sqlite', filename: './pay-checkout.db' },
      logLevel: 'info',
      providers: {},
    });
  });

  it('derives the public URL from HOST and PORT and trims a trailing slash when given', () => {
    expect(loadConfig({ ...BASE, HOST: '0.0.0.0', PORT: '9000' }).publicUrl).toBe(
      'http://0.0.0.0:9000',
    );
    expect(
      loadConfig({ ...BASE, PAY_CHECKOUT_PUBLIC_URL: 'https://pay.example/base/' }).publicUrl,
    ).toBe('https://pay.example/base');
  });

  it('turns Ivy on with key and secret, defaulting to the sandbox', () => {
    const config = loadConfig({ ...BASE, IVY_API_KEY: 'k', IVY_WEBHOOK_SECRET: 's' });
    expect(config.providers.ivy).toEqual({
      apiUrl: 'https://api.sand.getivy.de',
      apiKey: 'k',
      webhookSecret: 's',
    });
    const local = loadConfig({
      ...BASE,
      IVY_API_KEY: 'k',
      IVY_WEBHOOK_SECRET: 's',
      IVY_API_URL: 'http://127.0.0.1:8788/ivy/',
    });
    expect(local.providers.ivy?.apiUrl).toBe('http://127.0.0.1:8788/ivy');
  });

  it('reads sqlite URLs, including :memory:', () => {
    expect(loadConfig({ ...BASE, DATABASE_URL: 'sqlite::memory:' }).database).toEqual({
      kind: 'sqlite',
      filename: ':memory:',
    });
    expect(loadConfig({ ...BASE, DATABASE_URL: 'sqlite:/var/db/pay.db' }).database).toEqual({
      kind: 'sqlite',
      filename: '/var/db/pay.db',
    });
  });

  it('lists every bad variable by name in one message, never a value', () => {
    const error = configError({
      PAY_CHECKOUT_SECRET_KEY: 'short-secret',
      PAY_CHECKOUT_ALLOWED_ORIGINS: 'https://ok.example,https://evil.example/path',
      PORT: 'eighty',
      DATABASE_URL: 'postgres://user:hunter2@db',
      LOG_LEVEL: 'loud',
      IVY_API_KEY: 'ivy-key-value',
      PAY_CHECKOUT_PUBLIC_URL: 'not a url',
    });
    expect(error.variables.sort()).toEqual(
      [
        'DATABASE_URL',
        'IVY_WEBHOOK_SECRET',
        'LOG_LEVEL',
        'PAY_CHECKOUT_ALLOWED_ORIGINS',
        'PAY_CHECKOUT_PUBLIC_URL',
        'PAY_CHECKOUT_SECRET_KEY',
        'PORT',
      ].sort(),
    );
    expect(error.message).toMatch(/DATABASE_URL must name the database/);
    for (const secret of ['short-secret', 'hunter2', 'ivy-key-value', 'evil.example']) {
      expect(error.message).not.toContain(secret);
    }
  });

  it('requires the secret key and the allowed origins', () => {
    expect(configError({}).variables).toEqual([
      'PAY_CHECKOUT_SECRET_KEY',
      'PAY_CHECKOUT_ALLOWED_ORIGINS',
    ]);
  });

  it('requires Ivy key and secret together', () => {
    expect(configError({ ...BASE, IVY_WEBHOOK_SECRET: 'x' }).variables).toEqual(['IVY_API_KEY']);
  });

  it('names every missing variable of a half-configured provider, never a value', () => {
    let error: unknown;
    try {
      loadConfig({ ...BASE, IXOPAY_API_KEY: 'ixopay-key-value-1234' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toMatch(/IXOPAY_USERNAME/);
    expect(message).toMatch(/IXOPAY_PASSWORD/);
    expect(message).toMatch(/IXOPAY_SHARED_SECRET/);
    expect(message).not.toContain('ixopay-key-value-1234');
  });
});

/** Every text a caught error can end up as: message, stack, inspection, JSON. */
function everyRendering(error: ConfigError): string {
  return [error.message, String(error), error.stack, inspect(error), JSON.stringify(error)].join(
    '\n',
  );
}

describe('database configuration', () => {
  it('selects PostgreSQL for postgres:// and postgresql:// URLs, with the pool defaults', () => {
    for (const url of [
      'postgres://pay:hunter2@db.example:5432/pay_checkout',
      'postgresql://pay:hunter2@db.example/pay_checkout?sslmode=require',
      'POSTGRES://pay@db.example/pay_checkout',
    ]) {
      expect(loadConfig({ ...BASE, DATABASE_URL: url }).database).toEqual({
        kind: 'postgres',
        url,
        poolSize: 10,
        statementTimeoutMs: 30_000,
      });
    }
  });

  it('reads DATABASE_POOL_SIZE and DATABASE_STATEMENT_TIMEOUT_MS within their bounds', () => {
    const at = (pool: string, timeout: string) =>
      loadConfig({
        ...BASE,
        DATABASE_URL: 'postgres://pay@db.example/pay',
        DATABASE_POOL_SIZE: pool,
        DATABASE_STATEMENT_TIMEOUT_MS: timeout,
      }).database;
    expect(at('1', '100')).toMatchObject({ poolSize: 1, statementTimeoutMs: 100 });
    expect(at('100', '600000')).toMatchObject({ poolSize: 100, statementTimeoutMs: 600_000 });
    expect(at(' 25 ', '5000')).toMatchObject({ poolSize: 25, statementTimeoutMs: 5000 });
  });

  it.each(['0', '101', '-1', '1.5', '1e1', '0x10', 'ten', '9999999999'])(
    'rejects DATABASE_POOL_SIZE=%j by name',
    (value) => {
      const error = configError({
        ...BASE,
        DATABASE_URL: 'postgres://pay@db.example/pay',
        DATABASE_POOL_SIZE: value,
      });
      expect(error.variables).toEqual(['DATABASE_POOL_SIZE']);
      expect(error.message).toContain('DATABASE_POOL_SIZE must be a whole number from 1 to 100');
    },
  );

  it.each(['99', '600001', '30s', '-100', '3.0e4'])(
    'rejects DATABASE_STATEMENT_TIMEOUT_MS=%j by name',
    (value) => {
      const error = configError({
        ...BASE,
        DATABASE_URL: 'postgresql://pay@db.example/pay',
        DATABASE_STATEMENT_TIMEOUT_MS: value,
      });
      expect(error.variables).toEqual(['DATABASE_STATEMENT_TIMEOUT_MS']);
      expect(error.message).toContain('from 100 to 600000');
    },
  );

  it('refuses the PostgreSQL tuning variables next to SQLite, where they would do nothing', () => {
    for (const database of [{}, { DATABASE_URL: 'sqlite::memory:' }]) {
      const error = configError({
        ...BASE,
        ...database,
        DATABASE_POOL_SIZE: '20',
        DATABASE_STATEMENT_TIMEOUT_MS: '5000',
      });
      expect(error.variables).toEqual(['DATABASE_POOL_SIZE', 'DATABASE_STATEMENT_TIMEOUT_MS']);
      expect(error.message).toContain(
        'DATABASE_POOL_SIZE applies only to PostgreSQL, and DATABASE_URL selects SQLite',
      );
    }
  });

  it.each([
    ['postgres://pay:hunter2-Zq9@db.example', /must name the database after the host/],
    ['postgres://pay:hunter2-Zq9@db.example:5432/', /must name the database after the host/],
    ['postgres://pay:hunter2-Zq9@/pay_checkout', /must name the database server's host/],
    ['postgres://', /must name the database server's host/],
    ['postgres://pay:hunter2-Zq9@db.example:99999/pay', /could not be read as a URL/],
    ['postgres://pay:hunter2/Zq9@db.example/pay', /could not be read as a URL/],
    ['postgres://pay:hunter2#Zq9@db.example/pay', /could not be read as a URL/],
    [
      'postgres://pay:hunter2?Zq9@db.example/pay',
      /could not be read as a URL|must name the database/,
    ],
    ['postgres://pay:hunter2 Zq9@db example/pay', /could not be read as a URL/],
    ['postgres://pay:12345/hunter2-Zq9@db.example/pay', /exactly one database/],
    ['postgres://pay:12345/hunter2-Zq9@db.example', /exactly one database/],
    ['mysql://pay:hunter2-Zq9@db.example/pay', /must be sqlite:<path>.*PostgreSQL URL/],
    ['postgres:/pay:hunter2-Zq9@db.example/pay', /must be sqlite:<path>/],
    ['pay:hunter2-Zq9@db.example/pay', /must be sqlite:<path>/],
  ])('stops at %j with one message naming DATABASE_URL, never the password', (url, reason) => {
    const error = configError({ ...BASE, DATABASE_URL: url });
    expect(error.variables).toEqual(['DATABASE_URL']);
    expect(error.message).toMatch(/^Invalid configuration: DATABASE_URL /);
    expect(error.message).toMatch(reason);
    const text = everyRendering(error);
    for (const secret of ['hunter2', 'Zq9']) expect(text).not.toContain(secret);
  });

  it('keeps percent-encoded and odd passwords out of errors, encoded or decoded', () => {
    const passwords = ['p@ss/w:rd?#', 'Zq9 %zz% ünï', 'Zq9"\'\\<>`$(id)'];
    for (const password of passwords) {
      const encoded = encodeURIComponent(password);
      const error = configError({
        ...BASE,
        PORT: 'not-a-port',
        DATABASE_URL: `postgres://pay:${encoded}@db.example`,
      });
      expect(error.variables).toEqual(['PORT', 'DATABASE_URL']);
      const text = everyRendering(error);
      for (const form of [password, encoded, 'Zq9', 'ss/w']) expect(text).not.toContain(form);
    }
  });

  it('never prints a random password, however it is written', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 40 }),
          fc.string({ unit: 'binary', maxLength: 40 }),
          fc.stringMatching(/^[\w/@:?#%]{0,40}$/),
        ),
        fc.boolean(),
        fc.constantFrom('', '/pay', ':6543/pay', '/pay?sslmode=require'),
        (middle, encode, rest) => {
          // Markers at both ends: a leak of either end of the password shows.
          const password = `Zq9${middle}Xk7`;
          const written = encode ? encodeURIComponent(password) : password;
          const env = { ...BASE, DATABASE_URL: `postgres://pay:${written}@db.example${rest}` };
          let text: string;
          try {
            text = describeDatabase(loadConfig(env).database);
          } catch (error) {
            if (!(error instanceof ConfigError)) throw error;
            expect(error.variables).toEqual(['DATABASE_URL']);
            text = everyRendering(error);
          }
          for (const marker of ['Zq9', 'Xk7']) expect(text).not.toContain(marker);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('describeDatabase', () => {
  const described = (DATABASE_URL?: string) =>
    describeDatabase(loadConfig({ ...BASE, ...(DATABASE_URL ? { DATABASE_URL } : {}) }).database);

  it('names the SQLite file', () => {
    expect(described()).toBe('SQLite ./pay-checkout.db');
    expect(described('sqlite:/var/db/pay.db')).toBe('SQLite /var/db/pay.db');
    expect(described('sqlite::memory:')).toBe('SQLite in memory');
  });

  it.each([
    ['postgres://pay:hunter2@db.example/pay_checkout', 'PostgreSQL db.example:5432/pay_checkout'],
    ['postgres://pay:p%40ss%2Fw%3A@db.example:6543/pay', 'PostgreSQL db.example:6543/pay'],
    ['postgresql://pay:hunter2@[::1]/pay', 'PostgreSQL [::1]:5432/pay'],
    ['postgres://pay:hunter2@/pay?host=/run/postgresql', 'PostgreSQL /run/postgresql:5432/pay'],
    ['postgres://pay:hunter2@db.example/pay%20shop', 'PostgreSQL db.example:5432/pay shop'],
    [
      'postgres://pay@db.example/pay?password=hunter2&sslmode=require',
      'PostgreSQL db.example:5432/pay',
    ],
  ])('names the PostgreSQL server and database of %j, no credentials', (url, text) => {
    expect(described(url)).toBe(text);
    expect(described(url)).not.toMatch(/hunter2|p%40ss|p@ss|pay@|sslmode/);
  });
});

describe('parseOrigin', () => {
  it.each([
    ['https://shop.example', 'https://shop.example'],
    ['https://shop.example/', 'https://shop.example'],
    ['HTTPS://Shop.Example', 'https://shop.example'],
    ['http://localhost:5173', 'http://localhost:5173'],
  ])('accepts %s', (input, origin) => {
    expect(parseOrigin(input)).toBe(origin);
  });

  it.each([
    '*',
    'shop.example',
    'https://shop.example/path',
    'https://user@shop.example',
    'ftp://shop.example',
    'https://shop.example?x=1',
    'null',
    '',
  ])('rejects %j', (input) => {
    expect(parseOrigin(input)).toBeNull();
  });
});
