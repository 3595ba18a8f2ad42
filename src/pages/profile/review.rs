//! What the editor shows before it sends a change: the preview of the request (with the
//! equivalent clustershell command and curl line, each copyable), the confirmation that
//! disabling needs, and the two versions side by side when the profile changed on the cluster
//! since it was loaded. The texts come from `ontap_model::cli`; no password is ever in them.

use leptos::prelude::*;
use ontap_model::cli::{self, CliCommand, CliError, RequestPreview};
use ontap_model::{Totp, TotpEdit, TotpKey, TotpPatch};

use crate::components::CopyButton;

/// Who the curl line authenticates as and where the cluster's API answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditorEnv {
    /// The signed-in user (curl's `-u`); never a password.
    pub user: String,
    /// `https://<cluster>`: the cluster's management address as curl would reach it.
    pub origin: String,
}

impl Default for EditorEnv {
    fn default() -> Self {
        EditorEnv {
            user: "USER".into(),
            origin: "https://CLUSTER".into(),
        }
    }
}

/// The three texts of a change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Review {
    pub(crate) request: RequestPreview,
    pub(crate) cli: Result<CliCommand, CliError>,
    pub(crate) curl: String,
}

impl Review {
    /// `None` when the loaded record has no well-formed key (nothing can be sent then).
    pub fn of(loaded: &Totp, patch: &TotpPatch, env: &EditorEnv) -> Option<Review> {
        let key: TotpKey = loaded.key()?;
        let request = cli::request(&key, patch);
        let cli = cli::cli_command(&key, loaded.owner_name(), loaded.scope.as_ref(), patch);
        let curl = cli::curl_line(&env.user, &env.origin, &request);
        Some(Review { request, cli, curl })
    }

    /// The request as one copyable text: the request line, a blank line, the body.
    pub(crate) fn request_text(&self) -> String {
        format!(
            "{} {}\nContent-Type: application/json\n\n{}",
            self.request.method, self.request.path, self.request.body
        )
    }
}

/// The preview panel: a `<details>` that stays where it is while the form changes.
#[component]
pub(crate) fn Preview(review: Memo<Option<Review>>, empty: Signal<bool>) -> impl IntoView {
    let request_text =
        Signal::derive(move || review.get().map(|r| r.request_text()).unwrap_or_default());
    let cli_text = Signal::derive(move || {
        review
            .get()
            .and_then(|r| r.cli.ok())
            .map(|c| c.line)
            .unwrap_or_default()
    });
    let curl_text = Signal::derive(move || review.get().map(|r| r.curl).unwrap_or_default());
    view! {
        <details class="preview" id="preview">
            <summary>"Preview: what Save will send"</summary>
            {move || {
                if empty.get() {
                    return view! { <p class="preview-empty">"Nothing to send: change a field first."</p> }
                        .into_any();
                }
                let Some(r) = review.get() else {
                    return view! {
                        <p class="preview-empty">"This profile's key is not well-formed, so nothing can be sent."</p>
                    }
                    .into_any();
                };
                let cli = match r.cli {
                    Ok(c) => view! {
                        <pre class="code" tabindex="0"><code id="preview-cli">{c.line}</code></pre>
                        {(!c.caveats.is_empty()).then(|| view! {
                            <ul class="preview-caveats">
                                {c.caveats.iter().map(|k| view! { <li>{k.message()}</li> }).collect_view()}
                            </ul>
                        })}
                        <CopyButton text=cli_text label="Copy the CLI command" />
                    }
                    .into_any(),
                    Err(e) => view! { <p class="preview-empty" id="preview-cli">{e.to_string()}</p> }.into_any(),
                };
                view! {
                    <section class="preview-part" aria-labelledby="preview-request-h">
                        <h3 id="preview-request-h">"REST request"</h3>
                        <pre class="code" tabindex="0">
                            <code id="preview-request">{format!("{} {}", r.request.method, r.request.path)}</code>
                            "\n"
                            <code id="preview-body">{r.request.body.clone()}</code>
                        </pre>
                        <CopyButton text=request_text label="Copy the REST request" />
                    </section>
                    <section class="preview-part" aria-labelledby="preview-cli-h">
                        <h3 id="preview-cli-h">"The same change in the ONTAP CLI"</h3>
                        {cli}
                    </section>
                    <section class="preview-part" aria-labelledby="preview-curl-h">
                        <h3 id="preview-curl-h">"The same change with curl"</h3>
                        <pre class="code" tabindex="0"><code id="preview-curl">{r.curl.clone()}</code></pre>
                        <p class="preview-note">"curl asks for the password: it is never part of what this page shows or copies."</p>
                        <CopyButton text=curl_text label="Copy the curl line" />
                    </section>
                }
                .into_any()
            }}
        </details>
    }
}

/// The inline confirmation before disabling a profile. It takes the focus when it appears;
/// Escape cancels, as the Cancel button does.
#[component]
pub(crate) fn DisableConfirm(
    account: String,
    on_confirm: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let account = crate::text::name(&account);
    let panel = NodeRef::<leptos::html::Div>::new();
    // Move the focus to the question, so keyboard and screen-reader users land on it.
    Effect::new(move |_| {
        if let Some(el) = panel.get() {
            let _ = el.focus();
        }
    });
    view! {
        <div
            class="confirm"
            role="alert"
            tabindex="-1"
            node_ref=panel
            aria-labelledby="confirm-title"
            aria-describedby="confirm-detail"
            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                if ev.key() == "Escape" {
                    ev.prevent_default();
                    on_cancel.run(());
                }
            }
        >
            <p class="confirm-title" id="confirm-title">{format!("Disable TOTP for {account}?")}</p>
            <div id="confirm-detail">
                <p>
                    "Disabling resets this profile: " <strong>{account.clone()}</strong>
                    " must set up their authenticator app again before TOTP protects the account."
                </p>
                <p>"Until they enroll again, SSH stops asking them for a verification code: their password alone signs them in."</p>
            </div>
            <div class="actions">
                <button type="button" class="button button-danger" on:click=move |_| on_confirm.run(())>
                    "Disable and save"
                </button>
                <button type="button" class="button" on:click=move |_| on_cancel.run(())>"Cancel"</button>
            </div>
        </div>
    }
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

fn shown_comment(c: &str) -> String {
    if c.is_empty() {
        "(empty)".into()
    } else {
        c.to_owned()
    }
}

/// Yours against the cluster's, when the profile changed since it was loaded.
#[component]
pub(crate) fn ConflictView(
    mine: TotpEdit,
    theirs: Totp,
    /// Keeping yours would disable the profile (the cluster has it enabled now).
    keeps_disable: bool,
    on_keep: Callback<()>,
    on_use_theirs: Callback<()>,
) -> impl IntoView {
    let now = TotpEdit::from_loaded(&theirs);
    let panel = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let Some(el) = panel.get() {
            let _ = el.focus();
        }
    });
    let comment_differs = mine.comment != now.comment;
    let enabled_differs = mine.enabled != now.enabled;
    view! {
        <div class="conflict" role="alert" tabindex="-1" node_ref=panel aria-labelledby="conflict-title">
            <p class="conflict-title" id="conflict-title">
                "This profile changed on the cluster since you opened it. Nothing was sent."
            </p>
            <p>"Compare your version with the one the cluster holds now, then choose which to keep."</p>
            <table class="conflict-table">
                <caption class="visually-hidden">"Your version and the cluster's version"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Field"</th>
                        <th scope="col">"Yours"</th>
                        <th scope="col">"On the cluster now"</th>
                    </tr>
                </thead>
                <tbody>
                    <tr class:conflict-differs=comment_differs>
                        <th scope="row">"Comment"</th>
                        <td id="conflict-mine-comment">{shown_comment(mine.comment.as_str())}</td>
                        <td id="conflict-theirs-comment">{shown_comment(now.comment.as_str())}</td>
                    </tr>
                    <tr class:conflict-differs=enabled_differs>
                        <th scope="row">"Enabled"</th>
                        <td id="conflict-mine-enabled">{yes_no(mine.enabled)}</td>
                        <td id="conflict-theirs-enabled">{yes_no(now.enabled)}</td>
                    </tr>
                </tbody>
            </table>
            {keeps_disable.then(|| view! {
                <p class="conflict-warn">
                    "Keeping yours disables the profile: the user must set up their authenticator again."
                </p>
            })}
            <div class="actions">
                <button type="button" class="button button-primary" on:click=move |_| on_keep.run(())>
                    "Keep mine and save"
                </button>
                <button type="button" class="button" on:click=move |_| on_use_theirs.run(())>
                    "Use the cluster's version"
                </button>
            </div>
        </div>
    }
}
