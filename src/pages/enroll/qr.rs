//! The QR code of an `otpauth://` URI, drawn by the page itself: the `qrcode` crate computes
//! the module matrix (no renderer, no image dependency) and this view writes it as one SVG
//! path of horizontal runs. Nothing is fetched: the secret never leaves the browser. Dark on
//! white in both themes (authenticator apps scan that best), with the standard 4-module quiet
//! zone.

use leptos::prelude::*;
use qrcode::{Color, EcLevel, QrCode};
use zeroize::Zeroizing;

/// Modules of quiet zone on each side (ISO/IEC 18004 asks for 4).
const QUIET: usize = 4;

/// The SVG path (`d`) of the dark modules, offset by the quiet zone, and the full side in
/// modules; `None` when the text does not fit in a QR code.
pub(crate) fn qr_path(text: &str) -> Option<(String, usize)> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    let w = code.width();
    let colors = code.to_colors();
    let mut d = String::with_capacity(w * w);
    for y in 0..w {
        let row = &colors[y * w..(y + 1) * w];
        let mut x = 0;
        while x < w {
            if row[x] == Color::Dark {
                let start = x;
                while x < w && row[x] == Color::Dark {
                    x += 1;
                }
                let run = x - start;
                d.push_str(&format!("M{} {}h{run}v1h-{run}z", start + QUIET, y + QUIET));
            } else {
                x += 1;
            }
        }
    }
    Some((d, w + 2 * QUIET))
}

/// The QR code of `text` (read once: the view is rebuilt when the text changes), labelled for
/// screen readers; a plain message when it cannot be drawn.
#[component]
pub(crate) fn QrCodeView(#[prop(into)] text: String, #[prop(into)] label: String) -> impl IntoView {
    // The URI holds the secret: this copy is wiped once drawn. The path drawn from it is the
    // secret too, as the SVG's attribute, which the browser owns until the view goes.
    let text = Zeroizing::new(text);
    match qr_path(&text) {
        Some((d, side)) => {
            let vb = format!("0 0 {side} {side}");
            view! {
                <svg
                    class="qr"
                    id="enroll-qr"
                    role="img"
                    aria-label=label
                    viewBox=vb
                    shape-rendering="crispEdges"
                    xmlns="http://www.w3.org/2000/svg"
                >
                    <rect width="100%" height="100%" fill="#ffffff" />
                    <path d=d fill="#000000" />
                </svg>
            }
            .into_any()
        }
        None => view! {
            <p class="field-error">"The QR code could not be drawn: enter the secret below by hand."</p>
        }
        .into_any(),
    }
}
