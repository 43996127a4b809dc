// Keyboard only: every control can be reached and pressed, the modal layer
// keeps focus inside, Escape closes it, and focus returns where it was.

import { test, before, after } from 'node:test';
import { assert, launch, newVisitor, origin, settled, stored, requested, idle, everything, settingsShown, dialogFocused } from './harness.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(() => browser.close());

/** A short description of what has focus, inside the dialog or in the page. */
const focused = (page) =>
  page.evaluate(() => {
    const host = document.querySelector('#diffo-consent');
    const inner = host && host.shadowRoot.activeElement;
    const el = inner || document.activeElement;
    if (!el || el === document.body) return 'body';
    const d = el.dataset;
    return (
      (d.action && `action:${d.action}`) ||
      (d.lang && `lang:${d.lang}`) ||
      (d.category && `switch:${d.category}`) ||
      (d.service && `service:${d.service}`) ||
      (el.getAttribute('role') === 'dialog' && 'dialog') ||
      (d.consentOpen !== undefined && 'page:settings-link') ||
      `${el.tagName.toLowerCase()}:${el.textContent.trim().slice(0, 30)}`
    );
  });

/** Presses Tab `n` times and lists what had focus after each. */
async function tabs(page, n, key = 'Tab') {
  const seen = [];
  for (let i = 0; i < n; i++) {
    await page.keyboard.press(key);
    seen.push(await focused(page));
  }
  return seen;
}

/** Presses `key` until `target` has focus, at most `max` times; returns how
 * many presses it took. */
async function tabTo(page, target, key = 'Tab', max = 60) {
  for (let i = 1; i <= max; i++) {
    await page.keyboard.press(key);
    if ((await focused(page)) === target) return i;
  }
  throw new Error(`${target} not reached with ${max} presses of ${key}; focus is on ${await focused(page)}`);
}

/** A new visitor on `site`'s front page opens the settings layer from the
 * first layer with the keyboard alone: Tab to "Settings", Enter. (Focus must
 * be in the dialog first: a Tab pressed before keeps focus in the page.) */
async function settingsByKeyboard(site) {
  const visitor = await newVisitor(browser);
  const page = await visitor.open(origin(site) + '/');
  await settled(page);
  await dialogFocused(page);
  await tabs(page, 7);
  assert.equal(await focused(page), 'action:settings');
  await page.keyboard.press('Enter');
  await settingsShown(page);
  return { visitor, page };
}

test('the first layer: focus starts in the dialog and Tab reaches every control in order', async () => {
  const visitor = await newVisitor(browser);
  const page = await visitor.open(origin('diffosolutions.com') + '/');
  await settled(page);
  await dialogFocused(page);
  assert.deepEqual(await tabs(page, 7), [
    'lang:fi',
    'lang:en',
    'lang:sv',
    'a:Read our privacy policy',
    'action:accept-all',
    'action:reject-all',
    'action:settings',
  ]);
  await visitor.close();
});

test('the banner does not take focus from a field the visitor is already in', async () => {
  const url = origin('diffo.fi') + '/test/search';
  const visitor = await newVisitor(browser, {
    pages: {
      [url]: `<!doctype html><html lang="fi"><head><script src="/consent/consent.js" defer></script></head>
        <body><label>Haku <input id="q"></label>
        <script>document.addEventListener('DOMContentLoaded', () => document.getElementById('q').focus())</script></body></html>`,
    },
  });
  const page = await visitor.open(url);
  await settled(page);
  await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(ok, 100)))));
  assert.ok(await page.locator('#diffo-consent').evaluate((host) => !!host.shadowRoot.querySelector('[role=dialog]')));
  assert.equal(await page.evaluate(() => document.activeElement.id), 'q');
  await visitor.close();
});

test('keyboard only: open the settings, turn on a category with Space, save with Enter', async () => {
  const { visitor, page } = await settingsByKeyboard('diffo.fi');
  assert.equal(await focused(page), 'dialog', 'focus moves into the settings layer');
  // Every control of the settings layer, in order; the disabled switch is
  // skipped; each category's switch comes before its services', and each
  // service has its switch, its privacy policy and its cookie declaration,
  // which folds out from its summary.
  const declaration = 'summary:Evästeet ja tallennetut tiedot';
  const google = 'a:Yrityksen Google Ireland Limit';
  const meta = 'a:Yrityksen Meta Platforms Irela';
  const linkedin = 'a:Yrityksen LinkedIn Ireland Unl';
  const order = [
    'action:close',
    'lang:fi',
    'lang:en',
    'lang:sv',
    'a:Lue tietosuojaseloste',
    declaration,
    'switch:analytics',
    'service:google-analytics',
    google,
    declaration,
    'switch:marketing',
    'service:meta-pixel',
    meta,
    declaration,
    'switch:social',
    'service:facebook',
    meta,
    declaration,
    'service:instagram',
    meta,
    declaration,
    'service:linkedin',
    linkedin,
    declaration,
    'service:youtube',
    google,
    declaration,
    'action:reject-all',
    'action:save',
    'action:accept-all',
  ];
  assert.deepEqual(await tabs(page, order.length), order);
  // Tab on the last control wraps to the first, Shift+Tab on the first wraps back.
  assert.deepEqual(await tabs(page, 1), ['action:close']);
  assert.deepEqual(await tabs(page, 1, 'Shift+Tab'), ['action:accept-all']);
  // Back to the marketing switch, the same way, and turn it on with Space.
  assert.equal(await tabTo(page, 'switch:marketing', 'Shift+Tab'), order.length - 1 - order.indexOf('switch:marketing'));
  await page.keyboard.press('Space');
  assert.deepEqual(requested(visitor), []);
  assert.equal(await focused(page), 'switch:marketing');
  await tabTo(page, 'action:save');
  await page.keyboard.press('Enter');
  await idle(page);
  const record = await stored(page);
  assert.deepEqual(record.categories, { necessary: true, analytics: false, marketing: true, social: false });
  assert.equal(record.services['meta-pixel'], true, 'the category switch turned its service on');
  assert.deepEqual(requested(visitor), ['fbevents']);
  assert.equal(await focused(page), 'action:reopen', 'focus lands on the control that reopens the dialog');
  await visitor.close();
});

test('keyboard only: one service of a category with Space', async () => {
  const { visitor, page } = await settingsByKeyboard('diffosolutions.com');
  await tabTo(page, 'service:linkedin');
  await page.keyboard.press('Space');
  assert.equal(
    await page.evaluate(() => document.querySelector('#diffo-consent').shadowRoot.querySelector('input[data-category="social"]').indeterminate),
    true,
    'the category shows that some of its services are on',
  );
  await tabTo(page, 'action:save');
  await page.keyboard.press('Enter');
  await idle(page);
  assert.deepEqual(requested(visitor), ['linkedin']);
  await visitor.close();
});

test('Escape closes the settings without deciding; the first layer stays until a choice', async () => {
  const { visitor, page } = await settingsByKeyboard('diffo.se');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Escape');
  assert.equal(await focused(page), 'dialog', 'back on the first layer');
  assert.equal(await page.evaluate(() => !!document.querySelector('#diffo-consent').shadowRoot.querySelector('[aria-modal=false]')), true);
  await page.keyboard.press('Escape');
  assert.equal(await focused(page), 'dialog', 'Escape does not dismiss the first layer');
  assert.equal(await stored(page), null);
  // Reject all with the keyboard.
  await tabs(page, 6);
  assert.equal(await focused(page), 'action:reject-all');
  await page.keyboard.press('Enter');
  assert.deepEqual((await stored(page)).categories, { necessary: true, analytics: false, marketing: false, social: false });
  await visitor.close();
});

test('a page link with data-consent-open reopens the settings and gets focus back on Escape', async () => {
  const visitor = await newVisitor(browser);
  const page = await visitor.open(origin('diffo.fi') + '/');
  await settled(page);
  await page.evaluate(() => window.diffoConsent.rejectAll());
  // Reach the footer link by keyboard: focus the page, then Tab until it.
  await page.locator('footer a[data-consent-open]').focus();
  assert.equal(await focused(page), 'page:settings-link');
  await page.keyboard.press('Enter');
  await settingsShown(page);
  assert.equal(await focused(page), 'dialog');
  assert.equal(await page.evaluate(() => location.hash), '', 'the link did not navigate');
  // Accept all from the reopened settings with the keyboard (after a
  // decision, the link to the receipt comes before the buttons).
  await tabTo(page, 'action:accept-all');
  await page.keyboard.press('Escape');
  assert.equal(await focused(page), 'page:settings-link', 'focus returns to the link that opened the dialog');
  await page.keyboard.press('Enter');
  await settingsShown(page);
  await tabTo(page, 'action:accept-all');
  await page.keyboard.press('Enter');
  await idle(page);
  assert.deepEqual(requested(visitor), everything('diffo.fi'));
  assert.equal(await focused(page), 'page:settings-link');
  await visitor.close();
});

test('the reopen control works from the keyboard and reaches the same choices in one step', async () => {
  const visitor = await newVisitor(browser);
  const page = await visitor.open(origin('diffosolutions.com') + '/');
  await settled(page);
  await page.evaluate(() => window.diffoConsent.acceptAll());
  await page.locator('#diffo-consent [data-action="reopen"]').focus();
  await page.keyboard.press('Enter');
  await settingsShown(page);
  assert.equal(await focused(page), 'dialog');
  assert.deepEqual(
    await page.evaluate(() =>
      [...document.querySelector('#diffo-consent').shadowRoot.querySelectorAll('button[data-action]')].map((b) => b.dataset.action),
    ),
    ['close', 'reject-all', 'save', 'accept-all'],
  );
  await page.keyboard.press('Escape');
  assert.equal(await focused(page), 'action:reopen');
  await visitor.close();
});
