// The compliance matrix: for each of the three sites, in every state a
// visitor can be in, the exact set of third-party requests, tracker cookies
// and tracker storage. Nothing third-party may be requested in any state
// without the matching grant.

import { test, before, after } from 'node:test';
import { assert, launch, newVisitor, origin, settled, idle, press, settingsShown, control, seedRecord, SITES } from './harness.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(() => browser.close());

// What each service loads on a demo front page, and what its vendor sets.
const grants = (site) => {
  const s = SITES[site];
  return {
    'google-analytics': { vendors: [`gtag:${s.ga}`], cookies: ['_ga', `_ga_${s.ga.slice(2)}`, '_gid'], storage: [] },
    // _fbc only comes with an ad click (fbclid), which these visits are not.
    'meta-pixel': { vendors: ['fbevents'], cookies: ['_fbp'], storage: [] },
    // The plugins' cookies are third-party, on Meta's, Instagram's and LinkedIn's domains.
    facebook: { vendors: [`fbsdk:${s.fbLocale}`], cookies: ['datr', 'fr', 'sb'], storage: [] },
    instagram: { vendors: ['instagram'], cookies: ['csrftoken', 'mid', 'ig_did'], storage: [] },
    linkedin: { vendors: ['linkedin'], cookies: ['bcookie', 'bscookie', 'lidc', 'li_gc'], storage: [] },
    // The video of the front page.
    youtube: { vendors: ['youtube'], cookies: [], storage: [] },
  };
};

/** The services of each category. */
const CATEGORY = {
  analytics: ['google-analytics'],
  marketing: ['meta-pixel'],
  social: ['facebook', 'instagram', 'linkedin', 'youtube'],
};

const NOTHING = { vendors: [], cookies: [], storage: [] };

/** What `granted` (categories and service ids) may load and set, nothing more. */
function expectFor(site, granted) {
  const all = grants(site);
  const out = { vendors: [], cookies: [], storage: [] };
  const services = new Set(granted.flatMap((g) => CATEGORY[g] || [g]));
  for (const id of services) {
    for (const key of ['vendors', 'cookies', 'storage']) out[key].push(...all[id][key]);
  }
  for (const key of Object.keys(out)) out[key].sort();
  return out;
}

/** What the page holds of trackers: requests, cookies (any domain), storage. */
async function observed(visitor, page) {
  const cookies = [...new Set((await visitor.context.cookies()).map((c) => c.name))].sort();
  const storage = await page.evaluate(() => {
    const keys = (store) => {
      try {
        return Object.keys(store());
      } catch (e) {
        return []; // blocked storage holds nothing
      }
    };
    return [...keys(() => window.localStorage), ...keys(() => window.sessionStorage)];
  });
  return {
    vendors: [...visitor.thirdParty].sort(),
    cookies,
    storage: storage.filter((k) => k !== 'diffo-consent' && k !== 'diffo-test-log' && k !== 'seeded').sort(),
  };
}

/** A record made by the banner itself in a throwaway visitor, with `edit` applied. */
async function recordFor(site, choices, edit = (r) => r) {
  const visitor = await newVisitor(browser, { pages: pagesFor(site) });
  const page = await visitor.open(origin(site) + '/test/blank');
  await settled(page);
  await page.evaluate((c) => window.diffoConsent.set(c), choices);
  const record = JSON.parse(await page.evaluate(() => localStorage.getItem('diffo-consent')));
  await visitor.close();
  const edited = edit(record);
  return typeof edited === 'string' ? edited : JSON.stringify(edited);
}

const blank = (lang, head = '') =>
  `<!doctype html><html lang="${lang}"><head>${head}<script src="/consent/consent.js" defer></script></head><body><h1>x</h1></body></html>`;

function pagesFor(site) {
  const base = origin(site);
  const lang = SITES[site].lang;
  return {
    [`${base}/test/blank`]: blank(lang),
    [`${base}/test/revision-2.json`]: { body: '{"revision": 2}', contentType: 'application/json' },
    [`${base}/test/revised`]: `<!doctype html><html lang="${lang}"><head>
      <script src="/consent/consent.js" data-config="/test/revision-2.json" defer></script></head><body>x</body></html>`,
    [`${base}/test/throws`]: blank(lang, `<script>throw new Error('the page broke early')</script>`),
  };
}


/** Every state: how to get there, and what it may load. */
function states(site) {
  const day = 86_400_000;
  const inTheFuture = new Date(Date.now() + 7 * day).toISOString();
  const states = [
    {
      name: 'first visit, no action (10 s, scroll, click elsewhere, Escape)',
      async act(page) {
        await page.waitForTimeout(10_000);
        await page.mouse.wheel(0, 3000);
        await page.mouse.click(5, 300);
        await page.keyboard.press('Escape');
        await page.waitForTimeout(300);
        assert.equal(await page.evaluate(() => localStorage.getItem('diffo-consent')), null, 'nothing recorded');
        assert.ok(await control(page, '[role=dialog]').isVisible(), 'still asking');
      },
      expect: NOTHING,
    },
    { name: 'accept all', act: (page) => press(page, '[data-action="accept-all"]'), grants: ['analytics', 'marketing', 'social'] },
    { name: 'reject all', act: (page) => press(page, '[data-action="reject-all"]'), grants: [] },
  ];
  for (const category of ['analytics', 'marketing', 'social']) {
    states.push({
      name: `custom: ${category} alone`,
      async act(page) {
        await press(page, '[data-action="settings"]');
        await settingsShown(page);
        await control(page, `input[data-category="${category}"]`).check();
        await press(page, '[data-action="save"]');
      },
      grants: [category],
    });
  }
  for (const service of Object.keys(grants(site))) {
    states.push({
      name: `custom: the service ${service} alone`,
      async act(page) {
        await press(page, '[data-action="settings"]');
        await settingsShown(page);
        await control(page, `input[data-service="${service}"]`).check();
        await press(page, '[data-action="save"]');
      },
      grants: [service],
    });
  }
  // Return visits after each decision.
  for (const [name, choices, granted] of [
    ['accept all', { analytics: true, marketing: true, social: true }, ['analytics', 'marketing', 'social']],
    ['reject all', {}, []],
    ['analytics alone', { analytics: true }, ['analytics']],
    ['marketing alone', { marketing: true }, ['marketing']],
    ['social alone', { social: true }, ['social']],
    ['LinkedIn alone', { services: { linkedin: true } }, ['linkedin']],
  ]) {
    states.push({ name: `return visit after ${name}`, seed: () => recordFor(site, choices), grants: granted, returning: true });
  }
  const everything = { analytics: true, marketing: true, social: true };
  // A record written before services (format 1) holds as its categories.
  states.push({
    name: 'return visit with a version-1 record of analytics and social',
    seed: () =>
      recordFor(site, { analytics: true, social: true }, ({ services, ...r }) => {
        const { version, id, categories, ...rest } = r;
        return { version: 1, id, categories, ...rest };
      }),
    grants: ['analytics', 'social'],
    returning: true,
  });
  // A stored service the site no longer has counts as refused (here the
  // record names "instagram" under another id); the rest holds.
  states.push({
    name: 'a record naming a service the site does not have',
    seed: () =>
      recordFor(site, { social: true }, (r) =>
        JSON.stringify(r).replace('"instagram":true', '"retired-service":true'),
      ),
    grants: ['facebook', 'linkedin', 'youtube'],
    returning: true,
  });
  const asks = [
    ['expired record', (r) => {
      const t = new Date(Date.now() - 400 * day);
      const e = new Date(t);
      e.setUTCFullYear(e.getUTCFullYear() + 1);
      return { ...r, firstDecision: t.toISOString(), lastDecision: t.toISOString(), expires: e.toISOString() };
    }],
    ['tampered: bad JSON', (r) => JSON.stringify(r).slice(0, -5)],
    ['tampered: wrong types', (r) => ({ ...r, categories: { ...r.categories, analytics: 'yes' } })],
    ['tampered: unknown version', (r) => ({ ...r, version: 3 })],
    ['tampered: a service that is not a boolean', (r) => ({ ...r, services: { ...r.services, youtube: 'yes' } })],
    ['tampered: a service id that is no id', (r) => ({ ...r, services: { ...r.services, 'Evil <id>': true } })],
    ['tampered: an injected category', (r) => ({ ...r, categories: { ...r.categories, tracking: true } })],
    ['tampered: a future date', (r) => ({ ...r, lastDecision: inTheFuture })],
  ];
  for (const [name, edit] of asks) {
    states.push({ name, seed: () => recordFor(site, everything, edit), expect: NOTHING, asks: true });
  }
  states.push({
    name: 'record of an older revision',
    seed: () => recordFor(site, everything),
    path: '/test/revised',
    expect: NOTHING,
    asks: true,
  });
  states.push({
    name: 'storage blocked',
    async setup(visitor) {
      await visitor.context.addInitScript(() =>
        Object.defineProperty(window, 'localStorage', {
          get() {
            throw new DOMException('The operation is insecure.', 'SecurityError');
          },
        }),
      );
    },
    expect: NOTHING,
    asks: true,
  });
  for (const [name, fulfill] of [
    ['the wasm file failing to load (404)', { status: 404, body: 'not found' }],
    ['the wasm file corrupt', { status: 200, contentType: 'application/wasm', body: Buffer.from('\0asm\x01\0\0\0garbage') }],
  ]) {
    states.push({
      name: `${name}, with "accept all" stored`,
      seed: () => recordFor(site, everything),
      async setup(visitor) {
        await visitor.context.route('**/consent/consent.wasm*', (route) => route.fulfill(fulfill));
      },
      expect: NOTHING,
      broken: true,
    });
  }
  states.push({ name: "a page whose own JS throws early", path: '/test/throws', expect: NOTHING, asks: true });
  return states;
}

for (const site of Object.keys(SITES)) {
  test(`${site}: the compliance matrix`, async (t) => {
    for (const state of states(site)) {
      await t.test(state.name, async () => {
        const visitor = await newVisitor(browser, { pages: pagesFor(site) });
        if (state.seed) await seedRecord(visitor, await state.seed());
        if (state.setup) await state.setup(visitor);
        const page = await visitor.open(origin(site) + (state.path || '/'));
        if (state.broken) {
          assert.equal(await page.evaluate(() => window.diffoConsent.ready.then(() => 'ran', () => 'failed')), 'failed');
        } else {
          await settled(page);
        }
        if (state.act) await state.act(page);
        if (state.asks) assert.ok(await control(page, '[role=dialog]').isVisible(), 'the visitor is asked');
        if (state.returning) assert.equal(await control(page, '[role=dialog]').count(), 0, 'not asked again');
        if (!state.broken) await idle(page);
        await page.waitForTimeout(200);
        const expected = state.expect || expectFor(site, state.grants);
        assert.deepEqual(await observed(visitor, page), expected);
        assert.deepEqual(visitor.pageErrors.filter((e) => e !== 'the page broke early'), []);
        await visitor.close();
      });
    }
  });
}
