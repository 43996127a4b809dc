// `cargo xtask audit URL`: checks any page's cookie consent in headless
// Chromium and reports, in plain words, what loads before consent, after
// "reject" and after "accept", whether reject is as easy as accept, whether
// anything is pre-ticked, and what axe-core finds in the dialog. It works
// with this project's banner, with other banners (found by their buttons'
// words in English, Finnish, Swedish and German), and with none.
//
// With --declaration it checks instead the page's own cookie declaration
// (window.diffoConsent.declaration()) against every cookie and storage key
// that really appears once a visitor accepts everything, and says what set
// each one.
//
// Usage: node tools/audit.mjs URL [--declaration] [--stub-third-parties] [--json]
//   --declaration         compare what appears with the page's declaration
//   --stub-third-parties  answer third-party requests locally with stubs that
//                         set what each vendor sets (tools/vendor-stubs.mjs),
//                         so that nothing leaves this machine
//   --json                print the report as JSON
// Exit status: 0 when every rule holds (with --declaration: everything seen
// is declared, with the right party), 1 when one is broken, 2 when the audit
// could not run.

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

const USAGE = 'usage: audit URL [--declaration] [--stub-third-parties] [--json]';

function parseArgs(argv) {
  const args = { url: null, stub: false, json: false, declaration: false };
  for (const a of argv) {
    if (a === '--stub-third-parties') args.stub = true;
    else if (a === '--json') args.json = true;
    else if (a === '--declaration') args.declaration = true;
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
 * answers them with the vendors' stubs, keeping what each stub set in
 * `stubbed` (the cookies of its answer, and the request it answered). */
async function visitor(browser, url, stub) {
  const context = await browser.newContext({ bypassCSP: true });
  const site = siteOf(new URL(url).hostname);
  const requests = [];
  const stubbed = [];
  await context.route('**/*', async (route) => {
    const u = new URL(route.request().url());
    if (!/^https?:$/.test(u.protocol) || siteOf(u.hostname) === site) return route.continue();
    requests.push(shortUrl(u.href));
    if (!stub) return route.continue();
    const did = await answer(route, context);
    for (const c of did.cookies) stubbed.push({ ...c, host: u.hostname, by: u.href });
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { context, page, requests, stubbed, site, host: new URL(url).hostname, errors };
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

// ---------------------------------------------------------------------------
// --declaration: what appears, against what the page declares.

const KINDS = ['cookie', 'localStorage', 'sessionStorage'];
const PARTIES = ['first', 'third'];
const CATEGORIES = ['necessary', 'analytics', 'marketing', 'social'];

// Run in every frame before the page's own scripts: it wraps the setters
// through which a script stores something (document.cookie, cookieStore.set,
// Storage.prototype.setItem), and reports each write, with the URL of the
// script that made it, taken from a stack trace, to the audit. The
// sourceURL names this script in those traces, so that its own frames can
// be skipped. A deletion (an expiry in the past) is not a write, and a write
// the browser refuses does no harm: only names that really appear in the
// browser are reported, and these writes only say who set them.
const WATCH = `(() => {
  const send = (record) => {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 50;
    const stack = String(new Error().stack || '');
    Error.stackTraceLimit = limit;
    record.script = null;
    for (const line of stack.split('\\n')) {
      if (line.includes('diffo-audit-watch.js')) continue;
      const m = /(https?:\\/\\/[^\\s()]+?):\\d+:\\d+/.exec(line);
      if (m) { record.script = m[1]; break; }
    }
    record.document = location.href.split('#')[0];
    record.host = location.hostname;
    record.origin = location.origin;
    try { window.__diffoAuditSaw(record); } catch (e) { /* the audit is gone */ }
  };
  const cookie = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
  if (cookie && cookie.set) {
    Object.defineProperty(Document.prototype, 'cookie', {
      configurable: true,
      enumerable: cookie.enumerable,
      get() { return cookie.get.call(this); },
      set(text) {
        const parts = String(text).split(';');
        const eq = parts[0].indexOf('=');
        const name = eq < 0 ? '' : parts[0].slice(0, eq).trim();
        let domain = null;
        let gone = false;
        for (const part of parts.slice(1)) {
          const [key, ...rest] = part.split('=');
          const k = key.trim().toLowerCase();
          const v = rest.join('=').trim();
          if (k === 'domain') domain = v;
          if (k === 'max-age' && Number(v) <= 0) gone = true;
          if (k === 'expires' && Date.parse(v) < Date.now()) gone = true;
        }
        if (name && !gone) send({ how: 'document.cookie', kind: 'cookie', name, domain });
        return cookie.set.call(this, text);
      },
    });
  }
  if (window.CookieStore && CookieStore.prototype.set) {
    const set = CookieStore.prototype.set;
    CookieStore.prototype.set = function (a, b) {
      const o = typeof a === 'object' && a ? a : { name: a, value: b };
      const gone = typeof o.expires === 'number' && o.expires < Date.now();
      if (o.name && !gone) send({ how: 'cookieStore.set', kind: 'cookie', name: String(o.name), domain: o.domain || null });
      return set.apply(this, arguments);
    };
  }
  const setItem = Storage.prototype.setItem;
  Storage.prototype.setItem = function (key) {
    let kind = null;
    try {
      kind = this === window.localStorage ? 'localStorage' : this === window.sessionStorage ? 'sessionStorage' : null;
    } catch (e) { /* storage is blocked: nothing is stored either */ }
    if (kind) send({ how: kind + '.setItem', kind, name: String(key) });
    return setItem.apply(this, arguments);
  };
})();
//# sourceURL=diffo-audit-watch.js`;

/** The name and domain of each cookie in a Set-Cookie header's value. */
function setCookies(value) {
  return value
    .split('\n')
    .map((line) => {
      const [first, ...attributes] = line.split(';');
      const eq = first.indexOf('=');
      const domain = attributes.map((a) => a.trim().split('=')).find(([k]) => k.toLowerCase() === 'domain');
      return { name: eq < 0 ? '' : first.slice(0, eq).trim(), domain: domain ? domain.slice(1).join('=').trim() : null };
    })
    .filter((c) => c.name);
}

/** A visitor for the declaration mode: besides what `visitor` records, it
 * keeps every write of a cookie or storage key (`writes`) with what made it:
 * a script (WATCH), a Set-Cookie header of a response, or a stub's answer. */
async function watchedVisitor(browser, url, stub) {
  const v = await visitor(browser, url, stub);
  v.writes = [];
  v.pending = [];
  await v.context.exposeBinding('__diffoAuditSaw', (source, record) =>
    v.writes.push({ ...record, top: !source.frame.parentFrame() }),
  );
  await v.context.addInitScript({ content: WATCH });
  // Set-Cookie headers of real responses (a stub's answer is not shown here,
  // see tools/vendor-stubs.mjs; the stubs say themselves what they set).
  v.context.on('response', (response) => {
    v.pending.push(
      response
        .headersArray()
        .then((headers) => {
          const host = new URL(response.url()).hostname;
          for (const h of headers) {
            if (h.name.toLowerCase() !== 'set-cookie') continue;
            for (const c of setCookies(h.value)) v.writes.push({ how: 'Set-Cookie', kind: 'cookie', ...c, host, by: response.url() });
          }
        })
        .catch(() => {}),
    );
  });
  return v;
}

/** Every cookie in the browser context (any domain) and every storage key of
 * the page's origin, now. */
async function present(v) {
  const cookies = (await v.context.cookies()).map((c) => ({
    name: c.name,
    kind: 'cookie',
    domain: c.domain,
    party: thirdParty(c.domain, v.host, v.site) ? 'third' : 'first',
  }));
  const storage = await v.page
    .evaluate((origin) => {
      if (location.origin !== origin) return [];
      const keys = (kind) => {
        try {
          return Object.keys(window[kind]).map((name) => ({ name, kind }));
        } catch (e) {
          return [];
        }
      };
      return [...keys('localStorage'), ...keys('sessionStorage')];
    }, v.origin)
    .catch(() => []);
  return [...cookies, ...storage.map((s) => ({ ...s, party: 'first' }))];
}

/** Checks the entries that declaration() gave; throws an error naming the
 * first thing that is not as the contract says. */
function checkDeclaration(entries) {
  const fail = (what) => {
    throw new Error(`window.diffoConsent.declaration() gave ${what}`);
  };
  if (!Array.isArray(entries)) fail(`${entries === null ? 'null' : typeof entries}, not an array of entries`);
  entries.forEach((e, i) => {
    const at = `entry ${i}${e && typeof e.name === 'string' ? ` (${JSON.stringify(e.name)})` : ''}`;
    if (!e || typeof e !== 'object') fail(`${at}: not an object`);
    if (typeof e.name !== 'string' || !e.name) fail(`${at}: name must be a non-empty string`);
    if (!KINDS.includes(e.kind)) fail(`${at}: kind ${JSON.stringify(e.kind)} is not one of ${KINDS.join(', ')}`);
    if (!PARTIES.includes(e.party)) fail(`${at}: party ${JSON.stringify(e.party)} is not "first" or "third"`);
    if (!CATEGORIES.includes(e.category)) fail(`${at}: category ${JSON.stringify(e.category)} is not one of ${CATEGORIES.join(', ')}`);
    if (e.service !== null && typeof e.service !== 'string') fail(`${at}: service must be a service id or null`);
    if (typeof e.provider !== 'string') fail(`${at}: provider must be a company name`);
  });
  return entries;
}

/** Whether a declared name (a trailing * matches any suffix) covers `name`. */
const covers = (pattern, name) => (pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern);

/** Accepts everything: this project's API when the page has it, else the
 * accept button found by its words. Says how, or null when it found no way. */
async function acceptEverything(page) {
  const viaApi = await page
    .evaluate(async () => {
      const api = window.diffoConsent;
      if (!api || typeof api.acceptAll !== 'function') return false;
      await api.acceptAll();
      return true;
    })
    .catch((e) => {
      throw new Error(`window.diffoConsent.acceptAll() failed: ${e.message.split('\n')[0]}`);
    });
  if (viaApi) return { how: 'window.diffoConsent.acceptAll()' };
  const controls = await findControls(page);
  if (!controls.accept) return null;
  await control(page, 'accept').click();
  return { how: 'button', text: controls.accept };
}

/** A same-origin page the current one links to, or the same URL again. */
const nextPageOf = (page) =>
  page.evaluate(() => {
    const here = location.href.split('#')[0];
    for (const a of document.querySelectorAll('a[href]')) {
      const u = new URL(a.href, location.href);
      const there = u.href.split('#')[0];
      if (u.origin === location.origin && there !== here) return there;
    }
    return here;
  });

/** What set a cookie or key seen as `item`, from the visitor's writes. */
function settersOf(v, item) {
  const found = new Map();
  const add = (how, by) => found.set(`${how} ${by}`, { how, by });
  for (const w of [...v.writes, ...v.stubbed.map((s) => ({ ...s, kind: 'cookie' }))]) {
    if (w.kind !== item.kind || w.name !== item.name) continue;
    if (item.kind === 'cookie') {
      // A write with no Domain sets a host-only cookie on the writer's host.
      const domain = w.domain ? w.domain.replace(/^\./, '') : w.host;
      if (domain !== item.domain.replace(/^\./, '')) continue;
    } else if (w.origin !== v.origin) {
      continue;
    }
    if (w.how === 'Set-Cookie' || w.how === 'stub') add(w.how, w.by);
    else if (!w.script) add(w.how, 'unknown');
    else if (w.script === w.document) add(w.how, w.top ? 'a script in the page' : `a script in the frame ${w.document}`);
    else add(w.how, w.script);
  }
  return [...found.values()];
}

async function declarationAudit(args) {
  const browser = await launch();
  const report = { mode: 'declaration', url: args.url, chromium: browser.version(), stubbed: args.stub };
  try {
    const v = await watchedVisitor(browser, args.url, args.stub);
    v.origin = new URL(args.url).origin;
    const looks = [];
    const look = async (when) => looks.push(...(await present(v)).map((item) => ({ ...item, when })));
    await open(v, args.url);
    const exposed = await v.page.evaluate(() => typeof (window.diffoConsent && window.diffoConsent.declaration) === 'function');
    if (!exposed) throw new Error("this page's banner does not expose its declaration (window.diffoConsent.declaration)");
    await look('before consent');

    report.accepted = await acceptEverything(v.page);
    await v.page.waitForTimeout(3000);
    await look('after accept');
    await v.page.mouse.wheel(0, 2000);
    await v.page.waitForTimeout(1000);
    await look('after accept');
    const declared = await v.page
      .evaluate(() => Promise.resolve(window.diffoConsent.declaration()))
      .catch((e) => {
        throw new Error(`window.diffoConsent.declaration() failed: ${e.message.split('\n')[0]}`);
      });
    report.declaration = checkDeclaration(declared);

    report.nextPage = await nextPageOf(v.page);
    await open(v, report.nextPage);
    await v.page.mouse.wheel(0, 2000);
    await v.page.waitForTimeout(1000);
    await look('on the next page');
    await Promise.all(v.pending);
    report.origin = v.origin;

    // One item per name, kind and party, with every domain it was seen on.
    const items = new Map();
    for (const l of looks) {
      const key = `${l.kind} ${l.name} ${l.party}`;
      if (!items.has(key)) items.set(key, { name: l.name, kind: l.kind, party: l.party, domains: [], firstSeen: l.when, setBy: [] });
      const item = items.get(key);
      if (l.domain && !item.domains.includes(l.domain)) item.domains.push(l.domain);
    }
    // In the order they appeared, then cookies before storage, first party
    // before third, by name: the same page gives the same report.
    const order = (item) => [['before consent', 'after accept', 'on the next page'].indexOf(item.firstSeen), KINDS.indexOf(item.kind), item.party];
    const sorted = [...items.values()].sort((a, b) => {
      const [x, y] = [order(a), order(b)];
      return x[0] - y[0] || x[1] - y[1] || x[2].localeCompare(y[2]) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    });
    report.seen = sorted.map((item) => {
      const setBy = new Map();
      for (const domain of item.kind === 'cookie' ? item.domains : [null]) {
        for (const s of settersOf(v, { ...item, domain })) setBy.set(`${s.how} ${s.by}`, s);
      }
      const entries = report.declaration.filter((e) => e.kind === item.kind && covers(e.name, item.name));
      const status = !entries.length ? 'undeclared' : entries.some((e) => e.party === item.party) ? 'declared' : 'wrong party';
      return { ...item, setBy: [...setBy.values()], status, entries };
    });
    report.undeclared = report.seen.filter((s) => s.status === 'undeclared');
    report.wrongParty = report.seen.filter((s) => s.status === 'wrong party');
    report.neverSeen = report.declaration.filter((e) => !report.seen.some((s) => s.kind === e.kind && covers(e.name, s.name)));
    report.ok = report.undeclared.length === 0 && report.wrongParty.length === 0;
    await v.context.close();
  } finally {
    await browser.close();
  }
  return report;
}

function declarationWords(report) {
  const out = [];
  const n = (count, word) => `${count} ${word}${count === 1 ? '' : 's'}`;
  const where = (s) => `${s.party} party${s.domains.length ? `, ${s.domains.join(', ')}` : ''}`;
  const by = (s) =>
    s.setBy.length
      ? `set by ${s.setBy.map((b) => `${/^https?:/.test(b.by) ? shortUrl(b.by) : b.by} (${b.how === 'stub' ? "added with the stub's answer" : b.how})`).join(', ')}`
      : 'set by: unknown';
  const entry = (e) => `${e.name} (${e.party} party, ${e.category}, ${e.provider})`;
  out.push(`Declaration audit of ${report.url}`);
  out.push(`Chromium ${report.chromium}${report.stubbed ? '; third-party requests answered locally' : ''}`);
  out.push('');
  const a = report.accepted;
  out.push(
    `Accepted with ${a ? (a.how === 'button' ? `the button "${a.text}"` : a.how) : 'nothing: no way to accept was found, so this is what the page sets without consent'}; next page ${report.nextPage}`,
  );
  out.push(`Declaration: ${report.declaration.length} entries from window.diffoConsent.declaration()`);
  const cookies = report.seen.filter((s) => s.kind === 'cookie').length;
  out.push('', `Seen: ${n(cookies, 'cookie')} (every domain), ${n(report.seen.length - cookies, 'storage key')} (${report.origin})`);
  const label = { declared: 'ok         ', undeclared: 'UNDECLARED ', 'wrong party': 'WRONG PARTY' };
  for (const s of report.seen) {
    const declaredAs =
      s.status === 'undeclared' ? 'not declared' : `declared as ${s.entries.map(entry).join('; ')}`;
    out.push(`  ${label[s.status]}  ${s.kind} ${s.name} (${where(s)}, ${s.firstSeen}), ${by(s)}: ${declaredAs}`);
  }
  if (!report.seen.length) out.push('  nothing');
  out.push('', 'Declared but never seen (for information)');
  for (const e of report.neverSeen) out.push(`  ${e.kind} ${entry(e)}`);
  if (!report.neverSeen.length) out.push('  none');
  out.push('');
  if (report.ok) out.push('Result: everything seen is declared, with the right party.');
  else {
    const parts = [];
    if (report.undeclared.length) parts.push(`${n(report.undeclared.length, 'name')} undeclared`);
    if (report.wrongParty.length) parts.push(`${n(report.wrongParty.length, 'name')} declared with the wrong party`);
    out.push(`Result: ${parts.join(', ')}.`);
  }
  return out.join('\n');
}

const args = parseArgs(process.argv.slice(2));
try {
  if (args.declaration) {
    const report = await declarationAudit(args);
    console.log(args.json ? JSON.stringify(report, null, 2) : declarationWords(report));
    process.exit(report.ok ? 0 : 1);
  }
  const report = await audit(args);
  console.log(args.json ? JSON.stringify(report, null, 2) : words(report));
  process.exit(report.rules.some((r) => !r.ok) ? 1 : 0);
} catch (e) {
  console.error(`audit: ${e.message}`);
  process.exit(2);
}
