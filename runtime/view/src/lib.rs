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
//!
//! # Templates
//!
//! The guide for app developers is `docs/templates.md`; in short: XML-like elements, `"`/`'`
//! attributes, `<x/>`, `<!-- comments -->`, `&lt;`-style entities (`&nbsp; &ensp; &emsp;`
//! too), and `{{ expression }}` in text and attribute values
//! (`class="item {{done ? 'done' : ''}}"`). An attribute that is one `{{ }}` keeps the
//! value's JSON type (`data-id="{{7}}"` is the number 7). Components: `view`, `text`
//! (inline, with `space="ensp|emsp|nbsp"`, `decode`, `user-select`), `button`
//! (`type="primary|warn"`, `size="mini"`, `disabled`), `image` (`src`), `input`
//! (`value`, `placeholder`), `scroll-view` (`scroll-top`), `navigator` (`url`), `icon`
//! (`type`, `size`, `color`) and `block` (groups children, makes no node). Any element:
//! `id`, `class`, `style` (inline CSS, may be bound), `hidden`, `data-*` (dataset,
//! kebab → camel case), `bind:EVENT`/`bindEVENT` (bubbles), `catch:EVENT`/`catchEVENT`
//! (stops), `m:if`/`m:elif`/`m:else`, `m:for="{{list}}"` with `m:for-item` (default `item`),
//! `m:for-index` (default `index`) and `m:key` (a property name or `*this`; keyed items keep
//! their layout nodes across renders; a missing or repeated key is a [`Diagnostic`]).
//! `m:if` on an element with `m:for` filters items. `wx:` is accepted for `m:`.
//!
//! Inline text: an element whose content is only text and `<text>` elements (without a box
//! of their own) is one paragraph of styled spans, measured and wrapped together; each span
//! piece on a line is one [`DisplayItem::Text`], and a tap on a piece targets its `<text>`.
//!
//! `<template name="x">…</template>` defines a piece that renders nothing in place;
//! `<template is="{{expr}}" data="{{...item, extra: 1}}"/>` renders it with only that data (a
//! bound name that matches nothing is a [`Diagnostic`]). `<import src>` makes another file's
//! definitions usable (not transitively); `<include src>` inlines another file minus its
//! definitions. Both need the bundle's files: [`Template::parse_with`] / [`Page::with_files`]
//! take a [`FileResolver`]; `src` is relative to the naming file, `/` starts at the bundle root.
//!
//! Custom components (`docs/templates.md`, "Custom components"): a [`ComponentDef`] is a
//! component's template, stylesheet and strictly checked json (typed `properties`, `options`
//! with `styleIsolation`, `externalClasses`, `usingComponents`); a [`ComponentSet`] maps the
//! page's tags to them. Parse the page with [`Template::parse_with_components`] and build it
//! with [`Page::with_custom_components`]. A host expands to the component's template over its
//! properties and own data ([`Page::set_component_data`]), with `<slot>`s filled by the host's
//! children in the page's scope; [`Page::take_component_changes`] reports instances attached,
//! detached and re-propertied; events name their instance ([`AppEvent::instance`]) and
//! [`Page::trigger_event`] maps a component's event to its host's `bind:NAME`. Components nest
//! at most [`MAX_COMPONENT_DEPTH`] deep.
//!
//! Expressions: paths (`a.b[0].c`, `list[i]`, `list.length`), string/number/bool/null
//! literals, `[a, ...b]`, `{a: 1, b, ...c}`, `+ - * / %`, `== != === !== < <= > >=`,
//! `&& || !`, `c ? a : b`, parentheses; JavaScript semantics (missing paths are empty, `+`
//! concatenates strings). A bad expression is an error at the offending token's line:column.
//!
//! # Styles
//!
//! The CSS subset is listed in full, with examples, in `docs/styles.md`. Selectors: type,
//! `.class`, `#id`, `*`, descendant, `>`, `+`, `~`, `:first-child`, `:last-child`,
//! `:only-child`, `:nth-child(odd|even|An+B)`, `:nth-last-child()`, `:not(compound)`, `:host`
//! / `:host(compound)` (in a component's sheet: its host, below the user's rules) and comma
//! lists, by CSS specificity then source order (the built-in components' defaults — the base
//! library's `styles/components.css` given to [`Page::with_component_styles`], or the embedded
//! copy [`DEFAULT_STYLESHEET`] — then the given sheets in order, then inline `style`). `page`
//! matches the root. Properties: box model and flexbox (`width height min-* max-*`,
//! `padding* margin* box-sizing display flex-* justify-content align-* gap`), `position`
//! (`relative absolute fixed sticky static`) with `top right bottom left z-index`, borders per
//! side (width, `solid dashed dotted double none`, colour) and 1–4 value `border-radius`,
//! `background` with `background-color/-image/-size/-position/-repeat` (`url()`,
//! `linear-gradient()`), `box-shadow`, `opacity`, `overflow`, `transform`
//! (translate/scale/rotate), `visibility`, and text: `color font-size font-weight (100–900)
//! font-style line-height text-align letter-spacing text-decoration text-overflow white-space
//! word-break -webkit-line-clamp`. Units `px rpx % vw vh em rem` (750rpx = viewport width,
//! 1rem = 16px) and `calc()` over them. Colours `#rgb #rgba #rrggbb #rrggbbaa`, `rgb()`/
//! `rgba()`/`hsl()`/`hsla()` (comma or space syntax with `/ alpha`), the 148 named colours,
//! `transparent`, `currentColor`. Custom properties `--x` inherit; `var(--x, fallback)` is
//! resolved during the cascade. `@import` targets are listed by [`StyleSheet::imports`] for
//! the host to supply ([`StyleSheet::add_import`]).
//!
//! Nothing in a stylesheet fails a page: an unsupported or invalid property, value, selector
//! or at-rule is a [`Diagnostic`] with file:line:column ([`Page::warnings`], or returned by
//! [`parse_stylesheet`]); the declaration (or rule) is dropped and the rest applies.
//!
//! # Text
//!
//! Fonts are only the ones given, never the system's, so layout is identical on every machine:
//! a host loads the base library's fonts with [`set_fonts`] / [`font_system_from`];
//! [`new_font_system`] loads the embedded copies of them (DejaVu Sans regular and bold,
//! WenQuanYi Micro Hei as the CJK fallback) for tests and tools. The view breaks text
//! into lines itself; each [`DisplayItem::Text`] is one line (or, in a paragraph of styled
//! spans, one span's piece of a line, placed at its x) that the renderer shapes with
//! [`text_buffer`] and no width limit.
//!
//! # Limits
//!
//! [`Limits`]: template depth [`DEFAULT_MAX_DEPTH`], expanded nodes [`DEFAULT_MAX_NODES`],
//! `m:for` iterations (and, counted apart, `<template is>` uses) per render
//! [`DEFAULT_MAX_LOOP_ITERATIONS`], set-data array index
//! [`DEFAULT_MAX_ARRAY_INDEX`]; expressions nest at most [`DEFAULT_MAX_EXPR_DEPTH`] deep and
//! build strings of at most [`DEFAULT_MAX_STRING_BYTES`]; `<template is>` uses nest at most
//! [`DEFAULT_MAX_TEMPLATE_NESTING`] deep, and the elements they expand to no deeper than the
//! template depth limit; a page reads at most [`DEFAULT_MAX_TEMPLATE_FILES`] files through
//! `<import>`/`<include>`. Parsing and rendering run on a
//! thread with a [`DEFAULT_STACK_BYTES`] stack, so the deepest allowed template cannot
//! overflow the caller's stack.

#![deny(missing_docs)]

mod color;
mod component;
mod components;
mod controls;
mod css;
mod data;
mod display;
mod edit;
mod error;
mod expr;
mod input;
mod interact;
mod incremental;
mod layout;
mod limits;
mod page;
mod paint_cache;
mod rich_text;
mod selection;
mod style;
mod template;
mod text;
#[cfg(test)]
mod testutil;
mod tree;

pub use cosmic_text;

pub use color::Color;
pub use component::{
    parse_using_components, ComponentConfig, ComponentDef, ComponentOptions, ComponentSet, PropSpec, PropType,
    StyleIsolation, MAX_COMPONENT_DEPTH,
};
pub use css::{parse_stylesheet, Diagnostic, StyleSheet};
pub use components::{specs as component_specs, Attr, AttrKind, ImageInfo, Spec as ComponentSpec, ICON_TYPES, IMAGE_MODES, LAZY_LOAD_SCREENS, UNSUPPORTED_TAGS};
pub use edit::{EditBuffer, InputKind, DEFAULT_MAX_LENGTH};
pub use input::{
    AppEvent, Input, Key, OpenType, Outcome, PickerRequest, DEFAULT_SCROLL_THRESHOLD, LONG_PRESS_MS, TAP_SLOP_PX,
};
pub use display::{Affine, DisplayItem, DisplayList, FontStyle, LineStyle, Rect, TextAlign, TileSize, IDENTITY};
pub use error::{Error, Result, StyleErrorKind, TemplateErrorKind};
pub use expr::eval_expression;
pub use limits::{
    Limits, DEFAULT_MAX_ARRAY_INDEX, DEFAULT_MAX_DEPTH, DEFAULT_MAX_EXPR_DEPTH,
    DEFAULT_MAX_LOOP_ITERATIONS, DEFAULT_MAX_NODES, DEFAULT_MAX_STRING_BYTES, DEFAULT_MAX_TEMPLATE_FILES,
    DEFAULT_MAX_TEMPLATE_NESTING,
    DEFAULT_STACK_BYTES, MAX_CSS_NESTING, SHAPE_CACHE_RENDERS,
};
pub use rich_text::{MAX_RICH_TEXT_DEPTH, MAX_RICH_TEXT_NODES};
pub use page::{default_component_styles, ComponentChange, Page, RenderStats, TapEvent, Viewport, DEFAULT_STYLESHEET, ELEMENTS_PANEL_NODES};
pub use template::{known_tags, parse_template, FileResolver, Template, TEMPLATE_TAGS};
pub use text::{
    embedded_font_files, font_system_from, measure_text, new_font_system, set_fonts, FontData, text_attrs, text_attrs_styled, text_buffer, text_buffer_styled,
    text_items, CJK_FAMILY, DEFAULT_FAMILY,
};
