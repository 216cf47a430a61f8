/**
 * @module
 * pino, configured so that secrets and personal data cannot leave through a log line:
 * authorization headers, API keys, secrets, e-mail addresses and IBANs are redacted by path.
 */
import { pino, type Bindings, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

/** Paths pino censors wherever they appear (one or two levels deep). */
export const REDACT_PATHS: string[] = [
  'authorization',
  'apiKey',
  'secret',
  'secretKey',
  'webhookSecret',
  'email',
  'iban',
  'userNotificationEmail',
  'customer',
  'headers.authorization',
  'headers["x-ivy-api-key"]',
  'headers["x-ivy-signature"]',
].flatMap((path) => [path, `*.${path}`, `*.*.${path}`]);

/** Returns `logger` when it already is one, otherwise a new pino logger with our redaction. */
export function createLogger(
  logger: Logger | LoggerOptions | undefined,
  level: string,
  destination?: DestinationStream,
): Logger {
  if (logger && typeof (logger as Logger).child === 'function') return logger as Logger;
  const options = (logger ?? {}) as LoggerOptions;
  const settings: LoggerOptions = {
    level,
    ...options,
    base: { service: 'pay-checkout-server', ...(options.base ?? {}) },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
  return destination ? pino(settings, destination) : pino(settings);
}

/**
 * A child of `logger` with `bindings()`, made when it is first used: handing every request a
 * logger costs nothing then, though few of them log anything of their own.
 */
export function lazyChild(logger: Logger, bindings: () => Bindings): Logger {
  let child: Logger | undefined;
  const real = (): Logger => (child ??= logger.child(bindings()));
  return new Proxy({} as Logger, {
    get(_target, property) {
      const target = real();
      const value: unknown = Reflect.get(target, property, target);
      // pino's methods read their state from `this`: they run on the real child.
      return typeof value === 'function' ? value.bind(target) : value;
    },
    set(_target, property, value) {
      return Reflect.set(real(), property, value);
    },
    has(_target, property) {
      return Reflect.has(real(), property);
    },
  });
}
