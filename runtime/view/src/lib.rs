//! `miniapp-view`: templates, styles, data binding, layout and the display list of a page.
//!
//! The view sits between the app bundle and the renderer: it takes a page's template and
//! stylesheets (text) and its data (JSON set by the app's logic through `set-data`),
//! expands bindings (`{{ }}`, `m:if`, `m:for`), cascades the CSS subset, lays the result out
//! with taffy, shapes text with cosmic-text over embedded fonts only, and produces a
//! [`DisplayList`] for the renderer plus a hit-test map for taps. Pure Rust, no GPU, no I/O.
//!
//! ```
//! use miniapp_view::{new_font_system, Page, Viewport};
//! use serde_json::json;
//!
//! let mut fonts = new_font_system();
//! let mut page = Page::new(
//!     r#"<view><text>{{count}}</text><button id="inc" bind:tap="onInc" data-step="1">+1</button></view>"#,
//!     "pages/index/index.xml",
//!     &[("app.css", "button { background-color: #07c160; }")],
//!     Viewport { width: 375.0, height: 600.0 },
//! )?;
//! page.set_data(&json!({ "count": 2 }))?;
//! let list = page.render(&mut fonts)?;
//! assert!(!list.items.is_empty());
//! assert_eq!(page.text_content(), "2\n+1");
//! let button = page.find("#inc")?.expect("rendered");
//! let (x, y) = button.center();
//! assert_eq!(page.hit_test(x, y).expect("bound").handler, "onInc");
//! # Ok::<(), miniapp_view::Error>(())
//! ```

#![deny(missing_docs)]

mod color;
mod css;
mod data;
mod display;
mod error;
mod expr;
mod layout;
mod limits;
mod page;
mod style;
mod template;
mod text;
mod tree;

pub use cosmic_text;

pub use color::Color;
pub use css::{parse_stylesheet, Diagnostic, StyleSheet};
pub use display::{DisplayItem, DisplayList, Rect, TextAlign};
pub use error::{Error, Result, StyleErrorKind, TemplateErrorKind};
pub use limits::{
    Limits, DEFAULT_MAX_ARRAY_INDEX, DEFAULT_MAX_DEPTH, DEFAULT_MAX_EXPR_DEPTH,
    DEFAULT_MAX_LOOP_ITERATIONS, DEFAULT_MAX_NODES, DEFAULT_MAX_STRING_BYTES, DEFAULT_STACK_BYTES,
};
pub use page::{Page, TapEvent, Viewport, DEFAULT_STYLESHEET};
pub use template::{parse_template, Template, KNOWN_TAGS};
pub use text::{
    measure_text, new_font_system, text_attrs, text_buffer, CJK_FAMILY, DEFAULT_FAMILY,
};
