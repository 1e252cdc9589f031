//! `input` and `textarea`: a value edited with the [`EditBuffer`] model — caret, selection,
//! `maxlength`, `type` text/number/digit, `password`, `placeholder`, `disabled`, `focus`,
//! `confirm-type`, textarea `auto-height`. Fires `input` (`detail.value`, `detail.cursor`),
//! `focus`, `blur` and `confirm`.

use serde_json::{json, Value};

use super::{attr, flag, AttrKind, Component, Spec, State, TapAction};
use crate::color::Color;
use crate::display::{DisplayItem, Rect, TextAlign};
use crate::edit::{EditBuffer, InputKind, DEFAULT_MAX_LENGTH};
use crate::text::text_buffer;
use crate::tree::Node;

/// `input`: one line.
pub(crate) struct Input;
/// `textarea`: several lines.
pub(crate) struct Textarea;

const FIELD_ATTRS: &[super::Attr] = &[
    attr("value", AttrKind::String, ""),
    attr("name", AttrKind::String, ""),
    attr("type", AttrKind::Enum, "text"),
    attr("password", AttrKind::Bool, "false"),
    attr("placeholder", AttrKind::String, ""),
    attr("placeholder-class", AttrKind::String, "input-placeholder"),
    attr("maxlength", AttrKind::Number, "140"),
    attr("disabled", AttrKind::Bool, "false"),
    attr("focus", AttrKind::Bool, "false"),
    attr("confirm-type", AttrKind::Enum, "done"),
    attr("auto-height", AttrKind::Bool, "false"),
];

static INPUT: Spec = Spec {
    tag: "input",
    attrs: FIELD_ATTRS,
    events: &["input", "focus", "blur", "confirm"],
    summary: "a one-line text field",
};
static TEXTAREA: Spec = Spec {
    tag: "textarea",
    attrs: FIELD_ATTRS,
    events: &["input", "focus", "blur", "confirm", "linechange"],
    summary: "a multi-line text field",
};

/// The editing model for a field, from its attributes.
pub(crate) fn new_buffer(node: &Node) -> EditBuffer {
    let kind = if node.tag() == Some("textarea") { InputKind::Multiline } else { InputKind::from_attr(node.attr("type")) };
    let max = match node.attr("maxlength").and_then(|m| m.trim().parse::<i64>().ok()) {
        Some(m) if m < 0 => None,
        Some(m) => Some(m as usize),
        None => Some(DEFAULT_MAX_LENGTH),
    };
    EditBuffer::new(node.attr("value").unwrap_or(""), kind, max)
}

/// The value a field shows: what the user typed, unless the app set a new `value` since.
fn value_of(node: &Node, state: Option<&State>) -> String {
    match state.and_then(|s| s.edit.as_ref()) {
        Some(b) => b.value(),
        None => node.attr("value").unwrap_or("").to_string(),
    }
}

fn field_sync(node: &Node, state: &mut State) {
    let attr = node.attr("value").map(str::to_string);
    if state.seen_value != attr {
        if let Some(b) = state.edit.as_mut() {
            b.set_value(attr.as_deref().unwrap_or(""));
        }
        state.seen_value = attr;
    }
}

fn field_tap(node: &Node) -> TapAction {
    if flag(node, "disabled") {
        TapAction::Block
    } else {
        TapAction::Focus
    }
}

fn field_form_value(node: &Node, state: Option<&State>) -> Option<Value> {
    node.attr("name").filter(|n| !n.is_empty())?;
    Some(json!(value_of(node, state)))
}

impl Component for Input {
    fn spec(&self) -> &'static Spec {
        &INPUT
    }
    fn classes(&self, attrs: &[(String, String)], out: &mut Vec<String>) {
        if attrs.iter().any(|(n, v)| n == "disabled" && v != "false") {
            out.push("m-disabled".into());
        }
    }
    fn on_tap(&self, node: &Node) -> TapAction {
        field_tap(node)
    }
    fn sync(&self, node: &Node, state: &mut State) {
        field_sync(node, state)
    }
    fn paint(&self, p: &mut crate::page::Painter<'_>, node: &Node, content: Rect, op: f32) {
        paint_field(p, node, content, op);
    }
    fn shown_text(&self, node: &Node, state: Option<&State>) -> Option<String> {
        Some(value_of(node, state)).filter(|v| !v.is_empty())
    }
    fn form_value(&self, node: &Node, state: Option<&State>) -> Option<Value> {
        field_form_value(node, state)
    }
}

impl Component for Textarea {
    fn spec(&self) -> &'static Spec {
        &TEXTAREA
    }
    fn classes(&self, attrs: &[(String, String)], out: &mut Vec<String>) {
        Input.classes(attrs, out)
    }
    fn on_tap(&self, node: &Node) -> TapAction {
        field_tap(node)
    }
    fn sync(&self, node: &Node, state: &mut State) {
        field_sync(node, state)
    }
    fn paint(&self, p: &mut crate::page::Painter<'_>, node: &Node, content: Rect, op: f32) {
        paint_field(p, node, content, op);
    }
    fn shown_text(&self, node: &Node, state: Option<&State>) -> Option<String> {
        Some(value_of(node, state)).filter(|v| !v.is_empty())
    }
    fn form_value(&self, node: &Node, state: Option<&State>) -> Option<Value> {
        field_form_value(node, state)
    }
}

/// Draws a field: its value (dots for `password`) or the placeholder in grey, the selection
/// behind the text and, when focused, the caret.
pub(crate) fn paint_field(p: &mut crate::page::Painter<'_>, node: &Node, content: Rect, op: f32) {
    let state = p.state_of(node.sid);
    let focused = p.focused == Some(node.sid);
    let value = value_of(node, state.as_ref());
    let password = flag(node, "password");
    let shown: String = if password { "•".repeat(value.chars().count()) } else { value.clone() };
    let (text, color) = if value.is_empty() {
        (node.attr("placeholder").unwrap_or("").to_string(), Color::rgb(0x99, 0x99, 0x99))
    } else {
        (shown.clone(), node.style.color)
    };
    let lh = node.style.line_height_px(p.ctx);
    let multiline = node.tag() == Some("textarea");
    let wrap = multiline.then_some(content.w.max(1.0));
    let fs = node.style.font_size;
    let bold = node.style.bold;
    // Lines of the shown text (one for an input).
    let mut lines: Vec<(String, f32)> = Vec::new();
    if !text.is_empty() {
        let buffer = text_buffer(p.fonts, &text, fs, lh, bold, wrap, TextAlign::Left);
        for run in buffer.layout_runs() {
            let s = run.glyphs.first().map(|g| g.start).unwrap_or(0);
            let e = run.glyphs.last().map(|g| g.end).unwrap_or(0);
            lines.push((run.text[s..e].to_string(), run.line_w));
        }
        if !multiline {
            lines.truncate(1);
        }
    }
    let top = if multiline { content.y } else { content.y + (content.h - lh) / 2.0 };
    let x_of = |w: f32| match node.style.text_align {
        TextAlign::Left => content.x,
        TextAlign::Center => content.x + (content.w - w) / 2.0,
        TextAlign::Right => content.x + content.w - w,
    };
    // The selection and the caret, measured on the shown text before them.
    if focused && !value.is_empty() {
        if let Some(b) = state.as_ref().and_then(|s| s.edit.as_ref()) {
            let sel = b.selection();
            if !sel.is_empty() && !multiline {
                let before: String = shown.chars().take(sel.start).collect();
                let upto: String = shown.chars().take(sel.end).collect();
                let x0 = measure(p, &before, fs, lh, bold);
                let x1 = measure(p, &upto, fs, lh, bold);
                let line_w = lines.first().map(|l| l.1).unwrap_or(0.0);
                let base = x_of(line_w);
                p.push(DisplayItem::Rect {
                    rect: Rect::new(base + x0, top, (x1 - x0).max(1.0), lh),
                    color: Color { r: 0x07, g: 0xc1, b: 0x60, a: 80 }.with_opacity(op),
                    radius: 0.0,
                    border_width: 0.0,
                    border_color: Color::TRANSPARENT,
                });
            }
        }
    }
    for (k, (line, w)) in lines.iter().enumerate() {
        if line.is_empty() {
            continue;
        }
        p.push(DisplayItem::Text {
            rect: Rect::new(x_of(*w), top + k as f32 * lh, w.ceil() + 1.0, lh),
            text: line.clone(),
            font_size: fs,
            line_height: lh,
            color: color.with_opacity(op),
            bold,
            align: node.style.text_align,
        });
    }
    if focused && p.caret_visible {
        let caret = state.as_ref().and_then(|s| s.edit.as_ref()).map_or(value.chars().count(), |b| b.caret());
        let before: String = shown.chars().take(caret).collect();
        let (cx, cy) = if value.is_empty() {
            (x_of(0.0), top)
        } else if multiline {
            // The caret sits at the end of the last line of the text before it.
            let buffer = text_buffer(p.fonts, &before, fs, lh, bold, wrap, TextAlign::Left);
            let runs: Vec<f32> = buffer.layout_runs().map(|r| r.line_w).collect();
            let n = runs.len().max(1);
            let last_w = if before.ends_with('\n') { 0.0 } else { runs.last().copied().unwrap_or(0.0) };
            let line = if before.ends_with('\n') { n } else { n - 1 };
            (content.x + last_w, top + line as f32 * lh)
        } else {
            let line_w = lines.first().map(|l| l.1).unwrap_or(0.0);
            (x_of(line_w) + measure(p, &before, fs, lh, bold), top)
        };
        p.push(DisplayItem::Rect {
            rect: Rect::new(cx, cy + lh * 0.1, 1.5, lh * 0.8),
            color: Color::rgb(0x07, 0xc1, 0x60).with_opacity(op),
            radius: 0.0,
            border_width: 0.0,
            border_color: Color::TRANSPARENT,
        });
    }
}

fn measure(p: &mut crate::page::Painter<'_>, s: &str, fs: f32, lh: f32, bold: bool) -> f32 {
    if s.is_empty() {
        return 0.0;
    }
    // Trailing spaces count: shape with a sentinel and subtract it.
    let with = format!("{s}|");
    let buffer = text_buffer(p.fonts, &with, fs, lh, bold, None, TextAlign::Left);
    let bar = text_buffer(p.fonts, "|", fs, lh, bold, None, TextAlign::Left);
    let w = buffer.layout_runs().map(|r| r.line_w).fold(0.0, f32::max);
    let b = bar.layout_runs().map(|r| r.line_w).fold(0.0, f32::max);
    (w - b).max(0.0)
}
