// Decisions and what they load: accept all, reject all, each category alone,
// each service alone, return visits, a data-config, and the JavaScript API
// (withdrawal: withdrawal.test.mjs).

import { test, before, after } from 'node:test';
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
  cookieNames,
  press,
  idle,
  everything,
  settingsShown,
  SITES,
} from './harness.mjs';
import { servicesOf } from '../sites.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(() => browser.close());

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;


function checkRecord(record, categories, lang) {
  assert.equal(record.version, 2);
  assert.match(record.id, UUID_V4);
  assert.deepEqual(record.categories, { necessary: true, ...categories });
  assert.deepEqual(record.services, servicesOf(categories));
  assert.equal(record.revision, 1);
  assert.equal(record.lang, lang);
  const last = Date.parse(record.lastDecision);
  assert.ok(Math.abs(Date.now() - last) < 60_000, 'decided just now');
  const expires = new Date(record.expires);
  const expected = new Date(last);
  expected.setUTCFullYear(expected.getUTCFullYear() + 1);
  assert.equal(expires.getTime(), expected.getTime(), 'expires in 12 months');
}

for (const [site, s] of Object.entries(SITES)) {
  test(`${site}: accept all loads every tracker once, in the right order, and again on return`, async () => {
    const visitor = await newVisitor(browser);
    const page = await visitor.open(origin(site) + '/');
    await settled(page);
    const event = page.evaluate(
      () => new Promise((resolve) => addEventListener('diffo-consent:change', (e) => resolve(e.detail), { once: true })),
    );
    await press(page, '[data-action="accept-all"]');
    await idle(page);
    const record = await stored(page);
    checkRecord(record, { analytics: true, marketing: true, social: true }, s.lang);
    assert.deepEqual(await event, record, 'the change event carries the stored record');
    assert.deepEqual(await page.evaluate(() => window.diffoConsent.get()), record);
    assert.deepEqual(requested(visitor), everything(site));
    assert.deepEqual(await ran(page), ['fbevents', 'fbsdk', 'gtag', 'instagram', 'linkedin']);
    // Consent Mode: the default, then the update, both before the tag's config.
    // (Only gtag's own commands: the queue also holds Tag Manager events.)
    const gtagQueue = (await page.evaluate(() => window.__gtagQueue)).map((a) => JSON.parse(a)).filter(Array.isArray);
    assert.deepEqual(gtagQueue[0].slice(0, 2), ['consent', 'default']);
    // Google Analytics is the only Google service, and it is not for ads:
    // the ad signals stay denied even with everything accepted.
    assert.deepEqual(gtagQueue[1], [
      'consent',
      'update',
      { ad_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied', analytics_storage: 'granted' },
    ]);
    assert.equal(gtagQueue[2][0], 'js');
    // Measurement only: no Google signals, nothing for ads.
    assert.deepEqual(gtagQueue[3], ['config', s.ga, { allow_google_signals: false, allow_ad_personalization_signals: false }]);
    // Meta: initialised with consent revoked and without automatic matching,
    // then granted.
    const fbqQueue = (await page.evaluate(() => window.__fbqQueue)).map((a) => JSON.parse(a));
    assert.deepEqual(fbqQueue, [
      ['consent', 'revoke'],
      ['set', 'autoConfig', false, s.pixel],
      ['init', s.pixel],
      ['consent', 'grant'],
      ['track', 'PageView'],
    ]);
    // Tag Manager hears the decision, by category and by service.
    const update = await page.evaluate(() => window.dataLayer.find((e) => e.event === 'diffo_consent_update'));
    assert.deepEqual(update.diffo_consent, {
      necessary: true,
      analytics: true,
      marketing: true,
      social: true,
      services: servicesOf({ analytics: true, marketing: true, social: true }),
    });
    // The page's own analytics script ran.
    assert.ok(await page.evaluate(() => window.dataLayer.some((e) => e.event === 'diffo_page')));
    // The banner made way for the reopen control.
    assert.equal(await control(page, '[role=dialog]').count(), 0);
    assert.ok(await control(page, '[data-action="reopen"]').isVisible());

    // Return visit: no banner, the same trackers, nothing asked.
    visitor.thirdParty.length = 0;
    const again = await visitor.open(origin(site) + '/');
    await settled(again);
    await idle(again);
    assert.equal(await control(again, '[role=dialog]').count(), 0);
    assert.deepEqual(requested(visitor), everything(site));
    assert.deepEqual(await stored(again), record, 'a return visit does not rewrite the record');
    await visitor.close();
  });

  test(`${site}: reject all loads nothing, now or on return`, async () => {
    const visitor = await newVisitor(browser);
    const page = await visitor.open(origin(site) + '/');
    await settled(page);
    await press(page, '[data-action="reject-all"]');
    await page.waitForTimeout(300);
    checkRecord(await stored(page), { analytics: false, marketing: false, social: false }, s.lang);
    const again = await visitor.open(origin(site) + '/');
    await settled(again);
    await again.waitForTimeout(500);
    assert.deepEqual(requested(visitor), []);
    assert.deepEqual(await cookieNames(visitor), []);
    assert.equal(await again.evaluate(() => window.dataLayer.some((e) => e.event === 'diffo_page')), false);
    assert.equal(await control(again, '[role=dialog]').count(), 0);
    assert.ok(await control(again, '[data-action="reopen"]').isVisible());
    await visitor.close();
  });
}

for (const [category, expected] of [
  ['analytics', ['gtag:G-DIFFOCOM0']],
  ['marketing', ['fbevents']],
  ['social', ['fbsdk:en_US', 'instagram', 'linkedin', 'youtube']],
]) {
  test(`a custom choice of ${category} alone loads exactly its vendors`, async () => {
    const visitor = await newVisitor(browser);
    const page = await visitor.open(origin('diffosolutions.com') + '/');
    await settled(page);
    await press(page, '[data-action="settings"]');
    await settingsShown(page);
    const switches = control(page, 'input[data-category]');
    assert.deepEqual(await switches.evaluateAll((els) => els.map((e) => [e.dataset.category, e.checked, e.disabled])), [
      ['necessary', true, true],
      ['analytics', false, false],
      ['marketing', false, false],
      ['social', false, false],
    ]);
    await control(page, `input[data-category="${category}"]`).check();
    assert.deepEqual(requested(visitor), [], 'toggling a switch is not a decision');
    await press(page, '[data-action="save"]');
    await idle(page);
    const record = await stored(page);
    assert.deepEqual(record.categories, {
      necessary: true,
      analytics: category === 'analytics',
      marketing: category === 'marketing',
      social: category === 'social',
    });
    assert.deepEqual(requested(visitor), expected);
    // The reopened settings show the stored choice.
    await press(page, '[data-action="reopen"]');
    await settingsShown(page);
    assert.ok(await control(page, `input[data-category="${category}"]`).isChecked());
    await visitor.close();
  });
}

test('the JavaScript API: get, set, withdraw, show, the change event, and refused arguments', async () => {
  const visitor = await newVisitor(browser);
  const page = await visitor.open(origin('diffo.se') + '/');
  const result = await page.evaluate(async () => {
    const api = window.diffoConsent;
    const events = [];
    addEventListener('diffo-consent:change', (e) => events.push(e.detail));
    const readyValue = await api.ready;
    const before = api.get();
    const afterSet = await api.set({ social: true });
    let refused = null;
    try {
      await api.set({ analytics: 'yes' });
    } catch (e) {
      refused = `${e.name}: ${e.message}`;
    }
    const afterRefused = api.get();
    await api.show();
    for (let i = 0; i < 100 && !document.querySelector('#diffo-consent').shadowRoot.querySelector('[aria-modal=true]'); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const settingsOpen = !!document.querySelector('#diffo-consent').shadowRoot.querySelector('[aria-modal=true]');
    return { same: readyValue === api, before, afterSet, refused, afterRefused, events, settingsOpen };
  });
  assert.ok(result.same, 'ready resolves to the API object');
  assert.equal(result.before, null);
  assert.deepEqual(result.afterSet.categories, { necessary: true, analytics: false, marketing: false, social: true });
  assert.deepEqual(result.afterSet.services, servicesOf({ social: true }));
  assert.equal(
    result.refused,
    'TypeError: diffoConsent.set() takes an object like {analytics: true, marketing: false, social: false, services: {youtube: true}}; "analytics" must be true or false, not a string',
  );
  assert.deepEqual(result.afterRefused, result.afterSet, 'a refused call changes nothing');
  assert.equal(result.events.length, 1);
  assert.ok(result.settingsOpen);
  await idle(page);
  assert.deepEqual(requested(visitor), ['fbsdk:sv_SE', 'instagram', 'linkedin', 'youtube']);
  // withdraw() takes social back: the page reloads and nothing loads.
  visitor.thirdParty.length = 0;
  const reloaded = page.waitForEvent('load');
  await page.evaluate(() => window.diffoConsent.withdraw());
  await reloaded;
  await settled(page);
  await page.waitForTimeout(300);
  assert.deepEqual(requested(visitor), []);
  assert.equal((await stored(page)).categories.social, false);
  await visitor.close();
});

test('set() takes services: one service alone, and unknown ids or non-booleans are a TypeError that stores nothing', async () => {
  const visitor = await newVisitor(browser);
  const page = await visitor.open(origin('diffosolutions.com') + '/');
  const result = await page.evaluate(async () => {
    const api = window.diffoConsent;
    await api.ready;
    const refusals = [];
    for (const bad of [{ services: { tiktok: true } }, { services: { youtube: 'yes' } }, { services: ['youtube'] }]) {
      try {
        await api.set(bad);
        refusals.push('accepted');
      } catch (e) {
        refusals.push(`${e.name}: ${e.message.split('; ')[1]}`);
      }
    }
    const nothing = api.get();
    const youtube = await api.set({ services: { youtube: true } });
    return { refusals, nothing, youtube, stored: localStorage.getItem('diffo-consent') };
  });
  assert.deepEqual(result.refusals, [
    'TypeError: unknown service "tiktok"',
    'TypeError: "services.youtube" must be true or false, not a string',
    'TypeError: "services" must be an object of service ids and true or false',
  ]);
  assert.equal(result.nothing, null, 'nothing stored by a refused call');
  assert.deepEqual(result.youtube.services, { ...servicesOf({}), youtube: true });
  assert.equal(result.youtube.categories.social, false, 'one service is not the whole category');
  await idle(page);
  assert.deepEqual(requested(visitor), ['youtube'], 'the video only, no plugin script');
  await visitor.close();
});

// Each built-in service allowed alone loads exactly its own scripts (the
// video of the front page is YouTube's embed, which loads with YouTube).
for (const [service, expected] of [
  ['google-analytics', ['gtag:G-DIFFOCOM0']],
  ['meta-pixel', ['fbevents']],
  ['facebook', ['fbsdk:en_US']],
  ['instagram', ['instagram']],
  ['linkedin', ['linkedin']],
  ['youtube', ['youtube']],
]) {
  test(`the service ${service} allowed alone in the settings loads exactly ${expected.join(', ')}`, async () => {
    const visitor = await newVisitor(browser);
    const page = await visitor.open(origin('diffosolutions.com') + '/');
    await settled(page);
    await press(page, '[data-action="settings"]');
    await settingsShown(page);
    await control(page, `input[data-service="${service}"]`).check();
    assert.deepEqual(requested(visitor), [], 'a switch is not a decision');
    await press(page, '[data-action="save"]');
    await idle(page);
    assert.deepEqual(requested(visitor), expected);
    const record = await stored(page);
    assert.deepEqual(
      Object.keys(record.services).filter((id) => record.services[id]),
      [service],
    );
    await visitor.close();
  });
}

test('a category switch turns all of its services and shows a mixed state', async () => {
  const visitor = await newVisitor(browser);
  const page = await visitor.open(origin('diffo.fi') + '/');
  await settled(page);
  await press(page, '[data-action="settings"]');
  await settingsShown(page);
  // The social switch first, then the services in the dialog's order.
  const state = () =>
    control(page, 'input[data-category="social"], input[data-service]').evaluateAll((els) =>
      els
        .map((e) => `${e.dataset.category || e.dataset.service}:${e.indeterminate ? 'mixed' : e.checked ? 'on' : 'off'}`)
        .sort((a, b) => b.startsWith('social:') - a.startsWith('social:')),
    );
  await control(page, 'input[data-category="social"]').check();
  await page.waitForTimeout(50);
  assert.deepEqual(await state(), [
    'social:on',
    'google-analytics:off',
    'meta-pixel:off',
    'facebook:on',
    'instagram:on',
    'linkedin:on',
    'youtube:on',
  ]);
  await control(page, 'input[data-service="instagram"]').uncheck();
  await page.waitForTimeout(50);
  assert.deepEqual((await state()).slice(0, 1), ['social:mixed']);
  // A click on a mixed category turns all of its services on, the next all off.
  await control(page, 'input[data-category="social"]').click();
  await page.waitForTimeout(50);
  assert.deepEqual((await state()).filter((x) => /social|instagram/.test(x)), ['social:on', 'instagram:on']);
  await control(page, 'input[data-category="social"]').uncheck();
  await page.waitForTimeout(50);
  assert.deepEqual(await state(), [
    'social:off',
    'google-analytics:off',
    'meta-pixel:off',
    'facebook:off',
    'instagram:off',
    'linkedin:off',
    'youtube:off',
  ]);
  // Save with one service on: the reopened settings show it mixed.
  await control(page, 'input[data-service="linkedin"]').check();
  await press(page, '[data-action="save"]');
  await idle(page);
  await press(page, '[data-action="reopen"]');
  await settingsShown(page);
  assert.deepEqual((await state()).filter((x) => /social|linkedin|facebook/.test(x)), [
    'social:mixed',
    'facebook:off',
    'linkedin:on',
  ]);
  await visitor.close();
});

test('a data-config overrides the built-in settings: real ids, fewer services', async () => {
  const base = origin('diffo.fi');
  const visitor = await newVisitor(browser, {
    pages: {
      [`${base}/test/config.json`]: {
        body: JSON.stringify({
          googleAnalytics: 'G-REAL2026',
          metaPixel: null,
          removeServices: ['facebook', 'instagram', 'youtube'],
        }),
        contentType: 'application/json',
      },
      [`${base}/test/configured`]: `<!doctype html><html lang="fi"><head>
        <script src="/consent/consent.js" data-config="/test/config.json" defer></script></head><body><h1>x</h1></body></html>`,
    },
  });
  const page = await visitor.open(`${base}/test/configured`);
  await settled(page);
  // The first layer names only the companies left.
  assert.match(
    await control(page, '#dc-text').textContent(),
    /saavat myös Google Ireland Limited ja LinkedIn Ireland Unlimited Company\./,
  );
  await press(page, '[data-action="settings"]');
  await settingsShown(page);
  assert.deepEqual(
    await control(page, 'input[data-service]').evaluateAll((els) => els.map((e) => e.dataset.service)),
    ['google-analytics', 'linkedin'],
  );
  await press(page, '[data-action="accept-all"]');
  await idle(page);
  assert.deepEqual(requested(visitor), ['gtag:G-REAL2026', 'linkedin']);
  await visitor.close();
});
