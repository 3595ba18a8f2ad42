//! Fault injection for the page's reliability tests: which faults, how often, from which seed,
//! and the record of each one injected (what was or was not applied), so that a test can hold
//! the page's account of events against the truth.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use crate::rng::SplitMix64;

/// One kind of fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FaultMode {
    /// 500 with an ONTAP error body; nothing applied.
    Internal,
    /// 503 with code 262160; nothing applied.
    Unavailable,
    /// 429 with code 262160; nothing applied.
    TooMany,
    /// The connection closes before the request is carried out: nothing applied, no answer.
    DropBefore,
    /// The request is carried out, then the connection closes without an answer. The client
    /// cannot tell this from [`FaultMode::DropBefore`].
    DropAfter,
    /// The request is carried out; the answer's body is cut in half (the connection closes).
    Truncate,
    /// The request is carried out; the answer's body is an HTML page, not JSON.
    NotJson,
    /// Scripted only ([`Scripted::Delay`]): the request is carried out at once and its answer
    /// held back for a while. Not drawn at random.
    Slow,
    /// Scripted only ([`Scripted::Raw`]): a hostile or broken server's answer (any status,
    /// type and bytes) in place of the cluster's; nothing carried out. Not drawn at random.
    Hostile,
    /// Scripted only ([`Scripted::LateApply`]): the connection closes without an answer at
    /// once, and the request is carried out later, after re-reads that find nothing. What a
    /// cluster does with a write it queued before the proxy gave up on it. Not drawn at random.
    LateApply,
}

impl FaultMode {
    pub const ALL: [FaultMode; 7] = [
        FaultMode::Internal,
        FaultMode::Unavailable,
        FaultMode::TooMany,
        FaultMode::DropBefore,
        FaultMode::DropAfter,
        FaultMode::Truncate,
        FaultMode::NotJson,
    ];

    pub fn name(self) -> &'static str {
        match self {
            FaultMode::Internal => "500",
            FaultMode::Unavailable => "503",
            FaultMode::TooMany => "429",
            FaultMode::DropBefore => "drop-before",
            FaultMode::DropAfter => "drop-after",
            FaultMode::Truncate => "truncate",
            FaultMode::NotJson => "not-json",
            FaultMode::Slow => "slow",
            FaultMode::Hostile => "hostile",
            FaultMode::LateApply => "late-apply",
        }
    }

    /// True when the request is answered (or dropped) before anything is carried out.
    pub fn before_applying(self) -> bool {
        matches!(
            self,
            FaultMode::Internal
                | FaultMode::Unavailable
                | FaultMode::TooMany
                | FaultMode::DropBefore
                | FaultMode::Hostile
        )
    }
}

impl fmt::Display for FaultMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for FaultMode {
    type Err = String;
    fn from_str(s: &str) -> Result<FaultMode, String> {
        FaultMode::ALL
            .into_iter()
            .find(|m| m.name() == s.trim())
            .ok_or_else(|| {
                let names: Vec<&str> = FaultMode::ALL.iter().map(|m| m.name()).collect();
                format!("'{s}' is not a fault mode ({})", names.join(", "))
            })
    }
}

/// Which faults to inject.
#[derive(Clone, Debug, PartialEq)]
pub struct FaultConfig {
    /// The share of `/api` requests that get a fault, 0 to 1.
    pub rate: f64,
    /// The modes drawn from (uniformly); empty means every mode.
    pub modes: Vec<FaultMode>,
    /// The seed of the draw: the same seed and the same order of requests give the same faults.
    pub seed: u64,
    /// Expire each credential (user name or token) after this many `/api` requests: 401 from
    /// then on, as if its session ended mid-run.
    pub expire_after: Option<u64>,
}

impl Default for FaultConfig {
    fn default() -> FaultConfig {
        FaultConfig {
            rate: 0.0,
            modes: Vec::new(),
            seed: 0,
            expire_after: None,
        }
    }
}

/// The draw of faults, in the order requests arrive.
#[derive(Debug)]
pub struct FaultPlan {
    config: FaultConfig,
    rng: SplitMix64,
}

impl FaultPlan {
    pub fn new(config: FaultConfig) -> FaultPlan {
        FaultPlan {
            rng: SplitMix64::new(config.seed),
            config,
        }
    }

    pub fn config(&self) -> &FaultConfig {
        &self.config
    }

    /// The fault of the next request, if it gets one.
    pub fn draw(&mut self) -> Option<FaultMode> {
        if self.config.rate <= 0.0 {
            return None;
        }
        let hit = self.rng.unit() < self.config.rate;
        let pick = self.rng.next_u64();
        if !hit {
            return None;
        }
        let modes: &[FaultMode] = if self.config.modes.is_empty() {
            &FaultMode::ALL
        } else {
            &self.config.modes
        };
        Some(modes[(pick % modes.len() as u64) as usize])
    }
}

/// What a scripted fault does to the request it matches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scripted {
    /// One of the fault modes, for this request.
    Mode(FaultMode),
    /// The request is carried out at once; its answer is sent after this delay (a slow cluster
    /// or link). A client that gives up meanwhile never learns that it was applied.
    Delay(Duration),
    /// The answer is this status, `Content-Type` and body, byte for byte (oversized, deeply
    /// nested, wrongly typed, not UTF-8...); nothing is carried out.
    Raw {
        status: u16,
        content_type: String,
        body: Vec<u8>,
    },
    /// The connection closes without an answer at once; the request is carried out this long
    /// after it arrived (checked as the caller then, so an account that signed out meanwhile
    /// still has it applied, as a cluster would). A re-read before then finds nothing.
    LateApply(Duration),
}

/// A fault for the next requests that match, instead of a random draw: deterministic tests
/// ("the next GET of this profile answers 503 twice").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptedFault {
    /// The method it applies to (`GET`, `PATCH`...); `None`: any.
    pub method: Option<String>,
    /// A part of the raw path and query it applies to (`""`: any `/api` request).
    pub path_contains: String,
    pub what: Scripted,
    /// How many matching requests get it.
    pub times: u32,
}

impl ScriptedFault {
    /// `times` matching requests of `method` whose path contains `path_contains` get `what`.
    pub fn new(method: &str, path_contains: &str, what: Scripted, times: u32) -> ScriptedFault {
        ScriptedFault {
            method: (!method.is_empty()).then(|| method.to_ascii_uppercase()),
            path_contains: path_contains.to_owned(),
            what,
            times,
        }
    }

    pub fn matches(&self, method: &str, path: &str) -> bool {
        self.times > 0
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && path.contains(&self.path_contains)
    }
}

/// The queue of scripted faults: the first that matches a request is used (and counted down).
#[derive(Debug, Default)]
pub struct FaultScript(Vec<ScriptedFault>);

impl FaultScript {
    pub fn push(&mut self, f: ScriptedFault) {
        self.0.push(f);
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// The scripted fault of a request, if one matches.
    pub fn take(&mut self, method: &str, path: &str) -> Option<Scripted> {
        let i = self.0.iter().position(|f| f.matches(method, path))?;
        let f = &mut self.0[i];
        f.times -= 1;
        let what = f.what.clone();
        if f.times == 0 {
            self.0.remove(i);
        }
        Some(what)
    }

    /// How many scripted faults are still waiting for a request.
    pub fn pending(&self) -> u32 {
        self.0.iter().map(|f| f.times).sum()
    }
}

/// One injected fault, as the emulator saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FaultRecord {
    /// The request's id ([`crate::LoggedRequest::id`]).
    pub request_id: u64,
    pub method: String,
    /// The raw path and query.
    pub path: String,
    pub mode: FaultMode,
    /// Whether the request was carried out (a change it asked for is in the state). For the
    /// modes answered before applying, always false; for the others, true when the call
    /// succeeded.
    pub applied: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_draws_the_same_faults_at_about_the_rate() {
        let config = FaultConfig {
            rate: 0.3,
            seed: 42,
            ..FaultConfig::default()
        };
        let a: Vec<_> = {
            let mut p = FaultPlan::new(config.clone());
            (0..1000).map(|_| p.draw()).collect()
        };
        let b: Vec<_> = {
            let mut p = FaultPlan::new(config);
            (0..1000).map(|_| p.draw()).collect()
        };
        assert_eq!(a, b);
        let hits = a.iter().filter(|f| f.is_some()).count();
        assert!((230..370).contains(&hits), "{hits}");
        for m in FaultMode::ALL {
            assert!(a.contains(&Some(m)), "{m} never drawn");
        }
        let mut none = FaultPlan::new(FaultConfig::default());
        assert!((0..100).all(|_| none.draw().is_none()));
    }

    #[test]
    fn scripted_faults_match_in_order_and_count_down() {
        let mut q = FaultScript::default();
        q.push(ScriptedFault::new(
            "get",
            "/totps/",
            Scripted::Mode(FaultMode::Unavailable),
            2,
        ));
        q.push(ScriptedFault::new(
            "",
            "",
            Scripted::Delay(Duration::from_millis(5)),
            1,
        ));
        assert_eq!(q.pending(), 3);
        // A PATCH does not match the first: it takes the catch-all delay.
        assert_eq!(
            q.take("PATCH", "/api/security/login/totps/u/a"),
            Some(Scripted::Delay(Duration::from_millis(5)))
        );
        assert_eq!(q.take("PATCH", "/api/security/login/totps/u/a"), None);
        assert_eq!(q.take("GET", "/api/cluster"), None);
        for _ in 0..2 {
            assert_eq!(
                q.take("GET", "/api/security/login/totps/u/a?fields=comment"),
                Some(Scripted::Mode(FaultMode::Unavailable))
            );
        }
        assert_eq!(q.take("GET", "/api/security/login/totps/u/a"), None);
        assert_eq!(q.pending(), 0);
    }

    #[test]
    fn scripted_modes_are_never_drawn_nor_parsed() {
        assert!(!FaultMode::ALL.contains(&FaultMode::Slow));
        assert!(!FaultMode::ALL.contains(&FaultMode::Hostile));
        assert!("slow".parse::<FaultMode>().is_err());
    }

    #[test]
    fn modes_parse_from_their_names() {
        for m in FaultMode::ALL {
            assert_eq!(m.name().parse::<FaultMode>(), Ok(m));
        }
        assert!("teapot"
            .parse::<FaultMode>()
            .unwrap_err()
            .contains("drop-before"));
        let only = FaultConfig {
            rate: 1.0,
            modes: vec![FaultMode::TooMany],
            ..FaultConfig::default()
        };
        let mut p = FaultPlan::new(only);
        assert!((0..20).all(|_| p.draw() == Some(FaultMode::TooMany)));
    }
}
