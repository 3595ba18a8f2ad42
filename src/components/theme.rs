//! The colour theme: the system's (default), light or dark. The choice is a `data-theme`
//! attribute on `<html>` that style/tokens.css reads, and is remembered in localStorage (it
//! is a preference, not a credential).

use leptos::prelude::*;

/// The localStorage key of the choice.
pub(crate) const THEME_KEY: &str = "totp-admin.theme";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Theme {
    System,
    Light,
    Dark,
}

impl Theme {
    pub(crate) const ALL: [Theme; 3] = [Theme::System, Theme::Light, Theme::Dark];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    pub(crate) fn label(self) -> &'static str {
        match self {
            Theme::System => "System",
            Theme::Light => "Light",
            Theme::Dark => "Dark",
        }
    }

    pub(crate) fn parse(s: &str) -> Theme {
        match s {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::System,
        }
    }

    /// The saved choice (System when none).
    pub(crate) fn saved() -> Theme {
        web_sys::window()
            .and_then(|w| w.local_storage().ok().flatten())
            .and_then(|s| s.get_item(THEME_KEY).ok().flatten())
            .map(|v| Theme::parse(&v))
            .unwrap_or(Theme::System)
    }

    /// Sets `data-theme` on `<html>` (removed for System) and remembers the choice.
    pub(crate) fn apply(self, remember: bool) {
        let root = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element());
        if let Some(root) = root {
            let _ = match self {
                Theme::System => root.remove_attribute("data-theme"),
                t => root.set_attribute("data-theme", t.as_str()),
            };
        }
        if !remember {
            return;
        }
        if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
            let _ = match self {
                Theme::System => s.remove_item(THEME_KEY),
                t => s.set_item(THEME_KEY, t.as_str()),
            };
        }
    }
}

/// Applies the saved choice; called before the app mounts, so that nothing flashes.
pub fn apply_saved() {
    Theme::saved().apply(false);
}

/// A labelled select: System, Light, Dark.
#[component]
pub(crate) fn ThemeToggle(#[prop(into)] id: String) -> impl IntoView {
    let theme = RwSignal::new(Theme::saved());
    view! {
        <div class="theme-toggle">
            <label for=id.clone()>"Theme"</label>
            <select
                id=id
                on:change=move |ev| {
                    let t = Theme::parse(&event_target_value(&ev));
                    theme.set(t);
                    t.apply(true);
                }
            >
                {Theme::ALL
                    .iter()
                    .map(|t| {
                        let t = *t;
                        view! {
                            <option value=t.as_str() selected=move || theme.get() == t>
                                {t.label()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}
