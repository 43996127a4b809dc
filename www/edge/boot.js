// What the core learns of the page, the same for consent-first.wasm and
// the banner module, one on each line (core/src/protocol.rs, Page::read):
// the host, the tag's data-site and data-lang, <html lang>, the browser's
// languages, Global Privacy Control.
function pageFacts() {
  return [
    location.hostname,
    attr('data-site'),
    attr('data-lang'),
    document.documentElement.getAttribute('lang'),
    (navigator.languages || []).join(','),
    navigator.globalPrivacyControl === true ? 1 : '',
  ].join('\n');
}

// A first visit (nothing stored, no data-config) shows the banner at once
// from the effects computed at build time, if consent-first.wasm names the
// one that fits this page; the banner module, when it arrives, starts with
// the same facts and finds the same effects (the host tests check it over
// a grid of pages), so it only takes over. Anything unexpected: -1, and the
// page waits for the banner module as before.
function firstVisit() {
  if (configUrl || readStored() !== null) return -1;
  try {
    var k = FIRST_MODULE.charCodeAt(0);
    var bytes = new Uint8Array(FIRST_MODULE.length - 1);
    for (var i = 0; i < bytes.length; i++) bytes[i] = FIRST_MODULE.charCodeAt(i + 1) - k;
    firstModule = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports;
    var input = new TextEncoder().encode(pageFacts());
    return put(firstModule, input) ? firstModule.choose(input.length) : -1;
  } catch (e) {
    return -1;
  }
}

// In a task of its own, after this script's; not if the banner module has
// failed meanwhile (its buttons could not work).
if (early) {
  (domReady || nextTask()).then(function () {
    if (failed) return;
    rememberFocus();
    apply(JSON.parse(early), false, true);
    // Nothing on the first layer needs the banner module; it comes when
    // the browser is idle, or sooner when something asks for it.
    afterFrame(whenIdle.bind(null, loadCore));
  });
}

// The banner module, fetched and started at once. But when a first visit's
// banner is shown early, it is fetched only when something needs it (a
// click other than accept all or reject all, a decision's page scripts,
// the settings, the API, a declaration) or the browser is idle, and
// started in a task of its own once it has compiled: no one task keeps the
// page busy for long.
var loadCore;
var ready = new Promise(function (resolve) {
  loadCore = resolve;
  if (!early) resolve();
})
  .then(function () {
    return Promise.all([loadModule('@WASM@', 'consent.wasm'), configSettings, domReady]);
  })
  .then(function (results) {
    if (!early) return results;
    return nextTask().then(function () {
      return results;
    });
  })
  .then(start);
ready.catch(function (e) {
  failed = true;
  console.error(PREFIX + 'could not start (' + ((e && e.message) || e) + '); no trackers will load');
  // A banner shown on a first visit cannot work without the banner module.
  if (shadow) render('');
});

// Runs `then` when the browser is next idle (within two seconds).
function whenIdle(then) {
  if (window.requestIdleCallback) requestIdleCallback(then, { timeout: 2000 });
  else setTimeout(then, 200);
}

// Runs `then` once the banner module has started (it does not ask for it).
function whenCore(then) {
  ready.then(then, function () {});
}

function nextTask() {
  return new Promise(function (resolve) {
    setTimeout(resolve, 0);
  });
}
