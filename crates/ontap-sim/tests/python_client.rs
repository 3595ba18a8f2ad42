//! NetApp's own Python client (`netapp-ontap` 9.19.1.0, unchanged) against the emulator over
//! real HTTP: `tests/python_client.py` lists, counts, finds, gets, patches (NetApp's documented
//! example), posts and deletes profiles, with basic authentication and a bearer token; it
//! patches an account with its keys restated in the query and sends na_ontap_user's dotted
//! `role.name` body.
//!
//! It needs python3 with netapp-ontap: `ONTAP_SIM_PYTHON` names the interpreter, else
//! `<target>/py-netapp/bin/python3` (make one with `python3 -m venv target/py-netapp &&
//! target/py-netapp/bin/pip install netapp-ontap==9.19.1.0`). Without it the test prints why
//! and passes without running the script.

use std::path::{Path, PathBuf};
use std::process::Command;

use ontap_sim::{start_background, Config};

const TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJqZG9lIn0.c2lnbmF0dXJl";

fn interpreter() -> Result<PathBuf, String> {
    let python = match std::env::var_os("ONTAP_SIM_PYTHON") {
        Some(p) => PathBuf::from(p),
        None => {
            let target = std::env::var_os("CARGO_TARGET_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
            target.join("py-netapp/bin/python3")
        }
    };
    let probe = Command::new(&python)
        .args(["-c", "import netapp_ontap; print(netapp_ontap.__version__)"])
        .output()
        .map_err(|e| format!("{} cannot run: {e}", python.display()))?;
    if !probe.status.success() {
        return Err(format!(
            "{} has no netapp_ontap: {}",
            python.display(),
            String::from_utf8_lossy(&probe.stderr).trim()
        ));
    }
    Ok(python)
}

#[test]
fn netapp_ontap_python_client_works_against_the_emulator_unchanged() {
    let python = match interpreter() {
        Ok(p) => p,
        // `make test` installs the client and sets ONTAP_SIM_REQUIRE_PYTHON: there, a missing
        // client is a failure, not a skip.
        Err(why) if std::env::var_os("ONTAP_SIM_REQUIRE_PYTHON").is_some() => {
            panic!("the netapp-ontap Python client is required here: {why}")
        }
        Err(why) => {
            println!("SKIPPED: the netapp-ontap Python client is not available ({why})");
            return;
        }
    };
    let sim = start_background(Config {
        tokens: vec![("jdoe".into(), TOKEN.into())],
        ..Config::ephemeral()
    })
    .expect("start the emulator");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python_client.py");
    let out = Command::new(&python)
        .arg(&script)
        .args(["--port", &sim.addr.port().to_string(), "--token", TOKEN])
        .output()
        .expect("run the Python client");
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    assert!(
        out.status.success(),
        "python_client.py failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(" passed, 0 failed"));
    assert_eq!(sim.state.schema_violations(), Vec::<String>::new());
}
