// `cargo xtask audit` (tools/audit.mjs) run as a site editor runs it: as a
// separate process, on our demo sites and on fixture pages with other
// banners or none, served from a small local server, with third parties
// answered by the vendor stubs (tools/vendor-stubs.mjs), which set what the
// vendors set. The fixtures break the rules in known ways; the audit must
// name each broken rule and exit 1, and pass pages that keep them.

import { test, before, after } from 'node:test';
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { assert, origin } from './harness.mjs';

const AUDIT = fileURLToPath(new URL('../../tools/audit.mjs', import.meta.url));
const FIXTURES = new URL('./audit-fixtures/', import.meta.url);

let server;
let fixtureOrigin;
before(async () => {
  server = createServer(async (req, res) => {
    const name = new URL(req.url, 'http://x').pathname.slice(1);
    if (!/^[a-z-]+\.html$/.test(name)) return res.writeHead(404).end();
    try {
      const body = await readFile(new URL(name, FIXTURES));
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  fixtureOrigin = `http://shop.localhost:${server.address().port}`;
});
after(() => server.close());

/** Runs the audit on a URL; resolves to its exit code, report and text. */
function audit(url, ...flags) {
  return new Promise((resolve) => {
    execFile('node', [AUDIT, url, '--stub-third-parties', ...flags], { timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error ? error.code : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

async function report(url) {
  const { code, stdout, stderr } = await audit(url, '--json');
  assert.ok(code === 0 || code === 1, `audit failed to run (${code}): ${stderr}`);
  const r = JSON.parse(stdout);
  r.code = code;
  r.broken = r.rules.filter((x) => !x.ok).map((x) => x.name);
  return r;
}

test('our demo site keeps every rule, and the report says so in plain words', async () => {
  const { code, stdout, stderr } = await audit(origin('diffosolutions.com') + '/');
  assert.equal(code, 0, stdout + stderr);
  assert.match(stdout, /Consent dialog: found; accept "Accept all", reject "Reject all", settings "Settings"/);
  assert.match(stdout, /Before consent\n {2}third-party requests: none\n {2}cookies: none/);
  // Accept loads the analytics tag and the pixel; reject loads nothing.
  assert.match(stdout, /After "accept"\n {2}third-party requests: .*www\.googletagmanager\.com\/gtag\/js\?id=G-DIFFOCOM0/);
  assert.match(stdout, /After "accept"\n {2}third-party requests: .*connect\.facebook\.net\/en_US\/fbevents\.js/);
  // Their stubs set the vendors' cookies: Google's on the site's own domain
  // (the highest one the browser takes), Meta's plugins' on facebook.com, a
  // third party.
  assert.match(stdout, /After "accept"\n.*\n {2}cookies: .*_ga \([\w.]*localhost, tracker\)/);
  assert.match(stdout, /After "accept"\n.*\n {2}cookies: .*datr \(facebook\.com, third party, tracker\)/);
  assert.match(stdout, /After "reject"\n {2}third-party requests: none/);
  assert.match(stdout, /ok {4} {2}reject looks like accept \(size, weight, colours\)/);
  assert.match(stdout, /ok {4} {2}nothing is pre-ticked: 4 switches, none on but 1 locked on \(necessary\)/);
  assert.match(stdout, /ok {4} {2}axe-core finds no violation in the dialog: both layers checked/);
  assert.match(stdout, /Result: every rule holds\./);
});

test('a page without a banner that loads a tracker breaks the before-consent rules', async () => {
  const r = await report(`${fixtureOrigin}/no-banner-tracker.html`);
  assert.equal(r.code, 1);
  assert.equal(r.dialog, false);
  assert.deepEqual(r.broken, ['nothing third-party is requested before consent', 'no tracker cookies or storage before consent']);
  assert.deepEqual(r.phases.before.requests, ['www.googletagmanager.com/gtag/js?id=G-FIXTURE00']);
  // The page's own _ga (on its host), and the tag's _ga, _ga_<id> and _gid
  // (on the highest domain).
  assert.deepEqual(
    r.phases.before.cookies.map((c) => [c.name, c.tracker]).sort(),
    [['_ga', true], ['_ga', true], ['_ga_FIXTURE00', true], ['_gid', true]],
  );
});

test('a page with no banner and nothing to consent to passes', async () => {
  const { code, stdout } = await audit(`${fixtureOrigin}/no-banner-clean.html`);
  assert.equal(code, 0, stdout);
  assert.match(stdout, /Consent dialog: none found\./);
  assert.match(stdout, /Result: no consent dialog, and nothing on the page needed one\./);
});

test('a banner that breaks the rules is caught on each one', async () => {
  const r = await report(`${fixtureOrigin}/bad-banner.html`);
  assert.equal(r.code, 1);
  assert.deepEqual(r.controls, { accept: 'Accept all', reject: 'Reject all', settings: 'Settings' });
  assert.deepEqual(r.broken, [
    'nothing third-party is requested before consent',
    'no tracker cookies or storage before consent',
    'reject looks like accept (size, weight, colours)',
    'accept and reject have text contrast of at least 4.5:1',
    'nothing is pre-ticked',
    'after reject: nothing third-party and no tracker cookies, also on the next page',
    'axe-core finds no violation in the dialog',
  ]);
  const detail = Object.fromEntries(r.rules.map((x) => [x.name, x.detail]));
  // The pixel that loads at once sets _fbp before anyone is asked.
  assert.equal(detail['no tracker cookies or storage before consent'], 'cookie _fbp (shop.localhost)');
  assert.match(detail['reject looks like accept (size, weight, colours)'], /fontWeight: accept 700, reject 400/);
  assert.match(detail['accept and reject have text contrast of at least 4.5:1'], /reject 1\.\d+:1/);
  assert.equal(detail['nothing is pre-ticked'], 'on: Analytics, Marketing');
  assert.match(detail['after reject: nothing third-party and no tracker cookies, also on the next page'], /cookie _fbp/);
  assert.match(detail['axe-core finds no violation in the dialog'], /color-contrast/);
  assert.deepEqual(r.phases.before.requests, ['connect.facebook.net/en_US/fbevents.js']);
});

test('another banner that keeps the rules passes, and its accept is seen to load analytics', async () => {
  const r = await report(`${fixtureOrigin}/good-banner.html`);
  assert.deepEqual(r.broken, []);
  assert.equal(r.code, 0);
  assert.equal(r.dialog, true);
  assert.deepEqual(r.phases.reject.requests, []);
  assert.deepEqual(r.phases.accept.requests, ['www.googletagmanager.com/gtag/js?id=G-FIXTURE01']);
  assert.deepEqual(r.phases.accept.nextPage.requests, ['www.googletagmanager.com/gtag/js?id=G-FIXTURE01']);
  assert.deepEqual(r.phases.accept.cookies.map((c) => c.name).sort(), ['_ga', '_ga_FIXTURE01', '_gid']);
  assert.deepEqual([r.second.preTicked.total, r.second.preTicked.on], [1, []]);
});

test('misuse exits 2 with a usage line', async () => {
  const { code, stderr } = await new Promise((resolve) =>
    execFile('node', [AUDIT], (error, stdout, stderr) => resolve({ code: error ? error.code : 0, stderr })),
  );
  assert.equal(code, 2);
  assert.match(stderr, /usage: audit URL/);
});
