//! The MFA rollout end to end in Chromium: require TOTP for `bob` from his account page (the
//! preview's CLI command, one PATCH whose applications list is bob's own with only SSH's
//! second factor changed), then bob signs in and enrolls on the enrollment page; unlock the
//! locked `carol`; a bulk require over 200 generated accounts that leaves every other
//! application untouched (compared field by field with the emulator's state before); the
//! history view shows each change. Needs the built page.

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::{ensure, Context, Result};
use e2e::demo::{ADMIN_SVM_UUID, VS_ENG_UUID, VS_FIN_UUID};
use e2e::{Harness, Locator};
use ontap_sim::model::{Account, Application, SecondAuth};

const REQUIRE_CLI: &str = "security login modify -vserver vs_eng -user-or-group-name bob \
                           -application ssh -authentication-method password \
                           -second-authentication-method totp";

/// Every field of an account but the SSH application's second factor.
fn all_but_ssh_second(a: &Account) -> String {
    let apps: Vec<String> = a
        .applications
        .iter()
        .map(|x| {
            let second = if x.application == Application::Ssh {
                "-".to_string()
            } else {
                format!("{:?}", x.second_authentication_method)
            };
            format!(
                "{:?}:{:?}:{second}",
                x.application, x.authentication_methods
            )
        })
        .collect();
    format!(
        "{}|{}|{:?}|{}|{}|{}|{}",
        a.name,
        a.owner.as_str(),
        a.role,
        a.locked,
        a.comment,
        a.password,
        apps.join(";")
    )
}

async fn open_account(h: &Harness, filter: &str, name: &str) -> Result<()> {
    h.navigate_in_app(&format!("/accounts?q={filter}")).await?;
    let link = h
        .wait_for(&format!("the link to {name}"), Locator::LinkText(name))
        .await?;
    link.click().await?;
    h.wait_css("#fact-totp").await?;
    Ok(())
}

/// Require TOTP for bob on his page; then bob signs in and enrolls.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn require_totp_for_bob_then_bob_enrolls() -> Result<()> {
    let h = Harness::start().await?;
    let before = h.sim().account(VS_ENG_UUID, "bob").context("bob")?;
    ensure!(!before.requires_totp());
    h.goto("/").await?;
    h.sign_in("admin").await?;
    h.wait_css(".banner-user").await?;
    open_account(&h, "bob", "bob").await?;
    h.wait_text("#fact-totp", "TOTP not required").await?;
    h.click_button("Require TOTP for SSH…").await?;
    let cli = h.wait_text("#confirm-cli", "security login modify").await?;
    ensure!(cli == REQUIRE_CLI, "{cli}");
    let curl = h.wait_text("#confirm-curl", "curl").await?;
    ensure!(
        curl.contains("-X PATCH") && !curl.contains("Netapp1!"),
        "{curl}"
    );
    h.screenshot("accounts-require-confirm").await?;
    h.click_button("Yes, require TOTP").await?;
    h.wait_text("[role=status]", "done").await?;
    h.wait_text("#fact-totp", "Not enrolled").await?;

    let after = h.sim().account(VS_ENG_UUID, "bob").context("bob")?;
    ensure!(after.requires_totp());
    assert_eq!(all_but_ssh_second(&before), all_but_ssh_second(&after));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let patches: Vec<_> = h
        .requests()
        .into_iter()
        .filter(|r| r.method == "PATCH")
        .collect();
    ensure!(patches.len() == 1, "one PATCH: {patches:#?}");
    let body = e2e::body_json(&patches[0]);
    // Every field the cluster sent for an application is written back as it was (the demo
    // cluster runs 9.18.1, whose entries carry the LDAP fields): only the second factor changes.
    assert_eq!(
        body,
        serde_json::json!({"applications": [
            {"application": "http", "authentication_methods": ["password"], "second_authentication_method": "none",
             "is_ldap_fastbind": false, "is_ns_switch_group": false},
            {"application": "ssh", "authentication_methods": ["password"], "second_authentication_method": "totp",
             "is_ldap_fastbind": false, "is_ns_switch_group": false}
        ]})
    );

    // Bob signs in and enrolls.
    h.click_button("Sign out").await?;
    h.sign_in("bob").await?;
    h.wait_for(
        "the banner's set-up action",
        Locator::LinkText("Set up my authenticator"),
    )
    .await?
    .click()
    .await?;
    h.click_button("Create my profile").await?;
    h.wait_css("#enroll-qr").await?;
    let profile = h.sim().totp(VS_ENG_UUID, "bob").context("bob's profile")?;
    assert_eq!(profile.enabled, Some(true));
    ensure!(h.sim().secret(VS_ENG_UUID, "bob").is_some());
    let audit = h.sim().audit();
    ensure!(
        audit
            .iter()
            .any(|r| r.user == "bob" && r.input.starts_with("POST /api/security/login/totps")),
        "bob's POST is in the audit log: {audit:#?}"
    );
    h.close().await
}

/// Unlock carol, require TOTP for bob, bob enrolls over REST; the history shows all three,
/// and only bob's when filtered to bob.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unlock_a_locked_account_and_the_history_shows_each_change() -> Result<()> {
    let h = Harness::start().await?;
    ensure!(
        h.sim()
            .account(ADMIN_SVM_UUID, "carol")
            .context("carol")?
            .locked
    );
    h.goto("/").await?;
    h.sign_in("admin").await?;
    h.wait_css(".banner-user").await?;
    h.navigate_in_app("/accounts?locked=yes").await?;
    h.wait_css("tr[data-account=carol]").await?;
    h.screenshot("accounts-locked").await?;
    open_account(&h, "carol", "carol").await?;
    h.click_button("Unlock…").await?;
    let cli = h.wait_text("#confirm-cli", "unlock").await?;
    ensure!(
        cli == "security login unlock -vserver cluster1 -username carol",
        "{cli}"
    );
    h.click_button("Yes, unlock").await?;
    h.wait_text("[role=status]", "done").await?;
    h.wait_text("#fact-locked", "No").await?;
    ensure!(
        !h.sim()
            .account(ADMIN_SVM_UUID, "carol")
            .context("carol")?
            .locked
    );
    // carol can sign in to the API again.
    let r = e2e::http::request(
        h.sim_addr(),
        "GET",
        "/api/cluster",
        &[(
            "Authorization",
            &e2e::http::basic_auth("carol", e2e::PASSWORD),
        )],
        None,
    )?;
    ensure!(r.status == 200, "carol after the unlock: {}", r.status);

    open_account(&h, "bob", "bob").await?;
    h.click_button("Require TOTP for SSH…").await?;
    h.click_button("Yes, require TOTP").await?;
    h.wait_text("[role=status]", "done").await?;
    let body = format!(r#"{{"account": {{"name": "bob"}}, "owner": {{"uuid": "{VS_ENG_UUID}"}}}}"#);
    let r = e2e::http::request(
        h.sim_addr(),
        "POST",
        "/api/security/login/totps",
        &[
            (
                "Authorization",
                &e2e::http::basic_auth("bob", e2e::PASSWORD),
            ),
            ("Content-Type", "application/json"),
        ],
        Some(body.as_bytes()),
    )?;
    ensure!(
        r.status == 201,
        "bob's enrollment over REST: {} {}",
        r.status,
        r.text()
    );

    h.navigate_in_app("/history").await?;
    h.wait_css(".history-table tbody tr").await?;
    let text = h
        .wait_text(".history-table", "TOTP profile created")
        .await?;
    for needle in [
        "Unlock",
        "carol",
        "Require TOTP for SSH",
        "bob",
        "admin",
        "Done",
    ] {
        ensure!(text.contains(needle), "history lacks {needle:?}: {text}");
    }
    let rows = h
        .eval_string("return String(document.querySelectorAll('.history-table tbody tr').length)")
        .await?;
    ensure!(rows == "3", "3 changes, {rows} rows: {text}");
    h.screenshot("history").await?;
    // Filtered to bob: his two changes.
    h.navigate_in_app("/history?account=bob").await?;
    h.wait_text(".table-summary", "2 changes to bob").await?;
    h.close().await
}

/// A bulk require over 200 generated accounts: the review lists what changes and what is
/// skipped (SSH signs in with `domain`), the run finishes, and every account's other
/// applications, methods, role, lock and comment are exactly as before.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_require_over_200_accounts_leaves_everything_else_untouched() -> Result<()> {
    let h = Harness::start_with(|c| c.accounts = 200).await?;
    let before: BTreeMap<String, Account> = h
        .sim()
        .accounts()
        .into_iter()
        .map(|a| (format!("{}/{}", a.owner.as_str(), a.name), a))
        .collect();
    h.goto("/").await?;
    h.sign_in("admin").await?;
    h.wait_css(".banner-user").await?;
    h.navigate_in_app("/accounts?q=mfa").await?;
    h.wait_text(".table-summary", "200 of").await?;
    h.click_button("Select the 200 shown").await?;
    h.wait_text("#selected-count", "200 selected").await?;
    h.click_button("Require TOTP for SSH (selected)…").await?;
    let summary = h
        .wait_text("#review-summary", "accounts will change")
        .await?;
    ensure!(
        summary.starts_with("160 accounts will change; 40 are skipped."),
        "{summary}"
    );
    let skipped = h.wait_text("#review-skipped", "domain").await?;
    ensure!(skipped.contains("password or publickey"), "{skipped}");
    // The review's lists are windowed tables: all counted, a few screens of rows in the DOM.
    for (list, n) in [("#review-changes", 160), ("#review-skipped", 40)] {
        let v = h
            .client()
            .execute(
                "const t = document.querySelector(arguments[0] + ' table'); \
                 return t ? [t.getAttribute('aria-rowcount'), t.querySelectorAll('tbody tr[aria-rowindex]').length] : null;",
                vec![list.into()],
            )
            .await?;
        ensure!(
            v[0].as_str() == Some(&(n + 1).to_string())
                && v[1].as_u64().is_some_and(|k| k > 0 && k <= 60.min(n)),
            "{list}: (aria-rowcount, rows in the DOM) = {v}"
        );
    }
    h.screenshot("accounts-bulk-review").await?;
    h.click_button("Change 160 accounts").await?;
    h.wait_until("the bulk run to finish", || async {
        let phase = h
            .eval_string(
                "return (document.querySelector('.bulk-progress')||{}).dataset?.phase || ''",
            )
            .await?;
        Ok((phase == "finished").then_some(()))
    })
    .await?;
    let done = h
        .eval_string("return document.querySelector('.bulk-progress').dataset.done")
        .await?;
    ensure!(done == "160", "{done} done");
    // The result list is windowed too: every account reachable by scrolling, counted in
    // aria-rowcount, with only a few screens of rows in the DOM at any time.
    let results = h.bulk_result_rows().await?;
    ensure!(results.len() == 160, "{} result rows", results.len());
    ensure!(results.iter().all(|(_, o, _)| o == "done"), "{results:?}");
    let result_names: std::collections::BTreeSet<String> =
        results.into_iter().map(|(a, _, _)| a).collect();
    // Nothing failed, so the filter leaves an empty list, and gives every row back.
    let rowcount =
        "return document.querySelector('.bulk-results-scroll table').getAttribute('aria-rowcount')";
    h.input_by_label("Show only failed and not sent")
        .await?
        .click()
        .await?;
    h.wait_until("the filtered result list", || async {
        Ok((h.eval_string(rowcount).await? == "1").then_some(()))
    })
    .await?;
    h.input_by_label("Show only failed and not sent")
        .await?
        .click()
        .await?;
    h.wait_until("the whole result list", || async {
        Ok((h.eval_string(rowcount).await? == "161").then_some(()))
    })
    .await?;
    // The table shows what the cluster now has (mfa0006: password SSH, changed).
    h.wait_text("tr[data-account=mfa0006] .col-acct-totp", "Not enrolled")
        .await?;
    h.wait_text("tr[data-account=mfa0006] .col-acct-ssh", "password + TOTP")
        .await?;
    h.wait_text(
        "tr[data-account=mfa0003] .col-acct-totp",
        "TOTP not required",
    )
    .await?;
    h.screenshot("accounts-bulk-done").await?;

    let after: BTreeMap<String, Account> = h
        .sim()
        .accounts()
        .into_iter()
        .map(|a| (format!("{}/{}", a.owner.as_str(), a.name), a))
        .collect();
    ensure!(before.len() == after.len());
    let mut changed = 0;
    for (k, b) in &before {
        let a = after.get(k).context("an account vanished")?;
        assert_eq!(all_but_ssh_second(b), all_but_ssh_second(a), "{k}");
        let was = b
            .application(Application::Ssh)
            .map(|s| s.second_authentication_method);
        let now = a
            .application(Application::Ssh)
            .map(|s| s.second_authentication_method);
        if was != now {
            changed += 1;
            ensure!(b.name.as_str().starts_with("mfa"), "{k} was not selected");
            ensure!(now == Some(SecondAuth::Totp), "{k}: {now:?}");
            ensure!(
                result_names.contains(b.name.as_str()),
                "{k} is not in the result list"
            );
        }
    }
    ensure!(changed == 160, "{changed} accounts changed");
    let patches = h
        .requests()
        .into_iter()
        .filter(|r| r.method == "PATCH")
        .count();
    ensure!(
        patches == 160,
        "{patches} PATCHes: one per account, none twice"
    );
    h.close().await
}

/// One listing of the accounts and one of the profiles serve the profile table, the accounts
/// view and an account's page: the accounts view is joined from what the profile table read
/// (issue 9), and a change made on an account's page shows in the profile table without a
/// reload. The profiles come as a small first page, then large ones, and every one is shown.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_listing_of_accounts_and_profiles_serves_every_view() -> Result<()> {
    let h = Harness::start_with(|c| c.profiles = 500).await?;
    let profiles = h.sim().totps().len();
    let accounts = h.sim().accounts().len();
    ensure!(profiles > 400, "{profiles} profiles");
    h.goto("/").await?;
    h.sign_in("admin").await?;
    // The demo's alice must use TOTP and has no profile.
    h.wait_text(
        ".table-summary",
        &format!("{} rows", e2e::grouped(profiles + 1)),
    )
    .await?;
    h.wait_text(".count-not-enrolled", "1").await?;

    h.navigate_in_app("/accounts").await?;
    h.wait_text(
        ".table-summary",
        &format!("{} accounts", e2e::grouped(accounts)),
    )
    .await?;
    open_account(&h, "bob", "bob").await?;
    h.wait_text("#fact-totp", "TOTP not required").await?;
    h.click_button("Require TOTP for SSH…").await?;
    h.click_button("Yes, require TOTP").await?;
    h.wait_text("[role=status]", "done").await?;
    h.wait_text("#fact-totp", "Not enrolled").await?;

    // Back in the profile table, bob joins alice as not enrolled, from the account as re-read.
    h.navigate_in_app("/profiles").await?;
    h.wait_text(
        ".table-summary",
        &format!("{} rows", e2e::grouped(profiles + 2)),
    )
    .await?;
    h.wait_text(".count-not-enrolled", "2").await?;
    h.fill("Filter", "bob").await?;
    h.wait_text("tbody .badge", "Not enrolled").await?;

    let gets: Vec<String> = h
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET")
        .map(|r| r.path)
        .collect();
    let account_lists: Vec<&String> = gets
        .iter()
        .filter(|p| p.starts_with("/api/security/accounts?") && !p.contains("name="))
        .collect();
    ensure!(
        account_lists.len() == 1,
        "the accounts are listed once: {account_lists:#?}"
    );
    let profile_pages: Vec<&String> = gets
        .iter()
        .filter(|p| {
            p.starts_with("/api/security/login/totps?")
                && p.contains("fields=")
                && !p.contains("account.name=")
        })
        .collect();
    let firsts = profile_pages
        .iter()
        .filter(|p| !p.contains("start."))
        .count();
    ensure!(
        firsts == 1,
        "the profiles are listed once: {profile_pages:#?}"
    );
    ensure!(
        profile_pages[0].contains("max_records=200")
            && profile_pages[1..]
                .iter()
                .all(|p| p.contains("start.") && p.contains("max_records=2000")),
        "a small first page, then large ones: {profile_pages:#?}"
    );
    ensure!(
        profile_pages.len() == 1 + (profiles - 200).div_ceil(2000),
        "{profile_pages:#?}"
    );
    h.close().await
}

/// The SVM cells of the history's rows, in order.
async fn history_svms(h: &Harness) -> Result<String> {
    h.eval_string(
        "return [...document.querySelectorAll('.history-table tbody tr td:nth-of-type(4)')]
           .map(td => td.textContent.trim()).join(',')",
    )
    .await
}

/// `vsadmin` is an account on every SVM. Its history, opened from vs_eng's profile or from
/// vs_fin's account page, is that SVM's vsadmin only, whether the records name the SVM by UUID
/// (REST) or by name (a CLI command's `-vserver`); "every SVM" shows them all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_history_of_vsadmin_is_the_one_on_its_svm() -> Result<()> {
    let h = Harness::start().await?;
    let admin = e2e::http::basic_auth("admin", e2e::PASSWORD);
    let json = ("Content-Type", "application/json");
    // Over REST, as another tool would: unlock vs_fin's vsadmin, comment vs_eng's profile.
    for (path, body) in [
        (
            format!("/api/security/accounts/{VS_FIN_UUID}/vsadmin"),
            r#"{"locked": false}"#,
        ),
        (
            format!("/api/security/login/totps/{VS_ENG_UUID}/vsadmin"),
            r#"{"comment": "Token moved to the new safe"}"#,
        ),
    ] {
        let r = e2e::http::request(
            h.sim_addr(),
            "PATCH",
            &path,
            &[("Authorization", &admin), json],
            Some(body.as_bytes()),
        )?;
        ensure!(r.status == 200, "PATCH {path}: {} {}", r.status, r.text());
    }
    // And in the clustershell, as the audit log records a command (the emulator has no CLI).
    h.sim().with_state(|s| {
        s.audit_index += 1;
        let rec = ontap_sim::audit::AuditRecord {
            timestamp: ontap_sim::audit::timestamp(s.now()),
            index: s.audit_index,
            application: "ssh",
            location: "10.0.0.5".into(),
            user: "admin".into(),
            role: "admin".into(),
            input: "security login unlock -vserver vs_fin -username vsadmin".into(),
            state: "success",
            message: None,
            scope: "cluster",
            svm: "cluster1".into(),
            session_id: "cli-1".into(),
            command_id: "cli-1".into(),
        };
        s.audit.push(rec);
    });
    h.goto("/").await?;
    h.sign_in("admin").await?;
    h.wait_css(".banner-user").await?;

    // From vs_eng's profile: its own change only.
    h.navigate_in_app(&format!("/profiles/{VS_ENG_UUID}/vsadmin"))
        .await?;
    h.wait_for(
        "the profile's history link",
        Locator::LinkText("History of this profile"),
    )
    .await?
    .click()
    .await?;
    h.wait_text(".table-summary", "1 change to vsadmin on vs_eng")
        .await?;
    let text = h
        .wait_text(".history-table", "Comment: Token moved to the new safe")
        .await?;
    ensure!(!text.contains("Unlock"), "vs_fin's unlock shown: {text}");
    ensure!(history_svms(&h).await? == "vs_eng", "{text}");
    h.wait_text(".history-owner", "On SVM vs_eng.").await?;
    h.screenshot("history-vsadmin-vs_eng").await?;

    // Every SVM's vsadmin: all three, each with its SVM, newest first.
    h.wait_for(
        "the every-SVM link",
        Locator::LinkText("Show vsadmin on every SVM"),
    )
    .await?
    .click()
    .await?;
    h.wait_text(".table-summary", "3 changes to vsadmin")
        .await?;
    let svms = history_svms(&h).await?;
    ensure!(svms == "vs_fin,vs_eng,vs_fin", "{svms}");
    ensure!(
        h.eval_string("return String(document.querySelector('.history-owner') === null)")
            .await?
            == "true"
    );

    // From vs_fin's account page: its two unlocks, over REST and in the CLI.
    h.navigate_in_app(&format!("/accounts/{VS_FIN_UUID}/vsadmin"))
        .await?;
    h.wait_for(
        "the account's history link",
        Locator::LinkText("History of this account"),
    )
    .await?
    .click()
    .await?;
    h.wait_text(".table-summary", "2 changes to vsadmin on vs_fin")
        .await?;
    let text = h
        .wait_text(".history-table", "security login unlock")
        .await?;
    ensure!(text.contains("Unlock"), "the REST unlock missing: {text}");
    ensure!(!text.contains("Comment:"), "vs_eng's change shown: {text}");
    ensure!(history_svms(&h).await? == "vs_fin,vs_fin", "{text}");
    h.close().await
}

/// The fields of `name`'s line on `svm` in the accounts' CSV.
fn csv_line<'a>(lines: &[&'a str], name: &str, svm: &str) -> Result<Vec<&'a str>> {
    let line = lines
        .iter()
        .find(|l| l.starts_with(&format!("{name},{svm},")))
        .with_context(|| format!("{name} on {svm} in the CSV: {lines:#?}"))?;
    Ok(line.split(',').collect())
}

/// An auditor's list: the accounts' CSV holds the rows of the current view with the same SSH
/// methods, second factor, lock and TOTP state as the table; it waits while the profiles cannot
/// be read (every account that requires TOTP would read "Not enrolled").
#[tokio::test]
async fn the_accounts_csv_is_the_view_with_each_totp_state() -> Result<()> {
    let h = Harness::start().await?;
    let accounts = h.sim().accounts().len();
    h.goto("/").await?;
    h.sign_in("admin").await?;
    h.navigate_in_app("/accounts").await?;
    h.wait_text(
        ".table-summary",
        &format!("{} accounts", e2e::grouped(accounts)),
    )
    .await?;
    ensure!(
        h.button("Export CSV").await?.is_enabled().await?,
        "Export CSV disabled when everything is read"
    );
    h.catch_downloads().await?;
    h.click_button("Export CSV").await?;
    let csv = h.download_text().await?;
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    ensure!(
        lines.len() == accounts + 1,
        "{} lines for {accounts} accounts",
        lines.len()
    );
    ensure!(
        lines[0]
            == "account,svm,owner_uuid,role,scope,locked,ssh_methods,second_factor,totp,\
                ssh_second_factors,web_second_factor",
        "header: {}",
        lines[0]
    );
    // account, svm, owner_uuid, role, scope, locked, ssh_methods, second_factor, totp,
    // ssh_second_factors, web_second_factor
    let alice = csv_line(&lines, "alice", "vs_eng")?;
    ensure!(alice[2] == VS_ENG_UUID, "{alice:?}");
    ensure!(
        alice[5..9] == ["no", "password", "totp", "Not enrolled"],
        "{alice:?}"
    );
    let bob = csv_line(&lines, "bob", "vs_eng")?;
    ensure!(
        bob[5..9] == ["no", "password", "none", "TOTP not required"],
        "{bob:?}"
    );
    let sthompson = csv_line(&lines, "sthompson", "vs_eng")?;
    ensure!(sthompson[8] == "Disabled", "{sthompson:?}");
    let vsadmin_fin = csv_line(&lines, "vsadmin", "vs_fin")?;
    ensure!(vsadmin_fin[5] == "yes", "{vsadmin_fin:?}");
    let jdoe = lines
        .iter()
        .find(|l| l.starts_with("CORP\\jdoe,"))
        .context("CORP\\jdoe")?;
    ensure!(jdoe.contains(",totp,Enrolled,TOTP,"), "{jdoe}");

    // A filtered view exports its own rows only.
    h.fill("Filter", "vs_fin").await?;
    let summary = h.wait_text(".table-summary", "match").await?;
    let shown: usize = summary
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .with_context(|| format!("summary: {summary}"))?;
    h.click_button("Export CSV").await?;
    let csv = h.download_text().await?;
    let rows: Vec<&str> = csv
        .split("\r\n")
        .skip(1)
        .filter(|l| !l.is_empty())
        .collect();
    ensure!(
        rows.len() == shown && rows.iter().all(|l| l.split(',').nth(1) == Some("vs_fin")),
        "{shown} rows shown, exported: {rows:#?}"
    );

    // The profiles cannot be read: no export of TOTP states that would all be wrong.
    h.sim().script_fault(ontap_sim::ScriptedFault::new(
        "GET",
        "/api/security/login/totps?",
        ontap_sim::Scripted::Raw {
            status: 403,
            content_type: "application/json".into(),
            body: br#"{"error":{"message":"not authorized for that command","code":"6"}}"#.to_vec(),
        },
        4,
    ));
    h.click_button("Reload").await?;
    h.wait_text(".note", "The TOTP profiles could not be read")
        .await?;
    // The accounts are read again after the profiles: once they are in, only the failed
    // profiles keep the button off.
    h.wait_text(
        ".table-summary",
        &format!("{} accounts", e2e::grouped(accounts)),
    )
    .await?;
    ensure!(
        !h.button("Export CSV").await?.is_enabled().await?,
        "Export CSV enabled without the profiles"
    );
    h.close().await
}

/// The account change as every write: two clicks on "Yes" in the same moment send one PATCH;
/// a lost answer is settled by re-reading the account, never by sending again: dropped after,
/// cut short or carried out late is done; dropped before (nginx's 502) or a 504 is "not done"
/// only once the late window has passed. Every change is in the change log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn account_changes_send_once_and_lost_answers_are_settled_by_reading() -> Result<()> {
    use ontap_sim::{FaultMode, Scripted, ScriptedFault};
    let h = Harness::start().await?;
    h.goto("/").await?;
    h.set_timing(
        r#"{"read_ms":1500,"write_ms":2000,"retry_base_ms":100,"proxy_read_ms":0,"late_margin_ms":1500}"#,
    )
    .await?;
    h.sign_in("admin").await?;
    h.wait_css(".banner-user").await?;
    let patches = |h: &Harness, name: &str| {
        let tail = format!("/{name}");
        h.requests()
            .into_iter()
            .filter(|r| r.method == "PATCH" && e2e::path_only(&r.path).ends_with(&tail))
            .count()
    };

    // Two clicks on "Yes, require TOTP" dispatched in one task.
    open_account(&h, "bob", "bob").await?;
    h.click_button("Require TOTP for SSH…").await?;
    h.wait_css("#confirm-yes").await?;
    h.client()
        .execute(
            "const b = document.getElementById('confirm-yes'); b.click(); b.click(); return null;",
            vec![],
        )
        .await?;
    h.wait_text("[role=status]", "done").await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(patches(&h, "bob"), 1, "one PATCH for two clicks");

    let nginx_504 = e2e::nginx_gateway_timeout();
    let cases = [
        ("jdoe", Scripted::Mode(FaultMode::DropAfter), true),
        ("mchen", Scripted::Mode(FaultMode::Truncate), true),
        (
            "priya.raman",
            Scripted::LateApply(Duration::from_millis(800)),
            true,
        ),
        ("tkowalski", Scripted::Mode(FaultMode::DropBefore), false),
        ("lnguyen", nginx_504, false),
    ];
    for (name, what, applied) in cases {
        open_account(&h, name, name).await?;
        h.wait_text("#fact-totp", "").await?;
        h.sim().script_fault(ScriptedFault::new(
            "PATCH",
            &format!("/security/accounts/{ADMIN_SVM_UUID}/{name}"),
            what,
            1,
        ));
        h.click_button("Stop requiring TOTP…").await?;
        h.click_button("Yes, stop requiring TOTP").await?;
        if applied {
            let said = h
                .wait_text("[role=status]", "done")
                .await
                .with_context(|| name.to_owned())?;
            ensure!(
                said.contains("re-reading the account shows the change"),
                "{name}: {said}"
            );
        } else {
            let said = h
                .wait_text("[role=alert]", "not done")
                .await
                .with_context(|| name.to_owned())?;
            ensure!(said.contains("the change is not there"), "{name}: {said}");
        }
        let now = h
            .sim()
            .account(ADMIN_SVM_UUID, name)
            .context("the account")?;
        ensure!(now.requires_totp() != applied, "{name}: applied {applied}");
        assert_eq!(patches(&h, name), 1, "{name}: one PATCH, never resent");
    }
    h.screenshot("accounts-lost-answer-not-done").await?;

    h.navigate_in_app("/changes").await?;
    h.wait_page_text("stop requiring totp").await?;
    let log = h.body_text().await?;
    for name in [
        "bob",
        "jdoe",
        "mchen",
        "priya.raman",
        "tkowalski",
        "lnguyen",
    ] {
        ensure!(log.contains(name), "{name} in the change log: {log}");
    }
    ensure!(log.contains("require totp for ssh"), "{log}");
    ensure!(
        log.matches("Unknown → confirmed saved").count() == 3
            && log.matches("Unknown → confirmed not applied").count() == 2,
        "{log}"
    );
    h.close().await
}

/// The history's rows as `account|who|what|svm|result`, newest first.
async fn history_rows(h: &Harness) -> Result<Vec<String>> {
    let rows = h
        .eval_string(
            "return [...document.querySelectorAll('.history-table tbody tr')]
               .map(tr => [...tr.querySelectorAll('th, td')]
                 .filter((_, i) => i !== 1)
                 .map(c => c.textContent.trim()).join('|')).join('\\n')",
        )
        .await?;
    Ok(rows.lines().map(str::to_owned).collect())
}

/// The demo's past (`Config::history`, on for `make demo`): a newcomer's History screen shows
/// the weeks before the start, and each account's history link shows that account's part of
/// it, on its own SVM: mchen's lost-phone reset by an administrator and his new enrollment,
/// priya.raman's rotation of her own key, dsmith's refused try before the roll-out reached him.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_history_shows_each_account_its_past() -> Result<()> {
    let h = Harness::start_with(|c| c.history = true).await?;
    h.goto("/").await?;
    h.sign_in("admin").await?;
    h.wait_css(".banner-user").await?;

    h.navigate_in_app("/history").await?;
    h.wait_text(".table-summary", "18 changes").await?;
    let all = history_rows(&h).await?;
    ensure!(all.len() == 18, "{all:#?}");
    for kind in [
        "TOTP profile created",
        "TOTP profile deleted",
        "Profile disabled",
        "Require TOTP for SSH",
        "Unlock",
        "Failed: ",
    ] {
        ensure!(
            all.iter().any(|r| r.contains(kind)),
            "no {kind:?}: {all:#?}"
        );
    }
    ensure!(
        all.iter().all(|r| !r.contains("not recorded")),
        "an SVM not recorded: {all:#?}"
    );
    h.screenshot("history-demo").await?;

    // Each account's history link, from its account page.
    for (owner, name, svm, expected) in [
        (
            ADMIN_SVM_UUID,
            "mchen",
            "cluster1",
            &[
                "mchen|mchen|TOTP profile created|cluster1|Done",
                "mchen|admin|Profile disabled|cluster1|Done",
            ][..],
        ),
        (
            ADMIN_SVM_UUID,
            "priya.raman",
            "cluster1",
            &[
                "priya.raman|priya.raman|TOTP profile created|cluster1|Done",
                "priya.raman|priya.raman|TOTP profile deleted|cluster1|Done",
                "priya.raman|priya.raman|TOTP profile created|cluster1|Done",
            ][..],
        ),
        (
            VS_FIN_UUID,
            "dsmith",
            "vs_fin",
            &[
                "dsmith|dsmith|TOTP profile created|vs_fin|Done",
                "dsmith|jdoe|Require TOTP for SSH|vs_fin|Done",
            ][..],
        ),
    ] {
        h.navigate_in_app(&format!("/accounts/{owner}/{name}"))
            .await?;
        h.wait_for(
            "the account's history link",
            Locator::LinkText("History of this account"),
        )
        .await?
        .click()
        .await?;
        let n = expected.len() + usize::from(name == "dsmith");
        h.wait_text(
            ".table-summary",
            &format!("{} changes to {name} on {svm}", e2e::grouped(n)),
        )
        .await?;
        let rows = history_rows(&h).await?;
        ensure!(rows.len() == n, "{name}: {rows:#?}");
        ensure!(rows[..expected.len()] == *expected, "{name}: {rows:#?}");
        if name == "dsmith" {
            ensure!(
                rows[2].starts_with("dsmith|dsmith|TOTP profile created|vs_fin|Failed: "),
                "{rows:#?}"
            );
        }
    }
    h.screenshot("history-demo-dsmith").await?;
    h.close().await
}
