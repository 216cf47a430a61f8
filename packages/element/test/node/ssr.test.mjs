/**
 * @module
 * Server-side rendering safety of the published ES modules: importing them in Node touches no
 * browser global (`window`, `document`, `navigator`, `location`, storage) at module top level,
 * and defining the element where there is no custom element registry is a no-op. Runs against
 * the build (`dist/`), which is what a server imports.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

const BROWSER_GLOBALS = [
  'window',
  'document',
  'navigator',
  'location',
  'sessionStorage',
  'localStorage',
  'customElements',
  'HTMLElement',
  'EventSource',
];

/** Records every read of a browser global whose stack goes through our own build. */
function trapBrowserGlobals() {
  const reads = [];
  for (const name of BROWSER_GLOBALS) {
    const had = Object.getOwnPropertyDescriptor(globalThis, name);
    if (had && !had.configurable) continue;
    let value = had?.get ? had.get.call(globalThis) : had?.value;
    Object.defineProperty(globalThis, name, {
      configurable: true,
      get() {
        const stack = new Error().stack ?? '';
        if (stack.includes('/packages/element/dist/')) reads.push({ name, stack });
        return value;
      },
      // lit's Node build installs its own minimal registry; let it.
      set(next) {
        value = next;
      },
    });
  }
  return reads;
}

test('the ES entries import in Node without touching browser globals', async () => {
  const reads = trapBrowserGlobals();
  const index = await import('../../dist/index.js');
  const define = await import('../../dist/define.js');
  const react = await import('../../dist/react.js');
  await import('../../dist/translations/de.js');
  assert.equal(typeof index.PayCheckout, 'function');
  assert.equal(define.TAG_NAME, 'pay-checkout');
  assert.equal(typeof react.PayCheckout, 'object');
  assert.deepEqual(
    reads.map((read) => read.name),
    // The define entry asks for the registry (lit's Node shim here); nothing else is read.
    ['customElements'],
  );
});

test('translations import on their own and are complete', async () => {
  const { en } = await import('../../dist/translations/en.js');
  for (const code of ['es', 'pt-BR', 'de', 'ar']) {
    const module = await import(`../../dist/translations/${code}.js`);
    const table = Object.values(module)[0];
    // `labels` (the server's texts by key) is optional: English shows the server's own.
    const keys = Object.keys(table).filter((key) => key !== 'labels');
    assert.deepEqual(keys.sort(), Object.keys(en).sort(), `${code} has every text`);
    assert.equal(typeof table.labels?.['ivy:bank'], 'string', `${code} names the methods`);
    assert.equal(table.$dir, code === 'ar' ? 'rtl' : 'ltr');
  }
});
