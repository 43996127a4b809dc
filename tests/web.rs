//! The wasm module itself, run in headless Chromium by wasm-bindgen-test:
//! the exports the JavaScript edge calls behave in the browser as on the
//! host (the allocator, the clock passed in from `Date.now()`, randomness
//! from `crypto.getRandomValues`, and the effects the edge parses).

#![cfg(target_arch = "wasm32")]

use diffo_consent::{act, judge, record, start};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn now() -> f64 {
    js_sys::Date::now()
}

fn random() -> Vec<u8> {
    let bytes = js_sys::Uint8Array::new_with_length(16);
    let crypto = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("crypto")).unwrap();
    let get = js_sys::Reflect::get(&crypto, &JsValue::from_str("getRandomValues")).unwrap();
    js_sys::Function::from(get).call1(&crypto, &bytes).unwrap();
    bytes.to_vec()
}

/// Parses effects the way the edge does, with `JSON.parse`.
fn effects(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap_or_else(|_| panic!("effects are not JSON: {json}"))
}

fn get(value: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(value, &JsValue::from_str(key)).unwrap()
}

#[wasm_bindgen_test]
fn a_first_visit_a_decision_and_a_return_visit() {
    let first = effects(&start("diffo.fi.localhost\n\n\nfi\nfi-FI,en\n", None, None, now()));
    let html = get(&first, "html").as_string().expect("the banner is rendered");
    assert!(html.contains(r#"data-action="reject-all""#));
    assert_eq!(get(&first, "focus").as_string().as_deref(), Some("dialog"));
    assert_eq!(record(), None);

    let accepted = effects(&act("accept-all", now(), &random()));
    let stored = get(&accepted, "store").as_string().expect("the decision is stored");
    let parsed = js_sys::JSON::parse(&stored).unwrap();
    let id = get(&parsed, "id").as_string().unwrap();
    assert_eq!(id.len(), 36);
    assert_eq!(&id[14..15], "4", "a version 4 UUID from the browser's random source");
    // The stored times are the browser's clock, in the ISO form Date writes.
    let last = get(&parsed, "lastDecision").as_string().unwrap();
    let parsed_time = js_sys::Date::parse(&last);
    assert!((parsed_time - now()).abs() < 60_000.0, "{last}");
    assert_eq!(
        js_sys::Date::new(&JsValue::from_f64(parsed_time))
            .to_iso_string()
            .as_string()
            .unwrap(),
        last
    );
    assert_eq!(record().as_deref(), Some(stored.as_str()));

    let again = effects(&start("diffo.fi.localhost", None, Some(stored), now()));
    let run = js_sys::Array::from(&get(&again, "run"));
    let loads: Vec<String> = run
        .iter()
        .map(|c| js_sys::Array::from(&c))
        .filter(|c| c.get(0).as_string().as_deref() == Some("load"))
        .map(|c| c.get(2).as_string().unwrap())
        .collect();
    assert_eq!(loads.len(), 5, "{loads:?}");
    assert!(
        get(&again, "focus").is_undefined(),
        "a return visit does not take focus"
    );
}

#[wasm_bindgen_test]
fn fatal_problems_come_back_as_an_error_effect() {
    let failed = effects(&start("example.com", None, None, now()));
    assert!(get(&failed, "error")
        .as_string()
        .unwrap()
        .contains("is not a Diffo site"));
    assert!(get(&failed, "run").is_undefined(), "nothing to run");
    let refused = effects(&act("accept-all", now(), &random()));
    assert_eq!(
        get(&refused, "error").as_string().as_deref(),
        Some("the banner has not started")
    );
    // Without a started banner no page script runs, whatever the consent.
    assert_eq!(judge("analytics", "7.3f"), "hold");
}
