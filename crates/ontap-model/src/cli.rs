//! What a profile change looks like outside the page: the REST request as it will be sent,
//! the equivalent clustershell command, and a curl line. The editor shows all three before
//! saving and lets the user copy them.
//!
//! None of them ever carries a password: the curl line has `-u USER` only, so curl asks for
//! the password itself.
//!
//! # Clustershell quoting (the rule this module follows)
//!
//! NetApp documents that a text value holding a space or a query character must be enclosed
//! in double quotation marks, that `""` clears a string parameter, that `#` starts a comment
//! and that `?` asks for help. It documents no escape for a double quotation mark or a
//! backslash inside a quoted value. So this module chooses the safest form it can:
//!
//! - A value is written bare only when it is not empty, does not start with `-`, holds no
//!   `..` (the range operator) and every character is an ASCII letter or digit or one of
//!   `_ . - @ : / \` (NetApp's own examples write `DOMAIN\user` bare). Anything else is
//!   written in double quotes; the empty value is `""`.
//! - Inside double quotes, `"` and `\` are preceded by a backslash. Because that escape is
//!   not documented, a value that needs it comes with a [`Caveat::UndocumentedEscape`], as
//!   does a value holding `?` ([`Caveat::QuestionMark`]): the page shows the caveat next to
//!   the command.
//! - A line break or other control character cannot be typed on a clustershell line at all:
//!   such a change has no command ([`CliError::ControlCharacter`]); the REST call still works.
//!
//! # POSIX shell quoting (the curl line)
//!
//! Every argument that is not made only of `A-Za-z0-9 _ . , / : @ % + = -` is put in single
//! quotes; a single quote inside becomes `'\''` (close, escaped quote, reopen). Inside single
//! quotes a POSIX shell expands nothing, so the argument reaches curl byte for byte.

use std::fmt;

use crate::totp::{Scope, TotpKey, TotpPatch};

/// The API base below which [`TotpKey::path`] lives.
pub const API_PREFIX: &str = "/api";

/// The request a change sends, exactly as the page sends it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestPreview {
    pub method: &'static str,
    /// `/api/security/login/totps/{owner.uuid}/{account.name}`, segments percent-encoded.
    pub path: String,
    /// The JSON body, exactly as serialised.
    pub body: String,
}

/// The PATCH that `patch` makes for the profile `key`.
pub fn request(key: &TotpKey, patch: &TotpPatch) -> RequestPreview {
    RequestPreview {
        method: "PATCH",
        path: format!("{API_PREFIX}{}", key.path()),
        body: patch_body(patch),
    }
}

/// The JSON body of a PATCH, as the page sends it. A `TotpPatch` holds a string and a bool,
/// which always serialise; the fallback is never reached.
pub fn patch_body(patch: &TotpPatch) -> String {
    serde_json::to_string(patch).unwrap_or_else(|_| "{}".to_owned())
}

/// Something the user should know before running a command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Caveat {
    /// A quoted value holds `"` or `\`, escaped with a backslash: NetApp does not document
    /// that escape.
    UndocumentedEscape,
    /// A value holds `?`, which the interactive clustershell reads as a request for help.
    QuestionMark,
    /// A cluster-scoped account whose admin SVM name is unknown: `-vserver` is left out.
    NoVserver,
}

impl Caveat {
    pub fn message(&self) -> &'static str {
        match self {
            Caveat::UndocumentedEscape => {
                "A value holds a double quote or a backslash. NetApp does not document how the clustershell escapes them inside quotes; check the result with `security login totp show` after running it."
            }
            Caveat::QuestionMark => {
                "A value holds a question mark, which the interactive clustershell reads as a request for help. Prefer the REST call for this change."
            }
            Caveat::NoVserver => {
                "The admin SVM's name is not known, so -vserver is left out; the clustershell then uses the cluster's admin SVM."
            }
        }
    }
}

/// Why a change has no clustershell command.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CliError {
    #[error("Nothing changed, so there is no command.")]
    NothingToChange,
    #[error("The SVM's name is not known, so the command cannot name it.")]
    UnknownSvm,
    #[error("The {0} holds a line break or another control character, which a clustershell line cannot carry. Use the REST call instead.")]
    ControlCharacter(&'static str),
}

/// A clustershell command and what to know before running it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CliCommand {
    pub line: String,
    pub caveats: Vec<Caveat>,
}

impl fmt::Display for CliCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.line)
    }
}

/// `security login totp modify -vserver <svm> -username <name> [-enabled true|false]
/// [-comment <text>]` for the change `patch` to the profile of `key`, owned by the SVM named
/// `svm` (for a cluster-scoped account, the admin SVM, whose name is the cluster's).
pub fn cli_command(
    key: &TotpKey,
    svm: Option<&str>,
    scope: Option<&Scope>,
    patch: &TotpPatch,
) -> Result<CliCommand, CliError> {
    if patch.is_empty() {
        return Err(CliError::NothingToChange);
    }
    let mut caveats = Vec::new();
    let mut line = String::from("security login totp modify");
    match svm.filter(|s| !s.is_empty()) {
        Some(s) => {
            line.push_str(" -vserver ");
            line.push_str(&cli_value(s, "SVM name", &mut caveats)?);
        }
        None if scope == Some(&Scope::Cluster) => caveats.push(Caveat::NoVserver),
        None => return Err(CliError::UnknownSvm),
    }
    line.push_str(" -username ");
    line.push_str(&cli_value(
        key.account.as_str(),
        "account name",
        &mut caveats,
    )?);
    if let Some(e) = patch.enabled {
        line.push_str(if e {
            " -enabled true"
        } else {
            " -enabled false"
        });
    }
    if let Some(c) = &patch.comment {
        line.push_str(" -comment ");
        line.push_str(&cli_value(c.as_str(), "comment", &mut caveats)?);
    }
    caveats.dedup();
    Ok(CliCommand { line, caveats })
}

fn cli_bare(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '@' | ':' | '/' | '\\')
}

/// One clustershell value, quoted by the rule in the module docs.
pub fn cli_value(
    value: &str,
    what: &'static str,
    caveats: &mut Vec<Caveat>,
) -> Result<String, CliError> {
    if value.chars().any(char::is_control) {
        return Err(CliError::ControlCharacter(what));
    }
    if value.contains('?') {
        caveats.push(Caveat::QuestionMark);
    }
    let bare = !value.is_empty()
        && !value.starts_with('-')
        && !value.contains("..")
        && value.chars().all(cli_bare);
    if bare {
        return Ok(value.to_owned());
    }
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        if matches!(c, '"' | '\\') {
            if !caveats.contains(&Caveat::UndocumentedEscape) {
                caveats.push(Caveat::UndocumentedEscape);
            }
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    Ok(out)
}

/// The clustershell command that deletes a profile (from 9.19.1 the only way: it asks for a
/// one-time password or an emergency code interactively), quoted by the same rule as
/// [`cli_command`].
pub fn delete_command(svm: &str, user: &str) -> Result<CliCommand, CliError> {
    let mut caveats = Vec::new();
    let line = format!(
        "security login totp delete -vserver {} -username {}",
        cli_value(svm, "SVM name", &mut caveats)?,
        cli_value(user, "account name", &mut caveats)?
    );
    caveats.dedup();
    Ok(CliCommand { line, caveats })
}

fn sh_bare(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(c, '_' | '.' | ',' | '/' | ':' | '@' | '%' | '+' | '=' | '-')
}

/// One argument for a POSIX shell: bare when it is made of harmless characters only, else in
/// single quotes with `'\''` for each single quote.
pub fn sh_quote(arg: &str) -> String {
    if !arg.is_empty() && arg.chars().all(sh_bare) {
        return arg.to_owned();
    }
    let mut out = String::with_capacity(arg.len() + 2);
    out.push('\'');
    for c in arg.chars() {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}

/// `curl -u USER -X PATCH -H 'Content-Type: application/json' --data '<json>' '<url>'`:
/// `origin` is where the cluster's API answers (`https://cluster1`, no trailing slash), `user`
/// the account to authenticate as. No password: curl asks for it.
pub fn curl_line(user: &str, origin: &str, req: &RequestPreview) -> String {
    let url = format!("{}{}", origin.trim_end_matches('/'), req.path);
    format!(
        "curl -u {} -X {} -H {} --data {} {}",
        sh_quote(user),
        req.method,
        sh_quote("Content-Type: application/json"),
        sh_quote(&req.body),
        sh_quote(&url)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::{AccountName, Comment, OwnerUuid};
    use proptest::prelude::*;

    const UUID: &str = "02c9e252-41be-11e9-81d5-00a0986138f7";

    fn key(account: &str) -> TotpKey {
        TotpKey {
            owner: OwnerUuid::try_from(UUID).unwrap(),
            account: AccountName::try_from(account).unwrap(),
        }
    }

    fn patch(comment: Option<&str>, enabled: Option<bool>) -> TotpPatch {
        TotpPatch {
            comment: comment.map(|c| Comment::try_from(c).unwrap()),
            enabled,
        }
    }

    /// A POSIX shell's word splitting and quote removal, for what [`sh_quote`] produces:
    /// single quotes, backslash outside quotes, blanks between words. It fails on anything a
    /// shell would treat specially outside quotes, so a test also proves nothing is left bare.
    fn sh_words(line: &str) -> Result<Vec<String>, String> {
        let mut words = Vec::new();
        let mut cur = String::new();
        let mut in_word = false;
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            match c {
                ' ' => {
                    if in_word {
                        words.push(std::mem::take(&mut cur));
                        in_word = false;
                    }
                }
                '\'' => {
                    in_word = true;
                    loop {
                        match chars.next() {
                            Some('\'') => break,
                            Some(x) => cur.push(x),
                            None => return Err("unterminated single quote".into()),
                        }
                    }
                }
                '\\' => {
                    in_word = true;
                    match chars.next() {
                        Some(x) => cur.push(x),
                        None => return Err("trailing backslash".into()),
                    }
                }
                c if sh_bare(c) => {
                    in_word = true;
                    cur.push(c);
                }
                c => return Err(format!("unquoted special character {c:?}")),
            }
        }
        if in_word {
            words.push(cur);
        }
        Ok(words)
    }

    /// The clustershell reading this module assumes: blanks split, double quotes group,
    /// backslash escapes inside double quotes. Fails on a special character left bare.
    fn cli_words(line: &str) -> Result<Vec<String>, String> {
        let mut words = Vec::new();
        let mut cur = String::new();
        let mut in_word = false;
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            match c {
                ' ' => {
                    if in_word {
                        words.push(std::mem::take(&mut cur));
                        in_word = false;
                    }
                }
                '"' => {
                    in_word = true;
                    loop {
                        match chars.next() {
                            Some('"') => break,
                            Some('\\') => match chars.next() {
                                Some(x) => cur.push(x),
                                None => return Err("trailing backslash".into()),
                            },
                            Some(x) => cur.push(x),
                            None => return Err("unterminated double quote".into()),
                        }
                    }
                }
                c if cli_bare(c) => {
                    in_word = true;
                    cur.push(c);
                }
                c => return Err(format!("unquoted special character {c:?}")),
            }
        }
        if in_word {
            words.push(cur);
        }
        Ok(words)
    }

    #[test]
    fn the_request_is_the_exact_patch() {
        let r = request(&key("CORP\\j doe"), &patch(Some("new phone"), Some(false)));
        assert_eq!(r.method, "PATCH");
        assert_eq!(
            r.path,
            format!("/api/security/login/totps/{UUID}/CORP%5Cj%20doe")
        );
        assert_eq!(r.body, r#"{"comment":"new phone","enabled":false}"#);
        let r = request(&key("mchen"), &patch(None, Some(true)));
        assert_eq!(r.body, r#"{"enabled":true}"#);
    }

    #[test]
    fn cli_commands() {
        let c = cli_command(
            &key("mchen"),
            Some("vs_eng"),
            Some(&Scope::Svm),
            &patch(None, Some(false)),
        )
        .unwrap();
        assert_eq!(
            c.line,
            "security login totp modify -vserver vs_eng -username mchen -enabled false"
        );
        assert!(c.caveats.is_empty());
        let c = cli_command(
            &key("CORP\\jdoe"),
            Some("cluster1"),
            Some(&Scope::Cluster),
            &patch(Some("YubiKey 5C, \"blue\""), Some(true)),
        )
        .unwrap();
        assert_eq!(
            c.line,
            r#"security login totp modify -vserver cluster1 -username CORP\jdoe -enabled true -comment "YubiKey 5C, \"blue\"""#
        );
        assert_eq!(c.caveats, vec![Caveat::UndocumentedEscape]);
    }

    #[test]
    fn cli_values() {
        let v = |s: &str| {
            let mut cv = Vec::new();
            let out = cli_value(s, "comment", &mut cv).unwrap();
            assert_eq!(cv.is_empty(), !s.contains('?'), "{s}: {cv:?}");
            out
        };
        assert_eq!(v(""), "\"\"", "an empty value clears the comment");
        assert_eq!(v("laptop"), "laptop");
        assert_eq!(v("two words"), "\"two words\"");
        assert_eq!(v("-enabled"), "\"-enabled\"", "never read as a parameter");
        assert_eq!(v("1..5"), "\"1..5\"", "never read as a range");
        assert_eq!(v("a*"), "\"a*\"");
        assert_eq!(v("x # y"), "\"x # y\"");
        assert_eq!(v("it's"), "\"it's\"");
        assert_eq!(v("what?"), "\"what?\"");
        assert_eq!(
            cli_value("a\nb", "comment", &mut Vec::new()),
            Err(CliError::ControlCharacter("comment"))
        );
    }

    #[test]
    fn cli_needs_a_change_and_an_svm() {
        let k = key("mchen");
        assert_eq!(
            cli_command(&k, Some("vs1"), None, &TotpPatch::default()),
            Err(CliError::NothingToChange)
        );
        assert_eq!(
            cli_command(&k, None, Some(&Scope::Svm), &patch(None, Some(true))),
            Err(CliError::UnknownSvm)
        );
        let c = cli_command(&k, None, Some(&Scope::Cluster), &patch(None, Some(true))).unwrap();
        assert_eq!(
            c.line,
            "security login totp modify -username mchen -enabled true"
        );
        assert_eq!(c.caveats, vec![Caveat::NoVserver]);
    }

    #[test]
    fn curl_line_has_no_password_and_quotes_the_body() {
        let r = request(&key("mchen"), &patch(Some("Bob's phone"), None));
        let line = curl_line("admin", "https://cluster1/", &r);
        assert_eq!(
            line,
            format!(
                "curl -u admin -X PATCH -H 'Content-Type: application/json' --data '{{\"comment\":\"Bob'\\''s phone\"}}' https://cluster1/api/security/login/totps/{UUID}/mchen"
            )
        );
        assert_eq!(sh_words(&line).unwrap()[8], r#"{"comment":"Bob's phone"}"#);
    }

    #[test]
    fn sh_quoting() {
        assert_eq!(sh_quote(""), "''");
        assert_eq!(sh_quote("admin"), "admin");
        assert_eq!(sh_quote("CORP\\jdoe"), "'CORP\\jdoe'");
        assert_eq!(sh_quote("$(rm -rf /)"), "'$(rm -rf /)'");
        assert_eq!(sh_quote("'"), "''\\'''");
    }

    proptest! {
        #[test]
        fn any_comment_round_trips_through_the_shell(comment in any::<String>(), user in "[ -~]{1,20}") {
            let r = request(&key("CORP\\j'doe"), &patch(Some(&comment), Some(false)));
            let line = curl_line(&user, "https://cluster1", &r);
            let words = sh_words(&line).map_err(|e| TestCaseError::fail(format!("{e}: {line}")))?;
            prop_assert_eq!(words.len(), 10, "{}", line);
            prop_assert_eq!(&words[2], &user);
            prop_assert_eq!(&words[8], &r.body);
            let body: TotpPatch = serde_json::from_str(&words[8]).unwrap();
            prop_assert_eq!(body.comment.map(|c| c.as_str().to_owned()), Some(comment));
            prop_assert_eq!(&words[9], &format!("https://cluster1{}", r.path));
        }

        #[test]
        fn any_printable_comment_round_trips_through_the_clustershell(comment in "\\PC*") {
            let c = cli_command(&key("CORP\\jdoe"), Some("vs 1"), None, &patch(Some(&comment), None)).unwrap();
            let words = cli_words(&c.line).map_err(|e| TestCaseError::fail(format!("{e}: {}", c.line)))?;
            prop_assert_eq!(words.len(), 10, "{}", c.line);
            prop_assert_eq!(&words[5], "vs 1");
            prop_assert_eq!(&words[7], "CORP\\jdoe");
            prop_assert_eq!(&words[8], "-comment");
            prop_assert_eq!(&words[9], &comment);
        }

        #[test]
        fn sh_quote_round_trips(arg in any::<String>()) {
            let q = sh_quote(&arg);
            let words = sh_words(&q).map_err(TestCaseError::fail)?;
            prop_assert_eq!(words, vec![arg]);
        }
    }

    #[test]
    fn delete_commands_quote_what_the_cli_would_split() {
        let line = |svm, user| delete_command(svm, user).unwrap().line;
        assert_eq!(
            line("vs_eng", "kpatel"),
            "security login totp delete -vserver vs_eng -username kpatel"
        );
        assert_eq!(
            line("cluster1", "CORP\\jdoe"),
            "security login totp delete -vserver cluster1 -username CORP\\jdoe"
        );
        assert_eq!(
            line("vs 1", "jürgen.müller"),
            "security login totp delete -vserver \"vs 1\" -username \"jürgen.müller\""
        );
        assert_eq!(cli_value("a|b", "x", &mut Vec::new()).unwrap(), "\"a|b\"");
        assert_eq!(
            delete_command("vs1", "a\nb"),
            Err(CliError::ControlCharacter("account name"))
        );
    }
}
