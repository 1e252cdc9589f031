//! The developer panels beside the phone in the window (F12 or the `</>` button): Console,
//! AppData, Elements, Network, Storage and Performance. They show the same JSON
//! [`crate::Session::panels`] gives `miniapp run --panels FILE`, one line per entry, so the
//! window and the headless driver cannot disagree about what an app did.
//!
//! Hovering a line of the Elements panel highlights that node's box on the phone.

use miniapp_view::{cosmic_text::FontSystem, text_items, Color, DisplayItem, DisplayList, Rect, TextAlign};
use serde_json::Value;

/// Width of the panel column beside the phone, in logical px.
pub const PANEL_WIDTH: f32 = 440.0;
/// Height of the row of panel tabs.
pub const PANEL_TAB_HEIGHT: f32 = 32.0;
/// Height of one panel line.
pub const PANEL_LINE_HEIGHT: f32 = 18.0;
/// Most characters of one line before it is cut with `…`.
pub const PANEL_LINE_CHARS: usize = 68;
/// Most lines one panel lists (the rest is counted in a last line).
pub const PANEL_MAX_LINES: usize = 500;

/// One developer panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PanelTab {
    /// The app's logs, host warnings (style and template warnings too).
    Console,
    /// Every alive page's data, top page last.
    AppData,
    /// The top page's node tree with boxes.
    Elements,
    /// The app's requests, refused ones with their rule.
    Network,
    /// Storage keys and sizes, bytes used of the quota.
    Storage,
    /// set-data calls and bytes, with the audit warnings.
    Performance,
}

impl PanelTab {
    /// The panels in the order of their tabs.
    pub const ALL: [PanelTab; 6] =
        [PanelTab::Console, PanelTab::AppData, PanelTab::Elements, PanelTab::Network, PanelTab::Storage, PanelTab::Performance];

    /// The tab's label.
    pub fn name(self) -> &'static str {
        match self {
            PanelTab::Console => "Console",
            PanelTab::AppData => "AppData",
            PanelTab::Elements => "Elements",
            PanelTab::Network => "Network",
            PanelTab::Storage => "Storage",
            PanelTab::Performance => "Perf",
        }
    }
}

/// How a line is coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Plain text.
    Normal,
    /// Secondary (headings, sizes).
    Dim,
    /// A warning.
    Warn,
    /// An error, a refused request.
    Error,
}

/// One line of a panel.
#[derive(Debug, Clone, PartialEq)]
pub struct PanelLine {
    /// What it says (already cut to [`PANEL_LINE_CHARS`]).
    pub text: String,
    /// Its colour.
    pub tone: Tone,
    /// For Elements: the node's box on the page (page px), highlighted on hover.
    pub node_box: Option<Rect>,
    /// For AppData: the top page's data key this line shows (a click edits it).
    pub data_key: Option<String>,
}

/// The AppData panel's edit of one key of the top page's data: typed as JSON, applied with
/// Enter through [`crate::Session::edit_data`].
#[derive(Debug, Clone, PartialEq)]
pub struct PanelEdit {
    /// The data key.
    pub key: String,
    /// The JSON typed so far.
    pub text: String,
    /// Why the last Enter did not apply.
    pub error: Option<String>,
}

impl PanelEdit {
    /// The typed text as a value: JSON, or an error naming the rule.
    pub fn value(&self) -> Result<Value, String> {
        serde_json::from_str(self.text.trim()).map_err(|e| format!("not JSON ({e}); strings go in quotes: \"{}\"", self.text.trim()))
    }
}

impl PanelLine {
    fn new(text: impl Into<String>, tone: Tone) -> PanelLine {
        PanelLine { text: cut(&text.into()), tone, node_box: None, data_key: None }
    }
}

fn cut(s: &str) -> String {
    let one: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    match one.char_indices().nth(PANEL_LINE_CHARS) {
        Some((i, _)) => format!("{}…", &one[..i]),
        None => one,
    }
}

/// The lines of panel `tab` from [`crate::Session::panels`]' JSON.
pub fn lines(tab: PanelTab, panels: &Value) -> Vec<PanelLine> {
    let mut out = Vec::new();
    match tab {
        PanelTab::Console => {
            for l in panels["console"].as_array().into_iter().flatten() {
                let level = l["level"].as_str().unwrap_or("info");
                let tone = match level {
                    "error" => Tone::Error,
                    "warn" => Tone::Warn,
                    _ => Tone::Normal,
                };
                let source = if l["source"] == "host" { "host " } else { "" };
                out.push(PanelLine::new(format!("{source}{level}: {}", l["message"].as_str().unwrap_or("")), tone));
            }
            if out.is_empty() {
                out.push(PanelLine::new("no logs yet", Tone::Dim));
            }
        }
        PanelTab::AppData => {
            let pages = panels["appData"].as_array().map(Vec::as_slice).unwrap_or_default();
            for (i, page) in pages.iter().enumerate() {
                let top = i + 1 == pages.len();
                let mark = if top { "  (top: click a key to edit)" } else { "" };
                out.push(PanelLine::new(format!("{} {}{mark}", page["route"].as_str().unwrap_or("?"), page["query"]), Tone::Dim));
                match page["data"].as_object() {
                    Some(data) => {
                        for (k, v) in data {
                            let mut line = PanelLine::new(format!("  {k}: {v}"), Tone::Normal);
                            line.data_key = top.then(|| k.clone());
                            out.push(line);
                        }
                    }
                    None => out.push(PanelLine::new(format!("  {}", page["data"]), Tone::Normal)),
                }
            }
        }
        PanelTab::Elements => {
            fn walk(node: &Value, depth: usize, out: &mut Vec<PanelLine>) {
                let indent = "  ".repeat(depth.min(12));
                let node_box = node["box"].as_object().map(|b| Rect {
                    x: b["x"].as_f64().unwrap_or(0.0) as f32,
                    y: b["y"].as_f64().unwrap_or(0.0) as f32,
                    w: b["w"].as_f64().unwrap_or(0.0) as f32,
                    h: b["h"].as_f64().unwrap_or(0.0) as f32,
                });
                let size = node_box.map(|r| format!("  {:.0}×{:.0}", r.w, r.h)).unwrap_or_default();
                let text = match node["text"].as_str() {
                    Some(t) => format!("{indent}\"{}\"", t.trim()),
                    None => {
                        let mut s = format!("{indent}<{}", node["tag"].as_str().unwrap_or("?"));
                        if let Some(id) = node["id"].as_str().filter(|i| !i.is_empty()) {
                            s.push_str(&format!(" #{id}"));
                        }
                        for c in node["class"].as_array().into_iter().flatten().filter_map(Value::as_str) {
                            s.push_str(&format!(" .{c}"));
                        }
                        s.push('>');
                        s
                    }
                };
                let mut line = PanelLine::new(format!("{text}{size}"), Tone::Normal);
                line.node_box = node_box;
                out.push(line);
                for c in node["children"].as_array().into_iter().flatten() {
                    walk(c, depth + 1, out);
                }
            }
            walk(&panels["elements"]["root"], 0, &mut out);
        }
        PanelTab::Network => {
            for r in panels["network"].as_array().into_iter().flatten() {
                let method = r["method"].as_str().unwrap_or("?");
                let url = r["url"].as_str().unwrap_or("?");
                match (r["status"].as_u64(), r["error"].as_str()) {
                    (Some(status), _) => out.push(PanelLine::new(
                        format!("{method} {status} {:.0} ms {} B {url}", r["ms"].as_f64().unwrap_or(0.0), r["bytes"]),
                        if status >= 400 { Tone::Warn } else { Tone::Normal },
                    )),
                    (None, why) => {
                        out.push(PanelLine::new(format!("{method} refused {url}"), Tone::Error));
                        out.push(PanelLine::new(format!("  {}", why.unwrap_or("failed")), Tone::Error));
                    }
                }
            }
            if out.is_empty() {
                out.push(PanelLine::new("no requests yet", Tone::Dim));
            }
        }
        PanelTab::Storage => {
            let s = &panels["storage"];
            if s.is_null() {
                out.push(PanelLine::new("no storage", Tone::Dim));
            } else {
                out.push(PanelLine::new(format!("{} of {} bytes used", s["used"], s["quota"]), Tone::Dim));
                for k in s["keys"].as_array().into_iter().flatten() {
                    out.push(PanelLine::new(format!("{}  {} B", k["key"].as_str().unwrap_or("?"), k["bytes"]), Tone::Normal));
                }
            }
        }
        PanelTab::Performance => {
            let p = &panels["performance"];
            out.push(PanelLine::new(format!("set-data calls: {}", p["setDataCalls"]), Tone::Normal));
            out.push(PanelLine::new(format!("set-data bytes: {}", p["setDataBytes"]), Tone::Normal));
            out.push(PanelLine::new(format!("largest set-data: {} B", p["largestSetData"]), Tone::Normal));
            out.push(PanelLine::new(format!("peak set-data per second: {}", p["peakSetDataPerSecond"]), Tone::Normal));
            for w in p["warnings"].as_array().into_iter().flatten() {
                out.push(PanelLine::new(w.as_str().map_or_else(|| w.to_string(), str::to_string), Tone::Warn));
            }
        }
    }
    if out.len() > PANEL_MAX_LINES {
        let more = out.len() - PANEL_MAX_LINES;
        out.truncate(PANEL_MAX_LINES);
        out.push(PanelLine::new(format!("… {more} more lines"), Tone::Dim));
    }
    out
}

/// The tab under (x, y), in the panel's own logical px.
pub fn tab_at(x: f32, y: f32, width: f32) -> Option<PanelTab> {
    if !(0.0..PANEL_TAB_HEIGHT).contains(&y) || x < 0.0 {
        return None;
    }
    let w = width / PanelTab::ALL.len() as f32;
    PanelTab::ALL.get((x / w) as usize).copied()
}

/// The line under `y` (panel px), given the panel scrolled by `scroll` lines.
pub fn line_at(y: f32, scroll: usize, count: usize) -> Option<usize> {
    if y < PANEL_TAB_HEIGHT + 4.0 {
        return None;
    }
    let i = ((y - PANEL_TAB_HEIGHT - 4.0) / PANEL_LINE_HEIGHT) as usize + scroll;
    (i < count).then_some(i)
}

/// How many lines fit in a panel `height` px tall.
pub fn visible_lines(height: f32) -> usize {
    ((height - PANEL_TAB_HEIGHT - 8.0) / PANEL_LINE_HEIGHT).max(1.0) as usize
}

/// Draws panel `tab` (its `lines`, from line `scroll`, `hover` highlighted) as a list
/// `width` × `height` with its origin at the panel's top-left.
#[allow(clippy::too_many_arguments)] // one call site, each argument a different part of the panel
pub fn draw(
    tab: PanelTab,
    lines: &[PanelLine],
    width: f32,
    height: f32,
    scroll: usize,
    hover: Option<usize>,
    edit: Option<&PanelEdit>,
    fonts: &mut FontSystem,
) -> DisplayList {
    let mut list = DisplayList::new(width, height);
    let bg = Color::rgb(0x24, 0x27, 0x2e);
    let bar = Color::rgb(0x1b, 0x1d, 0x22);
    let fg = Color::rgb(0xd8, 0xde, 0xe9);
    let dim = Color::rgb(0x8a, 0x93, 0xa3);
    let accent = Color::rgb(0x4c, 0x9a, 0xff);
    list.items.push(rect(Rect { x: 0.0, y: 0.0, w: width, h: height }, bg));
    list.items.push(rect(Rect { x: 0.0, y: 0.0, w: width, h: PANEL_TAB_HEIGHT }, bar));
    let tab_w = width / PanelTab::ALL.len() as f32;
    for (i, t) in PanelTab::ALL.iter().enumerate() {
        let r = Rect { x: tab_w * i as f32, y: 0.0, w: tab_w, h: PANEL_TAB_HEIGHT };
        let selected = *t == tab;
        if selected {
            list.items.push(rect(Rect { x: r.x, y: r.h - 3.0, w: r.w, h: 3.0 }, accent));
        }
        let colour = if selected { fg } else { dim };
        list.items.extend(text_items(fonts, Rect { y: 8.0, h: 18.0, ..r }, t.name(), 12.0, 16.0, colour, selected, TextAlign::Center));
    }
    list.items.push(DisplayItem::PushClip { rect: Rect { x: 0.0, y: PANEL_TAB_HEIGHT, w: width, h: height - PANEL_TAB_HEIGHT }, radius: 0.0 });
    for (row, (i, line)) in lines.iter().enumerate().skip(scroll).take(visible_lines(height) + 1).enumerate() {
        let y = PANEL_TAB_HEIGHT + 4.0 + row as f32 * PANEL_LINE_HEIGHT;
        if hover == Some(i) {
            list.items.push(rect(Rect { x: 0.0, y, w: width, h: PANEL_LINE_HEIGHT }, Color::rgb(0x33, 0x4a, 0x6b)));
        }
        let colour = match line.tone {
            Tone::Normal => fg,
            Tone::Dim => dim,
            Tone::Warn => Color::rgb(0xf0, 0xc6, 0x4a),
            Tone::Error => Color::rgb(0xff, 0x6b, 0x6b),
        };
        list.items.extend(text_items(
            fonts,
            Rect { x: 8.0, y: y + 1.0, w: width * 4.0, h: PANEL_LINE_HEIGHT },
            &line.text,
            12.0,
            16.0,
            colour,
            false,
            TextAlign::Left,
        ));
    }
    list.items.push(DisplayItem::PopClip);
    if let Some(e) = edit {
        // The edit field over the bottom of the panel.
        let h = 3.0 * PANEL_LINE_HEIGHT + 8.0;
        let y = height - h;
        list.items.push(rect(Rect { x: 0.0, y, w: width, h }, bar));
        let field = Rect { x: 8.0, y: y + 4.0, w: width - 16.0, h: PANEL_LINE_HEIGHT + 4.0 };
        list.items.push(DisplayItem::Rect { rect: field, color: bg, radius: 3.0, border_width: 1.0, border_color: accent });
        let typed = format!("{} = {}|", e.key, e.text);
        list.items.extend(text_items(fonts, Rect { x: 12.0, y: y + 6.0, w: width * 4.0, h: PANEL_LINE_HEIGHT }, &cut(&typed), 12.0, 16.0, fg, false, TextAlign::Left));
        let (hint, colour) = match &e.error {
            Some(why) => (cut(why), Color::rgb(0xff, 0x6b, 0x6b)),
            None => ("Enter applies it as a set-data on the top page; Esc cancels".to_string(), dim),
        };
        list.items.extend(text_items(fonts, Rect { x: 8.0, y: y + 8.0 + PANEL_LINE_HEIGHT + 4.0, w: width * 4.0, h: PANEL_LINE_HEIGHT }, &hint, 11.0, 16.0, colour, false, TextAlign::Left));
    }
    list
}

/// The highlight of a hovered Elements node on the phone: its page box moved to the screen
/// (below `page.y`, scrolled by `scroll_top`), clipped to the page area.
pub fn highlight(node_box: Rect, page: Rect, scroll_top: f32) -> Vec<DisplayItem> {
    let r = Rect { x: page.x + node_box.x, y: page.y + node_box.y - scroll_top, w: node_box.w, h: node_box.h };
    let fill = Color { r: 0x4c, g: 0x9a, b: 0xff, a: 90 };
    let edge = Color { r: 0x4c, g: 0x9a, b: 0xff, a: 255 };
    vec![
        DisplayItem::PushClip { rect: page, radius: 0.0 },
        DisplayItem::Rect { rect: r, color: fill, radius: 0.0, border_width: 1.0, border_color: edge },
        DisplayItem::PopClip,
    ]
}

fn rect(r: Rect, color: Color) -> DisplayItem {
    DisplayItem::Rect { rect: r, color, radius: 0.0, border_width: 0.0, border_color: color }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample() -> Value {
        json!({
            "console": [
                { "level": "info", "message": "count is 2" },
                { "level": "warn", "message": "unknown property `colr`", "source": "host" },
            ],
            "appData": [{ "route": "pages/index/index", "query": {}, "data": { "count": 2 } }],
            "elements": { "root": { "tag": "page", "id": "", "class": [], "box": { "x": 0, "y": 0, "w": 375, "h": 600 }, "children": [
                { "tag": "button", "id": "inc", "class": ["big"], "box": { "x": 10, "y": 20, "w": 100, "h": 40 }, "children": [
                    { "text": "+1", "box": null }
                ] }
            ] } },
            "network": [
                { "method": "GET", "url": "http://127.0.0.1:9/a", "status": 200, "ms": 3.2, "bytes": 10, "error": null },
                { "method": "GET", "url": "https://evil.example/x", "status": null, "ms": 0.0, "bytes": 0, "error": "origin https://evil.example is not declared in app.json" },
            ],
            "storage": { "keys": [{ "key": "todos", "bytes": 42 }], "used": 42, "quota": 10485760 },
            "performance": { "setDataCalls": 3, "setDataBytes": 120, "largestSetData": 60, "peakSetDataPerSecond": 3, "warnings": ["21 set-data calls in one second"] },
        })
    }

    #[test]
    fn every_panel_lists_its_part_of_the_json() {
        let p = sample();
        let text = |tab| lines(tab, &p).into_iter().map(|l| l.text).collect::<Vec<_>>().join("\n");
        assert!(text(PanelTab::Console).contains("info: count is 2"));
        assert!(text(PanelTab::Console).contains("host warn: unknown property `colr`"));
        assert!(text(PanelTab::AppData).contains("count: 2"));
        let data = lines(PanelTab::AppData, &p);
        assert_eq!(data.iter().filter_map(|l| l.data_key.as_deref()).collect::<Vec<_>>(), ["count"], "the top page's keys are editable");
        assert!(text(PanelTab::Elements).contains("<button #inc .big>  100×40"));
        assert!(text(PanelTab::Elements).contains("\"+1\""));
        assert!(text(PanelTab::Network).contains("GET 200 3 ms 10 B http://127.0.0.1:9/a"));
        assert!(text(PanelTab::Network).contains("not declared in app.json"));
        assert!(text(PanelTab::Storage).contains("todos  42 B"));
        assert!(text(PanelTab::Performance).contains("21 set-data calls in one second"));
        let refused = lines(PanelTab::Network, &p);
        assert_eq!(refused.iter().filter(|l| l.tone == Tone::Error).count(), 2, "a refused request is red, with its rule");
    }

    #[test]
    fn elements_lines_carry_their_boxes_for_the_hover_highlight() {
        let l = lines(PanelTab::Elements, &sample());
        let button = l.iter().find(|l| l.text.contains("button")).unwrap();
        assert_eq!(button.node_box, Some(Rect { x: 10.0, y: 20.0, w: 100.0, h: 40.0 }));
        let hl = highlight(button.node_box.unwrap(), Rect { x: 0.0, y: 64.0, w: 375.0, h: 603.0 }, 10.0);
        match &hl[1] {
            DisplayItem::Rect { rect, .. } => assert_eq!(*rect, Rect { x: 10.0, y: 74.0, w: 100.0, h: 40.0 }),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn empty_and_hostile_json_gives_lines_not_panics() {
        for tab in PanelTab::ALL {
            assert!(!lines(tab, &Value::Null).is_empty() || tab == PanelTab::AppData || tab == PanelTab::Elements);
            let _ = lines(tab, &json!({ "console": 3, "network": "x", "elements": [1], "storage": [], "performance": null }));
        }
        let long = json!({ "console": [{ "level": "info", "message": "x".repeat(10_000) + "\nline two" }] });
        let l = lines(PanelTab::Console, &long);
        assert_eq!(l.len(), 1);
        assert!(l[0].text.chars().count() <= PANEL_LINE_CHARS + 1 && l[0].text.ends_with('…') && !l[0].text.contains('\n'));
        let many = json!({ "console": (0..2000).map(|i| json!({ "level": "info", "message": i.to_string() })).collect::<Vec<_>>() });
        let l = lines(PanelTab::Console, &many);
        assert_eq!(l.len(), PANEL_MAX_LINES + 1);
        assert_eq!(l.last().unwrap().text, "… 1500 more lines");
    }

    #[test]
    fn an_edit_takes_json_and_names_the_rule_otherwise() {
        let mut e = PanelEdit { key: "count".into(), text: " 41 ".into(), error: None };
        assert_eq!(e.value(), Ok(json!(41)));
        e.text = "hello".into();
        let err = e.value().unwrap_err();
        assert!(err.starts_with("not JSON") && err.contains("\"hello\""), "{err}");
        e.text = "\"hello\"".into();
        assert_eq!(e.value(), Ok(json!("hello")));
    }

    #[test]
    fn tabs_and_lines_are_found_under_the_pointer() {
        assert_eq!(tab_at(5.0, 10.0, PANEL_WIDTH), Some(PanelTab::Console));
        assert_eq!(tab_at(PANEL_WIDTH - 1.0, 10.0, PANEL_WIDTH), Some(PanelTab::Performance));
        assert_eq!(tab_at(5.0, PANEL_TAB_HEIGHT + 1.0, PANEL_WIDTH), None);
        assert_eq!(line_at(PANEL_TAB_HEIGHT + 4.0 + PANEL_LINE_HEIGHT * 2.5, 0, 10), Some(2));
        assert_eq!(line_at(PANEL_TAB_HEIGHT + 4.0 + PANEL_LINE_HEIGHT * 2.5, 3, 10), Some(5));
        assert_eq!(line_at(PANEL_TAB_HEIGHT + 4.0 + PANEL_LINE_HEIGHT * 2.5, 9, 10), None);
        assert_eq!(line_at(10.0, 0, 10), None);
    }
}
