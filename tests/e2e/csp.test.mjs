// The demo's strict-CSP page (served with a fresh nonce and
// `script-src 'self' 'wasm-unsafe-eval' 'nonce-…'`, `style-src 'self'`) works
// fully: the banner renders styled, the gated scripts run with the nonce after
// consent, and the browser reports no violation.

import { test, before, after } from 'node:test';
import { assert, launch, newVisitor, origin, settled, control, press, idle, settingsShown, everything } from './harness.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(() => browser.close());

test('under a strict Content-Security-Policy everything works and nothing is refused', async () => {
  const visitor = await newVisitor(browser);
  await visitor.context.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`),
    );
  });
  const page = await visitor.open(origin('diffo.fi') + '/strict-csp');
  const response = await page.reload();
  const policy = response.headers()['content-security-policy'];
  assert.match(policy, /script-src 'self' 'wasm-unsafe-eval' 'nonce-[0-9a-f]{16}'/);
  assert.match(policy, /style-src 'self';/);
  await settled(page);

  // The banner renders and its stylesheet applies.
  const dialog = control(page, '[role=dialog]');
  assert.equal(await dialog.evaluate((el) => getComputedStyle(el).position), 'fixed');
  assert.equal(
    await control(page, '[data-action="accept-all"]').evaluate((el) => getComputedStyle(el).backgroundColor),
    'rgb(23, 55, 94)',
  );
  // The settings layer (from the extra module, with its own rules) too.
  await press(page, '[data-action="settings"]');
  await settingsShown(page);
  assert.equal(await control(page, '.dc-settings').evaluate((el) => getComputedStyle(el).position), 'fixed');
  assert.equal(await control(page, '.dc-switch').first().evaluate((el) => getComputedStyle(el).appearance), 'none');

  // After consent, the gated scripts run with the nonce.
  await press(page, '[data-action="accept-all"]');
  await idle(page);
  assert.ok(await page.evaluate(() => window.dataLayer.some((e) => e.event === 'diffo_page')), 'the page script ran');
  const nonce = /'nonce-([0-9a-f]{16})'/.exec(policy)[1];
  assert.deepEqual(
    await page.evaluate(() => [...document.querySelectorAll('script[data-diffo-consent]')].map((s) => s.nonce)),
    Array(5).fill(nonce),
    'every inserted vendor script carries the nonce',
  );
  assert.deepEqual(visitor.thirdParty.sort(), everything('diffo.fi'));
  assert.deepEqual(await page.evaluate(() => window.__violations), [], 'no CSP violation');
  assert.deepEqual(visitor.console.filter((m) => m.startsWith('error')), []);
  await visitor.close();
});
