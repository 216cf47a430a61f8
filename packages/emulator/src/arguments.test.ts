/**
 * @module
 * `pay-checkout-emulator --help` prints the usage and exits 0 without starting; any other
 * argument is refused with the usage and exit 2; no argument starts the emulator.
 */
import { describe, expect, it } from 'vitest';
import { readArguments } from './arguments.js';

describe('pay-checkout-emulator arguments', () => {
  it('starts with no argument', () => {
    expect(readArguments([])).toEqual({ kind: 'run' });
  });

  it('prints the usage for --help and -h, exit 0', () => {
    for (const flag of ['--help', '-h']) {
      const command = readArguments([flag]);
      expect(command).toMatchObject({ kind: 'help', exitCode: 0 });
      if (command.kind === 'run') throw new Error('unreachable');
      expect(command.text).toMatch(/^Usage: pay-checkout-emulator/);
      for (const variable of [
        'EMULATOR_PORT',
        'EMULATOR_IWOCAPAY_WEBHOOK_FORMAT',
        'EMULATOR_IXOPAY_REDATE_RETRIES',
        'IWOCAPAY_SUPPLIER_ACCESS_TOKEN',
      ]) {
        expect(command.text).toContain(variable);
      }
    }
  });

  it('refuses an unknown argument with the usage, exit 2', () => {
    const command = readArguments(['--port=1']);
    expect(command).toMatchObject({ kind: 'refused', exitCode: 2 });
    if (command.kind === 'run') throw new Error('unreachable');
    expect(command.text).toMatch(/^Unknown argument: --port=1\n\nUsage:/);
  });
});
