// Withdrawal that really withdraws: the vendors' cookies and storage go, on
// every domain level they were set on; the vendors hear it; the page reloads
// and nothing of the category loads again. Also Global Privacy Control and a
// changed policy.

import { test, before, after } from 'node:test';
import { readFileSync } from 'node:fs';
import {
  assert,
  launch,
  newVisitor,
  origin,
  settled,
  control,
  stored,
  requested,
  ran,
  press,
  idle,
  everything,
  settingsShown,
  vendorLog,
} from './harness.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(() => browser.close());

/** The built-in declaration of the consent record, which a config's
 * `cookies` replaces with the site's own entries. */
const OWN_RECORD = JSON.parse(readFileSync(new URL('../../sites/common.json', import.meta.url), 'utf8')).cookies;

/** Every cookie in the browser context, as "name@domain". */
const allCookies = async (visitor) =>
  (await visitor.context.cookies()).map((c) => `${c.name}@${c.domain}`).sort();

/** The cookies on the demo sites' own domains (all under .localhost). */
const siteCookies = async (visitor) => (await allCookies(visitor)).filter((c) => c.endsWith('localhost'));

test('accept, then withdraw, then reload: vendor cookies are gone on every domain level, and no vendor request follows', async () => {
  const visitor = await newVisitor(browser);
  // Arriving from an ad (fbclid) is when the pixel also sets _fbc.
  const page = await visitor.open(origin('diffo.fi') + '/?fbclid=IwAR-test');
  await settled(page);
  await press(page, '[data-action="accept-all"]');
  await idle(page);
  assert.deepEqual(requested(visitor), everything('diffo.fi'));
  const before = await allCookies(visitor);
  // The stubs set their cookies as the vendors do: Google's and Meta's on the
  // highest domain the browser accepts, one of Meta's on the host, and the
  // plugins' on the vendors' own domains.
  for (const name of ['_ga', '_ga_DIFFOFI00', '_gid', '_fbp', '_fbc', 'li_gc']) {
    assert.ok(before.some((c) => c.startsWith(`${name}@`)), `${name} was set: ${before}`);
  }
  assert.ok(before.some((c) => c.startsWith('_ga@.') && c !== '_ga@diffo.fi.localhost'), `_ga on a parent domain: ${before}`);
  const accepted = await stored(page);

  // Withdraw everything from the reopened settings.
  await press(page, '[data-action="reopen"]');
  await settingsShown(page);
  visitor.thirdParty.length = 0;
  const reloaded = page.waitForEvent('load');
  await control(page, '[data-action="reject-all"]').click();
  await reloaded;
  await settled(page);
  await page.waitForTimeout(500);

  // The vendors' own cookies (on .facebook.com and the like) are theirs: no
  // page can delete them. Every cookie on the site's domains must go.
  assert.deepEqual(await siteCookies(visitor), [], 'every vendor cookie is gone, on every domain');
  assert.deepEqual(requested(visitor), [], 'nothing is requested after the reload');
  assert.deepEqual(await ran(page), []);
  // Before the reload, the vendors heard the withdrawal.
  const log = await vendorLog(page);
  assert.ok(
    log.some(
      ([kind, args]) =>
        kind === 'dataLayer' &&
        args[0] === 'consent' &&
        args[1] === 'update' &&
        args[2].analytics_storage === 'denied' &&
        args[2].ad_storage === 'denied',
    ),
    JSON.stringify(log),
  );
  assert.ok(log.some(([kind, args]) => kind === 'fbq' && args[0] === 'consent' && args[1] === 'revoke'), JSON.stringify(log));
  assert.ok(
    log.some(([kind, args]) => kind === 'dataLayer' && args.event === 'diffo_consent_update' && args.diffo_consent.analytics === false),
  );
  // The record keeps its id; its times move on.
  const withdrawn = await stored(page);
  assert.equal(withdrawn.id, accepted.id);
  assert.equal(withdrawn.firstDecision, accepted.firstDecision);
  assert.deepEqual(withdrawn.categories, { necessary: true, analytics: false, marketing: false, social: false });
  await visitor.close();
});

test('withdrawing one category deletes only its cookies', async () => {
  const visitor = await newVisitor(browser);
  const page = await visitor.open(origin('diffosolutions.com') + '/');
  await settled(page);
  await page.evaluate(() => window.diffoConsent.acceptAll());
  await idle(page);
  const reloaded = page.waitForEvent('load');
  await page.evaluate(() => window.diffoConsent.set({ analytics: true, social: true }));
  await reloaded;
  await settled(page);
  await idle(page);
  const names = (await allCookies(visitor)).map((c) => c.split('@')[0]);
  assert.ok(!names.includes('_fbp') && !names.includes('_fbc'), `marketing cookies gone: ${names}`);
  assert.ok(names.includes('_ga') && names.includes('li_gc'), `analytics and social cookies stay: ${names}`);
  assert.deepEqual(await ran(page), ['fbsdk', 'gtag', 'instagram', 'linkedin']);
  await visitor.close();
});

test('tracker cookies already in the browser are deleted before any decision; others stay', async () => {
  const visitor = await newVisitor(browser);
  const url = origin('diffo.fi') + '/';
  await visitor.context.addCookies([
    { name: '_ga', value: 'GA1.1.old', domain: '.fi.localhost', path: '/' },
    { name: '_fbp', value: 'fb.1.old', domain: 'diffo.fi.localhost', path: '/' },
    { name: '_gid', value: 'GA1.1.old', domain: '.diffo.fi.localhost', path: '/' },
    { name: 'session', value: 'keep', domain: 'diffo.fi.localhost', path: '/' },
  ]);
  const page = await visitor.open(url);
  await settled(page);
  await page.waitForTimeout(200);
  assert.deepEqual(await allCookies(visitor), ['session@diffo.fi.localhost']);
  assert.ok(await control(page, '[role=dialog]').isVisible());
  await visitor.close();
});

test('with reloadOnWithdraw off, a withdrawal deletes and revokes without reloading', async () => {
  const base = origin('diffo.se');
  const visitor = await newVisitor(browser, {
    pages: {
      // The site's own analytics key, declared beside the consent record.
      [`${base}/test/no-reload.json`]: {
        body: JSON.stringify({
          reloadOnWithdraw: false,
          cookies: [
            ...OWN_RECORD,
            {
              category: 'analytics', name: 'diffo_ab', kind: 'localStorage', provider: 'Diffo Solutions Oy',
              party: 'first', lifetime: '30 days', purpose: { fi: 'A/B-testi.', en: 'An A/B test.', sv: 'Ett A/B-test.' },
            },
          ],
        }),
        contentType: 'application/json',
      },
      [`${base}/test/no-reload`]: `<!doctype html><html lang="sv"><head>
        <script src="/consent/consent.js" data-config="/test/no-reload.json" defer></script></head><body>
        <iframe data-consent="social" data-src="https://www.youtube-nocookie.com/embed/x" title="Video" width="400" height="200"></iframe>
        </body></html>`,
    },
  });
  const page = await visitor.open(`${base}/test/no-reload`);
  await settled(page);
  await page.evaluate(() => window.diffoConsent.acceptAll());
  await idle(page);
  await page.waitForFunction(() => document.querySelector('iframe').getAttribute('src'));
  await page.evaluate(() => localStorage.setItem('diffo_ab', 'b'));
  await page.evaluate(() => (window.stillHere = true));
  await page.evaluate(() => window.diffoConsent.withdraw());
  await page.waitForTimeout(500);
  assert.equal(await page.evaluate(() => window.stillHere), true, 'no reload');
  assert.deepEqual(await siteCookies(visitor), []);
  assert.equal(await page.evaluate(() => localStorage.getItem('diffo_ab')), null, "the site's own declared key is gone");
  // The embed went back behind its placeholder.
  await page.waitForFunction(() => document.querySelector('iframe').hidden);
  assert.equal(await page.evaluate(() => document.querySelector('iframe').getAttribute('src')), 'about:blank');
  assert.ok(await page.locator('[data-diffo-consent-placeholder]').isVisible());
  await visitor.close();
});

test('Global Privacy Control: the dialog says so and accept all leaves marketing and social media off, unless chosen', async () => {
  const visitor = await newVisitor(browser);
  await visitor.context.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true });
  });
  const page = await visitor.open(origin('diffosolutions.com') + '/');
  await settled(page);
  assert.match(await control(page, '.dc-notice').textContent(), /Global Privacy Control/);
  await press(page, '[data-action="accept-all"]');
  await idle(page);
  const record = await stored(page);
  assert.deepEqual(record.categories, { necessary: true, analytics: true, marketing: false, social: false });
  assert.deepEqual(
    Object.keys(record.services).filter((id) => record.services[id]),
    ['google-analytics'],
  );
  assert.deepEqual(requested(visitor), ['gtag:G-DIFFOCOM0']);
  // The visitor may still turn marketing on explicitly.
  await press(page, '[data-action="reopen"]');
  await settingsShown(page);
  assert.match(await control(page, '.dc-notice').textContent(), /Global Privacy Control/);
  assert.equal(await control(page, 'input[data-category="marketing"]').isChecked(), false);
  await control(page, 'input[data-category="marketing"]').check();
  await press(page, '[data-action="save"]');
  await idle(page);
  assert.equal((await stored(page)).categories.marketing, true);
  assert.ok(requested(visitor).includes('fbevents'));
  await visitor.close();
});

test('a new policy revision asks again and says the policy changed', async () => {
  const base = origin('diffo.fi');
  const pages = {
    [`${base}/test/revision-2.json`]: { body: '{"revision": 2}', contentType: 'application/json' },
    [`${base}/test/revised`]: `<!doctype html><html lang="fi"><head>
      <script src="/consent/consent.js" data-config="/test/revision-2.json" defer></script></head><body>x</body></html>`,
  };
  const visitor = await newVisitor(browser, { pages });
  const first = await visitor.open(`${base}/`);
  await settled(first);
  await press(first, '[data-action="accept-all"]');
  const page = await visitor.open(`${base}/test/revised`);
  await settled(page);
  assert.equal(
    await control(page, '.dc-notice').textContent(),
    'Tietosuojaselosteemme on muuttunut edellisen valintasi jälkeen. Valitse uudelleen.',
  );
  await press(page, '[data-action="reject-all"]');
  assert.equal((await stored(page)).revision, 2);
  await visitor.close();
});
