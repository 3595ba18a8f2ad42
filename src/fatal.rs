//! The last word of a page that stopped: a Rust panic in the wasm module ends it (the release
//! build aborts), and without this hook the user would be left with a page that silently no
//! longer reacts. The hook puts a plain message on top of the page, with what to do, and sets
//! `data-fatal` on `<html>` (the end-to-end tests check that no flow ever gets there).
//!
//! The message names where the page stopped but never carries request data: panic messages
//! come from the page's own code, and credentials are never formatted (see
//! `api::Credentials`'s `Debug`).

use wasm_bindgen::JsCast;

/// The id of the message element.
pub(crate) const FATAL_ID: &str = "fatal-error";

/// Installs the panic hook (once, at start).
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        show(&place);
    }));
}

/// Shows the message (idempotent).
pub(crate) fn show(place: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    web_sys::console::error_1(&format!("totp-admin stopped: internal error at {place}").into());
    if let Some(root) = doc.document_element() {
        let _ = root.set_attribute("data-fatal", "1");
    }
    if doc.get_element_by_id(FATAL_ID).is_some() {
        return;
    }
    let Ok(div) = doc.create_element("div") else {
        return;
    };
    div.set_id(FATAL_ID);
    let _ = div.set_attribute("role", "alert");
    let _ = div.set_attribute("class", "fatal-error");
    let title = doc.create_element("p").ok();
    let detail = doc.create_element("p").ok();
    if let (Some(t), Some(d)) = (title, detail) {
        let _ = t.set_attribute("class", "notice-title");
        t.set_text_content(Some("totp-admin stopped because of an internal error."));
        d.set_text_content(Some(&format!(
            "Reload the page to carry on. Changes already saved are on the cluster; edits not yet saved are lost. Please report this error ({place})."
        )));
        let _ = div.append_child(&t);
        let _ = div.append_child(&d);
    }
    if let Some(body) = doc.body() {
        let _ = body.prepend_with_node_1(div.unchecked_ref());
    }
}
