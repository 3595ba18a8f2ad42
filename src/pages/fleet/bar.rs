//! The MFA coverage bar: a small SVG drawn by the page from `tables::fleet::Coverage` (no
//! chart library), its parts coloured by the theme's tokens, with the figures as text beside
//! it and in its accessible name.

use leptos::prelude::*;

use crate::tables::fleet::Coverage;
use crate::text::number;

/// The bar's drawing width, in SVG units (the element scales with its box).
const WIDTH: f64 = 120.0;

#[component]
pub(crate) fn CoverageBar(coverage: Coverage) -> impl IntoView {
    let parts = coverage.bar(WIDTH);
    let label = if parts.is_empty() {
        "No SSH accounts".to_owned()
    } else {
        let each: Vec<String> = parts
            .iter()
            .map(|(p, _, _, n)| format!("{} {}", number(n), p.label()))
            .collect();
        format!("MFA coverage: {}", each.join(", "))
    };
    let text = match coverage.percent() {
        Some(p) => format!("{p} % of {}", number(coverage.ssh())),
        None => "no SSH accounts".to_owned(),
    };
    view! {
        <span class="coverage">
            <svg class="coverage-bar" viewBox=format!("0 0 {WIDTH} 12") width="120" height="12"
                role="img" aria-label=label preserveAspectRatio="none">
                <rect class="cov-track" x="0" y="0" width=WIDTH.to_string() height="12" rx="3" />
                {parts
                    .into_iter()
                    .map(|(p, x, w, n)| view! {
                        <rect class=p.class() x=format!("{x:.2}") y="0" width=format!("{w:.2}") height="12">
                            <title>{format!("{} {}", number(n), p.label())}</title>
                        </rect>
                    })
                    .collect_view()}
            </svg>
            <span class="coverage-text">{text}</span>
        </span>
    }
}
