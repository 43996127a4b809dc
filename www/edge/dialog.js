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

function render(html) {
  var turn = dialogTurns();
  if (!shadow) mount();
  var fallback = shadow.querySelector('style');
  shadow.innerHTML = html;
  if (fallback) shadow.prepend(fallback);
  // A category some of whose services are on shows a mixed state, which
  // only the property can set.
  shadow.querySelectorAll('[data-mixed]').forEach(function (box) {
    box.indeterminate = true;
  });
  return turn;
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
