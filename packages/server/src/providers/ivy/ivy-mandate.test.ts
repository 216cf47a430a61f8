/**
 * @module
 * Ivy's mandate webhooks through the adapter's parser (payloads as Ivy on File documents them):
 * statuses, masked IBAN, creditor, bank reference, failure and revocation times, and a stored
 * body that holds no account number or signature token.
 */
import { describe, expect, it } from 'vitest';
import { createIvyProvider } from './ivy-provider.js';
import { maskIban } from './ivy-mandate.js';

const ivy = createIvyProvider({
  apiUrl: 'http://127.0.0.1:9/ivy',
  apiKey: 'k',
  webhookSecret: 's',
});

const envelope = (type: string, payload: Record<string, unknown>) =>
  JSON.stringify({ id: `evt-${type}`, type, payload, date: '2026-01-01T00:00:00.000Z' });

describe('Ivy mandate webhooks', () => {
  it('maps the four events onto the mandate statuses', () => {
    const cases = [
      ['mandate_setup_started', 'pending'],
      ['mandate_setup_succeeded', 'active'],
      ['mandate_setup_failed', 'failed'],
      ['mandate_revoked', 'revoked'],
      ['mandate_setup.succeeded', 'active'],
    ] as const;
    for (const [type, status] of cases) {
      // mandate_setup_started names no mandate id yet (Ivy on File).
      const id = type === 'mandate_setup_started' ? {} : { id: 'm1' };
      const parsed = ivy.parseWebhook(envelope(type, { ...id, referenceId: 'mandate-1' }));
      expect(parsed).toMatchObject({
        dedupeKey: `evt-${type}`,
        status: null,
        reference: null,
        mandate: {
          reference: 'mandate-1',
          status,
          ...(type === 'mandate_setup_started' ? {} : { providerMandateId: 'm1' }),
        },
      });
    }
  });

  it('keeps display data only: masked IBAN, creditor, bank reference, signing time', () => {
    const parsed = ivy.parseWebhook(
      envelope('mandate_setup_succeeded', {
        id: 'm1',
        referenceId: 'mandate-1',
        reference: 'IVY-ABC',
        signature: { ip: '203.0.113.9', token: 'secret-token', signedAt: 1767225600 },
        creditor: {
          id: 'DE98ZZZ09999999999',
          name: 'Demo Shop',
          address: { street: 'Musterstraße 1', city: 'Berlin', postalCode: '10115', country: 'DE' },
        },
        debtor: {
          account: {
            iban: 'DE89 3704 0044 0532 0130 00',
            accountHolderName: 'Erika Mustermann',
            bic: 'COBADEFFXXX',
          },
        },
      }),
    );
    expect(parsed.mandate?.details).toEqual({
      debtor: { accountHolderName: 'Erika Mustermann', iban: 'DE89 **** 3000', bic: 'COBADEFFXXX' },
      creditor: {
        id: 'DE98ZZZ09999999999',
        name: 'Demo Shop',
        address: { street: 'Musterstraße 1', city: 'Berlin', postalCode: '10115', country: 'DE' },
      },
      bankReference: 'IVY-ABC',
      signedAt: '2026-01-01T00:00:00.000Z',
    });
    const stored = parsed.mandate?.redactedBody ?? '';
    expect(stored).not.toMatch(/0532|secret-token|203\.0\.113\.9/);
    expect(JSON.parse(stored)).toMatchObject({
      payload: { debtor: { account: { iban: 'DE89 **** 3000' } } },
    });
  });

  it('reads mandate_setup_started as documented: its reference is the checkout, not the bank', () => {
    const parsed = ivy.parseWebhook(
      envelope('mandate_setup_started', {
        referenceId: 'mandate-1',
        reference: '1-order-1001',
        signature: {
          ip: '203.0.113.9',
          token: 'uniqueToken_ab12cd34',
          signedAt: '2026-01-01T10:00:00.000Z',
        },
        userNotificationEmail: 'erika@example.com',
        creditor: {
          id: 'DE98ZZZ09999999999',
          name: 'Demo Shop',
          address: { street: 'Musterstraße 1', city: 'Berlin', postalCode: '10115', country: 'de' },
        },
      }),
    );
    expect(parsed.mandate).toEqual({
      reference: 'mandate-1',
      status: 'pending',
      details: {
        creditor: {
          id: 'DE98ZZZ09999999999',
          name: 'Demo Shop',
          address: { street: 'Musterstraße 1', city: 'Berlin', postalCode: '10115', country: 'DE' },
        },
        signedAt: '2026-01-01T10:00:00.000Z',
      },
      redactedBody: expect.any(String),
    });
    const stored = parsed.mandate?.redactedBody ?? '';
    expect(stored).not.toMatch(/uniqueToken|203\.0\.113\.9/);
  });

  it('rejects mandate payloads that do not have the documented shape', () => {
    const started = (creditor: unknown) =>
      envelope('mandate_setup_started', { referenceId: 'mandate-1', creditor });
    expect(() => ivy.parseWebhook(started({ address: { country: 'Germany' } }))).toThrow();
    expect(() => ivy.parseWebhook(started({ address: { postalCode: 10115 } }))).toThrow();
    expect(() => ivy.parseWebhook(started({ name: 42 }))).toThrow();
    expect(() =>
      ivy.parseWebhook(
        envelope('mandate_setup_started', { referenceId: 'mandate-1', signature: 'signed' }),
      ),
    ).toThrow();
    // Without the mandate id there is nothing to charge later.
    expect(() =>
      ivy.parseWebhook(envelope('mandate_setup_succeeded', { referenceId: 'mandate-1' })),
    ).toThrow();
  });

  it('stores only the documented address fields of the creditor', () => {
    const parsed = ivy.parseWebhook(
      envelope('mandate_setup_succeeded', {
        id: 'm1',
        referenceId: 'mandate-1',
        creditor: { name: 'Demo Shop', address: { city: 'Berlin', line1: 'x', zipCode: 'y' } },
      }),
    );
    expect(parsed.mandate?.details?.creditor).toEqual({
      name: 'Demo Shop',
      address: { city: 'Berlin' },
    });
  });

  it('reads the failure and the revocation time', () => {
    const failed = ivy.parseWebhook(
      envelope('mandate_setup_failed', {
        referenceId: 'mandate-1-fail-setup',
        error: { code: 'MANDATE_SETUP_FAILED', message: 'declined' },
      }),
    );
    expect(failed.mandate).toMatchObject({
      status: 'failed',
      details: { failure: { code: 'MANDATE_SETUP_FAILED', message: 'declined' } },
    });
    const revoked = ivy.parseWebhook(
      envelope('mandate_revoked', {
        id: 'm1',
        referenceId: 'r',
        revokedAt: '2026-02-01T10:00:00Z',
      }),
    );
    expect(revoked.mandate).toMatchObject({
      status: 'revoked',
      at: '2026-02-01T10:00:00.000Z',
      details: { revocationReason: 'provider' },
    });
  });

  it('records a mandate event without a reference, and rejects a malformed one', () => {
    expect(ivy.parseWebhook(envelope('mandate_revoked', {})).mandate).toBeUndefined();
    expect(() => ivy.parseWebhook(envelope('mandate_revoked', { referenceId: 42 }))).toThrow();
  });

  it('masks IBANs to country, check digits and the last four', () => {
    expect(maskIban('GB29 NWBK 6016 1331 9268 19')).toBe('GB29 **** 6819');
    expect(maskIban('DE89')).toBe('****');
  });
});
