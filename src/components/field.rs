//! Labelled form fields with their error tied to them (`aria-describedby`, `aria-invalid`).

use leptos::prelude::*;

/// `aria-describedby` of a field: its hint, if it has one, and its error while there is one.
fn described_by(
    hint_id: Option<String>,
    error_id: String,
    error: Signal<Option<String>>,
) -> impl Fn() -> Option<String> + Send + Sync + Clone + 'static {
    move || {
        let mut ids: Vec<&str> = hint_id.iter().map(String::as_str).collect();
        if error.with(Option::is_some) {
            ids.push(&error_id);
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

/// A labelled text input. `error` is shown under it, and announced with the field.
#[component]
pub(crate) fn TextField(
    /// The element id; the error gets `{id}-error`.
    #[prop(into)]
    id: String,
    #[prop(into)] label: String,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
    /// `text`, `password`...
    #[prop(optional, into)]
    kind: Option<String>,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional, into)] autocomplete: Option<String>,
    #[prop(optional, into)] disabled: Signal<bool>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let has_hint = hint.is_some();
    let described_by = described_by(has_hint.then(|| hint_id.clone()), error_id.clone(), error);
    view! {
        <div class="field" class:field-invalid=move || error.with(Option::is_some)>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="field-hint" id=hint_id.clone()>{h}</p> })}
            <input
                id=id.clone()
                name=id.clone()
                type=kind.unwrap_or_else(|| "text".into())
                autocomplete=autocomplete
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
                aria-invalid=move || if error.with(Option::is_some) { "true" } else { "false" }
                aria-describedby=described_by
                disabled=move || disabled.get()
            />
            <p class="field-error" id=error_id.clone() hidden=move || error.with(Option::is_none)>
                {move || error.get()}
            </p>
        </div>
    }
}

/// A labelled checkbox, drawn as a switch. `error` is shown under it.
#[component]
pub(crate) fn CheckboxField(
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    value: RwSignal<bool>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional, into)] disabled: Signal<bool>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let has_hint = hint.is_some();
    let described_by = described_by(has_hint.then(|| hint_id.clone()), error_id.clone(), error);
    view! {
        <div class="field field-check" class:field-invalid=move || error.with(Option::is_some)>
            <input
                id=id.clone()
                name=id.clone()
                type="checkbox"
                role="switch"
                class="switch"
                prop:checked=move || value.get()
                on:change=move |ev| value.set(event_target_checked(&ev))
                aria-invalid=move || if error.with(Option::is_some) { "true" } else { "false" }
                aria-describedby=described_by
                disabled=move || disabled.get()
            />
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="field-hint" id=hint_id.clone()>{h}</p> })}
            <p class="field-error" id=error_id.clone() hidden=move || error.with(Option::is_none)>
                {move || error.get()}
            </p>
        </div>
    }
}
