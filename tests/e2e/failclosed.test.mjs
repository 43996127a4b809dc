// Fail closed: damaged storage, blocked storage, a missing or corrupt wasm
// file, a bad config or an unknown site never let a tracker load, and never
// break the page.

import { test, before, after } from 'node:test';
import { assert, launch, newVisitor, origin, settled, control, stored, requested, ran, press, idle, everything, seedRecord, PORT } from './harness.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(() => browser.close());

/** A valid "accept all" record made by the banner itself. */
async function acceptedRecord() {
  const visitor = await newVisitor(browser);
  const page = await visitor.open(origin('diffo.fi') + '/');
  await settled(page);
  await press(page, '[data-action="accept-all"]');
  const text = await page.evaluate(() => localStorage.getItem('diffo-consent'));
  await visitor.close();
  return text;
}

/** Opens `url` with `text` already stored under the key. */
async function openWithStored(visitor, url, text) {
  await seedRecord(visitor, text);
  return visitor.open(url);
}

test('damaged or tampered records ask again, load nothing, and say why', async () => {
  const valid = await acceptedRecord();
  const record = JSON.parse(valid);
  const future = new Date(Date.now() + 86_400_000).toISOString();
  const cases = {
    'not JSON': 'yes please',
    'cut short': valid.slice(0, -3),
    'wrong types': JSON.stringify({ ...record, categories: { ...record.categories, analytics: 'true' } }),
    'unknown version': JSON.stringify({ ...record, version: 99 }),
    'injected category': JSON.stringify({ ...record, categories: { ...record.categories, tracking: true } }),
    'a future date': JSON.stringify({ ...record, lastDecision: future }),
    'an extra field': JSON.stringify({ ...record, trusted: true }),
    'a bad id': JSON.stringify({ ...record, id: 'not-a-uuid' }),
  };
  for (const [name, text] of Object.entries(cases)) {
    const visitor = await newVisitor(browser);
    const page = await openWithStored(visitor, origin('diffo.fi') + '/', text);
    await settled(page);
    await page.waitForTimeout(300);
    assert.ok(await control(page, '[role=dialog]').isVisible(), `${name}: the visitor is asked again`);
    assert.deepEqual(requested(visitor), [], `${name}: nothing loads`);
    assert.equal(await page.evaluate(() => window.diffoConsent.get()), null, `${name}: no decision in force`);
    assert.ok(
      visitor.console.some((m) => m.startsWith('warning: diffo-consent: the stored decision is')),
      `${name}: a console warning explains it: ${visitor.console.join(' | ')}`,
    );
    assert.deepEqual(visitor.pageErrors, []);
    await visitor.close();
  }
});

test('an expired record or one of an older revision asks again', async () => {
  const record = JSON.parse(await acceptedRecord());
  const longAgo = new Date(Date.now() - 400 * 86_400_000);
  const expired = { ...record, firstDecision: longAgo.toISOString(), lastDecision: longAgo.toISOString() };
  const expiry = new Date(longAgo);
  expiry.setUTCFullYear(expiry.getUTCFullYear() + 1);
  expired.expires = expiry.toISOString();
  const configUrl = origin('diffo.fi') + '/test/revision-2.json';
  const pageUrl = origin('diffo.fi') + '/test/revised';
  const pages = {
    [configUrl]: { body: '{"revision": 2}', contentType: 'application/json' },
    [pageUrl]: `<!doctype html><html lang="fi"><head><script src="/consent/consent.js" data-config="/test/revision-2.json" defer></script></head><body>x</body></html>`,
  };
  for (const [name, url, text, message] of [
    ['expired', origin('diffo.fi') + '/', JSON.stringify(expired), 'the stored decision has expired; asking'],
    ['older revision', pageUrl, JSON.stringify(record), 'the policy changed since the decision (revision 1, now 2); asking'],
  ]) {
    const visitor = await newVisitor(browser, { pages });
    const page = await openWithStored(visitor, url, text);
    await settled(page);
    await page.waitForTimeout(300);
    assert.ok(await control(page, '[role=dialog]').isVisible(), name);
    assert.deepEqual(requested(visitor), [], name);
    assert.ok(visitor.console.includes(`info: diffo-consent: ${message}`), `${name}: ${visitor.console.join(' | ')}`);
    // The new decision continues the same anonymous history.
    await press(page, '[data-action="reject-all"]');
    const renewed = await stored(page);
    assert.equal(renewed.id, record.id, name);
    assert.equal(renewed.revision, name === 'older revision' ? 2 : 1);
    await visitor.close();
  }
});

test('blocked storage: asked on every page, the choice holds for the page view, nothing breaks', async () => {
  const visitor = await newVisitor(browser);
  await visitor.context.addInitScript(() => {
    Object.defineProperty(window, 'localStorage', {
      get() {
        throw new DOMException('The operation is insecure.', 'SecurityError');
      },
    });
  });
  const page = await visitor.open(origin('diffosolutions.com') + '/');
  await settled(page);
  assert.ok(await control(page, '[role=dialog]').isVisible());
  assert.ok(visitor.console.includes('warning: diffo-consent: storage is blocked; your choice will hold for this page view only'));
  assert.deepEqual(requested(visitor), []);
  await press(page, '[data-action="accept-all"]');
  await idle(page);
  assert.deepEqual(requested(visitor), everything('diffosolutions.com'), 'the choice holds for this page view');
  assert.equal((await page.evaluate(() => window.diffoConsent.get())).categories.analytics, true);
  visitor.thirdParty.length = 0;
  const next = await visitor.open(origin('diffosolutions.com') + '/privacy-policy');
  await settled(next);
  await next.waitForTimeout(300);
  assert.ok(await control(next, '[role=dialog]').isVisible(), 'asked again on the next page');
  assert.deepEqual(requested(visitor), []);
  assert.deepEqual(visitor.pageErrors, []);
  await visitor.close();
});

test('really blocked storage: a sandboxed frame without same-origin still gets a working banner', async () => {
  const url = origin('diffo.se') + '/test/frame';
  const visitor = await newVisitor(browser, {
    pages: { [url]: `<!doctype html><html><body><iframe sandbox="allow-scripts" src="/" width="900" height="600"></iframe></body></html>` },
  });
  const page = await visitor.open(url);
  const frame = page.frames()[1];
  await frame.waitForFunction(() => window.diffoConsent);
  await frame.evaluate(() => window.diffoConsent.ready);
  assert.equal(await frame.evaluate(() => { try { localStorage; return 'usable'; } catch (e) { return e.name; } }), 'SecurityError');
  await frame.locator('#diffo-consent [data-action="reject-all"]').click();
  assert.deepEqual(
    (await frame.evaluate(() => window.diffoConsent.get())).categories,
    { necessary: true, analytics: false, marketing: false, social: false },
  );
  assert.deepEqual(requested(visitor), []);
  assert.deepEqual(visitor.pageErrors, []);
  assert.deepEqual(visitor.console.filter((m) => m.startsWith('error')), [], 'nothing fails in the frame');
  await visitor.close();
});

for (const [name, fulfill] of [
  ['missing (404)', { status: 404, contentType: 'text/plain', body: 'not found' }],
  ['corrupt', { status: 200, contentType: 'application/wasm', body: Buffer.from('\0asm\x01\0\0\0garbage that is not wasm') }],
]) {
  test(`a ${name} wasm file: the page works, nothing loads even with consent stored`, async () => {
    const accepted = await acceptedRecord();
    const visitor = await newVisitor(browser);
    await visitor.context.route('**/consent/consent.wasm*', (route) => route.fulfill(fulfill));
    const page = await openWithStored(visitor, origin('diffo.fi') + '/', accepted);
    const outcome = await page.evaluate(() => window.diffoConsent.ready.then(() => 'resolved', (e) => 'rejected'));
    assert.equal(outcome, 'rejected');
    await page.waitForTimeout(300);
    assert.deepEqual(requested(visitor), []);
    assert.equal(await page.locator('#diffo-consent').count(), 0);
    assert.ok(
      visitor.console.some((m) => m.startsWith('error: diffo-consent: could not start (') && m.endsWith('); no trackers will load')),
      visitor.console.join(' | '),
    );
    assert.ok(await page.locator('h1').isVisible(), 'the page itself works');
    assert.deepEqual(visitor.pageErrors, []);
    await visitor.close();
  });
}

test('an invalid or missing config, or an unknown site, fails closed with a clear message', async () => {
  const accepted = await acceptedRecord();
  const base = origin('diffo.fi');
  const tag = (attrs) => `<!doctype html><html><head><script src="/consent/consent.js" ${attrs} defer></script></head><body><h1>x</h1></body></html>`;
  const pages = {
    [`${base}/test/bad-config.json`]: { body: '{"googleAnalytics": "UA-1234-5"}', contentType: 'application/json' },
    [`${base}/test/bad`]: tag('data-config="/test/bad-config.json"'),
    [`${base}/test/missing`]: tag('data-config="/test/nowhere.json"'),
    [`${base}/test/good-config.json`]: { body: '{"revision": 1}', contentType: 'application/json' },
    [`${base}/test/no-checker`]: tag('data-config="/test/good-config.json"'),
    [`${base}/test/site`]: tag('data-site="diffo.de"'),
    [`http://unknown.localhost:${PORT}/test/unknown`]: tag(''),
  };
  for (const [url, message] of [
    [`${base}/test/bad`, 'invalid config: `googleAnalytics` must be a GA4 measurement id like "G-ABC123XYZ" or null, got "UA-1234-5"'],
    [`${base}/test/missing`, 'could not load the config /test/nowhere.json (HTTP 404)'],
    [`${base}/test/site`, 'data-site="diffo.de" is not one of diffo.fi, diffosolutions.com, diffo.se'],
    [`${base}/test/no-checker`, 'could not load consent-extra.wasm (HTTP 404)'],
    [`http://unknown.localhost:${PORT}/test/unknown`, 'this page\'s host "unknown.localhost" is not a Diffo site'],
  ]) {
    const visitor = await newVisitor(browser, { pages });
    if (url.endsWith('no-checker')) {
      await visitor.context.route('**/consent/consent-extra.wasm*', (route) => route.fulfill({ status: 404, body: '' }));
    }
    const page = await openWithStored(visitor, url, accepted);
    await settled(page);
    await page.waitForTimeout(300);
    assert.deepEqual(requested(visitor), [], url);
    assert.equal(await page.locator('#diffo-consent').count(), 0, url);
    assert.ok(
      visitor.console.some((m) => m.startsWith(`error: diffo-consent: could not start (${message}`)),
      `${url}: ${visitor.console.join(' | ')}`,
    );
    assert.deepEqual(visitor.pageErrors, []);
    await visitor.close();
  }
});

test("a page whose own script throws early still gets a working banner", async () => {
  const url = origin('diffo.fi') + '/test/throws';
  const visitor = await newVisitor(browser, {
    pages: {
      [url]: `<!doctype html><html lang="fi"><head><script>throw new Error('the page broke')</script>
        <script src="/consent/consent.js" defer></script><script>undefinedFunction()</script></head><body><h1>x</h1></body></html>`,
    },
  });
  const page = await visitor.open(url);
  await settled(page);
  assert.ok(await control(page, '[role=dialog]').isVisible());
  assert.deepEqual(requested(visitor), []);
  await press(page, '[data-action="reject-all"]');
  assert.equal((await stored(page)).categories.analytics, false);
  assert.equal(visitor.pageErrors.length, 2, 'only the page\'s own errors');
  await visitor.close();
});

test('consent.js included twice runs once', async () => {
  const url = origin('diffo.fi') + '/test/twice';
  const visitor = await newVisitor(browser, {
    pages: {
      [url]: `<!doctype html><html lang="fi"><head><script src="/consent/consent.js" defer></script>
        <script src="/consent/consent.js?again" defer></script></head><body><h1>x</h1></body></html>`,
    },
  });
  const page = await visitor.open(url);
  await settled(page);
  assert.equal(await page.locator('#diffo-consent').count(), 1);
  assert.ok(visitor.console.includes('warning: diffo-consent: consent.js is on this page twice; the second copy does nothing'));
  await press(page, '[data-action="accept-all"]');
  await idle(page);
  assert.deepEqual(requested(visitor), everything('diffo.fi', { withVideo: false }), 'each tracker once');
  assert.deepEqual(await ran(page), ['fbevents', 'fbsdk', 'gtag', 'instagram', 'linkedin']);
  await visitor.close();
});
