// Services as data: the README's recipes for adding a vendor, each loaded
// from the README itself as a site editor would copy it into a data-config,
// are listed with their company, load nothing before consent and exactly
// their script after; the LinkedIn Insight Tag's cookies go on withdrawal;
// Tag Manager gets its consent signals before its container.

import { test, before, after } from 'node:test';
import { readFileSync } from 'node:fs';
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

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The README's recipes: id → the config file's text. */
const RECIPES = Object.fromEntries(
  [...README.matchAll(/<!-- recipe: ([a-z0-9-]+) -->\n```json\n([\s\S]*?)\n```/g)].map((m) => [m[1], m[2]]),
);

/** What each recipe must give: the vendor requested once it is allowed, and
 * the page markup the recipe asks for. */
const EXPECTED = {
  'linkedin-insight': {
    vendor: 'insight',
    company: 'LinkedIn Ireland Unlimited Company',
    page: `<script type="text/plain" data-consent="service:linkedin-insight">window._linkedin_data_partner_ids = ['PARTNER_ID'];</script>`,
  },
  'microsoft-clarity': { vendor: 'clarity', company: 'Microsoft Ireland Operations Limited', page: '' },
  mailchimp: { vendor: 'mailchimp', company: 'The Rocket Science Group LLC (Mailchimp)', page: '' },
  'pipedrive-chat': {
    vendor: 'pipedrive',
    company: 'Pipedrive OÜ',
    page: `<div data-consent-embed="pipedrive-chat"></div>
      <script>window.pipedriveLeadboosterConfig = { base: 'leadbooster-chat.pipedrive.com', companyId: 1, playbookUuid: 'x', version: 2 };</script>`,
  },
  'google-tag-manager': { vendor: 'gtm:GTM-XXXXXXX', company: 'Google Ireland Limited', page: '' },
};

/** A visitor on a diffosolutions.com page whose script tag points at `recipe`. */
async function withRecipe(id) {
  const base = origin('diffosolutions.com');
  const visitor = await newVisitor(browser, {
    pages: {
      [`${base}/test/${id}.json`]: { body: RECIPES[id], contentType: 'application/json' },
      [`${base}/test/${id}`]: `<!doctype html><html lang="en"><head>
        <script src="/consent/consent.js" data-config="/test/${id}.json" defer></script></head>
        <body><h1>Recipe</h1>${EXPECTED[id].page}</body></html>`,
    },
  });
  const page = await visitor.open(`${base}/test/${id}`);
  await settled(page);
  return { visitor, page };
}

test('the README has a recipe for each vendor the issue names, and each is a valid config', () => {
  assert.deepEqual(Object.keys(RECIPES).sort(), Object.keys(EXPECTED).sort());
  for (const [id, text] of Object.entries(RECIPES)) {
    const config = JSON.parse(text);
    assert.ok(config.services.some((s) => s.id === id), id);
  }
});

for (const id of Object.keys(EXPECTED)) {
  test(`recipe ${id}: named with its company, nothing before consent, exactly its script once allowed`, async () => {
    const { vendor, company } = EXPECTED[id];
    const { visitor, page } = await withRecipe(id);
    assert.deepEqual(
      visitor.console.filter((line) => /could not start|invalid config/.test(line)),
      [],
      'the recipe is a valid config',
    );
    // The first layer names the company among those that receive data.
    assert.match(await control(page, '#dc-text').textContent(), new RegExp(`goes to [^.]*${company.replace(/[()]/g, '\\$&')}`));
    await page.waitForTimeout(300);
    assert.deepEqual(requested(visitor), [], 'nothing before consent');
    await press(page, '[data-action="settings"]');
    await settingsShown(page);
    assert.match(await control(page, `#dc-sd-${id}`).textContent(), new RegExp(`^Recipient: ${company.replace(/[()]/g, '\\$&')}`));
    await control(page, `input[data-service="${id}"]`).check();
    await press(page, '[data-action="save"]');
    await idle(page);
    assert.deepEqual(requested(visitor), [vendor]);
    assert.deepEqual(
      Object.entries((await stored(page)).services)
        .filter(([, on]) => on)
        .map(([s]) => s),
      [id],
    );
    await visitor.close();
  });
}

test('the LinkedIn Insight Tag: its partner id runs with it, and withdrawal deletes its cookies on every domain level', async () => {
  const { visitor, page } = await withRecipe('linkedin-insight');
  await page.evaluate(() => window.diffoConsent.set({ services: { 'linkedin-insight': true } }));
  await idle(page);
  assert.deepEqual(await page.evaluate(() => window._linkedin_data_partner_ids), ['PARTNER_ID']);
  const before = (await visitor.context.cookies()).map((c) => `${c.name}@${c.domain}`);
  assert.ok(before.some((c) => c.startsWith('li_fat_id@')), `the tag set li_fat_id: ${before}`);
  const reloaded = page.waitForEvent('load');
  await page.evaluate(() => window.diffoConsent.withdraw());
  await reloaded;
  await settled(page);
  await page.waitForTimeout(300);
  const after = (await visitor.context.cookies()).map((c) => `${c.name}@${c.domain}`);
  assert.ok(!after.some((c) => c.startsWith('li_fat_id@')), `li_fat_id is gone: ${after}`);
  await visitor.close();
});

test('Pipedrive chat waits behind its placeholder; "load this once" loads it for the page view without a decision', async () => {
  const { visitor, page } = await withRecipe('pipedrive-chat');
  const placeholder = page.locator('[data-consent-embed="pipedrive-chat"]');
  await page.waitForFunction(() => document.querySelector('[data-consent-embed]').shadowRoot?.querySelector('.dc-embed'));
  assert.equal(await placeholder.locator('.dc-embed-title').textContent(), 'Content from Pipedrive chat');
  assert.equal(await placeholder.locator('[data-action^="allow:"]').textContent(), 'Always allow Pipedrive chat');
  assert.deepEqual(requested(visitor), []);
  await placeholder.locator('[data-action="embed-once"]').evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await placeholder.locator('[data-action="embed-once"]').click();
  await idle(page);
  assert.deepEqual(requested(visitor), ['pipedrive']);
  assert.equal(await stored(page), null, 'no decision');
  await visitor.close();
});

test('a Tag Manager container: no request to Google before consent, the signals before the container, its start event', async () => {
  const { visitor, page } = await withRecipe('google-tag-manager');
  await page.waitForTimeout(300);
  assert.deepEqual(requested(visitor), []);
  await page.evaluate(() => window.diffoConsent.set({ analytics: true }));
  await idle(page);
  assert.deepEqual(requested(visitor), ['gtm:GTM-XXXXXXX'], 'the container, and no gtag.js of its own');
  // What the container found on dataLayer when it ran, in order.
  const queue = (await page.evaluate(() => window.__gtmDataLayer)).map((a) => JSON.parse(a));
  const consent = queue.filter((e) => Array.isArray(e) && e[0] === 'consent');
  assert.deepEqual(consent[0].slice(0, 2), ['consent', 'default']);
  assert.deepEqual(consent[1], [
    'consent',
    'update',
    { ad_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied', analytics_storage: 'granted' },
  ]);
  const start = queue.findIndex((e) => e.event === 'gtm.js');
  assert.ok(start > queue.indexOf(consent[1]), 'the start event after the update');
  assert.equal(typeof queue[start]['gtm.start'], 'number');
  const update = queue.find((e) => e.event === 'diffo_consent_update');
  assert.equal(update.diffo_consent.services['google-tag-manager'], true);
  await visitor.close();
});
