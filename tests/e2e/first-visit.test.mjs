// A first visit shows the banner from consent.js alone (the effects computed
// at build time, chosen by the inline consent-first.wasm); consent.wasm
// takes over when it arrives. Nothing is decided or loaded before it does,
// and if it never does, the banner is withdrawn and nothing loads.

import { test, before, after } from 'node:test';
import { assert, launch, newVisitor, origin, control, stored, requested, idle, everything, settled, dialogFocused } from './harness.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(() => browser.close());

/** Holds every request for consent.wasm until `release()` is called. */
async function holdBannerModule(visitor) {
  let release;
  const released = new Promise((resolve) => (release = resolve));
  await visitor.context.route('**/consent/consent.wasm*', async (route) => {
    await released;
    await route.continue();
  });
  return release;
}

const started = (page) => page.evaluate(() => window.diffoConsent.ready.then(() => true));

test('the banner shows before consent.wasm arrives; a click meanwhile is carried out once it has', async () => {
  const visitor = await newVisitor(browser);
  const release = await holdBannerModule(visitor);
  const page = await visitor.open(origin('diffo.se') + '/');
  const dialog = control(page, '[role=dialog]');
  await dialog.waitFor();
  assert.equal(await dialog.getAttribute('lang'), 'sv');
  assert.equal(await control(page, 'h2').textContent(), 'Vi använder kakor');
  // Focus is in the dialog, as when the banner module renders it.
  await dialogFocused(page);
  // The Consent Mode default is already set; nothing else ran.
  assert.deepEqual(await page.evaluate(() => window.dataLayer.map((a) => [...a].slice(0, 2))), [['consent', 'default']]);
  await control(page, '[data-action="accept-all"]').click();
  await page.waitForTimeout(300);
  assert.equal(await stored(page), null, 'nothing is decided before the banner module is here');
  assert.deepEqual(requested(visitor), []);
  assert.equal(await dialog.count(), 1);

  release();
  await started(page);
  await page.waitForFunction(() => localStorage.getItem('diffo-consent'));
  const record = await stored(page);
  assert.deepEqual(record.categories, { necessary: true, analytics: true, marketing: true, social: true });
  assert.equal(await dialog.count(), 0);
  await idle(page);
  assert.deepEqual(requested(visitor), everything('diffo.se'));
  // The banner module found the same first visit: it said so once, not twice.
  assert.equal(visitor.console.filter((m) => m === 'info: diffo-consent: no stored decision; asking').length, 1, visitor.console.join(' | '));
  assert.deepEqual(visitor.pageErrors, []);
  await visitor.close();
});

test('every first visit shown early is the one the banner module renders', async () => {
  for (const [site, lang, gpc] of [
    ['diffo.fi', 'fi', false],
    ['diffosolutions.com', 'en', true],
    ['diffo.se', 'sv', false],
  ]) {
    const visitor = await newVisitor(browser);
    if (gpc) await visitor.context.addInitScript(() => Object.defineProperty(navigator, 'globalPrivacyControl', { get: () => true }));
    const release = await holdBannerModule(visitor);
    const page = await visitor.open(origin(site) + '/');
    const markup = () => page.evaluate(() => document.querySelector('#diffo-consent').shadowRoot.innerHTML);
    await control(page, '[role=dialog]').waitFor();
    const early = await markup();
    assert.ok(early.includes(`lang="${lang}"`), early);
    assert.equal(early.includes('class="dc-notice"'), gpc, early);
    release();
    await started(page);
    // Had the module found other effects it would have rendered its own
    // markup and said "asking" a second time.
    assert.equal(await markup(), early);
    assert.equal(visitor.console.filter((m) => m.endsWith('no stored decision; asking')).length, 1, visitor.console.join(' | '));
    await visitor.close();
  }
});

test('a first visit whose consent.wasm never comes: the banner is withdrawn and nothing loads', async () => {
  const visitor = await newVisitor(browser);
  await visitor.context.route('**/consent/consent.wasm*', (route) => route.fulfill({ status: 404, body: 'not found' }));
  const page = await visitor.open(origin('diffo.fi') + '/');
  await settled(page);
  assert.equal(await page.evaluate(() => window.diffoConsent.ready.then(() => 'resolved', () => 'rejected')), 'rejected');
  assert.equal(await control(page, '[role=dialog]').count(), 0);
  assert.ok(
    visitor.console.some((m) => m.startsWith('error: diffo-consent: could not start (') && m.endsWith('); no trackers will load')),
    visitor.console.join(' | '),
  );
  await page.waitForTimeout(300);
  assert.deepEqual(requested(visitor), []);
  assert.equal(await stored(page), null);
  assert.ok(await page.locator('h1').isVisible(), 'the page itself works');
  assert.deepEqual(visitor.pageErrors, []);
  await visitor.close();
});
