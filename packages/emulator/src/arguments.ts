/**
 * @module
 * The arguments of `pay-checkout-emulator`: none starts it, `--help`/`-h` prints the usage, and
 * anything else is refused with the usage (exit 2). Everything else is set by the environment.
 */
import { DEFAULT_CHECKOUT_SERVER_URL } from './options.js';

/** What `pay-checkout-emulator --help` prints. */
export const USAGE = `Usage: pay-checkout-emulator [--help]

Emulates iwocaPay, IXOPAY, Koywe, FuratPay and Ivy offline: their APIs under /<provider>, their
hosted pages, and signed webhooks sent to the checkout server. It reads the same variables as
the server (and a .env file in the working directory): each provider's credentials are the
ones it accepts and the secrets it signs with.

  EMULATOR_PORT, EMULATOR_HOST      where to listen (8788, 127.0.0.1)
  EMULATOR_PUBLIC_URL               its own public base URL, for hosted-page links
  PAY_CHECKOUT_PUBLIC_URL           the checkout server its webhooks go to (${DEFAULT_CHECKOUT_SERVER_URL})
  IVY_WEBHOOK_URL                   another target for Ivy's webhooks
  EMULATOR_TIME_SCALE               1 = real time, 0.01 = a hundred times faster
  EMULATOR_SETTLE_DELAY_MS          how long a simulated bank step takes
  EMULATOR_IWOCAPAY_WEBHOOK_FORMAT  iwocaPay's webhooks: signed (default) or unsigned
  EMULATOR_IXOPAY_REDATE_RETRIES    true: date each IXOPAY callback retry when it is sent
                                    (default false: retries keep the first attempt's Date)

iwocaPay's token is read from IWOCAPAY_ACCESS_TOKEN or, under the name of iwocaPay's guide,
IWOCAPAY_SUPPLIER_ACCESS_TOKEN (the same token if both are set).

The control API is at /_emulator.
`;

/** What the command line asks for. */
export type Command = { kind: 'run' } | { kind: 'help' | 'refused'; text: string; exitCode: 0 | 2 };

/** Reads the command line (without the program name). */
export function readArguments(argv: readonly string[]): Command {
  if (argv.length === 0) return { kind: 'run' };
  if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h')) {
    return { kind: 'help', text: USAGE, exitCode: 0 };
  }
  return { kind: 'refused', text: `Unknown argument: ${argv.join(' ')}\n\n${USAGE}`, exitCode: 2 };
}
