//! Every second factor named, on a 9.16.1 cluster (the demo seeds an account of each kind:
//! TOTP, SSH key, password, Duo, a WebAuthn key for the web UI, none): the accounts view's
//! columns and counts and the CSV say the same; "Require TOTP" on the account with a web key
//! keeps the key; a WebAuthn listing that fails leaves the view readable and says so.

use anyhow::{ensure, Context, Result};
use e2e::demo::ADMIN_SVM_UUID;
use e2e::{Harness, Locator};
use ontap_model::Version;
use ontap_sim::model::{Application, SecondAuth};

/// (account, SVM, SSH cell, web cell), as the view and the CSV name them on 9.16.1.
const EXPECTED: &[(&str, &str, &str, &str)] = &[
    ("alice", "vs_eng", "TOTP", "none"),
    ("bob", "vs_eng", "none", "none"),
    ("svc.backup", "vs_eng", "SSH key", "none"),
    ("pwalsh", "cluster1", "password", "none"),
    ("hr.duo", "vs_hr", "Duo", "none"),
    (
        "mfernandez",
        "cluster1",
        "none",
        "WebAuthn key (registered)",
    ),
];

fn row(name: &str, col: &str) -> String {
    format!("tr[data-account=\"{name}\"] .col-acct-{col}")
}

/// Waits until the first element matching `css` reads `want` (trimmed).
async fn text_is(h: &Harness, css: &str, want: impl Fn(&str) -> bool) -> Result<String> {
    h.wait_until(css, || async {
        for e in h.client().find_all(Locator::Css(css)).await? {
            let t = e.text().await?;
            if want(t.trim()) {
                return Ok(Some(t));
            }
        }
        Ok(None)
    })
    .await
}

/// Filters the view to `name` and waits for its two second-factor cells to read `ssh`, `web`.
async fn cells_are(h: &Harness, name: &str, ssh: &str, web: &str) -> Result<()> {
    h.fill("Filter", name).await?;
    text_is(h, &row(name, "ssh2"), |t| t == ssh).await?;
    text_is(h, &row(name, "web2"), |t| t == web).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_second_factor_is_named_in_the_view_and_the_csv_on_9_16_1() -> Result<()> {
    let h = Harness::start_with(|c| c.version = Version::new(9, 16, 1)).await?;
    let accounts = h.sim().accounts().len();
    h.goto("/").await?;
    h.sign_in("admin").await?;
    h.navigate_in_app("/accounts").await?;
    h.wait_text(
        ".table-summary",
        &format!("{} accounts", e2e::grouped(accounts)),
    )
    .await?;
    // Every kind is counted once the Duo and WebAuthn listings are in.
    for slug in [
        "ssh-totp",
        "ssh-key",
        "ssh-password",
        "ssh-duo",
        "ssh-none",
        "web-webauthn",
        "web-none",
    ] {
        text_is(&h, &format!(".count-{slug} .count-n"), |n| {
            n.parse::<usize>().is_ok_and(|n| n >= 1)
        })
        .await?;
    }
    h.screenshot("factors-accounts-9.16.1").await?;
    for (name, _, ssh, web) in EXPECTED {
        cells_are(&h, name, ssh, web).await?;
    }
    h.navigate_in_app("/accounts").await?;
    let all = format!("{} accounts", e2e::grouped(accounts));
    text_is(&h, ".table-summary", |t| t == all).await?;

    // The CSV says the same.
    h.catch_downloads().await?;
    h.click_button("Export CSV").await?;
    let csv = h.download_text().await?;
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    ensure!(
        lines[0].ends_with(",totp,ssh_second_factors,web_second_factor"),
        "header: {}",
        lines[0]
    );
    for (name, svm, ssh, web) in EXPECTED {
        let line = lines
            .iter()
            .find(|l| l.starts_with(&format!("{name},{svm},")))
            .with_context(|| format!("{name} in the CSV: {lines:#?}"))?;
        ensure!(line.ends_with(&format!(",{ssh},{web}")), "{name}: {line}");
    }

    // Require TOTP for the account with a web key: SSH asks for TOTP, the key stays.
    h.fill("Filter", "mfernandez").await?;
    h.wait_for("the link to mfernandez", Locator::LinkText("mfernandez"))
        .await?
        .click()
        .await?;
    h.wait_css("#fact-totp").await?;
    h.click_button("Require TOTP for SSH…").await?;
    h.click_button("Yes, require TOTP").await?;
    h.wait_text("[role=status]", "done").await?;
    let after = h
        .sim()
        .account(ADMIN_SVM_UUID, "mfernandez")
        .context("mfernandez")?;
    let second = |app: Application| {
        after
            .applications
            .iter()
            .find(|a| a.application == app)
            .map(|a| a.second_authentication_method)
    };
    ensure!(
        second(Application::Ssh) == Some(SecondAuth::Totp)
            && second(Application::Http) == Some(SecondAuth::Publickey),
        "{after:?}"
    );
    h.navigate_in_app("/accounts").await?;
    h.wait_text(
        ".table-summary",
        &format!("{} accounts", e2e::grouped(accounts)),
    )
    .await?;
    cells_are(&h, "mfernandez", "TOTP", "WebAuthn key (registered)").await?;

    // The WebAuthn listing refused: the accounts are shown, the web column says it does not
    // know, and a note says why.
    h.sim().script_fault(ontap_sim::ScriptedFault::new(
        "GET",
        "/api/security/webauthn/credentials",
        ontap_sim::Scripted::Raw {
            status: 403,
            content_type: "application/json".into(),
            body: br#"{"error":{"message":"not authorized for that command","code":"6"}}"#.to_vec(),
        },
        1,
    ));
    h.click_button("Reload").await?;
    h.wait_text(".factor-note", "The WebAuthn credentials could not be read")
        .await?;
    h.wait_text(
        &row("mfernandez", "web2"),
        "WebAuthn key (registration unknown)",
    )
    .await?;
    // Every account is still listed (the filter shows mfernandez's row of all of them).
    h.wait_text(
        ".table-summary",
        &format!("1 of {} accounts match", e2e::grouped(accounts)),
    )
    .await?;
    h.screenshot("factors-webauthn-unreadable").await?;
    h.close().await
}
