//! The arithmetic of a virtual table (rows of one fixed height in a scroll area, only those in
//! view and a few around them in the DOM): which rows to render for a scroll position, where to
//! scroll so that a row shows below the sticky heading, and which row a navigation key moves
//! to. Plain functions, tested natively; `components::virtual_table` binds them to the DOM.

/// The rows to render, as a half-open range of positions `(first, end)`, for a scroll area
/// scrolled to `scroll_top` and `viewport` pixels high over `n` rows of `row_height` pixels,
/// with `overscan` extra rows above and below.
pub(crate) fn window(
    scroll_top: f64,
    viewport: f64,
    row_height: f64,
    overscan: usize,
    n: usize,
) -> (usize, usize) {
    let first = ((scroll_top.max(0.0) / row_height) as usize)
        .saturating_sub(overscan)
        .min(n);
    let count = (viewport.max(0.0) / row_height).ceil() as usize + 2 * overscan;
    (first, (first + count).min(n))
}

/// The `scrollTop` that brings row `pos` fully into view in a scroll area `client_height`
/// pixels high whose first `row_height` pixels are covered by the sticky heading row, or
/// `None` when it is in view already (the least scrolling, like a list box).
pub(crate) fn scroll_into_view(
    pos: usize,
    row_height: f64,
    client_height: f64,
    scroll_top: f64,
) -> Option<f64> {
    let top = pos as f64 * row_height;
    let height = client_height - row_height;
    if top < scroll_top {
        Some(top)
    } else if top + row_height > scroll_top + height {
        Some(top + row_height - height)
    } else {
        None
    }
}

/// How many rows Page Up and Page Down move: the rows that fit in the viewport, at least one.
pub(crate) fn page_rows(viewport: f64, row_height: f64) -> usize {
    ((viewport / row_height) as usize).max(1)
}

/// The row a navigation key moves the active row to (`active` clamped to the `n` rows), or
/// `None` for a key that does not navigate or an empty table.
pub(crate) fn nav_target(key: &str, active: usize, n: usize, page: usize) -> Option<usize> {
    let last = n.checked_sub(1)?;
    let a = active.min(last);
    match key {
        "ArrowDown" => Some((a + 1).min(last)),
        "ArrowUp" => Some(a.saturating_sub(1)),
        "PageDown" => Some((a + page).min(last)),
        "PageUp" => Some(a.saturating_sub(page)),
        "Home" => Some(0),
        "End" => Some(last),
        _ => None,
    }
}

/// The `scrollTop` to go back to when a list got shorter (a filter) and the scroll position
/// is past its end (more than half a screen below the last row), else `None`.
pub(crate) fn clamp_scroll(
    n: usize,
    row_height: f64,
    client_height: f64,
    scroll_top: f64,
) -> Option<f64> {
    let max = (n as f64 * row_height - client_height / 2.0).max(0.0);
    (scroll_top > max).then_some(max)
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: f64 = 41.0;

    #[test]
    fn the_window_covers_the_viewport_and_the_overscan() {
        // At the top: no rows above, a screen and twice the overscan below.
        assert_eq!(window(0.0, 10.0 * H, H, 8, 1000), (0, 26));
        // Scrolled to row 100: eight rows above it.
        assert_eq!(window(100.0 * H, 10.0 * H, H, 8, 1000), (92, 118));
        // A part-row of viewport counts as a row.
        assert_eq!(window(0.0, 10.5 * H, H, 0, 1000), (0, 11));
        // Never past the end, even when scrolled beyond it.
        assert_eq!(window(2000.0 * H, 10.0 * H, H, 8, 1000), (1000, 1000));
        assert_eq!(window(995.0 * H, 10.0 * H, H, 8, 1000), (987, 1000));
        assert_eq!(window(0.0, 10.0 * H, H, 8, 3), (0, 3));
        assert_eq!(window(0.0, 10.0 * H, H, 8, 0), (0, 0));
        // A negative scroll (rubber-band scrolling) is the top.
        assert_eq!(window(-50.0, 10.0 * H, H, 8, 1000), (0, 26));
    }

    #[test]
    fn a_row_is_scrolled_into_view_below_the_sticky_heading() {
        // The area shows ten rows, of which the first is covered by the heading.
        let ch = 10.0 * H;
        // Rows 0 to 8 are in view at the top: no scrolling.
        assert_eq!(scroll_into_view(0, H, ch, 0.0), None);
        assert_eq!(scroll_into_view(8, H, ch, 0.0), None);
        // Row 9 would sit under the bottom edge: scroll by one row.
        assert_eq!(scroll_into_view(9, H, ch, 0.0), Some(H));
        // Row 50 from the top: it becomes the last row in view.
        assert_eq!(scroll_into_view(50, H, ch, 0.0), Some(42.0 * H));
        // A row above the view becomes the first one below the heading.
        assert_eq!(scroll_into_view(3, H, ch, 20.0 * H), Some(3.0 * H));
        assert_eq!(scroll_into_view(20, H, ch, 20.0 * H), None);
    }

    #[test]
    fn navigation_keys_move_within_the_rows() {
        assert_eq!(nav_target("ArrowDown", 0, 5, 3), Some(1));
        assert_eq!(nav_target("ArrowDown", 4, 5, 3), Some(4));
        assert_eq!(nav_target("ArrowUp", 0, 5, 3), Some(0));
        assert_eq!(nav_target("ArrowUp", 3, 5, 3), Some(2));
        assert_eq!(nav_target("PageDown", 1, 5, 3), Some(4));
        assert_eq!(nav_target("PageDown", 3, 5, 3), Some(4));
        assert_eq!(nav_target("PageUp", 4, 5, 3), Some(1));
        assert_eq!(nav_target("PageUp", 2, 5, 3), Some(0));
        assert_eq!(nav_target("Home", 3, 5, 3), Some(0));
        assert_eq!(nav_target("End", 0, 5, 3), Some(4));
        // An active row past the end (the list got shorter) starts from the last row.
        assert_eq!(nav_target("ArrowUp", 40, 5, 3), Some(3));
        assert_eq!(nav_target("Enter", 0, 5, 3), None);
        assert_eq!(nav_target("ArrowDown", 0, 0, 3), None);
        assert_eq!(page_rows(10.0 * H, H), 10);
        assert_eq!(page_rows(0.0, H), 1);
    }

    #[test]
    fn a_shorter_list_is_scrolled_back_within_reach() {
        let ch = 10.0 * H;
        assert_eq!(clamp_scroll(3, H, ch, 500.0 * H), Some(0.0));
        assert_eq!(clamp_scroll(100, H, ch, 500.0 * H), Some(95.0 * H));
        assert_eq!(clamp_scroll(1000, H, ch, 500.0 * H), None);
        assert_eq!(clamp_scroll(0, H, ch, 0.0), None);
    }
}
