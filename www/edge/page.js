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
  e.turns = e.turns || turns();
  var turn = e.turns();
  e.decided = false;
  renderView(model).then(
    function (text) {
      if (!e.turns(turn)) return;
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
      if (e.turns(turn)) e.decided = true;
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
function renderDeclarations() {
  var elements = document.querySelectorAll('[data-consent-declaration]');
  if (!elements.length) return;
  if (!core) {
    loadCore();
    return whenCore(renderDeclarations);
  }
  var turn = declarationTurns();
  renderView(core.declaration()).then(
    function (html) {
      if (!declarationTurns(turn)) return;
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
