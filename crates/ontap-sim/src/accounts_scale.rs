//! Extra accounts without profiles for bulk tests (`--accounts N`): N generated accounts
//! `mfa0001`..., spread over the demo's data SVMs, with a deterministic mix of applications
//! (some with every application, some with public-key SSH, some whose first SSH method is
//! `domain` so that TOTP cannot be required, some locked), none requiring TOTP yet.

use ontap_model::AccountName;

use crate::demo::DEMO_PASSWORD;
use crate::model::{Account, AccountApplication, Application, AuthMethod, Role, SecondAuth};
use crate::state::State;

/// The applications of generated account `i` (1-based).
pub fn applications(i: usize) -> Vec<AccountApplication> {
    use Application::*;
    use AuthMethod::*;
    let none = SecondAuth::None;
    let app = |a, m: &[AuthMethod]| AccountApplication::new(a, m, none);
    match i % 5 {
        0 => vec![
            app(Console, &[Password]),
            app(Http, &[Password, Saml]),
            app(Ontapi, &[Password]),
            app(ServiceProcessor, &[Password]),
            app(Ssh, &[Password, Publickey]),
        ],
        1 => vec![app(Http, &[Password]), app(Ssh, &[Password])],
        2 => vec![app(Http, &[Password]), app(Ssh, &[Publickey])],
        3 => vec![app(Ssh, &[Domain]), app(Http, &[Domain, Password])],
        _ => vec![
            app(Http, &[Password]),
            app(Amqp, &[Password]),
            app(Ssh, &[Password]),
        ],
    }
}

/// Adds `n` generated accounts to the data SVMs of `state` (the admin SVM's if there are none).
pub fn populate(state: &mut State, n: usize) {
    let svms: Vec<_> = state.svms.iter().filter(|s| !s.is_admin).cloned().collect();
    let svms = if svms.is_empty() {
        state.svms.clone()
    } else {
        svms
    };
    if svms.is_empty() {
        return;
    }
    for i in 1..=n {
        let svm = &svms[i % svms.len()];
        let Ok(name) = AccountName::try_from(format!("mfa{i:04}")) else {
            continue;
        };
        state.accounts.push(Account {
            name,
            owner: svm.uuid.clone(),
            role: if svm.is_admin {
                Role::Admin
            } else {
                Role::Vsadmin
            },
            locked: i % 17 == 0,
            comment: format!("Generated for the MFA rollout test ({i} of {n})"),
            applications: applications(i),
            password: DEMO_PASSWORD.to_owned(),
        });
    }
}
