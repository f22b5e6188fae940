//! Events the element dispatches (`maillage:ready`, `maillage:error`) and the
//! panic hook that turns a Rust panic into `maillage:error` events.

use js_sys::{Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CustomEvent, CustomEventInit, HtmlElement};

/// Dispatched once the manifest is read: detail `{layers, rangeBytes}`.
pub const READY: &str = "maillage:ready";
/// A territory was selected (or the selection cleared).
pub const SELECT: &str = "maillage:select";
/// Dispatched on failure: detail `{kind, message}`.
pub const ERROR: &str = "maillage:error";

/// A plain object built from `(key, value)` pairs, for event details.
pub fn detail(fields: &[(&str, JsValue)]) -> Object {
    let obj = Object::new();
    for (k, v) in fields {
        // Setting a fresh plain object's own property cannot fail.
        let _ = Reflect::set(&obj, &JsValue::from_str(k), v);
    }
    obj
}

/// Dispatches a bubbling `CustomEvent` on the element. Listener exceptions
/// are reported by the browser, not returned here.
pub fn dispatch(host: &HtmlElement, name: &str, detail: &Object) {
    let init = CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_detail(detail);
    if let Ok(event) = CustomEvent::new_with_event_init_dict(name, &init) {
        let _ = host.dispatch_event(&event);
    }
}

/// `maillage:error` with its detail.
pub fn dispatch_error(host: &HtmlElement, kind: &str, message: &str) {
    let d = detail(&[
        ("kind", JsValue::from_str(kind)),
        ("message", JsValue::from_str(message)),
    ]);
    dispatch(host, ERROR, &d);
}

/// Installs a panic hook: the message goes to the console and, as
/// `maillage:error` (kind `panic`) plus a visible status, to every
/// `maillage-map` of the document. The module is unusable after a panic
/// (wasm32 aborts), so the elements say so.
pub fn set_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = format!("erreur interne de la carte : {info}");
        web_sys::console::error_1(&JsValue::from_str(&message));
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let Ok(list) = document.query_selector_all("maillage-map") else {
            return;
        };
        for i in 0..list.length() {
            let Some(host) = list.item(i).and_then(|n| n.dyn_into::<HtmlElement>().ok()) else {
                continue;
            };
            let status = host
                .shadow_root()
                .and_then(|r| r.query_selector(".status").ok().flatten());
            if let Some(s) = status {
                s.set_text_content(Some(&message));
                let _ = s.set_attribute("data-state", "error");
            }
            dispatch_error(&host, "panic", &message);
        }
    }));
}
