//! The second factors of an account as the accounts view names them: SSH (TOTP, SSH key,
//! password, Duo, none) and web (WebAuthn key, none), from the accounts and, where the release
//! has them, the Duo profiles and groups and the WebAuthn credentials. The rules are
//! ontap-model's (`mfa`); this file turns them into cells, kinds to count and notes.

use ontap_model::mfa::{
    duo_coverage, has_duo, has_webauthn, requires_webauthn, ssh_factors, webauthn_credential,
    DuoCoverage, DuoGroup, DuoProfile, Factor, WebauthnCredential,
};
use ontap_model::{Account, Scope, Version};

use crate::api::ApiError;

/// A collection the view needs, as far as it is read.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Source<T> {
    /// The cluster's release does not have it.
    NotOnRelease,
    Loading,
    Read(Vec<T>),
    /// Could not be read (no permission, not found, the network): the column says "unknown".
    Unavailable(ApiError),
}

impl<T> Source<T> {
    fn read(&self) -> Option<&[T]> {
        match self {
            Source::Read(v) => Some(v),
            _ => None,
        }
    }
}

/// What the view knows of Duo and WebAuthn on this cluster.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Factors {
    /// The cluster's release, when known.
    pub(crate) release: Option<Version>,
    pub(crate) duo_profiles: Source<DuoProfile>,
    pub(crate) duo_groups: Source<DuoGroup>,
    pub(crate) webauthn: Source<WebauthnCredential>,
}

impl Default for Factors {
    fn default() -> Factors {
        Factors::for_release(None)
    }
}

impl Factors {
    /// Nothing read yet; what the release does not have is marked so.
    pub(crate) fn for_release(release: Option<Version>) -> Factors {
        let duo = release.as_ref().is_none_or(has_duo);
        let web = release.as_ref().is_none_or(has_webauthn);
        fn s<T>(on: bool) -> Source<T> {
            if on {
                Source::Loading
            } else {
                Source::NotOnRelease
            }
        }
        Factors {
            release,
            duo_profiles: s(duo),
            duo_groups: s(duo),
            webauthn: s(web),
        }
    }
    pub(crate) fn release_text(&self) -> String {
        self.release
            .as_ref()
            .map(Version::short)
            .unwrap_or_else(|| "this release".into())
    }
    /// Why Duo is unknown, when it is (either Duo collection could not be read).
    pub(crate) fn duo_failed(&self) -> Option<&ApiError> {
        match (&self.duo_profiles, &self.duo_groups) {
            (Source::Unavailable(e), _) | (_, Source::Unavailable(e)) => Some(e),
            _ => None,
        }
    }
    pub(crate) fn webauthn_failed(&self) -> Option<&ApiError> {
        match &self.webauthn {
            Source::Unavailable(e) => Some(e),
            _ => None,
        }
    }
    pub(crate) fn duo_on_release(&self) -> bool {
        self.duo_profiles != Source::NotOnRelease
    }
    pub(crate) fn webauthn_on_release(&self) -> bool {
        self.webauthn != Source::NotOnRelease
    }
}

/// What a count or the filter groups accounts by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    Totp,
    SshKey,
    Password,
    Duo,
    /// SSH without a second factor.
    SshNone,
    WebauthnKey,
    /// The web UI (http) without a second factor.
    WebNone,
}

impl Kind {
    pub(crate) const ALL: [Kind; 7] = [
        Kind::Totp,
        Kind::SshKey,
        Kind::Password,
        Kind::Duo,
        Kind::SshNone,
        Kind::WebauthnKey,
        Kind::WebNone,
    ];
    pub(crate) fn label(self) -> &'static str {
        match self {
            Kind::Totp => "SSH: TOTP",
            Kind::SshKey => "SSH: SSH key",
            Kind::Password => "SSH: password",
            Kind::Duo => "SSH: Duo",
            Kind::SshNone => "SSH: none",
            Kind::WebauthnKey => "Web: WebAuthn key",
            Kind::WebNone => "Web: none",
        }
    }
    pub(crate) fn slug(self) -> &'static str {
        match self {
            Kind::Totp => "ssh-totp",
            Kind::SshKey => "ssh-key",
            Kind::Password => "ssh-password",
            Kind::Duo => "ssh-duo",
            Kind::SshNone => "ssh-none",
            Kind::WebauthnKey => "web-webauthn",
            Kind::WebNone => "web-none",
        }
    }
    pub(crate) fn from_slug(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.slug() == s)
    }
    fn of(f: Factor) -> Kind {
        match f {
            Factor::Totp => Kind::Totp,
            Factor::SshKey => Kind::SshKey,
            Factor::Password => Kind::Password,
            Factor::Duo => Kind::Duo,
            Factor::WebauthnKey => Kind::WebauthnKey,
        }
    }
    /// Shown on this release (Duo from 9.14.1, WebAuthn from 9.16.1).
    pub(crate) fn on(self, f: &Factors) -> bool {
        match self {
            Kind::Duo => f.duo_on_release(),
            Kind::WebauthnKey | Kind::WebNone => f.webauthn_on_release(),
            _ => true,
        }
    }
}

/// One account's second factors: the two cells and the kinds counted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct SecondFactors {
    pub(crate) ssh: String,
    pub(crate) web: String,
    pub(crate) kinds: Vec<Kind>,
}

/// The admin SVM's UUID (the owner of cluster-scoped accounts), for the cluster's Duo profile.
pub(crate) fn cluster_owner(accounts: &[Account]) -> Option<String> {
    accounts
        .iter()
        .find(|a| a.scope == Some(Scope::Cluster))
        .and_then(|a| a.owner_uuid().map(str::to_owned))
}

/// The cells of `a`.
pub(crate) fn second_factors(
    a: &Account,
    factors: &Factors,
    cluster_owner: Option<&str>,
) -> SecondFactors {
    let mut kinds = Vec::new();
    let ssh = if a.ssh().is_none() {
        "no SSH".to_owned()
    } else {
        let (coverage, duo_note) = match (&factors.duo_profiles, &factors.duo_groups) {
            (Source::NotOnRelease, _) => (DuoCoverage::NotCovered, None),
            (Source::Read(p), Source::Read(g)) => {
                let c = duo_coverage(a, cluster_owner, p, g);
                let note = match &c {
                    DuoCoverage::IfInGroup(g) => Some(format!("Duo if in {}", g.join(", "))),
                    _ => None,
                };
                (c, note)
            }
            (Source::Unavailable(_), _) | (_, Source::Unavailable(_)) => {
                (DuoCoverage::NotCovered, Some("Duo unknown".to_owned()))
            }
            _ => (DuoCoverage::NotCovered, Some("Duo not read yet".to_owned())),
        };
        let fs = ssh_factors(a, &coverage);
        kinds.extend(fs.iter().map(|f| Kind::of(*f)));
        let mut text = if fs.is_empty() {
            if duo_note.is_none() {
                kinds.push(Kind::SshNone);
            }
            "none".to_owned()
        } else {
            fs.iter().map(|f| f.label()).collect::<Vec<_>>().join(" + ")
        };
        if let Some(n) = duo_note {
            text = format!("{text} ({n})");
        }
        text
    };
    let has_http = a
        .applications
        .iter()
        .any(|x| x.application.as_deref() == Some("http"));
    let web = if !has_http {
        "no web access".to_owned()
    } else if !factors.webauthn_on_release() {
        format!("not on {}", factors.release_text())
    } else if requires_webauthn(a) {
        kinds.push(Kind::WebauthnKey);
        let reg = match factors.webauthn.read() {
            Some(c) if webauthn_credential(a, c).is_some() => "registered",
            Some(_) => "not registered yet",
            None if factors.webauthn_failed().is_some() => "registration unknown",
            None => "registration not read yet",
        };
        format!("WebAuthn key ({reg})")
    } else {
        kinds.push(Kind::WebNone);
        "none".to_owned()
    };
    SecondFactors { ssh, web, kinds }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(json: &str) -> Account {
        serde_json::from_str(json).expect("test account")
    }

    #[test]
    fn every_kind_is_named_and_counted() {
        let v = Version::new(9, 16, 1);
        let web = account(
            r#"{"name":"w","owner":{"uuid":"c"},"scope":"cluster","applications":[
            {"application":"http","authentication_methods":["password"],"second_authentication_method":"publickey"},
            {"application":"ssh","authentication_methods":["publickey"],"second_authentication_method":"password"}]}"#,
        );
        let duo = account(
            r#"{"name":"d","owner":{"uuid":"hr"},"applications":[
            {"application":"ssh","authentication_methods":["password"],"second_authentication_method":"totp"}]}"#,
        );
        let profiles: Vec<DuoProfile> =
            serde_json::from_str(r#"[{"owner":{"uuid":"hr"},"is_enabled":true}]"#).unwrap();
        let creds: Vec<WebauthnCredential> =
            serde_json::from_str(r#"[{"owner":{"uuid":"c"},"username":"w","index":0}]"#).unwrap();
        let f = Factors {
            release: Some(v),
            duo_profiles: Source::Read(profiles),
            duo_groups: Source::Read(vec![]),
            webauthn: Source::Read(creds),
        };
        let s = second_factors(&web, &f, Some("c"));
        assert_eq!(s.ssh, "password");
        assert_eq!(s.web, "WebAuthn key (registered)");
        assert_eq!(s.kinds, [Kind::Password, Kind::WebauthnKey]);
        let s = second_factors(&duo, &f, Some("c"));
        assert_eq!(s.ssh, "TOTP + Duo");
        assert_eq!(s.web, "no web access");
        // Duo that could not be read is unknown, not "none".
        let f2 = Factors {
            duo_profiles: Source::Unavailable(ApiError::Unauthorized),
            ..f.clone()
        };
        let plain = account(
            r#"{"name":"p","owner":{"uuid":"hr"},"applications":[{"application":"ssh","authentication_methods":["password"]},{"application":"http","authentication_methods":["password"]}]}"#,
        );
        let s = second_factors(&plain, &f2, Some("c"));
        assert_eq!(s.ssh, "none (Duo unknown)");
        assert_eq!(s.kinds, [Kind::WebNone]);
        // A release without them claims nothing.
        let old = Factors::for_release(Some(Version::new(9, 13, 1)));
        let s = second_factors(&plain, &old, Some("c"));
        assert_eq!((s.ssh.as_str(), s.web.as_str()), ("none", "not on 9.13.1"));
        assert_eq!(s.kinds, [Kind::SshNone]);
        assert!(!Kind::Duo.on(&old) && !Kind::WebauthnKey.on(&old) && Kind::Totp.on(&old));
    }
}
