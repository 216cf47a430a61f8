/**
 * @module
 * The Ivy signature against the test vector of the fact sheet.
 */
import { describe, expect, it } from 'vitest';
import { signIvyWebhook } from './signature.js';

describe('signIvyWebhook', () => {
  it('matches the test vector', () => {
    const body =
      '{"id":"evt-1","type":"order_updated","payload":{"id":"ord-1","referenceId":"shop-42","status":"paid"},"date":"2025-01-01T00:00:00.000Z"}';
    expect(signIvyWebhook('ivy_test_secret', body)).toBe(
      '9d1cd558b0623ebf196f92eb00b2ee8d9fd5f7d890d4efa0f9547a1517d2a982',
    );
  });
});
