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

/// A component definition for the tests (panics on a parse error).
pub(crate) fn component(path: &str, xml: &str, css: &str, json: &str) -> crate::component::ComponentDef {
    crate::component::ComponentDef::parse(path, xml, Some(css), json, None).unwrap_or_else(|e| panic!("{e}"))
}

/// A page using the custom components of `set`, with `app.css`, rendered once.
pub(crate) fn page_with(xml: &str, css: &str, set: crate::component::ComponentSet) -> (Page, FontSystem) {
    let mut f = new_font_system();
    let t = crate::template::Template::parse_with_components(xml, "pages/t/t.xml", crate::limits::DEFAULT_MAX_DEPTH, None, &set)
        .unwrap_or_else(|e| panic!("{e}"));
    let mut p = Page::with_custom_components(
        t,
        crate::page::default_component_styles(),
        &[("app.css", css)],
        VP,
        crate::limits::Limits::default(),
        set,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    p.render(&mut f).unwrap_or_else(|e| panic!("{e}"));
    (p, f)
}

/// Presses and releases at `(x, y)` (a tap), returning the outcomes.
pub(crate) fn tap_at(p: &mut Page, x: f32, y: f32) -> Vec<Outcome> {
    use crate::input::Input;
    let mut out = p.handle(Input::PointerDown { x, y, time_ms: 0 });
    out.extend(p.handle(Input::PointerUp { x, y, time_ms: 10 }));
    out
}
