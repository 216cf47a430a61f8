/**
 * The operator console against the whole stack: an operator signs in, finds a demo payment by
 * the shop's reference, reads its story (webhook, transition, notification), watches a webhook
 * arrive live, re-checks an order whose webhook the provider never sent, re-queues a dead
 * notification — with axe on every page, the server's strict CSP intact, and the keyboard alone.
 *
 * The stack's merchant receiver takes every notification; the re-queue journey has it refuse
 * those of its own checkout session (one attempt allowed), so only that payment's notification
 * ends dead — and is delivered once the shop takes notifications again and it is re-queued.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { EmulatorControl, HostedPage } from '../models/emulator.js';
import { CONSOLE_KEY, MerchantReceiver, OperatorConsole } from '../models/console.js';
import { Shop } from '../models/shop.js';
import { urls } from '../fixtures/urls.js';

const REFERENCE = /^demo-[a-z0-9]+-[0-9a-f]{6}$/;

test.afterEach(async ({ request }) => {
  await new EmulatorControl(request).resetFaults();
});

/** The checkout session id of the checkout page now open. */
function sessionOf(page: Page): string {
  const session = new URL(page.url()).searchParams.get('session');
  if (!session) throw new Error(`no session in ${page.url()}`);
  return session;
}

/**
 * Pays by bank with Ivy through the demo shop; answers the shop's reference and the session.
 * With `refuseNotifications`, the shop's backend refuses the notifications of this payment.
 */
async function payWithIvy(
  page: Page,
  { refuseNotifications = false } = {},
): Promise<{ reference: string; session: string }> {
  const checkout = await new Shop(page).buy(2);
  const session = sessionOf(page);
  if (refuseNotifications) await new MerchantReceiver(page.request).refuse(session);
  await checkout.choose(/pay by bank/i);
  await checkout.pay();
  await new HostedPage(page).pay();
  await expect(page).toHaveURL(/\/order\/complete\?pay_checkout_session=cs_/);
  await checkout.expectPaid();
  const reference = await checkout.element.getByText(REFERENCE).textContent();
  return { reference: reference!.trim(), session };
}

/** Presses Tab until `target` has focus. */
async function tabTo(page: Page, target: Locator, limit = 40): Promise<void> {
  for (let i = 0; i < limit; i++) {
    if (await target.evaluate((el) => el.matches(':focus')).catch(() => false)) return;
    await page.keyboard.press('Tab');
  }
  await expect(target).toBeFocused();
}

test('without signing in nothing but the sign-in form is shown, and a wrong key is refused', async ({
  page,
}) => {
  const operator = new OperatorConsole(page);
  const api = await page.request.get(`${urls.server}/console/api/orders`);
  expect(api.status()).toBe(401);
  await operator.open('/console/orders/ord_unknown');
  await expect(operator.heading()).toHaveText('Sign in');
  await operator.expectAccessible();
  await operator.keyField().fill('not the console key at all');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('not the console key');
  await operator.expectAccessible();
  // Nothing of the key in the page's storage or script-visible cookies.
  const stored = await page.evaluate(() => [
    localStorage.length,
    sessionStorage.length,
    document.cookie,
  ]);
  expect(stored).toEqual([0, 0, '']);
  expect(operator.cspViolations).toEqual([]);
});

test('an operator finds a demo payment by its reference and reads its story', async ({
  page,
  context,
}) => {
  const { reference, session } = await payWithIvy(page);
  // The shop's backend took the payment's notification at the first attempt.
  const delivered = await new MerchantReceiver(page.request).expectAnswered(session, 204);
  expect(delivered).toMatchObject({ type: 'order.updated', reference });

  const operator = new OperatorConsole(await context.newPage());
  await operator.open();
  await operator.signIn();
  await expect(operator.heading()).toHaveText('Orders');
  await operator.expectAccessible();
  // The session cookie is the server's (HttpOnly); the page keeps nothing of the key.
  const cookies = await context.cookies(`${urls.server}/console/`);
  expect(cookies.find((c) => c.name === 'pay_checkout_console')).toMatchObject({
    httpOnly: true,
    sameSite: 'Strict',
    path: '/console',
  });
  expect(await operator.page.evaluate(() => localStorage.length + sessionStorage.length)).toBe(0);
  expect(cookies.some((c) => c.value.includes(CONSOLE_KEY))).toBe(false);

  await operator.openOrder(reference);
  await expect(operator.heading()).toHaveText(`Order ${reference}`);
  await expect(operator.orderStatus()).toHaveText('paid');
  const webhook = operator.storyEntries('webhook').filter({ hasText: 'verified' }).first();
  await expect(webhook).toBeVisible();
  await webhook.getByText('Body (personal data masked)').click();
  await expect(webhook.locator('pre')).toBeVisible();
  await expect(
    operator
      .storyEntries('transition')
      .filter({ hasText: /→\s*paid/ })
      .first(),
  ).toBeVisible();
  await expect(
    operator.storyEntries('notification').filter({ hasText: delivered.webhookId }),
  ).toContainText('delivered');
  await expect(operator.storyEntries('provider_call').first()).toContainText(/\d+ ms|\d\.\d s/);
  await operator.expectAccessible();

  await operator.page.getByRole('button', { name: 'Copy support summary' }).click();
  await expect(operator.page.locator('console-order [data-message]')).toBeVisible();
  await expect(operator.storyEntries('operator_action').first()).toContainText('copy summary');

  await operator.nav('Providers').click();
  await expect(operator.heading()).toHaveText('Providers');
  await expect(operator.page.locator('console-providers tr[data-provider="ivy"]')).toContainText(
    'DE',
  );
  await operator.expectAccessible();
  expect(operator.cspViolations).toEqual([]);
});

test('a webhook that arrives while the story is open appears in it live', async ({
  page,
  context,
}) => {
  const checkout = await new Shop(page).buy();
  const session = sessionOf(page);
  await checkout.choose(/pay by bank/i);
  await checkout.pay();
  const hosted = new HostedPage(page);
  await hosted.expectOpen('ivy');

  const operator = new OperatorConsole(await context.newPage());
  await operator.open();
  await operator.signIn();
  await operator.openOrder(session);
  await expect(operator.storyEntries('webhook')).toHaveCount(0);
  await operator.page.evaluate(() => ((window as unknown as { __same: boolean }).__same = true));

  await hosted.pay();
  await expect(operator.storyEntries('webhook').first()).toBeVisible({ timeout: 20_000 });
  await expect(operator.storyEntries('webhook').first()).toContainText('(new)');
  await expect(operator.orderStatus()).toHaveText('paid');
  await expect(operator.page.getByRole('status').filter({ hasText: /new entr/ })).toHaveCount(1);
  expect(
    await operator.page.evaluate(() => (window as unknown as { __same?: boolean }).__same),
  ).toBe(true);
  await operator.expectAccessible();
});

test('an order whose webhook was dropped becomes paid when the operator asks the provider', async ({
  page,
  context,
  request,
}) => {
  await new EmulatorControl(request).setFaults({ provider: 'ivy', drop: true });
  const checkout = await new Shop(page).buy();
  const session = sessionOf(page);
  await checkout.choose(/pay by bank/i);
  await checkout.pay();
  // The customer never comes back either (the server's return route would ask Ivy): nobody but
  // the operator asks.
  await page.route(`${urls.server}/return/**`, (route) => route.abort());
  await new HostedPage(page).pay();

  const operator = new OperatorConsole(await context.newPage());
  await operator.open();
  await operator.signIn();
  await operator.openOrder(session);
  await expect(operator.orderStatus()).not.toHaveText('paid');

  const ask = operator.page.getByRole('button', { name: 'Ask the provider now' });
  // Ivy settles a moment after the customer pays; until then it answers "pending".
  await expect(async () => {
    await ask.click();
    await expect(operator.orderStatus()).toHaveText('paid', { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await expect(operator.page.locator('console-order [data-message]')).toContainText(
    'the order is paid',
  );
  await expect(
    operator
      .storyEntries('transition')
      .filter({ hasText: /→\s*paid/ })
      .filter({ hasText: 'operator' }),
  ).toHaveCount(1);
  await expect(
    operator.storyEntries('operator_action').filter({ hasText: 'recheck' }).first(),
  ).toBeVisible();
  await operator.expectAccessible();
});

test('a dead notification is re-queued, and delivered once the shop takes it', async ({
  page,
  context,
}) => {
  const merchant = new MerchantReceiver(page.request);
  const { reference, session } = await payWithIvy(page, { refuseNotifications: true });
  // The first notification of the order is refused, and with one attempt allowed it is dead;
  // the order's later notifications wait behind it.
  const refused = await merchant.expectAnswered(session, 503);
  const id = refused.webhookId;
  const attemptsOf = async () =>
    (await merchant.received(session)).filter((n) => n.webhookId === id).length;

  const operator = new OperatorConsole(await context.newPage());
  await operator.open('/console/notifications');
  await operator.signIn();
  await expect(operator.heading()).toHaveText('Notifications');
  await operator.expectParked(id);
  await operator.page.getByLabel('Status').selectOption('dead');
  await operator.page.getByRole('button', { name: 'Show' }).click();
  const dead = operator.page.locator(`console-notifications tr[data-notification="${id}"]`);
  await expect(dead).toContainText('dead');
  await expect(dead).toContainText(refused.orderId!);
  await expect(dead).toContainText('HTTP 503');
  await operator.expectAccessible();

  // Re-queued while the shop still refuses: it is sent again, refused again, dead again.
  await dead.getByRole('button', { name: /Re-queue/ }).click();
  await expect(operator.page.locator('console-notifications [data-message]')).toHaveText(
    `Notification ${id} is queued again.`,
  );
  await expect.poll(attemptsOf, { timeout: 20_000 }).toBe(2);
  await operator.expectParked(id);
  await operator.expectAccessible();

  // From the order's story too, once the shop takes notifications again: now it arrives, and
  // the notifications that waited behind it follow. The action shows in the story, with who.
  await merchant.refuse(session, false);
  await operator.nav('Orders').click();
  await operator.openOrder(reference);
  const notification = operator.storyEntries('notification').filter({ hasText: id });
  await expect(notification).toContainText('dead');
  await notification.getByRole('button', { name: /Re-queue notification/ }).click();
  await expect(operator.page.locator('console-order [data-message]')).toContainText(
    'is queued again',
  );
  await expect.poll(attemptsOf, { timeout: 20_000 }).toBe(3);
  const lastAnswer = async () => {
    const last = (await merchant.received(session)).at(-1);
    return last && [last.status, last.answer];
  };
  await expect.poll(lastAnswer, { timeout: 20_000 }).toEqual(['paid', 204]);
  const action = operator
    .storyEntries('operator_action')
    .filter({ hasText: 'requeue notification' });
  // Both re-queues, the one from the notifications page and this one, by the operator.
  await expect(action).toHaveCount(2);
  await expect(action.filter({ hasText: 'operator' })).toHaveCount(2);
  // Read again, the story tells the notification delivered at its third attempt.
  await operator.page.reload();
  await expect(notification).toContainText('delivered');
  await expect(notification.locator('tbody tr')).toHaveCount(3);
  expect(operator.cspViolations).toEqual([]);
});

test('the console works with the keyboard alone', async ({ page, context }) => {
  const { reference } = await payWithIvy(page);
  const operatorPage = await context.newPage();
  const operator = new OperatorConsole(operatorPage);
  await operator.open();

  await tabTo(operatorPage, operator.keyField());
  await operatorPage.keyboard.type(CONSOLE_KEY);
  await operatorPage.keyboard.press('Enter');
  await expect(operator.heading()).toHaveText('Orders');
  await expect(operator.heading()).toBeFocused();

  await tabTo(operatorPage, operator.searchField());
  await operatorPage.keyboard.type(reference);
  await operatorPage.keyboard.press('Enter');
  await expect(operator.orderRows()).toHaveCount(1);
  const link = operator.orderRows().first().getByRole('link');
  await tabTo(operatorPage, link);
  await operatorPage.keyboard.press('Enter');
  await expect(operator.heading()).toHaveText(`Order ${reference}`);
  await expect(operator.heading()).toBeFocused();

  const ask = operatorPage.getByRole('button', { name: 'Ask the provider now' });
  await tabTo(operatorPage, ask);
  await operatorPage.keyboard.press('Enter');
  await expect(operatorPage.locator('console-order [data-message]')).toContainText('paid');

  // The body of a webhook opens from the keyboard too.
  const body = operator.storyEntries('webhook').first().locator('summary');
  await tabTo(operatorPage, body, 80);
  await operatorPage.keyboard.press('Enter');
  await expect(operator.storyEntries('webhook').first().locator('pre')).toBeVisible();

  // Back to the list through the navigation.
  await tabTo(operatorPage, operator.nav('Notifications'), 120);
  await operatorPage.keyboard.press('Enter');
  await expect(operator.heading()).toHaveText('Notifications');
  await expect(operator.heading()).toBeFocused();
});
