// `cargo xtask audit URL`: checks any page's cookie consent in headless
// Chromium and reports, in plain words, what loads before consent, after
// "reject" and after "accept", whether reject is as easy as accept, whether
// anything is pre-ticked, and what axe-core finds in the dialog. It works
// with this project's banner, with other banners (found by their buttons'
// words in English, Finnish, Swedish and German), and with none.
//
// Usage: node tools/audit.mjs URL [--stub-third-parties] [--json]
//   --stub-third-parties  answer third-party requests locally with stubs that
//                         set what each vendor sets (tools/vendor-stubs.mjs),
//                         so that nothing leaves this machine
//   --json                print the report as JSON
// Exit status: 0 when every rule holds, 1 when one is broken, 2 when the
// audit could not run.

import { launch } from './chromium.mjs';
import { answer } from './vendor-stubs.mjs';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { contrastOf, looksOf } from './page-checks.mjs';


// Cookie and storage names that trackers use (a trailing * is a prefix).
const TRACKER_NAMES = [
  '_ga', '_ga_*', '_gid', '_gat*', '_gcl_*', '__utm*', '_fbp', '_fbc', 'fr', 'datr', 'li_*', 'bcookie', 'bscookie',
  'lidc', 'UserMatchHistory', 'AnalyticsSyncHistory', 'IDE', 'test_cookie', '_uetsid', '_uetvid', 'MUID', '_hj*',
  '_clck', '_clsk', '_tt_*', '_pin_unauth', 'ig_did', 'mid',
];

// The words of consent buttons, by what they do.
const WORDS = {
  accept: /^(accept|accept all|accept all cookies|allow all|allow all cookies|agree|i agree|ok|hyväksy|hyväksy kaikki|salli kaikki|godkänn|godkänn alla|acceptera|acceptera alla|tillåt alla|alle akzeptieren|akzeptieren|zustimmen)$/i,
  reject: /^(reject|reject all|decline|decline all|deny|refuse|only necessary|necessary only|use necessary cookies only|hylkää|hylkää kaikki|kieltäydy|vain välttämättömät|avvisa|avvisa alla|neka|endast nödvändiga|ablehnen|alle ablehnen|nur notwendige)$/i,
  settings: /^(settings|cookie settings|preferences|customi[sz]e|manage|manage cookies|options|asetukset|evästeasetukset|valitse|inställningar|kakinställningar|anpassa|einstellungen)$/i,
};

const USAGE = 'usage: audit URL [--stub-third-parties] [--json]';

function parseArgs(argv) {
  const args = { url: null, stub: false, json: false };
  for (const a of argv) {
    if (a === '--stub-third-parties') args.stub = true;
    else if (a === '--json') args.json = true;
    else if (!args.url && /^https?:\/\//.test(a)) args.url = a;
    else {
      console.error(`audit: unexpected argument ${a}\n${USAGE}`);
      process.exit(2);
    }
  }
  if (!args.url) {
    console.error(USAGE);
    process.exit(2);
  }
  return args;
}

/** The site a host belongs to: its last two labels (three for a few two-level
 * public suffixes), and names under .localhost by what comes before it. */
function siteOf(host) {
  const local = host.endsWith('.localhost');
  const labels = (local ? host.slice(0, -'.localhost'.length) : host).replace(/^www\./, '').split('.');
  if (/^[\d.]+$/.test(host) || host === 'localhost' || host.startsWith('[')) return host;
  const twoLevel = /^(co|com|org|net|ac|gov)\.[a-z]{2}$/.test(labels.slice(-2).join('.'));
  const site = labels.slice(twoLevel ? -3 : -2).join('.');
  return local ? `${site}.localhost` : site;
}

const matches = (name) => TRACKER_NAMES.some((p) => (p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : name === p));

/** Whether `host` is `domain` or under it (a leading dot is ignored). */
const under = (host, domain) => {
  const d = domain.replace(/^\./, '');
  return host === d || host.endsWith(`.${d}`);
};

/** Whether a cookie on `domain` is third-party for a page on `host` (of
 * `site`): it is first-party when it belongs to the page's site, or when the
 * page's host is under its domain (as a cookie on .fi.localhost is for
 * diffo.fi.localhost, whose site siteOf takes to be diffo.fi.localhost). */
const thirdParty = (domain, host, site) => siteOf(domain.replace(/^\./, '')) !== site && !under(host, domain);

/** A URL as the report shows it: host, path and the start of the query. */
const shortUrl = (url) => {
  const u = new URL(url);
  return u.host + u.pathname + (u.search.length > 40 ? u.search.slice(0, 40) + '…' : u.search);
};

/** A fresh visitor that records third-party requests, and with `stub`
 * answers them with the vendors' stubs. */
async function visitor(browser, url, stub) {
  const context = await browser.newContext({ bypassCSP: true });
  const site = siteOf(new URL(url).hostname);
  const requests = [];
  await context.route('**/*', async (route) => {
    const u = new URL(route.request().url());
    if (!/^https?:$/.test(u.protocol) || siteOf(u.hostname) === site) return route.continue();
    requests.push(shortUrl(u.href));
    if (!stub) return route.continue();
    await answer(route, context);
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { context, page, requests, site, host: new URL(url).hostname, errors };
}

async function open(v, url) {
  try {
    await v.page.goto(url, { waitUntil: 'load', timeout: 30_000 });
  } catch (e) {
    throw new Error(`could not open ${url}: ${e.message.split('\n')[0]}`);
  }
  await v.page.waitForTimeout(2500);
}

/** Cookies (third-party ones marked) and storage keys the page holds. */
async function holdings(v) {
  const cookies = (await v.context.cookies()).map((c) => {
    const domain = c.domain.replace(/^\./, '');
    const third = thirdParty(domain, v.host, v.site);
    return { name: c.name, domain, third, tracker: third || matches(c.name) };
  });
  const storage = await v.page
    .evaluate(() => {
      const keys = (get) => {
        try {
          return Object.keys(get());
        } catch (e) {
          return [];
        }
      };
      return [
        ...keys(() => localStorage).map((k) => ({ name: k, where: 'local' })),
        ...keys(() => sessionStorage).map((k) => ({ name: k, where: 'session' })),
      ];
    })
    .catch(() => []);
  return { cookies, storage: storage.map((s) => ({ ...s, tracker: matches(s.name) })) };
}

/** The consent controls: this project's contract first, then by their words,
 * in the document and in open shadow roots. Marks them with data-audit. */
async function findControls(page) {
  return page.evaluate((words) => {
    const patterns = Object.fromEntries(Object.entries(words).map(([k, v]) => [k, new RegExp(v.source, v.flags)]));
    const visible = (el) => {
      const r = el.getBoundingClientRect();
      const s = getComputedStyle(el);
      return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
    };
    const roots = [document];
    for (let i = 0; i < roots.length; i++) {
      for (const el of roots[i].querySelectorAll('*')) if (el.shadowRoot) roots.push(el.shadowRoot);
    }
    const found = {};
    const ours = document.querySelector('#diffo-consent');
    if (ours && ours.shadowRoot) {
      for (const [kind, action] of [['accept', 'accept-all'], ['reject', 'reject-all'], ['settings', 'settings']]) {
        const el = ours.shadowRoot.querySelector(`[data-action="${action}"]`);
        if (el && visible(el)) found[kind] = el;
      }
    }
    for (const root of roots) {
      for (const el of root.querySelectorAll('button, a, [role=button], input[type=button], input[type=submit]')) {
        if (!visible(el)) continue;
        const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ');
        for (const [kind, re] of Object.entries(patterns)) {
          if (!found[kind] && re.test(text)) found[kind] = el;
        }
      }
    }
    const out = {};
    for (const [kind, el] of Object.entries(found)) {
      el.setAttribute('data-audit', kind);
      out[kind] = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ');
    }
    // The dialog: the nearest ancestor that holds both accept and reject, or the banner host.
    const host = (el) => el && (el.getRootNode().host || null);
    const dialog = ours || host(found.accept) || (found.accept && found.accept.closest('[role=dialog], [aria-modal], dialog, section, div'));
    if (dialog) dialog.setAttribute('data-audit-dialog', '');
    return out;
  }, { accept: { source: WORDS.accept.source, flags: 'i' }, reject: { source: WORDS.reject.source, flags: 'i' }, settings: { source: WORDS.settings.source, flags: 'i' } });
}

/** A control found by findControls, through shadow roots. */
function control(page, kind) {
  return page.locator(`[data-audit="${kind}"]`);
}

async function axeViolations(page, axe) {
  if (!(await page.evaluate(() => !!window.axe))) await page.addScriptTag({ content: axe });
  return page.evaluate(async () => {
    const target = document.querySelector('[data-audit-dialog]');
    if (!target) return [];
    const r = await window.axe.run(target, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length}×)`);
  });
}

/** Checkboxes and switches that are on and can be turned off, in the dialog. */
async function preTicked(page) {
  return page.evaluate(() => {
    const dialog = document.querySelector('[data-audit-dialog]');
    if (!dialog) return { total: 0, on: [] };
    const roots = [dialog, ...(dialog.shadowRoot ? [dialog.shadowRoot] : [])];
    const boxes = roots.flatMap((r) => [...r.querySelectorAll('input[type=checkbox], [role=switch]')]);
    const on = boxes.filter((b) => (b.checked || b.getAttribute('aria-checked') === 'true') && !b.disabled);
    const label = (b) => (b.labels && b.labels[0] ? b.labels[0].textContent.trim().replace(/\s+/g, ' ') : '');
    const name = (b) => b.getAttribute('data-category') || b.getAttribute('aria-label') || label(b) || b.id || b.name || 'a switch';
    return { total: boxes.length, fixed: boxes.filter((b) => b.disabled && b.checked).length, on: on.map(name) };
  });
}

async function audit(args) {
  const axe = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  const browser = await launch();
  const report = { url: args.url, chromium: browser.version(), stubbed: args.stub, phases: {}, first: {}, rules: [] };
  try {
    // Before consent: load, wait, scroll, wait.
    const before = await visitor(browser, args.url, args.stub);
    await open(before, args.url);
    await before.page.mouse.wheel(0, 2000);
    await before.page.waitForTimeout(1000);
    report.phases.before = { requests: [...before.requests], ...(await holdings(before)) };
    report.controls = await findControls(before.page);
    if (report.controls.accept || report.controls.reject) {
      const looks = {};
      for (const kind of ['accept', 'reject']) {
        if (!report.controls[kind]) continue;
        looks[kind] = {
          ...(await control(before.page, kind).evaluate(looksOf)),
          contrast: await control(before.page, kind).evaluate(contrastOf),
        };
      }
      report.first.looks = looks;
      report.first.axe = await axeViolations(before.page, axe);
      report.first.preTicked = await preTicked(before.page);
      if (report.controls.settings) {
        await control(before.page, 'settings').click();
        await before.page.waitForTimeout(1500);
        await findControls(before.page);
        report.second = { axe: await axeViolations(before.page, axe), preTicked: await preTicked(before.page) };
      }
    }
    await before.context.close();

    for (const kind of ['reject', 'accept']) {
      if (!report.controls[kind]) continue;
      const v = await visitor(browser, args.url, args.stub);
      await open(v, args.url);
      await findControls(v.page);
      const clickedAt = v.requests.length;
      await control(v.page, kind).click();
      await v.page.waitForTimeout(3000);
      const phase = { requests: v.requests.slice(clickedAt), ...(await holdings(v)) };
      phase.requestsBefore = v.requests.slice(0, clickedAt);
      const nextAt = v.requests.length;
      await v.page.reload({ waitUntil: 'load' }).catch(() => {});
      await v.page.waitForTimeout(2500);
      phase.nextPage = { requests: v.requests.slice(nextAt), ...(await holdings(v)) };
      report.phases[kind] = phase;
      await v.context.close();
    }
  } finally {
    await browser.close();
  }
  judge(report);
  return report;
}

function judge(report) {
  const rule = (name, ok, detail) => report.rules.push({ name, ok, detail });
  const before = report.phases.before;
  const trackersOf = (phase) => [
    ...phase.cookies.filter((c) => c.tracker).map((c) => `cookie ${c.name} (${c.domain})`),
    ...phase.storage.filter((s) => s.tracker).map((s) => `${s.where} storage ${s.name}`),
  ];
  rule('nothing third-party is requested before consent', before.requests.length === 0, before.requests.join(', ') || 'none');
  const early = trackersOf(before);
  rule('no tracker cookies or storage before consent', early.length === 0, early.join(', ') || 'none');
  const c = report.controls;
  if (!c.accept && !c.reject) {
    report.dialog = false;
    return;
  }
  report.dialog = true;
  rule('reject is on the first layer', !!c.reject, c.reject ? `"${c.reject}"` : 'no reject button without opening anything');
  const { accept, reject } = report.first.looks;
  if (accept && reject) {
    const differences = ['width', 'height', 'fontWeight', 'fontSize', 'color', 'background', 'border'].filter(
      (k) => (k === 'width' || k === 'height' ? Math.abs(accept[k] - reject[k]) > 2 : accept[k] !== reject[k]),
    );
    rule(
      'reject looks like accept (size, weight, colours)',
      differences.length === 0,
      differences.length
        ? differences.map((k) => `${k}: accept ${accept[k]}, reject ${reject[k]}`).join('; ')
        : `${reject.width}×${reject.height} px, weight ${reject.fontWeight}, same colours`,
    );
  }
  const contrasts = Object.entries(report.first.looks).map(([k, v]) => [k, v.contrast]);
  rule(
    'accept and reject have text contrast of at least 4.5:1',
    contrasts.every(([, r]) => r >= 4.5),
    contrasts.map(([k, r]) => `${k} ${r}:1`).join(', '),
  );
  const ticked = [...new Set([...report.first.preTicked.on, ...(report.second ? report.second.preTicked.on : [])])];
  const layer = report.second && report.second.preTicked.total > report.first.preTicked.total ? report.second : report.first;
  const { total, fixed } = layer.preTicked;
  rule(
    'nothing is pre-ticked',
    ticked.length === 0,
    ticked.length ? `on: ${ticked.join(', ')}` : `${total} switches, none on${fixed ? ` but ${fixed} locked on (necessary)` : ''}`,
  );
  if (report.phases.reject) {
    const r = report.phases.reject;
    const loaded = [...r.requestsBefore, ...r.requests, ...r.nextPage.requests];
    const kept = [...trackersOf(r), ...trackersOf(r.nextPage)];
    rule(
      'after reject: nothing third-party and no tracker cookies, also on the next page',
      loaded.length === 0 && kept.length === 0,
      [...new Set([...loaded, ...kept])].join(', ') || 'none',
    );
  }
  const axe = [...new Set([...report.first.axe, ...(report.second ? report.second.axe : [])])];
  rule('axe-core finds no violation in the dialog', axe.length === 0, axe.join('; ') || `${report.second ? 'both layers' : 'first layer'} checked`);
}

function words(report) {
  const out = [];
  const list = (items) => (items.length ? items.join(', ') : 'none');
  const cookies = (p) => list(p.cookies.map((c) => `${c.name} (${c.domain}${c.third ? ', third party' : ''}${c.tracker ? ', tracker' : ''})`));
  const storage = (p) => list(p.storage.map((s) => `${s.name} (${s.where}${s.tracker ? ', tracker' : ''})`));
  out.push(`Audit of ${report.url}`);
  out.push(`Chromium ${report.chromium}${report.stubbed ? '; third-party requests answered locally' : ''}`);
  out.push('');
  if (report.dialog) {
    const c = report.controls;
    out.push(`Consent dialog: found; accept "${c.accept || '-'}", reject "${c.reject || '-'}", settings "${c.settings || '-'}"`);
  } else {
    out.push('Consent dialog: none found.');
  }
  const phases = [
    ['Before consent', report.phases.before],
    ['After "reject"', report.phases.reject],
    ['After "accept"', report.phases.accept],
  ];
  for (const [title, p] of phases) {
    if (!p) continue;
    out.push('', title);
    out.push(`  third-party requests: ${list(p.requests)}`);
    out.push(`  cookies: ${cookies(p)}`);
    out.push(`  storage: ${storage(p)}`);
    if (p.nextPage) out.push(`  on the next page: third-party requests: ${list(p.nextPage.requests)}`);
  }
  out.push('', 'Rules');
  for (const r of report.rules) out.push(`  ${r.ok ? 'ok    ' : 'BROKEN'}  ${r.name}: ${r.detail}`);
  const broken = report.rules.filter((r) => !r.ok).length;
  out.push('');
  if (!report.dialog && broken === 0) out.push('Result: no consent dialog, and nothing on the page needed one.');
  else out.push(broken ? `Result: ${broken} rule${broken > 1 ? 's' : ''} broken.` : 'Result: every rule holds.');
  return out.join('\n');
}

const args = parseArgs(process.argv.slice(2));
try {
  const report = await audit(args);
  console.log(args.json ? JSON.stringify(report, null, 2) : words(report));
  process.exit(report.rules.some((r) => !r.ok) ? 1 : 0);
} catch (e) {
  console.error(`audit: ${e.message}`);
  process.exit(2);
}
