//! The one virtual table of the page (the profile table, the accounts view, the bulk reviews
//! and results): rows of a fixed height in a scroll area, only those in view and a few around
//! them in the DOM, spacer rows standing in for the rest, so ten thousand rows stay fast. The
//! table counts every row in `aria-rowcount`; each row's view must carry `aria-rowindex` =
//! position + 2 (the heading row is 1). The arithmetic is in [`crate::tables::window`].

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::tables::window::{clamp_scroll, nav_target, page_rows, scroll_into_view, window};

/// Height of one row in pixels: `.table-fixed` rows in style/table.css.
pub const ROW_HEIGHT: f64 = 41.0;
/// Rows rendered above and below the visible ones, unless a table says otherwise.
const OVERSCAN: usize = 8;
/// Rows assumed visible before the scroll area has been measured, unless a table says.
const DEFAULT_VISIBLE: usize = 20;

/// The scroll state of a [`VirtualTable`], which its page may hold to move the keyboard's
/// active row (a page's own keys, such as Space to select, need the active row too).
#[derive(Clone, Copy)]
pub struct VirtualScroll {
    scroller: NodeRef<leptos::html::Div>,
    scroll_top: RwSignal<f64>,
    viewport: RwSignal<f64>,
    /// The position (in the order shown) of the row that takes the focus: the one row with
    /// `tabindex="0"`.
    pub(crate) active: RwSignal<usize>,
}

impl VirtualScroll {
    /// A scroll state assuming `rows` rows visible until the scroll area is measured.
    pub fn new(rows: usize) -> VirtualScroll {
        VirtualScroll {
            scroller: NodeRef::new(),
            scroll_top: RwSignal::new(0.0),
            viewport: RwSignal::new(rows as f64 * ROW_HEIGHT),
            active: RwSignal::new(0),
        }
    }

    /// Reads the scroll position and the viewport's height from the DOM.
    fn measure(&self) {
        if let Some(el) = self.scroller.get_untracked() {
            self.scroll_top.set(el.scroll_top() as f64);
            let h = el.client_height() as f64;
            if h > 0.0 {
                self.viewport.set(h);
            }
        }
    }

    /// Makes row `pos` the active one, scrolls it into view and focuses its `tr[data-row]`.
    pub(crate) fn focus_row(&self, pos: usize) {
        self.active.set(pos);
        let Some(el) = self.scroller.get_untracked() else {
            return;
        };
        if let Some(top) = scroll_into_view(
            pos,
            ROW_HEIGHT,
            el.client_height() as f64,
            el.scroll_top() as f64,
        ) {
            el.set_scroll_top(top as i32);
        }
        self.scroll_top.set(el.scroll_top() as f64);
        let scroller = self.scroller;
        let focus = move || {
            let row = scroller
                .get_untracked()
                .and_then(|el| el.query_selector(&format!("tr[data-row=\"{pos}\"]")).ok())
                .flatten()
                .and_then(|row| row.dyn_into::<web_sys::HtmlElement>().ok());
            row.map(|row| row.focus()).is_some()
        };
        // At once when the row is rendered already (a step within the window): a second key
        // pressed before the next frame then starts from this row, and no step is lost to a
        // row that takes the focus late. Else once the window has moved to it.
        if !focus() {
            request_animation_frame(move || {
                focus();
            });
        }
    }

    /// Moves the active row for a navigation key (arrows, Page Up/Down, Home, End) among `n`
    /// rows; `false` when the key is not one of those.
    pub(crate) fn navigate(&self, ev: &KeyboardEvent, n: usize) -> bool {
        let page = page_rows(self.viewport.get_untracked(), ROW_HEIGHT);
        match nav_target(&ev.key(), self.active.get_untracked(), n, page) {
            Some(to) => {
                ev.prevent_default();
                self.focus_row(to);
                true
            }
            None => false,
        }
    }
}

/// The `<th>` cells of plain column headings: (text, class).
pub fn headings(columns: &[(&'static str, &'static str)]) -> impl IntoView + use<> {
    columns
        .iter()
        .map(|(h, c)| view! { <th scope="col" class=*c>{*h}</th> })
        .collect_view()
}

/// A table over `shown` (indices into the caller's items, in order) that renders only the
/// rows in view. With `label`, the scroll area is a focusable region of that name, so arrow
/// keys, Page Up/Down, Home and End scroll it; with `keyboard`, those keys move the active
/// row instead (rows carry `data-row` = position and a roving `tabindex`) and other keys go to
/// `on_keydown`.
#[component]
pub fn VirtualTable<F, V>(
    /// The items shown, in order (indices into the caller's items).
    #[prop(into)]
    shown: Signal<Vec<usize>>,
    /// The `<tr>` of the item at `(position, item index)`.
    render_row: F,
    /// The heading row's cells.
    #[prop(into)]
    head: ViewFnOnce,
    /// The scroll area's classes (its size: `table-scroll`, `bulk-window ...`).
    #[prop(into)]
    class: String,
    /// Extra classes for the `<table>` (after `table table-fixed`).
    #[prop(optional)]
    table_class: &'static str,
    /// Makes the scroll area a focusable region of this name.
    #[prop(optional, into)]
    label: Option<String>,
    /// The scroll state, when the page needs it (keyboard navigation).
    #[prop(optional)]
    scroll: Option<VirtualScroll>,
    /// Arrow keys and the like move the active row.
    #[prop(optional)]
    keyboard: bool,
    /// Keys the table does not handle itself, on the `<tbody>`.
    #[prop(optional)]
    on_keydown: Option<UnsyncCallback<KeyboardEvent>>,
    /// A row's state beyond its item index (read reactively): a row whose stamp changes is
    /// drawn again.
    #[prop(optional)]
    stamp: Option<Callback<usize, String>>,
    #[prop(default = OVERSCAN)] overscan: usize,
    #[prop(default = DEFAULT_VISIBLE)] visible_rows: usize,
    /// Shown in the scroll area below the table (an empty list's note).
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView
where
    F: Fn(usize, usize) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let scroll = scroll.unwrap_or_else(|| VirtualScroll::new(visible_rows));
    let scroller = scroll.scroller;
    let n = Memo::new(move |_| shown.with(Vec::len));
    let range = Memo::new(move |_| {
        window(
            scroll.scroll_top.get(),
            scroll.viewport.get(),
            ROW_HEIGHT,
            overscan,
            n.get(),
        )
    });
    // Measured once mounted (and again on every scroll).
    Effect::new(move |_| {
        if scroller.get().is_some() {
            scroll.measure();
        }
    });
    // A shorter list (a filter) may leave the scroll position past its end.
    Effect::new(move |_| {
        let n = n.get();
        if let Some(el) = scroller.get_untracked() {
            let at = clamp_scroll(
                n,
                ROW_HEIGHT,
                el.client_height() as f64,
                el.scroll_top() as f64,
            );
            if let Some(top) = at {
                el.set_scroll_top(top as i32);
                scroll.scroll_top.set(el.scroll_top() as f64);
            }
        }
    });
    let keydown = move |ev: KeyboardEvent| {
        if keyboard && scroll.navigate(&ev, n.get_untracked()) {
            return;
        }
        if let Some(k) = on_keydown {
            k.run(ev);
        }
    };
    let table_class = format!("table table-fixed {table_class}")
        .trim_end()
        .to_owned();
    view! {
        <div class=class node_ref=scroller tabindex=label.as_ref().map(|_| "0")
            role=label.as_ref().map(|_| "region") aria-label=label on:scroll=move |_| scroll.measure()>
            <table class=table_class aria-rowcount=move || n.get() + 1>
                <thead><tr aria-rowindex="1">{head.run()}</tr></thead>
                <tbody on:keydown=keydown>
                    <tr class="spacer" aria-hidden="true"
                        style:height=move || format!("{}px", range.get().0 as f64 * ROW_HEIGHT)></tr>
                    <For
                        each=move || {
                            let (a, b) = range.get();
                            shown.with(|v| {
                                (a..b)
                                    .filter_map(|pos| {
                                        let i = *v.get(pos)?;
                                        let s = stamp.map(|s| s.run(i)).unwrap_or_default();
                                        Some((pos, i, s))
                                    })
                                    .collect::<Vec<_>>()
                            })
                        }
                        key=|k| k.clone()
                        children=move |(pos, i, _)| render_row(pos, i)
                    />
                    <tr class="spacer" aria-hidden="true"
                        style:height=move || format!("{}px", n.get().saturating_sub(range.get().1) as f64 * ROW_HEIGHT)></tr>
                </tbody>
            </table>
            {children.map(|c| c())}
        </div>
    }
}
