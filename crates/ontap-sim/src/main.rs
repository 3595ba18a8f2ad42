//! `ontap-sim`: the command line of the emulator. Everything else is in the library.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use ontap_model::Version;
use ontap_sim::{demo, Config};

const USAGE: &str = "\
usage: ontap-sim [--listen ADDR] [--dist DIR] [--ontap-version X.Y.Z] [--latency-ms N]
                 [--www-authenticate auto|always|never]

  --listen ADDR          address to listen on (default 127.0.0.1:8080; port 0 picks one)
  --dist DIR             serve the page's files from DIR at / (index.html for other paths)
  --ontap-version V      ONTAP release to emulate (default 9.18.1; TOTP needs 9.13 or later)
  --latency-ms N         delay every /api answer by N milliseconds (default 0)
  --www-authenticate W   send WWW-Authenticate with 401 answers: auto (only without --dist,
                         the default), always or never
";

fn parse(args: &[String]) -> Result<Config, String> {
    let mut config = Config::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_owned())),
            _ => (arg.as_str(), None),
        };
        if name == "-h" || name == "--help" {
            return Err(String::new());
        }
        let mut value = || {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match name {
            "--listen" => {
                let v = value()?;
                config.listen = v.parse::<SocketAddr>().map_err(|_| {
                    format!("--listen: '{v}' is not an address like 127.0.0.1:8080")
                })?;
            }
            "--dist" => config.dist = Some(PathBuf::from(value()?)),
            "--ontap-version" => {
                let v = value()?;
                config.version = Version::parse(&v).ok_or_else(|| {
                    format!("--ontap-version: '{v}' is not a release like 9.18.1")
                })?;
            }
            "--latency-ms" => {
                let v = value()?;
                config.latency_ms = v
                    .parse()
                    .map_err(|_| format!("--latency-ms: '{v}' is not a number of milliseconds"))?;
            }
            "--www-authenticate" => {
                config.www_authenticate = match value()?.as_str() {
                    "auto" => None,
                    "always" => Some(true),
                    "never" => Some(false),
                    other => {
                        return Err(format!(
                            "--www-authenticate: '{other}' is not auto, always or never"
                        ))
                    }
                }
            }
            other => return Err(format!("unknown argument '{other}'")),
        }
    }
    Ok(config)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = match parse(&args) {
        Ok(c) => c,
        Err(e) if e.is_empty() => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("ontap-sim: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if let Some(dist) = &config.dist {
        if !dist.join("index.html").is_file() {
            eprintln!(
                "ontap-sim: warning: {} has no index.html (build the page first)",
                dist.display()
            );
        }
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("ontap-sim: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let version = config.version.short();
    let serving_page = config.dist.is_some();
    let result = runtime.block_on(async move {
        let running = ontap_sim::start(config).await?;
        eprintln!(
            "ontap-sim: ONTAP {version} cluster '{}' on {}{}",
            demo::CLUSTER_NAME,
            running.url(),
            if serving_page {
                " (page and /api)"
            } else {
                " (/api only)"
            }
        );
        eprintln!(
            "ontap-sim: sign in as admin, readonly, vsadmin ({}) or alice; password {}",
            demo::VS_ENG,
            demo::DEMO_PASSWORD
        );
        running.wait().await
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ontap-sim: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn every_option_is_read_in_both_spellings() {
        let c = parse(&args(
            "--listen 0.0.0.0:9000 --dist=dist --ontap-version 9.13.1 --latency-ms=250 --www-authenticate never",
        ))
        .unwrap();
        assert_eq!(c.listen, "0.0.0.0:9000".parse().unwrap());
        assert_eq!(c.dist, Some(PathBuf::from("dist")));
        assert_eq!(c.version.short(), "9.13.1");
        assert_eq!(c.latency_ms, 250);
        assert_eq!(c.www_authenticate, Some(false));
        let d = parse(&[]).unwrap();
        assert_eq!(d.listen, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(d.version.short(), "9.18.1");
    }

    #[test]
    fn bad_options_say_what_is_wrong() {
        for (a, needle) in [
            ("--listen nowhere", "--listen"),
            ("--ontap-version 9.x", "--ontap-version"),
            ("--latency-ms soon", "--latency-ms"),
            ("--www-authenticate maybe", "--www-authenticate"),
            ("--dist", "needs a value"),
            ("--colour", "unknown argument"),
        ] {
            let e = parse(&args(a)).unwrap_err();
            assert!(e.contains(needle), "{a}: {e}");
        }
        assert_eq!(parse(&args("--help")).unwrap_err(), "");
    }
}
