/**
 * @module
 * IXOPAY credentials shared by the IXOPAY tests (server and emulator use the same ones).
 */

export const IXOPAY_API_KEY = 'ixopay-test-api-key';
export const IXOPAY_USERNAME = 'ixopay-test-user';
export const IXOPAY_PASSWORD = 'ixopay-test-password';
export const IXOPAY_SHARED_SECRET = 'ixopay_test_shared_secret';

/** The emulator's credentials block. */
export const IXOPAY_EMULATOR_CREDENTIALS = Object.freeze({
  apiKey: IXOPAY_API_KEY,
  username: IXOPAY_USERNAME,
  password: IXOPAY_PASSWORD,
  sharedSecret: IXOPAY_SHARED_SECRET,
});

/** The server's environment for IXOPAY against an emulator at `emulatorUrl`. */
export function ixopayServerEnv(emulatorUrl: string): Record<string, string> {
  return {
    IXOPAY_API_URL: `${emulatorUrl}/ixopay`,
    IXOPAY_API_KEY,
    IXOPAY_USERNAME,
    IXOPAY_PASSWORD,
    IXOPAY_SHARED_SECRET,
  };
}
