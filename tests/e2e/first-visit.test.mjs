// A first visit shows the banner from consent.js alone (the effects computed
// at build time, chosen by the inline consent-first.wasm), and carries out
// accept all or reject all from it too; consent.wasm takes over when it
// arrives. Anything else waits for it, and if it never comes before a
// decision, the banner is withdrawn and nothing loads.

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

test('the banner shows and decides before consent.wasm arrives, which then takes over', async () => {
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
  await page.evaluate(() => window.addEventListener('diffo-consent:change', (e) => (window.__changes = (window.__changes || []).concat([e.detail]))));
  await control(page, '[data-action="accept-all"]').click();
  // consent.js carried the click out alone: stored, the banner gone, the trackers on their way.
  const record = await stored(page);
  assert.deepEqual(record.categories, { necessary: true, analytics: true, marketing: true, social: true });
  assert.equal(await dialog.count(), 0);
  assert.deepEqual(await page.evaluate(() => window.diffoConsent.get()), record);
  assert.deepEqual(await page.evaluate(() => window.__changes), [record]);
  // Only the page's own scripts wait for the banner module (it judges them).
  assert.equal(await page.evaluate(() => document.querySelectorAll('script[type="text/plain"][data-consent]').length), 1);

  release();
  await started(page);
  await idle(page);
  assert.deepEqual(requested(visitor), everything('diffo.se'));
  assert.equal(await page.evaluate(() => document.querySelectorAll('script[type="text/plain"][data-consent]').length), 0);
  // The banner module replayed the page view, found the same effects and
  // only took over: it said "asking" once, changed nothing, loaded nothing twice.
  assert.deepEqual(await stored(page), record);
  assert.deepEqual(await page.evaluate(() => window.diffoConsent.get()), record);
  assert.deepEqual(await page.evaluate(() => window.__changes), [record]);
  assert.equal(visitor.console.filter((m) => m === 'info: diffo-consent: no stored decision; asking').length, 1, visitor.console.join(' | '));
  assert.deepEqual(visitor.console.filter((m) => m.startsWith('error: diffo-consent')), [], visitor.console.join(' | '));
  assert.equal(await control(page, '[data-action="reopen"]').count(), 1);
  assert.deepEqual(visitor.pageErrors, []);
  await visitor.close();
});

test('a click other than accept all or reject all on an early banner waits for consent.wasm', async () => {
  const visitor = await newVisitor(browser);
  const release = await holdBannerModule(visitor);
  const page = await visitor.open(origin('diffo.fi') + '/');
  await control(page, '[role=dialog]').waitFor();
  await control(page, '[data-lang="en"]').click();
  // Accept all after it waits too, so that the two happen in order.
  await control(page, '[data-action="accept-all"]').click();
  await page.waitForTimeout(300);
  assert.equal(await stored(page), null, 'nothing is decided before the banner module is here');
  assert.deepEqual(requested(visitor), []);
  release();
  await started(page);
  await page.waitForFunction(() => localStorage.getItem('diffo-consent'));
  assert.equal((await stored(page)).lang, 'en');
  await idle(page);
  // In English, Facebook's plugins come in English too.
  assert.deepEqual(requested(visitor), everything('diffo.fi').map((v) => v.replace('fbsdk:fi_FI', 'fbsdk:en_US')).sort());
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
