/*! diffo-consent | cookie consent and tracker gate for the Diffo sites */
// The browser edge of diffo-consent.
//
// This file does only what JavaScript must: read the page, storage, the clock
// and the random source; hand them to the wasm core; and carry out the
// effects the core returns (see core/src/protocol.rs for their format). It
// decides nothing about consent itself: which trackers may load, what the
// dialog shows and what is stored all come from the core.
//
// `cargo xtask build` puts the wasm-bindgen glue at the GLUE placeholder,
// fills in the @…@ values and minifies the result into consent.js.
(function () {
  'use strict';
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
  // its expiry, which consent-first.wasm writes (core/src/first.rs).
  var FIRST_DECISIONS = '@FIRST_DECISIONS@';
  var me = document.currentScript || document.querySelector('script[src*="consent.js"]');
  if (window.diffoConsent) {
    console.warn(PREFIX + 'consent.js is on this page twice; the second copy does nothing');
    return;
  }

  var base = me && me.src ? me.src : location.href;
  // The extra module (consent-extra.wasm) checks a data-config and renders
  // the views beyond the first layer; it is loaded once, when first needed.
  var extra = null;
  function loadExtra() {
    if (!extra) {
      extra = fetch(new URL('@EXTRA@', base))
        .then(function (response) {
          if (!response.ok) throw new Error('could not load consent-extra.wasm (HTTP ' + response.status + ')');
          return response.arrayBuffer();
        })
        .then(function (bytes) {
          return WebAssembly.instantiate(bytes);
        })
        .then(function (module) {
          var exports = module.instance.exports;
          addStyles(new TextDecoder().decode(callExtra(exports, 'css', new Uint8Array(0))));
          return exports;
        });
    }
    return extra;
  }

  // Calls `work` ("check" or "render") of the extra module on `bytes`; its
  // answer is a status byte, then the result or an error message.
  function callExtra(exports, work, bytes) {
    put(exports, bytes);
    var at = exports[work](bytes.length);
    var answer = new Uint8Array(exports.memory.buffer, at, exports.output_len()).slice();
    if (answer[0] !== 0) throw new Error(new TextDecoder().decode(answer.subarray(1)));
    return answer.subarray(1);
  }

  // Writes `bytes` where a module with plain exports (extra, first) takes its
  // input; false if they do not fit.
  function put(exports, bytes) {
    var at = exports.input(bytes.length);
    if (at) new Uint8Array(exports.memory.buffer, at, bytes.length).set(bytes);
    return !!at;
  }

  // A data-config file is checked by the extra module; the result is the
  // config's settings, or it throws what is wrong.
  var configUrl = attr('data-config');
  var configSettings = configUrl
    ? Promise.all([
        fetch(new URL(configUrl, location.href), { credentials: 'same-origin' }).then(function (response) {
          if (!response.ok) throw new Error('could not load the config ' + configUrl + ' (HTTP ' + response.status + ')');
          return response.text();
        }),
        loadExtra(),
      ]).then(function (results) {
        // Checked on top of this site's built-in config, as the banner will apply it.
        var site = attr('data-site') || location.hostname;
        return callExtra(results[1], 'check', new TextEncoder().encode(site + '\n' + results[0]));
      })
    : null;
  var settingsBytes = new Uint8Array(0); // the checked config, for the extra module's views

  // Renders a view model from the core (a string or an object) to markup.
  function renderView(model) {
    return loadExtra().then(function (exports) {
      if (typeof model === 'string') model = JSON.parse(model);
      if (LOG) model.receipt = LOG + 'receipt/';
      var text = new TextEncoder().encode(JSON.stringify(model));
      var request = new Uint8Array(4 + settingsBytes.length + text.length);
      new DataView(request.buffer).setUint32(0, settingsBytes.length, true);
      request.set(settingsBytes, 4);
      request.set(text, 4 + settingsBytes.length);
      return new TextDecoder().decode(callExtra(exports, 'render', request));
    });
  }
  var nonce = (me && me.nonce) || '';

  /*@GLUE@*/

  var core; // the wasm exports, once started
  var shadow; // the dialog's shadow root, once something was rendered
  var sheet; // the stylesheet every shadow root of ours adopts
  var fallbackStyles = []; // or, without constructable stylesheets, their <style> elements
  var returnFocus = null;
  var movingFocus = false; // focus is being moved by moveFocus
  var loaded = {}; // vendor script URLs inserted, so none is inserted twice
  var embeds = []; // the page's gated embeds, as found
  var embedModel = null; // the view model of the last "embeds" command
  var storage = openStorage();
  var memory = null;

  function attr(name) {
    var value = me && me.getAttribute(name);
    return value ? value : null;
  }

  // The consent log (service/), where the dialog being shown and every
  // decision are reported: data-log="URL" (default /consent-log/ on this
  // site), or data-log="off".
  var LOG = attr('data-log') || '/consent-log/';
  // A page without an origin of its own (a sandboxed frame) cannot be told
  // apart from any other, so the log would refuse it: it sends nothing.
  LOG = LOG === 'off' || self.origin === 'null' ? '' : new URL(LOG, location.href).href;
  function report(payload) {
    var url = LOG + 'v1/events';
    try {
      if (navigator.sendBeacon(url, payload)) return;
    } catch (e) {}
    fetch(url, { method: 'POST', body: payload, keepalive: true, credentials: 'omit' }).catch(function () {});
  }

  // Storage. Blocked storage (private modes, sandboxed frames, strict cookie
  // settings) throws on access; then the choice holds for this page view.
  function openStorage() {
    try {
      var s = window.localStorage;
      s.getItem(KEY);
      return s;
    } catch (e) {
      console.warn(PREFIX + 'storage is blocked; your choice will hold for this page view only');
      return null;
    }
  }

  function readStored() {
    if (memory !== null) return memory;
    try {
      return storage && storage.getItem(KEY);
    } catch (e) {
      return null;
    }
  }

  function writeStored(text) {
    try {
      if (storage) {
        storage.setItem(KEY, text);
        memory = null;
        return;
      }
    } catch (e) {
      console.warn(PREFIX + 'could not save your choice; it will hold for this page view only');
    }
    memory = text;
  }

  // The vendor command queues, as the vendors' own snippets define them.
  // gtag needs a real `arguments` object, which only a JavaScript function has.
  function gtag() {
    (window.dataLayer = window.dataLayer || []).push(arguments);
  }

  function fbq() {
    var f = window.fbq;
    if (!f) {
      f = window.fbq = function () {
        if (f.callMethod) f.callMethod.apply(f, arguments);
        else f.queue.push(arguments);
      };
      if (!window._fbq) window._fbq = f;
      f.push = f;
      f.loaded = true;
      f.version = '2.0';
      f.queue = [];
    }
    f.apply(window, arguments);
  }

  // {"$now":1} is `new Date()` and {"$now":2} `Date.now()`, at the call,
  // also inside an object (Tag Manager's start event).
  function arg(a) {
    if (!a || typeof a !== 'object') return a;
    if (a.$now) return a.$now === 2 ? Date.now() : new Date();
    for (var k in a) a[k] = arg(a[k]);
    return a;
  }

  // The only code that inserts or activates scripts; it runs exactly the
  // commands the core returned.
  function run(commands) {
    for (var i = 0; i < commands.length; i++) {
      var c = commands[i];
      // On a first visit shown before the banner module arrived, the commands
      // that ask it wait for it, and so do those after them.
      if (!core && (c[0] === 'activate' || c[0] === 'forget')) {
        whenCore(run.bind(null, commands.slice(i)));
        return;
      }
      try {
        if (c[0] === 'gtag') gtag.apply(null, c.slice(1).map(arg));
        else if (c[0] === 'fbq') fbq.apply(null, c.slice(1).map(arg));
        else if (c[0] === 'push') (window.dataLayer = window.dataLayer || []).push(arg(c[1]));
        else if (c[0] === 'load') load(c[1], c[2]);
        else if (c[0] === 'activate') activate(c[1]);
        else if (c[0] === 'forget') forget(c[1]);
        else if (c[0] === 'embeds') showEmbeds(c[1]);
        else if (c[0] === 'reload') reload();
      } catch (e) {
        console.error(PREFIX + 'a tracker command failed', e);
      }
    }
  }

  // Firefox gives a frame back the last address it had when the page
  // reloads, whatever the markup says: an embed shown before a withdrawal
  // would load again after it (tests/engines/). A frame removed first has
  // nothing to give back; the reloaded page decides on it afresh.
  function reload() {
    embeds.forEach(function (e) {
      if (e.frame && e.el.getAttribute('src')) e.el.remove();
    });
    location.reload();
  }

  function load(service, src) {
    if (loaded[src]) return;
    loaded[src] = true;
    var s = document.createElement('script');
    s.src = src;
    s.async = true;
    s.nonce = nonce;
    s.setAttribute('data-diffo-consent', service);
    document.head.appendChild(s);
  }

  // Runs the page's <script type="text/plain" data-consent="…"> tags that the
  // core allows under `consent` (the command's token), in document order.
  // Each keeps its attributes and nonce (data-type, if present, becomes its
  // type); an external one finishes loading before the next runs, as it
  // would have in the page.
  function activate(consent) {
    var queue = [];
    document.querySelectorAll('script[type="text/plain"][data-consent]').forEach(function (old) {
      var verdict = core.judge(old.getAttribute('data-consent'), consent);
      if (verdict === 'run') {
        old.type = 'text/x-diffo-consent-pending';
        queue.push(old);
      } else if (verdict !== 'hold') {
        old.type = 'text/x-diffo-consent-invalid';
        console.warn(PREFIX + 'a page script has ' + verdict + '; it will never run');
      }
    });
    next();
    function next() {
      var old;
      while ((old = queue.shift())) {
        var s = document.createElement('script');
        for (var i = 0; i < old.attributes.length; i++) {
          var a = old.attributes[i];
          if (a.name !== 'type') s.setAttribute(a.name, a.value);
        }
        if (old.getAttribute('data-type')) s.type = old.getAttribute('data-type');
        // Browsers hide the nonce attribute after parsing; the property keeps it.
        s.nonce = old.nonce;
        if (s.hasAttribute('src')) {
          if (!s.hasAttribute('async')) s.async = false;
          s.addEventListener('load', next);
          s.addEventListener('error', next);
          old.replaceWith(s);
          return;
        }
        s.text = old.text;
        old.replaceWith(s);
      }
    }
  }

  // Deletes the declared cookies and storage keys that `consent` (the
  // command's token) refuses, on every domain level and path they may have
  // been set on.
  function forget(consent) {
    var names = '';
    try {
      names = document.cookie
        .split(';')
        .map(function (c) {
          return c.split('=')[0].trim();
        })
        .join('\n');
    } catch (e) {
      // A sandboxed document has no cookies to read, or delete.
    }
    var session = null;
    try {
      session = window.sessionStorage;
    } catch (e) {
      // Blocked storage holds nothing to delete.
    }
    var plan = JSON.parse(core.forget(location.hostname, location.pathname, consent, names, keys(storage), keys(session)));
    var secure = location.protocol === 'https:' ? '; Secure' : '';
    (plan.cookies || []).forEach(function (name) {
      plan.paths.forEach(function (path) {
        [''].concat(plan.domains).forEach(function (domain) {
          document.cookie = name + '=; Max-Age=0; Path=' + path + (domain ? '; Domain=' + domain : '') + secure;
        });
      });
    });
    (plan.local || []).forEach(function (key) {
      storage.removeItem(key);
    });
    (plan.session || []).forEach(function (key) {
      session.removeItem(key);
    });
  }

  function keys(store) {
    var out = [];
    try {
      for (var i = 0; store && i < store.length; i++) out.push(store.key(i));
    } catch (e) {
      // A store that throws has nothing we can read or delete.
    }
    return out.join('\n');
  }

  // Gives a shadow root of ours the stylesheet: a constructed one, so that a
  // strict CSP needs no 'unsafe-inline'.
  function style(root) {
    try {
      if (!sheet) {
        sheet = new CSSStyleSheet();
        sheet.replaceSync(CSS);
      }
      root.adoptedStyleSheets = [sheet];
    } catch (e) {
      // Browsers without constructable stylesheets (Safari before 16.4).
      var element = document.createElement('style');
      element.textContent = CSS;
      root.appendChild(element);
      fallbackStyles.push(element);
    }
  }

  // The extra module brings the rules of its views.
  function addStyles(rules) {
    CSS += rules;
    if (sheet) sheet.replaceSync(CSS);
    fallbackStyles.forEach(function (element) {
      element.textContent = CSS;
    });
  }

  // Clicks on the controls in the page's own consent views (declarations,
  // placeholders) go to the core like the dialog's.
  function pageControls(root, onEmbedOnce) {
    root.addEventListener('click', function (e) {
      var control = e.target.closest('[data-action]');
      // Clicks in the page's own markup shown through a slot are not ours.
      if (!control || control.getRootNode() !== root) return;
      var action = control.getAttribute('data-action');
      if (action === 'embed-once') onEmbedOnce();
      else dispatch(action === 'settings' ? 'open' : action, 'page');
    });
  }

  // The page's gated embeds: <iframe data-consent data-src> and elements
  // with data-consent-embed. Each shows what the core says: itself, or a
  // placeholder in an open shadow root.
  function showEmbeds(model) {
    embedModel = model;
    document.querySelectorAll('iframe[data-consent][data-src],[data-consent-embed]').forEach(function (el) {
      if (!el.diffoConsentEmbed) embeds.push((el.diffoConsentEmbed = { el: el, frame: el.tagName === 'IFRAME' }));
    });
    embeds.forEach(updateEmbed);
  }

  function updateEmbed(e) {
    if (e.loadedOnce) return;
    var el = e.el;
    var model = Object.assign({}, embedModel, {
      kind: e.frame ? 'frame' : 'plugin',
      attr: el.getAttribute(e.frame ? 'data-consent' : 'data-consent-embed') || '',
      src: el.getAttribute('data-src') || '',
      service: el.getAttribute('data-consent-service') || '',
      company: el.getAttribute('data-consent-company') || '',
    });
    // `decided` says the embed shows what the latest model says (tests wait
    // for it).
    var turn = (e.turn = (e.turn || 0) + 1);
    e.decided = false;
    renderView(model).then(
      function (text) {
        if (turn !== e.turn) return;
        e.decided = true;
        var answer = JSON.parse(text);
        if (answer.error) {
          if (!e.warned) console.warn(PREFIX + answer.error + '; it will not load');
          e.warned = true;
        } else if (answer.html) {
          placeholder(e, answer.html, answer.once);
        } else {
          showEmbed(e, answer);
        }
      },
      function (error) {
        if (turn === e.turn) e.decided = true;
        console.error(PREFIX + 'could not decide on an embed (' + error.message + ')');
      }
    );
  }

  function placeholder(e, html, once) {
    var el = e.el;
    if (!e.root) {
      var host = el;
      if (e.frame) {
        host = e.host = document.createElement('div');
        host.setAttribute('data-diffo-consent-placeholder', '');
        ['width', 'height'].forEach(function (side) {
          var size = el.getAttribute(side);
          if (size) host.style[side === 'width' ? 'width' : 'minHeight'] = /^\d+$/.test(size) ? size + 'px' : size;
        });
        el.before(host);
      }
      try {
        e.root = host.attachShadow({ mode: 'open' });
      } catch (error) {
        console.warn(PREFIX + 'an embed cannot hold a placeholder (' + error.message + '); it will not load');
        return;
      }
      style(e.root);
      pageControls(e.root, function () {
        e.loadedOnce = true;
        showEmbed(e, e.once);
      });
    }
    // Consent taken back without a reload: the embed goes back behind its placeholder.
    if (e.frame) {
      el.hidden = true;
      if (el.getAttribute('src')) el.setAttribute('src', 'about:blank');
      e.host.hidden = false;
    }
    e.once = once;
    e.root.innerHTML = html;
  }

  function showEmbed(e, what) {
    if (e.frame) {
      if (e.host) e.host.hidden = true;
      e.el.hidden = false;
      if (e.el.getAttribute('src') !== what.src) e.el.setAttribute('src', what.src);
    } else {
      what.scripts.forEach(function (src) {
        load(what.service, src);
      });
      if (e.root) e.root.innerHTML = '<slot></slot>';
    }
  }

  // Elements with data-consent-declaration show the cookie declaration with
  // the visitor's choice, in an open shadow root.
  var declarationTurn = 0;
  function renderDeclarations() {
    var elements = document.querySelectorAll('[data-consent-declaration]');
    if (!elements.length) return;
    if (!core) {
      loadCore();
      return whenCore(renderDeclarations);
    }
    var turn = ++declarationTurn;
    renderView(core.declaration()).then(
      function (html) {
        if (turn !== declarationTurn) return;
        elements.forEach(function (el) {
          if (!el.diffoConsentRoot) {
            try {
              el.diffoConsentRoot = el.attachShadow({ mode: 'open' });
            } catch (e) {
              console.warn(PREFIX + 'a data-consent-declaration element cannot hold the declaration (' + e.message + ')');
              return;
            }
            style(el.diffoConsentRoot);
            pageControls(el.diffoConsentRoot);
          }
          el.diffoConsentRoot.innerHTML = html;
        });
      },
      function (error) {
        console.error(PREFIX + 'could not show the cookie declaration (' + error.message + ')');
      }
    );
  }

  // The dialog: an open shadow root on #diffo-consent.
  function mount() {
    var host = document.createElement('div');
    host.id = 'diffo-consent';
    shadow = host.attachShadow({ mode: 'open' });
    style(shadow);
    shadow.addEventListener('click', function (e) {
      var control = e.target.closest('[data-action],[data-lang]');
      if (!control) return;
      var lang = control.getAttribute('data-lang');
      dispatch(lang ? 'lang:' + lang : control.getAttribute('data-action'));
    });
    shadow.addEventListener('change', function (e) {
      var category = e.target.getAttribute('data-category');
      var service = e.target.getAttribute('data-service');
      var name = category || (service && 'service:' + service);
      if (name) dispatch((e.target.checked ? 'on:' : 'off:') + name);
    });
    shadow.addEventListener('keydown', function (e) {
      if (e.key === 'Escape') dispatch('close');
      else if (e.key === 'Tab') trapTab(e);
    });
    // Start loading the settings' module as soon as the visitor heads for it
    // (not when focus is moved there by this script, after a decision).
    ['pointerover', 'focusin'].forEach(function (type) {
      shadow.addEventListener(type, function (e) {
        if (!movingFocus && e.target.closest('[data-action=settings],[data-action=reopen]')) {
          loadExtra();
          loadCore();
        }
      });
    });
    document.body.appendChild(host);
  }

  var dialogTurn = 0;
  function render(html) {
    dialogTurn++;
    if (!shadow) mount();
    var fallback = shadow.querySelector('style');
    shadow.innerHTML = html;
    if (fallback) shadow.prepend(fallback);
    // A category some of whose services are on shows a mixed state, which
    // only the property can set.
    shadow.querySelectorAll('[data-mixed]').forEach(function (box) {
      box.indeterminate = true;
    });
  }

  // Sets the settings layer's switches to the core's draft: a category's
  // switch turns all of its services', and shows whether some are on.
  function setSwitches(states) {
    Object.keys(states.category).forEach(function (key) {
      var box = shadow.querySelector('input[data-category="' + key + '"]');
      if (!box) return;
      box.checked = states.category[key] === 'on';
      box.indeterminate = states.category[key] === 'mixed';
    });
    Object.keys(states.service).forEach(function (id) {
      var box = shadow.querySelector('input[data-service="' + id + '"]');
      if (box) box.checked = states.service[id];
    });
  }

  function rememberFocus() {
    if (shadow && shadow.activeElement) return;
    // Look inside shadow roots: the opener may be in a declaration of ours.
    var active = document.activeElement;
    while (active && active.shadowRoot && active.shadowRoot.activeElement) active = active.shadowRoot.activeElement;
    returnFocus = active;
  }

  function moveFocus(where, hadFocus) {
    var target = null;
    if (where === 'dialog') target = shadow.querySelector('[role=dialog]');
    else if (where && where.indexOf('lang:') === 0) target = shadow.querySelector('[data-lang="' + where.slice(5) + '"]');
    else if (where === 'restore' && hadFocus) {
      target =
        returnFocus && returnFocus.isConnected && returnFocus !== document.body
          ? returnFocus
          : shadow.querySelector('[data-action=reopen]');
      returnFocus = null;
    }
    // Without scrolling, focus needs no layout: the page's first layout is
    // not forced inside this task (the dialog is in view anyway).
    movingFocus = true;
    if (target) target.focus({ preventScroll: where === 'dialog' });
    movingFocus = false;
  }

  // Keeps Tab and Shift+Tab inside a modal layer.
  function trapTab(e) {
    var modal = shadow.querySelector('[aria-modal=true]');
    if (!modal) return;
    var items = modal.querySelectorAll('button,a[href],input:not([disabled]),summary');
    var first = items[0];
    var last = items[items.length - 1];
    var active = shadow.activeElement;
    if (e.shiftKey && (!active || active === first || active === modal)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && active === last) {
      e.preventDefault();
      first.focus();
    }
  }

  // Carries out one effects object from the core, in the documented order:
  // store first, so nothing runs on a decision that is not saved.
  // `opening`: these are the page's first effects. The banner is drawn in
  // this task; reporting it and moving focus into it (which makes the browser
  // lay out the page there and then) wait until it has been on screen for a
  // frame, so that neither lengthens the task that shows it.
  function apply(effects, hadFocus, opening) {
    if (effects.error) throw new TypeError(effects.error);
    (effects.log || []).forEach(function (line) {
      console[line[0]](PREFIX + line[1]);
    });
    if ('store' in effects) writeStored(effects.store);
    var later = opening ? afterFrame : atOnce;
    if (effects.report && LOG) later(report.bind(null, effects.report));
    if ('html' in effects) {
      render(effects.html);
      var turn = dialogTurn;
      later(function () {
        // Not if the visitor has gone elsewhere meanwhile.
        var active = document.activeElement;
        if (turn === dialogTurn && (!opening || !active || active === document.body)) moveFocus(effects.focus, hadFocus);
      });
    } else if (effects.details) {
      // The settings layer comes from the extra module, once it is here.
      var turn = dialogTurn;
      renderView(effects.details).then(
        function (html) {
          if (turn !== dialogTurn) return;
          render(html);
          moveFocus(effects.focus, hadFocus);
        },
        function (error) {
          console.error(PREFIX + 'could not show the settings (' + error.message + ')');
          dispatch('close');
        }
      );
    }
    if (effects.switches) setSwitches(effects.switches);
    if (effects.run) run(effects.run);
    if (effects.store) window.dispatchEvent(new CustomEvent('diffo-consent:change', { detail: JSON.parse(effects.store) }));
    if (effects.refresh) renderDeclarations();
  }

  function afterFrame(then) {
    requestAnimationFrame(function () {
      nextTask().then(then);
    });
  }

  function atOnce(then) {
    then();
  }

  // `source` is 'page' for the page's own consent controls, 'api' for
  // window.diffoConsent, and nothing for the dialog.
  function dispatch(action, source) {
    var hadFocus = !!(shadow && shadow.activeElement);
    var random = crypto.getRandomValues(new Uint8Array(16));
    var now = Date.now();
    if (!core) {
      // Accept all or reject all on a first visit's early banner, before
      // anything else was asked of the banner module, is carried out from
      // its template at once; anything else waits for the module.
      var k = source || waiting || decided ? -1 : ['accept-all', 'reject-all'].indexOf(action);
      if (early && k >= 0 && decideEarly(FIRST_DECISIONS[visit * 2 + k], now, random, hadFocus)) {
        decided = { action: action, now: now, random: random };
        return loadCore();
      }
      waiting++;
      loadCore();
      return whenCore(dispatch.bind(null, action, source));
    }
    if (action === 'settings' || action === 'open') rememberFocus();
    apply(JSON.parse(core.act((source ? source + ' ' : '') + action, now, random)), hadFocus);
  }

  // Fills a first decision's template with the values consent-first.wasm
  // writes and carries it out; false if the module cannot.
  function decideEarly(template, now, random, hadFocus) {
    if (!put(firstModule, random)) return false;
    var at = firstModule.decide(visit, now);
    if (!at) return false;
    var values = new TextDecoder().decode(new Uint8Array(firstModule.memory.buffer, at, 84));
    var parts = [values.slice(0, 36), values.slice(36, 60), values.slice(60)];
    var text = template.replace(/[\u0001-\u0003]/g, function (marker) {
      return parts[marker.charCodeAt(0) - 1];
    });
    var effects = JSON.parse(text);
    decidedText = text;
    decidedRecord = JSON.parse(effects.store);
    apply(effects, hadFocus);
    return true;
  }

  function start(results) {
    core = wasm_bindgen;
    if (results[1]) settingsBytes = results[1];
    var facts = pageFacts();
    // After an early decision the module replays the page view: the first
    // visit (nothing stored, as then), then the same click at the same time
    // with the same random bytes. The host tests prove that it finds the
    // same effects; then it only takes over.
    if (decided) {
      var replayed =
        core.start(facts, null, null, startedAt) === early &&
        core.act(decided.action, decided.now, decided.random) === decidedText;
      if (!replayed) console.error(PREFIX + 'the banner module disagrees with the first visit it took over');
      return listen();
    }
    var text = core.start(facts, results[1], readStored(), Date.now());
    var effects = JSON.parse(text);
    if (effects.error) throw new Error(effects.error);
    // A first visit's effects were carried out already (see firstVisit).
    if (text !== early) {
      rememberFocus();
      apply(effects, false, true);
    }
    return listen();
  }

  function listen() {
    // Any page element with data-consent-open opens the settings; the
    // settings' module starts loading when the visitor heads for one.
    ['pointerover', 'focusin'].forEach(function (type) {
      document.addEventListener(type, function (e) {
        if (e.target.closest && e.target.closest('[data-consent-open]')) loadExtra();
      });
    });
    document.addEventListener('click', function (e) {
      var opener = e.target.closest && e.target.closest('[data-consent-open]');
      if (!opener) return;
      e.preventDefault();
      dispatch('open');
    });
    return api;
  }

  var domReady =
    document.readyState === 'loading'
      ? new Promise(function (resolve) {
          document.addEventListener('DOMContentLoaded', resolve);
        })
      : null;

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
  var firstModule; // consent-first.wasm's exports, on a first visit
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
  var startedAt = Date.now();
  var visit = firstVisit();
  var early = visit >= 0 ? FIRST_VISITS[visit] : null;
  // An early decision ({action, now, random}), its effects' text and record;
  // and how many actions wait for the banner module.
  var decided = null;
  var decidedText = null;
  var decidedRecord = null;
  var waiting = 0;
  // In a task of its own, after this script's; not if the banner module has
  // failed meanwhile (its buttons could not work).
  var failed = false;
  if (early) {
    (domReady || nextTask()).then(function () {
      if (failed) return;
      rememberFocus();
      apply(JSON.parse(early), false, true);
      // Nothing on the first layer needs the banner module; it comes when
      // the browser is idle, or sooner when something asks for it.
      afterFrame(function () {
        if (window.requestIdleCallback) requestIdleCallback(loadCore, { timeout: 2000 });
        else setTimeout(loadCore, 200);
      });
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
      var module = wasm_bindgen({ module_or_path: fetch(new URL('@WASM@', base)) });
      return Promise.all([module, configSettings, domReady]);
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

  // Runs `then` once the banner module has started (it does not ask for it).
  function whenCore(then) {
    ready.then(then, function () {});
  }

  function nextTask() {
    return new Promise(function (resolve) {
      setTimeout(resolve, 0);
    });
  }

  function call(action) {
    loadCore();
    return ready.then(function () {
      dispatch(action, 'api');
      return api.get();
    });
  }

  var api = {
    ready: ready,
    get: function () {
      if (!core) return decidedRecord || null;
      var text = core.record();
      return text ? JSON.parse(text) : null;
    },
    show: function () {
      return call('open');
    },
    acceptAll: function () {
      return call('accept-all');
    },
    rejectAll: function () {
      return call('reject-all');
    },
    withdraw: function () {
      return call('withdraw');
    },
    set: function (choices) {
      return call('set:' + JSON.stringify(choices));
    },
    // Every cookie and storage key the site declares, with its category,
    // service and party: what `cargo xtask audit --declaration` compares
    // with what really appears.
    declaration: function () {
      loadCore();
      return ready.then(function () {
        var model = JSON.parse(core.declaration());
        model.view = 'declared';
        return renderView(model).then(JSON.parse);
      });
    },
  };
  window.diffoConsent = api;
})();
