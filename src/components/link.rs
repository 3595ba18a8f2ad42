//! A link inside the page that keeps its percent-encoding.
//!
//! leptos_router 0.8 decodes a clicked link's path with `decodeURI` before pushing it, which
//! turns `CORP%5Cjdoe` into `CORP\jdoe`, and Chromium then reads `\` as `/`: the address bar
//! would name another page. This link navigates to its href as written for a plain left click
//! (the router skips events already handled); other clicks (new tab, middle click) are the
//! browser's, with the same href.

use leptos::ev::MouseEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

#[component]
pub(crate) fn EncodedLink(#[prop(into)] href: String, children: Children) -> impl IntoView {
    let navigate = use_navigate();
    let target = href.clone();
    let on_click = move |ev: MouseEvent| {
        if ev.default_prevented()
            || ev.button() != 0
            || ev.meta_key()
            || ev.alt_key()
            || ev.ctrl_key()
            || ev.shift_key()
        {
            return;
        }
        ev.prevent_default();
        navigate(&target, Default::default());
    };
    view! { <a href=href on:click=on_click>{children()}</a> }
}
