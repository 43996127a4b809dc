// Local stand-ins for the third-party scripts and frames that the sites load,
// shared by the end-to-end tests (tests/e2e/harness.mjs) and the audit's
// --stub-third-parties mode (tools/audit.mjs). Each stub sets what the real
// vendor sets, by the vendor's own cookie documentation, so that a test or an
// audit sees the same names, parties and lifetimes as a visitor would:
//
//   vendor (as vendorOf names it)   first party (by the script)       third party (by the response)
//   gtag:G-…   Google tag (GA4)     _ga, _ga_<id>, _gid               -
//   gtm:GTM-…  Tag Manager          -                                 -
//   fbevents   Meta Pixel           _fbp; _fbc with ?fbclid= only     -
//   fbsdk:…    Facebook plugins     -                                 datr, fr, sb on .facebook.com
//   instagram  Instagram embeds     -                                 csrftoken, mid, ig_did on .instagram.com
//   linkedin   LinkedIn plugins     -                                 bcookie, bscookie, lidc, li_gc on .linkedin.com
//   insight    LinkedIn Insight Tag li_fat_id                         li_sugr, UserMatchHistory, AnalyticsSyncHistory on .linkedin.com
//   clarity    Microsoft Clarity    _clck, _clsk                      MUID on .clarity.ms
//   mailchimp  Mailchimp (site)     _mcid                             -
//   pipedrive  Pipedrive chat       -                                 __cf_bm on .pipedrive.com
//   youtube    video frame          -                                 -
//   other:URL  anything else        an empty response                 -
//
// Third-party cookies, tried on Chromium 156.0.8078.114 (Debian) with
// playwright-core 1.65.1 in a fresh browser context: Chromium stores the
// Set-Cookie headers of a response that Playwright's route.fulfill() made up,
// third-party ones included (Domain=.instagram.com; Secure; SameSite=None
// from a page on http://diffo.fi.localhost), and context.cookies() lists
// them. Two things it does not do, like any browser: it refuses a Domain the
// response's host is not under (Domain=.facebook.com on an answer from
// connect.facebook.net), and neither Playwright's response.headersArray() nor
// the DevTools Network events show the Set-Cookie headers of a fulfilled
// request (no responseReceivedExtraInfo is sent for it). So a cookie whose
// domain the request's host is under travels in a Set-Cookie header of the
// stubbed answer; one that the real vendor sets from another host (Meta's
// plugin frames at www.facebook.com for sdk.js, LinkedIn's px.ads.linkedin.com
// for insight.min.js, requests the stubs do not make) is put in the browser
// with context.addCookies() just before the answer, which is what those
// follow-up responses would have done. Either way answer() returns what it
// set, so the audit can say which request it came with.

/** The vendor a third-party URL belongs to, as the tests name them. */
export function vendorOf(url) {
  const u = new URL(url);
  const host = u.hostname;
  if (host === 'www.googletagmanager.com' && u.pathname === '/gtag/js') return `gtag:${u.searchParams.get('id')}`;
  if (host === 'www.googletagmanager.com' && u.pathname === '/gtm.js') return `gtm:${u.searchParams.get('id')}`;
  if (host === 'connect.facebook.net' && u.pathname.endsWith('/fbevents.js')) return 'fbevents';
  if (host === 'connect.facebook.net' && u.pathname.endsWith('/sdk.js')) return `fbsdk:${u.pathname.split('/')[1]}`;
  if (host === 'www.instagram.com' && u.pathname === '/embed.js') return 'instagram';
  if (host === 'platform.linkedin.com' && u.pathname === '/in.js') return 'linkedin';
  if (host === 'snap.licdn.com' && u.pathname === '/li.lms-analytics/insight.min.js') return 'insight';
  if (host === 'www.clarity.ms' && u.pathname.startsWith('/tag/')) return 'clarity';
  if (host === 'chimpstatic.com' && u.pathname.startsWith('/mcjs-connected/js/users/')) return 'mailchimp';
  if (host === 'leadbooster-chat.pipedrive.com' && u.pathname === '/assets/loader.js') return 'pipedrive';
  if (host === 'www.youtube-nocookie.com') return 'youtube';
  return `other:${u.href}`;
}

const DAY = 86_400;
const YEAR = 365 * DAY;

// What runs first in every script stub: it records that the stub ran
// (window.__ran, which the tests read), and gives it `log`, which keeps the
// calls that reach the vendor in sessionStorage ("diffo-test-log", which
// survives the reload a withdrawal causes) when the tests ask for it, and
// does nothing in the audit, where a key of the tests' own would be reported
// as one the page set. `setHighest` sets a cookie on the highest domain the
// browser accepts, as Google's, Meta's, LinkedIn's and Microsoft's scripts
// do: it tries the shortest parent domain first and keeps the first one the
// browser takes.
const prelude = (name, log) => `
  var STUB = ${JSON.stringify(name)};
  var log = ${
    log
      ? `function (entry) {
    var all = JSON.parse(sessionStorage.getItem('diffo-test-log') || '[]');
    all.push(entry);
    sessionStorage.setItem('diffo-test-log', JSON.stringify(all));
  }`
      : 'function () {}'
  };
  var setHighest = function (name, value, maxAge) {
    var labels = location.hostname.split('.');
    for (var i = Math.max(labels.length - 2, 0); i >= 0; i--) {
      var domain = labels.slice(i).join('.');
      document.cookie = name + '=' + value + '; domain=.' + domain + '; path=/; max-age=' + maxAge;
      if (document.cookie.split('; ').some(function (c) { return c.indexOf(name + '=') === 0; })) return;
    }
    document.cookie = name + '=' + value + '; path=/; max-age=' + maxAge;
  };
  (window.__ran = window.__ran || []).push(STUB);
`;

// The part of each script stub after the prelude, keyed by the first part of
// the vendor's name.
const SCRIPTS = {
  // The Google tag for GA4: it reads the queue the page built up, sets _ga
  // and _ga_<measurement id without "G-"> (2 years) and _gid (24 hours), and
  // hears every later dataLayer push. (Google's page on GA4's cookies now
  // lists only the first two; its earlier version listed _gid too, and the
  // tag is still seen setting it. A declaration that lists _gid costs
  // nothing; one that misses a cookie that is set is wrong.)
  gtag: `
    window.__gtagQueue = Array.from(window.dataLayer || [], (a) => JSON.stringify(a.length === undefined ? a : Array.from(a)));
    var id = new URL(document.currentScript.src).searchParams.get('id') || '';
    setHighest('_ga', 'GA1.1.' + Math.floor(Math.random() * 1e9) + '.' + Math.floor(Date.now() / 1000), ${2 * YEAR});
    setHighest('_ga_' + id.replace(/^G-/, ''), 'GS1.1.' + Math.floor(Date.now() / 1000) + '.1.0', ${2 * YEAR});
    setHighest('_gid', 'GA1.1.' + Math.floor(Math.random() * 1e9) + '.' + Math.floor(Date.now() / 1000), ${DAY});
    window.dataLayer = window.dataLayer || [];
    var push = window.dataLayer.push;
    window.dataLayer.push = function (a) { log(['dataLayer', a.length === undefined ? a : Array.from(a)]); return push.apply(this, arguments); };`,
  // A Tag Manager container: what it sets depends on the tags in it, which
  // load as scripts of their own (and so as their own stubs); the container
  // itself sets nothing.
  gtm: `
    window.__gtmDataLayer = Array.from(window.dataLayer || [], (a) => JSON.stringify(a.length === undefined ? a : Array.from(a)));`,
  // The Meta Pixel: _fbp (90 days) on every page; _fbc (90 days) only when
  // the visitor came from a click on an ad, whose link carries fbclid.
  fbevents: `
    window.__fbqQueue = (window.fbq && window.fbq.queue || []).map((a) => JSON.stringify(Array.from(a)));
    setHighest('_fbp', 'fb.1.' + Date.now() + '.' + Math.floor(Math.random() * 1e9), ${90 * DAY});
    var click = new URLSearchParams(location.search).get('fbclid');
    if (click) setHighest('_fbc', 'fb.1.' + Date.now() + '.' + click, ${90 * DAY});
    if (window.fbq) window.fbq.callMethod = function () { log(['fbq', Array.from(arguments)]); };`,
  fbsdk: '',
  instagram: '',
  // LinkedIn's plugin script sets nothing on the page's own domain: its
  // cookies are LinkedIn's (see the table above).
  linkedin: '',
  // The Insight Tag keeps its click id on the page's domain (30 days).
  insight: `
    setHighest('li_fat_id', 'stub-' + Math.floor(Math.random() * 1e9), ${30 * DAY});`,
  // Clarity: its user id (1 year) and its session (1 day).
  clarity: `
    setHighest('_clck', Math.random().toString(36).slice(2) + '|2|f|0|', ${YEAR});
    setHighest('_clsk', Math.random().toString(36).slice(2) + '|' + Date.now() + '|1|1|', ${DAY});`,
  // Mailchimp's connected-site script: a visitor id on the page's host (1 year).
  mailchimp: `
    document.cookie = '_mcid=1.' + Math.random().toString(16).slice(2) + '; path=/; max-age=${YEAR}';`,
  pipedrive: '',
};

// Third-party cookies, set with the answer to the script (see the comment at
// the top for how), with their lifetimes in seconds.
const THIRD_PARTY = {
  fbsdk: [
    ['datr', '.facebook.com', 2 * YEAR],
    ['fr', '.facebook.com', 90 * DAY],
    ['sb', '.facebook.com', 2 * YEAR],
  ],
  instagram: [
    ['csrftoken', '.instagram.com', YEAR],
    ['mid', '.instagram.com', 2 * YEAR],
    ['ig_did', '.instagram.com', 2 * YEAR],
  ],
  linkedin: [
    ['bcookie', '.linkedin.com', YEAR],
    ['bscookie', '.linkedin.com', YEAR],
    ['lidc', '.linkedin.com', DAY],
    ['li_gc', '.linkedin.com', 180 * DAY],
  ],
  insight: [
    ['li_sugr', '.linkedin.com', 90 * DAY],
    ['UserMatchHistory', '.linkedin.com', 30 * DAY],
    ['AnalyticsSyncHistory', '.linkedin.com', 30 * DAY],
  ],
  clarity: [['MUID', '.clarity.ms', 390 * DAY]],
  pipedrive: [['__cf_bm', '.pipedrive.com', 30 * 60]],
};

// The video frame: a page that marks, in its own window, that it loaded.
const YOUTUBE = `<!doctype html><html><head><meta charset="utf-8"><title>Video (stub)</title></head>
<body><script>(window.__ran = window.__ran || []).push('youtube');</script></body></html>`;

/** The body of the stub script for a vendor name, or '' for none. */
export function stubScript(vendor, { log = false } = {}) {
  const kind = vendor.split(':')[0];
  // Each stub runs in a function of its own, so that two stubs on a page (or
  // one loaded twice) never share a variable.
  return kind in SCRIPTS ? `(function () {${prelude(kind, log)}${SCRIPTS[kind]}
})();
` : '';
}

const under = (host, domain) => {
  const d = domain.replace(/^\./, '');
  return host === d || host.endsWith(`.${d}`);
};

/**
 * Answers an intercepted third-party request as the vendor would (see the
 * top of this file) and resolves to what it did: `{ vendor, cookies }`,
 * where each cookie is `{ name, domain, how }` and `how` is "Set-Cookie" (a
 * header of the answer) or "stub" (put in the browser for the vendor's
 * follow-up requests). `log` turns on the tests' vendor log.
 */
export async function answer(route, context, { log = false } = {}) {
  const url = route.request().url();
  const vendor = vendorOf(url);
  const kind = vendor.split(':')[0];
  const host = new URL(url).hostname;
  const cookies = [];
  const headers = [];
  const added = [];
  for (const [name, domain, maxAge] of THIRD_PARTY[kind] || []) {
    const value = `stub.${Math.random().toString(36).slice(2)}`;
    if (under(host, domain)) {
      headers.push(`${name}=${value}; Domain=${domain}; Path=/; Secure; SameSite=None; Max-Age=${maxAge}`);
      cookies.push({ name, domain, how: 'Set-Cookie' });
    } else {
      added.push({ name, value, domain, path: '/', secure: true, sameSite: 'None', expires: Math.floor(Date.now() / 1000) + maxAge });
      cookies.push({ name, domain, how: 'stub' });
    }
  }
  const html = kind === 'youtube';
  try {
    if (added.length) await context.addCookies(added);
    await route.fulfill({
      status: 200,
      // Playwright sends each line of a header as a header of its own.
      headers: {
        'content-type': html ? 'text/html; charset=utf-8' : 'text/javascript',
        ...(headers.length ? { 'set-cookie': headers.join('\n') } : {}),
      },
      body: html ? YOUTUBE : stubScript(vendor, { log }),
    });
  } catch (e) {
    // A request still in flight when its page or context was closed (a test
    // that is done) has no one left to answer.
    if (/has been closed/.test(e.message)) return { vendor, cookies: [] };
    throw e;
  }
  return { vendor, cookies };
}
