//! The one place where errors become words: an [`ApiError`], a sign-in [`Failure`], a read
//! waiting to retry ([`Notice`]) or a missing part of the page, each turned into an
//! [`Explained`]: what happened and what to do next. Views show these; nothing below this
//! layer writes a sentence for the user.

use ontap_model::Guidance;

use crate::api::error::BadLink;
use crate::api::fleet::{Problem, ProblemKind};
use crate::api::retry::{Cause, Notice};
use crate::api::ApiError;
use crate::session::Failure;

/// What went wrong, in plain words, and what the user can do about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explained {
    pub(crate) message: String,
    pub(crate) next_step: String,
}

impl Explained {
    pub(crate) fn new(message: impl Into<String>, next_step: impl Into<String>) -> Explained {
        Explained {
            message: message.into(),
            next_step: next_step.into(),
        }
    }

    /// The message and the next step as one sentence pair (a one-line notice).
    pub(crate) fn joined(&self) -> String {
        format!("{} {}", self.message, self.next_step)
    }

    /// The rest of the page (a wasm module loaded later) did not arrive.
    pub(crate) fn not_loaded() -> Explained {
        Explained::new(
            "Sign-in could not start: the rest of totp-admin did not arrive from the web server.",
            "Check the connection to this site, then sign in again.",
        )
    }

    /// A sign-in (or the re-validation of a kept session) that failed; `bearer` when it was
    /// tried with an access token.
    pub fn sign_in(f: &Failure, bearer: bool) -> Explained {
        match f {
            Failure::Api(ApiError::Unauthorized) if bearer => Explained::new(
                "Sign-in failed: the cluster did not accept this access token.",
                "Check that the token has not expired and that the cluster runs ONTAP 9.14 or later with OAuth 2.0 configured for this issuer.",
            ),
            Failure::Api(ApiError::Unauthorized) => Explained::new(
                "Sign-in failed: the user name or password is wrong.",
                "Check them and try again. The account must also be allowed to use the REST API (the http application).",
            ),
            Failure::Api(e) => {
                let x = Explained::from(e);
                Explained::new(format!("Sign-in failed. {}", x.message), x.next_step)
            }
            Failure::TooOld(v) => Explained::new(
                format!("This cluster runs ONTAP {v}. TOTP profiles need ONTAP 9.13 or later."),
                "Upgrade the cluster to use SSH multi-factor authentication with TOTP.",
            ),
        }
    }
}

impl From<Guidance> for Explained {
    fn from(g: Guidance) -> Explained {
        Explained::new(g.message, g.next_step)
    }
}

impl From<&ApiError> for Explained {
    fn from(e: &ApiError) -> Explained {
        match e {
            ApiError::Unauthorized => Explained::new(
                "The cluster no longer accepts this session's credentials: they may have expired or been changed.",
                "Sign in again (nothing on this page is lost), then try again.",
            ),
            ApiError::Ontap { status, body } => match body.known() {
                // The cluster's own words name the field or the object, which the guidance
                // cannot: shown after it, as text.
                Some(k) => {
                    let x: Explained = k.guidance().into();
                    let said = body.error.message.trim();
                    if said.is_empty() {
                        x
                    } else {
                        let next = format!("{} The cluster said: {said}", x.next_step);
                        Explained::new(x.message, next)
                    }
                }
                // A proxy's answer in ONTAP's shape. The deployment's own nginx pages
                // (deploy/api-errors.conf, codes `nginx-…`) only repeat these words, so only
                // another proxy's are quoted.
                None if matches!(status, 502 | 504 | 413) => {
                    let x = Explained::from(&ApiError::Http { status: *status });
                    if body.error.message.is_empty() || body.error.code.as_str().starts_with("nginx-") {
                        x
                    } else {
                        let next = format!("The web server said: {} {}", body.error.message, x.next_step);
                        Explained::new(x.message, next)
                    }
                }
                // The web server's rate limit and API allow-list (deploy/nginx.conf): nothing
                // reached the cluster, so the cluster is not to blame.
                None if *status == 429 && body.error.code.as_str() == "nginx-429" => Explained::new(
                    "The web server is limiting how fast this page may send requests (HTTP 429): nothing was applied.",
                    "Wait a few seconds and try again; bulk changes slow down by themselves.",
                ),
                None if *status == 404 && body.error.code.as_str() == "nginx-404" => Explained::new(
                    "The web server does not pass this API path on to the cluster (HTTP 404): nothing was sent to the cluster.",
                    "The deployment's list of API paths (deploy/http-maps.conf) must include it: tell whoever runs this page.",
                ),
                None => Explained::new(
                    format!("The cluster refused the request (HTTP {status}, code {}).", body.error.code),
                    if body.error.message.is_empty() {
                        "Try again; if it persists, check the cluster's event log.".to_owned()
                    } else {
                        format!("The cluster said: {}", body.error.message)
                    },
                ),
            },
            ApiError::Http { status } => match status {
                502 => Explained::new(
                    "The proxy in front of the cluster could not reach it (HTTP 502).",
                    "Check that the cluster is up and reachable from the web server, then try again.",
                ),
                504 => Explained::new(
                    "The proxy in front of the cluster got no answer from it in time (HTTP 504).",
                    "The cluster may be busy or unreachable: check it, then try again.",
                ),
                413 => Explained::new(
                    "The request was larger than the web server accepts (HTTP 413).",
                    "Shorten what was entered and try again.",
                ),
                404 => Explained::new(
                    "The API was not found at this address (HTTP 404).",
                    "Check the API address: the web server must pass /api/ on to the cluster.",
                ),
                s => Explained::new(
                    format!("The server answered with HTTP {s} and no ONTAP error."),
                    "Try again; if it persists, check the web server and the cluster.",
                ),
            },
            ApiError::Timeout => Explained::new(
                "The cluster did not answer in time.",
                "It may be busy. Try again in a moment.",
            ),
            ApiError::Network => Explained::new(
                "The cluster could not be reached.",
                "Check the network connection and that the web server is running, then try again.",
            ),
            ApiError::Decode(what) => Explained::new(
                "The cluster's answer could not be read.",
                format!("Try again; if it persists, the API may be incompatible ({what})."),
            ),
            ApiError::BadNextLink(BadLink::NotAnApiPath) => Explained::new(
                "The cluster's answer pointed the rest of the list somewhere other than its API, so the page did not follow it.",
                "What was read so far is shown. Check the web server in front of the cluster: it must pass ONTAP's answers on unchanged.",
            ),
            ApiError::BadNextLink(BadLink::Loop) => Explained::new(
                "The cluster's answer pointed the rest of the list back to a page already read, so the page stopped there instead of reading in circles.",
                "What was read so far is shown. Try again; if it persists, check the cluster's event log.",
            ),
            ApiError::Aborted => Explained::new(
                "The request was cancelled: the page it was for was closed.",
                "Open the page again to read it again.",
            ),
            ApiError::NotSent(why) => Explained::new(
                format!("Not sent: {why}"),
                "Nothing was sent to the cluster for this one. Reload the list to see it as it is now.",
            ),
            ApiError::GatewayWriteRefused { sent, said } => gateway_write_refused(*sent, said),
        }
    }
}

/// What is wrong in `clusters.json`, naming its line (issue 19).
pub(crate) fn fleet_problem(p: &Problem) -> String {
    let at = format!("clusters.json, line {}:", p.line);
    match &p.kind {
        ProblemKind::Syntax { column, what } => format!(
            "{at} the file is not valid JSON from column {column} on ({what} error). The records that could be read on their own are used; the others are left out."
        ),
        ProblemKind::NoList => format!(
            "{at} there is no list of clusters or gateways. The file must read {{\"clusters\": [{{\"name\": \"...\", \"api\": \"/clusters/.../api\"}}]}}, with or without a list of Unified Manager gateways, {{\"gateways\": [{{\"name\": \"...\", \"api\": \"/um/api\"}}]}}."
        ),
        ProblemKind::BadRecord => format!(
            "{at} this record is not {{\"name\": \"...\", \"api\": \"...\"}} with two strings, so it is left out."
        ),
        ProblemKind::BadName(name) => format!(
            "{at} the name {name:?} is left out: a cluster's name may hold only letters, digits, '-', '_' and '.'."
        ),
        ProblemKind::BadApi { name } => format!(
            "{at} the cluster {name:?} is left out: its api must be a path on this site, such as /clusters/{name}/api."
        ),
        ProblemKind::Twice { name, first } => format!(
            "{at} the cluster {name:?} is listed again (first on line {first}): only the first is used, so that two clusters are never mixed up."
        ),
    }
}

/// A write refused by a Unified Manager API gateway (issue 19): only Application
/// Administrators may write through it, and Unified Manager offers no way to learn the role
/// first, so the first refusal is explained and the page sends no other write through it.
pub(crate) fn gateway_write_refused(sent: bool, said: &str) -> Explained {
    let message = if sent {
        "Unified Manager refused this change: through its API gateway only Application Administrators may change anything; other Unified Manager users may only read."
    } else {
        "Not sent: Unified Manager refused an earlier change through this gateway, so the page sends no more changes through it."
    };
    let mut next = "Nothing was changed on the cluster, and no other change will be sent through this gateway until you sign in to Unified Manager again as an Application Administrator. Unified Manager gives no way to learn a user's role before a change is tried.".to_owned();
    if !said.trim().is_empty() {
        next.push_str(&format!(" Unified Manager said: {}", said.trim()));
    }
    Explained::new(message, next)
}

/// What a Unified Manager gateway's sign-in came to when it did not go through.
pub(crate) fn gateway_sign_in(e: &ApiError) -> Explained {
    match e {
        ApiError::Unauthorized => Explained::new(
            "Unified Manager did not accept this user name and password.",
            "Use your Unified Manager account (not a cluster's). Nothing was sent to any cluster, and the page does not try again by itself.",
        ),
        ApiError::Http { status: 404 } | ApiError::Ontap { status: 404, .. } => Explained::new(
            "No Unified Manager API gateway answers at this address (HTTP 404).",
            "Check the gateway's api in clusters.json, that the web server passes it on to Unified Manager, and that the API Gateway feature is enabled in Unified Manager.",
        ),
        e => fleet_unreachable(e),
    }
}

/// Why a cluster of the fleet could not be signed in to or read, as its row says it.
pub(crate) fn fleet_unreachable(e: &ApiError) -> Explained {
    match e {
        ApiError::Http { status: 404 } | ApiError::Ontap { status: 404, .. } => Explained::new(
            "No cluster answers at its address (HTTP 404).",
            "Check its api in clusters.json and that the web server passes that path on to the cluster.",
        ),
        e => Explained::from(e),
    }
}

/// A short name of the failure, for the "trying again" note.
pub(crate) fn retry_cause(c: Cause) -> String {
    match c {
        Cause::ConnectionLost => "the connection was lost".into(),
        Cause::Unreadable => "its answer could not be read".into(),
        Cause::Busy(s) => format!("the cluster is busy (HTTP {s})"),
        Cause::ProxyLost(s) => format!("the web server could not reach the cluster (HTTP {s})"),
        Cause::Status(s) => format!("the cluster answered HTTP {s}"),
        Cause::Other => "it failed".into(),
    }
}

/// "Retrying: reading from the cluster failed because the cluster is busy (HTTP 503). Trying
/// again in 1 s (attempt 2 of 4)…"
pub(crate) fn retry_note(n: &Notice) -> String {
    // Whole seconds in integers: formatting a float would put core's float printing (about
    // 11 KB of wasm) into the first load, where this note is shown too.
    let wait = if n.wait_ms < 1000 {
        "a moment".to_owned()
    } else {
        format!("{} s", n.wait_ms.saturating_add(500) / 1000)
    };
    format!(
        "Retrying: reading from the cluster failed because {}. Trying again in {wait} (attempt {} of {})…",
        retry_cause(n.cause),
        n.attempt,
        n.of
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_retry_note_names_the_cause_the_wait_and_the_attempt() {
        let n = Notice {
            attempt: 2,
            of: 4,
            wait_ms: 1000,
            cause: Cause::Busy(503),
        };
        assert_eq!(
            retry_note(&n),
            "Retrying: reading from the cluster failed because the cluster is busy (HTTP 503). Trying again in 1 s (attempt 2 of 4)…"
        );
        let n = Notice {
            wait_ms: 300,
            cause: Cause::ConnectionLost,
            ..n
        };
        assert!(retry_note(&n).contains("the connection was lost. Trying again in a moment"));
    }

    #[test]
    fn a_sign_in_refusal_names_the_kind_of_credentials() {
        let refused = Failure::Api(ApiError::Unauthorized);
        assert!(Explained::sign_in(&refused, true)
            .message
            .contains("access token"));
        assert!(Explained::sign_in(&refused, false)
            .message
            .contains("user name or password"));
        let far = Explained::sign_in(&Failure::Api(ApiError::Timeout), false);
        assert_eq!(
            far.message,
            "Sign-in failed. The cluster did not answer in time."
        );
        let old = Explained::sign_in(&Failure::TooOld("9.12.1".into()), false);
        assert!(old.message.contains("ONTAP 9.12.1") && old.next_step.contains("Upgrade"));
    }

    #[test]
    fn a_proxy_page_in_ontap_shape_keeps_the_proxy_wording() {
        let body: ontap_model::ErrorResponse =
            serde_json::from_str(r#"{"error":{"message":"upstream timed out","code":"0"}}"#)
                .expect("a valid error body");
        let x = Explained::from(&ApiError::Ontap { status: 504, body });
        assert!(x.message.contains("no answer from it in time (HTTP 504)"));
        assert!(x
            .next_step
            .starts_with("The web server said: upstream timed out"));
    }

    /// The deployment's own nginx answers (deploy/api-errors.conf) say what the page says
    /// already: not quoted after it.
    #[test]
    fn the_deployments_own_proxy_page_is_not_quoted() {
        for (status, code) in [(502, "nginx-502"), (504, "nginx-504")] {
            let body: ontap_model::ErrorResponse = serde_json::from_str(&format!(
                r#"{{"error":{{"message":"The web server could not get an answer.","code":"{code}"}}}}"#
            ))
            .expect("a valid error body");
            let x = Explained::from(&ApiError::Ontap { status, body });
            assert_eq!(x, Explained::from(&ApiError::Http { status }));
            assert!(x.message.contains(&format!("(HTTP {status})")));
            assert!(!x.next_step.contains("web server said"), "{}", x.next_step);
        }
    }

    /// A known code keeps its guidance and still shows the cluster's words, which name the
    /// field or the object the guidance cannot.
    #[test]
    fn a_known_code_shows_the_clusters_own_words_too() {
        let body: ontap_model::ErrorResponse = serde_json::from_str(
            r#"{"error":{"message":"Failed to generate the secret key.","code":"2"}}"#,
        )
        .expect("a valid error body");
        let x = Explained::from(&ApiError::Ontap { status: 400, body });
        assert_eq!(x.message, "The cluster refused a value in this request.");
        assert!(
            x.next_step
                .ends_with("The cluster said: Failed to generate the secret key."),
            "{}",
            x.next_step
        );
    }

    /// The web server's own refusals (rate limit, allow-list) do not blame the cluster.
    #[test]
    fn the_web_servers_limit_and_allow_list_are_its_own() {
        let body = |code: &str| -> ontap_model::ErrorResponse {
            serde_json::from_str(&format!(r#"{{"error":{{"message":"m","code":"{code}"}}}}"#))
                .expect("a valid error body")
        };
        let limited = Explained::from(&ApiError::Ontap {
            status: 429,
            body: body("nginx-429"),
        });
        assert!(limited.message.starts_with("The web server is limiting"));
        let refused = Explained::from(&ApiError::Ontap {
            status: 404,
            body: body("nginx-404"),
        });
        assert!(refused.message.contains("nothing was sent to the cluster"));
        let cluster = Explained::from(&ApiError::Ontap {
            status: 429,
            body: body("262160x"),
        });
        assert!(cluster.message.starts_with("The cluster refused"));
    }
}
