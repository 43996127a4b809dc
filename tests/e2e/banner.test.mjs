// The first layer on the three demo sites: language, equal choices, and no
// consent from anything but a choice.

import { test, before, after } from 'node:test';
import { assert, launch, newVisitor, origin, settled, control, stored, requested, cookieNames, press, SITES, PORT, dialogFocused } from './harness.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(() => browser.close());

const TEXTS = {
  fi: { title: 'Käytämme evästeitä', accept: 'Hyväksy kaikki', reject: 'Hylkää kaikki', settings: 'Asetukset' },
  en: { title: 'We use cookies', accept: 'Accept all', reject: 'Reject all', settings: 'Settings' },
  sv: { title: 'Vi använder kakor', accept: 'Godkänn alla', reject: 'Avvisa alla', settings: 'Inställningar' },
};

for (const [site, { lang }] of Object.entries(SITES)) {
  test(`${site}: the banner appears in ${lang} with a privacy policy link and three equal choices`, async () => {
    const visitor = await newVisitor(browser);
    const page = await visitor.open(origin(site) + '/');
    await settled(page);
    const dialog = control(page, '[role=dialog]');
    await dialog.waitFor();
    assert.equal(await dialog.getAttribute('lang'), lang);
    assert.equal(await dialog.getAttribute('aria-modal'), 'false');
    assert.equal(await control(page, 'h2').textContent(), TEXTS[lang].title);
    const buttons = control(page, '.dc-actions button');
    assert.deepEqual(await buttons.allTextContents(), [TEXTS[lang].accept, TEXTS[lang].reject, TEXTS[lang].settings]);
    assert.deepEqual(
      await buttons.evaluateAll((els) => els.map((b) => b.dataset.action)),
      ['accept-all', 'reject-all', 'settings'],
    );
    // Same size, weight and colours: rejecting is as easy as accepting.
    const looks = await buttons.evaluateAll((els) =>
      els.map((b) => {
        const s = getComputedStyle(b);
        const r = b.getBoundingClientRect();
        return [Math.round(r.width), Math.round(r.height), s.fontWeight, s.fontSize, s.color, s.backgroundColor].join(' ');
      }),
    );
    assert.equal(new Set(looks).size, 1, `buttons differ: ${looks.join(' | ')}`);
    const policy = await control(page, '[role=dialog] a').getAttribute('href');
    assert.equal(policy, { fi: '/tietosuojaseloste', en: '/privacy-policy', sv: '/integritetspolicy' }[lang]);
    // The policy page exists on the demo site.
    assert.equal(await page.evaluate((url) => fetch(url).then((r) => r.status), policy), 200);
    // Focus moved into the dialog so that it is announced.
    await dialogFocused(page);
    assert.deepEqual(requested(visitor), []);
    await visitor.close();
  });
}

test('waiting, scrolling, Escape and clicking the page record nothing and load nothing', async () => {
  const visitor = await newVisitor(browser);
  const page = await visitor.open(origin('diffo.fi') + '/');
  await settled(page);
  await page.waitForTimeout(1500);
  await page.mouse.wheel(0, 2000);
  await page.keyboard.press('Escape');
  await page.mouse.click(10, 200);
  await page.keyboard.press('Escape');
  await page.waitForTimeout(500);
  assert.equal(await stored(page), null);
  assert.equal(await page.evaluate(() => window.diffoConsent.get()), null);
  assert.ok(await control(page, '[role=dialog]').isVisible(), 'the banner is still there');
  assert.deepEqual(requested(visitor), []);
  assert.deepEqual(await cookieNames(visitor), []);
  assert.deepEqual(await page.evaluate(() => window.__ran || []), []);
  // Only the Consent Mode default was queued, all denied.
  const dataLayer = await page.evaluate(() => window.dataLayer.map((a) => Array.from(a)));
  assert.equal(dataLayer.length, 1);
  assert.deepEqual(dataLayer[0].slice(0, 2), ['consent', 'default']);
  assert.ok(Object.entries(dataLayer[0][2]).every(([k, v]) => k === 'wait_for_update' || v === 'denied'));
  await visitor.close();
});

test('the language switch re-renders in place and the choice follows the visitor', async () => {
  const visitor = await newVisitor(browser);
  const page = await visitor.open(origin('diffo.fi') + '/');
  await settled(page);
  await press(page, '[data-lang="sv"]');
  assert.equal(await control(page, '[role=dialog]').getAttribute('lang'), 'sv');
  assert.equal(await control(page, 'h2').textContent(), TEXTS.sv.title);
  assert.equal(await control(page, '[data-lang="sv"]').getAttribute('aria-pressed'), 'true');
  assert.equal(await control(page, '[data-lang="fi"]').getAttribute('aria-pressed'), 'false');
  assert.equal(
    await page.evaluate(() => document.querySelector('#diffo-consent').shadowRoot.activeElement.dataset.lang),
    'sv',
    'focus stays on the language switch',
  );
  await press(page, '[data-action="reject-all"]');
  const record = await stored(page);
  assert.equal(record.lang, 'sv');
  assert.equal(record.chosenLang, 'sv');
  // On the next page the Finnish site speaks Swedish to this visitor.
  const next = await visitor.open(origin('diffo.fi') + '/tietosuojaseloste');
  await settled(next);
  assert.equal(await control(next, '[data-action="reopen"]').getAttribute('lang'), 'sv');
  assert.equal(await control(next, '[data-action="reopen"]').textContent(), 'Kakinställningar');
  await visitor.close();
});

test('<html lang> beats the site default, and data-lang beats <html lang>', async () => {
  const url = origin('diffo.fi') + '/test/lang';
  const page = (htmlLang, dataLang) =>
    `<!doctype html><html lang="${htmlLang}"><head><script src="/consent/consent.js" defer ${
      dataLang ? `data-lang="${dataLang}"` : ''
    }></script></head><body><p>x</p></body></html>`;
  for (const [htmlLang, dataLang, expected] of [
    ['en-GB', null, 'en'],
    ['de', null, 'fi'],
    ['en', 'sv', 'sv'],
  ]) {
    const visitor = await newVisitor(browser, { pages: { [url]: page(htmlLang, dataLang) } });
    const p = await visitor.open(url);
    await settled(p);
    assert.equal(await control(p, '[role=dialog]').getAttribute('lang'), expected, `${htmlLang} ${dataLang}`);
    await visitor.close();
  }
});

test('the demo landing page lists the three sites', async () => {
  const visitor = await newVisitor(browser);
  const page = await visitor.open(`http://127.0.0.1:${PORT}/`);
  const links = await page.locator('a').evaluateAll((as) => as.map((a) => new URL(a.href).hostname));
  assert.deepEqual(links, ['diffo.fi.localhost', 'diffosolutions.com.localhost', 'diffo.se.localhost']);
  await visitor.close();
});
