//! The virtual table of the bulk pages (`VirtualTable` with a labelled scroll area) in headless Chromium: a thousand items
//! put only a few screens of rows in the DOM, every item is reachable by scrolling (the first,
//! the middle and the last, with their `aria-rowindex`), the table counts them all in
//! `aria-rowcount`, rows follow their data, and a shorter list (a filter) is shown from its
//! start.

use leptos::prelude::*;
use totp_admin::components::virtual_table::ROW_HEIGHT as WINDOW_ROW_HEIGHT;
use totp_admin::components::{headings, VirtualTable};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

const N: usize = 1000;

/// Waits for two animation frames (the scroll event, the effects, the DOM update).
async fn frames() {
    for _ in 0..2 {
        let p = js_sys::Promise::new(&mut |resolve, _| {
            web_sys::window()
                .unwrap()
                .request_animation_frame(&resolve)
                .unwrap();
        });
        wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
    }
}

/// The page's stylesheet is not loaded here: the rules the window relies on (a bounded scroll
/// area, rows of the fixed height).
fn style(doc: &web_sys::Document) {
    let s = doc.create_element("style").unwrap();
    s.set_text_content(Some(&format!(
        ".bulk-window {{ max-height: 300px; overflow: auto; }} \
         .bulk-window table {{ border-collapse: collapse; }} \
         .bulk-window tbody tr:not(.spacer) {{ height: {h}px; }} \
         .bulk-window td, .bulk-window th {{ padding: 0; border: 0; height: {h}px; white-space: nowrap; }}",
        h = WINDOW_ROW_HEIGHT
    )));
    doc.head().unwrap().append_child(&s).unwrap();
}

/// (item, aria-rowindex) of the rows in the DOM.
fn rows(host: &Element) -> Vec<(usize, usize)> {
    let list = host.query_selector_all("tr.item").unwrap();
    (0..list.length())
        .map(|i| {
            let tr: Element = list.item(i).unwrap().unchecked_into();
            (
                tr.get_attribute("data-item").unwrap().parse().unwrap(),
                tr.get_attribute("aria-rowindex").unwrap().parse().unwrap(),
            )
        })
        .collect()
}

async fn scroll_to(host: &Element, top: i32) {
    let area: HtmlElement = host
        .query_selector(".bulk-window")
        .unwrap()
        .unwrap()
        .unchecked_into();
    area.set_scroll_top(top);
    area.dispatch_event(&web_sys::Event::new("scroll").unwrap())
        .unwrap();
    frames().await;
}

#[wasm_bindgen_test]
async fn a_thousand_items_are_all_reachable_with_few_rows_in_the_dom() {
    let doc = web_sys::window().unwrap().document().unwrap();
    style(&doc);
    let host = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&host).unwrap();
    let shown = RwSignal::new((0..N).collect::<Vec<_>>());
    let labels = RwSignal::new((0..N).map(|i| format!("item {i}")).collect::<Vec<_>>());
    let handle = leptos::mount::mount_to(host.clone().unchecked_into(), move || {
        view! {
            <VirtualTable label="Items" class="bulk-window" overscan=10 visible_rows=12
                head=|| headings(&[("Item", "col-item")]) shown=shown
                render_row=move |pos, i| view! {
                    <tr class="item" data-item=i aria-rowindex=pos + 2>
                        <td>{move || labels.with(|l| l[i].clone())}</td>
                    </tr>
                } />
        }
    });
    frames().await;

    let table = host.query_selector("table").unwrap().unwrap();
    assert_eq!(
        table.get_attribute("aria-rowcount").as_deref(),
        Some("1001"),
        "every item counted, with the heading row"
    );
    let area = host.query_selector(".bulk-window").unwrap().unwrap();
    assert_eq!(area.get_attribute("tabindex").as_deref(), Some("0"));
    assert_eq!(area.get_attribute("role").as_deref(), Some("region"));
    assert_eq!(area.get_attribute("aria-label").as_deref(), Some("Items"));

    let top = rows(&host);
    assert!(
        top.len() <= 40,
        "{} rows in the DOM for {N} items",
        top.len()
    );
    assert_eq!(top.first(), Some(&(0, 2)));

    // The middle, then the very end.
    scroll_to(&host, (500.0 * WINDOW_ROW_HEIGHT) as i32).await;
    let mid = rows(&host);
    assert!(mid.len() <= 40, "{} rows", mid.len());
    assert!(mid.iter().any(|r| *r == (500, 502)), "{mid:?}");
    scroll_to(&host, (N as f64 * WINDOW_ROW_HEIGHT) as i32 + 1000).await;
    let end = rows(&host);
    assert!(end.len() <= 40, "{} rows", end.len());
    assert_eq!(end.last(), Some(&(N - 1, N + 1)), "the last item reached");
    // The spacers stand in for the rows not drawn: the scroll area is as tall as all of them.
    let area_el: HtmlElement = area.clone().unchecked_into();
    let want = (N + 1) as f64 * WINDOW_ROW_HEIGHT;
    let got = area_el.scroll_height() as f64;
    assert!(
        (got - want).abs() <= 2.0,
        "scroll height {got} px for {want} px of rows"
    );

    // Rows follow their data.
    labels.update(|l| l[N - 1] = "changed".into());
    frames().await;
    assert!(host.text_content().unwrap().contains("changed"));

    // A shorter list (a filter): shown from its start, counted.
    shown.set(vec![3, 7, 11]);
    frames().await;
    assert_eq!(
        rows(&host),
        vec![(3, 2), (7, 3), (11, 4)],
        "the filtered items, positions renumbered"
    );
    assert_eq!(table.get_attribute("aria-rowcount").as_deref(), Some("4"));
    handle.forget();
}
