//! A Unified Manager API gateway's write rule (issue 19), apart from the gateway's listing
//! (`gateway.rs`) because the transport (`http.rs`) asks it before every write. "All users can
//! run a query by using the GET operation. Application Administrators can run all ONTAP REST
//! operations" (Unified Manager's gateway page), and Unified Manager gives no way to learn the
//! role first: the first write through a gateway tells, and after a refusal nothing more is
//! sent through it for writes.

use std::sync::{Arc, RwLock};

use ontap_model::ErrorResponse;

use super::error::ApiError;

/// What a gateway's writes came to so far in this sign-in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Writes {
    /// No write answered yet: the role is not known. A runner sends one write alone first.
    Unknown,
    /// A write went through: the user is an Application Administrator; a later refusal is the
    /// cluster's own, about that write.
    Accepted,
    /// The first write was refused (403): nothing more is sent through this gateway for
    /// writes. `said` is the refusal's own message, shown as text.
    Refused { said: String },
}

type OnChange = Arc<dyn Fn(&Writes) + Send + Sync>;

/// The write rule of one gateway for one sign-in, shared by the clients of all its clusters:
/// [`Client::send`] asks it before a write and tells it the answer, so every write through the
/// gateway (an editor's, a bulk run's, offboarding's) is held to it without knowing it.
#[derive(Clone)]
pub struct WriteGate {
    state: Arc<RwLock<Writes>>,
    on_change: OnChange,
}

impl WriteGate {
    /// A gate that has seen no write; `on_change` hears every change of its state (the store
    /// mirrors it in a signal for the view).
    pub fn new(on_change: impl Fn(&Writes) + Send + Sync + 'static) -> WriteGate {
        WriteGate {
            state: Arc::new(RwLock::new(Writes::Unknown)),
            on_change: Arc::new(on_change),
        }
    }

    pub fn state(&self) -> Writes {
        match self.state.read() {
            Ok(s) => s.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// True while a write may still be sent.
    pub fn open(&self) -> bool {
        !matches!(self.state(), Writes::Refused { .. })
    }

    fn set(&self, to: Writes) {
        match self.state.write() {
            Ok(mut s) => *s = to.clone(),
            Err(p) => *p.into_inner() = to.clone(),
        }
        (self.on_change)(&to);
    }

    /// Before a write is sent: `Err` keeps it from the network once a write was refused.
    pub(crate) fn check(&self) -> Result<(), ApiError> {
        match self.state() {
            Writes::Refused { said } => Err(ApiError::GatewayWriteRefused { sent: false, said }),
            _ => Ok(()),
        }
    }

    /// A write's answer (`status`, `body`): a 403 while the role is unknown is the gateway's
    /// refusal, returned as [`ApiError::GatewayWriteRefused`] (the page cannot tell Unified
    /// Manager's refusal from the cluster's by the body, which is not documented, and sending
    /// less is the safe side); a 2xx proves the role. Anything else changes nothing.
    pub(crate) fn answered(&self, status: u16, body: &str) -> Option<ApiError> {
        match (self.state(), status) {
            (Writes::Unknown, 403) => {
                let said = serde_json::from_str::<ErrorResponse>(body)
                    .map(|b| b.error.message)
                    .unwrap_or_default();
                self.set(Writes::Refused { said: said.clone() });
                Some(ApiError::GatewayWriteRefused { sent: true, said })
            }
            (Writes::Unknown, 200..=299) => {
                self.set(Writes::Accepted);
                None
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    const REFUSAL: &str = r#"{"error":{"message":"User \"umoperator\" (Operator) is not authorized for this operation.","code":"6"}}"#;

    fn gate() -> (WriteGate, Arc<Mutex<Vec<Writes>>>) {
        let heard = Arc::new(Mutex::new(Vec::new()));
        let h = heard.clone();
        let g = WriteGate::new(move |w| h.lock().unwrap().push(w.clone()));
        (g, heard)
    }

    #[test]
    fn the_first_refused_write_closes_the_gate_and_nothing_more_is_sent() {
        let (g, heard) = gate();
        assert_eq!(g.check(), Ok(()));
        let first = g.answered(403, REFUSAL);
        let said = "User \"umoperator\" (Operator) is not authorized for this operation.";
        assert_eq!(
            first,
            Some(ApiError::GatewayWriteRefused {
                sent: true,
                said: said.into()
            })
        );
        assert!(!g.open());
        // Every later write is kept from the network, whoever sends it (a clone shares it).
        for _ in 0..3 {
            assert_eq!(
                g.clone().check(),
                Err(ApiError::GatewayWriteRefused {
                    sent: false,
                    said: said.into()
                })
            );
        }
        assert_eq!(
            *heard.lock().unwrap(),
            [Writes::Refused { said: said.into() }]
        );
        // A refusal without an ONTAP body closes it too, with nothing to quote.
        let (g, _) = gate();
        assert_eq!(
            g.answered(403, "<html>Forbidden</html>"),
            Some(ApiError::GatewayWriteRefused {
                sent: true,
                said: String::new()
            })
        );
    }

    #[test]
    fn a_write_that_went_through_proves_the_role_and_later_refusals_are_the_clusters() {
        let (g, heard) = gate();
        assert_eq!(g.answered(200, "{}"), None);
        assert_eq!(g.state(), Writes::Accepted);
        // The cluster's own 403 about one write (its account may not do that) leaves it open.
        assert_eq!(g.answered(403, REFUSAL), None);
        assert!(g.open());
        assert_eq!(g.check(), Ok(()));
        assert_eq!(*heard.lock().unwrap(), [Writes::Accepted]);
    }

    #[test]
    fn other_answers_leave_the_role_unknown() {
        let (g, heard) = gate();
        for status in [400, 404, 409, 429, 500, 502, 504] {
            assert_eq!(g.answered(status, "{}"), None, "{status}");
        }
        assert_eq!(g.state(), Writes::Unknown);
        assert!(heard.lock().unwrap().is_empty());
    }
}
