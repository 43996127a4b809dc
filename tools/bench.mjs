// `cargo xtask bench`: our banner side by side with vanilla-cookieconsent
// 3.1.0, on the same page, served the same way, in the same headless
// Chromium. It measures what a visitor feels: how soon the banner shows (at
// full speed and with the CPU slowed four times), how long the main thread is
// blocked meanwhile, whether the page shifts, how soon "accept all" pressed
// at once takes effect, and how soon a return visitor who accepted gets
// Google Analytics going; and it weighs what a first-time visitor downloads
// to see each banner, to use it, and over a whole visit.
//
// Usage: node tools/bench.mjs --dist DIR --sizes FILE [--runs N] [--out DIR]
//   --dist        the built /consent/ folder (target/www/consent)
//   --sizes       what a first-time visitor downloads to see each banner and its
//                 bytes, as `cargo xtask bench` weighs them with the size
//                 budget's measure: {"ours": [{"path", "raw", "gzip",
//                 "brotli"}, …], "theirs": […]}
//   --runs        iterations (default 15); each one loads both pages six
//                 ways (first visit at 1x and 4x CPU, first visit with a click
//                 at 1x and 4x, return visit at 1x and 4x), the page without
//                 a banner once, and the return visit's two floors at 1x and
//                 4x; before them, a warm-up load of each and stage (c)'s
//                 visit of each, once
//   --out         where bench.md and bench.json go (default target/bench)
// Exit status: 0 when every target is met, 1 when one is not, 2 when the
// bench could not run (or a page did not behave, rather than record garbage).
//
// How it measures:
// - One local server (127.0.0.1, a random port) answers every request after
//   LATENCY_MS, with brotli (quality 11, compressed once at start-up) and real
//   cache headers. Chromium reaches it as diffosolutions.com.localhost, the
//   host our consent.js recognises. /ours/ and /theirs/ are the same page
//   (tools/bench/page.html) with each banner installed as its documentation
//   tells site editors; both gate GA4 and the Meta Pixel with the ids of our
//   built-in config for diffosolutions.com. Theirs needs hideFromBots: false,
//   or it shows nothing to an automated browser. /none/ is the page without
//   a banner, the baseline for blocking time.
// - Third-party requests (Google, Meta, and the social plugins that our
//   config loads on "accept all") are answered by tiny stubs through the
//   DevTools protocol's Fetch domain, for those hosts only. Playwright's own
//   routing (context.route) is not used: it intercepts every request and
//   turns the HTTP cache off, which would make the return visit a cold load.
// - Every load is a fresh browser context (cold cache). Iterations alternate
//   which variant goes first.
// - "Banner visible" is the first animation frame (the requestAnimationFrame
//   timestamp; 0 = navigation start) in which the banner's root element
//   exists, has a non-empty box that meets the viewport, is displayed, has
//   visibility: visible and an effective opacity (the product over its
//   ancestors) above 0. Theirs fades in (a 100 ms timer, then a CSS
//   transition): this lenient definition counts its first faded frame,
//   whatever its opacity.
// - Total blocking time, as web.dev and Lighthouse define it: the sum of
//   (duration - 50 ms) of the long tasks after the first contentful paint (a
//   task that spans it counts from it), here until WINDOW_MS after the banner
//   is visible. The long tasks before it (script and first layout, which
//   delay the first paint instead) are shown too, as "main thread blocked
//   from navigation", without a target.
//   Layout shift: the sum of layout-shift entries without recent input over
//   the same window.
// - Return visit: accept all, wait until the choice is stored and nothing is
//   left loading, then open the page again in the same context (warm HTTP
//   cache, as a real return visitor; the harness checks that nothing the
//   first visit fetched is fetched again). The figure is the Resource Timing startTime of the gtag.js
//   request: the same time base (navigation start = 0) as the other metrics,
//   and the same for both variants whichever way each inserts the script.
//   The stubs are sent with no-store, so each visit requests gtag.js afresh;
//   only the start of the request is measured, which caching cannot move.
// - The click: on a first visit (a load of its own, so that the click's
//   work stays out of the blocking time above), the probe presses "accept
//   all" with the button's click() inside the requestAnimationFrame callback
//   of the first frame in which the banner is visible (as defined above),
//   before that frame is painted: the earliest a visitor could. click() is
//   the click event a tap or a mouse gives, synchronous and the same for
//   both, without the pointer and mouse events before it (neither banner's
//   "accept all" listens to them; ours only preloads its extra module on a
//   pointer over "settings"), and it needs no round trip to the harness,
//   which a CDP mouse event would, landing frames later at 4x CPU.
//   "Gone" is the first animation frame after the click in which the banner's
//   root element is removed or not visible by the same definition as
//   "visible" (so a fade-out counts until its last frame with an opacity
//   above 0, as a fade-in counts from its first) AND the decision is stored:
//   ours, our record under its localStorage key (core/src/record.rs); theirs,
//   its cookie cc_cookie. Reported: click → gone (the gone frame's
//   timestamp minus performance.now() at the click, which is after the
//   probe's visibility check, i.e. after the layout that check forces), and
//   gone from navigation. As for "visible", a frame is timed at its start: a
//   task run after it began and before its callbacks (ours takes its banner
//   down in a task) shows in that frame, while a transition (theirs) is
//   sampled at that start. Theirs, clicked in its first faded frame,
//   reverses its fade from there (the browser shortens a reversed transition
//   to the part already run), so it is gone in about as long as its fade had
//   run: a frame or two at 1x CPU (opacity 0.05 when clicked), more at 4x,
//   where its first frame can come well into the fade (opacity up to 0.6).
// - Bytes of each stage, counted from the network: the Resource Timing
//   entries of the page (collected once nothing is left loading, so that
//   every request started is there), each file of the banner's own (ours:
//   /consent/, theirs: /cc/) counted once at the size the server sends it:
//   its body compressed once at start-up with brotli -q 11 (the server's own
//   accounting; the harness notes any encodedBodySize that differs). The
//   size budget's measure (the Rust brotli crate) differs from node's by a
//   few bytes. A request counts from its startTime, finished or not, so a
//   fetch in flight cannot lower a figure. (a) requests started by the
//   frame in which the banner is visible; (b) by the frame in which the click
//   above has taken effect ("gone"); "by" a frame is by its callback, i.e.
//   including tasks run after the frame began and before it was drawn; both
//   over every click load at 1x and 4x, judged on the most any load
//   requested. (Ours, in the task that takes its banner down, moves focus to
//   its reopen control, which starts loading its extra module: (b) counts
//   it.) What the click loads fetched by the time nothing was left loading
//   is shown too, without a target. (c) everything a visit can need:
//   a visit that opens the settings from the banner on a page with a gated
//   embed, a cookie declaration and a data-config (ours-full: the page of
//   /ours/ plus those; for theirs, which has neither embeds nor a
//   declaration, its own page), with every file of the banner's fetched by
//   the time nothing is left loading, once each (one such visit per variant
//   and bench: which files it fetches does not vary); the harness lists the
//   built files of ours that this visit did not fetch (none today: it
//   fetches consent.js, consent.wasm, consent-extra.wasm). The consent log's beacons (uploads to
//   /consent-log/, answered 204 with no body) are not files and not counted.
// - The floors of the return visit: the same page with a few bytes of
//   script that insert gtag.js the moment they run, on the second visit,
//   deciding nothing. As a deferred <script src> in <head> (/floor/), the
//   floor of any banner installed as ours is; and inline, the first thing in
//   <head> (/floor-inline/), the earliest any script on the page can start
//   gtag.js. They are shown beside the two banners; ours' return visit is
//   judged against the first, measured in the same run (ours/deferred floor).

import { launch } from './chromium.mjs';
import http from 'node:http';
import zlib from 'node:zlib';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HOST = 'diffosolutions.com.localhost';
const LATENCY_MS = 40; // added before every answer of the local server
const TIMEOUT_MS = 10_000; // a banner (or gtag.js) later than this is a failure
const WINDOW_MS = 1000; // how long after the banner blocking time and shifts count
const THROTTLE = 4; // the slow CPU's factor
// The data-config of stage (c)'s page: valid, and changing nothing that
// matters to a first visit.
const CONFIG_PATH = '/bench/config.json';
const CONFIG = '{"revision": 2}';

// Each variant's name, its first layer's root element and its "accept all"
// button in it; the button that opens the settings and the settings layer,
// which stage (c)'s visit uses; the URL prefix of its own files; and where
// it keeps the decision (ours: the localStorage key of our record, filled in
// from core/src/record.rs; theirs: its cookie).
const VARIANTS = {
  ours: {
    name: 'diffo-consent',
    banner: '.dc-banner', // the first layer's dialog (core/src/view.rs), in the shadow root of #diffo-consent
    accept: '[data-action="accept-all"]',
    settings: '[data-action="settings"]',
    settingsLayer: '.dc-settings',
    files: '/consent/',
    stored: { kind: 'localStorage', name: null },
  },
  theirs: {
    name: 'vanilla-cookieconsent 3.1.0',
    banner: '#cc-main .cm', // the consent modal
    accept: '[data-role="all"]',
    settings: '[data-role="show"]',
    settingsLayer: '#cc-main .pm', // the preferences modal
    files: '/cc/',
    stored: { kind: 'cookie', name: 'cc_cookie' },
  },
};

// The targets: the ratios ours/theirs of the medians, and absolute bounds
// where a ratio means nothing.
const TARGETS = {
  visibleRatio: 0.7, // banner visible, ours/theirs
  clickRatio: 0.8, // click → gone and stored, ours/theirs
  floorRatio: 1.1, // return visit's gtag.js, ours/the deferred floor
  tbtMs: 30,
  cls: 0,
  brotliBytes: 13 * 1024 + 512, // consent.js: the banner and its first decisions, by the size budget's measure
  clickBytes: 13_824, // stage (b): 13.5 KiB
  allBytes: 24_576, // stage (c): 24 KiB
};

class HarnessError extends Error {}

function parseArgs(argv) {
  const usage = 'usage: bench.mjs --dist DIR --sizes FILE [--runs N] [--out DIR]';
  const args = { dist: null, sizes: null, runs: 15, out: join(ROOT, 'target/bench') };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    if (value === undefined) throw new HarnessError(`${argv[i]} needs a value\n${usage}`);
    if (argv[i] === '--dist') args.dist = resolve(value);
    else if (argv[i] === '--sizes') args.sizes = resolve(value);
    else if (argv[i] === '--runs') args.runs = Number(value);
    else if (argv[i] === '--out') args.out = resolve(value);
    else throw new HarnessError(`unexpected argument ${argv[i]}\n${usage}`);
    i++;
  }
  if (!args.dist || !args.sizes) throw new HarnessError(usage);
  if (!Number.isInteger(args.runs) || args.runs < 1) throw new HarnessError('--runs needs a whole number of at least 1');
  for (const path of [args.dist, args.sizes]) {
    if (!existsSync(path)) throw new HarnessError(`${path} does not exist; run the bench with cargo xtask bench`);
  }
  return args;
}

// ---------------------------------------------------------------------------
// The two pages

/** The GA4 and Meta Pixel ids of our built-in config for diffosolutions.com. */
function siteIds() {
  const site = JSON.parse(readFileSync(join(ROOT, 'sites/diffosolutions.com.json'), 'utf8'));
  if (!site.googleAnalytics || !site.metaPixel) throw new HarnessError('sites/diffosolutions.com.json has no googleAnalytics or metaPixel');
  return { ga4: site.googleAnalytics, pixel: site.metaPixel };
}

/** The localStorage key of our consent record (core/src/record.rs). */
function storageKey() {
  const source = readFileSync(join(ROOT, 'core/src/record.rs'), 'utf8');
  const m = source.match(/pub const STORAGE_KEY: &str = "([^"]+)";/);
  if (!m) throw new HarnessError('core/src/record.rs has no STORAGE_KEY');
  return m[1];
}

/** Fills the page template for each variant. */
function pages({ ga4, pixel }) {
  const template = readFileSync(join(ROOT, 'tools/bench/page.html'), 'utf8');
  const fill = (values) => template.replace(/\{\{([a-z-]+)\}\}/g, (_, k) => values[k]);

  // Ours: one tag in <head>, as the README tells site editors. The built-in
  // config of diffosolutions.com gates GA4 and the Meta Pixel.
  const ours = fill({
    first: '',
    head: '  <script src="/consent/consent.js" defer></script>',
    analytics: 'data-consent="analytics"',
    'open-settings': 'data-consent-open',
    end: '',
  });

  // Theirs, per vanilla-cookieconsent's documentation: its stylesheet in
  // <head>, the trackers' own snippets as type="text/plain" with a
  // data-category, the UMD build and CookieConsent.run() at the end of <body>.
  // Same categories, texts and buttons as ours; the default layout.
  // hideFromBots: false, because its default hides the banner from any
  // browser with navigator.webdriver set, as every automated one has.
  const gtag = `https://www.googletagmanager.com/gtag/js?id=${ga4}`;
  const theirs = fill({
    first: '',
    head: `  <link rel="stylesheet" href="/cc/cookieconsent.css">
  <script type="text/plain" data-category="analytics" async src="${gtag}"></script>
  <script type="text/plain" data-category="analytics">
    window.dataLayer = window.dataLayer || [];
    function gtag(){dataLayer.push(arguments);}
    gtag('js', new Date());
    gtag('config', '${ga4}');
  </script>
  <script type="text/plain" data-category="marketing">
    !function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){n.callMethod?
    n.callMethod.apply(n,arguments):n.queue.push(arguments)};if(!f._fbq)f._fbq=n;
    n.push=n;n.loaded=!0;n.version='2.0';n.queue=[];t=b.createElement(e);t.async=!0;
    t.src=v;s=b.getElementsByTagName(e)[0];s.parentNode.insertBefore(t,s)}(window,
    document,'script','https://connect.facebook.net/en_US/fbevents.js');
    fbq('init', '${pixel}');
    fbq('track', 'PageView');
  </script>`,
    analytics: 'data-category="analytics"',
    'open-settings': 'data-cc="show-preferencesModal"',
    end: `  <script src="/cc/cookieconsent.umd.js"></script>
  <script>
    CookieConsent.run({
      hideFromBots: false,
      categories: {
        necessary: { enabled: true, readOnly: true },
        analytics: {},
        marketing: {},
        social: {}
      },
      language: {
        default: 'en',
        translations: {
          en: {
            consentModal: {
              title: 'We use cookies',
              description: 'We use necessary cookies to make this site work. With your consent, we also use cookies for analytics, marketing and social media. You can change your choice at any time. <a href="/privacy-policy">Read our privacy policy</a>',
              acceptAllBtn: 'Accept all',
              acceptNecessaryBtn: 'Reject all',
              showPreferencesBtn: 'Settings'
            },
            preferencesModal: {
              title: 'Cookie settings',
              acceptAllBtn: 'Accept all',
              acceptNecessaryBtn: 'Reject all',
              savePreferencesBtn: 'Save my choices',
              closeIconLabel: 'Close cookie settings',
              sections: [
                { description: 'Choose which cookies you allow. Necessary cookies are always on because the site cannot work without them.' },
                { title: 'Necessary', description: 'Make the site work and remember your cookie choice.', linkedCategory: 'necessary' },
                { title: 'Analytics', description: 'Show us how the site is used so that we can improve it.', linkedCategory: 'analytics' },
                { title: 'Marketing', description: 'Measure how our ads perform and help us show you more relevant ads.', linkedCategory: 'marketing' },
                { title: 'Social media', description: 'Show social media buttons and posts. These services may also track you on other sites.', linkedCategory: 'social' }
              ]
            }
          }
        }
      }
    });
  </script>`,
  });
  // Stage (c)'s page for ours: everything a visit can make it fetch, a
  // data-config to check, a gated embed (a placeholder until allowed) and
  // the cookie declaration. (Theirs has neither embeds nor a declaration;
  // its stage (c) is its own page with the preferences opened.)
  const oursFull = fill({
    first: '',
    head: `  <script src="/consent/consent.js" data-config="${CONFIG_PATH}" defer></script>`,
    analytics: 'data-consent="analytics"',
    'open-settings': 'data-consent-open',
    end: `  <iframe data-consent="social" data-src="https://www.youtube-nocookie.com/embed/bench" title="video" width="560" height="315"></iframe>
  <div data-consent-declaration></div>`,
  });
  // The baseline: the same page with no banner, to tell the page's own
  // blocking time (a cold renderer's first layout) from the banners'.
  const bare = { first: '', head: '', analytics: '', 'open-settings': '', end: '' };
  const none = fill(bare);
  // The return visit's floors (see the header): floor.js inserts gtag.js
  // from the second visit on, at once, from a deferred tag or inline.
  const floorScript =
    `try{if(localStorage.getItem('bench-floor')){var s=document.createElement('script');s.async=true;s.src=${JSON.stringify(gtag)};` +
    `document.head.appendChild(s)}else localStorage.setItem('bench-floor','1')}catch(e){}`;
  const floor = fill({ ...bare, head: '  <script src="/floor.js" defer></script>' });
  const floorInline = fill({ ...bare, first: `  <script>${floorScript}</script>\n` });
  return { ours, theirs, oursFull, none, floor, floorInline, floorScript };
}

// ---------------------------------------------------------------------------
// Sizes

const brotli = (bytes) =>
  zlib.brotliCompressSync(bytes, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
      [zlib.constants.BROTLI_PARAM_LGWIN]: 22,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });

/** The rows of --sizes for one banner, with their file names and total. */
function sizes(measured) {
  const rows = measured.map((r) => ({ ...r, file: basename(r.path) }));
  const total = { file: 'total', raw: 0, gzip: 0, brotli: 0 };
  for (const r of rows) for (const k of ['raw', 'gzip', 'brotli']) total[k] += r[k];
  return { rows, total };
}

// ---------------------------------------------------------------------------
// The server

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

/** One response body, compressed once. */
function entry(bytes, type, cache) {
  return { raw: bytes, br: brotli(bytes), type, cache };
}

/** Serves the pages (ours, theirs, ours-full with its data-config for stage
 * (c), none for the baseline, the floors), the site's stylesheet, our
 * /consent/ folder and their /cc/ files, each answer LATENCY_MS late.
 * `files` maps each path to its bodies (`br`: what is sent with brotli);
 * `hits` lists the paths requested, in order, so that the harness can tell
 * what came from the cache; `state.pending` counts the requests not
 * answered yet. */
async function startServer(dist, html, theirFiles) {
  const files = new Map();
  const statics = 'public, max-age=3600';
  files.set('/ours/', entry(Buffer.from(html.ours), TYPES['.html'], 'no-cache'));
  files.set('/theirs/', entry(Buffer.from(html.theirs), TYPES['.html'], 'no-cache'));
  files.set('/ours-full/', entry(Buffer.from(html.oursFull), TYPES['.html'], 'no-cache'));
  files.set(CONFIG_PATH, entry(Buffer.from(CONFIG), TYPES['.json'], 'no-cache'));
  files.set('/none/', entry(Buffer.from(html.none), TYPES['.html'], 'no-cache'));
  files.set('/floor/', entry(Buffer.from(html.floor), TYPES['.html'], 'no-cache'));
  files.set('/floor-inline/', entry(Buffer.from(html.floorInline), TYPES['.html'], 'no-cache'));
  files.set('/floor.js', entry(Buffer.from(html.floorScript), TYPES['.js'], statics));
  files.set('/assets/site.css', entry(readFileSync(join(ROOT, 'www/demo/assets/site.css')), TYPES['.css'], statics));
  for (const name of readdirSync(dist)) {
    const path = join(dist, name);
    if (statSync(path).isFile()) files.set(`/consent/${name}`, entry(readFileSync(path), TYPES[extname(name)] || 'application/octet-stream', statics));
  }
  for (const path of theirFiles) {
    files.set(`/cc/${basename(path)}`, entry(readFileSync(path), TYPES[extname(path)], statics));
  }

  const hits = [];
  const notBrotli = new Set();
  const state = { pending: 0 };
  const server = http.createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    hits.push(path);
    state.pending++;
    res.once('close', () => state.pending--);
    req.resume(); // the consent log's events have a body to drain
    setTimeout(() => {
      if (path.startsWith('/consent-log/')) {
        res.writeHead(204, { 'Cache-Control': 'no-store' }).end();
        return;
      }
      const file = files.get(path);
      if (!file) {
        res.writeHead(404, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' }).end('not found');
        return;
      }
      const br = /\bbr\b/.test(req.headers['accept-encoding'] || '');
      if (!br) notBrotli.add(path);
      const body = br ? file.br : file.raw;
      res.writeHead(200, {
        'Content-Type': file.type,
        'Content-Length': body.length,
        'Cache-Control': file.cache,
        Vary: 'Accept-Encoding',
        ...(br ? { 'Content-Encoding': 'br' } : {}),
      });
      res.end(body);
    }, LATENCY_MS);
  });
  await new Promise((ok, fail) => server.once('error', fail).listen(0, '127.0.0.1', ok));
  return { server, port: server.address().port, files, hits, notBrotli, state };
}

// ---------------------------------------------------------------------------
// Third-party stubs

// Only these hosts are answered locally; any other request that leaves the
// local server is a harness error. Besides GA4 and the Pixel, our built-in
// config loads the social plugins' scripts (Facebook, Instagram, LinkedIn) on
// "accept all".
const THIRD_PARTY_PATTERNS = [
  '*://*.googletagmanager.com/*',
  '*://*.google-analytics.com/*',
  '*://*.analytics.google.com/*',
  '*://*.doubleclick.net/*',
  '*://connect.facebook.net/*',
  '*://*.facebook.com/*',
  '*://*.instagram.com/*',
  '*://*.linkedin.com/*',
  '*://*.licdn.com/*',
];

function stubFor(url) {
  const u = new URL(url);
  if (u.hostname === 'www.googletagmanager.com' && u.pathname === '/gtag/js') {
    return { type: 'text/javascript', body: 'window.__benchStubs=(window.__benchStubs||[]).concat("gtag");' };
  }
  if (u.pathname.endsWith('.js')) {
    return { type: 'text/javascript', body: `window.__benchStubs=(window.__benchStubs||[]).concat(${JSON.stringify(u.host + u.pathname)});` };
  }
  return { type: 'text/plain', body: '' }; // beacons, pixels
}

/** Answers the third parties' requests of one page with the stubs, through
 * the DevTools protocol (see the header for why not context.route). */
async function stubThirdParties(cdp, seen) {
  cdp.on('Fetch.requestPaused', (event) => {
    seen.push({ url: event.request.url, at: Date.now() });
    const stub = stubFor(event.request.url);
    cdp
      .send('Fetch.fulfillRequest', {
        requestId: event.requestId,
        responseCode: 200,
        responseHeaders: [
          { name: 'Content-Type', value: stub.type },
          { name: 'Cache-Control', value: 'no-store' },
          { name: 'Access-Control-Allow-Origin', value: '*' },
        ],
        body: Buffer.from(stub.body).toString('base64'),
      })
      .catch(() => {}); // the page may be gone already
  });
  await cdp.send('Fetch.enable', { patterns: THIRD_PARTY_PATTERNS.map((urlPattern) => ({ urlPattern, requestStage: 'Request' })) });
}

// ---------------------------------------------------------------------------
// In the page

/** Runs in every page before its own scripts: records long tasks, layout
 * shifts, and the first animation frame in which the banner is visible.
 * With `click` (the "accept all" button's selector in the banner), presses
 * it in that frame's callback and records the first frame in which the
 * banner is not visible any more and the decision is in `stored`. */
function probe({ selector, other, click, stored }) {
  if (window.top !== window) return;
  const bench = (window.__bench = { insertedAt: null, visibleAt: null, visibleSeenAt: null, otherBanner: false, clickAt: null, goneAt: null, goneSeenAt: null, clicked: false });

  // The element, in the document or in an open shadow root of one of
  // <body>'s children (where our banner lives).
  const find = (sel) => {
    const direct = document.querySelector(sel);
    if (direct || !document.body) return direct;
    for (const el of document.body.children) {
      const inner = el.shadowRoot && el.shadowRoot.querySelector(sel);
      if (inner) return inner;
    }
    return null;
  };
  const parentOf = (node) => node.parentElement || (node.parentNode && node.parentNode.host) || null;
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    if (!(r.width > 0 && r.height > 0)) return false;
    if (r.right <= 0 || r.bottom <= 0 || r.left >= innerWidth || r.top >= innerHeight) return false;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility !== 'visible') return false;
    let opacity = 1;
    for (let node = el; node; node = parentOf(node)) opacity *= Number(getComputedStyle(node).opacity);
    return opacity > 0;
  };

  let shown;
  bench.visible = new Promise((ok) => (shown = ok));
  let gone;
  bench.gone = new Promise((ok) => (gone = ok));
  const isStored = () => {
    if (stored.kind === 'localStorage') return !!localStorage.getItem(stored.name);
    return document.cookie.split(/;\s*/).some((c) => c.startsWith(`${stored.name}=`));
  };
  const frame = (ts) => {
    const el = find(selector);
    if (el && bench.insertedAt === null) bench.insertedAt = ts;
    if (el && visible(el)) {
      bench.visibleAt = ts;
      // The frame's timestamp is when it began; its callbacks run later,
      // after any task run meanwhile: what that started precedes this
      // frame's paint too, and stage (a) counts it.
      bench.visibleSeenAt = performance.now();
      bench.otherBanner = !!find(other);
      bench.text = el.textContent.replace(/\s+/g, ' ').trim().slice(0, 80);
      shown(ts);
      if (click) {
        // In this frame, before it is painted: the first moment a visitor
        // could see the button. element.click() is a click event as a tap
        // or a mouse gives it, without the pointer and mouse events before
        // it, which neither banner's "accept all" listens to.
        const button = el.querySelector(click);
        bench.clicked = !!button;
        bench.clickAt = performance.now();
        if (button) {
          button.click();
          requestAnimationFrame(afterClick);
        }
      }
      return;
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  // Gone: removed, or no longer visible by the same definition as above (so
  // a fade counts until its last frame with an opacity above 0), and the
  // decision stored.
  const afterClick = (ts) => {
    const el = find(selector);
    if ((!el || !visible(el)) && isStored()) {
      bench.goneAt = ts;
      bench.goneSeenAt = performance.now();
      gone(ts);
      return;
    }
    requestAnimationFrame(afterClick);
  };

  const observe = (type, list) => {
    try {
      const o = new PerformanceObserver((entries) => list.push(...entries.getEntries()));
      o.observe({ type, buffered: true });
      return o;
    } catch (e) {
      return null;
    }
  };
  const longTasks = [];
  const shifts = [];
  const observers = [observe('longtask', longTasks), observe('layout-shift', shifts)];
  // Everything recorded so far, as plain data.
  bench.collect = () => {
    for (const o of observers) if (o) o.takeRecords().forEach((e) => (e.entryType === 'longtask' ? longTasks : shifts).push(e));
    const nav = performance.getEntriesByType('navigation')[0];
    const paint = performance.getEntriesByType('paint').find((e) => e.name === 'first-contentful-paint');
    return {
      insertedAt: bench.insertedAt,
      visibleAt: bench.visibleAt,
      visibleSeenAt: bench.visibleSeenAt,
      clicked: bench.clicked,
      clickAt: bench.clickAt,
      goneAt: bench.goneAt,
      goneSeenAt: bench.goneSeenAt,
      otherBanner: bench.otherBanner,
      text: bench.text,
      longTasks: longTasks.map((e) => ({ start: e.startTime, duration: e.duration })),
      shifts: shifts.map((e) => ({ start: e.startTime, value: e.value, hadRecentInput: e.hadRecentInput })),
      htmlEnd: nav ? nav.responseEnd : null,
      domContentLoaded: nav ? nav.domContentLoadedEventEnd : null,
      fcp: paint ? paint.startTime : null,
      resources: performance
        .getEntriesByType('resource')
        .map((e) => ({ name: e.name, start: e.startTime, end: e.responseEnd, transfer: e.transferSize, encoded: e.encodedBodySize })),
    };
  };
}

/** In the page: the startTime of the gtag.js request, once it is there. */
function gtagStart(timeout) {
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error('no gtag.js request')), timeout);
    new PerformanceObserver((list, observer) => {
      const e = list.getEntries().find((r) => r.name.includes('googletagmanager.com/gtag/js'));
      if (!e) return;
      clearTimeout(timer);
      observer.disconnect();
      ok(e.startTime);
    }).observe({ type: 'resource', buffered: true });
  });
}

// ---------------------------------------------------------------------------
// Loads

/** A fresh context and page for one variant, with the probe, the stubs,
 * and every error and unexpected request recorded. */
async function open(browser, run, variant, { click = false } = {}) {
  const context = await browser.newContext();
  const side = variant === 'ours-full' ? 'ours' : variant;
  const banner = (v) => (VARIANTS[v] ? VARIANTS[v].banner : '#no-banner');
  await context.addInitScript(probe, {
    selector: banner(side),
    other: banner(side === 'ours' ? 'theirs' : 'ours'),
    click: click ? VARIANTS[side].accept : null,
    stored: VARIANTS[side] ? VARIANTS[side].stored : { kind: 'cookie', name: 'none' },
  });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  const stubbed = [];
  await stubThirdParties(cdp, stubbed);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console error: ${m.text()} (${m.location().url})`));
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (!/^https?:$/.test(u.protocol)) return;
    const local = u.hostname === HOST && u.port === String(run.port);
    if (!local && !THIRD_PARTY_PATTERNS.some((p) => glob(p, r.url()))) problems.push(`unexpected request: ${r.url()}`);
  });
  const url = `http://${HOST}:${run.port}/${variant}/`;
  return { context, page, cdp, stubbed, problems, url, variant, side };
}

/** Whether a DevTools URL pattern ('*' is anything) matches. */
function glob(pattern, url) {
  const re = new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}$`);
  return re.test(url);
}

function check(load, what) {
  if (load.problems.length) throw new HarnessError(`${load.variant}, ${what}: ${[...new Set(load.problems)].join('; ')}`);
}

/** Waits until the server has had nothing to answer for a while. */
async function quiet(run) {
  const QUIET_MS = 300;
  const deadline = Date.now() + TIMEOUT_MS;
  let since = Date.now();
  while (Date.now() - since < QUIET_MS) {
    if (Date.now() > deadline) throw new HarnessError(`requests still pending after ${TIMEOUT_MS / 1000} s`);
    if (run.state.pending > 0) since = Date.now();
    await new Promise((ok) => setTimeout(ok, 25));
  }
}

/** Navigates and waits for the banner to be visible; returns its time. */
async function navigateToBanner(load, what) {
  await load.page.goto(load.url, { waitUntil: 'commit', timeout: TIMEOUT_MS });
  const visibleAt = await load.page
    .evaluate((timeout) => {
      if (!window.__bench) throw new Error('the probe did not run');
      return Promise.race([window.__bench.visible, new Promise((_, fail) => setTimeout(() => fail(new Error('timeout')), timeout))]);
    }, TIMEOUT_MS)
    .catch((e) => {
      check(load, what);
      throw new HarnessError(
        `${load.variant}, ${what}: the banner (${VARIANTS[load.side].banner}) was not visible within ${TIMEOUT_MS / 1000} s (${e.message.split('\n')[0]})`,
      );
    });
  return visibleAt;
}

/** A first visit: the banner's time, and blocking time and shifts over the
 * window after it. */
async function firstVisit(browser, run, variant, throttle) {
  const what = `first visit at ${throttle}x CPU`;
  const load = await open(browser, run, variant);
  try {
    if (throttle !== 1) await load.cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
    const visibleAt = await navigateToBanner(load, what);
    await load.page.evaluate((until) => new Promise((ok) => setTimeout(ok, Math.max(0, until - performance.now()))), visibleAt + WINDOW_MS);
    const data = await load.page.evaluate(() => window.__bench.collect());
    check(load, what);
    // Sanity: it was this variant's banner, with its accept button, and the
    // other variant's banner was nowhere.
    const accept = await load.page.locator(`${VARIANTS[variant].banner} ${VARIANTS[variant].accept}`).count();
    if (!accept || data.otherBanner) {
      throw new HarnessError(`${variant}, ${what}: the visible banner is not ${VARIANTS[variant].name}'s (accept button: ${accept}, other banner: ${data.otherBanner})`);
    }
    if (load.stubbed.length) throw new HarnessError(`${variant}, ${what}: third parties requested before consent: ${load.stubbed.map((s) => s.url).join(', ')}`);
    const end = data.visibleAt + WINDOW_MS;
    const tasks = data.longTasks.filter((t) => t.start < end);
    const blocking = blockingTime(tasks, data.fcp);
    const own = data.resources.filter((r) => run.firstLayer[variant].includes(new URL(r.name).pathname));
    return {
      visibleAt: data.visibleAt,
      insertedAt: data.insertedAt,
      tbt: blocking.afterFcp,
      blockedFromStart: blocking.fromStart,
      cls: data.shifts.filter((s) => !s.hadRecentInput && s.start < end).reduce((sum, s) => sum + s.value, 0),
      htmlEnd: data.htmlEnd,
      fcp: data.fcp,
      domContentLoaded: data.domContentLoaded,
      filesEnd: own.length ? Math.max(...own.map((r) => r.end)) : null,
      longTasks: tasks,
      shifts: data.shifts,
      resources: data.resources,
      text: data.text,
    };
  } finally {
    await load.context.close();
  }
}

/** The bytes of `side`'s files among `resources` (Resource Timing entries)
 * whose request started by `until` (all of them without it), each counted
 * once, at the size the server sends it (see the header); and their paths. */
function stageBytes(run, side, resources, until = Infinity) {
  const paths = new Set();
  for (const r of resources) {
    const path = new URL(r.name).pathname;
    if (path.startsWith(VARIANTS[side].files) && r.start <= until) paths.add(path);
  }
  let bytes = 0;
  for (const path of paths) {
    const file = run.files.get(path);
    if (!file) throw new HarnessError(`${side}: ${path} was requested but the server has no such file`);
    bytes += file.br.length;
  }
  return { bytes, paths: [...paths].sort() };
}

/** Whether the page received each of our files at the size the server's
 * accounting says (Resource Timing's encodedBodySize); a note if not. */
function checkEncoded(run, side, resources, notes) {
  for (const r of resources) {
    const path = new URL(r.name).pathname;
    const file = run.files.get(path);
    if (!path.startsWith(VARIANTS[side].files) || !file || !r.encoded) continue;
    if (r.encoded !== file.br.length) notes.add(`${path}: encodedBodySize ${r.encoded} B, the server's brotli body ${file.br.length} B`);
  }
}

/** Fails if the server sent a file of `side`'s during one load that the
 * page's Resource Timing does not list: the stages' bytes would miss it. */
function missingFromTiming(run, side, resources, hits, what) {
  const timed = new Set(resources.map((r) => new URL(r.name).pathname));
  const missing = [...new Set(hits)].filter((p) => p.startsWith(VARIANTS[side].files) && !timed.has(p));
  if (missing.length) throw new HarnessError(`${side}, ${what}: requested but not in Resource Timing: ${missing.join(', ')}`);
}

/** A first visit that presses "accept all" in the first frame in which the
 * banner is visible (see the probe); when the banner is gone and the choice
 * stored, and the bytes of stages (a) and (b). */
async function clickVisit(browser, run, variant, throttle) {
  const what = `first visit with a click at ${throttle}x CPU`;
  const load = await open(browser, run, variant, { click: true });
  try {
    if (throttle !== 1) await load.cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
    const hitsBefore = run.hits.length;
    await navigateToBanner(load, what);
    await load.page
      .evaluate((timeout) => Promise.race([window.__bench.gone, new Promise((_, fail) => setTimeout(() => fail(new Error('timeout')), timeout))]), TIMEOUT_MS)
      .catch(async (e) => {
        check(load, what);
        const clicked = await load.page.evaluate(() => window.__bench.clicked).catch(() => null);
        throw new HarnessError(
          `${variant}, ${what}: ${clicked ? 'the banner was not gone with the choice stored' : 'no "accept all" button was found to click'} within ${TIMEOUT_MS / 1000} s (${e.message.split('\n')[0]})`,
        );
      });
    // Every request started by then has finished: Resource Timing has them all.
    await quiet(run);
    const data = await load.page.evaluate(() => window.__bench.collect());
    check(load, what);
    if (data.otherBanner) throw new HarnessError(`${variant}, ${what}: the other variant's banner was on the page`);
    checkEncoded(run, variant, data.resources, run.notes);
    missingFromTiming(run, variant, data.resources, run.hits.slice(hitsBefore), what);
    const visible = stageBytes(run, variant, data.resources, data.visibleSeenAt);
    const clicked = stageBytes(run, variant, data.resources, data.goneSeenAt);
    const after = stageBytes(run, variant, data.resources);
    return {
      visibleAt: data.visibleAt,
      clickAt: data.clickAt,
      goneAt: data.goneAt,
      clickToGone: data.goneAt - data.clickAt,
      bytesVisible: visible.bytes,
      pathsVisible: visible.paths,
      bytesClicked: clicked.bytes,
      pathsClicked: clicked.paths,
      bytesAfter: after.bytes, // by the time nothing was left loading after the click
      pathsAfter: after.paths,
      resources: data.resources,
    };
  } finally {
    await load.context.close();
  }
}

/** Stage (c): a first visit that opens the settings from the banner, on the
 * page with everything of ours (ours-full) or their page; every file of
 * theirs or ours fetched, once each, by the time nothing is left loading. */
async function fullVisit(browser, run, variant) {
  const what = 'first visit that opens the settings';
  const load = await open(browser, run, variant);
  const side = load.side;
  try {
    const hitsBefore = run.hits.length;
    await navigateToBanner(load, what);
    await load.page.locator(`${VARIANTS[side].banner} ${VARIANTS[side].settings}`).first().click({ timeout: TIMEOUT_MS });
    await load.page.locator(VARIANTS[side].settingsLayer).first().waitFor({ state: 'visible', timeout: TIMEOUT_MS });
    if (side === 'ours') {
      // The placeholder and the declaration are drawn too.
      await load.page.waitForFunction(
        () => {
          const declaration = document.querySelector('[data-consent-declaration]');
          const placeholder = document.querySelector('[data-diffo-consent-placeholder]');
          return !!(declaration && declaration.shadowRoot && declaration.shadowRoot.textContent.trim() && placeholder && placeholder.shadowRoot && placeholder.shadowRoot.textContent.trim());
        },
        null,
        { timeout: TIMEOUT_MS, polling: 50 },
      ).catch(() => {
        throw new HarnessError(`${variant}, ${what}: the embed's placeholder or the declaration was not drawn`);
      });
    }
    await quiet(run);
    const data = await load.page.evaluate(() => window.__bench.collect());
    check(load, what);
    checkEncoded(run, side, data.resources, run.notes);
    missingFromTiming(run, side, data.resources, run.hits.slice(hitsBefore), what);
    return stageBytes(run, side, data.resources);
  } finally {
    await load.context.close();
  }
}

/** Opens the page again in the same context; the start of the gtag.js
 * request. */
async function returnAndTimeGtag(load, what) {
  await load.page.goto(load.url, { waitUntil: 'commit', timeout: TIMEOUT_MS });
  return load.page.evaluate(gtagStart, TIMEOUT_MS).catch((e) => {
    check(load, what);
    throw new HarnessError(`${load.variant}, ${what}: gtag.js was not requested within ${TIMEOUT_MS / 1000} s (${e.message.split('\n')[0]})`);
  });
}

/** A return visit: accept all, wait for the stored choice, then open the
 * page again in the same context; the start of the gtag.js request. */
async function returnVisit(browser, run, variant, throttle, key) {
  const what = `return visit at ${throttle}x CPU`;
  const load = await open(browser, run, variant);
  try {
    const hitsFirst = run.hits.length;
    await navigateToBanner(load, what);
    await load.page.locator(`${VARIANTS[variant].banner} ${VARIANTS[variant].accept}`).first().click({ timeout: TIMEOUT_MS });
    await load.page
      .waitForFunction(
        ({ variant, key }) =>
          variant === 'ours' ? !!localStorage.getItem(key) : document.cookie.split(/;\s*/).some((c) => c.startsWith('cc_cookie=')),
        { variant, key },
        { timeout: TIMEOUT_MS, polling: 50 },
      )
      .catch(() => {
        throw new HarnessError(`${variant}, ${what}: "accept all" was clicked but no choice was stored`);
      });
    // A return visitor comes back later: let what the first visit started
    // finish (and be cached) before the next page.
    await quiet(run);
    const fetchedFirst = new Set(run.hits.slice(hitsFirst));
    if (throttle !== 1) await load.cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
    const hitsBefore = run.hits.length;
    const stubbedBefore = load.stubbed.length;
    const start = await returnAndTimeGtag(load, what);
    // Sanity: the banner stayed away, gtag.js went through the stub, and
    // nothing the first visit fetched was fetched again (the HTTP cache works;
    // what a banner fetches only on return visits is its own business).
    await load.page.waitForLoadState('load', { timeout: TIMEOUT_MS });
    const data = await load.page.evaluate(() => window.__bench.collect());
    check(load, what);
    if (data.visibleAt !== null) throw new HarnessError(`${variant}, ${what}: the banner showed again after "accept all"`);
    const gtag = load.stubbed.slice(stubbedBefore).filter((s) => s.url.includes('googletagmanager.com/gtag/js'));
    if (!gtag.length) throw new HarnessError(`${variant}, ${what}: the stub saw no gtag.js request`);
    const fetched = [...new Set(run.hits.slice(hitsBefore))].filter((p) => p !== `/${variant}/` && !p.startsWith('/consent-log/'));
    const refetched = fetched.filter((p) => fetchedFirst.has(p));
    if (refetched.length) throw new HarnessError(`${variant}, ${what}: the HTTP cache was not used for ${refetched.join(', ')}`);
    return {
      gtagStart: start,
      gtagUrl: gtag[0].url,
      fetched, // from the server by the time gtag.js started: not in the cache
      htmlEnd: data.htmlEnd,
      domContentLoaded: data.domContentLoaded,
      resources: data.resources,
    };
  } finally {
    await load.context.close();
  }
}

/** A floor of the return visit (see the header): the page with floor.js
 * (`floor`, deferred, or `floor-inline`), opened twice in one context; the
 * start of the gtag.js request on the second. */
async function floorVisit(browser, run, variant, throttle) {
  const what = `return visit at ${throttle}x CPU`;
  const load = await open(browser, run, variant);
  try {
    await load.page.goto(load.url, { waitUntil: 'load', timeout: TIMEOUT_MS });
    await quiet(run);
    if (throttle !== 1) await load.cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
    const start = await returnAndTimeGtag(load, what);
    await load.page.waitForLoadState('load', { timeout: TIMEOUT_MS });
    check(load, what);
    return { gtagStart: start };
  } finally {
    await load.context.close();
  }
}

/** The page without a banner: its blocking time from navigation until
 * WINDOW_MS after its first contentful paint or its load event, whichever
 * is later. */
async function baselineVisit(browser, run, throttle) {
  const what = `the page without a banner at ${throttle}x CPU`;
  const load = await open(browser, run, 'none');
  try {
    if (throttle !== 1) await load.cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
    await load.page.goto(load.url, { waitUntil: 'load', timeout: TIMEOUT_MS });
    const end = await load.page
      .evaluate(
        ({ windowMs, timeout }) =>
          new Promise((ok, fail) => {
            setTimeout(() => fail(new Error('no first contentful paint')), timeout);
            new PerformanceObserver((list, observer) => {
              const fcp = list.getEntries().find((e) => e.name === 'first-contentful-paint');
              if (!fcp) return;
              observer.disconnect();
              const until = Math.max(fcp.startTime, performance.getEntriesByType('navigation')[0].loadEventEnd) + windowMs;
              setTimeout(() => ok(until), Math.max(0, until - performance.now()));
            }).observe({ type: 'paint', buffered: true });
          }),
        { windowMs: WINDOW_MS, timeout: TIMEOUT_MS },
      )
      .catch((e) => {
        throw new HarnessError(`${what}: ${e.message.split('\n')[0]}`);
      });
    const data = await load.page.evaluate(() => window.__bench.collect());
    check(load, what);
    const tasks = data.longTasks.filter((t) => t.start < end);
    const blocking = blockingTime(tasks, data.fcp);
    return { tbt: blocking.afterFcp, blockedFromStart: blocking.fromStart, fcp: data.fcp, longTasks: tasks };
  } finally {
    await load.context.close();
  }
}

// ---------------------------------------------------------------------------
// Statistics and reports

/** The q-quantile of sorted numbers, interpolated. */
function quantile(sorted, q) {
  if (!sorted.length) return NaN;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: quantile(sorted, 0.5), p10: quantile(sorted, 0.1), p90: quantile(sorted, 0.9), max: sorted[sorted.length - 1] };
}

/** Blocking time (the part of each long task beyond 50 ms) of `tasks`: after
 * the first contentful paint `fcp`, a task that spans it counted from it (the
 * standard total blocking time), and from navigation. */
function blockingTime(tasks, fcp) {
  const over = (duration) => Math.max(0, duration - 50);
  let afterFcp = 0;
  let fromStart = 0;
  for (const t of tasks) {
    fromStart += over(t.duration);
    const end = t.start + t.duration;
    if (fcp === null || end > fcp) afterFcp += over(end - Math.max(t.start, fcp ?? 0));
  }
  return { afterFcp, fromStart };
}

// The metrics, how to read each from the samples (and the sizes), and its
// target.
const MS = 'ms';
const BYTES = 'B';
const METRICS = [
  { id: 'visible1x', short: 'banner visible, 1x', label: 'banner visible, 1x CPU', unit: MS, of: (s) => s.first1x.map((x) => x.visibleAt), target: 'visible' },
  { id: 'visible4x', short: 'banner visible, 4x', label: 'banner visible, 4x CPU', unit: MS, of: (s) => s.first4x.map((x) => x.visibleAt), target: 'visible' },
  { id: 'click1x', short: 'click → gone+stored, 1x', label: '"accept all" in the first visible frame: gone and stored, after the click, 1x CPU', unit: MS, of: (s) => s.click1x.map((x) => x.clickToGone), target: 'click' },
  { id: 'click4x', short: 'click → gone+stored, 4x', label: '"accept all" in the first visible frame: gone and stored, after the click, 4x CPU', unit: MS, of: (s) => s.click4x.map((x) => x.clickToGone), target: 'click' },
  { id: 'gone1x', short: 'gone+stored from navigation, 1x', label: 'the same: gone and stored, from navigation, 1x CPU', unit: MS, of: (s) => s.click1x.map((x) => x.goneAt), target: 'none' },
  { id: 'gone4x', short: 'gone+stored from navigation, 4x', label: 'the same: gone and stored, from navigation, 4x CPU', unit: MS, of: (s) => s.click4x.map((x) => x.goneAt), target: 'none' },
  { id: 'tbt4x', short: 'total blocking time, 4x', label: 'total blocking time, 4x CPU', unit: MS, of: (s) => s.first4x.map((x) => x.tbt), target: 'tbt' },
  { id: 'blocked4x', short: 'blocked from navigation, 4x', label: 'main thread blocked from navigation, 4x CPU', unit: MS, of: (s) => s.first4x.map((x) => x.blockedFromStart), target: 'none' },
  { id: 'cls', short: 'layout shift, 1x and 4x', label: 'layout shift (CLS), 1x and 4x', unit: '', of: (s) => [...s.first1x, ...s.first4x].map((x) => x.cls), target: 'cls' },
  { id: 'return1x', short: 'return visit gtag.js, 1x', label: 'return visit: gtag.js starts, 1x CPU', unit: MS, of: (s) => s.return1x.map((x) => x.gtagStart), floor: 'return1x', target: 'floor' },
  { id: 'return4x', short: 'return visit gtag.js, 4x', label: 'return visit: gtag.js starts, 4x CPU', unit: MS, of: (s) => s.return4x.map((x) => x.gtagStart), floor: 'return4x', target: 'floor' },
  { id: 'brotli', short: 'consent.js (size budget)', label: 'consent.js, the banner and its first decisions, brotli -q 11 (the size budget\'s measure)', unit: BYTES, of: (s, size) => [size.total.brotli], target: 'brotliBytes' },
  { id: 'bytesVisible', short: '(a) bytes by banner visible', label: '(a) bytes of its own files requested by the banner visible (brotli -q 11; 1x and 4x)', unit: BYTES, of: (s) => [...s.click1x, ...s.click4x].map((x) => x.bytesVisible), target: 'none' },
  { id: 'bytesClicked', short: '(b) bytes by click taken effect', label: '(b) the same, by "accept all" in the first visible frame taken effect', unit: BYTES, of: (s) => [...s.click1x, ...s.click4x].map((x) => x.bytesClicked), target: 'clickBytes' },
  { id: 'bytesAll', short: '(c) bytes a visit can fetch', label: '(c) the same, over a visit that needs everything (settings opened, embed, declaration, data-config)', unit: BYTES, of: (s) => s.full.map((x) => x.bytes), target: 'allBytes' },
];

function evaluate(samples, size) {
  return METRICS.map((m) => {
    const ours = summary(m.of(samples.ours, size.ours));
    const theirs = summary(m.of(samples.theirs, size.theirs));
    const ratio = ours.median / theirs.median;
    let target;
    let met;
    let floorRatio = null;
    if (m.target === 'visible' || m.target === 'click') {
      const bound = m.target === 'visible' ? TARGETS.visibleRatio : TARGETS.clickRatio;
      target = `ours/theirs ≤ ${bound}`;
      met = ratio <= bound;
    } else if (m.target === 'floor') {
      floorRatio = ours.median / summary(samples.floor[m.floor].map((x) => x.gtagStart)).median;
      target = `ours/deferred floor ≤ ${TARGETS.floorRatio} (here ${ratioText(floorRatio)})`;
      met = floorRatio <= TARGETS.floorRatio;
    } else if (m.target === 'tbt') {
      target = `ours median ≤ ${TARGETS.tbtMs} ms`;
      met = ours.median <= TARGETS.tbtMs;
    } else if (m.target === 'none') {
      target = 'shown, no target';
      met = null;
    } else if (m.target === 'cls') {
      target = `ours max = ${TARGETS.cls}`;
      met = ours.max <= TARGETS.cls;
    } else {
      // Bytes: judged on the most any load requested.
      const bound = TARGETS[m.target];
      target = `ours${m.id === 'brotli' ? '' : ' max'} ≤ ${group(bound)} B (${kib(bound)})`;
      met = ours.max <= bound;
    }
    return { ...m, ours, theirs, ratio, floorRatio, target, met };
  });
}

const num = (x, unit) => {
  if (Number.isNaN(x)) return '–';
  if (unit === MS) return `${Math.round(x)}`;
  if (unit === BYTES) return group(x);
  return x === 0 ? '0' : x.toFixed(4);
};
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
const group = (n) => Math.round(n).toLocaleString('en-US');
const cell = (s, unit, withMax) => {
  if (unit === BYTES) {
    // Bytes hardly vary: one figure when they do not.
    if (s.p10 === s.max && s.median === s.max) return `${num(s.max, unit)} B (${kib(s.max)})`;
    return `${num(s.median, unit)} (${num(s.p10, unit)}–${num(s.p90, unit)}), max ${num(s.max, unit)} B (${kib(s.max)})`;
  }
  return `${num(s.median, unit)} (${num(s.p10, unit)}–${num(s.p90, unit)})${withMax ? `, max ${num(s.max, unit)}` : ''}${unit && !Number.isNaN(s.median) ? ` ${unit}` : ''}`;
};
const ratioText = (r) => (Number.isFinite(r) ? r.toFixed(2) : '–');

/** The baseline's blocking time, in words. */
function baselineText(samples) {
  const s = summary(samples.none.first4x.map((x) => x.tbt));
  const b = summary(samples.none.first4x.map((x) => x.blockedFromStart));
  return `The same page without a banner has a total blocking time of ${cell(s, 'ms')} at 4x CPU, and its main ` +
    `thread is blocked for ${cell(b, 'ms')} from navigation (a cold renderer's first layout); both are part of both variants' figures.`;
}

/** The return visit's floors against theirs, in words. */
function floorText(samples) {
  const at = (variant, throttle) => {
    const key = `return${throttle}x`;
    const floor = summary(samples[variant][key].map((x) => x.gtagStart));
    const theirs = summary(samples.theirs[key].map((x) => x.gtagStart)).median;
    return `${cell(floor, 'ms')} at ${throttle}x CPU (${ratioText(floor.median / theirs)} of theirs)`;
  };
  const both = (variant) => `${at(variant, 1)}, ${at(variant, THROTTLE)}`;
  return `The floors of the return visit, a few bytes of script that insert gtag.js the moment they run and decide nothing: ` +
    `as a deferred \`<script src>\` in \`<head>\`, the way ours is installed, gtag.js starts at ${both('floor')}; ` +
    `inline and first in \`<head>\`, the earliest any script on the page runs, at ${both('floor-inline')}. ` +
    `No banner can start it sooner than the second; none installed with one deferred tag sooner than the first.`;
}

/** What each variant fetched from the server on return visits before
 * gtag.js started (beyond the page itself), in words. */
function returnFetchedText(samples) {
  const parts = ['ours', 'theirs'].map((side) => {
    const visits = [...samples[side].return1x, ...samples[side].return4x];
    const counts = new Map();
    for (const v of visits) for (const p of v.fetched) counts.set(p, (counts.get(p) || 0) + 1);
    const list = [...counts].map(([p, n]) => `${p} (${n} of ${visits.length})`).join(', ');
    return `${side}: ${list || 'nothing'}`;
  });
  return `Fetched on return visits before gtag.js started, besides the page (not in the cache): ${parts.join('; ')}.`;
}

/** Where the click's time goes, in words. */
function clickText(samples) {
  const part = (side, key) => {
    const m = (f) => Math.round(summary(samples[side][key].map(f)).median);
    return `${side} clicked at ${m((x) => x.clickAt)} ms and gone at ${m((x) => x.goneAt)} ms`;
  };
  const at = (key, throttle) => `at ${throttle}x CPU ${part('ours', key)}, ${part('theirs', key)}`;
  return `"Accept all" pressed in the first frame in which the banner is visible (medians, from navigation): ${at('click1x', 1)}; ${at('click4x', THROTTLE)}. ` +
    'Gone: removed or not visible by the same definition as "visible" (a fade counts until its last frame above opacity 0), with the choice stored.';
}

/** Which files each stage's bytes are, in words, and the built files that
 * stage (c)'s visit did not fetch. */
function stagesText(samples, meta) {
  const sets = (list, key) => {
    const counts = new Map();
    for (const x of list) {
      const k = x[key].map((p) => basename(p)).join(' + ') || 'nothing';
      counts.set(k, (counts.get(k) || 0) + 1);
    }
    return [...counts].map(([k, n]) => (counts.size > 1 ? `${k} (${n} of ${list.length})` : k)).join(', ');
  };
  const side = (name) => {
    const clicks = [...samples[name].click1x, ...samples[name].click4x];
    return `${name}: (a) ${sets(clicks, 'pathsVisible')}; (b) ${sets(clicks, 'pathsClicked')}; (c) ${sets(samples[name].full, 'paths')}; ` +
      `and by the time nothing was left loading after the click, ${sets(clicks, 'pathsAfter')} (${cell(summary(clicks.map((x) => x.bytesAfter)), BYTES)})`;
  };
  const unfetched = meta.ourBuiltFiles.filter((p) => !samples.ours.full.some((x) => x.paths.includes(p)));
  const served = Object.entries(meta.served).map(([p, n]) => `${basename(p)} ${group(n)} B`).join(', ');
  return `Files in each stage's bytes (each counted once, at the size the server sends it with brotli -q 11: ${served}): ${side('ours')}; ${side('theirs')}. ` +
    `Built files of ours that stage (c)'s visit did not fetch: ${unfetched.map((p) => basename(p)).join(', ') || 'none'}.`;
}

function markdown(results, size, meta, samples) {
  const out = [];
  out.push(`Ours (diffo-consent) against ${VARIANTS.theirs.name}, ${meta.runs} runs each, headless Chromium ${meta.chromium}, ` +
    `${meta.cores} cores, ${LATENCY_MS} ms added to every response, brotli. Times from navigation start; ` +
    'medians with p10–p90. Absolute times are noisy on a shared machine: the ratios are the result.');
  out.push('');
  out.push('| metric | ours median (p10–p90) | theirs median (p10–p90) | ours/theirs | target | met |');
  out.push('| --- | ---: | ---: | ---: | --- | :---: |');
  for (const r of results) {
    const withMax = r.id === 'cls';
    out.push(`| ${r.label} | ${cell(r.ours, r.unit, withMax)} | ${cell(r.theirs, r.unit, withMax)} | ${ratioText(r.ratio)} | ${r.target} | ${r.met === null ? '–' : r.met ? 'yes' : 'no'} |`);
  }
  out.push('');
  out.push(baselineText(samples));
  out.push(floorText(samples));
  out.push(returnFetchedText(samples));
  out.push(clickText(samples));
  out.push(stagesText(samples, meta));
  if (meta.notes.length) out.push(`Notes: ${meta.notes.join('; ')}.`);
  out.push('');
  out.push('| file | raw | gzip -9 | brotli -q 11 |');
  out.push('| --- | ---: | ---: | ---: |');
  for (const side of ['ours', 'theirs']) {
    for (const r of [...size[side].rows, size[side].total]) {
      const name = r.file === 'total' ? `**${side} total**` : `${side}: ${r.file}`;
      out.push(`| ${name} | ${group(r.raw)} | ${group(r.gzip)} | ${group(r.brotli)} (${kib(r.brotli)}) |`);
    }
  }
  return out.join('\n') + '\n';
}

function printTables(results, size, samples, meta) {
  const pad = (s, n) => String(s).padEnd(n);
  const lpad = (s, n) => String(s).padStart(n);
  console.log(`\n${VARIANTS.ours.name} (ours) against ${VARIANTS.theirs.name} (theirs): ${meta.runs} runs, Chromium ${meta.chromium}, ${meta.cores} cores`);
  console.log(`Medians (p10–p90), from navigation start; ${LATENCY_MS} ms added to every response.`);
  console.log('Absolute times are noisy on this shared machine; the ratios ours/theirs are the result.\n');
  console.log(`${pad('metric', 36)} ${lpad('ours', 30)} ${lpad('theirs', 30)} ${lpad('ratio', 6)}  target`);
  for (const r of results) {
    const withMax = r.id === 'cls';
    console.log(
      `${pad(r.short, 36)} ${lpad(cell(r.ours, r.unit, withMax), 30)} ${lpad(cell(r.theirs, r.unit, withMax), 30)} ${lpad(ratioText(r.ratio), 6)}  ${r.met === null ? '      ' : r.met ? 'ok    ' : 'MISSED'} ${r.target}`,
    );
  }

  console.log('\nWhere the time goes, first visit at 1x CPU (medians, ms):');
  console.log(`${pad('', 10)} ${lpad('HTML in', 8)} ${lpad('FCP', 8)} ${lpad('DCL', 8)} ${lpad('files in', 9)} ${lpad('in DOM', 8)} ${lpad('visible', 8)}`);
  for (const side of ['ours', 'theirs']) {
    const m = (k) => {
      const v = samples[side].first1x.map((x) => x[k]).filter((x) => x !== null);
      return v.length ? Math.round(summary(v).median) : '–';
    };
    console.log(`${pad(side, 10)} ${lpad(m('htmlEnd'), 8)} ${lpad(m('fcp'), 8)} ${lpad(m('domContentLoaded'), 8)} ${lpad(m('filesEnd'), 9)} ${lpad(m('insertedAt'), 8)} ${lpad(m('visibleAt'), 8)}`);
  }
  console.log('(files in: its first-layer files downloaded; in DOM: first frame with the banner element; visible: see above;');
  console.log(' frames are timed at their start, paints such as FCP when presented, some 30-50 ms later here)');
  console.log(baselineText(samples));

  console.log('\nReturn visit at 1x CPU (medians, ms):');
  console.log(`${pad('', 10)} ${lpad('HTML in', 8)} ${lpad('DCL', 8)} ${lpad('gtag.js', 8)}`);
  for (const side of ['ours', 'theirs']) {
    const m = (k) => Math.round(summary(samples[side].return1x.map((x) => x[k])).median);
    console.log(`${pad(side, 10)} ${lpad(m('htmlEnd'), 8)} ${lpad(m('domContentLoaded'), 8)} ${lpad(m('gtagStart'), 8)}`);
  }
  console.log(floorText(samples));
  console.log(returnFetchedText(samples));
  console.log(`\n${clickText(samples)}`);
  console.log(stagesText(samples, meta));

  console.log('\nWhat a first-time visitor downloads to see the banner (bytes):');
  console.log(`${pad('', 30)} ${lpad('raw', 9)} ${lpad('gzip -9', 9)} ${lpad('brotli -11', 11)}`);
  for (const side of ['ours', 'theirs']) {
    for (const r of [...size[side].rows, size[side].total]) {
      const name = r.file === 'total' ? `${side} total` : `${side}: ${r.file}`;
      console.log(`${pad(name, 30)} ${lpad(r.raw, 9)} ${lpad(r.gzip, 9)} ${lpad(r.brotli, 11)}  (${kib(r.raw)} / ${kib(r.gzip)} / ${kib(r.brotli)})`);
    }
  }
  console.log(`\nSeconds spent per kind of load: ${Object.entries(meta.spentSeconds).map(([k, v]) => `${k} ${Math.round(v)}`).join(', ')}.`);
  const b = size.ours.total.brotli;
  console.log(`${b <= TARGETS.brotliBytes ? 'ok    ' : 'MISSED'} ours brotli total ${group(b)} B (${kib(b)}) ≤ ${group(TARGETS.brotliBytes)} B (${kib(TARGETS.brotliBytes)})`);
  if (meta.notes.length) console.log(`\nnotes:\n${meta.notes.map((n) => `  ${n}`).join('\n')}`);
}

// ---------------------------------------------------------------------------

async function bench(args) {
  const started = Date.now();
  const ids = siteIds();
  const key = storageKey();
  VARIANTS.ours.stored.name = key;
  const measured = JSON.parse(readFileSync(args.sizes, 'utf8'));
  const size = { ours: sizes(measured.ours), theirs: sizes(measured.theirs) };
  const run = await startServer(args.dist, pages(ids), measured.theirs.map((r) => r.path));
  // The URL paths of what a first-time visitor downloads to see each banner.
  run.firstLayer = {
    ours: size.ours.rows.map((r) => `/consent/${r.file}`),
    theirs: size.theirs.rows.map((r) => `/cc/${r.file}`),
  };
  const browser = await launch();
  const samples = {
    ours: { first1x: [], first4x: [], click1x: [], click4x: [], return1x: [], return4x: [], full: [] },
    theirs: { first1x: [], first4x: [], click1x: [], click4x: [], return1x: [], return4x: [], full: [] },
    none: { first4x: [] },
    floor: { return1x: [], return4x: [] },
    'floor-inline': { return1x: [], return4x: [] },
  };
  run.notes = new Set();
  const meta = {
    runs: args.runs,
    chromium: browser.version(),
    cores: availableParallelism(),
    latencyMs: LATENCY_MS,
    windowMs: WINDOW_MS,
    host: HOST,
    // Every file of ours the server has, for stage (c)'s check.
    ourBuiltFiles: [...run.files.keys()].filter((p) => p.startsWith(VARIANTS.ours.files)).sort(),
    // The bytes the server sends for each of the banners' files (brotli -q 11).
    served: Object.fromEntries([...run.files].filter(([p]) => p.startsWith('/consent/') || p.startsWith('/cc/')).map(([p, f]) => [p, f.br.length])),
  };
  try {
    // One load of each, not recorded: warms up the browser and the server,
    // and fails early if a page does not show its banner.
    for (const variant of ['ours', 'theirs']) await firstVisit(browser, run, variant, 1);
    // Stage (c) once: which files a visit can fetch does not vary.
    samples.ours.full.push(await fullVisit(browser, run, 'ours-full'));
    samples.theirs.full.push(await fullVisit(browser, run, 'theirs'));
    // Seconds spent per kind of load, to keep the run time in view.
    const spent = (meta.spentSeconds = {});
    const timed = async (kind, load) => {
      const t = Date.now();
      const result = await load();
      spent[kind] = (spent[kind] || 0) + (Date.now() - t) / 1000;
      return result;
    };
    for (let i = 0; i < args.runs; i++) {
      const order = i % 2 === 0 ? ['ours', 'theirs'] : ['theirs', 'ours'];
      for (const variant of order) samples[variant].first1x.push(await timed('first', () => firstVisit(browser, run, variant, 1)));
      for (const variant of order) samples[variant].first4x.push(await timed('first', () => firstVisit(browser, run, variant, THROTTLE)));
      for (const variant of order) samples[variant].click1x.push(await timed('click', () => clickVisit(browser, run, variant, 1)));
      for (const variant of order) samples[variant].click4x.push(await timed('click', () => clickVisit(browser, run, variant, THROTTLE)));
      for (const variant of order) samples[variant].return1x.push(await timed('return', () => returnVisit(browser, run, variant, 1, key)));
      for (const variant of order) samples[variant].return4x.push(await timed('return', () => returnVisit(browser, run, variant, THROTTLE, key)));
      samples.none.first4x.push(await timed('baseline', () => baselineVisit(browser, run, THROTTLE)));
      for (const floor of ['floor', 'floor-inline']) {
        samples[floor].return1x.push(await timed('floors', () => floorVisit(browser, run, floor, 1)));
        samples[floor].return4x.push(await timed('floors', () => floorVisit(browser, run, floor, THROTTLE)));
      }
      const last = (v, k, f) => Math.round(samples[v][k].at(-1)[f]);
      console.error(
        `run ${i + 1}/${args.runs} (${order[0]} first): visible 1x ${last('ours', 'first1x', 'visibleAt')}/${last('theirs', 'first1x', 'visibleAt')} ms, ` +
          `4x ${last('ours', 'first4x', 'visibleAt')}/${last('theirs', 'first4x', 'visibleAt')} ms, ` +
          `click → gone 1x ${last('ours', 'click1x', 'clickToGone')}/${last('theirs', 'click1x', 'clickToGone')} ms, ` +
          `4x ${last('ours', 'click4x', 'clickToGone')}/${last('theirs', 'click4x', 'clickToGone')} ms, ` +
          `return gtag 1x ${last('ours', 'return1x', 'gtagStart')}/${last('theirs', 'return1x', 'gtagStart')} ms (ours/theirs)`,
      );
    }
  } finally {
    await browser.close();
    run.server.close();
  }
  if (run.notBrotli.size) console.error(`warning: served without brotli (not accepted): ${[...run.notBrotli].join(', ')}`);

  const results = evaluate(samples, size);
  meta.notes = [...run.notes];
  meta.seconds = Math.round((Date.now() - started) / 1000);
  printTables(results, size, samples, meta);
  mkdirSync(args.out, { recursive: true });
  writeFileSync(join(args.out, 'bench.md'), markdown(results, size, meta, samples));
  const verdicts = Object.fromEntries(
    results.map((r) => [r.id, { ours: r.ours, theirs: r.theirs, ratio: r.ratio, ...(r.floorRatio === null ? {} : { floorRatio: r.floorRatio }), target: r.target, met: r.met }]),
  );
  writeFileSync(join(args.out, 'bench.json'), JSON.stringify({ meta, targets: TARGETS, results: verdicts, sizes: size, samples }, null, 1));
  const missed = Object.entries(verdicts).filter(([, v]) => v.met === false).map(([k]) => k);
  console.log(`\nwrote ${join(args.out, 'bench.md')} and bench.json in ${meta.seconds} s`);
  console.log(missed.length ? `Result: ${missed.length} target${missed.length > 1 ? 's' : ''} missed (${missed.join(', ')}).` : 'Result: every target met.');
  return missed.length ? 1 : 0;
}

try {
  process.exit(await bench(parseArgs(process.argv.slice(2))));
} catch (e) {
  console.error(`bench: ${e instanceof HarnessError ? e.message : e.stack || e.message}`);
  process.exit(2);
}
