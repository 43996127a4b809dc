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
