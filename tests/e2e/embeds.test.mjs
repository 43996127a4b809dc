// Social embeds behind placeholders, and the cookie declaration: in the
// settings layer and in a data-consent-declaration element.

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
  press,
  idle,
  settingsShown,
} from './harness.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(() => browser.close());

/** The placeholders' texts, in page order, once they have rendered. */
async function placeholders(page, count) {
  await page.waitForFunction(
    (n) =>
      [...document.querySelectorAll('[data-consent-embed],[data-diffo-consent-placeholder]')].filter(
        (el) => el.shadowRoot && el.shadowRoot.querySelector('.dc-embed'),
      ).length === n,
    count,
  );
  return page.evaluate(() =>
    [...document.querySelectorAll('[data-consent-embed],[data-diffo-consent-placeholder]')]
      .map((el) => el.shadowRoot && el.shadowRoot.querySelector('.dc-embed'))
      .filter(Boolean)
      .map((p) => p.querySelector('.dc-embed-title').textContent + ' | ' + p.querySelector('p + p').textContent),
  );
}

/** Clicks a control inside the placeholder of the `index`-th embed. */
const inPlaceholder = (page, selector, index) =>
  page.locator('[data-consent-embed],[data-diffo-consent-placeholder]').nth(index).locator(selector);

test('embeds show placeholders that say who gets the data; nothing loads before a click', async () => {
  const visitor = await newVisitor(browser);
  const page = await visitor.open(origin('diffo.fi') + '/');
  await settled(page);
  assert.deepEqual(await placeholders(page, 3), [
    'Facebook-sisältö | Sisällön tarjoaa Meta Platforms Ireland Limited. Jos lataat sen, Meta Platforms Ireland Limited saa tietoja käynnistäsi ja voi asettaa evästeitä.',
    'LinkedIn-sisältö | Sisällön tarjoaa LinkedIn Ireland Unlimited Company. Jos lataat sen, LinkedIn Ireland Unlimited Company saa tietoja käynnistäsi ja voi asettaa evästeitä.',
    'YouTube-sisältö | Sisällön tarjoaa Google Ireland Limited. Jos lataat sen, Google Ireland Limited saa tietoja käynnistäsi ja voi asettaa evästeitä.',
  ]);
  assert.equal(await page.evaluate(() => document.querySelector('iframe.video').hidden), true);
  await page.waitForTimeout(500);
  assert.deepEqual(requested(visitor), []);
  // The placeholders follow the dialog's language.
  await press(page, '[data-lang="en"]');
  assert.match((await placeholders(page, 3))[2], /^Content from YouTube \| This content comes from Google Ireland Limited\./);
  await visitor.close();
});

test('"load this once" loads one embed only, decides nothing, and lasts for the page view', async () => {
  const visitor = await newVisitor(browser);
  const page = await visitor.open(origin('diffosolutions.com') + '/');
  await settled(page);
  await placeholders(page, 3);
  await inPlaceholder(page, '[data-action="embed-once"]', 2).click();
  await page.waitForFunction(() => !document.querySelector('iframe.video').hidden);
  await page.waitForTimeout(300);
  assert.deepEqual(requested(visitor), ['youtube']);
  assert.equal(await page.evaluate(() => document.querySelector('iframe.video').getAttribute('src')), 'https://www.youtube-nocookie.com/embed/diffo-demo');
  assert.equal(await stored(page), null, 'no decision');
  assert.ok(await control(page, '[role=dialog]').isVisible(), 'the banner still asks');
  // "Load once" on the LinkedIn button loads LinkedIn's script only.
  await inPlaceholder(page, '[data-action="embed-once"]', 1).click();
  await idle(page);
  assert.deepEqual(requested(visitor), ['linkedin', 'youtube']);
  // The next page asks again with placeholders.
  visitor.thirdParty.length = 0;
  const next = await visitor.open(origin('diffosolutions.com') + '/');
  await settled(next);
  await placeholders(next, 3);
  assert.deepEqual(requested(visitor), []);
  await visitor.close();
});

test('"always allow social media" decides social and loads every embed at once; withdrawal brings the placeholders back', async () => {
  const visitor = await newVisitor(browser);
  const page = await visitor.open(origin('diffo.se') + '/');
  await settled(page);
  await placeholders(page, 3);
  await inPlaceholder(page, '[data-action="allow:social"]', 0).click();
  await page.waitForFunction(() => !document.querySelector('iframe.video').hidden);
  await idle(page);
  assert.deepEqual((await stored(page)).categories, { necessary: true, analytics: false, marketing: false, social: true });
  assert.deepEqual(requested(visitor), ['fbsdk:sv_SE', 'instagram', 'linkedin', 'youtube']);
  assert.equal(await control(page, '[role=dialog]').count(), 0, 'the banner made way');
  assert.equal(
    await page.evaluate(() => document.querySelector('[data-consent-embed]').shadowRoot.innerHTML),
    '<slot></slot>',
    'the buttons show their own markup now',
  );
  // Withdraw: reload, and the placeholders are back; nothing is requested.
  visitor.thirdParty.length = 0;
  const reloaded = page.waitForEvent('load');
  await page.evaluate(() => window.diffoConsent.withdraw());
  await reloaded;
  await settled(page);
  assert.equal((await placeholders(page, 3)).length, 3);
  await page.waitForTimeout(300);
  assert.deepEqual(requested(visitor), []);
  await visitor.close();
});

test('a broken embed is reported and never loads', async () => {
  const url = origin('diffo.fi') + '/test/broken-embeds';
  const visitor = await newVisitor(browser, {
    pages: {
      [url]: `<!doctype html><html lang="fi"><head><script src="/consent/consent.js" defer></script></head><body>
        <iframe data-consent="social" data-src="javascript:alert(1)"></iframe>
        <iframe data-consent="ads" data-src="https://www.youtube.com/embed/x"></iframe>
        <div data-consent-embed="tiktok">x</div></body></html>`,
    },
  });
  const page = await visitor.open(url);
  await settled(page);
  await page.evaluate(() => window.diffoConsent.acceptAll());
  await page.waitForTimeout(500);
  assert.deepEqual(requested(visitor).filter((r) => r.startsWith('other:')), []);
  for (const message of [
    `warning: diffo-consent: an embed's data-src is not an http(s) URL: "javascript:alert(1)"; it will not load`,
    'warning: diffo-consent: an embed has unknown category "ads"; it will not load',
    'warning: diffo-consent: data-consent-embed="tiktok" is not facebook, instagram or linkedin; it will not load',
  ]) {
    assert.ok(visitor.console.includes(message), `${message}\n${visitor.console.join('\n')}`);
  }
  assert.deepEqual(visitor.pageErrors, []);
  await visitor.close();
});

test('the settings list every declared cookie by category, in the visitor\'s language', async () => {
  const visitor = await newVisitor(browser);
  const page = await visitor.open(origin('diffo.se') + '/');
  await settled(page);
  await press(page, '[data-action="settings"]');
  await settingsShown(page);
  const summaries = await control(page, 'details summary').allTextContents();
  assert.deepEqual(summaries, [
    'Kakor och lagrade uppgifter (1)',
    'Kakor och lagrade uppgifter (2)',
    'Kakor och lagrade uppgifter (3)',
    'Kakor och lagrade uppgifter (4)',
  ]);
  const rows = await control(page, '.dc-table tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [...tr.children].map((td) => td.textContent)),
  );
  assert.deepEqual(rows[0], [
    'diffo-consent',
    'Diffo Solutions Oy',
    'Kommer ihåg ditt val om kakor och när du gjorde det.',
    '12 månader',
    'Webbläsarens lokala lagring',
  ]);
  assert.deepEqual(rows.map((r) => r[0]), ['diffo-consent', '_ga', '_ga_*', '_fbp', '_fbc', 'fr', 'datr', 'li_*', 'li_*', 'bcookie']);
  await visitor.close();
});

test('a data-consent-declaration element shows the declaration, the choice, its id and date, and changes or withdraws it', async () => {
  const visitor = await newVisitor(browser);
  const page = await visitor.open(origin('diffosolutions.com') + '/privacy-policy');
  await settled(page);
  const declaration = (selector) => page.locator(`[data-consent-declaration] ${selector}`);
  await declaration('h2').waitFor();
  assert.equal(await declaration('h2').textContent(), 'Your cookie choice');
  assert.equal(await declaration('p').first().textContent(), 'You have not made a choice yet.');
  assert.equal(await declaration('table').count(), 4);
  // "Change your choice" opens the settings.
  await declaration('[data-action="settings"]').click();
  await settingsShown(page);
  await press(page, '[data-action="accept-all"]');
  await page.waitForFunction(() =>
    document.querySelector('[data-consent-declaration]').shadowRoot.textContent.includes('Your anonymous consent id'),
  );
  const record = await stored(page);
  const today = new Date().toISOString().slice(0, 10);
  assert.equal(
    await declaration('p').first().textContent(),
    `You last chose on ${today}. Your anonymous consent id is ${record.id}. See the receipt of your choices`,
  );
  assert.equal(
    await declaration('p a').first().getAttribute('href'),
    `${origin('diffosolutions.com')}/consent-log/receipt/${record.id}?lang=en`,
  );
  assert.deepEqual(await declaration('.dc-state').allTextContents(), ['(Allowed)', '(Allowed)', '(Allowed)', '(Allowed)']);
  // "Withdraw consent" withdraws: the page reloads and shows the refusal.
  const reloaded = page.waitForEvent('load');
  await declaration('[data-action="withdraw"]').click();
  await reloaded;
  await settled(page);
  await page.waitForFunction(() => {
    const root = document.querySelector('[data-consent-declaration]').shadowRoot;
    return root && root.querySelectorAll('.dc-state').length === 4;
  });
  assert.deepEqual(await declaration('.dc-state').allTextContents(), [
    '(Allowed)',
    '(Not allowed)',
    '(Not allowed)',
    '(Not allowed)',
  ]);
  assert.equal((await stored(page)).id, record.id);
  await visitor.close();
});
