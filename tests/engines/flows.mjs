// The core flows, the same in every engine (firefox.test.mjs, webkit.test.mjs
// call `flows` with their engine): on each demo site, the banner in the
// site's language, nothing third-party before a decision, accept all (and
// the return visit), reject all (and the return visit), the settings with
// analytics alone, a withdrawal, and the wasm module missing. One browser per
// engine, cleared between visitors (harness.mjs: freshVisitor).
//
// The vendors' scripts never run here (the proxy refuses every https
// tunnel), so what "loads" means: the hosts the browser asked the proxy for
// (every one is recorded) and the vendors' elements in the page, whose
// addresses carry the GA id and the Facebook locale. The Meta Pixel's and
// Google's queues are read as the banner left them, since no vendor script
// took them over.

import { test, before, after } from 'node:test';
import {
  assert,
  launch,
  SITES,
  origin,
  everything,
  hostsOf,
  freshVisitor,
  mark,
  thirdPartyHosts,
  loopbackRequests,
  inserted,
  consoleLines,
  open,
  settled,
  until,
  eventually,
  sleep,
  control,
  inDialog,
  press,
  settingsShown,
  stored,
} from './harness.mjs';
import { servicesOf } from '../sites.mjs';

const TEXTS = {
  fi: { title: 'Käytämme evästeitä', accept: 'Hyväksy kaikki', reject: 'Hylkää kaikki', settings: 'Asetukset' },
  en: { title: 'We use cookies', accept: 'Accept all', reject: 'Reject all', settings: 'Settings' },
  sv: { title: 'Vi använder kakor', accept: 'Godkänn alla', reject: 'Avvisa alla', settings: 'Inställningar' },
};


/** How long a "nothing happens" waits for something that should not. */
const QUIET = 700;

const dialogCount = (browser) => browser.driver.executeScript(() => document.querySelector('#diffo-consent')?.shadowRoot.querySelectorAll('[role=dialog]').length ?? 0);
const reopenVisible = async (browser) => (await inDialog(browser, '[data-action="reopen"]', 'visible'))[0] === true;

/** The trackers' queues as the banner left them: gtag's commands and the pixel's. */
const queues = (browser) =>
  browser.driver.executeScript(() => ({
    gtag: (window.dataLayer || []).filter((a) => a && a.length !== undefined && !Array.isArray(a)).map((a) => JSON.stringify(Array.from(a))),
    fbq: ((window.fbq && window.fbq.queue) || []).map((a) => JSON.stringify(Array.from(a))),
    diffoPage: (window.dataLayer || []).some((e) => e && e.event === 'diffo_page'),
  }));

/** Waits until the page has reloaded (the marker set before is gone) and the banner started again. */
async function reloaded(browser) {
  await eventually(
    async () => {
      try {
        return await browser.driver.executeScript(() => document.readyState === 'complete' && !window.__beforeReload);
      } catch {
        return false; // between documents
      }
    },
    { message: 'the reload' },
  );
  await settled(browser);
}

/** The cookies the vendors' scripts would have set (the stubs of tests/e2e
 * set them when they run; here no vendor runs), set from the page on the
 * highest domain the browser accepts, as the vendors do, plus one of the
 * site's own that must survive. */
const plantVendorCookies = (browser, ga) =>
  browser.driver.executeScript((ga) => {
    const setHighest = (name, value) => {
      const labels = location.hostname.split('.');
      for (let i = Math.max(labels.length - 2, 0); i >= 0; i--) {
        document.cookie = `${name}=${value}; domain=.${labels.slice(i).join('.')}; path=/; max-age=86400`;
        if (document.cookie.split('; ').some((c) => c.startsWith(name + '='))) return;
      }
      document.cookie = `${name}=${value}; path=/; max-age=86400`;
    };
    for (const name of ['_ga', `_ga_${ga.replace(/^G-/, '')}`, '_gid', '_fbp']) setHighest(name, 'planted');
    document.cookie = 'session=keep; path=/';
    return document.cookie.split('; ').map((c) => c.split('=')[0]).sort();
  }, ga);

const cookieNames = async (browser) => (await browser.driver.manage().getCookies()).map((c) => c.name).sort();

export function flows(engine) {
  let browser;
  before(async () => {
    browser = await launch(engine);
  });
  after(() => browser?.quit());

  for (const [site, s] of Object.entries(SITES)) {
    test(`${engine}, ${site}: the banner in ${s.lang}, nothing third-party before a decision`, async () => {
      await freshVisitor(browser);
      await open(browser, origin(site) + '/');
      assert.equal(await settled(browser), 'started');
      await until(browser, () => document.querySelector('#diffo-consent')?.shadowRoot.querySelector('[role=dialog]'), [], { message: 'the dialog' });
      assert.deepEqual(await inDialog(browser, '[role=dialog]', 'lang'), [s.lang]);
      assert.deepEqual(await inDialog(browser, 'h2', 'text'), [TEXTS[s.lang].title]);
      assert.deepEqual(await inDialog(browser, '.dc-actions button', 'text'), [TEXTS[s.lang].accept, TEXTS[s.lang].reject, TEXTS[s.lang].settings]);
      assert.deepEqual(await inDialog(browser, '.dc-actions button', 'visible'), [true, true, true]);
      await sleep(QUIET);
      assert.deepEqual(thirdPartyHosts(browser), [], 'no third-party request before a decision');
      assert.deepEqual(await inserted(browser), []);
      assert.equal(await stored(browser), null);
      assert.deepEqual(await cookieNames(browser), []);
      // The demo server did serve the page, the banner and its module through the proxy.
      const served = loopbackRequests(browser).map((u) => new URL(u).pathname);
      for (const path of ['/', '/consent/consent.js', '/consent/consent.wasm']) assert.ok(served.includes(path), `${path} in ${served}`);
    });

    test(`${engine}, ${site}: accept all stores the record and loads every tracker, again on the return visit`, async () => {
      await freshVisitor(browser);
      await open(browser, origin(site) + '/');
      await settled(browser);
      await press(browser, '[data-action="accept-all"]');
      const record = await until(browser, () => JSON.parse(localStorage.getItem('diffo-consent')), [], { message: 'the stored record' });
      assert.equal(record.version, 2);
      assert.deepEqual(record.categories, { necessary: true, analytics: true, marketing: true, social: true });
      assert.deepEqual(record.services, servicesOf({ analytics: true, marketing: true, social: true }));
      assert.equal(record.lang, s.lang);
      assert.ok(Math.abs(Date.now() - Date.parse(record.lastDecision)) < 60_000, 'decided just now');
      assert.deepEqual(await browser.driver.executeScript(() => window.diffoConsent.get()), record);
      const expected = everything(site);
      await eventually(async () => (await inserted(browser)).length >= expected.length, { message: `the trackers of ${site}` });
      assert.deepEqual(await inserted(browser), expected);
      await eventually(() => thirdPartyHosts(browser).length >= hostsOf(expected).length, { message: 'the requests to the vendors' });
      assert.deepEqual(thirdPartyHosts(browser), hostsOf(expected), 'exactly the vendors\u2019 hosts are requested');
      // Consent Mode first, then the update, then the tag with the site's id;
      // the pixel initialised with consent revoked, then granted.
      const q = await queues(browser);
      assert.deepEqual(JSON.parse(q.gtag[0]).slice(0, 2), ['consent', 'default']);
      assert.deepEqual(JSON.parse(q.gtag[1]), [
        'consent',
        'update',
        { ad_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied', analytics_storage: 'granted' },
      ]);
      assert.equal(JSON.parse(q.gtag[2])[0], 'js');
      assert.deepEqual(JSON.parse(q.gtag[3]), ['config', s.ga, { allow_google_signals: false, allow_ad_personalization_signals: false }]);
      assert.deepEqual(q.fbq.map((a) => JSON.parse(a)), [
        ['consent', 'revoke'],
        ['set', 'autoConfig', false, s.pixel],
        ['init', s.pixel],
        ['consent', 'grant'],
        ['track', 'PageView'],
      ]);
      assert.ok(q.diffoPage, "the page's own analytics script ran");
      assert.equal(await dialogCount(browser), 0, 'the banner made way');
      assert.ok(await reopenVisible(browser), 'for the reopen control');

      // The return visit: no banner, the same trackers, the record untouched.
      mark(browser);
      await open(browser, origin(site) + '/');
      assert.equal(await settled(browser), 'started');
      await eventually(async () => (await inserted(browser)).length >= expected.length, { message: 'the trackers again' });
      assert.deepEqual(await inserted(browser), expected);
      await eventually(() => thirdPartyHosts(browser).length >= hostsOf(expected).length, { message: 'the requests again' });
      assert.deepEqual(thirdPartyHosts(browser), hostsOf(expected));
      assert.equal(await dialogCount(browser), 0);
      assert.deepEqual(await stored(browser), record, 'a return visit does not rewrite the record');
    });

    test(`${engine}, ${site}: reject all loads nothing, now or on the return visit`, async () => {
      await freshVisitor(browser);
      await open(browser, origin(site) + '/');
      await settled(browser);
      await press(browser, '[data-action="reject-all"]');
      const record = await until(browser, () => JSON.parse(localStorage.getItem('diffo-consent')), [], { message: 'the stored record' });
      assert.deepEqual(record.categories, { necessary: true, analytics: false, marketing: false, social: false });
      assert.deepEqual(record.services, servicesOf({}));
      assert.equal(record.lang, s.lang);
      await sleep(QUIET);
      assert.deepEqual(thirdPartyHosts(browser), []);
      assert.deepEqual(await inserted(browser), []);
      await open(browser, origin(site) + '/');
      assert.equal(await settled(browser), 'started');
      await sleep(QUIET);
      assert.deepEqual(thirdPartyHosts(browser), [], 'nothing on the return visit either');
      assert.deepEqual(await inserted(browser), []);
      assert.equal((await queues(browser)).diffoPage, false);
      assert.equal(await dialogCount(browser), 0);
      assert.ok(await reopenVisible(browser));
      assert.deepEqual(await cookieNames(browser), []);
    });
  }

  test(`${engine}: the settings' switches: analytics alone loads Google Analytics alone`, async () => {
    const site = 'diffosolutions.com';
    await freshVisitor(browser);
    await open(browser, origin(site) + '/');
    await settled(browser);
    await press(browser, '[data-action="settings"]');
    await settingsShown(browser);
    const switches = () =>
      browser.driver.executeScript(() =>
        [...document.querySelector('#diffo-consent').shadowRoot.querySelectorAll('input[data-category]')].map((e) => [e.dataset.category, e.checked, e.disabled]),
      );
    assert.deepEqual(await switches(), [
      ['necessary', true, true],
      ['analytics', false, false],
      ['marketing', false, false],
      ['social', false, false],
    ]);
    await press(browser, 'input[data-category="analytics"]');
    assert.deepEqual(await switches(), [
      ['necessary', true, true],
      ['analytics', true, false],
      ['marketing', false, false],
      ['social', false, false],
    ]);
    // A switch is not a decision.
    await sleep(300);
    assert.equal(await stored(browser), null);
    assert.deepEqual(thirdPartyHosts(browser), []);
    await press(browser, '[data-action="save"]');
    const record = await until(browser, () => JSON.parse(localStorage.getItem('diffo-consent')), [], { message: 'the stored record' });
    assert.deepEqual(record.categories, { necessary: true, analytics: true, marketing: false, social: false });
    assert.deepEqual(record.services, servicesOf({ analytics: true }));
    await eventually(async () => (await inserted(browser)).length > 0, { message: 'Google Analytics' });
    await sleep(QUIET);
    assert.deepEqual(await inserted(browser), [`gtag:${SITES[site].ga}`]);
    assert.deepEqual(thirdPartyHosts(browser), ['www.googletagmanager.com']);
    assert.deepEqual((await queues(browser)).fbq, [], 'no pixel');
    // Reopened, the settings show the stored choice.
    await press(browser, '[data-action="reopen"]');
    await settingsShown(browser);
    assert.deepEqual((await switches()).map(([c, on]) => `${c}:${on}`), ['necessary:true', 'analytics:true', 'marketing:false', 'social:false']);
  });

  test(`${engine}: a withdrawal after accept all: refused in the record, vendor cookies deleted, a reload, nothing loads`, async () => {
    const site = 'diffo.fi';
    await freshVisitor(browser);
    await open(browser, origin(site) + '/');
    await settled(browser);
    await press(browser, '[data-action="accept-all"]');
    const accepted = await until(browser, () => JSON.parse(localStorage.getItem('diffo-consent')), [], { message: 'the stored record' });
    await eventually(async () => (await inserted(browser)).length >= everything(site).length, { message: 'the trackers' });
    const planted = await plantVendorCookies(browser, SITES[site].ga);
    for (const name of ['_ga', '_ga_DIFFOFI00', '_gid', '_fbp', 'session']) assert.ok(planted.includes(name), `${name} set: ${planted}`);
    await browser.driver.executeScript(() => (window.__beforeReload = true));

    // Withdraw everything from the reopened settings.
    await press(browser, '[data-action="reopen"]');
    await settingsShown(browser);
    mark(browser);
    await press(browser, '[data-action="reject-all"]');
    await reloaded(browser);
    await sleep(QUIET);
    const withdrawn = await stored(browser);
    assert.deepEqual(withdrawn.categories, { necessary: true, analytics: false, marketing: false, social: false });
    assert.deepEqual(withdrawn.services, servicesOf({}));
    assert.equal(withdrawn.id, accepted.id, 'the record keeps its id');
    assert.equal(withdrawn.firstDecision, accepted.firstDecision);
    // The vendors' first-party cookies are gone on every domain level; the site's own stays.
    assert.deepEqual(await cookieNames(browser), ['session']);
    assert.deepEqual(await browser.driver.executeScript(() => document.cookie), 'session=keep');
    // Firefox gives a reloaded page's frames their last addresses back: until the
    // edge removed the shown embeds before reloading, www.youtube-nocookie.com
    // was requested here again (WebKit does not do it).
    assert.deepEqual(thirdPartyHosts(browser), [], 'nothing is requested after the withdrawal');
    assert.deepEqual(await inserted(browser), []);
    assert.equal(await dialogCount(browser), 0);
    assert.ok(await reopenVisible(browser));
  });

  for (const stored of ['on a first visit', 'with "accept all" stored']) {
    test(`${engine}: consent.wasm missing (404) ${stored}: fails closed, no banner, nothing third-party, a console error`, async () => {
      const site = 'diffo.se';
      await freshVisitor(browser);
      if (stored !== 'on a first visit') {
        await open(browser, origin(site) + '/');
        await settled(browser);
        await press(browser, '[data-action="accept-all"]');
        await until(browser, () => localStorage.getItem('diffo-consent'), [], { message: 'the stored record' });
        await browser.driver.get('about:blank');
        await sleep(200);
      }
      browser.proxy.override('/consent/consent.wasm', { status: 404, body: 'not found' });
      mark(browser);
      await open(browser, origin(site) + '/');
      const outcome = await settled(browser);
      assert.match(outcome, /^failed: /);
      assert.ok(loopbackRequests(browser).some((u) => new URL(u).pathname === '/consent/consent.wasm'), 'the module was asked for (and refused)');
      await sleep(QUIET);
      // On a first visit the banner of consent-first.wasm was drawn before the
      // module failed: it is withdrawn (its host stays, empty, as in
      // tests/e2e/first-visit.test.mjs). With a decision stored nothing was drawn.
      const left = await browser.driver.executeScript(() => {
        const host = document.querySelector('#diffo-consent');
        return host ? { host: true, inside: host.shadowRoot ? host.shadowRoot.querySelectorAll('[role=dialog], [data-action], button, input').length : 0 } : { host: false, inside: 0 };
      });
      assert.equal(left.inside, 0, 'no banner left that cannot work');
      if (stored !== 'on a first visit') assert.equal(left.host, false, 'nothing drawn at all');
      assert.deepEqual(thirdPartyHosts(browser), []);
      assert.deepEqual(await inserted(browser), []);
      assert.equal((await queues(browser)).diffoPage, false);
      assert.ok(await browser.driver.executeScript(() => document.querySelector('h1').getClientRects().length > 0), 'the page itself works');
      const lines = await consoleLines(browser);
      assert.ok(
        lines.some((m) => m.startsWith('error: diffo-consent: could not start (') && m.endsWith('); no trackers will load')),
        lines.join(' | '),
      );
      browser.proxy.clearOverrides();
    });
  }
}
