//! The select of a table's filter bar (SVM, scope, status, TOTP state, lock): a label, an
//! option for "no filter" and one per value, bound to one field of the table's view state.

use leptos::prelude::*;

/// A labelled `<select>` in `.filter-select`: the first option (value `""`) is no filter;
/// `value` is the field's value (`None`: no filter), `on_pick` puts a choice into the view
/// state (`None` for the first option).
#[component]
pub(crate) fn FilterSelect(
    /// The select's element id.
    id: &'static str,
    label: &'static str,
    /// The first option's text: "All SVMs", "Any".
    all: &'static str,
    /// The other options: (value, text).
    #[prop(into)]
    options: Signal<Vec<(String, String)>>,
    /// The value chosen, as in `options`.
    #[prop(into)]
    value: Signal<Option<String>>,
    on_pick: Callback<Option<String>>,
) -> impl IntoView {
    view! {
        <div class="filter-select">
            <label for=id>{label}</label>
            <select id=id on:change=move |ev| {
                let s = event_target_value(&ev);
                on_pick.run((!s.is_empty()).then_some(s));
            }>
                <option value="" selected=move || value.with(Option::is_none)>{all}</option>
                <For each=move || options.get() key=|o| o.clone() let:option>
                    <option value=option.0.clone() selected={
                        let v = option.0.clone();
                        move || value.with(|x| x.as_deref() == Some(v.as_str()))
                    }>{option.1.clone()}</option>
                </For>
            </select>
        </div>
    }
}

/// Options whose value and text are the same (SVM names).
pub(crate) fn same_options(values: Vec<String>) -> Vec<(String, String)> {
    values.into_iter().map(|v| (v.clone(), v)).collect()
}
