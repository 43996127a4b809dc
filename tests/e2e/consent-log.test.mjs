// The banner reports to the consent log (service/) through each site's
// /consent-log/ proxy, and marketers read the numbers on the dashboard. The
// log runs as its own process, started by `cargo xtask test` with an empty
// database (its port is in DIFFO_LOG_PORT).

import { test, before, after } from 'node:test';
import path from 'node:path';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { assert, launch, newVisitor, origin, settled, press, control, settingsShown, stored, dialogFocused } from './harness.mjs';

const LOG_PORT = process.env.DIFFO_LOG_PORT;
const DASHBOARD = `http://localhost:${LOG_PORT}`;
const SHOTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'artifacts', 'screenshots');

let browser;
before(async () => {
  assert.ok(LOG_PORT, 'DIFFO_LOG_PORT is not set; run these tests with `cargo xtask test`');
  browser = await launch();
  mkdirSync(SHOTS, { recursive: true });
});
after(() => browser.close());

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's violations in the whole page, as short lines. */
async function axeViolations(page) {
  await page.addScriptTag({ content: AXE });
  return page.evaluate(async () =>
    (await window.axe.run(document, { resultTypes: ['violations'] })).violations.map(
      (v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    ),
  );
}

/** The consent log's receipt of `id`, fetched by the page through its site's proxy;
 * waits until it holds `count` decisions (a beacon is sent after the click). */
async function receipt(page, id, count) {
  const url = `/consent-log/v1/receipts/${id}`;
  for (let i = 0; i < 100; i++) {
    const answer = await page.evaluate(async (u) => {
      const r = await fetch(u);
      return { status: r.status, body: r.status === 200 ? await r.json() : await r.text() };
    }, url);
    if (answer.status === 200 && answer.body.decisions.length >= count) return answer.body;
    await page.waitForTimeout(100);
  }
  throw new Error(`no receipt of ${count} decisions for ${id}`);
}

test('decisions reach the log with where they were made, and the receipt shows them to the visitor', async () => {
  const visitor = await newVisitor(browser);
  const page = await visitor.open(origin('diffo.fi') + '/');
  await settled(page);
  await press(page, '[data-action="accept-all"]');
  const id = (await stored(page)).id;

  const first = await receipt(page, id, 1);
  assert.equal(first.id, id);
  const [accept] = first.decisions;
  assert.deepEqual(
    { event: accept.event, site: accept.site, lang: accept.lang, revision: accept.revision, layer: accept.layer, categories: accept.categories },
    { event: 'accept_all', site: 'diffo.fi', lang: 'fi', revision: 1, layer: 'first', categories: { analytics: true, marketing: true, social: true } },
  );
  assert.deepEqual(accept.services, {
    facebook: true,
    'google-analytics': true,
    instagram: true,
    linkedin: true,
    'meta-pixel': true,
    youtube: true,
  });
  assert.match(accept.texts, /^[0-9a-f]{16}$/);
  assert.ok(Math.abs(Date.parse(accept.time) - Date.now()) < 60_000, accept.time);

  // Withdrawing through the API is a withdrawal made by the API.
  // (The trackers already ran, so the page reloads; the beacon outlives it.)
  await Promise.all([
    page.waitForNavigation(),
    page.evaluate(() => {
      window.diffoConsent.set({ analytics: true, marketing: false, social: false });
    }),
  ]);
  const second = await receipt(page, id, 2);
  assert.deepEqual(
    second.decisions.map((d) => [d.event, d.layer]),
    [['accept_all', 'first'], ['withdraw', 'api']],
  );
  assert.deepEqual(second.decisions[1].categories, { analytics: true, marketing: false, social: false });
  assert.deepEqual(
    Object.keys(second.decisions[1].services).filter((s) => second.decisions[1].services[s]),
    ['google-analytics'],
  );

  // The settings layer shows the id and links the receipt, in the visitor's language.
  await page.waitForFunction(() => window.diffoConsent && window.diffoConsent.get());
  await settled(page);
  await press(page, '[data-action="reopen"]');
  await settingsShown(page);
  const line = control(page, '.dc-id');
  assert.match(await line.innerText(), new RegExp(`Suostumustunnisteesi on ${id}\\. Se on satunnainen koodi`));
  const link = control(page, '.dc-id a');
  assert.equal(await link.getAttribute('href'), `${origin('diffo.fi')}/consent-log/receipt/${id}?lang=fi`);
  const [receiptPage] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
  await receiptPage.waitForLoadState();
  const text = await receiptPage.locator('body').innerText();
  assert.ok(text.includes(id), text);
  // The receipt lists the services of each decision.
  assert.match(text, /Sallitut palvelut\s+facebook, google-analytics, instagram, linkedin, meta-pixel, youtube/);
  assert.equal(await receiptPage.evaluate(() => document.documentElement.lang), 'fi');
  await visitor.close();

  // The receipt is accessible in every language, and so is the page for an id
  // the log does not know. (bypassCSP lets the test add axe-core to the page.)
  const context = await browser.newContext({ bypassCSP: true });
  const checker = await context.newPage();
  for (const lang of ['fi', 'en', 'sv']) {
    await checker.goto(`${origin('diffo.fi')}/consent-log/receipt/${id}?lang=${lang}`);
    assert.ok((await checker.locator('body').innerText()).includes(id));
    assert.deepEqual(await axeViolations(checker), [], `the receipt in ${lang}`);
  }
  const other = id.slice(0, -1) + (id.endsWith('0') ? '1' : '0');
  const unknown = await checker.goto(`${origin('diffo.fi')}/consent-log/receipt/${other}?lang=sv`);
  assert.equal(unknown.status(), 404);
  assert.deepEqual(await axeViolations(checker), [], 'the receipt of an unknown id');
  await context.close();
});

test('a first visit reports the dialog shown; nothing is sent when no dialog shows', async () => {
  const visitor = await newVisitor(browser);
  const beacons = [];
  visitor.context.on('request', (r) => {
    if (r.url().includes('/consent-log/v1/events')) beacons.push(JSON.parse(r.postData()));
  });
  const page = await visitor.open(origin('diffo.se') + '/');
  await settled(page);
  // The report goes once the dialog has been on screen for a frame, just
  // before focus moves into it: on a busy machine, after the module is ready.
  await dialogFocused(page);
  await page.waitForTimeout(300);
  assert.deepEqual(
    beacons.map((b) => [b.event, b.site, b.lang]),
    [['shown', 'diffo.se', 'sv']],
  );
  assert.deepEqual(Object.keys(beacons[0]).sort(), ['event', 'lang', 'revision', 'site', 'texts', 'version']);
  assert.equal(beacons[0].version, 2);
  await press(page, '[data-action="reject-all"]');
  await page.waitForTimeout(300);
  assert.deepEqual(beacons.map((b) => b.event), ['shown', 'reject_all']);
  // A return visit with a valid decision shows nothing and sends nothing.
  await page.reload();
  await settled(page);
  await page.waitForTimeout(300);
  assert.equal(beacons.length, 2);
  await visitor.close();
});

test('the dashboard needs a login, then shows the numbers by site, language and day, and exports them', async () => {
  // (bypassCSP lets the test add axe-core to the page; the page itself allows no script.)
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  const page = await context.newPage();
  // Nothing without a login.
  const stats = await page.goto(`${DASHBOARD}/v1/stats`);
  assert.equal(stats.status(), 401);
  await page.goto(`${DASHBOARD}/dashboard`);
  assert.match(page.url(), /\/login/);
  // The login page is accessible in both languages, and with its error.
  await page.goto(`${DASHBOARD}/login?ui=fi`);
  assert.deepEqual(await axeViolations(page), [], 'the login page in Finnish');
  await page.goto(`${DASHBOARD}/login?ui=en`);
  assert.deepEqual(await axeViolations(page), [], 'the login page in English');

  await page.fill('input[name=name]', 'marketing');
  await page.fill('input[name=password]', 'wrong');
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit], input[type=submit]')]);
  assert.match(page.url(), /\/login/);
  assert.equal(await page.getByRole('alert').count(), 1, 'the wrong password is said');
  assert.deepEqual(await axeViolations(page), [], 'the login page saying the password was wrong');

  await page.fill('input[name=name]', 'marketing');
  await page.fill('input[name=password]', 'diffo-demo');
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit], input[type=submit]')]);
  await page.goto(`${DASHBOARD}/dashboard?ui=en`);
  assert.match(page.url(), /\/dashboard/);
  const cookie = (await context.cookies()).find((c) => c.httpOnly);
  assert.ok(cookie && cookie.sameSite === 'Strict', JSON.stringify(await context.cookies()));

  // The earlier tests' visitors are counted: diffo.fi accepted, diffo.se rejected.
  const json = await page.evaluate(async () => (await fetch('v1/stats')).json());
  const total = (site) =>
    json.rows.filter((r) => r.site === site).reduce((sum, r) => ({ shown: sum.shown + r.shown, accept_all: sum.accept_all + r.accept_all, reject_all: sum.reject_all + r.reject_all }), { shown: 0, accept_all: 0, reject_all: 0 });
  assert.ok(total('diffo.fi').accept_all >= 1, JSON.stringify(json.rows));
  assert.ok(total('diffo.se').reject_all >= 1 && total('diffo.se').shown >= 1, JSON.stringify(json.rows));

  const body = await page.locator('body').innerText();
  assert.match(body, /diffo\.fi/);
  // Each service's opt-in rate beside the categories', from the visitors above.
  assert.ok(json.totals.services['google-analytics'].decisions >= 2, JSON.stringify(json.totals.services));
  assert.match(body, /google-analytics/);
  assert.ok(await page.locator('svg').count() >= 1, 'a chart');
  await page.screenshot({ path: path.join(SHOTS, 'dashboard-en.png'), fullPage: true });
  assert.deepEqual(await axeViolations(page), [], 'the dashboard in English');
  await page.goto(`${DASHBOARD}/dashboard?ui=fi`);
  await page.screenshot({ path: path.join(SHOTS, 'dashboard-fi.png'), fullPage: true });
  assert.deepEqual(await axeViolations(page), [], 'the dashboard in Finnish');

  const csv = await page.evaluate(async () => {
    const r = await fetch('v1/stats.csv');
    return { type: r.headers.get('content-type'), text: await r.text() };
  });
  assert.match(csv.type, /text\/csv/);
  const lines = csv.text.trim().split(/\r?\n/);
  assert.equal(lines.length, json.rows.length + 1, csv.text);
  const services = await page.evaluate(async () => (await fetch('v1/stats/services.csv')).text());
  assert.match(services.split(/\r?\n/)[0], /^day,site,lang,service,decisions,granted,opt_in_rate$/);
  assert.match(services, /,google-analytics,/);
  await context.close();
});
