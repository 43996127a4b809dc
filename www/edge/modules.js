// Fetches and instantiates the module at `url` (a name from the build);
// its exports.
function loadModule(url, name) {
  return fetch(new URL(url, base))
    .then(function (response) {
      if (!response.ok) throw new Error('could not load ' + name + ' (HTTP ' + response.status + ')');
      return response.arrayBuffer();
    })
    .then(function (bytes) {
      return WebAssembly.instantiate(bytes);
    })
    .then(function (module) {
      return module.instance.exports;
    });
}

function loadExtra() {
  if (!extra) {
    extra = loadModule('@EXTRA@', 'consent-extra.wasm')
      .then(function (exports) {
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

// Writes `bytes` where a module takes its input; false if they do not fit.
function put(exports, bytes) {
  var at = exports.input(bytes.length);
  if (at) new Uint8Array(exports.memory.buffer, at, bytes.length).set(bytes);
  return !!at;
}


// A data-config file is checked by the extra module; the result is the
// config's settings, or it throws what is wrong.
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

// The banner module's functions on text (src/lib.rs): each call's text
// arguments go in as fields (a length in four little-endian bytes, or
// 0xffffffff for none, then the bytes); a time goes as a number.
function bannerModule(exports) {
  function call(work, args, now) {
    var parts = args.map(function (arg) {
      return arg == null ? null : typeof arg === 'string' ? new TextEncoder().encode(arg) : arg;
    });
    var input = new Uint8Array(
      parts.reduce(function (sum, part) {
        return sum + 4 + (part ? part.length : 0);
      }, 0)
    );
    var view = new DataView(input.buffer);
    parts.reduce(function (at, part) {
      view.setUint32(at, part ? part.length : 0xffffffff, true);
      if (part) input.set(part, at + 4);
      return at + 4 + (part ? part.length : 0);
    }, 0);
    if (!put(exports, input)) throw new Error('the banner module is out of memory');
    var at = exports[work](input.length, now);
    return at ? new TextDecoder().decode(new Uint8Array(exports.memory.buffer, at, exports.output_len())) : undefined;
  }
  return {
    start: function (facts, config, stored, now) {
      return call('start', [facts, config, stored], now);
    },
    act: function (action, now, random) {
      return call('act', [action, random], now);
    },
    judge: function (attr, consent) {
      return call('judge', [attr, consent]);
    },
    forget: function () {
      return call('forget', [].slice.call(arguments));
    },
    record: function () {
      return call('record', []);
    },
    declaration: function () {
      return call('declaration', []);
    },
  };
}
