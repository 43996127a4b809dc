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
  var me = document.currentScript || document.querySelector('script[src*="consent.js"]');
  if (window.diffoConsent) {
    console.warn(PREFIX + 'consent.js is on this page twice; the second copy does nothing');
    return;
  }

  // Start both downloads at once, before anything else runs.
  var base = me && me.src ? me.src : location.href;
  var wasmResponse = fetch(new URL('@WASM@', base));
  // A data-config file is checked by a second, small module, loaded only
  // then; it returns the config's settings, or throws what is wrong.
  var configUrl = attr('data-config');
  var configSettings = configUrl
    ? Promise.all([
        fetch(new URL(configUrl, location.href), { credentials: 'same-origin' }).then(function (response) {
          if (!response.ok) throw new Error('could not load the config ' + configUrl + ' (HTTP ' + response.status + ')');
          return response.text();
        }),
        fetch(new URL('@CHECKER@', base))
          .then(function (response) {
            if (!response.ok) throw new Error('could not load the config checker (HTTP ' + response.status + ')');
            return response.arrayBuffer();
          })
          .then(function (bytes) {
            return WebAssembly.instantiate(bytes);
          }),
      ]).then(checkConfig)
    : null;
  var nonce = (me && me.nonce) || '';

  /*@GLUE@*/

  var core; // the wasm exports, once started
  var shadow; // the dialog's shadow root, once something was rendered
  var returnFocus = null;
  var storage = openStorage();
  var memory = null;

  function checkConfig(results) {
    var checker = results[1].instance.exports;
    var text = new TextEncoder().encode(results[0]);
    var at = checker.input(text.length);
    new Uint8Array(checker.memory.buffer, at, text.length).set(text);
    at = checker.check(text.length);
    var answer = new Uint8Array(checker.memory.buffer, at, checker.output_len()).slice();
    if (answer[0] !== 0) throw new Error(new TextDecoder().decode(answer.subarray(1)));
    return answer.subarray(1);
  }

  function attr(name) {
    var value = me && me.getAttribute(name);
    return value ? value : null;
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

  function arg(a) {
    return a && a.$now ? new Date() : a;
  }

  // The only code that inserts or activates scripts; it runs exactly the
  // commands the core returned.
  function run(commands) {
    commands.forEach(function (c) {
      try {
        if (c[0] === 'gtag') gtag.apply(null, c.slice(1).map(arg));
        else if (c[0] === 'fbq') fbq.apply(null, c.slice(1).map(arg));
        else if (c[0] === 'load') load(c[1], c[2]);
        else if (c[0] === 'activate') activate(c[1]);
        else if (c[0] === 'reload') location.reload();
      } catch (e) {
        console.error(PREFIX + 'a tracker command failed', e);
      }
    });
  }

  function load(category, src) {
    var s = document.createElement('script');
    s.src = src;
    s.async = true;
    s.nonce = nonce;
    s.setAttribute('data-diffo-consent', category);
    document.head.appendChild(s);
  }

  // Runs the page's <script type="text/plain" data-consent="…"> tags that the
  // core allows under `mask`, in document order. Each keeps its attributes
  // and nonce (data-type, if present, becomes its type); an external one
  // finishes loading before the next runs, as it would have in the page.
  function activate(mask) {
    var queue = [];
    document.querySelectorAll('script[type="text/plain"][data-consent]').forEach(function (old) {
      var verdict = core.judge(old.getAttribute('data-consent'), mask);
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

  // The dialog: an open shadow root on #diffo-consent, styled by a
  // constructed stylesheet so that a strict CSP needs no 'unsafe-inline'.
  function mount() {
    var host = document.createElement('div');
    host.id = 'diffo-consent';
    shadow = host.attachShadow({ mode: 'open' });
    try {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      shadow.adoptedStyleSheets = [sheet];
    } catch (e) {
      // Browsers without constructable stylesheets (Safari before 16.4).
      var style = document.createElement('style');
      style.textContent = CSS;
      shadow.appendChild(style);
    }
    shadow.addEventListener('click', function (e) {
      var control = e.target.closest('[data-action],[data-lang]');
      if (!control) return;
      var lang = control.getAttribute('data-lang');
      dispatch(lang ? 'lang:' + lang : control.getAttribute('data-action'));
    });
    shadow.addEventListener('change', function (e) {
      var category = e.target.getAttribute('data-category');
      if (category) dispatch((e.target.checked ? 'on:' : 'off:') + category);
    });
    shadow.addEventListener('keydown', function (e) {
      if (e.key === 'Escape') dispatch('close');
      else if (e.key === 'Tab') trapTab(e);
    });
    document.body.appendChild(host);
  }

  function render(html) {
    if (!shadow) mount();
    var style = shadow.querySelector('style');
    shadow.innerHTML = html;
    if (style) shadow.prepend(style);
  }

  function rememberFocus() {
    if (shadow && shadow.activeElement) return;
    returnFocus = document.activeElement;
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
    if (target) target.focus();
  }

  // Keeps Tab and Shift+Tab inside a modal layer.
  function trapTab(e) {
    var modal = shadow.querySelector('[aria-modal=true]');
    if (!modal) return;
    var items = modal.querySelectorAll('button,a[href],input:not([disabled])');
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
  function apply(effects, hadFocus) {
    if (effects.error) throw new TypeError(effects.error);
    (effects.log || []).forEach(function (line) {
      console[line[0]](PREFIX + line[1]);
    });
    if ('store' in effects) writeStored(effects.store);
    if ('html' in effects) {
      render(effects.html);
      moveFocus(effects.focus, hadFocus);
    }
    if (effects.run) run(effects.run);
    if (effects.record) window.dispatchEvent(new CustomEvent('diffo-consent:change', { detail: effects.record }));
  }

  function dispatch(action) {
    if (action === 'settings' || action === 'open') rememberFocus();
    var hadFocus = !!(shadow && shadow.activeElement);
    var random = crypto.getRandomValues(new Uint8Array(16));
    apply(JSON.parse(core.act(action, Date.now(), random)), hadFocus);
  }

  function start(results) {
    core = wasm_bindgen;
    var effects = JSON.parse(
      core.start(
        location.hostname,
        attr('data-site'),
        attr('data-lang'),
        document.documentElement.getAttribute('lang'),
        (navigator.languages || []).join(','),
        results[1],
        readStored(),
        Date.now()
      )
    );
    if (effects.error) throw new Error(effects.error);
    rememberFocus();
    apply(effects, false);
    // Any page element with data-consent-open opens the settings.
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

  var ready = Promise.all([wasm_bindgen({ module_or_path: wasmResponse }), configSettings, domReady]).then(start);
  ready.catch(function (e) {
    console.error(PREFIX + 'could not start (' + ((e && e.message) || e) + '); no trackers will load');
  });

  function call(action) {
    return ready.then(function () {
      dispatch(action);
      return api.get();
    });
  }

  var api = {
    ready: ready,
    get: function () {
      var text = core && core.record();
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
    }
  };
  window.diffoConsent = api;
})();
