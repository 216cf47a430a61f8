/**
 * @module
 * pino, configured so that secrets and personal data cannot leave through a log line:
 * authorization headers, API keys, secrets, e-mail addresses and IBANs are redacted by path.
 */
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

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
