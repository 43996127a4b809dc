function attr(name) {
  var value = me && me.getAttribute(name);
  return value ? value : null;
}


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
