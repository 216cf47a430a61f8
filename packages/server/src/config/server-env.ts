/**
 * @module
 * The server's own variables: where it listens, its public URL, the merchant's key and origins,
 * the log level and the key of `/metrics`.
 */
import { z } from 'zod';
import { ALWAYS, baseUrl, envSection, httpUrl } from './env-schema.js';

/** What the server section reads. */
export interface ServerSettings {
  port: number;
  host: string;
  publicUrl: string;
  secretKey: string;
  allowedOrigins: string[];
  logLevel: string;
  metricsKey?: string;
  /** How long a shutdown lets requests in flight finish, in milliseconds. */
  shutdownTimeoutMs: number;
}

const DEFAULT_PORT = 8787;
const DEFAULT_HOST = '127.0.0.1';
const MIN_KEY_LENGTH = 16;
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;
const MAX_SHUTDOWN_TIMEOUT_MS = 600_000;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Parses an origin such as `https://shop.example`; returns its canonical form or null. */
export function parseOrigin(input: string): string | null {
  const url = httpUrl(input);
  if (!url) return null;
  if (url.username || url.password || url.search || url.hash) return null;
  if (url.pathname !== '/' || /[\\\s]/.test(input)) return null;
  // `new URL` accepts "https://shop.example/" and "HTTPS://Shop.Example"; the canonical origin is
  // what browsers send in the Origin header, so that is what we compare against.
  if (input.replace(/\/$/, '').toLowerCase() !== url.origin.toLowerCase()) return null;
  return url.origin;
}

/** `http://HOST:PORT`, the public URL when PAY_CHECKOUT_PUBLIC_URL is not set. */
export function defaultPublicUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

const key = () =>
  z.string().min(MIN_KEY_LENGTH, `must be at least ${MIN_KEY_LENGTH} characters`).optional();

/** The server's variables. */
export const serverEnv = envSection<ServerSettings>({
  title: 'Server',
  variables: [
    { name: 'PORT', meaning: 'listening port', default: String(DEFAULT_PORT) },
    { name: 'HOST', meaning: 'listening interface', default: DEFAULT_HOST },
    {
      name: 'PAY_CHECKOUT_PUBLIC_URL',
      meaning: "the server's public base URL (webhook and return URLs)",
      default: '`http://HOST:PORT`',
    },
    {
      name: 'PAY_CHECKOUT_SECRET_KEY',
      meaning: `bearer key of the server-to-server API (${MIN_KEY_LENGTH}+ characters)`,
      default: 'required',
    },
    {
      name: 'PAY_CHECKOUT_ALLOWED_ORIGINS',
      meaning: "comma-separated origins of your shop's pages",
      default: 'required',
    },
    { name: 'LOG_LEVEL', meaning: `pino level (${LOG_LEVELS.join(', ')})`, default: 'info' },
    {
      name: 'PAY_CHECKOUT_METRICS_KEY',
      meaning: `bearer key of \`GET /metrics\` (${MIN_KEY_LENGTH}+ characters)`,
      default: 'the secret key',
    },
    {
      name: 'PAY_CHECKOUT_SHUTDOWN_TIMEOUT_MS',
      meaning: 'on SIGTERM/SIGINT, how long requests in flight may finish before the process exits',
      default: String(DEFAULT_SHUTDOWN_TIMEOUT_MS),
    },
  ],
  schema: z
    .object({
      PORT: z
        .string()
        .refine(
          (raw) => /^\d{1,5}$/.test(raw) && Number(raw) <= 65535,
          'must be a port number between 0 and 65535',
        )
        .transform(Number)
        .default(DEFAULT_PORT),
      HOST: z
        .string()
        .regex(/^[^\s/]+$/, 'must be a host name or IP address')
        .default(DEFAULT_HOST),
      PAY_CHECKOUT_PUBLIC_URL: baseUrl(
        'must be an absolute http(s) URL without query or fragment',
      ).optional(),
      PAY_CHECKOUT_SECRET_KEY: key(),
      PAY_CHECKOUT_ALLOWED_ORIGINS: z
        .string()
        .transform((raw, ctx) => {
          const entries = raw.split(',').map((entry) => entry.trim());
          const origins = entries.map(parseOrigin);
          const invalid = origins.filter((origin) => origin === null).length;
          if (invalid > 0) {
            ctx.addIssue({
              code: 'custom',
              message: `must list origins such as https://shop.example (${invalid} invalid entr${invalid === 1 ? 'y' : 'ies'})`,
            });
            return z.NEVER;
          }
          return [...new Set(origins as string[])];
        })
        .optional(),
      LOG_LEVEL: z
        .string()
        .transform((raw) => raw.toLowerCase())
        .pipe(z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }))
        .default('info'),
      PAY_CHECKOUT_METRICS_KEY: key(),
      PAY_CHECKOUT_SHUTDOWN_TIMEOUT_MS: z
        .string()
        .refine(
          (raw) => /^\d{1,6}$/.test(raw) && Number(raw) <= MAX_SHUTDOWN_TIMEOUT_MS,
          `must be a number of milliseconds between 0 and ${MAX_SHUTDOWN_TIMEOUT_MS}`,
        )
        .transform(Number)
        .default(DEFAULT_SHUTDOWN_TIMEOUT_MS),
    })
    .superRefine((env, ctx) => {
      if (env.PAY_CHECKOUT_SECRET_KEY === undefined) {
        ctx.addIssue({ code: 'custom', path: ['PAY_CHECKOUT_SECRET_KEY'], message: 'is required' });
      }
      if (env.PAY_CHECKOUT_ALLOWED_ORIGINS === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['PAY_CHECKOUT_ALLOWED_ORIGINS'],
          message: 'is required (comma-separated origins)',
        });
      }
    }, ALWAYS)
    .transform((env) => ({
      port: env.PORT,
      host: env.HOST,
      publicUrl: env.PAY_CHECKOUT_PUBLIC_URL ?? defaultPublicUrl(env.HOST, env.PORT),
      secretKey: env.PAY_CHECKOUT_SECRET_KEY ?? '',
      allowedOrigins: env.PAY_CHECKOUT_ALLOWED_ORIGINS ?? [],
      logLevel: env.LOG_LEVEL,
      ...(env.PAY_CHECKOUT_METRICS_KEY ? { metricsKey: env.PAY_CHECKOUT_METRICS_KEY } : {}),
      shutdownTimeoutMs: env.PAY_CHECKOUT_SHUTDOWN_TIMEOUT_MS,
    })),
});
