// Shared set-up for the end-to-end tests: real headless Chromium (Debian's
// /usr/bin/chromium) driven by playwright-core, against the demo server that
// `cargo xtask test` starts (its port is in DIFFO_PORT).
//
// Every request to a host that is not loopback is intercepted, recorded and
// answered by a stub that behaves like the vendor's script
// (tools/vendor-stubs.mjs): it marks that it ran, snapshots the command queue
// it found and sets the vendor's cookies, first- and third-party. So a test
// sees exactly which trackers were requested, which ran and what they left.

import { launch } from '../../tools/chromium.mjs';
import { answer, vendorOf } from '../../tools/vendor-stubs.mjs';

export { launch, vendorOf };
import assert from 'node:assert/strict';

import { PORT, SITES, origin, everything } from '../sites.mjs';
export { PORT, SITES, origin, everything };



const isLoopback = (url) => {
  const host = new URL(url).hostname;
  return host === 'localhost' || host.endsWith('.localhost') || host === '127.0.0.1' || host === '[::1]';
};

/** What the vendors' code saw after it loaded (see the stubs). */
export const vendorLog = (page) => page.evaluate(() => JSON.parse(sessionStorage.getItem('diffo-test-log') || '[]'));

/**
 * A fresh visitor: a new browser context (no storage, no cache) whose
 * third-party requests are recorded in `visitor.thirdParty` and stubbed.
 * `pages` maps loopback URLs to HTML to serve instead of the demo server's.
 * `console` collects the console messages of every page.
 */
export async function newVisitor(browser, { pages = {}, contextOptions = {} } = {}) {
  const context = await browser.newContext(contextOptions);
  const visitor = { context, thirdParty: [], console: [], pageErrors: [] };
  // Remember every script and frame that finished loading (or failed), and
  // from which address, so that a test can wait until everything the banner
  // inserted has run. (A frame given a new address loads again: its earlier
  // load, of about:blank say, does not count.)
  await context.addInitScript(() => {
    window.__settledScripts = new WeakMap();
    const mark = (e) =>
      (e.target instanceof HTMLScriptElement || e.target instanceof HTMLIFrameElement) && window.__settledScripts.set(e.target, e.target.src);
    document.addEventListener('load', mark, true);
    document.addEventListener('error', mark, true);
  });
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (isLoopback(url)) {
      const custom = pages[url.split('#')[0]];
      if (custom !== undefined) {
        const page = typeof custom === 'string' ? { body: custom } : custom;
        return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', ...page });
      }
      return route.continue();
    }
    // The stub sets what the vendor would (tools/vendor-stubs.mjs), and logs
    // what reaches it.
    visitor.thirdParty.push(vendorOf(url));
    return answer(route, context, { log: true });
  });
  visitor.open = async (url) => {
    const page = await context.newPage();
    page.on('console', (m) => visitor.console.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => visitor.pageErrors.push(e.message));
    await page.goto(url);
    return page;
  };
  visitor.close = () => context.close();
  return visitor;
}

/** Puts `text` under the storage key before the visitor's first page loads
 * (and only then: later pages see what the banner made of it). */
export async function seedRecord(visitor, text) {
  await visitor.context.addInitScript(
    ([value]) => {
      // Only the page itself, not the frames it embeds.
      if (window !== window.top) return;
      if (!sessionStorage.getItem('seeded')) {
        localStorage.setItem('diffo-consent', value);
        sessionStorage.setItem('seeded', '1');
      }
    },
    [text],
  );
}

/** Waits until the banner has started (or failed to). */
export async function settled(page) {
  await page.evaluate(() => window.diffoConsent && window.diffoConsent.ready.catch(() => {}));
}

/** The dialog's controls, found through the open shadow root. */
export const control = (page, selector) => page.locator(`#diffo-consent ${selector}`);

/** Waits until focus is in the first layer's dialog: the banner moves it
 * there once the dialog has been on screen for a frame. */
export const dialogFocused = (page) =>
  page.waitForFunction(
    () => document.querySelector('#diffo-consent')?.shadowRoot.activeElement?.getAttribute('role') === 'dialog',
    null,
    { timeout: 5000 },
  );

/** The stored record, parsed, or null. */
export const stored = (page) => page.evaluate(() => JSON.parse(localStorage.getItem('diffo-consent')));

/** The vendors whose stubs ran in the page, sorted. */
export const ran = async (page) => (await page.evaluate(() => window.__ran || [])).sort();

/** The vendor cookies the page can see. */
export const cookieNames = async (visitor) => (await visitor.context.cookies()).map((c) => c.name).sort();

/** The exact third-party vendors requested so far, sorted. */
export const requested = (visitor) => [...visitor.thirdParty].sort();

/** Waits until the settings layer shows (it is rendered by the extra module,
 * which loads when first needed). */
export async function settingsShown(page) {
  await page.waitForFunction(() => {
    const host = document.querySelector('#diffo-consent');
    return !!(host && host.shadowRoot.querySelector('[aria-modal=true]'));
  });
}

/** Clicks a dialog control and waits for the effects to land. */
export async function press(page, selector) {
  await control(page, selector).click();
  await page.waitForTimeout(50);
}

/** Waits until every external script in the page has loaded or failed, every
 * gated embed has been decided on, and every frame given an address has
 * loaded, so the stubs of whatever the banner inserted have run. */
export async function idle(page) {
  await page.waitForFunction(() => {
    const scripts = [...document.querySelectorAll('script[src]')].filter((s) => !s.type || /javascript|module/.test(s.type));
    const embeds = [...document.querySelectorAll('iframe[data-consent][data-src],[data-consent-embed]')];
    const frames = [...document.querySelectorAll('iframe[src]')].filter((f) => f.getAttribute('src') !== 'about:blank');
    return (
      scripts.every((s) => window.__settledScripts.get(s) === s.src) &&
      embeds.every((e) => e.diffoConsentEmbed && e.diffoConsentEmbed.decided) &&
      frames.every((f) => window.__settledScripts.get(f) === f.src)
    );
  });
}

export { assert };
