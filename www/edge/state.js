// The browser edge of diffo-consent, in the files of www/edge/.
//
// The edge does only what JavaScript must: read the page, storage, the clock
// and the random source; hand them to the wasm core; and carry out the
// effects the core returns (see core/src/protocol.rs for their format). It
// decides nothing about consent itself: which trackers may load, what the
// dialog shows and what is stored all come from the core.
//
// `cargo xtask build` (xtask/src/bundle.rs) concatenates the files in the
// order of EDGE_FILES there into one function, fills in the @…@ values and minifies
// the result into consent.js. By file: state.js (this one) the constants and
// every variable the others share, with what it holds (variables rather than
// one object's properties, so that terser can shorten their names);
// storage.js storage and the consent log; modules.js the extra module, a
// data-config and the banner module's calls; commands.js the tracker commands; page.js the
// page's own consent views (embeds, declarations); dialog.js the dialog and
// its focus; effects.js carrying out effects and actions; boot.js the first
// visit and the banner module's start; api.js window.diffoConsent.

var PREFIX = 'diffo-consent: ';
var KEY = '@STORAGE_KEY@';
var CSS = '@CSS@';
// The banner module's effects for every first visit (one per site,
// language and GPC signal), computed at build time by the same code, and
// consent-first.wasm (an offset, then one character per byte, shifted by
// it: xtask/src/bundle.rs), which names the one that fits this page.
var FIRST_VISITS = '@FIRST_VISITS@';
var FIRST_MODULE = '@FIRST_MODULE@';
// The first layer's accept all and reject all on each first visit (two
// per visit), computed at build time as templates: "\u0001" stands for
// the consent id, "\u0002" for the time of the decision and "\u0003" for
// its expiry, which consent-first.wasm writes (core/src/first.rs). One
// written before is the number of its first place.
var FIRST_DECISIONS = '@FIRST_DECISIONS@';
var me = document.currentScript || document.querySelector('script[src*="consent.js"]');
if (window.diffoConsent) {
  console.warn(PREFIX + 'consent.js is on this page twice; the second copy does nothing');
  return;
}

var base = me && me.src ? me.src : location.href;

// The modules.
// The extra module (consent-extra.wasm) checks a data-config and renders
// the views beyond the first layer; it is loaded once, when first needed.
var extra = null;
var settingsBytes = new Uint8Array(0); // the checked config, for the extra module's views
var core; // the banner module's functions (bannerModule), once started
// consent-first.wasm's exports, on a first visit.
var firstModule;

// The page.
var nonce = (me && me.nonce) || '';
// The data-config file the script tag names, if any.
var configUrl = attr('data-config');
var domReady =
  document.readyState === 'loading'
    ? new Promise(function (resolve) {
        document.addEventListener('DOMContentLoaded', resolve);
      })
    : null;

// The dialog, its stylesheet and focus.
var shadow; // the dialog's shadow root, once something was rendered
var sheet; // the stylesheet every shadow root of ours adopts
var fallbackStyles = []; // or, without constructable stylesheets, their <style> elements
var returnFocus = null;
var movingFocus = false; // focus is being moved by moveFocus
// Each rendering of the dialog (and each wait for the settings layer) is a
// turn: what waits for a frame or for the extra module applies only if the
// dialog has not been asked to show something else since.
var dialogTurns = turns();

// What the commands did: scripts inserted, embeds found, declarations shown.
var loaded = {}; // vendor script URLs inserted, so none is inserted twice
var embeds = []; // the page's gated embeds, as found
var embedModel = null; // the view model of the last "embeds" command
// Each rendering of the declarations is a turn (see turns()).
var declarationTurns = turns();

// Storage (see storage.js).
var storage = openStorage();
var memory = null;

// The consent log (service/), where the dialog being shown and every
// decision are reported: data-log="URL" (default /consent-log/ on this
// site), or data-log="off".
var LOG = attr('data-log') || '/consent-log/';
// A page without an origin of its own (a sandboxed frame) cannot be told
// apart from any other, so the log would refuse it: it sends nothing.
LOG = LOG === 'off' || self.origin === 'null' ? '' : new URL(LOG, location.href).href;

// A first visit: its index among the first visits (-1 for none), its effects
// (see boot.js); an early decision ({action, now, random}), its effects' text
// and record; how many actions wait for the banner module; whether it failed.
var startedAt = Date.now();
var visit = firstVisit();
var early = visit >= 0 ? FIRST_VISITS[visit] : null;
var decided = null;
var decidedText = null;
var decidedRecord = null;
var waiting = 0;
var failed = false;
