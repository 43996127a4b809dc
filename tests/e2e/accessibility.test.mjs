// Accessibility and the regulators' rules, proven on the rendered dialog:
// axe-core finds no violation in either layer, for the three sites (three
// languages), light and dark, desktop and phone; reject is as prominent as
// accept and both are readable; nothing is pre-ticked; the reopen control is
// on every page and reaches every choice in one step; every control is
// named in the visitor's language; reduced motion turns animation off.
// Screenshots of every combination go to tests/e2e/artifacts/screenshots/.

import { test, before, after } from 'node:test';
import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { assert, launch, newVisitor, origin, settled, control, press, settingsShown, SITES } from './harness.mjs';
import { contrastOf, looksOf } from '../../tools/page-checks.mjs';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SHOTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'artifacts', 'screenshots');

let browser;
before(async () => {
  browser = await launch();
  mkdirSync(SHOTS, { recursive: true });
});
after(() => browser.close());

const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 375, height: 740 } };

/** axe-core's violations inside #diffo-consent, as short lines. */
async function axeViolations(page) {
  if (!(await page.evaluate(() => !!window.axe))) await page.addScriptTag({ content: AXE });
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run({ include: [['#diffo-consent']] }, { resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  return violations;
}

for (const [site, { lang }] of Object.entries(SITES)) {
  for (const scheme of ['light', 'dark']) {
    for (const [device, viewport] of Object.entries(VIEWPORTS)) {
      test(`${site} (${lang}), ${scheme}, ${device}: both layers pass axe and the rules; screenshots`, async () => {
        const visitor = await newVisitor(browser, { contextOptions: { colorScheme: scheme, viewport } });
        const page = await visitor.open(origin(site) + '/');
        await settled(page);
        await page.waitForTimeout(300); // the entrance animation
        const shot = (layer) => path.join(SHOTS, `${site}-${layer}-${device}-${scheme}.png`);

        // The first layer.
        assert.deepEqual(await axeViolations(page), [], 'first layer');
        await page.screenshot({ path: shot('banner') });
        const accept = control(page, '[data-action="accept-all"]');
        const reject = control(page, '[data-action="reject-all"]');
        const [acceptLooks, rejectLooks] = [await accept.evaluate(looksOf), await reject.evaluate(looksOf)];
        assert.ok(rejectLooks.visible, 'reject all is on the first layer');
        assert.deepEqual(rejectLooks, acceptLooks, 'reject looks exactly like accept');
        for (const [name, button] of [['accept all', accept], ['reject all', reject]]) {
          const ratio = await button.evaluate(contrastOf);
          assert.ok(ratio >= 4.5, `${name} text contrast ${ratio}:1 is below 4.5:1`);
        }
        // Every text in the dialog is readable.
        const texts = await control(page, 'h2, p, a, button').evaluateAll((els, fn) => {
          const contrast = new Function(`return (${fn})`)();
          return els.map((el) => [el.textContent.trim().slice(0, 30), contrast(el)]);
        }, contrastOf.toString());
        for (const [text, ratio] of texts) assert.ok(ratio >= 4.5, `"${text}" has contrast ${ratio}:1`);

        // The settings layer: nothing pre-ticked.
        await press(page, '[data-action="settings"]');
        await settingsShown(page);
        await page.waitForTimeout(300);
        assert.deepEqual(await axeViolations(page), [], 'settings layer');
        await page.screenshot({ path: shot('settings') });
        const switches = await control(page, 'input[data-category]').evaluateAll((els) =>
          els.map((e) => [e.dataset.category, e.checked, e.disabled]),
        );
        assert.deepEqual(switches, [
          ['necessary', true, true],
          ['analytics', false, false],
          ['marketing', false, false],
          ['social', false, false],
        ]);
        await visitor.close();
      });
    }
  }
}

test('every control has an accessible name in the visitor\'s language', async () => {
  const expected = {
    'diffo.fi': ['button "Hyväksy kaikki"', 'button "Hylkää kaikki"', 'button "Asetukset"', 'link "Lue tietosuojaseloste"', 'group "Kieli"'],
    'diffosolutions.com': ['button "Accept all"', 'button "Reject all"', 'button "Settings"', 'link "Read our privacy policy"', 'group "Language"'],
    'diffo.se': ['button "Godkänn alla"', 'button "Avvisa alla"', 'button "Inställningar"', 'link "Läs vår integritetspolicy"', 'group "Språk"'],
  };
  // Categories are checkboxes, with a mixed state when some of their
  // services are on; each service is a switch of its own.
  const services = ['switch "Google Analytics"', 'switch "Meta Pixel"', 'switch "Facebook"', 'switch "Instagram"', 'switch "LinkedIn"', 'switch "YouTube"'];
  const settingsNames = {
    'diffo.fi': ['dialog "Evästeasetukset"', 'button "Sulje evästeasetukset"', 'checkbox "Analytiikka"', 'checkbox "Markkinointi"', 'checkbox "Sosiaalinen media"', ...services, 'link "Yrityksen Google Ireland Limited tietosuojaseloste"', 'button "Tallenna valinnat"'],
    'diffosolutions.com': ['dialog "Cookie settings"', 'button "Close cookie settings"', 'checkbox "Analytics"', 'checkbox "Marketing"', 'checkbox "Social media"', ...services, 'link "Privacy policy of Google Ireland Limited"', 'button "Save my choices"'],
    'diffo.se': ['dialog "Kakinställningar"', 'button "Stäng kakinställningarna"', 'checkbox "Analys"', 'checkbox "Marknadsföring"', 'checkbox "Sociala medier"', ...services, 'link "Integritetspolicy för Google Ireland Limited"', 'button "Spara mina val"'],
  };
  for (const site of Object.keys(SITES)) {
    const visitor = await newVisitor(browser);
    const page = await visitor.open(origin(site) + '/');
    await settled(page);
    const banner = await page.locator('#diffo-consent').ariaSnapshot();
    for (const line of expected[site]) assert.ok(banner.includes(line), `${site}: ${line}\n${banner}`);
    // No control without a name.
    assert.ok(!/(button|link|switch|checkbox)\s*$/m.test(banner), banner);
    await press(page, '[data-action="settings"]');
    await settingsShown(page);
    const settings = await page.locator('#diffo-consent').ariaSnapshot();
    for (const line of settingsNames[site]) assert.ok(settings.includes(line), `${site}: ${line}\n${settings}`);
    assert.ok(!/(button|link|switch|checkbox)\s*$/m.test(settings), settings);
    await visitor.close();
  }
});

test('the first layer names who receives data, in every language, and fits a 375 × 667 phone with its three choices in view', async () => {
  const recipients = {
    'diffo.fi': 'Tällöin tietoja käynnistäsi saavat myös Google Ireland Limited, Meta Platforms Ireland Limited ja LinkedIn Ireland Unlimited Company. Ne voivat siirtää tietoja Yhdysvaltoihin',
    'diffosolutions.com': 'Data about your visit then also goes to Google Ireland Limited, Meta Platforms Ireland Limited and LinkedIn Ireland Unlimited Company. They may transfer the data to the United States',
    'diffo.se': 'Uppgifter om ditt besök går då även till Google Ireland Limited, Meta Platforms Ireland Limited och LinkedIn Ireland Unlimited Company. De kan föra över uppgifterna till USA',
  };
  for (const site of Object.keys(SITES)) {
    // With Global Privacy Control the dialog has a notice more to fit.
    for (const gpc of [false, true]) {
      const visitor = await newVisitor(browser, { contextOptions: { viewport: { width: 375, height: 667 } } });
      if (gpc) {
        await visitor.context.addInitScript(() =>
          Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }),
        );
      }
      const page = await visitor.open(origin(site) + '/');
      await settled(page);
      await page.waitForTimeout(300); // the entrance animation
      assert.ok((await control(page, '#dc-text').textContent()).includes(recipients[site]), site);
      const dialog = await control(page, '[role=dialog]').boundingBox();
      assert.ok(dialog.y >= 0 && dialog.y + dialog.height <= 667, `${site} gpc=${gpc}: the dialog is on the screen: ${JSON.stringify(dialog)}`);
      for (const action of ['accept-all', 'reject-all', 'settings']) {
        const box = await control(page, `[data-action="${action}"]`).boundingBox();
        assert.ok(box.y >= 0 && box.y + box.height <= 667 && box.x >= 0 && box.x + box.width <= 375, `${site} gpc=${gpc}: ${action} in view: ${JSON.stringify(box)}`);
        // Nothing covers it: a tap there reaches the button.
        const hit = await page.evaluate(
          ([x, y]) => document.querySelector('#diffo-consent').shadowRoot.elementFromPoint(x, y)?.getAttribute('data-action'),
          [box.x + box.width / 2, box.y + box.height / 2],
        );
        assert.equal(hit, action, `${site} gpc=${gpc}: ${action} is not covered`);
      }
      await visitor.close();
    }
  }
});

test('prefers-reduced-motion turns the animation off', async () => {
  for (const [motion, expected] of [
    ['no-preference', 'dc-in'],
    ['reduce', 'none'],
  ]) {
    const visitor = await newVisitor(browser, { contextOptions: { reducedMotion: motion } });
    const page = await visitor.open(origin('diffo.fi') + '/');
    await settled(page);
    assert.equal(await control(page, '[role=dialog]').evaluate((el) => getComputedStyle(el).animationName), expected, motion);
    await visitor.close();
  }
});

test('after a decision, every page has the reopen control, and one click reaches every choice', async () => {
  const pages = {
    'diffo.fi': ['/', '/tietosuojaseloste'],
    'diffosolutions.com': ['/', '/privacy-policy'],
    'diffo.se': ['/', '/integritetspolicy'],
  };
  for (const [site, paths] of Object.entries(pages)) {
    const visitor = await newVisitor(browser);
    const first = await visitor.open(origin(site) + '/');
    await settled(first);
    // Giving consent took one click on the first layer.
    await press(first, '[data-action="reject-all"]');
    for (const p of paths) {
      const page = await visitor.open(origin(site) + p);
      await settled(page);
      const reopen = control(page, '[data-action="reopen"]');
      assert.ok(await reopen.isVisible(), `${site}${p}: the reopen control shows`);
      await reopen.click();
      await settingsShown(page);
      // One click away: accept all, reject all, and each category.
      for (const selector of ['[data-action="accept-all"]', '[data-action="reject-all"]', '[data-action="save"]']) {
        assert.ok(await control(page, selector).isVisible(), `${site}${p}: ${selector}`);
      }
      assert.equal(await control(page, 'input[data-category]:not([disabled])').count(), 3);
      await page.close();
    }
    await visitor.close();
  }
});
