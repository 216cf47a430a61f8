/**
 * @module
 * `PAY_CHECKOUT_CONSOLE_KEY`: the key an operator signs in to the console with (`/console`).
 * Unset, the console does not exist: every `/console` path answers 404. The key is compared as
 * a SHA-256 digest in constant time and never printed; 24 characters at least, so that guessing
 * it is out of reach even without the failed sign-in limit.
 */
import { z } from 'zod';
import { envSection } from './env-schema.js';

/** What the console section reads. */
export interface ConsoleConfig {
  /** The operator's sign-in key; the console is off without it. */
  key?: string;
}

/** Shortest console key accepted. */
export const MIN_CONSOLE_KEY_LENGTH = 24;

/** The console's variables. */
export const consoleEnv = envSection<ConsoleConfig>({
  title: 'Operator console',
  variables: [
    {
      name: 'PAY_CHECKOUT_CONSOLE_KEY',
      meaning: `sign-in key of the operator console at \`/console\` (${MIN_CONSOLE_KEY_LENGTH}+ characters)`,
      default: 'off',
    },
  ],
  schema: z
    .object({
      PAY_CHECKOUT_CONSOLE_KEY: z
        .string()
        .min(MIN_CONSOLE_KEY_LENGTH, `must be at least ${MIN_CONSOLE_KEY_LENGTH} characters`)
        .refine((raw) => !/\s/.test(raw), 'must not contain spaces')
        .optional(),
    })
    .transform((env): ConsoleConfig =>
      env.PAY_CHECKOUT_CONSOLE_KEY ? { key: env.PAY_CHECKOUT_CONSOLE_KEY } : {},
    ),
});
