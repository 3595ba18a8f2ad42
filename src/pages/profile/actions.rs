//! The editor's save area: the pending change in words, Save and Undo changes, and the
//! question Save may ask first (confirm disabling, or settle a conflict with the cluster).

use leptos::prelude::*;
use ontap_model::{TotpEdit, TotpPatch};

use super::edit::{pending_summary, subject, Edit, SaveState};
use super::review::{ConflictView, DisableConfirm};
use super::save::Sending;

#[component]
pub(crate) fn SaveArea(
    edit: Edit,
    sending: Sending,
    /// Save may be pressed: something changed and nothing is in flight or asked.
    can_save: Signal<bool>,
    /// A request is in flight.
    busy: Signal<bool>,
    /// A request is in flight or a question is open: the fields hold still.
    locked: Signal<bool>,
    /// The Save button, focused again when a question is cancelled.
    save_button: NodeRef<leptos::html::Button>,
) -> impl IntoView {
    let Edit {
        loaded,
        comment,
        enabled,
        state,
        patch,
        ..
    } = edit;
    let Sending {
        send,
        verify_and_send,
        ..
    } = sending;
    let answer = move |s: SaveState| edit.answer(s);
    let confirm = Callback::new(move |()| {
        if state.get_untracked() == SaveState::Confirming {
            verify_and_send.run(());
        }
    });
    let cancel = Callback::new(move |()| {
        if state.get_untracked() == SaveState::Confirming {
            state.set(SaveState::Idle);
            // Back to where the question came from, once Save is enabled again.
            request_animation_frame(move || {
                if let Some(b) = save_button.get_untracked() {
                    let _ = b.focus();
                }
            });
        }
    });
    let keep_mine = Callback::new(move |()| {
        let SaveState::Conflict(now) = state.get_untracked() else {
            return;
        };
        loaded.set(now);
        let p = patch.get_untracked();
        if p.is_empty() {
            answer(SaveState::Saved(
                "The cluster already holds your version; nothing was sent.".into(),
            ));
        } else {
            send.run(p);
        }
    });
    let use_theirs = Callback::new(move |()| {
        let SaveState::Conflict(now) = state.get_untracked() else {
            return;
        };
        edit.take(now);
        answer(SaveState::Note(
            "The form now shows the cluster's version. Nothing was sent.".into(),
        ));
    });

    let question = move || match state.get() {
        SaveState::Confirming => {
            let account = loaded.with_untracked(subject).0;
            Some(
                view! { <DisableConfirm account=account on_confirm=confirm on_cancel=cancel /> }
                    .into_any(),
            )
        }
        SaveState::Conflict(now) => {
            let mine = edit.edited();
            let keeps_disable = !mine.enabled && now.enabled == Some(true);
            Some(
                view! {
                    <ConflictView
                        mine=mine
                        theirs=now
                        keeps_disable=keeps_disable
                        on_keep=keep_mine
                        on_use_theirs=use_theirs
                    />
                }
                .into_any(),
            )
        }
        _ => None,
    };
    view! {
        <p class="editor-pending" aria-live="polite">{move || pending_summary(&patch.get())}</p>
        <div class="actions">
            <button
                type="submit"
                class="button button-primary"
                node_ref=save_button
                disabled=move || !can_save.get()
            >
                {move || if busy.get() { "Saving…" } else { "Save" }}
            </button>
            <button
                type="button"
                class="button"
                disabled=move || patch.with(TotpPatch::is_empty) || locked.get()
                on:click=move |_| {
                    let l = TotpEdit::from_loaded(&loaded.get_untracked());
                    comment.set(l.comment.as_str().to_owned());
                    enabled.set(l.enabled);
                }
            >
                "Undo changes"
            </button>
        </div>
        {question}
    }
}
