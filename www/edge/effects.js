// "The latest result wins": where an answer comes back later (the extra
// module renders a view), a newer request makes the older answer stale.
// `turns()` makes a counter of turns: called without an argument it begins
// a turn and returns it; called with a turn, it says whether no newer one
// has begun since.
function turns() {
  var count = 0;
  return function (turn) {
    return turn ? turn === count : ++count;
  };
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
    var turn = render(effects.html);
    later(function () {
      // Not if the visitor has gone elsewhere meanwhile.
      var active = document.activeElement;
      if (dialogTurns(turn) && (!opening || !active || active === document.body)) moveFocus(effects.focus, hadFocus);
    });
  } else if (effects.details) {
    // The settings layer comes from the extra module, once it is here.
    var settingsTurn = dialogTurns();
    renderView(effects.details).then(
      function (html) {
        if (!dialogTurns(settingsTurn)) return;
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
    var template = FIRST_DECISIONS[visit * 2 + k];
    // A template written before is its index (xtask/src/bundle.rs).
    if (typeof template == 'number') template = FIRST_DECISIONS[template];
    if (early && k >= 0 && decideEarly(template, now, random, hadFocus)) {
      decided = { action: action, now: now, random: random };
      // What waits for the banner module (the page's own scripts, cookies
      // to delete) is not urgent: not in the task of the click.
      return whenIdle(loadCore);
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
  core = bannerModule(results[0]);
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
