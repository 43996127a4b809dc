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
