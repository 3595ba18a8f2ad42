//! After the POST: the emergency codes first, then the QR code and the secret, the check of a
//! code from the app, and Finish. Each step is its own view over the flow's signals ([`Flow`]).
//!
//! Copies of the secret the page cannot wipe: the DOM's text nodes and attributes (the grouped
//! secret, the QR code's path, the codes) are JS strings the browser owns, and Leptos keeps
//! the Rust strings it rendered them from until the view goes. They all go when the flow ends;
//! the copies this module makes for itself are `Zeroizing` and wiped when dropped.

use std::sync::Arc;

use leptos::prelude::*;
use ontap_model::otp;
use zeroize::Zeroizing;

use super::check::CodeCheck;
use super::clock::cluster_clock_off;
use super::codes::EmergencyCodes;
use super::flow::Flow;
use super::qr::QrCodeView;
use super::secret::Enrolled;
use crate::components::{CheckboxField, CopyButton, Status};

/// What the buttons of the enrolled screen do.
#[derive(Clone, Copy)]
pub(crate) struct Actions {
    pub(crate) check: Callback<()>,
    pub(crate) finish: Callback<()>,
    pub(crate) stop: Callback<()>,
}

/// After the POST: codes first, then the QR code and the secret, the code check, Finish.
pub(crate) fn enrolled_view(e: Arc<Enrolled>, flow: Flow, actions: Actions) -> impl IntoView {
    let skew = cluster_clock_off(e.skew).map(|off| {
        format!(
            "{off} SSH checks codes against the cluster's clock, and your authenticator app uses \
             your phone's: if those two differ by more than 30 seconds, SSH refuses the codes. The \
             check in step 3 tells which clock is off. Clocks are best set automatically (NTP), on \
             the phone, this computer and the cluster."
        )
    });
    view! {
        <Status message="Your TOTP profile is created and active: SSH now asks for a code." />
        {skew.map(|s| view! { <p class="notice notice-warn" role="alert" id="clock-warning">{s}</p> })}
        <EmergencyCodes label=e.key.label() account=e.key.account.clone() codes=e.codes.clone() />
        {scan_step(&e)}
        {verify_step(e.cross_check, flow, actions.check)}
        {finish_step(flow, actions)}
    }
}

/// Step 2: the QR code, the key's names, the secret in groups and its Copy button.
fn scan_step(e: &Enrolled) -> impl IntoView {
    // Shown as text; the QR code carries the names as they are.
    let (issuer, account) = (
        crate::text::name(&e.key.issuer),
        crate::text::name(&e.key.account),
    );
    let label = crate::text::name(&e.key.label());
    let secret_grouped = otp::grouped(&e.secret);
    // The Copy button's source; what it hands the clipboard is the browser's.
    let secret_plain = Zeroizing::new(e.secret.clone());
    let copy_secret = Signal::derive(move || String::clone(&secret_plain));
    let source = if e.from_install_url {
        "Drawn in your browser from the otpauth address in the cluster's install URL (the URL itself is never opened)."
    } else {
        "Drawn in your browser from the secret the cluster sent."
    };
    view! {
        <section class="enroll-step" aria-labelledby="scan-title">
            <h2 id="scan-title">"2. Scan the QR code with your authenticator app"</h2>
            <div class="scan">
                <QrCodeView text=e.uri.clone() label=format!("QR code of the TOTP secret for {label}") />
                <div class="scan-detail">
                    <dl class="enroll-dl">
                        <div><dt>"Issuer"</dt><dd id="enroll-issuer">{issuer}</dd></div>
                        <div><dt>"Account"</dt><dd id="enroll-account">{account}</dd></div>
                        <div><dt>"Type"</dt><dd>"Time-based, 6 digits, every 30 seconds (SHA-1)"</dd></div>
                    </dl>
                    <p class="enroll-note">{source}</p>
                    <p>"Cannot scan? Enter this secret in the app by hand (spaces do not matter):"</p>
                    <p class="secret"><code id="enroll-secret">{secret_grouped}</code></p>
                    <CopyButton text=copy_secret label="Copy the secret" />
                </div>
            </div>
        </section>
    }
}

/// Step 3: the cluster's cross-check, the code field, and the verdict on the code.
fn verify_step(cross_check: Option<bool>, flow: Flow, on_check: Callback<()>) -> impl IntoView {
    let Flow {
        code,
        code_error,
        verified,
        ..
    } = flow;
    let cross = match cross_check {
        Some(true) => Some(view! {
            <p class="enroll-note">"Checked: this page computes the same code as the cluster from this secret, so the QR code above is right."</p>
        }.into_any()),
        Some(false) => Some(view! {
            <p class="notice notice-warn" role="alert">
                "The cluster's verification code does not match the code this page computes from the secret. "
                "This page's check may be wrong: after scanning, test an SSH login in a second session before closing this one."
            </p>
        }.into_any()),
        None => None,
    };
    // The verdict on the checked code, worded once for the two places below.
    let verdict = Memo::new(move |_| verified.get().map(CodeCheck::verdict));
    view! {
        <section class="enroll-step" aria-labelledby="verify-title">
            <h2 id="verify-title">"3. Type a code from the app"</h2>
            {cross}
            <form class="enroll-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                on_check.run(());
            }>
                <div class="field" class:field-invalid=move || code_error.with(Option::is_some)>
                    <label for="enroll-code">"Code from the app"</label>
                    <input
                        id="enroll-code"
                        name="enroll-code"
                        type="text"
                        inputmode="numeric"
                        autocomplete="one-time-code"
                        maxlength="7"
                        class="code-input"
                        prop:value=move || code.get()
                        on:input=move |ev| {
                            code.set(event_target_value(&ev));
                            verified.set(None);
                        }
                        aria-invalid=move || if code_error.with(Option::is_some) { "true" } else { "false" }
                        aria-describedby="enroll-code-error"
                    />
                    <p class="field-error" id="enroll-code-error" role="alert" hidden=move || code_error.with(Option::is_none)>
                        {move || code_error.get()}
                    </p>
                </div>
                <button type="submit" class="button">"Check the code"</button>
            </form>
            // A right code politely; one SSH would refuse as an alert (outside the polite
            // region: nested live regions announce twice).
            <div aria-live="polite">
                {move || verdict.get().and_then(|(text, warn)| {
                    (!warn).then(|| view! { <Status message=text /> })
                })}
            </div>
            {move || verdict.get().and_then(|(text, warn)| {
                warn.then(|| view! {
                    <p class="notice notice-warn" role="alert" id="code-ssh-refuses">{text}</p>
                })
            })}
        </section>
    }
}

/// Step 4: the emergency codes confirmation and Finish; and stopping without finishing.
fn finish_step(flow: Flow, actions: Actions) -> impl IntoView {
    let Flow {
        saved, saved_error, ..
    } = flow;
    Effect::new(move |_| {
        if saved.try_get() == Some(true) {
            saved_error.try_set(None);
        }
    });
    view! {
        <section class="enroll-step" aria-labelledby="finish-title">
            <h2 id="finish-title">"4. Finish"</h2>
            <CheckboxField
                id="codes-saved"
                label="I have saved my emergency codes"
                value=saved
                error=Signal::derive(move || saved_error.get())
            />
            <button type="button" class="button button-primary" on:click=move |_| actions.finish.run(())>
                "Finish"
            </button>
            <p class="enroll-note">"Finishing wipes the QR code, the secret and the emergency codes from this page."</p>
        </section>

        <details class="enroll-step enroll-help">
            <summary>"Cannot finish now?"</summary>
            <p>
                "Your profile is already active. If your phone is not at hand, or the app will not take the code: "
                "save the emergency codes and use one at your next SSH login, or ask an administrator to disable "
                "your profile, then enroll again here."
            </p>
            <button type="button" class="button button-quiet" on:click=move |_| actions.stop.run(())>
                "Stop without finishing…"
            </button>
        </details>
    }
}
