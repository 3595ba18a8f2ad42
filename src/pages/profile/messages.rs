//! The editor's messages above the fields: what it is doing (checking, saving), what the
//! cluster answered, and what to do when the outcome of a write is unknown (Check again).

use leptos::prelude::*;

use super::edit::{Place, SaveState};
use super::save::Sending;
use crate::components::Explained;
use crate::components::{Alert, Status};

#[component]
pub fn SaveMessages(state: RwSignal<SaveState>, sending: Sending) -> impl IntoView {
    let reread = sending.reread;
    let check_again = move || match state.get_untracked() {
        SaveState::Unknown(e) | SaveState::NotYet { error: e, .. } => reread.run(e),
        _ => {}
    };

    let top = move || {
        match state.get() {
        SaveState::Idle | SaveState::Confirming | SaveState::Conflict(_) => None,
        SaveState::Verifying => Some(
            view! { <Status message="Checking that the profile did not change on the cluster…" busy=true /> }
                .into_any(),
        ),
        SaveState::Saving => Some(view! { <Status message="Saving…" busy=true /> }.into_any()),
        SaveState::Checking => Some(
            view! { <Status message="The answer was lost; checking whether the change was applied…" busy=true /> }
                .into_any(),
        ),
        SaveState::Saved(m) | SaveState::Note(m) => Some(view! { <Status message=m /> }.into_any()),
        SaveState::Failed(e) if Place::of(&e) == Place::Top => {
            let Explained { message: m, next_step: n } = Explained::from(&e);
            Some(view! { <Alert message=m next_step=n /> }.into_any())
        }
        SaveState::Failed(_) => Some(
            view! { <Alert message="The change was not saved; see the field below. Your edits are kept." /> }
                .into_any(),
        ),
        SaveState::NotSent(e) => {
            let Explained { message: m, next_step: n } = Explained::from(&e);
            Some(
                view! {
                    <Alert
                        message=format!("Nothing was sent: the profile could not be re-read to check for changes made meanwhile. {m}")
                        next_step=format!("{n} Your edits are kept.")
                    />
                }
                .into_any(),
            )
        }
        SaveState::NotApplied(e) => {
            let Explained { message: m, next_step: n } = Explained::from(&e);
            Some(
                view! {
                    <Alert
                        message=format!("Not saved: {m} Re-reading the profile shows the change was not applied.")
                        next_step=format!("{n} Your edits are kept; Save sends them again.")
                    />
                }
                .into_any(),
            )
        }
        SaveState::NotYet { error, until } => {
            let m = Explained::from(&error).message;
            Some(
                view! {
                    <Alert
                        message=format!("{m} Re-reading the profile does not show the change yet, but the cluster may still carry it out until {until}.")
                        next_step=format!("Nothing is sent again meanwhile, and Save stays off: the page reads the profile again at {until} and says how it ended. Your edits are kept.")
                    >
                        <button type="button" class="button" on:click=move |_| check_again()>"Check again"</button>
                    </Alert>
                }
                .into_any(),
            )
        }
        SaveState::Unknown(e) => {
            let m = Explained::from(&e).message;
            Some(
                view! {
                    <Alert
                        message=format!("{m} It is not known whether the change was applied.")
                        next_step="Your edits are kept. Check again before saving, so the change is not sent twice."
                    >
                        <button type="button" class="button" on:click=move |_| check_again()>"Check again"</button>
                    </Alert>
                }
                .into_any(),
            )
        }
    }
    };
    view! { <div class="editor-messages">{top}</div> }
}
