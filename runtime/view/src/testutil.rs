//! Fixtures shared by the crate's unit tests (input and controls): a rendered page and the app
//! events an input produced.

use cosmic_text::FontSystem;
use serde_json::Value;

use crate::input::Outcome;
use crate::page::{Page, Viewport};
use crate::text::new_font_system;

/// The viewport of the tests' pages.
pub(crate) const VP: Viewport = Viewport { width: 375.0, height: 600.0 };

/// A page from a template and `app.css`, rendered once.
pub(crate) fn page(xml: &str, css: &str) -> (Page, FontSystem) {
    let mut f = new_font_system();
    let mut p = Page::new(xml, "pages/t/t.xml", &[("app.css", css)], VP).unwrap_or_else(|e| panic!("{e}"));
    p.render(&mut f).unwrap();
    (p, f)
}

/// The app events among `out`: (handler, event object).
pub(crate) fn events(out: &[Outcome]) -> Vec<(String, Value)> {
    out.iter()
        .filter_map(|o| match o {
            Outcome::Event(e) => Some((e.handler.clone(), e.event.clone())),
            _ => None,
        })
        .collect()
}

/// The handlers the app events among `out` call, in order.
pub(crate) fn handlers(out: &[Outcome]) -> Vec<String> {
    events(out).into_iter().map(|(h, _)| h).collect()
}
