//! Large clusters for load and paging tests (`--profiles N --seed S`): N generated accounts,
//! each with a TOTP profile, spread over the demo SVMs and generated ones, the same for the
//! same N and seed.

use ontap_model::{AccountName, OwnerUuid, TotpKey};

use crate::demo::{profile, DEMO_PASSWORD};
use crate::model::{Account, AccountApplication, Application, AuthMethod, Role, SecondAuth, Svm};
use crate::rng::SplitMix64;
use crate::state::State;

/// Accounts per generated SVM (one generated SVM per this many profiles, at least one).
pub const PROFILES_PER_SVM: usize = 2_000;

const COMMENTS: &[&str] = &[
    "",
    "Google Authenticator",
    "YubiKey 5 NFC",
    "Authy on work phone",
    "Microsoft Authenticator",
    "FreeOTP",
    "Lost phone, reset requested",
    "On-call rota",
];

/// A UUID-shaped text from the generator (version 4 layout).
fn uuid(g: &mut SplitMix64) -> OwnerUuid {
    let a = g.next_u64();
    let b = g.next_u64();
    let text = format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0x0fff,
        0x8000 | ((b >> 48) & 0x3fff),
        b & 0xffff_ffff_ffff
    );
    OwnerUuid::try_from(text.as_str()).unwrap_or_else(|_| {
        OwnerUuid::try_from("00000000-0000-4000-8000-000000000000").expect("a literal UUID")
    })
}

/// Adds `n` accounts with profiles (and the SVMs they live in) to `state`.
pub fn populate(state: &mut State, n: usize, seed: u64) {
    let mut g = SplitMix64::new(seed ^ 0x6f6e_7461_702d_7369);
    let generated = n.div_ceil(PROFILES_PER_SVM).max(1);
    for i in 1..=generated {
        state.svms.push(Svm {
            uuid: uuid(&mut g),
            name: format!("svm{i:03}"),
            is_admin: false,
        });
    }
    let svms: Vec<Svm> = state.svms.clone();
    for i in 1..=n {
        let svm = &svms[g.below(svms.len() as u64) as usize];
        let Ok(name) = AccountName::try_from(format!("user{i:06}")) else {
            continue;
        };
        let role = match (svm.is_admin, g.below(10)) {
            (true, 0..=6) => Role::Admin,
            (true, _) => Role::Readonly,
            (false, 0..=7) => Role::Vsadmin,
            (false, _) => Role::VsadminReadonly,
        };
        let enabled = g.below(10) != 0;
        let comment = COMMENTS[g.below(COMMENTS.len() as u64) as usize];
        state.accounts.push(Account {
            name: name.clone(),
            owner: svm.uuid.clone(),
            role,
            locked: false,
            comment: String::new(),
            applications: vec![
                AccountApplication::new(
                    Application::Http,
                    &[AuthMethod::Password],
                    SecondAuth::None,
                ),
                AccountApplication::new(
                    Application::Ssh,
                    &[AuthMethod::Password],
                    SecondAuth::Totp,
                ),
            ],
            password: DEMO_PASSWORD.to_owned(),
        });
        let key = TotpKey {
            owner: svm.uuid.clone(),
            account: name.clone(),
        };
        state
            .totps
            .insert(key, profile(svm, &name, enabled, comment));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ontap_model::Version;

    #[test]
    fn the_same_seed_gives_the_same_cluster_and_another_seed_another() {
        let build = |seed| {
            let mut s = crate::demo::cluster(Version::new(9, 18, 1));
            populate(&mut s, 5_000, seed);
            s
        };
        let (a, b, c) = (build(1), build(1), build(2));
        assert_eq!(a.totps, b.totps);
        assert_ne!(a.totps, c.totps);
        let demo = crate::demo::cluster(Version::new(9, 18, 1)).totps.len();
        assert_eq!(a.totps.len(), demo + 5_000);
        assert_eq!(a.svms.len(), 4 + 3);
        // Spread over every SVM, and some disabled.
        for svm in &a.svms {
            assert!(a.totps.keys().any(|k| k.owner == svm.uuid), "{}", svm.name);
        }
        assert!(a.totps.values().any(|t| t.enabled == Some(false)));
    }
}
