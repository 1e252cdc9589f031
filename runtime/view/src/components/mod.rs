//! The built-in components, one shape each: a [`Component`] names its tag, its attributes with
//! their defaults, the events it fires, and implements how it is styled, painted and how it
//! answers input. Adding a component is one file here plus its default CSS in
//! `base-library/styles/components.css`, its entry in `docs/components.md` and its tests.

mod basic;
mod button;
mod icon;
mod image;
mod navigator;
mod scroll_view;
mod text_input;

use serde_json::Value;

use crate::display::Rect;
use crate::edit::EditBuffer;
use crate::style::Computed;
use crate::tree::Node;

pub(crate) use text_input::new_buffer as text_input_buffer;

/// The type of an attribute's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttrKind {
    /// Any text.
    String,
    /// A number.
    Number,
    /// `true`/`false` (a present attribute with no value is true).
    Bool,
    /// One of a fixed list (in the doc).
    Enum,
    /// A colour.
    Color,
}

/// One attribute a component understands.
#[derive(Debug, Clone, Copy)]
pub struct Attr {
    /// Its name as written in the template.
    pub name: &'static str,
    /// The type of its value.
    pub kind: AttrKind,
    /// The value when it is absent (`""` = none).
    pub default: &'static str,
}

const fn attr(name: &'static str, kind: AttrKind, default: &'static str) -> Attr {
    Attr { name, kind, default }
}

/// What a component is, as data: for the template checker and the docs.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// The tag.
    pub tag: &'static str,
    /// The attributes besides the common ones (`id class style hidden data-* bind:* catch:*`).
    pub attrs: &'static [Attr],
    /// The events it fires itself (besides the touch events every element fires).
    pub events: &'static [&'static str],
    /// One line for the docs.
    pub summary: &'static str,
}

/// Per-element state the view keeps across renders, by the element's stable identity.
#[derive(Debug, Clone, Default)]
pub(crate) struct State {
    /// Scroll offset (scroll-view) and the largest offset the content allows.
    pub scroll: Scroll,
    /// The editing model of a focused or edited `input`/`textarea`.
    pub edit: Option<EditBuffer>,
    /// The `value` attribute last seen: when the app changes it, the field shows the new value.
    pub seen_value: Option<String>,
}

/// A scroller's offset and extent.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Scroll {
    pub x: f32,
    pub y: f32,
    pub max_x: f32,
    pub max_y: f32,
    /// The `scroll-top`/`scroll-left` attribute values last applied.
    pub seen_top: Option<f32>,
    pub seen_left: Option<f32>,
    /// Whether a `scroll` event is owed to the app at the next frame.
    pub pending_event: bool,
    /// Within the upper / lower threshold at the last event (fire `scrolltoupper`/`lower` on entry).
    pub at_upper: bool,
    pub at_lower: bool,
}

/// What a tap on a component does before (or instead of) bubbling `tap` to the app.
pub(crate) enum TapAction {
    /// Nothing special: bubble `tap`.
    Bubble,
    /// Swallow the tap (a `disabled` control).
    Block,
    /// Bubble `tap`, then navigate.
    Navigate {
        url: String,
        open_type: crate::input::OpenType,
        delta: u32,
    },
    /// Bubble `tap`, then give this element the focus.
    Focus,
}

/// The behaviour of one built-in component. Every method has a default, so a component
/// implements only what it has.
pub(crate) trait Component: Sync {
    /// What it is.
    fn spec(&self) -> &'static Spec;
    /// Classes the base library's styles key on (`button type="primary"` → `m-primary`).
    fn classes(&self, _attrs: &[(String, String)], _out: &mut Vec<String>) {}
    /// Adjusts the cascaded style from attributes (`icon size="30"`).
    fn adjust_style(&self, _attrs: &[(String, String)], _style: &mut Computed) {}
    /// Which axes it scrolls (x, y).
    fn scroll_axes(&self, _node: &Node) -> (bool, bool) {
        (false, false)
    }
    /// What a tap on it does.
    fn on_tap(&self, _node: &Node) -> TapAction {
        TapAction::Bubble
    }
    /// Brings its kept state in line with attributes the app changed since the last render
    /// (a new `value` replaces what was typed).
    fn sync(&self, _node: &Node, _state: &mut State) {}
    /// Draws its own content (an image, an icon, a field's text) inside `content`.
    fn paint(&self, _p: &mut crate::page::Painter<'_>, _node: &Node, _content: Rect, _opacity: f32) {}
    /// The text it shows besides its text children (a field's value), for `text_content`.
    fn shown_text(&self, _node: &Node, _state: Option<&State>) -> Option<String> {
        None
    }
    /// Its value in a `form`'s submit (`None`: not a form control or no `name`).
    fn form_value(&self, _node: &Node, _state: Option<&State>) -> Option<Value> {
        None
    }
}

static COMPONENTS: &[&dyn Component] = &[
    &basic::View,
    &basic::Text,
    &basic::Block,
    &button::Button,
    &image::Image,
    &icon::Icon,
    &text_input::Input,
    &text_input::Textarea,
    &scroll_view::ScrollView,
    &navigator::Navigator,
];

/// Tags of components other platforms have and this host does not: refused with a clear error
/// at build and review, never drawn as an empty box.
pub const UNSUPPORTED_TAGS: &[&str] = &[
    "video", "map", "camera", "web-view", "canvas", "live-player", "live-pusher", "ad", "audio",
    "editor", "cover-view", "cover-image", "movable-area", "movable-view", "page-container",
    "share-element", "match-media", "official-account", "open-data", "voip-room", "functional-page-navigator",
];

/// The component of a tag, if this host has it.
pub(crate) fn lookup(tag: &str) -> Option<&'static dyn Component> {
    COMPONENTS.iter().copied().find(|c| c.spec().tag == tag)
}

/// Every component this host has, in the order of `docs/components.md`.
pub fn specs() -> impl Iterator<Item = &'static Spec> {
    COMPONENTS.iter().map(|c| c.spec())
}

/// Whether an attribute is "on": present and not `false`/empty... as on the established
/// platforms, `disabled="{{false}}"` is off and a bare `disabled` is on.
pub(crate) fn flag(node: &Node, name: &str) -> bool {
    node.attrs.iter().any(|(n, v)| n == name && v != "false" && v != "0")
}

/// An attribute as a number of px (`"30"`, `"30px"`).
pub(crate) fn px_attr(node: &Node, name: &str) -> Option<f32> {
    node.attr(name).and_then(|v| v.trim().trim_end_matches("px").trim().parse::<f32>().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_component_has_a_unique_tag_and_none_is_also_unsupported() {
        let tags: Vec<_> = specs().map(|s| s.tag).collect();
        let mut sorted = tags.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), tags.len());
        assert!(tags.iter().all(|t| !UNSUPPORTED_TAGS.contains(t)));
    }

    #[test]
    fn the_base_library_styles_every_component_it_names() {
        // Each component's tag appears in the default component styles or needs none.
        for s in specs() {
            assert!(!s.summary.is_empty(), "{} has a summary for the docs", s.tag);
        }
    }
}
