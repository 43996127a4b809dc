// Embeds behind placeholders, matched to services by host, and the cookie
// declaration: in the settings layer and in a data-consent-declaration element.

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

/** Clicks a control in the page, scrolled to the top of the window first: the
 * first layer, open at the bottom until the visitor decides, may cover it, as
 * it does for a visitor who has not scrolled. */
async function click(locator) {
  await locator.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await locator.click();
}

/** A control inside the placeholder of the `index`-th embed. */
const inPlaceholder = (page, selector, index) =>
  page.locator('[data-consent-embed],[data-diffo-consent-placeholder]').nth(index).locator(selector);

test('embeds show placeholders that say who gets the data; nothing loads before a click', async () => {
  const visitor = await newVisitor(browser);
  const page = await visitor.open(origin('diffo.fi') + '/');
  await settled(page);
  assert.deepEqual(await placeholders(page, 3), [
    'Sisältöä palvelusta Facebook | Sisällön tarjoaa Meta Platforms Ireland Limited. Jos lataat sen, Meta Platforms Ireland Limited saa tietoja käynnistäsi ja voi asettaa evästeitä.',
    'Sisältöä palvelusta LinkedIn | Sisällön tarjoaa LinkedIn Ireland Unlimited Company. Jos lataat sen, LinkedIn Ireland Unlimited Company saa tietoja käynnistäsi ja voi asettaa evästeitä.',
    'Sisältöä palvelusta YouTube | Sisällön tarjoaa Google Ireland Limited. Jos lataat sen, Google Ireland Limited saa tietoja käynnistäsi ja voi asettaa evästeitä.',
  ]);
  // "Always allow" names the service: each embed is a service of the site.
  assert.deepEqual(
    await page.evaluate(() =>
      [...document.querySelectorAll('[data-consent-embed],[data-diffo-consent-placeholder]')].map(
        (el) => el.shadowRoot.querySelector('[data-action^="allow:"]').textContent,
      ),
    ),
    ['Salli Facebook aina', 'Salli LinkedIn aina', 'Salli YouTube aina'],
  );
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
  await click(inPlaceholder(page, '[data-action="embed-once"]', 2));
  await page.waitForFunction(() => !document.querySelector('iframe.video').hidden);
  await page.waitForTimeout(300);
  assert.deepEqual(requested(visitor), ['youtube']);
  assert.equal(await page.evaluate(() => document.querySelector('iframe.video').getAttribute('src')), 'https://www.youtube-nocookie.com/embed/diffo-demo');
  assert.equal(await stored(page), null, 'no decision');
  assert.ok(await control(page, '[role=dialog]').isVisible(), 'the banner still asks');
  // "Load once" on the LinkedIn button loads LinkedIn's script only.
  await click(inPlaceholder(page, '[data-action="embed-once"]', 1));
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

test('"always allow YouTube" allows that service alone and loads its video only', async () => {
  const visitor = await newVisitor(browser);
  const page = await visitor.open(origin('diffo.se') + '/');
  await settled(page);
  await placeholders(page, 3);
  await click(inPlaceholder(page, '[data-action="allow:service:youtube"]', 2));
  await page.waitForFunction(() => !document.querySelector('iframe.video').hidden);
  await idle(page);
  const record = await stored(page);
  assert.deepEqual(record.categories, { necessary: true, analytics: false, marketing: false, social: false });
  assert.deepEqual(
    Object.keys(record.services).filter((id) => record.services[id]),
    ['youtube'],
  );
  assert.deepEqual(requested(visitor), ['youtube']);
  assert.equal(await control(page, '[role=dialog]').count(), 0, 'the banner made way');
  // The plugins still wait behind their placeholders.
  assert.equal(
    await page.evaluate(
      () => [...document.querySelectorAll('[data-consent-embed]')].filter((el) => el.shadowRoot.querySelector('.dc-embed')).length,
    ),
    2,
  );
  await visitor.close();
});

test('"always allow" on the Facebook button allows Facebook and renders the button; withdrawal brings the placeholders back', async () => {
  const visitor = await newVisitor(browser);
  const page = await visitor.open(origin('diffo.se') + '/');
  await settled(page);
  await placeholders(page, 3);
  await click(inPlaceholder(page, '[data-action="allow:service:facebook"]', 0));
  await page.waitForFunction(() => document.querySelector('[data-consent-embed]').shadowRoot.innerHTML === '<slot></slot>');
  await idle(page);
  assert.deepEqual(requested(visitor), ['fbsdk:sv_SE']);
  assert.equal((await stored(page)).services.facebook, true);
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

test('an embed of no service of the site follows its category: "always allow social media" decides the category', async () => {
  const url = origin('diffosolutions.com') + '/test/vimeo';
  const visitor = await newVisitor(browser, {
    pages: {
      [url]: `<!doctype html><html lang="en"><head><script src="/consent/consent.js" defer></script></head><body>
        <iframe data-consent="social" data-src="https://player.vimeo.com/video/1" title="A video" width="400" height="200"></iframe>
        </body></html>`,
    },
  });
  const page = await visitor.open(url);
  await settled(page);
  assert.deepEqual(await placeholders(page, 1), [
    'Content from Vimeo | This content comes from Vimeo.com, Inc. If you load it, Vimeo.com, Inc. receives data about your visit and may set cookies.',
  ]);
  await click(inPlaceholder(page, '[data-action="allow:social"]', 0));
  await page.waitForFunction(() => !document.querySelector('iframe').hidden);
  await idle(page);
  const record = await stored(page);
  assert.equal(record.categories.social, true);
  assert.deepEqual(requested(visitor), ['fbsdk:en_US', 'instagram', 'linkedin', `other:https://player.vimeo.com/video/1`]);
  await visitor.close();
});

test('a broken embed is reported and never loads', async () => {
  const url = origin('diffo.fi') + '/test/broken-embeds';
  const visitor = await newVisitor(browser, {
    pages: {
      [url]: `<!doctype html><html lang="fi"><head><script src="/consent/consent.js" defer></script></head><body>
        <iframe data-consent="social" data-src="javascript:alert(1)"></iframe>
        <iframe data-consent="ads" data-src="https://www.youtube.com/embed/x"></iframe>
        <iframe data-consent="marketing" data-src="https://www.youtube.com/embed/y"></iframe>
        <iframe data-consent="service:vimeo" data-src="https://player.vimeo.com/video/1"></iframe>
        <div data-consent-embed="tiktok">x</div></body></html>`,
    },
  });
  const page = await visitor.open(url);
  await settled(page);
  await page.evaluate(() => window.diffoConsent.acceptAll());
  await page.waitForTimeout(500);
  assert.deepEqual(requested(visitor).filter((r) => r.startsWith('other:') || r === 'youtube'), []);
  for (const message of [
    `warning: diffo-consent: an embed's data-src is not an http(s) URL: "javascript:alert(1)"; it will not load`,
    'warning: diffo-consent: an embed has unknown category "ads"; it will not load',
    'warning: diffo-consent: an embed from www.youtube.com is the service youtube (social), not marketing; it will not load',
    'warning: diffo-consent: an embed names the unknown service "vimeo"; it will not load',
    'warning: diffo-consent: data-consent-embed="tiktok" names no service of this site; it will not load',
  ]) {
    assert.ok(visitor.console.includes(message), `${message}\n${visitor.console.join('\n')}`);
  }
  assert.deepEqual(visitor.pageErrors, []);
  await visitor.close();
});

test('the settings list every declared cookie under its service, in the visitor\'s language', async () => {
  const visitor = await newVisitor(browser);
  const page = await visitor.open(origin('diffo.se') + '/');
  await settled(page);
  await press(page, '[data-action="settings"]');
  await settingsShown(page);
  const summaries = await control(page, 'details summary').allTextContents();
  // Necessary (the site's own), then Google Analytics, the Meta Pixel,
  // Facebook, Instagram, LinkedIn and YouTube.
  assert.deepEqual(
    summaries,
    [1, 3, 3, 7, 3, 5, 3].map((n) => `Kakor och lagrade uppgifter (${n})`),
  );
  const rows = await control(page, '.dc-table tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [...tr.children].map((td) => td.textContent)),
  );
  assert.deepEqual(rows[0], [
    'diffo-consent',
    'Diffo Solutions Oy',
    'Sparar ditt val om kakor, när du gjorde det och ett slumpmässigt samtyckes-id. Vår samtyckeslogg sparar samma beslut med id:t i tre år som bevis på ditt samtycke.',
    '12 månader',
    'Webbläsarens lokala lagring',
  ]);
  assert.deepEqual(rows[3], [
    '_gid',
    'Google Ireland Limited',
    'Skiljer dina besök under dagen från andras för den dagliga statistiken.',
    '24 timmar',
    'Förstapartskaka',
  ]);
  assert.deepEqual(rows.map((r) => r[0]), [
    'diffo-consent',
    '_ga',
    '_ga_*',
    '_gid',
    '_fbp',
    '_fbc',
    'fr',
    'datr',
    'fr',
    'sb',
    'wd',
    'locale',
    'c_user',
    'xs',
    'csrftoken',
    'mid',
    'ig_did',
    'bcookie',
    'bscookie',
    'lidc',
    'li_gc',
    'lang',
    'YSC',
    'VISITOR_INFO1_LIVE',
    'yt-remote-*',
  ]);
  // Each service says who receives the data and links its policy.
  assert.deepEqual(
    await control(page, 'input[data-service]').evaluateAll((els) => els.map((e) => e.id)),
    ['dc-s-google-analytics', 'dc-s-meta-pixel', 'dc-s-facebook', 'dc-s-instagram', 'dc-s-linkedin', 'dc-s-youtube'],
  );
  assert.match(await control(page, '#dc-sd-youtube').textContent(), /^Mottagare: Google Ireland Limited/);
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
  assert.equal(await declaration('table').count(), 7, "the site's own and six services'");
  // "Change your choice" opens the settings.
  await click(declaration('[data-action="settings"]'));
  await settingsShown(page);
  await press(page, '[data-action="accept-all"]');
  await page.waitForFunction(() =>
    document.querySelector('[data-consent-declaration]').shadowRoot.textContent.includes('Your consent ID is'),
  );
  const record = await stored(page);
  const today = new Date().toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  assert.equal(
    await declaration('p').first().textContent(),
    `You made your last choice on ${today}. Your consent ID is ${record.id}. It is a random code, kept in your browser and in our consent log as proof of your choice. Nothing that identifies you, such as your IP address, is stored with it. See the receipt of your choices`,
  );
  assert.equal(
    await declaration('p a').first().getAttribute('href'),
    `${origin('diffosolutions.com')}/consent-log/receipt/${record.id}?lang=en`,
  );
  // Four categories, six services.
  assert.deepEqual(await declaration('.dc-state').allTextContents(), Array(10).fill('(Allowed)'));
  // "Withdraw consent" withdraws: the page reloads and shows the refusal.
  const reloaded = page.waitForEvent('load');
  await declaration('[data-action="withdraw"]').click();
  await reloaded;
  await settled(page);
  await page.waitForFunction(() => {
    const root = document.querySelector('[data-consent-declaration]').shadowRoot;
    return root && root.querySelectorAll('.dc-state').length === 10;
  });
  assert.deepEqual(await declaration('.dc-state').allTextContents(), ['(Allowed)', ...Array(9).fill('(Not allowed)')]);
  assert.equal((await stored(page)).id, record.id);
  await visitor.close();
});
