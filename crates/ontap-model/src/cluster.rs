//! The cluster identity (`GET /api/cluster`): its name and ONTAP release.

use serde::{Deserialize, Serialize};

/// The first release with the TOTP endpoints (`x-ntap-introduced: '9.13'`).
pub const TOTP_INTRODUCED: (u32, u32) = (9, 13);
/// The first release whose REST API no longer deletes TOTP profiles: from 9.19.1 deletion needs
/// an interactive confirmation (a one-time password or an emergency code) in the CLI
/// (netapp-ontap 9.19.1.0, `resources/totp.py`).
pub const REST_DELETE_REMOVED: (u32, u32) = (9, 19);

/// `version` of `/api/cluster`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Version {
    #[serde(default)]
    pub full: String,
    #[serde(default)]
    pub generation: u32,
    #[serde(default)]
    pub major: u32,
    #[serde(default)]
    pub minor: u32,
}

impl Version {
    /// A release `generation.major.minor`, with ONTAP's `full` text.
    pub fn new(generation: u32, major: u32, minor: u32) -> Version {
        Version {
            full: format!("NetApp Release {generation}.{major}.{minor}"),
            generation,
            major,
            minor,
        }
    }
    /// Parses "9.18.1" (as given on the emulator's command line).
    pub fn parse(s: &str) -> Option<Version> {
        let mut it = s.trim().split('.').map(|p| p.parse::<u32>().ok());
        let g = it.next()??;
        let ma = it.next()??;
        let mi = it.next().unwrap_or(Some(0))?;
        if it.next().is_some() {
            return None;
        }
        Some(Version::new(g, ma, mi))
    }
    /// `9.18.1`.
    pub fn short(&self) -> String {
        format!("{}.{}.{}", self.generation, self.major, self.minor)
    }
    pub fn at_least(&self, generation: u32, major: u32, minor: u32) -> bool {
        (self.generation, self.major, self.minor) >= (generation, major, minor)
    }
    /// TOTP profiles exist from 9.13 on.
    pub fn has_totp(&self) -> bool {
        self.at_least(TOTP_INTRODUCED.0, TOTP_INTRODUCED.1, 0)
    }
    /// `DELETE /api/security/login/totps/{owner.uuid}/{account.name}` works: TOTP exists and
    /// the release is older than 9.19 (9.13 to 9.18.x).
    pub fn rest_delete_supported(&self) -> bool {
        self.has_totp() && !self.at_least(REST_DELETE_REMOVED.0, REST_DELETE_REMOVED.1, 0)
    }
}

/// The cluster as `GET /api/cluster?fields=name,uuid,version` returns it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cluster {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uuid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<Version>,
}

/// Whether a cluster's name can stand in a path segment as it is (letters, digits, `-`, `_`,
/// `.`; not `.` or `..`): the rule of a fleet's `clusters.json` and of the emulator's fleet
/// layout (`/clusters/{name}/api`), and of the page's addresses that name a cluster.
pub fn fits_a_path(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_and_compare() {
        let v = Version::parse("9.18.1").unwrap();
        assert_eq!(v.full, "NetApp Release 9.18.1");
        assert!(v.has_totp() && v.at_least(9, 18, 1) && !v.at_least(9, 19, 1));
        assert!(!Version::parse("9.12.1").unwrap().has_totp());
        assert!(Version::parse("9.13").unwrap().has_totp());
        assert_eq!(Version::parse("9.x"), None);
        assert_eq!(Version::parse("9.1.2.3"), None);
    }

    #[test]
    fn rest_delete_is_offered_from_9_13_up_to_9_18() {
        let v = |s: &str| Version::parse(s).unwrap();
        for yes in [
            "9.13.0", "9.13.1", "9.14.1", "9.17.1", "9.18.0", "9.18.1", "9.18.99",
        ] {
            assert!(v(yes).rest_delete_supported(), "{yes}");
        }
        for no in ["9.12.1", "9.8.0", "9.19.0", "9.19.1", "9.20.0", "10.0.0"] {
            assert!(!v(no).rest_delete_supported(), "{no}");
        }
    }

    #[test]
    fn cluster_names_fit_for_a_path_segment() {
        for ok in ["cluster1", "prod-a", "b.2", "x_y"] {
            assert!(fits_a_path(ok), "{ok}");
        }
        for bad in ["", ".", "..", "a/b", "a b", "é", "a?b", "a%2f"] {
            assert!(!fits_a_path(bad), "{bad}");
        }
    }
}
