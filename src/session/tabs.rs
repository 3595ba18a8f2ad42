//! The page's tabs talk to each other over one `BroadcastChannel` (same origin, same browser
//! profile), in [`TabMessage`]s: a Rust enum carried with serde-wasm-bindgen, anything else
//! on the channel ignored. What they say:
//!
//! - a session ended in one tab (its user signed out, or it sat idle): every other signed-in
//!   tab ends its own, by the idle rule (`session::idle`: a tab with a bulk run going or a
//!   secret on screen warns first and may stay);
//! - someone is active in one tab: that counts as activity in every tab, so a tab the user
//!   works in is never signed out because another one sat idle;
//! - "is the tab with this id alive?": a tab about to restore a session kept in its
//!   sessionStorage asks first. Chromium copies a tab's sessionStorage into a duplicate (and
//!   into a window it opens), so a kept session would arrive in the copy and be shared
//!   silently; a live tab with the same id answers, and the copy forgets the session and asks
//!   for a sign-in of its own. A reload finds no one holding its id (the old document is
//!   gone) and restores as before.
//!
//! The shell opens the channel while signed in ([`Tabs::open`], [`Tabs::serve`]); the restore
//! asks with [`held_elsewhere`]. What a tab does with a message is pure ([`react`]).

use std::cell::Cell;
use std::rc::Rc;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use web_sys::{BroadcastChannel, MessageEvent};

use super::idle::Idle;
use super::persist;
use super::state::SessionCtx;
use crate::platform::sleep_ms;

/// The channel's name (one per origin).
pub const CHANNEL: &str = "totp-admin";
/// How long a restoring tab waits for a live tab to say it holds the same id.
pub const ASK_MS: u32 = 300;

/// What one tab tells the others.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TabMessage {
    /// The session in the sending tab ended (signed out, or idle).
    Ended,
    /// Someone is active in the sending tab (at most every few seconds).
    Active,
    /// Is a live tab holding this tab id (`persist::TAB_KEY`)?
    Alive { tab: String },
    /// Yes: this tab holds it.
    Here { tab: String },
}

/// What a tab does with a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Reply {
    Nothing,
    /// End this tab's session too (by the idle rule).
    End,
    /// Count it as activity here.
    Active,
    /// Send this answer.
    Answer(TabMessage),
}

/// What a signed-in tab whose kept tab id is `mine` does with `m`.
pub(crate) fn react(m: &TabMessage, mine: Option<&str>) -> Reply {
    match m {
        TabMessage::Ended => Reply::End,
        TabMessage::Active => Reply::Active,
        TabMessage::Alive { tab } if mine == Some(tab.as_str()) => {
            Reply::Answer(TabMessage::Here { tab: tab.clone() })
        }
        TabMessage::Alive { .. } | TabMessage::Here { .. } => Reply::Nothing,
    }
}

/// A message as the channel carries it.
pub fn encode(m: &TabMessage) -> Option<JsValue> {
    serde_wasm_bindgen::to_value(m).ok()
}

/// A message from the channel; `None` for anything that is not one.
pub fn decode(v: &JsValue) -> Option<TabMessage> {
    serde_wasm_bindgen::from_value(v.clone()).ok()
}

fn post_on(ch: &BroadcastChannel, m: &TabMessage) {
    if let Some(v) = encode(m) {
        let _ = ch.post_message(&v);
    }
}

/// The signed-in page's end of the channel: a `Copy` handle, closed with the owner it was
/// opened under.
#[derive(Clone, Copy)]
pub struct Tabs {
    channel: StoredValue<Option<BroadcastChannel>, LocalStorage>,
}

impl Tabs {
    /// Opens the channel (none where the browser has no BroadcastChannel: the tab is then on
    /// its own, as before).
    pub fn open() -> Tabs {
        let channel = BroadcastChannel::new(CHANNEL).ok();
        let tabs = Tabs {
            channel: StoredValue::new_local(channel),
        };
        on_cleanup(move || {
            if let Some(Some(ch)) = tabs.channel.try_with_value(Clone::clone) {
                ch.set_onmessage(None);
                ch.close();
            }
        });
        tabs
    }

    /// Tells the other tabs.
    pub fn post(&self, m: &TabMessage) {
        self.channel.with_value(|ch| {
            if let Some(ch) = ch {
                post_on(ch, m);
            }
        });
    }

    /// Acts on what the other tabs say while the owner lives: their sign-out ends this
    /// session by `idle`'s rule, their activity counts here, and their question about this
    /// tab's id is answered.
    pub fn serve(&self, session: SessionCtx, idle: Idle) {
        let Some(Some(ch)) = self.channel.try_with_value(Clone::clone) else {
            return;
        };
        let this = *self;
        let on = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            let Some(m) = decode(&ev.data()) else { return };
            if session.serial().is_none() {
                return;
            }
            // Only a tab that keeps its session answers for its id: that is the one a copy
            // would share.
            let mine = persist::is_kept().then(persist::tab_id).flatten();
            match react(&m, mine.as_deref()) {
                Reply::Nothing => {}
                Reply::End => idle.ended_elsewhere(),
                Reply::Active => idle.active_elsewhere(),
                Reply::Answer(a) => this.post(&a),
            }
        });
        ch.set_onmessage(Some(on.as_ref().unchecked_ref()));
        // Lives as long as the channel: dropped when the owner goes.
        let on = StoredValue::new_local(Some(on));
        on_cleanup(move || {
            on.try_update_value(Option::take);
        });
    }
}

/// Whether a live tab of the page holds the tab id `tab`: asked over the channel, waiting up
/// to [`ASK_MS`] for the answer. False where there is no channel.
pub async fn held_elsewhere(tab: &str) -> bool {
    let Ok(ch) = BroadcastChannel::new(CHANNEL) else {
        return false;
    };
    let heard = Rc::new(Cell::new(false));
    let on = {
        let heard = heard.clone();
        let want = TabMessage::Here {
            tab: tab.to_owned(),
        };
        Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            if decode(&ev.data()).as_ref() == Some(&want) {
                heard.set(true);
            }
        })
    };
    ch.set_onmessage(Some(on.as_ref().unchecked_ref()));
    post_on(
        &ch,
        &TabMessage::Alive {
            tab: tab.to_owned(),
        },
    );
    let mut waited = 0;
    while !heard.get() && waited < ASK_MS {
        sleep_ms(25).await;
        waited += 25;
    }
    ch.set_onmessage(None);
    ch.close();
    drop(on);
    heard.get()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_message_gets_its_reply() {
        assert_eq!(react(&TabMessage::Ended, None), Reply::End);
        assert_eq!(react(&TabMessage::Active, Some("a")), Reply::Active);
        let ask = TabMessage::Alive { tab: "a1".into() };
        assert_eq!(
            react(&ask, Some("a1")),
            Reply::Answer(TabMessage::Here { tab: "a1".into() })
        );
        // Another tab's id, or no kept session here: no answer.
        assert_eq!(react(&ask, Some("b2")), Reply::Nothing);
        assert_eq!(react(&ask, None), Reply::Nothing);
        assert_eq!(
            react(&TabMessage::Here { tab: "a1".into() }, Some("a1")),
            Reply::Nothing
        );
    }

    /// The enum keeps its shape through serde (serde-wasm-bindgen uses the same derive; the
    /// wasm component tests carry it through a JsValue).
    #[test]
    fn messages_round_trip() {
        for m in [
            TabMessage::Ended,
            TabMessage::Active,
            TabMessage::Alive { tab: "x".into() },
            TabMessage::Here { tab: "y".into() },
        ] {
            let json = serde_json::to_string(&m).unwrap();
            assert_eq!(serde_json::from_str::<TabMessage>(&json).unwrap(), m);
        }
        assert!(serde_json::from_str::<TabMessage>(r#"{"Other":1}"#).is_err());
    }
}
