//! Self-enrollment (`/enroll`): the signed-in user creates their own TOTP profile and sets up
//! their authenticator app. The profile is active as soon as the POST succeeds, so the page
//! explains that first, then shows the emergency codes before anything else, the QR code drawn
//! locally from the `otpauth://` URI (from `install_url`, never loaded, or built from
//! `secret_key`), the secret in groups, and checks a code from the app in the browser (RFC 6238,
//! one step of drift either way), cross-checked with the cluster's `verification_code` and
//! against the cluster's clock (`Date`). Nothing derived from the secret is requested from
//! anywhere. Finishing, leaving or signing out wipes the secret, the URI and the codes.

pub mod codes;
pub mod entry;
pub mod guard;
pub mod qr;

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use ontap_model::otp::{self, KeyUri, Secret};
use ontap_model::totp::{AccountSelector, OwnerSelector};
use ontap_model::{enroll, AccountName, Comment, Known, Scope, TotpCreate, TotpCreated};

use crate::api::{identity, totps, ApiError};
use crate::components::Explained;
use crate::components::{Alert, CheckboxField, CopyButton, Status, TextField};
use crate::session::SessionCtx;
use codes::EmergencyCodes;
pub use entry::{EnrollLink, EnrollState};
use qr::QrCodeView;

/// Who is enrolling: the signed-in account, as the POST names it.
#[derive(Clone, Debug, PartialEq)]
pub struct Me {
    pub account: String,
    /// The owning SVM's name for an SVM-scoped account; `None` for a cluster-scoped one.
    pub svm: Option<String>,
    pub cluster: String,
}

impl Me {
    /// The signed-in account, when the session knows its name.
    pub fn of(session: &SessionCtx) -> Option<Me> {
        session.session.with_untracked(|s| {
            let s = s.as_ref()?;
            let account = s.identity.user.clone()?;
            let svm = match s.identity.scope {
                Some(Scope::Cluster) => None,
                _ => s.identity.svm.clone(),
            };
            Some(Me {
                account,
                svm,
                cluster: s.cluster.name.clone().unwrap_or_else(|| "ONTAP".into()),
            })
        })
    }

    /// The SVM a clustershell command names (the admin SVM of a cluster-scoped account is
    /// called like the cluster).
    fn vserver(&self) -> &str {
        self.svm.as_deref().unwrap_or(&self.cluster)
    }

    /// How the account reads: `alice@vs_eng`, or `admin` when cluster-scoped.
    fn display(&self) -> String {
        match &self.svm {
            Some(s) => format!("{}@{s}", self.account),
            None => self.account.clone(),
        }
    }
}

/// Overwrites a string's bytes in place before it is dropped.
fn wipe(s: &mut String) {
    let n = s.len();
    s.clear();
    s.extend(std::iter::repeat_n('\0', n));
}

/// What the POST gave, as the page shows it. Its strings are overwritten when dropped.
pub struct Enrolled {
    pub key: KeyUri,
    /// The `otpauth://totp/` URI drawn as the QR code.
    pub uri: String,
    pub secret: String,
    pub codes: Vec<String>,
    /// The URI came from `install_url` (else it was built from `secret_key`).
    pub from_install_url: bool,
    /// `verification_code` agrees with this page's computation (`None`: not sent).
    pub cross_check: Option<bool>,
    /// The browser's clock minus the cluster's, in seconds (`None`: no usable `Date`).
    pub skew: Option<i64>,
}

impl Drop for Enrolled {
    fn drop(&mut self) {
        wipe(&mut self.uri);
        wipe(&mut self.secret);
        self.codes.iter_mut().for_each(wipe);
    }
}

impl Enrolled {
    /// Reads the created record: the URI from `install_url` when it carries one whose secret is
    /// `secret_key`'s (or there is no `secret_key`), else built from `secret_key` with the
    /// cluster as issuer and the account as name. `Err` when neither gives a secret.
    pub fn from_created(
        mut created: TotpCreated,
        me: &Me,
        date: Option<&str>,
        browser_ms: f64,
    ) -> Result<Enrolled, String> {
        let from_key = created
            .secret_key
            .as_deref()
            .map(Secret::from_base32)
            .transpose()
            .map_err(|e| format!("The secret the cluster sent is not valid base32 ({e})."))?;
        let from_url = created
            .install_url
            .as_deref()
            .and_then(otp::key_uri_in_install_url)
            .filter(|k| from_key.as_ref().is_none_or(|s| *s == k.secret));
        if let Some(s) = created.secret_key.as_mut() {
            wipe(s);
        }
        if let Some(u) = created.install_url.as_mut() {
            wipe(u);
        }
        let (key, from_install_url) = match (from_url, from_key) {
            (Some(k), _) => (k, true),
            (None, Some(secret)) => (
                KeyUri {
                    issuer: me.cluster.clone(),
                    account: me.display(),
                    secret,
                },
                false,
            ),
            (None, None) => {
                return Err("The cluster created the profile but sent no secret.".into())
            }
        };
        let skew = date.and_then(|d| otp::clock_skew_seconds(browser_ms, d));
        let now = (browser_ms / 1000.0) as u64;
        let cluster_now = skew.map_or(now, |s| (now as i64 - s).max(0) as u64);
        let cross_check = created.verification_code.as_deref().map(|v| {
            otp::matching_step(&key.secret, v, cluster_now, 1).is_some()
                || otp::matching_step(&key.secret, v, now, 1).is_some()
        });
        Ok(Enrolled {
            uri: key.to_uri(),
            secret: key.secret.to_base32(),
            codes: std::mem::take(&mut created.emergency_codes),
            key,
            from_install_url,
            cross_check,
            skew,
        })
    }

    /// Checks a code from the app, one step either way, at the cluster's time (what SSH checks
    /// against) and else at the browser's; without the cluster's time, at the browser's alone.
    /// `None`: the code matches neither.
    pub fn check(&self, code: &str, browser_ms: f64) -> Option<CodeCheck> {
        let now = (browser_ms / 1000.0) as u64;
        let secret = &self.key.secret;
        let Some(skew) = self.skew else {
            return otp::matching_step(secret, code, now, 1).map(|step| CodeCheck::Accepted {
                step,
                cluster_time: false,
            });
        };
        let cluster_now = (now as i64 - skew).max(0) as u64;
        if let Some(step) = otp::matching_step(secret, code, cluster_now, 1) {
            return Some(CodeCheck::Accepted {
                step,
                cluster_time: true,
            });
        }
        otp::matching_step(secret, code, now, 1).map(|step| CodeCheck::SshRefuses { step, skew })
    }
}

/// What a code from the app says about the clocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeCheck {
    /// It matches the cluster's time (`cluster_time`), or the browser's when the cluster's is
    /// not known, `step` 30-second steps off: SSH takes such codes.
    Accepted { step: i64, cluster_time: bool },
    /// It matches this computer's time only, `step` steps off, the browser's clock being `skew`
    /// seconds ahead of the cluster's: the app is set up, but SSH, on the cluster's clock,
    /// refuses its codes until the clocks agree.
    SshRefuses { step: i64, skew: i64 },
}

impl CodeCheck {
    /// The verdict in words, and whether it is a warning.
    pub fn verdict(self) -> (String, bool) {
        match self {
            CodeCheck::Accepted { step: 0, .. } => {
                ("The code is right: the app is set up.".into(), false)
            }
            CodeCheck::Accepted { step, cluster_time } => {
                (
                    format!(
                    "The code is right: the app is set up (your phone's clock is about {} seconds \
                     {} {}).",
                    step.abs() * 30,
                    if step > 0 { "ahead of" } else { "behind" },
                    if cluster_time { "the cluster's" } else { "this computer's" }
                ),
                    false,
                )
            }
            CodeCheck::SshRefuses { skew, .. } if skew.abs() > otp::MAX_SKEW_SECONDS => (
                format!(
                    "The app is set up, but SSH would refuse this code now: it matches the time of \
                     your phone and this computer, and the cluster's clock is {} {}. Ask the \
                     cluster's administrator to set its clock (NTP); until then, sign in to SSH \
                     with an emergency code.",
                    clock_difference_words(skew.unsigned_abs()),
                    if skew > 0 { "behind both" } else { "ahead of both" }
                ),
                true,
            ),
            CodeCheck::SshRefuses { step, skew } => {
                // The phone is `step` steps from this computer, which is `skew` s from the cluster.
                let off = step * 30 + skew;
                (
                    format!(
                        "The app is set up, but SSH would refuse this code now: your phone's clock \
                         is about {} {} the cluster's. Set the phone's time automatically, then \
                         check a new code.",
                        clock_difference_words(off.unsigned_abs()),
                        if off > 0 { "ahead of" } else { "behind" }
                    ),
                    true,
                )
            }
        }
    }
}

/// "The cluster's clock is 5 minutes ahead of this computer's.", when the browser's clock minus
/// the cluster's (`skew`, seconds) is more than a step: the first sentence of the warnings before
/// and after the profile is created.
pub fn cluster_clock_off(skew: Option<i64>) -> Option<String> {
    let s = skew.filter(|s| s.abs() > otp::MAX_SKEW_SECONDS)?;
    Some(format!(
        "The cluster's clock is {} {} this computer's.",
        clock_difference_words(s.unsigned_abs()),
        if s > 0 { "behind" } else { "ahead of" }
    ))
}

/// A clock difference in words: "45 seconds", "5 minutes", "2 minutes 10 seconds", "3 hours",
/// "1 hour 20 minutes", "2 days": the largest unit, and the next one unless it is 0.
pub fn clock_difference_words(seconds: u64) -> String {
    let unit = |n: u64, one: &str| crate::text::count(n, one, &format!("{one}s"));
    let (d, h, m, s) = (
        seconds / 86_400,
        seconds / 3_600 % 24,
        seconds / 60 % 60,
        seconds % 60,
    );
    let (first, (n, next)) = match (d, h, m) {
        (0, 0, 0) => (unit(s, "second"), (0, "")),
        (0, 0, _) => (unit(m, "minute"), (s, "second")),
        (0, _, _) => (unit(h, "hour"), (m, "minute")),
        _ => (unit(d, "day"), (h, "hour")),
    };
    if n == 0 {
        first
    } else {
        format!("{first} {}", unit(n, next))
    }
}

/// The code as typed, without spaces; an error text when it is not six digits.
pub fn clean_code(text: &str) -> Result<String, &'static str> {
    let c: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if c.is_empty() {
        Err("Enter the 6-digit code your authenticator app shows.")
    } else if c.len() != otp::DIGITS as usize || !c.bytes().all(|b| b.is_ascii_digit()) {
        Err("A code is 6 digits (spaces do not matter).")
    } else {
        Ok(c)
    }
}

/// Where the flow stands.
#[derive(Clone)]
pub enum Stage {
    /// Reading whether the account already has a profile.
    Checking,
    CheckFailed(ApiError),
    /// A session without an account name (a token without a user claim).
    NoAccount,
    /// Asked to enroll another account: ONTAP allows only self-enrollment.
    OtherAccount(String),
    /// The account already has an enabled profile.
    Existing,
    /// The explanation and the comment; `replaces` when a disabled profile exists.
    Intro {
        replaces: bool,
        /// The browser's clock minus the cluster's (from the check's `Date`), in seconds.
        skew: Option<i64>,
    },
    Posting,
    /// The POST's answer was lost and a profile exists now: its secret cannot be shown again.
    Lost,
    Enrolled(Arc<Enrolled>),
    Done,
    /// The user stopped before finishing.
    Stopped,
}

impl Stage {
    /// The stages during which leaving asks first.
    fn holds_secret(&self) -> bool {
        matches!(self, Stage::Enrolled(_))
    }
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

#[component]
pub fn EnrollPage() -> impl IntoView {
    let session = SessionCtx::use_ctx();
    let state = EnrollState::use_ctx();
    let query = use_query_map();
    let me = Me::of(&session);
    let stage = RwSignal::new(Stage::Checking);
    let comment = RwSignal::new(String::new());
    let post_error = RwSignal::new(None::<ApiError>);
    let code = RwSignal::new(String::new());
    let code_error = RwSignal::new(None::<String>);
    let verified = RwSignal::new(None::<CodeCheck>);
    let saved = RwSignal::new(false);
    let saved_error = RwSignal::new(None::<String>);

    // The leave guard follows the stage; leaving the page or signing out disposes every signal
    // above (the Arc<Enrolled> with them: its Drop overwrites the strings), and the guard is
    // switched off.
    Effect::new(move |_| guard::set_active(stage.try_with(Stage::holds_secret).unwrap_or(false)));
    on_cleanup(|| guard::set_active(false));

    let wipe_all = move |next: Stage| {
        guard::set_active(false);
        stage.set(next);
        code.set(String::new());
        code_error.set(None);
        verified.set(None);
        saved.set(false);
        saved_error.set(None);
    };

    // First: is this account the one asked for, and does it have a profile already?
    let check = {
        let me = me.clone();
        move || {
            let Some(asked) = query.try_with_untracked(|q| q.get("account")) else {
                return;
            };
            let Some(me) = me.clone() else {
                stage.try_set(Stage::NoAccount);
                return;
            };
            if let Some(other) = asked.filter(|a| !a.is_empty() && *a != me.account) {
                stage.try_set(Stage::OtherAccount(other));
                return;
            }
            let Some(client) = session.client() else {
                return;
            };
            stage.try_set(Stage::Checking);
            spawn_local(async move {
                let r = totps::own(&client, &me.account, me.svm.as_deref()).await;
                let next = match r {
                    Ok((Some(t), _)) if t.enabled != Some(false) => Stage::Existing,
                    Ok((t, date)) => Stage::Intro {
                        replaces: t.is_some(),
                        skew: date.and_then(|d| otp::clock_skew_seconds(now_ms(), &d)),
                    },
                    Err(e) => Stage::CheckFailed(e),
                };
                if let Stage::Existing = next {
                    state.set_needed(false);
                }
                stage.try_set(next);
            });
        }
    };
    // Again whenever the query changes (`?account=` asks for someone else).
    Effect::new({
        let check = check.clone();
        move |_| {
            query.track();
            check();
        }
    });

    let create = {
        let me = me.clone();
        move || {
            if !matches!(stage.get_untracked(), Stage::Intro { .. }) {
                return;
            }
            let (Some(me), Some(client)) = (me.clone(), session.client()) else {
                return;
            };
            let Ok(account) = AccountName::try_from(me.account.as_str()) else {
                post_error.set(Some(ApiError::Decode(
                    "the account name is not valid".into(),
                )));
                return;
            };
            let text = comment.get_untracked();
            let body = TotpCreate {
                account: AccountSelector { name: account },
                owner: me.svm.clone().map(|name| OwnerSelector {
                    uuid: None,
                    name: Some(name),
                }),
                comment: (!text.trim().is_empty())
                    .then(|| Comment::try_from(text.as_str()).ok())
                    .flatten(),
            };
            let back = stage.get_untracked();
            post_error.set(None);
            stage.set(Stage::Posting);
            spawn_local(async move {
                match totps::create(&client, &body).await {
                    Ok((created, date)) => {
                        state.set_needed(false);
                        match Enrolled::from_created(created, &me, date.as_deref(), now_ms()) {
                            Ok(e) => {
                                stage.try_set(Stage::Enrolled(Arc::new(e)));
                            }
                            Err(why) => {
                                post_error.try_set(Some(ApiError::Decode(why)));
                                stage.try_set(Stage::Lost);
                            }
                        }
                    }
                    Err(e) if e.outcome_unknown() => {
                        // Never sent twice: read whether the profile exists now.
                        let now = totps::own(&client, &me.account, me.svm.as_deref()).await;
                        match now {
                            Ok((Some(t), _)) if t.enabled != Some(false) => {
                                state.set_needed(false);
                                stage.try_set(Stage::Lost);
                            }
                            Ok(_) => {
                                post_error.try_set(Some(e));
                                stage.try_set(back);
                            }
                            Err(_) => {
                                post_error.try_set(Some(e));
                                stage.try_set(Stage::Lost);
                            }
                        }
                    }
                    Err(e) => {
                        post_error.try_set(Some(e));
                        stage.try_set(back);
                    }
                }
            });
        }
    };

    let on_check_code = move || {
        let Stage::Enrolled(e) = stage.get_untracked() else {
            return;
        };
        match clean_code(&code.get_untracked()) {
            Err(msg) => {
                code_error.set(Some(msg.into()));
                verified.set(None);
            }
            Ok(c) => match e.check(&c, now_ms()) {
                Some(v) => {
                    code_error.set(None);
                    verified.set(Some(v));
                }
                None => {
                    verified.set(None);
                    code_error.set(Some(format!(
                        "This code does not match. Check that you scanned the QR code above (the app \
                         shows {}) and type the code the app shows now: it changes every 30 seconds.",
                        e.key.label()
                    )));
                }
            },
        }
    };

    let finish = move || {
        let mut ok = true;
        if verified.get_untracked().is_none() {
            code_error.set(Some(
                "Check a code from your authenticator app first: then you know it works.".into(),
            ));
            ok = false;
        }
        if !saved.get_untracked() {
            saved_error.set(Some("Confirm that you saved the emergency codes.".into()));
            ok = false;
        }
        if ok {
            wipe_all(Stage::Done);
            if let Some(store) = use_context::<crate::store::ProfileStore>() {
                if store.progress.get_untracked() != crate::store::Progress::Idle {
                    store.reload();
                }
            }
        }
    };

    let stop = move || {
        let leave = web_sys::window()
            .and_then(|w| w.confirm_with_message(guard::LEAVE_QUESTION).ok())
            .unwrap_or(false);
        if leave {
            wipe_all(Stage::Stopped);
        }
    };

    let me_view = me.clone();
    let body = move || {
        let me = me_view.clone();
        match stage.get() {
            Stage::Checking => view! { <Status message="Checking your account…" busy=true /> }.into_any(),
            Stage::CheckFailed(e) => {
                let Explained { message: m, next_step: n } = Explained::from(&e);
                let check = check.clone();
                view! {
                    <Alert message=m next_step=n>
                        <button type="button" class="button" on:click=move |_| check()>"Try again"</button>
                    </Alert>
                }
                .into_any()
            }
            Stage::NoAccount => view! {
                <Alert
                    message="This session does not say which account it is."
                    next_step="Sign in with your user name and password (or a token that names you) to set up your own authenticator."
                />
            }
            .into_any(),
            Stage::OtherAccount(other) => {
                let mine = me.as_ref().map(|m| m.account.clone()).unwrap_or_default();
                view! {
                    <Alert
                        message=format!("ONTAP allows only self-enrollment: you cannot set up the authenticator of {other}.")
                        next_step=format!("{other} signs in to this page as themselves and chooses \"Set up my authenticator\". An administrator cannot create a TOTP profile for anyone else.")
                    />
                    <p><A href="/enroll">{format!("Set up my own authenticator ({mine})")}</A></p>
                }
                .into_any()
            }
            Stage::Existing => existing_view(me.as_ref()).into_any(),
            Stage::Intro { replaces, skew } => {
                let create = create.clone();
                intro_view(me.as_ref(), replaces, skew, comment, post_error, false, Callback::new(move |()| create())).into_any()
            }
            Stage::Posting => intro_view(me.as_ref(), false, None, comment, post_error, true, Callback::new(|()| ())).into_any(),
            Stage::Lost => lost_view(me.as_ref(), post_error).into_any(),
            Stage::Enrolled(e) => enrolled_view(
                e,
                code,
                code_error,
                verified,
                saved,
                saved_error,
                Callback::new(move |()| on_check_code()),
                Callback::new(move |()| finish()),
                Callback::new(move |()| stop()),
            )
            .into_any(),
            Stage::Done => view! {
                <div class="enroll-step enroll-done">
                    <Status message="Your authenticator is set up." />
                    <p>
                        "From your next SSH login, ONTAP asks for the 6-digit code from the app after your password. "
                        "The secret and the emergency codes are gone from this page; keep the codes you saved."
                    </p>
                    <p><A href="/profiles">"Go to the TOTP profiles"</A></p>
                </div>
            }
            .into_any(),
            Stage::Stopped => view! {
                <div class="enroll-step enroll-done">
                    <Alert
                        message="Set-up stopped. Your profile is active: SSH now asks for a code."
                        next_step="If the app was not set up: use one of your emergency codes at your next SSH login, or ask an administrator to disable your profile, then enroll again here."
                    />
                    <p><A href="/profiles">"Go to the TOTP profiles"</A></p>
                </div>
            }
            .into_any(),
        }
    };

    view! {
        <div class="enroll" id="enroll">
            <h1>"Set up my authenticator"</h1>
            {body}
        </div>
    }
}

/// The explanation before anything is created, the optional comment, and Create.
#[allow(clippy::too_many_arguments)]
fn intro_view(
    me: Option<&Me>,
    replaces: bool,
    skew: Option<i64>,
    comment: RwSignal<String>,
    post_error: RwSignal<Option<ApiError>>,
    busy: bool,
    on_create: Callback<()>,
) -> impl IntoView {
    let who = me.map(Me::display).unwrap_or_default();
    let cluster = me.map(|m| m.cluster.clone()).unwrap_or_default();
    let me = me.cloned();
    let error = move || {
        post_error.get().map(|e| match e.known() {
            Some(Known::TotpNotConfigured) => second_factor_view(me.as_ref()).into_any(),
            _ if is_duplicate(&e) => existing_view(me.as_ref()).into_any(),
            _ if is_self_only(&e) => view! {
                <Alert
                    message="The cluster allows a TOTP profile to be created only by the account itself."
                    next_step="ONTAP allows only self-enrollment: sign in to this page as the account that will use the codes. An administrator cannot enroll someone else."
                />
            }
            .into_any(),
            _ => {
                let Explained { message: m, next_step: n } = Explained::from(&e);
                view! { <Alert message=m next_step=n /> }.into_any()
            }
        })
    };
    // Before anything is created: a cluster whose clock is off refuses the app's codes at SSH.
    let clock = cluster_clock_off(skew).map(|off| {
        format!(
            "{off} SSH checks codes against the cluster's clock: if your phone's clock is right, \
             SSH will refuse the app's codes once the profile exists, until the cluster's clock \
             is set (NTP). Best ask the cluster's administrator first; if you set it up now, sign \
             in to SSH with an emergency code meanwhile."
        )
    });
    view! {
        {clock.map(|c| view! { <p class="notice notice-warn" role="alert" id="clock-warning-before">{c}</p> })}
        <section class="enroll-step" aria-labelledby="intro-title">
            <h2 id="intro-title">{format!("TOTP for {who} on {cluster}")}</h2>
            <p>
                "This creates your TOTP profile and connects an authenticator app on your phone "
                "(Google Authenticator, Microsoft Authenticator, FreeOTP, Authy…)."
            </p>
            <ul class="enroll-facts">
                <li><strong>"The profile is active at once."</strong>" From the moment it is created, SSH asks for a 6-digit code from the app after your password."</li>
                <li>"You then get emergency codes: each one works once instead of a code. Save them before anything else."</li>
                <li>"You scan a QR code drawn by this page (nothing leaves your browser), then type a code from the app to check it."</li>
                <li>"If you lose the phone: use an emergency code, or ask an administrator to disable your profile, then enroll again."</li>
            </ul>
            {replaces.then(|| view! {
                <p class="notice notice-warn">"Your previous profile is disabled: creating a new one replaces it, with a new secret."</p>
            })}
            <form class="enroll-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                on_create.run(());
            }>
                <TextField
                    id="enroll-comment"
                    label="Comment (optional)"
                    hint="For example the app or the phone, so an administrator knows which one it is."
                    value=comment
                    error=Signal::derive(|| None::<String>)
                    disabled=Signal::derive(move || busy)
                />
                <button type="submit" class="button button-primary" disabled=busy>
                    {if busy { "Creating…" } else { "Create my profile" }}
                </button>
            </form>
            {error}
        </section>
    }
}

fn is_duplicate(e: &ApiError) -> bool {
    matches!(e, ApiError::Ontap { status: 409, .. }) || e.known() == Some(Known::Duplicate)
}

fn is_self_only(e: &ApiError) -> bool {
    matches!(e, ApiError::Ontap { body, .. } if body.error.code.as_u64() == Some(6_691_623))
}

/// 144834561: what an administrator runs first (CLI and REST).
fn second_factor_view(me: Option<&Me>) -> impl IntoView {
    let account = me.map(|m| m.account.clone()).unwrap_or_default();
    let vserver = me.map(|m| m.vserver().to_owned()).unwrap_or_default();
    let cli = enroll::second_factor_cli(&vserver, &account).unwrap_or_default();
    let uuid = RwSignal::new(None::<String>);
    if let Some(client) = SessionCtx::use_ctx().client() {
        let account = account.clone();
        spawn_local(async move {
            if let Ok(found) = identity::accounts_named(&client, &account).await {
                let u = found
                    .iter()
                    .find(|a| a.owner_name() == Some(vserver.as_str()) || found.len() == 1)
                    .and_then(|a| a.owner_uuid().map(str::to_owned));
                uuid.try_set(u);
            }
        });
    }
    let rest = move || {
        let u = uuid.get().unwrap_or_else(|| "{owner.uuid}".into());
        let (path, body) = enroll::second_factor_rest(&u, &account);
        format!("PATCH {path}\n{body}")
    };
    view! {
        <Alert
            message="TOTP is not set up as the SSH second factor of your account, so ONTAP refuses a profile (error 144834561)."
            next_step="Ask a cluster administrator to set it, then come back here. In the cluster shell:"
        >
            <pre class="command" tabindex="0" aria-label="CLI command">{cli.clone()}</pre>
            <p class="notice-detail">"Or with the REST API (applications replaces the whole list: keep every application the account has, http included, which this page needs):"</p>
            <pre class="command" tabindex="0" aria-label="REST call">{rest}</pre>
        </Alert>
    }
}

/// An enabled profile exists: how to reset it.
fn existing_view(me: Option<&Me>) -> impl IntoView {
    let account = me.map(|m| m.account.clone()).unwrap_or_default();
    let vserver = me.map(|m| m.vserver().to_owned()).unwrap_or_default();
    let cli = enroll::reset_cli(&vserver, &account).unwrap_or_default();
    view! {
        <Alert
            message="You already have an enabled TOTP profile."
            next_step="To set up a new authenticator (a new phone, a lost one), an administrator first disables your profile (ONTAP's documented reset); then you enroll again here. Until then, sign in over SSH with your current app or an emergency code. In the cluster shell, the administrator runs:"
        >
            <pre class="command" tabindex="0" aria-label="CLI command to disable the profile">{cli}</pre>
        </Alert>
        <p><A href="/profiles">"Go to the TOTP profiles"</A></p>
    }
}

/// The profile was created but its answer was lost: nothing can show the secret again.
fn lost_view(me: Option<&Me>, post_error: RwSignal<Option<ApiError>>) -> impl IntoView {
    let account = me.map(|m| m.account.clone()).unwrap_or_default();
    let vserver = me.map(|m| m.vserver().to_owned()).unwrap_or_default();
    let cli = enroll::reset_cli(&vserver, &account).unwrap_or_default();
    let detail = move || post_error.get().map(|e| Explained::from(&e).message);
    view! {
        <Alert
            message="Your profile may have been created, but its answer (the secret and the emergency codes) did not arrive, and ONTAP never shows them again."
            next_step="SSH may now ask you for a code you do not have. Ask an administrator to disable your profile, then enroll again here:"
        >
            <pre class="command" tabindex="0" aria-label="CLI command to disable the profile">{cli}</pre>
            <p class="notice-detail">{detail}</p>
        </Alert>
    }
}

/// After the POST: codes first, then the QR code and the secret, the code check, Finish.
#[allow(clippy::too_many_arguments)]
fn enrolled_view(
    e: Arc<Enrolled>,
    code: RwSignal<String>,
    code_error: RwSignal<Option<String>>,
    verified: RwSignal<Option<CodeCheck>>,
    saved: RwSignal<bool>,
    saved_error: RwSignal<Option<String>>,
    on_check: Callback<()>,
    on_finish: Callback<()>,
    on_stop: Callback<()>,
) -> impl IntoView {
    let label = e.key.label();
    let secret_grouped = otp::grouped(&e.secret);
    let secret_plain = e.secret.clone();
    let copy_secret = Signal::derive(move || secret_plain.clone());
    let skew = cluster_clock_off(e.skew).map(|off| {
        format!(
            "{off} SSH checks codes against the cluster's clock, and your authenticator app uses \
             your phone's: if those two differ by more than 30 seconds, SSH refuses the codes. The \
             check in step 3 tells which clock is off. Clocks are best set automatically (NTP), on \
             the phone, this computer and the cluster."
        )
    });
    let cross = match e.cross_check {
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
    let source = if e.from_install_url {
        "Drawn in your browser from the otpauth address in the cluster's install URL (the URL itself is never opened)."
    } else {
        "Drawn in your browser from the secret the cluster sent."
    };
    // The verdict on the checked code, worded once for the two places below.
    let verdict = Memo::new(move |_| verified.get().map(CodeCheck::verdict));
    let saved_signal = saved;
    Effect::new(move |_| {
        if saved_signal.try_get() == Some(true) {
            saved_error.try_set(None);
        }
    });
    view! {
        <Status message="Your TOTP profile is created and active: SSH now asks for a code." />
        {skew.map(|s| view! { <p class="notice notice-warn" role="alert" id="clock-warning">{s}</p> })}
        <EmergencyCodes label=label.clone() account=e.key.account.clone() codes=e.codes.clone() />

        <section class="enroll-step" aria-labelledby="scan-title">
            <h2 id="scan-title">"2. Scan the QR code with your authenticator app"</h2>
            <div class="scan">
                <QrCodeView text=e.uri.clone() label=format!("QR code of the TOTP secret for {label}") />
                <div class="scan-detail">
                    <dl class="enroll-dl">
                        <div><dt>"Issuer"</dt><dd id="enroll-issuer">{e.key.issuer.clone()}</dd></div>
                        <div><dt>"Account"</dt><dd id="enroll-account">{e.key.account.clone()}</dd></div>
                        <div><dt>"Type"</dt><dd>"Time-based, 6 digits, every 30 seconds (SHA-1)"</dd></div>
                    </dl>
                    <p class="enroll-note">{source}</p>
                    <p>"Cannot scan? Enter this secret in the app by hand (spaces do not matter):"</p>
                    <p class="secret"><code id="enroll-secret">{secret_grouped}</code></p>
                    <CopyButton text=copy_secret label="Copy the secret" />
                </div>
            </div>
        </section>

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

        <section class="enroll-step" aria-labelledby="finish-title">
            <h2 id="finish-title">"4. Finish"</h2>
            <CheckboxField
                id="codes-saved"
                label="I have saved my emergency codes"
                value=saved
                error=Signal::derive(move || saved_error.get())
            />
            <button type="button" class="button button-primary" on:click=move |_| on_finish.run(())>
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
            <button type="button" class="button button-quiet" on:click=move |_| on_stop.run(())>
                "Stop without finishing…"
            </button>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use ontap_model::otp::{self, KeyUri, Secret};
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::{clock_difference_words, CodeCheck, Enrolled};

    /// An enrollment whose browser clock is `skew` seconds ahead of the cluster's (`None`: the
    /// cluster's time is not known).
    fn enrolled(skew: Option<i64>) -> Enrolled {
        let secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
        Enrolled {
            key: KeyUri {
                issuer: "cluster1".into(),
                account: "alice".into(),
                secret: Secret::from_base32(secret).unwrap(),
            },
            uri: String::new(),
            secret: secret.into(),
            codes: Vec::new(),
            from_install_url: false,
            cross_check: None,
            skew,
        }
    }

    const NOW: u64 = 1_800_000_015; // 15 s into a step
    const MS: f64 = NOW as f64 * 1000.0;

    fn code(e: &Enrolled, t: i64) -> String {
        otp::code_at(&e.key.secret, t as u64)
    }

    #[wasm_bindgen_test]
    fn a_code_of_the_clusters_time_is_accepted_and_one_of_this_computer_only_is_not_for_ssh() {
        // The cluster 5 minutes ahead of this computer.
        let e = enrolled(Some(-300));
        let n = NOW as i64;
        assert_eq!(
            e.check(&code(&e, n + 300), MS),
            Some(CodeCheck::Accepted {
                step: 0,
                cluster_time: true
            })
        );
        assert_eq!(
            e.check(&code(&e, n + 330), MS),
            Some(CodeCheck::Accepted {
                step: 1,
                cluster_time: true
            })
        );
        assert_eq!(
            e.check(&code(&e, n), MS),
            Some(CodeCheck::SshRefuses {
                step: 0,
                skew: -300
            })
        );
        assert_eq!(e.check(&code(&e, n - 300), MS), None);
        let (text, warn) = e.check(&code(&e, n), MS).unwrap().verdict();
        assert!(warn);
        assert!(text.contains("SSH would refuse this code now"), "{text}");
        assert!(
            text.contains("the cluster's clock is 5 minutes ahead"),
            "{text}"
        );
        assert!(text.contains("emergency code"), "{text}");
        let (text, warn) = e.check(&code(&e, n + 270), MS).unwrap().verdict();
        assert!(!warn);
        assert!(
            text.contains("about 30 seconds behind the cluster's"),
            "{text}"
        );
    }

    #[wasm_bindgen_test]
    fn within_a_step_a_code_off_the_clusters_time_blames_the_phone() {
        let e = enrolled(Some(20));
        let n = NOW as i64;
        assert_eq!(
            e.check(&code(&e, n - 20), MS),
            Some(CodeCheck::Accepted {
                step: 0,
                cluster_time: true
            })
        );
        // The phone 30 s behind this computer is 10 s behind the cluster: accepted. 30 s ahead
        // of this computer, it is 50 s ahead of the cluster: refused, and the phone is to blame.
        let v = e.check(&code(&e, n - 30), MS);
        assert!(matches!(v, Some(CodeCheck::Accepted { .. })), "{v:?}");
        let v = e.check(&code(&e, n + 30), MS).unwrap();
        assert_eq!(v, CodeCheck::SshRefuses { step: 1, skew: 20 });
        let (text, warn) = v.verdict();
        assert!(
            warn && text.contains("your phone's clock is about 50 seconds ahead of the cluster's"),
            "{text}"
        );
    }

    #[wasm_bindgen_test]
    fn without_the_clusters_time_this_computers_decides() {
        let e = enrolled(None);
        let n = NOW as i64;
        assert_eq!(
            e.check(&code(&e, n), MS),
            Some(CodeCheck::Accepted {
                step: 0,
                cluster_time: false
            })
        );
        assert_eq!(
            e.check(&code(&e, n - 30), MS),
            Some(CodeCheck::Accepted {
                step: -1,
                cluster_time: false
            })
        );
        assert_eq!(e.check(&code(&e, n + 300), MS), None);
        let (text, _) = e.check(&code(&e, n - 30), MS).unwrap().verdict();
        assert!(
            text.contains("about 30 seconds behind this computer's"),
            "{text}"
        );
        assert_eq!(
            CodeCheck::Accepted {
                step: 0,
                cluster_time: false
            }
            .verdict(),
            ("The code is right: the app is set up.".to_owned(), false)
        );
    }

    #[wasm_bindgen_test]
    fn clock_differences_read_as_words() {
        assert_eq!(clock_difference_words(1), "1 second");
        assert_eq!(clock_difference_words(45), "45 seconds");
        assert_eq!(clock_difference_words(60), "1 minute");
        assert_eq!(clock_difference_words(300), "5 minutes");
        assert_eq!(clock_difference_words(130), "2 minutes 10 seconds");
        assert_eq!(clock_difference_words(3_600 * 3), "3 hours");
        assert_eq!(
            clock_difference_words(3_600 + 1_200 + 7),
            "1 hour 20 minutes"
        );
        assert_eq!(clock_difference_words(86_400 * 2 + 60), "2 days");
        assert_eq!(clock_difference_words(86_400 + 3_600 * 5), "1 day 5 hours");
    }
}
