//! The run's circumstances for the report: machine, date, commit, browser and server versions.

use e2e::workspace_root;

fn sh(cmd: &str, args: &[&str]) -> String {
    std::process::Command::new(cmd)
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|| "?".into())
}

pub(crate) fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .map(|v| v.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_else(|| "?".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let ram_kb: f64 = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0.0);
    let root = workspace_root();
    let root = root.to_string_lossy();
    let commit = sh("git", &["-C", &root, "rev-parse", "--short=12", "HEAD"]);
    let dirty = !sh(
        "git",
        &["-C", &root, "status", "--porcelain", "--untracked-files=no"],
    )
    .is_empty();
    format!(
        "- machine: {model}, {cores} cores, {:.1} GB RAM ({})\n\
         - date: {}\n\
         - commit: {commit}{}\n\
         - browser: {} (headless, cache disabled: every load is a first load)\n\
         - server: {} with brotli_static/gzip_static, loopback; ontap-sim in-process, no added latency\n",
        ram_kb / 1024.0 / 1024.0,
        sh("uname", &["-sr"]),
        sh("date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
        if dirty { " (with uncommitted changes in the working tree)" } else { "" },
        sh("chromium", &["--version"]),
        std::process::Command::new("nginx")
            .arg("-v")
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stderr).trim().trim_start_matches("nginx version: ").to_owned())
            .unwrap_or_else(|| "nginx".into()),
    )
}
