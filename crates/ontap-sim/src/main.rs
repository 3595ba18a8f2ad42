//! `ontap-sim`: the command line of the emulator. Everything else is in the library.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use ontap_model::Version;
use ontap_sim::{demo, Config, FaultMode};

const USAGE: &str = "\
usage: ontap-sim [--listen ADDR] [--dist DIR] [--ontap-version X.Y.Z] [--latency-ms N]
                 [--www-authenticate auto|always|never] [--profiles N] [--seed S]
                 [--disabled-profiles listed|hidden] [--token NAME=TOKEN]...
                 [--accounts N] [--max-failed-logins N] [--clock-offset-secs N]
                 [--fault-rate R] [--fault-modes LIST] [--fault-seed S] [--expire-after N]
                 [--log-size N] [--header-read-timeout-ms N] [--history seeded|none]
                 [--clusters N] [--cluster-names A,B,...] [--releases X.Y.Z,...]
                 [--fleet-links rebased|as-sent] [--gateway]

  --listen ADDR          address to listen on (default 127.0.0.1:8080; port 0 picks one)
  --dist DIR             serve the page's files from DIR at / (index.html for other paths)
  --ontap-version V      ONTAP release to emulate (default 9.18.1; TOTP needs 9.13 or later;
                         DELETE of profiles is refused from 9.19)
  --latency-ms N         delay every /api answer by N milliseconds (default 0)
  --www-authenticate W   send WWW-Authenticate with 401 answers: auto (only without --dist,
                         the default), always or never
  --profiles N           add N generated accounts with TOTP profiles (default 0)
  --seed S               seed of the generated accounts (default 0)
  --accounts N           add N generated accounts without profiles (mfa0001...) for bulk
                         account changes (default 0)
  --max-failed-logins N  lock an account after N consecutive failed password sign-ins
                         (default 0: never, ONTAP's default)
  --clock-offset-secs N  run the cluster's clock N seconds ahead of this machine's (negative:
                         behind): the Date header, new profiles' verification_code, audit
                         timestamps (default 0)
  --disabled-profiles D  listed (default): a disabled profile stays listed with
                         enabled=false; hidden: disabled profiles vanish (9.14.1 report)
  --token NAME=TOKEN     accept `Authorization: Bearer TOKEN` as account NAME (9.14 and
                         later; repeatable)
  --fault-rate R         inject a fault into this share of /api requests, 0 to 1 (default 0)
  --fault-modes LIST     comma-separated: 500, 503, 429, drop-before, drop-after, truncate,
                         not-json (default: all)
  --fault-seed S         seed of the fault draw (default 0)
  --expire-after N       expire each credential after N /api requests (401 from then on)
  --log-size N           entries the request log and the audit log each keep, the oldest
                         dropped first (default 100000)
  --header-read-timeout-ms N
                         close a connection that takes longer than N ms to send a request's
                         head, or sits idle that long between requests (default 65000, above nginx's 60 s upstream keepalive; 0: never)
  --history H            seeded (default): the audit log starts with the demo's past (weeks
                         of enrollments, a roll-out, an unlock, resets); none: it starts empty
  --clusters N           serve N clusters (default 1), each under /clusters/<name>/api
                         instead of /api, with its own UUIDs, accounts and profiles (--profiles
                         each); with --dist, /clusters.json lists them
  --cluster-names LIST   comma-separated names of the clusters, in order (default cluster1,
                         cluster2...; letters, digits, '-', '_', '.')
  --releases LIST        comma-separated ONTAP releases the clusters cycle through (default
                         9.12.1,9.13.1,9.16.1,9.18.1,9.19.1; one cluster runs --ontap-version)
  --fleet-links L        rebased (default): a cluster's HAL links and Location under
                         /clusters/<name>/api, as a rewriting proxy gives them; as-sent: /api/...
                         as the cluster wrote them, as a plain proxy gives them
  --gateway              also serve Unified Manager's API gateway in front of the clusters:
                         GET /api/gateways, /api/gateways/<cluster uuid>/<ONTAP path>; its users
                         umadmin (Application Administrator), umstorage, umoperator, password
                         as the demo's
";

fn number<T: std::str::FromStr>(name: &str, v: &str) -> Result<T, String> {
    v.parse()
        .map_err(|_| format!("{name}: '{v}' is not a whole number"))
}

fn parse(args: &[String]) -> Result<Config, String> {
    // The command is the demo: its audit log has a past (the library's default has none).
    let mut config = Config {
        history: true,
        ..Config::default()
    };
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
            "--history" => {
                config.history = match value()?.as_str() {
                    "seeded" => true,
                    "none" => false,
                    v => return Err(format!("--history: '{v}' is not seeded or none")),
                }
            }
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
            "--profiles" => config.profiles = number(name, &value()?)?,
            "--clusters" => {
                config.clusters = number(name, &value()?)?;
                if config.clusters == 0 {
                    return Err("--clusters: at least 1".into());
                }
            }
            "--cluster-names" => {
                config.cluster_names = value()?.split(',').map(|n| n.trim().to_owned()).collect();
                if let Some(bad) = config
                    .cluster_names
                    .iter()
                    .find(|n| !ontap_sim::fleet::valid_name(n))
                {
                    return Err(format!(
                        "--cluster-names: '{bad}' is not a name of letters, digits, '-', '_', '.'"
                    ));
                }
            }
            "--gateway" => config.gateway = true,
            "--fleet-links" => {
                config.fleet_links_as_sent = match value()?.as_str() {
                    "rebased" => false,
                    "as-sent" => true,
                    other => {
                        return Err(format!(
                            "--fleet-links: '{other}' is not rebased or as-sent"
                        ))
                    }
                }
            }
            "--releases" => {
                config.releases = value()?
                    .split(',')
                    .map(|v| {
                        Version::parse(v.trim())
                            .ok_or_else(|| format!("--releases: '{v}' is not an ONTAP release"))
                    })
                    .collect::<Result<_, _>>()?;
            }
            "--seed" => config.seed = number(name, &value()?)?,
            "--accounts" => config.accounts = number(name, &value()?)?,
            "--max-failed-logins" => config.max_failed_logins = number(name, &value()?)?,
            "--clock-offset-secs" => {
                let v = value()?;
                config.clock_offset_secs = v.parse().map_err(|_| {
                    format!("--clock-offset-secs: '{v}' is not a whole number of seconds")
                })?;
            }
            "--disabled-profiles" => {
                config.disabled_hidden = match value()?.as_str() {
                    "listed" => false,
                    "hidden" => true,
                    other => {
                        return Err(format!(
                            "--disabled-profiles: '{other}' is not listed or hidden"
                        ))
                    }
                }
            }
            "--token" => {
                let v = value()?;
                match v.split_once('=') {
                    Some((n, t)) if !n.is_empty() && !t.is_empty() => {
                        config.tokens.push((n.to_owned(), t.to_owned()))
                    }
                    _ => return Err(format!("--token: '{v}' is not NAME=TOKEN")),
                }
            }
            "--fault-rate" => {
                let v = value()?;
                config.faults.rate = v
                    .parse::<f64>()
                    .ok()
                    .filter(|r| (0.0..=1.0).contains(r))
                    .ok_or_else(|| format!("--fault-rate: '{v}' is not a number from 0 to 1"))?;
            }
            "--fault-modes" => {
                config.faults.modes = value()?
                    .split(',')
                    .filter(|m| !m.trim().is_empty())
                    .map(|m| m.parse::<FaultMode>())
                    .collect::<Result<_, _>>()
                    .map_err(|e| format!("--fault-modes: {e}"))?;
            }
            "--fault-seed" => config.faults.seed = number(name, &value()?)?,
            "--expire-after" => config.faults.expire_after = Some(number(name, &value()?)?),
            "--log-size" => {
                config.log_size = number(name, &value()?)?;
                if config.log_size == 0 {
                    return Err("--log-size: keep at least 1 entry".into());
                }
            }
            "--header-read-timeout-ms" => config.header_read_timeout_ms = number(name, &value()?)?,
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
    let clock_offset = config.clock_offset_secs;
    let gateway = config.gateway;
    let result = runtime.block_on(async move {
        let running = ontap_sim::start(config).await?;
        if !running.clusters.is_empty() {
            for c in &running.clusters {
                let (release, profiles) = c.with_state(|s| (s.version.short(), s.totps.len()));
                eprintln!(
                    "ontap-sim: ONTAP {release} cluster '{}' at {}{} ({profiles} TOTP profiles)",
                    c.name,
                    running.url(),
                    c.api_base()
                );
            }
            if serving_page {
                eprintln!(
                    "ontap-sim: the page at {}/, clusters.json beside it",
                    running.url()
                );
            }
            if gateway {
                eprintln!(
                    "ontap-sim: Unified Manager's API gateway at {}/api/gateways \
                     (umadmin, umstorage, umoperator)",
                    running.url()
                );
            }
            eprintln!(
                "ontap-sim: sign in as admin, readonly, vsadmin or alice; password {}",
                demo::DEMO_PASSWORD
            );
            return running.wait().await;
        }
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
        let profiles = running.state.with_state(|s| s.totps.len());
        eprintln!("ontap-sim: {profiles} TOTP profiles");
        if clock_offset != 0 {
            eprintln!(
                "ontap-sim: the cluster's clock runs {} s {} this machine's",
                clock_offset.unsigned_abs(),
                if clock_offset > 0 {
                    "ahead of"
                } else {
                    "behind"
                }
            );
        }
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
            "--listen 0.0.0.0:9000 --dist=dist --ontap-version 9.13.1 --latency-ms=250 --www-authenticate never \
             --clock-offset-secs=-90",
        ))
        .unwrap();
        assert_eq!(c.clock_offset_secs, -90);
        assert_eq!(
            parse(&args("--clock-offset-secs 300"))
                .unwrap()
                .clock_offset_secs,
            300
        );
        assert_eq!(c.listen, "0.0.0.0:9000".parse().unwrap());
        assert_eq!(c.dist, Some(PathBuf::from("dist")));
        assert_eq!(c.version.short(), "9.13.1");
        assert_eq!(c.latency_ms, 250);
        assert_eq!(c.www_authenticate, Some(false));
        let d = parse(&[]).unwrap();
        assert_eq!(d.listen, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(d.version.short(), "9.18.1");
        assert_eq!(d.faults.rate, 0.0);
        assert!(!d.disabled_hidden);
        assert_eq!(d.clock_offset_secs, 0);
        // The command is the demo: its audit log has a past unless asked not to.
        assert!(d.history);
        assert!(!parse(&args("--history none")).unwrap().history);
        assert!(parse(&args("--history=seeded")).unwrap().history);
        assert!(parse(&args("--history some")).is_err());
    }

    #[test]
    fn fleet_options_are_read_and_bad_ones_refused() {
        let c = parse(&args(
            "--clusters 5 --cluster-names prod-a,prod-b --releases=9.13.1,9.19.1 --fleet-links as-sent --gateway",
        ))
        .unwrap();
        assert_eq!(c.clusters, 5);
        assert_eq!(c.cluster_names, ["prod-a", "prod-b"]);
        assert_eq!(
            c.releases.iter().map(Version::short).collect::<Vec<_>>(),
            ["9.13.1", "9.19.1"]
        );
        assert!(c.fleet_links_as_sent && c.gateway);
        let d = parse(&[]).unwrap();
        assert_eq!(
            (d.clusters, d.fleet_links_as_sent, d.gateway),
            (1, false, false)
        );
        for bad in [
            "--clusters 0",
            "--cluster-names a/b",
            "--releases 9.x",
            "--fleet-links maybe",
        ] {
            assert!(parse(&args(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn scale_tokens_and_faults_are_read() {
        let c = parse(&args(
            "--profiles 100000 --seed=7 --disabled-profiles hidden --token jdoe=abc.def.ghi \
             --token admin=t2 --fault-rate 0.25 --fault-modes 503,drop-after --fault-seed 9 \
             --expire-after 40",
        ))
        .unwrap();
        assert_eq!((c.profiles, c.seed, c.disabled_hidden), (100000, 7, true));
        assert_eq!(
            c.tokens,
            [
                ("jdoe".into(), "abc.def.ghi".into()),
                ("admin".into(), "t2".into())
            ]
        );
        assert_eq!(c.faults.rate, 0.25);
        assert_eq!(
            c.faults.modes,
            [FaultMode::Unavailable, FaultMode::DropAfter]
        );
        assert_eq!((c.faults.seed, c.faults.expire_after), (9, Some(40)));
    }

    #[test]
    fn log_size_and_header_timeout_are_read() {
        let c = parse(&args("--log-size 500 --header-read-timeout-ms=250")).unwrap();
        assert_eq!((c.log_size, c.header_read_timeout_ms), (500, 250));
        let d = parse(&[]).unwrap();
        assert_eq!(d.log_size, ontap_sim::DEFAULT_LOG_SIZE);
        assert_eq!(
            d.header_read_timeout_ms,
            ontap_sim::DEFAULT_HEADER_READ_TIMEOUT_MS
        );
        assert_eq!(
            parse(&args("--header-read-timeout-ms 0"))
                .unwrap()
                .header_read_timeout_ms,
            0
        );
    }

    #[test]
    fn bad_options_say_what_is_wrong() {
        for (a, needle) in [
            ("--listen nowhere", "--listen"),
            ("--ontap-version 9.x", "--ontap-version"),
            ("--latency-ms soon", "--latency-ms"),
            ("--clock-offset-secs 5m", "--clock-offset-secs"),
            ("--www-authenticate maybe", "--www-authenticate"),
            ("--dist", "needs a value"),
            ("--colour", "unknown argument"),
            ("--profiles many", "--profiles"),
            ("--disabled-profiles gone", "--disabled-profiles"),
            ("--token jdoe", "--token"),
            ("--fault-rate 2", "--fault-rate"),
            ("--fault-modes 418", "--fault-modes"),
            ("--log-size 0", "--log-size"),
            ("--log-size lots", "--log-size"),
            ("--header-read-timeout-ms 5s", "--header-read-timeout-ms"),
        ] {
            let e = parse(&args(a)).unwrap_err();
            assert!(e.contains(needle), "{a}: {e}");
        }
        assert_eq!(parse(&args("--help")).unwrap_err(), "");
    }
}
