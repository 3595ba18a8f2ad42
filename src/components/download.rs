//! A file made in the browser and offered as a download (a Blob and an object URL, revoked
//! shortly after): exports and emergency codes never travel to a server.

use wasm_bindgen::{JsCast, JsValue};

/// Starts the download of `text` as `name`, of type `mime`; false when the browser refused.
pub(crate) fn download(name: &str, mime: &str, text: &str) -> bool {
    let go = || -> Result<(), JsValue> {
        let parts = js_sys::Array::of1(&JsValue::from_str(text));
        let options = web_sys::BlobPropertyBag::new();
        options.set_type(mime);
        let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
        let url = web_sys::Url::create_object_url_with_blob(&blob)?;
        let document = web_sys::window()
            .and_then(|w| w.document())
            .ok_or(JsValue::NULL)?;
        let a: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
        a.set_href(&url);
        a.set_download(name);
        // Not attached to the document: nothing but the download sees the click.
        a.click();
        // Revoked once the browser has taken the file (at once aborts it in some browsers).
        leptos::prelude::set_timeout(
            move || {
                let _ = web_sys::Url::revoke_object_url(&url);
            },
            std::time::Duration::from_secs(10),
        );
        Ok(())
    };
    go().is_ok()
}
