// The page's own <script type="text/plain" data-consent="…"> tags: they run
// only with consent, in document order, with their attributes and nonce.

import { test, before, after } from 'node:test';
import { assert, launch, newVisitor, origin, settled, press, idle, requested } from './harness.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(() => browser.close());

const base = origin('diffo.fi');
const js = (body) => ({ body, contentType: 'text/javascript' });

// A page whose scripts record the order they ran in. The external one is
// slow, so an inline script after it proves that activation waits for it.
const PAGE = (nonce) => `<!doctype html><html lang="fi"><head>
<script src="/consent/consent.js" defer ${nonce ? `nonce="${nonce}"` : ''}></script>
</head><body><h1>Scripts</h1>
<script type="text/plain" data-consent="analytics" id="a" class="keep" data-extra="1" ${nonce ? `nonce="${nonce}"` : ''}>(window.order = window.order || []).push('inline analytics')</script>
<script type="text/plain" data-consent="analytics" src="/test/slow.js" ${nonce ? `nonce="${nonce}"` : ''}></script>
<script type="text/plain" data-consent="analytics" ${nonce ? `nonce="${nonce}"` : ''}>window.order.push('after slow')</script>
<script type="text/plain" data-consent="marketing" ${nonce ? `nonce="${nonce}"` : ''}>window.order.push('marketing')</script>
<script type="text/plain" data-consent="analytics marketing" ${nonce ? `nonce="${nonce}"` : ''}>window.order.push('analytics and marketing')</script>
<script type="text/plain" data-consent="ads" ${nonce ? `nonce="${nonce}"` : ''}>window.order.push('never')</script>
<script type="text/plain" data-consent="analytics" data-type="module" ${nonce ? `nonce="${nonce}"` : ''}>window.order.push('module ' + (typeof import.meta))</script>
<script type="text/plain">window.order.push('not ours')</script>
</body></html>`;

function pages(nonce, headers) {
  return {
    [`${base}/test/scripts`]: { body: PAGE(nonce), headers },
    [`${base}/test/slow.js`]: { ...js("window.order.push('external analytics')"), headers },
  };
}

test('page scripts run with their category, in document order, each once', async () => {
  const visitor = await newVisitor(browser, { pages: pages(null) });
  await visitor.context.route(`${base}/test/slow.js`, async (route) => {
    await new Promise((r) => setTimeout(r, 300));
    await route.fulfill(js("window.order.push('external analytics')"));
  });
  const page = await visitor.open(`${base}/test/scripts`);
  await settled(page);
  assert.equal(await page.evaluate(() => window.order), undefined, 'nothing ran before consent');
  await page.evaluate(() => window.diffoConsent.set({ analytics: true }));
  await page.waitForFunction(() => window.order && window.order.length >= 4);
  await idle(page);
  assert.deepEqual(await page.evaluate(() => window.order), [
    'inline analytics',
    'external analytics',
    'after slow',
    'module object',
  ]);
  // The activated copy keeps its attributes.
  assert.deepEqual(
    await page.evaluate(() => {
      const s = document.getElementById('a');
      return [s.type, s.className, s.dataset.extra, s.dataset.consent];
    }),
    ['', 'keep', '1', 'analytics'],
  );
  assert.ok(
    visitor.console.includes('warning: diffo-consent: a page script has unknown category "ads"; it will never run'),
    visitor.console.join(' | '),
  );
  // Adding marketing runs the marketing scripts, and nothing twice.
  await page.evaluate(() => window.diffoConsent.set({ analytics: true, marketing: true }));
  await page.waitForFunction(() => window.order.length >= 6);
  await page.waitForTimeout(200);
  assert.deepEqual((await page.evaluate(() => window.order)).slice(4), ['marketing', 'analytics and marketing']);
  assert.equal(visitor.console.filter((m) => m.includes('unknown category')).length, 1, 'warned once');
  await visitor.close();
});

test('under a strict Content-Security-Policy with a nonce, the banner and the page scripts run', async () => {
  const nonce = 'r4nd0mN0nce';
  const csp = `default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'nonce-${nonce}'; style-src 'self'; object-src 'none'`;
  const visitor = await newVisitor(browser, { pages: pages(nonce, { 'Content-Security-Policy': csp }) });
  const page = await visitor.open(`${base}/test/scripts`);
  const violations = [];
  await page.exposeFunction('reportViolation', (v) => violations.push(v));
  await page.evaluate(() =>
    document.addEventListener('securitypolicyviolation', (e) => window.reportViolation(`${e.violatedDirective} ${e.blockedURI}`)),
  );
  await settled(page);
  // The dialog is styled: the constructed stylesheet applies under style-src 'self'.
  const background = await page.evaluate(() => {
    const dialog = document.querySelector('#diffo-consent').shadowRoot.querySelector('[role=dialog]');
    return getComputedStyle(dialog).position;
  });
  assert.equal(background, 'fixed');
  await press(page, '[data-action="reject-all"]');
  await page.evaluate(() => window.diffoConsent.set({ analytics: true }));
  await page.waitForFunction(() => window.order && window.order.length >= 4);
  assert.deepEqual(await page.evaluate(() => window.order), ['inline analytics', 'external analytics', 'after slow', 'module object']);
  assert.deepEqual(violations, [], 'the browser reported no CSP violation for our scripts');
  // The banner gives its nonce to the vendor scripts it inserts, so the
  // allowed tracker loads under a nonce-only policy too, and only that one.
  await idle(page);
  assert.deepEqual(requested(visitor), ['gtag:G-DIFFOFI00']);
  assert.equal(await page.evaluate(() => document.querySelector('script[data-diffo-consent]').nonce), nonce);
  await visitor.close();
});
