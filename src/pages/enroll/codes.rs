//! The emergency codes of a new profile, shown first after the POST: a list, and Copy,
//! Download (a `.txt` made in the browser: a Blob and an object URL, revoked shortly after) and
//! Print (the print stylesheet shows only this block).

use leptos::prelude::*;
use zeroize::Zeroizing;

use crate::components::{download, CopyButton};

/// The text file: who the codes are for, the codes, what they are for.
pub(crate) fn codes_text(label: &str, codes: &[String]) -> String {
    let mut t = format!(
        "Emergency codes for {label}\n\nEach code works once, in place of the authenticator's code \
         at an SSH login.\nKeep them somewhere safe, away from the phone.\n\n"
    );
    for c in codes {
        t.push_str(c);
        t.push('\n');
    }
    t
}

/// A file name of plain characters.
pub fn file_name(account: &str) -> String {
    let safe: String = account
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("totp-emergency-codes-{safe}.txt")
}

#[component]
pub(crate) fn EmergencyCodes(
    /// `issuer:account`, for the file and the print-out.
    #[prop(into)]
    label: String,
    #[prop(into)] account: String,
    codes: Vec<String>,
) -> impl IntoView {
    // This view's own copies of the codes are wiped when it goes; the list items, the
    // clipboard and the downloaded file hold theirs in the browser, out of the page's reach.
    let text = Zeroizing::new(codes_text(&label, &codes));
    let copy_text = Signal::derive({
        let codes = Zeroizing::new(codes.join("\n"));
        move || String::clone(&codes)
    });
    let name = file_name(&account);
    let download_failed = RwSignal::new(false);
    let on_download =
        move |_| download_failed.set(!download(&name, "text/plain;charset=utf-8", &text));
    let on_print = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    view! {
        <section class="enroll-step codes" id="emergency-codes" aria-labelledby="codes-title">
            <h2 id="codes-title">"1. Save your emergency codes"</h2>
            <p>
                "Each code works once, in place of a code from the app, if you lose your phone. "
                "Keep them somewhere safe, away from the phone: this page cannot show them again."
            </p>
            <p class="print-only">{crate::text::name(&label)}</p>
            <ol class="codes-list" aria-label="Emergency codes">
                {codes.into_iter().map(|c| view! { <li><code class="emergency-code">{c}</code></li> }).collect_view()}
            </ol>
            <div class="codes-actions">
                <CopyButton text=copy_text label="Copy the emergency codes" />
                <button type="button" class="button button-small" on:click=on_download>
                    "Download .txt"
                </button>
                <button type="button" class="button button-small" on:click=on_print>
                    "Print"
                </button>
            </div>
            <p class="field-error" role="alert" hidden=move || !download_failed.get()>
                "The browser did not save the file: copy the codes or print them instead."
            </p>
        </section>
    }
}
