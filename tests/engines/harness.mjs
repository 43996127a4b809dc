// Shared set-up for the core flows in Firefox and WebKit (tests/engines/):
// Debian's firefox-esr through geckodriver and WebKitGTK's MiniBrowser
// through WebKitWebDriver (under an Xvfb of its own), both driven over
// WebDriver with selenium-webdriver, against the demo server that
// `cargo xtask test` starts (its port is in DIFFO_PORT).
//
// WebDriver cannot route requests as Playwright does, so every request the
// browser makes goes through a recording proxy in this process:
//
// - plain-HTTP requests to loopback (the demo sites, *.localhost) are
//   recorded and forwarded to the demo server, except a blank page of the
//   harness's own (`/__engines/blank`, to clear a site's storage without
//   running the banner) and the paths a test overrides (`consent.wasm`
//   missing); HTML gets a small console recorder first in <head> (WebKit's
//   WebDriver has no BiDi, so this is how its console is read);
// - every https request arrives as CONNECT host:443: its host is recorded
//   and the tunnel refused. Without TLS nothing third-party can be stubbed,
//   so the vendors' scripts never run here (tests/e2e/ stubs them in
//   Chromium): what loads is judged by the hosts the browser tried and by the
//   vendors' elements the banner put in the page (a <script src>, an embed's
//   <iframe src>), whose URLs name the vendor, the GA id and the locale;
// - anything else (plain HTTP to another host) is recorded and refused.
//
// How each engine is pointed at the proxy:
//
// - Firefox: the WebDriver `proxy` capability (manual: httpProxy +
//   sslProxy), with network.proxy.allow_hijacking_localhost so that loopback
//   goes through it too, and prefs that turn Firefox's own background
//   traffic off (below), so that anything non-loopback it records is the
//   page's.
// - WebKitGTK 2.50: its WebDriver takes the `proxy` capability, but makes
//   sslProxy an https:// proxy (it speaks TLS to the proxy, verified: the
//   first bytes are a ClientHello, and acceptInsecureCerts does not cover a
//   proxy's certificate), and socksProxy had no effect. So MiniBrowser is
//   started through a small wrapper script that gives it http_proxy and
//   https_proxy (both http://) for GIO's libproxy resolver; no_proxy=127.0.0.1
//   keeps WebKitWebDriver's own automation connection (MiniBrowser connects
//   to 127.0.0.1:<port>, and with the proxy it went into it) out of the
//   proxy (so a page's request to 127.0.0.1 itself would not be recorded;
//   the tests use none). The demo pages are on *.localhost names, which the
//   proxy resolves: WebKitGTK, which does not resolve *.localhost itself,
//   never needs to, so /etc/hosts is not touched.

import http from 'node:http';
import net from 'node:net';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, chmodSync, existsSync, rmSync } from 'node:fs';
import { tmpdir, homedir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { Builder, By } from 'selenium-webdriver';
import firefox from 'selenium-webdriver/firefox.js';
import { vendorOf } from '../../tools/vendor-stubs.mjs';

export { assert, vendorOf };

import { PORT, SITES, origin, everything } from '../sites.mjs';
export { PORT, SITES, origin, everything };

/** The hosts of those vendors, as the browser asks the proxy for them. */
export const HOSTS = {
  gtag: 'www.googletagmanager.com',
  fbevents: 'connect.facebook.net',
  fbsdk: 'connect.facebook.net',
  instagram: 'www.instagram.com',
  linkedin: 'platform.linkedin.com',
  youtube: 'www.youtube-nocookie.com',
};
export const hostsOf = (vendors) => [...new Set(vendors.map((v) => HOSTS[v.split(':')[0]]))].sort();

const isLoopback = (host) => host === 'localhost' || host.endsWith('.localhost') || host === '127.0.0.1' || host === '[::1]';

// Records console calls in the page (for WebKit, whose WebDriver has no
// BiDi), and still prints them.
const CONSOLE_RECORDER =
  '<script>(function(){var l=window.__console=[];["debug","log","info","warn","error"].forEach(function(k){var o=console[k];' +
  'console[k]=function(){try{l.push((k==="warn"?"warning":k)+": "+Array.prototype.map.call(arguments,String).join(" "))}catch(e){}' +
  'return o.apply(console,arguments)}})})()</script>';

const BLANK = '<!doctype html><html><head><title>blank</title></head><body></body></html>';

/** The recording proxy (see the top). `log` holds every request, in order:
 * `{ kind: 'http' | 'connect' | 'refused', host, url }`. */
export async function startProxy() {
  const log = [];
  const overrides = new Map();
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((req, res) => {
    let url;
    try {
      url = new URL(req.url.startsWith('/') ? `http://${req.headers.host}${req.url}` : req.url);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (!isLoopback(url.hostname)) {
      log.push({ kind: 'refused', host: url.hostname, url: url.href });
      res.writeHead(403, { 'Content-Type': 'text/plain' }).end('third party: refused by the test proxy');
      return;
    }
    log.push({ kind: 'http', host: url.hostname, url: url.href });
    if (url.pathname === '/__engines/blank') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(BLANK);
      return;
    }
    const override = overrides.get(url.pathname);
    if (override) {
      res.writeHead(override.status, { 'Content-Type': override.type || 'text/plain', 'Cache-Control': 'no-store' }).end(override.body || '');
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-connection'];
    delete headers['accept-encoding'];
    const upstream = http.request(
      { host: '127.0.0.1', port: url.port || 80, method: req.method, path: url.pathname + url.search, headers, agent },
      (up) => {
        const type = up.headers['content-type'] || '';
        if (!type.startsWith('text/html')) {
          res.writeHead(up.statusCode, up.headers);
          up.pipe(res);
          return;
        }
        const chunks = [];
        up.on('data', (c) => chunks.push(c));
        up.on('end', () => {
          const html = Buffer.concat(chunks).toString('utf8');
          const body = /<head[^>]*>/i.test(html) ? html.replace(/<head[^>]*>/i, (m) => m + CONSOLE_RECORDER) : CONSOLE_RECORDER + html;
          const out = { ...up.headers, 'content-length': Buffer.byteLength(body) };
          delete out['transfer-encoding'];
          res.writeHead(up.statusCode, out).end(body);
        });
      },
    );
    upstream.on('error', (e) => res.writeHead(502).end(String(e)));
    req.pipe(upstream);
  });
  server.on('connect', (req, socket) => {
    const host = req.url.replace(/:\d+$/, '');
    log.push({ kind: 'connect', host, url: `https://${req.url}` });
    socket.on('error', () => {});
    socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  });
  server.on('clientError', (e, socket) => socket.destroy());
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    log,
    /** Answers `pathname` on every loopback host with this instead. */
    override: (pathname, answer) => overrides.set(pathname, answer),
    clearOverrides: () => overrides.clear(),
    close: () => {
      agent.destroy();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

async function waitForPort(port, what, child) {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`${what} exited (${child.exitCode})`);
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => s.end(() => resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} did not listen on ${port}`);
}

function which(name, extra = []) {
  for (const dir of [...(process.env.PATH || '').split(':'), ...extra]) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  throw new Error(`${name} not found; \`cargo xtask test\` installs it`);
}

// Firefox's own traffic, turned off so that the proxy sees only the page's
// requests. (geckodriver already sets its recommended automation prefs; these
// are the ones that still made requests here, and their neighbours.)
const FIREFOX_PREFS = {
  'network.proxy.allow_hijacking_localhost': true,
  'network.proxy.no_proxies_on': '',
  // Captive portal and connectivity checks (detectportal.firefox.com).
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  // Safe Browsing list updates and lookups, and Tracking Protection, whose
  // lists come from the same place: with them, Firefox itself would block
  // some vendors' hosts, and the tests are about what the banner lets load.
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'browser.safebrowsing.downloads.enabled': false,
  'browser.safebrowsing.downloads.remote.enabled': false,
  'browser.safebrowsing.blockedURIs.enabled': false,
  'browser.safebrowsing.provider.mozilla.updateURL': '',
  'browser.safebrowsing.provider.google4.updateURL': '',
  'privacy.trackingprotection.enabled': false,
  'privacy.trackingprotection.pbmode.enabled': false,
  'privacy.trackingprotection.socialtracking.enabled': false,
  'privacy.trackingprotection.cryptomining.enabled': false,
  'privacy.trackingprotection.fingerprinting.enabled': false,
  // Telemetry, studies, remote settings, updates, add-ons, push, DNS over HTTPS.
  'datareporting.healthreport.uploadEnabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.enabled': false,
  'toolkit.telemetry.unified': false,
  'toolkit.telemetry.server': '',
  'app.normandy.enabled': false,
  'app.shield.optoutstudies.enabled': false,
  'app.update.auto': false,
  'extensions.update.enabled': false,
  'extensions.getAddons.cache.enabled': false,
  'extensions.blocklist.enabled': false,
  'dom.push.connection.enabled': false,
  'network.trr.mode': 5,
  'browser.region.network.url': '',
  'browser.region.update.enabled': false,
  'browser.search.update': false,
  'geo.provider.network.url': '',
  'media.gmp-manager.url': '',
  'identity.fxaccounts.enabled': false,
  'browser.newtabpage.enabled': false,
  'browser.startup.homepage': 'about:blank',
  'browser.startup.page': 0,
  // No speculative connections or prefetches.
  'network.dns.disablePrefetch': true,
  'network.prefetch-next': false,
  'network.http.speculative-parallel-limit': 0,
  'browser.urlbar.speculativeConnect.enabled': false,
};

/** A running browser of `engine` ('firefox' or 'webkit'), behind its own
 * recording proxy. */
export async function launch(engine) {
  const proxy = await startProxy();
  const children = [];
  const cleanups = [];
  let driver;
  const console = [];
  try {
    if (engine === 'firefox') {
      const options = new firefox.Options()
        .setBinary('/usr/bin/firefox-esr')
        .addArguments('-headless')
        .enableBidi()
        .setProxy({ proxyType: 'manual', httpProxy: `127.0.0.1:${proxy.port}`, sslProxy: `127.0.0.1:${proxy.port}` });
      for (const [k, v] of Object.entries(FIREFOX_PREFS)) options.setPreference(k, v);
      const service = new firefox.ServiceBuilder(which('geckodriver', [join(homedir(), '.cargo/bin')]));
      driver = await new Builder().forBrowser('firefox').setFirefoxOptions(options).setFirefoxService(service).build();
      // The real console, through WebDriver BiDi.
      const bidi = await driver.getBidi();
      await bidi.subscribe('log.entryAdded');
      (await bidi.socket).on('message', (m) => {
        const { method, params } = JSON.parse(m.toString());
        if (method === 'log.entryAdded' && params.type === 'console') {
          console.push(`${params.level === 'warn' ? 'warning' : params.level}: ${params.text}`);
        }
      });
    } else if (engine === 'webkit') {
      const dir = mkdtempSync(join(tmpdir(), 'diffo-webkit-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      const display = await startXvfb(children);
      const wrapper = join(dir, 'minibrowser');
      const proxyUrl = `http://127.0.0.1:${proxy.port}`;
      writeFileSync(
        wrapper,
        `#!/bin/sh\n# MiniBrowser behind the tests' recording proxy (see tests/engines/harness.mjs).\n` +
          `export GIO_USE_PROXY_RESOLVER=libproxy http_proxy=${proxyUrl} https_proxy=${proxyUrl} no_proxy=127.0.0.1\n` +
          `exec /usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser "$@"\n`,
      );
      chmodSync(wrapper, 0o755);
      const port = await freePort();
      const wd = spawn(which('WebKitWebDriver'), [`--port=${port}`], {
        env: { ...process.env, DISPLAY: display },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      children.push(wd);
      await waitForPort(port, 'WebKitWebDriver', wd);
      driver = await new Builder()
        .usingServer(`http://127.0.0.1:${port}`)
        .withCapabilities({
          browserName: 'MiniBrowser',
          'webkitgtk:browserOptions': { binary: wrapper, args: ['--automation'] },
        })
        .build();
      await driver.manage().window().setRect({ width: 1280, height: 900 });
    } else {
      throw new Error(`unknown engine ${engine}`);
    }
  } catch (e) {
    for (const c of children) c.kill();
    for (const f of cleanups) f();
    await proxy.close();
    throw e;
  }
  const kill = () => children.forEach((c) => c.exitCode === null && c.kill());
  process.on('exit', kill);
  return {
    engine,
    driver,
    proxy,
    console,
    async quit() {
      try {
        await driver.quit();
      } finally {
        kill();
        for (const f of cleanups) f();
        await proxy.close();
      }
    },
  };
}

/** An Xvfb on a free display (it picks the number and writes it to fd 3). */
async function startXvfb(children) {
  const xvfb = spawn(which('Xvfb'), ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
  });
  children.push(xvfb);
  const number = await new Promise((resolve, reject) => {
    let text = '';
    xvfb.stdio[3].on('data', (d) => {
      text += d;
      if (text.includes('\n')) resolve(text.trim());
    });
    xvfb.on('exit', (code) => reject(new Error(`Xvfb exited (${code})`)));
  });
  return `:${number}`;
}

// ---------------------------------------------------------------------------
// Visitors, pages and the dialog.

/** A fresh visitor in the shared browser: no cookies, no storage on any demo
 * site, and a new start in the proxy's log and the console. */
export async function freshVisitor(browser) {
  const { driver, proxy } = browser;
  proxy.clearOverrides();
  for (const site of Object.keys(SITES)) {
    await driver.get(origin(site) + '/__engines/blank');
    await driver.executeScript('localStorage.clear(); sessionStorage.clear();');
    await driver.manage().deleteAllCookies();
  }
  await driver.get('about:blank');
  mark(browser);
}

/** From now on: what `thirdParty` and `consoleLines` report. */
export function mark(browser) {
  browser.since = browser.proxy.log.length;
  browser.consoleSince = browser.console.length;
}

// The browser's own hosts that no pref here silences, by engine. Firefox
// (153 ESR) syncs Remote Settings (blocklists, security state, the search
// and tracking-protection configs...) from this host at start-up and again
// every few seconds afterwards; services.settings.server, which would move
// it, is ignored in release builds (also with MOZ_REMOTE_SETTINGS_DEVTOOLS,
// tried). No vendor of the sites is on it. WebKit made no request of its own.
export const BROWSER_OWN = {
  firefox: ['firefox.settings.services.mozilla.com'],
  webkit: [],
};

/** The non-loopback hosts the browser asked for since the mark (besides
 * its own, above), sorted, each once. */
export const thirdPartyHosts = (browser) =>
  [
    ...new Set(
      browser.proxy.log
        .slice(browser.since)
        .filter((r) => r.kind !== 'http' && !BROWSER_OWN[browser.engine].includes(r.host))
        .map((r) => r.host),
    ),
  ].sort();

/** The loopback URLs requested since the mark. */
export const loopbackRequests = (browser) =>
  browser.proxy.log.slice(browser.since).filter((r) => r.kind === 'http').map((r) => r.url);

/** The vendors whose elements are in the page (scripts and frames from
 * non-loopback addresses), as vendorOf names them, sorted. */
export async function inserted(browser) {
  const urls = await browser.driver.executeScript(() =>
    [...document.querySelectorAll('script[src], iframe[src]')].map((e) => e.src).filter((src) => /^https?:/.test(src)),
  );
  return urls.filter((u) => !isLoopback(new URL(u).hostname)).map(vendorOf).sort();
}

/** The console lines since the mark: through BiDi in Firefox, from the
 * page's recorder in WebKit (the current page only). */
export async function consoleLines(browser) {
  if (browser.engine === 'firefox') return browser.console.slice(browser.consoleSince);
  return browser.driver.executeScript(() => window.__console || []);
}

export async function open(browser, url) {
  await browser.driver.get(url);
}

/** Waits until the banner has started, and says whether it did. */
export const settled = (browser) =>
  browser.driver.executeAsyncScript(`
    var done = arguments[arguments.length - 1];
    var wait = function () {
      if (!window.diffoConsent) return setTimeout(wait, 20);
      window.diffoConsent.ready.then(function () { done('started'); }, function (e) { done('failed: ' + e); });
    };
    wait();`);

/** Waits until `fn` (run in the page, with `args`) returns something truthy; returns it. */
export async function until(browser, fn, args = [], { timeout = 5000, message = 'a condition in the page' } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await browser.driver.executeScript(fn, ...args);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${message}: ${fn}`);
    await sleep(50);
  }
}

/** Waits until `fn` (in Node) returns something truthy. */
export async function eventually(fn, { timeout = 5000, message = 'a condition' } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${message}`);
    await sleep(50);
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A control of the dialog, inside the banner's open shadow root. */
export async function control(browser, selector) {
  const host = await browser.driver.findElement(By.css('#diffo-consent'));
  const root = await host.getShadowRoot();
  return root.findElement(By.css(selector));
}

/** What the dialog's shadow root holds, read in the page. */
export const inDialog = (browser, selector, read) =>
  browser.driver.executeScript(
    (selector, read) => {
      const root = document.querySelector('#diffo-consent')?.shadowRoot;
      const els = root ? [...root.querySelectorAll(selector)] : [];
      return els.map((e) =>
        read === 'text' ? e.textContent : read === 'checked' ? e.checked : read === 'visible' ? e.getClientRects().length > 0 : e.getAttribute(read),
      );
    },
    selector,
    read,
  );

/** Clicks a dialog control, as a visitor would (a WebDriver click). */
export async function press(browser, selector) {
  await (await control(browser, selector)).click();
}

/** Waits until the settings layer shows (rendered by the extra module, which loads when first needed). */
export const settingsShown = (browser) =>
  until(browser, () => !!document.querySelector('#diffo-consent')?.shadowRoot.querySelector('[aria-modal=true]'), [], {
    message: 'the settings layer',
  });

/** The stored record, parsed, or null. */
export const stored = (browser) => browser.driver.executeScript(() => JSON.parse(localStorage.getItem('diffo-consent')));
