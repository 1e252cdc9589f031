//! The built-in components, one shape each: a [`Component`] names its tag, its attributes with
//! their defaults, the events it fires, and implements how it is styled, painted and how it
//! answers input. Adding a component is one file here plus its default CSS in
//! `base-library/styles/components.css`, its entry in `docs/components.md` and its tests.

mod basic;
mod button;
mod checkbox;
pub(crate) mod form;
pub(crate) mod icon;
pub(crate) mod image;
mod label;
mod navigator;
mod picker;
mod progress;
mod radio;
mod rich_text;
mod scroll_view;
mod slider;
mod swiper;
mod switch;
mod text_input;

use std::collections::HashMap;

use serde_json::Value;

use crate::display::Rect;
use crate::edit::EditBuffer;
use crate::input::PickerRequest;
use crate::style::Computed;
use crate::tree::{Node, NodeKind, Tree};

pub(crate) use text_input::new_buffer as text_input_buffer;
pub use icon::ICON_TYPES;
pub use image::{ImageInfo, IMAGE_MODES, LAZY_LOAD_SCREENS};

/// What a component may consult besides its attributes when it adjusts its style.
pub(crate) struct Env<'a> {
    /// What the front end told the page about each image source.
    pub images: &'a HashMap<String, ImageInfo>,
}

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

impl Spec {
    /// The documented default of attribute `name` (`None`: the component has no such attribute).
    pub fn default_of(&self, name: &str) -> Option<&'static str> {
        self.attrs.iter().find(|a| a.name == name).map(|a| a.default)
    }
}

/// Per-element state the view keeps across renders, by the element's stable identity.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct State {
    /// Scroll offset (scroll-view) and the largest offset the content allows.
    pub scroll: Scroll,
    /// The editing model of a focused or edited `input`/`textarea`.
    pub edit: Option<EditBuffer>,
    /// The `value` attribute last seen: when the app changes it, the field shows the new value.
    pub seen_value: Option<String>,
    /// A control's value as the user set it (checked, a slider's number, a picker's value, a
    /// swiper's current page); `None`: what its attribute says.
    pub control: Option<Value>,
    /// The control's attribute as it was when `control` was set: when the app changes the
    /// attribute, the attribute wins again.
    pub seen_control: Option<Option<String>>,
    /// How far a swiper is being dragged sideways, in px.
    pub drag_dx: f32,
    /// When a swiper last changed page (for `autoplay`).
    pub tick_ms: Option<u64>,
    /// A `lazy-load` image came near the viewport (it loads and draws from then on).
    pub lazy_seen: bool,
    /// The image source whose `load`/`error` was fired (once per element and source).
    pub image_notified: Option<String>,
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
    /// Bubble `tap`, then the component acts ([`Component::act`]: toggle, choose, slide, open
    /// a picker, submit or reset its form).
    Control,
}

/// What a control's action asks of the page.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Effect {
    /// Fire `event` at node `node` with this `detail` (bubbling).
    Fire { node: usize, event: &'static str, detail: Value },
    /// Give node `node` (a field) the focus.
    Focus(usize),
    /// Show a picker sheet.
    OpenPicker(PickerRequest),
    /// Something visible changed.
    Redraw,
}

/// What a control's action works on: the tree, every element's state and their boxes.
pub(crate) struct Ctl<'a> {
    pub tree: &'a Tree,
    pub states: &'a mut HashMap<u64, State>,
    pub rects: &'a [Option<Rect>],
    /// What the front end told the page about each image source.
    pub images: &'a HashMap<String, ImageInfo>,
}

impl Ctl<'_> {
    /// The state of node `i`, made when missing.
    pub fn state(&mut self, i: usize) -> &mut State {
        self.states.entry(self.tree.nodes[i].sid).or_default()
    }
    /// The state of node `i`, if it has one.
    pub fn state_ref(&self, i: usize) -> Option<&State> {
        self.states.get(&self.tree.nodes[i].sid)
    }
    /// The border box of node `i` (empty when not displayed).
    pub fn rect(&self, i: usize) -> Rect {
        self.rects.get(i).copied().flatten().unwrap_or_default()
    }
    /// Sets the user's value of control `i` (`attr` is the attribute it overrides).
    pub fn set_control(&mut self, i: usize, attr: &str, value: Value) {
        let seen = self.tree.nodes[i].attr(attr).map(str::to_string);
        let st = self.state(i);
        st.control = Some(value);
        st.seen_control = Some(seen);
    }
}

/// A drag that a control took over (a slider's thumb, a swiper's pages).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Drag {
    /// Where the press went down.
    pub start: (f32, f32),
    /// Where the pointer is now.
    pub at: (f32, f32),
    /// The pointer was released.
    pub end: bool,
}

/// The elements below node `i` in document order (not `i` itself).
pub(crate) fn descendants(tree: &Tree, i: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut stack: Vec<usize> = tree.nodes[i].children.iter().rev().copied().collect();
    while let Some(c) = stack.pop() {
        if matches!(tree.nodes[c].kind, NodeKind::Element(_)) {
            out.push(c);
        }
        stack.extend(tree.nodes[c].children.iter().rev().copied());
    }
    out
}

/// The nearest ancestor of node `i` with tag `tag`.
pub(crate) fn ancestor(tree: &Tree, i: usize, tag: &str) -> Option<usize> {
    let mut cur = tree.nodes[i].parent;
    while let Some(p) = cur {
        if tree.nodes[p].tag() == Some(tag) {
            return Some(p);
        }
        cur = tree.nodes[p].parent;
    }
    None
}

/// Forgets what the user set on a control when the app changed its attribute `attr` since.
pub(crate) fn sync_control(node: &Node, state: &mut State, attr: &str) {
    let now = node.attr(attr).map(str::to_string);
    match &state.seen_control {
        Some(seen) if *seen == now => {}
        Some(_) => {
            state.control = None;
            state.seen_control = Some(now);
        }
        None => state.seen_control = Some(now),
    }
}

/// Whether a switch, checkbox or radio is checked: as the user left it, else `checked`.
pub(crate) fn checked_of(node: &Node, state: Option<&State>) -> bool {
    match state.and_then(|s| s.control.as_ref()).and_then(Value::as_bool) {
        Some(b) => b,
        None => flag(node, "checked"),
    }
}

/// A `color`-like attribute as a colour.
pub(crate) fn color_attr(node: &Node, name: &str) -> Option<crate::color::Color> {
    let v = node.attr(name)?.trim();
    crate::color::Color::from_hex(v).or_else(|| crate::color::Color::named(v))
}

/// An attribute as a number.
pub(crate) fn num_attr(node: &Node, name: &str) -> Option<f64> {
    node.attr(name).and_then(|v| v.trim().parse::<f64>().ok()).filter(|v| v.is_finite())
}

/// The behaviour of one built-in component. Every method has a default, so a component
/// implements only what it has.
pub(crate) trait Component: Sync {
    /// What it is.
    fn spec(&self) -> &'static Spec;
    /// Classes the base library's styles key on (`button type="primary"` → `m-primary`).
    fn classes(&self, _attrs: &[(String, String)], _out: &mut Vec<String>) {}
    /// Adjusts the cascaded style from attributes (`icon size="30"`) and what the page knows
    /// (an image's aspect ratio for `mode="widthFix"`).
    fn adjust_style(&self, _attrs: &[(String, String)], _env: &Env<'_>, _style: &mut Computed) {}
    /// Which axes it scrolls (x, y).
    fn scroll_axes(&self, _node: &Node) -> (bool, bool) {
        (false, false)
    }
    /// What a tap on it does.
    fn on_tap(&self, _node: &Node) -> TapAction {
        TapAction::Bubble
    }
    /// Its action after a tap at `(x, y)` when [`Component::on_tap`] said
    /// [`TapAction::Control`] (or a `label` forwards a tap to it).
    fn act(&self, _cx: &mut Ctl<'_>, _i: usize, _x: f32, _y: f32) -> Vec<Effect> {
        Vec::new()
    }
    /// Whether it takes over a press that became a drag after moving `(dx, dy)` from where it
    /// went down (a slider always, a swiper when the move is sideways): the drag then goes to
    /// [`Component::on_drag`] instead of scrolling.
    fn takes_drag(&self, _node: &Node, _dx: f32, _dy: f32) -> bool {
        false
    }
    /// A drag it took over moved (or ended).
    fn on_drag(&self, _cx: &mut Ctl<'_>, _i: usize, _drag: Drag) -> Vec<Effect> {
        Vec::new()
    }
    /// A frame is about to be drawn (a swiper's `autoplay`).
    fn on_frame(&self, _cx: &mut Ctl<'_>, _i: usize, _time_ms: u64) -> Vec<Effect> {
        Vec::new()
    }
    /// How far its children are shifted left/up when painted (a swiper shows its current
    /// page); `content` is its content box.
    fn child_offset(&self, _node: &Node, _state: Option<&State>, _content: Rect) -> (f32, f32) {
        (0.0, 0.0)
    }
    /// Draws over its children (a swiper's indicator dots).
    fn paint_over(&self, _p: &mut crate::page::Painter<'_>, _node: &Node, _content: Rect, _opacity: f32) {}
    /// Whether attribute `name` keeps an array or object bound to it as JSON text (a picker's
    /// `range`) instead of its display string.
    fn keeps_json(&self, _name: &str) -> bool {
        false
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
    &rich_text::RichText,
    &text_input::Input,
    &text_input::Textarea,
    &scroll_view::ScrollView,
    &navigator::Navigator,
    &switch::Switch,
    &checkbox::Checkbox,
    &checkbox::CheckboxGroup,
    &radio::Radio,
    &radio::RadioGroup,
    &label::Label,
    &slider::Slider,
    &progress::Progress,
    &picker::Picker,
    &form::Form,
    &swiper::Swiper,
    &swiper::SwiperItem,
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

/// The classes an element wears while pressed: its `hover-class`, else its component's default
/// (`button-hover`, `navigator-hover`; none for a `view`); `None` for `none` or a disabled one.
pub(crate) fn hover_class(node: &Node) -> Option<String> {
    let default = node.tag().and_then(lookup)?.spec().default_of("hover-class")?;
    let class = node.attr("hover-class").unwrap_or(default).trim();
    (!class.is_empty() && class != "none" && !flag(node, "disabled")).then(|| class.to_string())
}

/// How long (ms) an element keeps its hover class after the press is released: its
/// `hover-stay-time`, else its component's default (view 400, button 70, navigator 600), at
/// most [`MAX_HOVER_STAY_MS`].
pub(crate) fn hover_stay_ms(node: &Node) -> u64 {
    ms_attr(node, "hover-stay-time", MAX_HOVER_STAY_MS)
}

/// The longest `hover-stay-time` honoured: 10 s.
pub const MAX_HOVER_STAY_MS: u64 = 10_000;

/// How long (ms) after the press an element puts its hover class on: its `hover-start-time`,
/// else its component's default (view and navigator 50, button 20), at most
/// [`MAX_HOVER_START_MS`].
pub(crate) fn hover_start_ms(node: &Node) -> u64 {
    ms_attr(node, "hover-start-time", MAX_HOVER_START_MS)
}

/// The longest `hover-start-time` honoured: 10 s.
pub const MAX_HOVER_START_MS: u64 = 10_000;

/// A duration attribute in ms: the element's, else its component's default, else 0; at most
/// `max` (negative, non-numeric and infinite values are 0).
fn ms_attr(node: &Node, name: &str, max: u64) -> u64 {
    let default = node.tag().and_then(lookup).and_then(|c| c.spec().default_of(name)).unwrap_or("0");
    let ms = node.attr(name).unwrap_or(default).trim().parse::<f64>().unwrap_or(0.0);
    if ms.is_finite() && ms > 0.0 {
        (ms as u64).min(max)
    } else {
        0
    }
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

    /// The section of `docs/components.md` under `## heading`, up to the next heading.
    fn doc_section<'d>(doc: &'d str, heading: &str) -> Option<&'d str> {
        let start = doc.find(&format!("\n## {heading}\n"))? + heading.len() + 5;
        let rest = &doc[start..];
        Some(&rest[..rest.find("\n## ").unwrap_or(rest.len())])
    }

    #[test]
    fn the_components_doc_has_a_section_for_every_component_naming_each_attribute_and_event() {
        let doc = include_str!("../../../../docs/components.md");
        for s in specs() {
            let section = doc_section(doc, s.tag).unwrap_or_else(|| panic!("docs/components.md has a `## {}` section", s.tag));
            for a in s.attrs {
                assert!(section.contains(&format!("`{}`", a.name)), "the `{}` section names attribute `{}`", s.tag, a.name);
            }
            for e in s.events {
                assert!(section.contains(&format!("`{e}`")), "the `{}` section names event `{e}`", s.tag);
            }
        }
        let icon = doc_section(doc, "icon").expect("an icon section");
        for t in ICON_TYPES {
            assert!(icon.contains(&format!("`{t}`")), "the icon section names type `{t}`");
        }
        let image = doc_section(doc, "image").expect("an image section");
        for m in IMAGE_MODES {
            assert!(image.contains(&format!("`{m}`")), "the image section names mode `{m}`");
        }
        let unsupported = doc_section(doc, "Not supported").expect("a `## Not supported` section");
        for t in UNSUPPORTED_TAGS {
            assert!(unsupported.contains(&format!("`{t}`")), "the unsupported list names `{t}`");
        }
    }
}
