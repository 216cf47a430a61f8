/**
 * @module
 * The emulator reads iwocaPay's credentials from the same variables as the server.
 */
import { describe, expect, it } from 'vitest';
import { EmulatorConfigError, emulatorOptionsFromEnv } from '../../env.js';

describe('iwocaPay emulator environment', () => {
  it('is on with IWOCAPAY_SUPPLIER_UUID and IWOCAPAY_ACCESS_TOKEN', () => {
    const options = emulatorOptionsFromEnv({
      IWOCAPAY_SUPPLIER_UUID: '6f1c2a52-3d4e-4b8f-9a1c-0d2e3f4a5b6c',
      IWOCAPAY_ACCESS_TOKEN: 'iwocapay_token',
    });
    expect(options.credentials.iwocapay).toEqual({
      supplierUuid: '6f1c2a52-3d4e-4b8f-9a1c-0d2e3f4a5b6c',
      accessToken: 'iwocapay_token',
    });
  });

  it('names the missing half and never prints the token', () => {
    let error: unknown;
    try {
      emulatorOptionsFromEnv({ IWOCAPAY_ACCESS_TOKEN: 'iwocapay_secret_token' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(EmulatorConfigError);
    expect((error as EmulatorConfigError).issues.map((i) => i.variable)).toEqual([
      'IWOCAPAY_SUPPLIER_UUID',
    ]);
    expect((error as Error).message).not.toContain('iwocapay_secret_token');
  });
});
