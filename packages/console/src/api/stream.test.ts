/**
 * @module
 * The order stream against the mock's event stream: each `order` event's data is parsed with
 * the contract's schema; data off it reaches the error listeners as a `bad_response` naming the
 * field, and a field the schema does not name is dropped.
 */
import { expect, waitUntil } from '@open-wc/testing';
import type { ConsoleOrderEvent } from '@pay-checkout/protocol/console';
import { emitRaw, openStreams, resetBackend, signInDirectly } from '../../test/helpers.js';
import { ConsoleError } from './console-error.js';
import { OrderStream, parseOrderEvent } from './stream.js';

async function listRow(id: string): Promise<Record<string, unknown>> {
  const page = (await (await fetch('/console/api/orders?cursor=0')).json()) as {
    items: Record<string, unknown>[];
  };
  return page.items.find((item) => item.id === id)!;
}

describe('OrderStream', () => {
  let stream: OrderStream;
  const orders: ConsoleOrderEvent[] = [];
  const errors: ConsoleError[] = [];

  beforeEach(async () => {
    await resetBackend();
    await signInDirectly();
    orders.length = 0;
    errors.length = 0;
    stream = new OrderStream('/console/api/stream');
    stream.subscribe(
      (order) => orders.push(order),
      (error) => errors.push(error),
    );
    await waitUntil(async () => (await openStreams()) === 1, 'stream not open');
  });
  afterEach(() => stream.close());

  it('passes an event with a bad amount to the error listeners, naming the field', async () => {
    const row = await listRow('ord_paid1');
    await emitRaw({ ...row, amount: { value: '24.00', currency: 'EUR' } });
    await emitRaw({ ...row, amount: { value: 2400, currency: 'EURO' } });
    await emitRaw('{not json');
    await emitRaw(row);
    await waitUntil(() => orders.length === 1, 'the good event never arrived');
    expect(errors.map((error) => [error.code, error.message])).to.deep.equal([
      [
        'bad_response',
        'The console API answered a live order change with a wrong "amount.value": ' +
          'Invalid input: expected number, received string.',
      ],
      [
        'bad_response',
        'The console API answered a live order change with a wrong "amount.currency": ' +
          'must be an ISO 4217 code in upper case, e.g. "EUR".',
      ],
      ['bad_response', 'The console API sent a live order change that is not JSON.'],
    ]);
    expect(orders[0]!.id).to.equal('ord_paid1');
  });

  it('drops a field the contract does not name', async () => {
    const row = await listRow('ord_new6');
    await emitRaw({ ...row, secret: 'card 4242', amount: row.amount });
    await waitUntil(() => orders.length === 1);
    expect(orders[0]).to.deep.equal(row);
    expect(errors).to.deep.equal([]);
  });

  it('parses one event’s data on its own', () => {
    expect(() => parseOrderEvent('{}')).to.throw(ConsoleError, /without "id"/);
  });
});
