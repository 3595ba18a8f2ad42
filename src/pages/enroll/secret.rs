//! What the POST gave, as the page keeps it while the user sets up the app: the key, the
//! `otpauth://` URI, the secret in base32 and the emergency codes, read from the created
//! record and wiped (with `zeroize`, whose writes the compiler may not remove) when the flow
//! ends. Pure: no view, no browser, so the reading and the wiping are tested natively.

use ontap_model::otp::{self, KeyUri, Secret};
use ontap_model::TotpCreated;
use zeroize::Zeroize;

use super::check::{check_code, cross_check, CodeCheck};
use super::clock::skew_seconds;
use super::me::Me;

/// What the POST gave, as the page shows it. Every string is wiped when it is dropped.
pub(crate) struct Enrolled {
    pub(crate) key: KeyUri,
    /// The `otpauth://totp/` URI drawn as the QR code.
    pub(crate) uri: String,
    pub(crate) secret: String,
    pub(crate) codes: Vec<String>,
    /// The URI came from `install_url` (else it was built from `secret_key`).
    pub(crate) from_install_url: bool,
    /// `verification_code` agrees with this page's computation (`None`: not sent).
    pub(crate) cross_check: Option<bool>,
    /// The browser's clock minus the cluster's, in seconds (`None`: no usable `Date`).
    pub(crate) skew: Option<i64>,
}

impl Zeroize for Enrolled {
    /// Overwrites the URI, the base32 secret, the codes and the key's names. The key's secret
    /// bytes are ontap-model's `Secret`, which overwrites them in its own `Drop`.
    fn zeroize(&mut self) {
        self.uri.zeroize();
        self.secret.zeroize();
        self.codes.zeroize();
        self.key.issuer.zeroize();
        self.key.account.zeroize();
    }
}

impl Drop for Enrolled {
    fn drop(&mut self) {
        self.zeroize();
    }
}

/// Overwrites what the created record holds that derives from the secret: the secret, the
/// install URL, the verification code and the emergency codes.
pub(crate) fn wipe_created(created: &mut TotpCreated) {
    created.secret_key.zeroize();
    created.install_url.zeroize();
    created.verification_code.zeroize();
    created.emergency_codes.zeroize();
}

impl Enrolled {
    /// Reads the created record: the URI from `install_url` when it carries one whose secret is
    /// `secret_key`'s (or there is no `secret_key`), else built from `secret_key` with the
    /// cluster as issuer and the account as name. `Err` when neither gives a secret. The
    /// record's secret-bearing strings are wiped whatever the result; `date` is the answer's
    /// `Date` header, read at `browser_ms` (wall clock).
    pub(crate) fn from_created(
        created: &mut TotpCreated,
        me: &Me,
        date: Option<&str>,
        browser_ms: f64,
    ) -> Result<Enrolled, String> {
        let read = Self::read(created, me, date, browser_ms);
        wipe_created(created);
        read
    }

    fn read(
        created: &mut TotpCreated,
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
        let skew = skew_seconds(date, browser_ms);
        let cross_check = created
            .verification_code
            .as_deref()
            .map(|v| cross_check(&key.secret, v, skew, browser_ms));
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

    /// Checks a code from the app ([`check_code`]) at `browser_ms` (wall clock).
    pub fn check(&self, code: &str, browser_ms: f64) -> Option<CodeCheck> {
        check_code(&self.key.secret, self.skew, code, browser_ms)
    }
}

#[cfg(test)]
mod tests {
    use ontap_model::otp;
    use ontap_model::TotpCreated;
    use zeroize::{Zeroize, Zeroizing};

    use super::Enrolled;
    use crate::pages::enroll::me::Me;

    const SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

    fn alice() -> Me {
        Me {
            account: "alice".into(),
            svm: Some("vs_eng".into()),
            cluster: "cluster1".into(),
        }
    }

    fn created(secret_key: Option<&str>, install_url: Option<&str>) -> TotpCreated {
        TotpCreated {
            secret_key: secret_key.map(Into::into),
            install_url: install_url.map(Into::into),
            verification_code: Some("123456".into()),
            emergency_codes: vec!["11111111".into(), "22222222".into()],
            ..TotpCreated::default()
        }
    }

    #[test]
    fn from_the_secret_key_the_cluster_and_account_name_the_key_and_the_record_is_wiped() {
        let mut c = created(Some(SECRET), None);
        let e = Enrolled::from_created(&mut c, &alice(), None, 1_800_000_000_000.0).unwrap();
        assert_eq!(e.secret, SECRET);
        assert_eq!(e.key.label(), "cluster1:alice@vs_eng");
        assert!(e.uri.starts_with("otpauth://totp/"), "{}", e.uri);
        assert_eq!(e.codes, ["11111111", "22222222"]);
        assert!(!e.from_install_url);
        assert_eq!(e.cross_check, Some(false));
        // The record's copies are gone: overwritten, then taken (zeroize leaves `None`).
        assert_eq!((&c.secret_key, &c.verification_code), (&None, &None));
        assert!(c.emergency_codes.is_empty());
    }

    #[test]
    fn the_install_url_wins_when_its_secret_is_the_keys_and_a_record_without_secret_is_refused() {
        let uri = format!("otpauth://totp/ACME:alice?secret={SECRET}&issuer=ACME");
        let mut c = created(Some(SECRET), Some(&uri));
        let e = Enrolled::from_created(&mut c, &alice(), None, 0.0).unwrap();
        assert!(e.from_install_url);
        assert_eq!(e.key.issuer, "ACME");
        assert_eq!((&c.secret_key, &c.install_url), (&None, &None));
        // A URI with another secret is not trusted: the key is built from secret_key.
        let other = "otpauth://totp/ACME:alice?secret=GEZDGNBVGY3TQOJQ&issuer=ACME";
        let mut c = created(Some(SECRET), Some(other));
        assert!(
            !Enrolled::from_created(&mut c, &alice(), None, 0.0)
                .unwrap()
                .from_install_url
        );
        // No secret at all, or an unreadable one: an error, and the record is wiped all the same.
        let mut c = created(None, None);
        assert!(Enrolled::from_created(&mut c, &alice(), None, 0.0).is_err());
        let mut c = created(Some("not base32!"), None);
        assert!(Enrolled::from_created(&mut c, &alice(), None, 0.0).is_err());
        assert_eq!(c.secret_key, None);
        assert!(c.emergency_codes.is_empty());
    }

    #[test]
    fn the_verification_code_is_cross_checked_at_the_clusters_date() {
        // The cluster 5 minutes ahead: its Date says 300 s later than this computer.
        let now: u64 = 1_800_000_015;
        let mut c = created(Some(SECRET), None);
        let secret = otp::Secret::from_base32(SECRET).unwrap();
        c.verification_code = Some(otp::code_at(&secret, now + 300));
        let date = "Fri, 15 Jan 2027 08:05:15 GMT"; // 1_800_000_315
        assert_eq!(otp::http_date_to_unix(date), Some(now + 300));
        let e = Enrolled::from_created(&mut c, &alice(), Some(date), now as f64 * 1000.0).unwrap();
        assert_eq!(e.skew, Some(-300));
        assert_eq!(e.cross_check, Some(true));
        assert!(e
            .check(&otp::code_at(&secret, now + 300), now as f64 * 1000.0)
            .is_some());
    }

    #[test]
    fn wiping_an_enrollment_overwrites_and_empties_every_copy_it_holds() {
        let mut c = created(Some(SECRET), None);
        let mut e = Enrolled::from_created(&mut c, &alice(), None, 0.0).unwrap();
        // Drop calls exactly this.
        e.zeroize();
        assert!(e.secret.is_empty() && e.uri.is_empty() && e.codes.is_empty());
        assert!(e.key.issuer.is_empty() && e.key.account.is_empty());
    }

    #[test]
    fn a_zeroizing_copy_is_overwritten_in_place_before_it_is_freed() {
        // What the view's copies rely on: Zeroizing wipes the String's own buffer (the same
        // allocation, so no copy is left behind) when it is zeroized or dropped.
        let mut copy = Zeroizing::new(String::from(SECRET));
        let before = copy.as_ptr();
        copy.zeroize();
        assert!(copy.is_empty());
        assert_eq!(copy.as_ptr(), before, "wiped in place, not reallocated");
    }
}
