//! The developer panels beside the phone in the window (F12 or the `</>` button): Console,
//! AppData, Elements, Network, Storage and Performance. They show the same JSON
//! [`crate::Session::panels`] gives `miniapp run --panels FILE`, one line per entry, so the
//! window and the headless driver cannot disagree about what an app did.
//!
//! Hovering a line of the Elements panel highlights that node's box on the phone. The Console
//! has a toolbar that filters by level and by text; Storage has one with "Clear storage".
//! [`PanelState`] is everything the window keeps about them (tab, scroll, hover, edit, filter),
//! so clicks and keys are handled and tested here, without a window.

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
/// Height of a panel's toolbar under the tabs (Console, Storage), in logical px.
pub const PANEL_TOOLBAR_HEIGHT: f32 = 26.0;
/// Most characters of the Console's filter text.
pub const PANEL_FILTER_CHARS: usize = 200;

/// Which console lines the Console shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ConsoleLevel {
    /// Every line.
    #[default]
    All,
    /// Errors only.
    Errors,
    /// Warnings and errors.
    Warnings,
    /// The app's own `debug`/`info`/`log` lines.
    Logs,
}

impl ConsoleLevel {
    /// The levels in the order of the toolbar's chips.
    pub const ALL: [ConsoleLevel; 4] = [ConsoleLevel::All, ConsoleLevel::Errors, ConsoleLevel::Warnings, ConsoleLevel::Logs];

    /// The chip's label.
    pub fn name(self) -> &'static str {
        match self {
            ConsoleLevel::All => "All",
            ConsoleLevel::Errors => "Errors",
            ConsoleLevel::Warnings => "Warnings",
            ConsoleLevel::Logs => "Logs",
        }
    }

    fn keeps(self, level: &str) -> bool {
        match self {
            ConsoleLevel::All => true,
            ConsoleLevel::Errors => level == "error",
            ConsoleLevel::Warnings => level == "error" || level == "warn",
            ConsoleLevel::Logs => level != "error" && level != "warn",
        }
    }
}

/// The Console's filter: a level and a text (case-insensitive, in the level or the message).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConsoleFilter {
    /// Which levels show.
    pub level: ConsoleLevel,
    /// Text a line must contain; empty keeps every line.
    pub text: String,
    /// Whether the filter field has the keyboard.
    pub focused: bool,
}

impl ConsoleFilter {
    /// Whether a console line of `level` saying `message` shows.
    pub fn keeps(&self, level: &str, message: &str) -> bool {
        let needle = self.text.trim().to_lowercase();
        self.level.keeps(level) && (needle.is_empty() || message.to_lowercase().contains(&needle) || level.contains(&needle))
    }

    /// Whether it hides anything.
    pub fn is_active(&self) -> bool {
        self.level != ConsoleLevel::All || !self.text.trim().is_empty()
    }
}

/// A control in a panel's toolbar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// A Console level chip.
    Level(ConsoleLevel),
    /// The Console's filter field.
    Filter,
    /// Storage: remove every key the app stored.
    ClearStorage,
}

/// The toolbar of panel `tab` (`width` px wide): each control's rectangle in panel px.
pub fn tools(tab: PanelTab, width: f32) -> Vec<(Rect, Tool)> {
    let y = PANEL_TAB_HEIGHT + 3.0;
    let h = PANEL_TOOLBAR_HEIGHT - 6.0;
    match tab {
        PanelTab::Console => {
            let mut out = Vec::new();
            let mut x = 6.0;
            for level in ConsoleLevel::ALL {
                let w = 14.0 + 7.0 * level.name().len() as f32;
                out.push((Rect { x, y, w, h }, Tool::Level(level)));
                x += w + 4.0;
            }
            out.push((Rect { x: x + 4.0, y, w: (width - x - 10.0).max(40.0), h }, Tool::Filter));
            out
        }
        PanelTab::Storage => vec![(Rect { x: 6.0, y, w: 110.0, h }, Tool::ClearStorage)],
        _ => Vec::new(),
    }
}

/// Where the lines of panel `tab` start, in panel px (under the tabs and its toolbar).
pub fn lines_top(tab: PanelTab) -> f32 {
    let toolbar = if tools(tab, PANEL_WIDTH).is_empty() { 0.0 } else { PANEL_TOOLBAR_HEIGHT };
    PANEL_TAB_HEIGHT + toolbar + 4.0
}

/// What a click on the panels did (see [`PanelState::click`]); the window carries out what
/// needs the session.
#[derive(Debug, Clone, PartialEq)]
pub enum PanelClick {
    /// Nothing to do beyond a redraw (a tab, a chip, the filter field).
    Done,
    /// Line `i` of the current panel (AppData: edit its key).
    Line(usize),
    /// Storage's "Clear storage".
    ClearStorage,
    /// Outside every control and line.
    Nothing,
}

/// What the window keeps about its panels: the tab, the scroll, the hovered line, the lines
/// drawn last, an AppData edit and the Console's filter.
#[derive(Debug, Clone, PartialEq)]
pub struct PanelState {
    /// The panel shown.
    pub tab: PanelTab,
    /// First line shown.
    pub scroll: usize,
    /// The line under the pointer (Elements: its node is highlighted on the phone).
    pub hover: Option<usize>,
    /// The lines drawn last, for hover and scrolling.
    pub lines: Vec<PanelLine>,
    /// An AppData key being edited (the keyboard types into it).
    pub edit: Option<PanelEdit>,
    /// The Console's filter.
    pub filter: ConsoleFilter,
    /// The Elements node whose computed style shows (its path), after a click on it.
    pub expanded: Option<String>,
    /// Whether [`PanelState::lines`] must be rebuilt from the session before the next draw
    /// (the app ran, the tab or the filter changed); a hover alone keeps them.
    pub stale: bool,
}

impl Default for PanelState {
    fn default() -> PanelState {
        PanelState {
            tab: PanelTab::Console,
            scroll: 0,
            hover: None,
            lines: Vec::new(),
            edit: None,
            filter: ConsoleFilter::default(),
            expanded: None,
            stale: true,
        }
    }
}

impl PanelState {
    /// Rebuilds the lines from [`crate::Session::panels`]' JSON.
    pub fn refresh(&mut self, panels: &Value) {
        self.lines = lines(self.tab, panels, &self.filter, self.expanded.as_deref());
        self.scroll = self.scroll.min(self.lines.len().saturating_sub(1));
        self.stale = false;
    }

    /// Shows panel `tab` (from the top, no hover, no edit).
    pub fn show(&mut self, tab: PanelTab) {
        if self.tab != tab {
            self.tab = tab;
            self.scroll = 0;
            self.hover = None;
            self.edit = None;
            self.filter.focused = false;
            self.stale = true;
        }
    }

    /// A click at `(x, y)` in panel px on panels `width` px wide.
    pub fn click(&mut self, x: f32, y: f32, width: f32) -> PanelClick {
        if let Some(tab) = tab_at(x, y, width) {
            self.show(tab);
            return PanelClick::Done;
        }
        let tool = tools(self.tab, width).into_iter().find(|(r, _)| x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h);
        self.filter.focused = matches!(tool, Some((_, Tool::Filter)));
        match tool {
            Some((_, Tool::Level(level))) => {
                self.filter.level = level;
                self.scroll = 0;
                self.stale = true;
                PanelClick::Done
            }
            Some((_, Tool::Filter)) => PanelClick::Done,
            Some((_, Tool::ClearStorage)) => {
                self.stale = true;
                PanelClick::ClearStorage
            }
            None => match line_at(self.tab, y, self.scroll, self.lines.len()) {
                Some(i) => {
                    // Elements: a node's line shows (or hides) its computed style.
                    if let Some(path) = self.lines[i].node_path.clone() {
                        self.expanded = if self.expanded.as_deref() == Some(path.as_str()) { None } else { Some(path) };
                        self.stale = true;
                    }
                    PanelClick::Line(i)
                }
                None => PanelClick::Nothing,
            },
        }
    }

    /// Typed text while the filter field has the keyboard (control characters dropped, up to
    /// [`PANEL_FILTER_CHARS`]).
    pub fn type_filter(&mut self, text: &str) {
        for c in text.chars().filter(|c| !c.is_control()) {
            if self.filter.text.chars().count() >= PANEL_FILTER_CHARS {
                break;
            }
            self.filter.text.push(c);
        }
        self.scroll = 0;
        self.stale = true;
    }

    /// Backspace in the filter field.
    pub fn filter_backspace(&mut self) {
        self.filter.text.pop();
        self.stale = true;
    }

    /// The line under `y` (panel px).
    pub fn line_at(&self, y: f32) -> Option<usize> {
        line_at(self.tab, y, self.scroll, self.lines.len())
    }

    /// Scrolls by `dy` px of the wheel.
    pub fn scroll_by(&mut self, dy: f32) {
        let lines = (dy / PANEL_LINE_HEIGHT).round() as isize;
        self.scroll = self.scroll.saturating_add_signed(lines).min(self.lines.len().saturating_sub(1));
    }
}

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
    /// For Elements: the node's path in the tree (child indexes, `0.2.1`); a click shows or
    /// hides its computed style under it.
    pub node_path: Option<String>,
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
        PanelLine { text: cut(&text.into()), tone, node_box: None, data_key: None, node_path: None }
    }
}

fn cut(s: &str) -> String {
    let one: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    match one.char_indices().nth(PANEL_LINE_CHARS) {
        Some((i, _)) => format!("{}…", &one[..i]),
        None => one,
    }
}

/// The lines of panel `tab` from [`crate::Session::panels`]' JSON; the Console's pass `filter`,
/// and the Elements node at path `expanded` is followed by its computed style.
pub fn lines(tab: PanelTab, panels: &Value, filter: &ConsoleFilter, expanded: Option<&str>) -> Vec<PanelLine> {
    let mut out = Vec::new();
    match tab {
        PanelTab::Console => {
            let all = panels["console"].as_array().map(Vec::as_slice).unwrap_or_default();
            for l in all {
                let level = l["level"].as_str().unwrap_or("info");
                if !filter.keeps(level, l["message"].as_str().unwrap_or("")) {
                    continue;
                }
                let tone = match level {
                    "error" => Tone::Error,
                    "warn" => Tone::Warn,
                    _ => Tone::Normal,
                };
                let source = if l["source"] == "host" { "host " } else { "" };
                out.push(PanelLine::new(format!("{source}{level}: {}", l["message"].as_str().unwrap_or("")), tone));
            }
            if filter.is_active() {
                let shown = out.len();
                out.insert(0, PanelLine::new(format!("{shown} of {} lines match the filter", all.len()), Tone::Dim));
            } else if out.is_empty() {
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
            fn walk(node: &Value, path: String, expanded: Option<&str>, out: &mut Vec<PanelLine>) {
                let depth = path.matches('.').count();
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
                let open = expanded == Some(path.as_str());
                line.node_path = Some(path.clone());
                out.push(line);
                if open {
                    // Its computed style, then its box, under the node.
                    for (k, v) in node["style"].as_object().into_iter().flatten() {
                        let mut l = PanelLine::new(format!("{indent}  · {k}: {}", v.as_str().unwrap_or_default()), Tone::Dim);
                        l.node_box = node_box;
                        out.push(l);
                    }
                    if let Some(r) = node_box {
                        let mut l = PanelLine::new(format!("{indent}  · box: x {:.0} y {:.0} w {:.0} h {:.0}", r.x, r.y, r.w, r.h), Tone::Dim);
                        l.node_box = node_box;
                        out.push(l);
                    }
                }
                for (i, c) in node["children"].as_array().into_iter().flatten().enumerate() {
                    walk(c, format!("{path}.{i}"), expanded, out);
                }
            }
            walk(&panels["elements"]["root"], "0".into(), expanded, &mut out);
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
            let l = &p["launch"];
            if l.is_object() {
                let stage = |k: &str| l[k].as_f64().unwrap_or(0.0);
                out.push(PanelLine::new("launch (ms):", Tone::Dim));
                out.push(PanelLine::new(
                    format!("  fetch {:.1}  verify {:.1}  base {:.1}  compile {:.1}", stage("fetch_ms"), stage("verify_ms"), stage("base_ms"), stage("compile_ms")),
                    Tone::Normal,
                ));
                out.push(PanelLine::new(
                    format!("  instantiate {:.1}  first layout {:.1}  first frame {:.1}", stage("instantiate_ms"), stage("first_layout_ms"), stage("first_frame_ms")),
                    Tone::Normal,
                ));
            }
            let f = &p["frames"];
            if f.is_object() {
                out.push(PanelLine::new(
                    format!(
                        "frames: {}  last {:.1} ms  mean {:.1} ms  max {:.1} ms",
                        f["count"],
                        f["lastMs"].as_f64().unwrap_or(0.0),
                        f["meanMs"].as_f64().unwrap_or(0.0),
                        f["maxMs"].as_f64().unwrap_or(0.0)
                    ),
                    Tone::Normal,
                ));
            }
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

/// The line of panel `tab` under `y` (panel px), given the panel scrolled by `scroll` lines.
pub fn line_at(tab: PanelTab, y: f32, scroll: usize, count: usize) -> Option<usize> {
    let top = lines_top(tab);
    if y < top {
        return None;
    }
    let i = ((y - top) / PANEL_LINE_HEIGHT) as usize + scroll;
    (i < count).then_some(i)
}

/// How many lines of panel `tab` fit in a panel `height` px tall.
pub fn visible_lines(tab: PanelTab, height: f32) -> usize {
    ((height - lines_top(tab) - 4.0) / PANEL_LINE_HEIGHT).max(1.0) as usize
}

/// Draws the panels of `state` (its tab's lines from its scroll, the hovered one highlighted,
/// its toolbar and edit field) as a list `width` × `height` with its origin at the panel's
/// top-left.
pub fn draw(state: &PanelState, width: f32, height: f32, fonts: &mut FontSystem) -> DisplayList {
    let PanelState { tab, ref lines, scroll, hover, ref edit, ref filter, .. } = *state;
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
    for (r, tool) in tools(tab, width) {
        let (text, on) = match tool {
            Tool::Level(level) => (level.name().to_string(), filter.level == level),
            Tool::Filter if filter.text.is_empty() && !filter.focused => ("Filter…".to_string(), false),
            Tool::Filter => (format!("{}{}", filter.text, if filter.focused { "|" } else { "" }), filter.focused),
            Tool::ClearStorage => ("Clear storage".to_string(), false),
        };
        let fill = if on { Color::rgb(0x33, 0x4a, 0x6b) } else { bar };
        let edge = if on { accent } else { Color::rgb(0x3a, 0x3f, 0x4b) };
        list.items.push(DisplayItem::Rect { rect: r, color: fill, radius: 3.0, border_width: 1.0, border_color: edge });
        let align = if tool == Tool::Filter { TextAlign::Left } else { TextAlign::Center };
        let inner = Rect { x: r.x + 6.0, y: r.y + 2.0, w: r.w - 12.0, h: r.h - 2.0 };
        let colour = if tool == Tool::Filter && filter.text.is_empty() && !filter.focused { dim } else { fg };
        list.items.extend(text_items(fonts, inner, &cut(&text), 11.0, 16.0, colour, false, align));
    }
    let top = lines_top(tab);
    list.items.push(DisplayItem::PushClip { rect: Rect { x: 0.0, y: top - 4.0, w: width, h: height - top + 4.0 }, radius: 0.0 });
    for (row, (i, line)) in lines.iter().enumerate().skip(scroll).take(visible_lines(tab, height) + 1).enumerate() {
        let y = top + row as f32 * PANEL_LINE_HEIGHT;
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
    if let Some(e) = edit.as_ref() {
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
                { "tag": "button", "id": "inc", "class": ["big"], "style": { "display": "flex", "color": "#ffffff" }, "box": { "x": 10, "y": 20, "w": 100, "h": 40 }, "children": [
                    { "text": "+1", "box": null }
                ] }
            ] } },
            "network": [
                { "method": "GET", "url": "http://127.0.0.1:9/a", "status": 200, "ms": 3.2, "bytes": 10, "error": null },
                { "method": "GET", "url": "https://evil.example/x", "status": null, "ms": 0.0, "bytes": 0, "error": "origin https://evil.example is not declared in app.json" },
            ],
            "storage": { "keys": [{ "key": "todos", "bytes": 42 }], "used": 42, "quota": 10485760 },
            "performance": { "launch": { "fetch_ms": 3.0, "verify_ms": 1.0, "base_ms": 0.0, "compile_ms": 40.0, "instantiate_ms": 2.0, "first_layout_ms": 5.0, "first_frame_ms": 9.5 },
                "frames": { "count": 4, "lastMs": 2.5, "meanMs": 3.0, "maxMs": 6.0 }, "setDataCalls": 3, "setDataBytes": 120, "largestSetData": 60, "peakSetDataPerSecond": 3, "warnings": ["21 set-data calls in one second"] },
        })
    }

    #[test]
    fn every_panel_lists_its_part_of_the_json() {
        let p = sample();
        let text = |tab| lines(tab, &p, &ConsoleFilter::default(), None).into_iter().map(|l| l.text).collect::<Vec<_>>().join("\n");
        assert!(text(PanelTab::Console).contains("info: count is 2"));
        assert!(text(PanelTab::Console).contains("host warn: unknown property `colr`"));
        assert!(text(PanelTab::AppData).contains("count: 2"));
        let data = lines(PanelTab::AppData, &p, &ConsoleFilter::default(), None);
        assert_eq!(data.iter().filter_map(|l| l.data_key.as_deref()).collect::<Vec<_>>(), ["count"], "the top page's keys are editable");
        assert!(text(PanelTab::Elements).contains("<button #inc .big>  100×40"));
        assert!(text(PanelTab::Elements).contains("\"+1\""));
        assert!(text(PanelTab::Network).contains("GET 200 3 ms 10 B http://127.0.0.1:9/a"));
        assert!(text(PanelTab::Network).contains("not declared in app.json"));
        assert!(text(PanelTab::Storage).contains("todos  42 B"));
        assert!(text(PanelTab::Performance).contains("21 set-data calls in one second"));
        assert!(text(PanelTab::Performance).contains("compile 40.0"), "{}", text(PanelTab::Performance));
        assert!(text(PanelTab::Performance).contains("first frame 9.5"));
        assert!(text(PanelTab::Performance).contains("frames: 4  last 2.5 ms  mean 3.0 ms  max 6.0 ms"));
        let refused = lines(PanelTab::Network, &p, &ConsoleFilter::default(), None);
        assert_eq!(refused.iter().filter(|l| l.tone == Tone::Error).count(), 2, "a refused request is red, with its rule");
    }

    #[test]
    fn elements_lines_carry_their_boxes_for_the_hover_highlight() {
        let l = lines(PanelTab::Elements, &sample(), &ConsoleFilter::default(), None);
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
            assert!(!lines(tab, &Value::Null, &ConsoleFilter::default(), None).is_empty() || tab == PanelTab::AppData || tab == PanelTab::Elements);
            let _ = lines(tab, &json!({ "console": 3, "network": "x", "elements": [1], "storage": [], "performance": null }), &ConsoleFilter::default(), None);
        }
        let long = json!({ "console": [{ "level": "info", "message": "x".repeat(10_000) + "\nline two" }] });
        let l = lines(PanelTab::Console, &long, &ConsoleFilter::default(), None);
        assert_eq!(l.len(), 1);
        assert!(l[0].text.chars().count() <= PANEL_LINE_CHARS + 1 && l[0].text.ends_with('…') && !l[0].text.contains('\n'));
        let many = json!({ "console": (0..2000).map(|i| json!({ "level": "info", "message": i.to_string() })).collect::<Vec<_>>() });
        let l = lines(PanelTab::Console, &many, &ConsoleFilter::default(), None);
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
        assert_eq!(line_at(PanelTab::Elements, PANEL_TAB_HEIGHT + 4.0 + PANEL_LINE_HEIGHT * 2.5, 0, 10), Some(2));
        assert_eq!(line_at(PanelTab::Elements, PANEL_TAB_HEIGHT + 4.0 + PANEL_LINE_HEIGHT * 2.5, 3, 10), Some(5));
        assert_eq!(line_at(PanelTab::Elements, PANEL_TAB_HEIGHT + 4.0 + PANEL_LINE_HEIGHT * 2.5, 9, 10), None);
        assert_eq!(line_at(PanelTab::Elements, 10.0, 0, 10), None);
    }

    #[test]
    fn the_console_filters_by_level_and_text() {
        let p = json!({ "console": [
            { "level": "info", "message": "count is 2" },
            { "level": "warn", "message": "unknown property `colr`", "source": "host" },
            { "level": "error", "message": "request refused: origin not declared" },
            { "level": "debug", "message": "Count is 3" },
        ] });
        let text = |f: &ConsoleFilter| lines(PanelTab::Console, &p, f, None).into_iter().map(|l| l.text).collect::<Vec<_>>();
        let mut f = ConsoleFilter { level: ConsoleLevel::Errors, ..ConsoleFilter::default() };
        assert_eq!(text(&f), ["1 of 4 lines match the filter", "error: request refused: origin not declared"]);
        f.level = ConsoleLevel::Warnings;
        assert_eq!(text(&f).len(), 3);
        f.level = ConsoleLevel::Logs;
        f.text = "COUNT".into();
        assert_eq!(text(&f), ["2 of 4 lines match the filter", "info: count is 2", "debug: Count is 3"]);
        f.text = "nothing like it".into();
        assert_eq!(text(&f), ["0 of 4 lines match the filter"]);
        assert_eq!(text(&ConsoleFilter::default()).len(), 4, "no filter, no count line");
    }

    #[test]
    fn clicks_on_the_toolbar_set_the_filter_and_clear_storage() {
        let mut state = PanelState::default();
        state.refresh(&sample());
        assert!(!state.stale);
        let chips = tools(PanelTab::Console, PANEL_WIDTH);
        let centre = |r: Rect| (r.x + r.w / 2.0, r.y + r.h / 2.0);
        let (x, y) = centre(chips.iter().find(|(_, t)| *t == Tool::Level(ConsoleLevel::Warnings)).unwrap().0);
        assert_eq!(state.click(x, y, PANEL_WIDTH), PanelClick::Done);
        assert_eq!(state.filter.level, ConsoleLevel::Warnings);
        assert!(state.stale, "a new filter rebuilds the lines");
        state.refresh(&sample());
        assert_eq!(state.lines.len(), 2, "{:?}", state.lines);
        let (x, y) = centre(chips.iter().find(|(_, t)| *t == Tool::Filter).unwrap().0);
        state.click(x, y, PANEL_WIDTH);
        assert!(state.filter.focused);
        state.type_filter("colr\u{7}");
        assert_eq!(state.filter.text, "colr", "control characters are dropped");
        state.type_filter(&"x".repeat(1000));
        assert_eq!(state.filter.text.chars().count(), PANEL_FILTER_CHARS);
        // Storage: its button asks the window to clear the app's storage.
        let tab_w = PANEL_WIDTH / PanelTab::ALL.len() as f32;
        state.click(tab_w * 4.0 + 5.0, 10.0, PANEL_WIDTH);
        assert_eq!(state.tab, PanelTab::Storage);
        assert!(!state.filter.focused, "switching tab takes the keyboard from the filter");
        let (x, y) = centre(tools(PanelTab::Storage, PANEL_WIDTH)[0].0);
        assert_eq!(state.click(x, y, PANEL_WIDTH), PanelClick::ClearStorage);
        state.refresh(&sample());
        // A line under the toolbar is a line; the toolbar itself is not.
        assert_eq!(state.click(20.0, lines_top(PanelTab::Storage) + PANEL_LINE_HEIGHT * 1.5, PANEL_WIDTH), PanelClick::Line(1));
        assert_eq!(state.line_at(PANEL_TAB_HEIGHT + 5.0), None);
        let list = draw(&state, PANEL_WIDTH, 600.0, &mut miniapp_view::new_font_system());
        assert!(list.texts().contains(&"Clear storage"), "{:?}", list.texts());
    }

    #[test]
    fn a_click_on_an_elements_node_shows_its_computed_style() {
        let mut state = PanelState::default();
        state.show(PanelTab::Elements);
        state.refresh(&sample());
        let i = state.lines.iter().position(|l| l.text.contains("<button")).unwrap();
        assert_eq!(state.lines[i].node_path.as_deref(), Some("0.0"));
        let y = lines_top(PanelTab::Elements) + PANEL_LINE_HEIGHT * (i as f32 + 0.5);
        assert_eq!(state.click(20.0, y, PANEL_WIDTH), PanelClick::Line(i));
        state.refresh(&sample());
        let text: Vec<&str> = state.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(&text[i + 1..i + 4], ["    · color: #ffffff", "    · display: flex", "    · box: x 10 y 20 w 100 h 40"], "properties in name order, then the box: {text:?}");
        state.click(20.0, y, PANEL_WIDTH);
        state.refresh(&sample());
        assert!(!state.lines.iter().any(|l| l.text.contains("· display")), "a second click hides it");
    }
}
