//! System UI over a page: toast, loading, modal, action sheet, picker sheet, permission prompt,
//! camera, the capsule's menu and what it opens.
//!
//! Each overlay is defined once, in [`Overlay::view`]: what it shows (shapes and labels), where
//! its buttons are and which answer each gives. Drawing ([`OverlayView::draw`]), hit testing
//! ([`OverlayView::hit`]) and the text a script's `assert-text` sees ([`OverlayView::text`]) are
//! all read from that one description, so they cannot disagree. How an answer is carried out is
//! [`Overlay::answer`] (what to tell the app) and [`Overlay::check_answer`] (what a script may
//! answer). Adding an overlay is one variant and one arm in each of those.

use crate::device::Device;
use miniapp_view::cosmic_text::FontSystem;
use miniapp_view::{text_items, Color, DisplayItem, DisplayList, Rect, TextAlign};
use std::time::Instant;

/// The capsule menu's items, in order (see [`Overlay::Menu`]).
pub const MENU_ITEMS: [&str; 6] = ["About", "Share", "Permissions", "Device", "Restart", "Close"];
/// What the simulated camera asks for (and what `assert-text` sees while it is open).
pub const CAMERA_HINT: &str = "Drop an image with a QR code on the window, or choose a file";
/// The camera's button that opens the window's file chooser ([`crate::chooser`]).
pub const CAMERA_CHOOSE: &str = "Choose file…";

/// System UI over the page: what `ui` asks for, and the system's own sheets.
#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    /// A `picker`'s bottom sheet (the view asked for it): its rows are the first column's
    /// choices (a `date` / `time` picker shows one row keeping its value); the answer becomes
    /// the picker's `change`, Cancel its `cancel`.
    Picker {
        /// The page the picker is on.
        page: u32,
        /// What the view asked.
        request: miniapp_view::PickerRequest,
    },
    /// `miniapp dev`: what stops the app's sources from loading (`file:line:column: …`), shown
    /// over the page until the next good reload clears it.
    DevError {
        /// The error.
        message: String,
    },
    /// A toast, shown until `until`.
    Toast {
        /// Its text.
        title: String,
        /// When it disappears.
        until: Instant,
    },
    /// The loading overlay.
    Loading {
        /// Its text.
        title: String,
    },
    /// A modal waiting for an answer.
    Modal {
        /// The app's callback id.
        callback: u32,
        /// Title.
        title: String,
        /// Body.
        content: String,
        /// Whether it has a Cancel button.
        show_cancel: bool,
    },
    /// An action sheet waiting for a choice.
    ActionSheet {
        /// The app's callback id.
        callback: u32,
        /// The items.
        items: Vec<String>,
    },
    /// A permission prompt (`auth.authorize`) waiting for Allow or Deny.
    Permission {
        /// The app's callback id.
        callback: u32,
        /// The app's name as shown to the user.
        app: String,
        /// The scope asked for (`scope.camera`).
        scope: String,
        /// What the app wants to do (`use your camera`).
        description: String,
    },
    /// The simulated camera (`device.scan-code`) waiting for an image or Cancel.
    Camera {
        /// The app's callback id.
        callback: u32,
    },
    /// The capsule's menu (the "···" button): [`MENU_ITEMS`].
    Menu,
    /// The capsule menu's Device: a sheet of [`Device::PRESETS`], the current one ticked.
    Devices {
        /// The device the session shows now.
        current: &'static str,
    },
    /// The capsule's Share: a QR code of the current page's launch URL (path, query and the
    /// scene `share`), the URL under it, and OK. Scanning it opens this page.
    Share {
        /// The launch URL the code holds.
        url: String,
        /// The code's modules, row by row (`true` is dark).
        modules: Vec<Vec<bool>>,
    },
    /// The system's About box (from the capsule menu): the app's name, version and id, and OK.
    About {
        /// The app's name.
        title: String,
        /// Version, id and where it came from.
        content: String,
    },
}

/// How a button is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ButtonStyle {
    /// Bold text only (a modal's OK and Cancel).
    Text(Color),
    /// A full-width sheet row: white with a hairline, dark text.
    Row,
    /// A filled button with text of `ink`.
    Filled {
        /// Background.
        fill: Color,
        /// Text.
        ink: Color,
    },
}

/// A tappable part of an overlay.
#[derive(Debug, Clone, PartialEq)]
pub struct Button {
    /// Where, in screen coordinates (logical px of the device).
    pub rect: Rect,
    /// The answer it gives: `Some(i)` button or item `i` (0 = OK / Allow), `None` cancel.
    pub answer: Option<usize>,
    /// Its label.
    pub label: String,
    /// How it looks.
    pub style: ButtonStyle,
}

/// A line or block of text in an overlay.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    /// The box it is set in.
    pub rect: Rect,
    /// The text.
    pub text: String,
    /// Font size in px (the line height is 1.4×, or [`Label::line_height`]).
    pub size: f32,
    /// Line height in px.
    pub line_height: f32,
    /// Colour.
    pub color: Color,
    /// Bold.
    pub bold: bool,
    /// Alignment in its box.
    pub align: TextAlign,
    /// Whether `assert-text` reads it (an icon glyph is drawn but is not text).
    pub is_text: bool,
}

/// What one overlay shows on a device's screen: shapes under the text, its labels and its
/// buttons; every front end draws, hit-tests and reads it from here.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OverlayView {
    /// Rectangles drawn first (scrim, card, a QR code's modules).
    pub shapes: Vec<DisplayItem>,
    /// Text over the shapes.
    pub labels: Vec<Label>,
    /// The buttons, drawn last.
    pub buttons: Vec<Button>,
    /// What a tap outside every button answers: `Some(None)` cancels (a sheet), `None` does
    /// nothing (a modal waits for a button).
    pub outside: Option<Option<usize>>,
}

const WHITE: Color = Color { r: 255, g: 255, b: 255, a: 255 };
const DARK: Color = Color { r: 0x33, g: 0x33, b: 0x33, a: 255 };
const SCRIM: Color = Color { r: 0, g: 0, b: 0, a: 110 };
const LINK: Color = Color { r: 0x57, g: 0x6b, b: 0x95, a: 255 };
const GREEN: Color = Color { r: 0x07, g: 0xc1, b: 0x60, a: 255 };
const HAIRLINE: Color = Color { r: 0xe5, g: 0xe5, b: 0xe5, a: 255 };
/// Height of one row of a bottom sheet (action sheet, picker, menu), in logical px.
pub const SHEET_ROW_HEIGHT: f32 = 56.0;

fn fill(rect: Rect, color: Color, radius: f32) -> DisplayItem {
    DisplayItem::Rect { rect, color, radius, border_width: 0.0, border_color: color }
}

fn label(rect: Rect, text: &str, size: f32, color: Color, bold: bool) -> Label {
    Label { rect, text: text.to_string(), size, line_height: size * 1.4, color, bold, align: TextAlign::Center, is_text: true }
}

/// The card of the Share overlay on `device`.
fn share_card(device: &Device) -> Rect {
    let w = device.width - 48.0;
    let h = 420.0_f32.min(device.height - 80.0);
    Rect { x: 24.0, y: (device.height - h) / 2.0, w, h }
}

/// A bottom sheet of `rows`, then Cancel, over a scrim; a tap outside cancels.
fn sheet(rows: &[String], device: &Device) -> OverlayView {
    let (sw, sh) = (device.width, device.height);
    let top = sh - SHEET_ROW_HEIGHT * (rows.len() as f32 + 1.0) - 8.0;
    let mut buttons: Vec<Button> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| Button {
            rect: Rect { x: 0.0, y: top + SHEET_ROW_HEIGHT * i as f32, w: sw, h: SHEET_ROW_HEIGHT },
            answer: Some(i),
            label: r.clone(),
            style: ButtonStyle::Row,
        })
        .collect();
    buttons.push(Button {
        rect: Rect { x: 0.0, y: sh - SHEET_ROW_HEIGHT, w: sw, h: SHEET_ROW_HEIGHT },
        answer: None,
        label: "Cancel".into(),
        style: ButtonStyle::Row,
    });
    OverlayView { shapes: vec![fill(Rect { x: 0.0, y: 0.0, w: sw, h: sh }, SCRIM, 0.0)], labels: Vec::new(), buttons, outside: Some(None) }
}

/// The rows of a picker's sheet: the first column's choices (the current one marked ✓), or for
/// a `date` / `time` picker one row that keeps its value.
pub fn picker_rows(request: &miniapp_view::PickerRequest) -> Vec<String> {
    let current = match &request.value {
        serde_json::Value::Array(v) => v.first().and_then(|x| x.as_u64()),
        v => v.as_u64(),
    };
    match request.columns.first() {
        Some(col) if request.mode == "selector" || request.mode == "multiSelector" => col
            .iter()
            .enumerate()
            .map(|(i, c)| if current == Some(i as u64) { format!("✓ {c}") } else { c.clone() })
            .collect(),
        _ => vec![format!("OK: {}", request.value.as_str().unwrap_or_default())],
    }
}

/// The rows of the Device sheet: every preset, the current one ticked.
pub fn device_rows(current: &str) -> Vec<String> {
    Device::PRESETS
        .iter()
        .map(|d| {
            let size = format!("{} ({}×{} @{}x)", d.name, d.width, d.height, d.pixel_ratio);
            if d.name == current {
                format!("✓ {size}")
            } else {
                size
            }
        })
        .collect()
}

/// What answering an overlay asks of the session (see [`Overlay::answer`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// Nothing more: the overlay just closes (About, Share).
    Closed,
    /// The capsule menu's item (`None`: cancelled).
    Menu(Option<usize>),
    /// The Device sheet chose this device.
    Device(Device),
    /// The app's callback gets `payload` (modal, action sheet).
    Callback {
        /// The callback id.
        callback: u32,
        /// What it receives.
        payload: serde_json::Value,
    },
    /// The app's permission callback: granted or denied.
    Permission {
        /// The callback id.
        callback: u32,
        /// The scope asked for.
        scope: String,
        /// Allow (true) or Deny.
        granted: bool,
    },
    /// The camera was closed without an image.
    CameraClosed,
    /// The picker's value (`Null` = cancelled) goes to its page.
    Picked {
        /// The page the picker is on.
        page: u32,
        /// The picker's id.
        picker: u64,
        /// The value.
        value: serde_json::Value,
    },
}

impl Overlay {
    /// Whether this overlay waits for an answer (and takes every tap).
    pub fn is_question(&self) -> bool {
        !matches!(self, Overlay::DevError { .. } | Overlay::Toast { .. } | Overlay::Loading { .. })
    }

    /// What this overlay shows on `device`'s screen and where its buttons are: the one
    /// definition of each overlay.
    pub fn view(&self, device: &Device) -> OverlayView {
        let (sw, sh) = (device.width, device.height);
        let scrim = || fill(Rect { x: 0.0, y: 0.0, w: sw, h: sh }, SCRIM, 0.0);
        match self {
            Overlay::DevError { message } => {
                // A red banner across the top of the screen, the error in white, left-aligned.
                let r = Rect { x: 8.0, y: 28.0, w: sw - 16.0, h: 120.0 };
                let inner = Rect { x: r.x + 10.0, y: r.y + 8.0, w: r.w - 20.0, h: r.h - 16.0 };
                OverlayView {
                    shapes: vec![fill(r, Color { r: 0xc5, g: 0x30, b: 0x30, a: 240 }, 8.0)],
                    labels: vec![Label { line_height: 17.0, align: TextAlign::Left, ..label(inner, message, 13.0, WHITE, false) }],
                    ..OverlayView::default()
                }
            }
            Overlay::Toast { title, .. } | Overlay::Loading { title } => {
                let r = Rect { x: sw / 2.0 - 80.0, y: sh / 2.0 - 60.0, w: 160.0, h: 120.0 };
                let icon = if matches!(self, Overlay::Loading { .. }) { "…" } else { "✓" };
                OverlayView {
                    shapes: vec![fill(r, Color { r: 0x4c, g: 0x4c, b: 0x4c, a: 230 }, 10.0)],
                    labels: vec![
                        Label { is_text: false, ..label(Rect { x: r.x, y: r.y + 18.0, w: r.w, h: 40.0 }, icon, 32.0, WHITE, true) },
                        label(Rect { x: r.x + 8.0, y: r.y + 72.0, w: r.w - 16.0, h: 40.0 }, title, 15.0, WHITE, false),
                    ],
                    ..OverlayView::default()
                }
            }
            Overlay::Modal { title, content, .. } | Overlay::About { title, content } => {
                let r = Rect { x: 40.0, y: sh / 2.0 - 90.0, w: sw - 80.0, h: 178.0 };
                let y = sh / 2.0 + 40.0;
                let ok = |rect| Button { rect, answer: Some(0), label: "OK".into(), style: ButtonStyle::Text(LINK) };
                let buttons = if matches!(self, Overlay::Modal { show_cancel: true, .. }) {
                    let w = (sw - 80.0) / 2.0;
                    vec![
                        Button { rect: Rect { x: 40.0, y, w, h: 48.0 }, answer: None, label: "Cancel".into(), style: ButtonStyle::Text(DARK) },
                        ok(Rect { x: sw / 2.0, y, w, h: 48.0 }),
                    ]
                } else {
                    vec![ok(Rect { x: 40.0, y, w: sw - 80.0, h: 48.0 })]
                };
                OverlayView {
                    shapes: vec![scrim(), fill(r, WHITE, 12.0)],
                    labels: vec![
                        label(Rect { x: r.x + 16.0, y: r.y + 20.0, w: r.w - 32.0, h: 26.0 }, title, 17.0, DARK, true),
                        label(Rect { x: r.x + 16.0, y: r.y + 56.0, w: r.w - 32.0, h: 60.0 }, content, 15.0, DARK, false),
                    ],
                    buttons,
                    outside: None,
                }
            }
            Overlay::Share { url, modules } => {
                let r = share_card(device);
                let mut shapes = vec![scrim(), fill(r, WHITE, 12.0)];
                // The code, one rectangle per run of dark modules, on a white quiet zone, in
                // whole pixels: no seams between them.
                let n = modules.len().max(1) as f32;
                let side = (r.w - 64.0).min(220.0);
                let cell = (side / (n + 8.0)).floor().max(1.0);
                let size = cell * (n + 8.0);
                let (x0, y0) = ((r.x + (r.w - size) / 2.0 + 4.0 * cell).floor(), (r.y + 52.0 + 4.0 * cell).floor());
                let black = Color { r: 0, g: 0, b: 0, a: 255 };
                for (y, row) in modules.iter().enumerate() {
                    let mut x = 0;
                    while x < row.len() {
                        if !row[x] {
                            x += 1;
                            continue;
                        }
                        let start = x;
                        while x < row.len() && row[x] {
                            x += 1;
                        }
                        let run = Rect { x: x0 + start as f32 * cell, y: y0 + y as f32 * cell, w: (x - start) as f32 * cell, h: cell };
                        shapes.push(fill(run, black, 0.0));
                    }
                }
                OverlayView {
                    shapes,
                    labels: vec![
                        label(Rect { x: r.x + 16.0, y: r.y + 16.0, w: r.w - 32.0, h: 26.0 }, "Share this page", 17.0, DARK, true),
                        label(Rect { x: r.x + 12.0, y: r.y + 52.0 + size + 8.0, w: r.w - 24.0, h: 48.0 }, url, 11.0, DARK, false),
                    ],
                    buttons: vec![Button {
                        rect: Rect { x: 40.0, y: r.y + r.h - 52.0, w: sw - 80.0, h: 48.0 },
                        answer: Some(0),
                        label: "OK".into(),
                        style: ButtonStyle::Text(LINK),
                    }],
                    outside: None,
                }
            }
            Overlay::ActionSheet { items, .. } => sheet(items, device),
            Overlay::Picker { request, .. } => sheet(&picker_rows(request), device),
            Overlay::Menu => sheet(&MENU_ITEMS.map(String::from), device),
            Overlay::Devices { current } => sheet(&device_rows(current), device),
            Overlay::Permission { app, description, .. } => {
                let r = Rect { x: 0.0, y: sh - 220.0, w: sw, h: 220.0 };
                let (y, w) = (sh - 72.0, (sw - 64.0) / 2.0);
                let grey = Color { r: 0xf2, g: 0xf2, b: 0xf2, a: 255 };
                OverlayView {
                    shapes: vec![scrim(), fill(r, WHITE, 12.0)],
                    labels: vec![
                        label(Rect { x: 24.0, y: r.y + 28.0, w: sw - 48.0, h: 24.0 }, &format!("{app} asks to"), 15.0, DARK, false),
                        label(Rect { x: 24.0, y: r.y + 64.0, w: sw - 48.0, h: 52.0 }, description, 19.0, DARK, true),
                    ],
                    buttons: vec![
                        Button { rect: Rect { x: 24.0, y, w, h: 44.0 }, answer: None, label: "Deny".into(), style: ButtonStyle::Filled { fill: grey, ink: GREEN } },
                        Button { rect: Rect { x: 40.0 + w, y, w, h: 44.0 }, answer: Some(0), label: "Allow".into(), style: ButtonStyle::Filled { fill: GREEN, ink: WHITE } },
                    ],
                    outside: None,
                }
            }
            Overlay::Camera { .. } => {
                let side = 220.0;
                let frame = Rect { x: (sw - side) / 2.0, y: 170.0, w: side, h: side };
                OverlayView {
                    shapes: vec![
                        fill(Rect { x: 0.0, y: 0.0, w: sw, h: sh }, Color { r: 0x11, g: 0x11, b: 0x11, a: 255 }, 0.0),
                        DisplayItem::Rect { rect: frame, color: Color { r: 0, g: 0, b: 0, a: 0 }, radius: 4.0, border_width: 2.0, border_color: GREEN },
                    ],
                    labels: vec![label(Rect { x: 24.0, y: frame.y + side + 28.0, w: sw - 48.0, h: 48.0 }, CAMERA_HINT, 15.0, WHITE, false)],
                    buttons: vec![
                        Button {
                            rect: Rect { x: sw / 2.0 - 80.0, y: sh - 136.0, w: 160.0, h: 44.0 },
                            answer: Some(0),
                            label: CAMERA_CHOOSE.into(),
                            style: ButtonStyle::Filled { fill: GREEN, ink: WHITE },
                        },
                        Button {
                            rect: Rect { x: sw / 2.0 - 60.0, y: sh - 80.0, w: 120.0, h: 44.0 },
                            answer: None,
                            label: "Cancel".into(),
                            style: ButtonStyle::Text(WHITE),
                        },
                    ],
                    outside: None,
                }
            }
        }
    }

    /// Whether `choice` asks the front end for a file rather than answering (the camera's
    /// [`CAMERA_CHOOSE`]): the overlay stays open until a file is chosen or it is cancelled.
    pub fn asks_for_file(&self, choice: Option<usize>) -> bool {
        matches!(self, Overlay::Camera { .. }) && choice.is_some()
    }

    /// Whether a script may answer this overlay with `choice` (`answer N|ok|cancel`): the
    /// error names what the overlay takes instead.
    ///
    /// # Errors
    /// The reason the answer does not fit, e.g. "the action sheet has 3 items (0 to 2), not item 5".
    pub fn check_answer(&self, choice: Option<usize>) -> Result<(), String> {
        let rows = |what: &str, n: usize| match choice {
            Some(i) if i >= n => Err(format!("the {what} has {n} items (0 to {}), not item {i}", n.saturating_sub(1))),
            _ => Ok(()),
        };
        match self {
            Overlay::Camera { .. } if choice.is_some() => {
                Err("the camera is open: give it an image with `scan FILE`, or close it with `answer cancel`".into())
            }
            Overlay::ActionSheet { items, .. } => rows("action sheet", items.len()),
            Overlay::Menu => rows("menu", MENU_ITEMS.len()),
            Overlay::Devices { .. } => rows("device sheet", Device::PRESETS.len()),
            Overlay::Picker { request, .. } => {
                let n = request.columns.first().map_or(0, Vec::len);
                match choice {
                    Some(i) if request.mode == "selector" || request.mode == "multiSelector" => {
                        if i >= n {
                            Err(format!("the picker has {n} choices (0 to {}), not {i}", n.saturating_sub(1)))
                        } else {
                            Ok(())
                        }
                    }
                    Some(_) => Err(format!(
                        "a {} picker is open: answer it with a {}",
                        request.mode,
                        if request.mode == "time" { "time like 09:30" } else { "date like 2026-12-24" }
                    )),
                    None => Ok(()),
                }
            }
            Overlay::Permission { .. } => Err("a permission prompt is open: answer it with `allow` or `deny`".into()),
            Overlay::DevError { .. } | Overlay::Toast { .. } | Overlay::Loading { .. } => {
                Err("no modal, action sheet, picker or camera is open".into())
            }
            Overlay::Modal { .. } | Overlay::Camera { .. } | Overlay::About { .. } | Overlay::Share { .. } => Ok(()),
        }
    }

    /// How answering this overlay with `choice` (0 = OK / Allow / first item, `None` = Cancel /
    /// Deny) is carried out; the session applies it.
    pub fn answer(self, choice: Option<usize>) -> Answer {
        match self {
            Overlay::Menu => Answer::Menu(choice),
            Overlay::Devices { .. } => match choice.and_then(|i| Device::PRESETS.get(i)) {
                Some(d) => Answer::Device(*d),
                None => Answer::Closed,
            },
            Overlay::About { .. } | Overlay::Share { .. } | Overlay::DevError { .. } | Overlay::Toast { .. } | Overlay::Loading { .. } => {
                Answer::Closed
            }
            Overlay::Permission { callback, scope, .. } => Answer::Permission { callback, scope, granted: choice.is_some() },
            Overlay::Camera { .. } => Answer::CameraClosed,
            Overlay::Modal { callback, .. } => {
                let confirm = choice.is_some();
                Answer::Callback { callback, payload: serde_json::json!({ "confirm": confirm, "cancel": !confirm }) }
            }
            Overlay::ActionSheet { callback, .. } => Answer::Callback {
                callback,
                payload: match choice {
                    Some(i) => serde_json::json!({ "tapIndex": i }),
                    None => serde_json::json!({ "cancel": true }),
                },
            },
            Overlay::Picker { page, request } => {
                let value = match (choice, request.mode.as_str()) {
                    (None, _) => serde_json::Value::Null,
                    (Some(i), "selector") => serde_json::json!(i),
                    (Some(i), "multiSelector") => {
                        // The sheet picks in the first column; the others keep their value.
                        let mut v: Vec<serde_json::Value> = request.value.as_array().cloned().unwrap_or_default();
                        v.resize(request.columns.len().max(1), serde_json::json!(0));
                        v[0] = serde_json::json!(i);
                        serde_json::Value::Array(v)
                    }
                    (Some(_), _) => request.value.clone(),
                };
                Answer::Picked { page, picker: request.picker, value }
            }
        }
    }
}

impl OverlayView {
    /// Draws it over `out` (the whole screen).
    pub fn draw(&self, out: &mut DisplayList, fonts: &mut FontSystem) {
        out.items.extend(self.shapes.iter().cloned());
        for l in &self.labels {
            out.items.extend(text_items(fonts, l.rect, &l.text, l.size, l.line_height, l.color, l.bold, l.align));
        }
        for b in &self.buttons {
            let (ink, dy, bold) = match b.style {
                ButtonStyle::Text(color) => (color, 13.0, true),
                ButtonStyle::Row => {
                    out.items.push(DisplayItem::Rect { rect: b.rect, color: WHITE, radius: 0.0, border_width: 0.5, border_color: HAIRLINE });
                    (DARK, 16.0, false)
                }
                ButtonStyle::Filled { fill: bg, ink } => {
                    out.items.push(fill(b.rect, bg, 6.0));
                    (ink, 11.0, true)
                }
            };
            let r = Rect { x: b.rect.x, y: b.rect.y + dy, w: b.rect.w, h: 24.0 };
            out.items.extend(text_items(fonts, r, &b.label, 17.0, 17.0 * 1.4, ink, bold, TextAlign::Center));
        }
    }

    /// The answer a tap at `(x, y)` gives: a button's, else [`OverlayView::outside`].
    pub fn hit(&self, x: f32, y: f32) -> Option<Option<usize>> {
        self.buttons
            .iter()
            .find(|b| x >= b.rect.x && x < b.rect.x + b.rect.w && y >= b.rect.y && y < b.rect.y + b.rect.h)
            .map(|b| b.answer)
            .or(self.outside)
    }

    /// Its text as a person reads it: the labels, then the buttons, one per line.
    pub fn text(&self) -> String {
        let labels = self.labels.iter().filter(|l| l.is_text).map(|l| l.text.as_str());
        labels.chain(self.buttons.iter().map(|b| b.label.as_str())).collect::<Vec<_>>().join("\n")
    }

    /// The button labelled `label` (for `tap text=OK` while the overlay is open).
    pub fn button(&self, label: &str) -> Option<&Button> {
        self.buttons.iter().find(|b| b.label == label || b.label.strip_prefix("✓ ") == Some(label))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_overlay() -> Vec<Overlay> {
        let request = miniapp_view::PickerRequest {
            picker: 7,
            mode: "selector".into(),
            columns: vec![vec!["S".into(), "M".into(), "L".into()]],
            value: serde_json::json!(1),
        };
        vec![
            Overlay::Picker { page: 1, request },
            Overlay::DevError { message: "app.css:3:4: bad".into() },
            Overlay::Toast { title: "Saved".into(), until: Instant::now() },
            Overlay::Loading { title: "Loading".into() },
            Overlay::Modal { callback: 1, title: "Delete?".into(), content: "It goes".into(), show_cancel: true },
            Overlay::Modal { callback: 1, title: "Done".into(), content: "Yes".into(), show_cancel: false },
            Overlay::ActionSheet { callback: 2, items: vec!["Red".into(), "Blue".into()] },
            Overlay::Permission { callback: 3, app: "Shop".into(), scope: "scope.camera".into(), description: "use your camera".into() },
            Overlay::Camera { callback: 4 },
            Overlay::Menu,
            Overlay::Devices { current: "iPad" },
            Overlay::Share { url: "https://x/a".into(), modules: vec![vec![true, false], vec![false, true]] },
            Overlay::About { title: "Shop".into(), content: "version 1".into() },
        ]
    }

    #[test]
    fn every_button_is_hit_at_its_centre_drawn_and_read_as_text() {
        let mut fonts = miniapp_view::new_font_system();
        for device in Device::PRESETS {
            for o in every_overlay() {
                let v = o.view(&device);
                let mut out = DisplayList { width: device.width, height: device.height, items: Vec::new() };
                v.draw(&mut out, &mut fonts);
                let text = v.text();
                for b in &v.buttons {
                    let (cx, cy) = (b.rect.x + b.rect.w / 2.0, b.rect.y + b.rect.h / 2.0);
                    assert_eq!(v.hit(cx, cy), Some(b.answer), "{o:?} on {device}: {}", b.label);
                    assert!(text.contains(&b.label), "{o:?}: {text}");
                    let drawn = out.texts().join("");
                    assert!(drawn.replace(' ', "").contains(&b.label.replace(' ', "")), "{o:?}: {} not drawn in {drawn}", b.label);
                    assert!(b.rect.x >= 0.0 && b.rect.x + b.rect.w <= device.width + 0.5, "{o:?} on {device}: off screen");
                    assert!(b.rect.y >= 0.0 && b.rect.y + b.rect.h <= device.height + 0.5, "{o:?} on {device}: off screen");
                }
                assert_eq!(o.is_question(), !v.buttons.is_empty(), "{o:?}: questions have buttons, notices do not");
            }
        }
    }

    #[test]
    fn sheets_cancel_on_a_tap_outside_and_modals_wait_for_a_button() {
        let d = Device::default();
        assert_eq!(Overlay::Menu.view(&d).hit(10.0, 10.0), Some(None));
        let modal = Overlay::Modal { callback: 1, title: "T".into(), content: "C".into(), show_cancel: false };
        assert_eq!(modal.view(&d).hit(10.0, 10.0), None);
    }

    #[test]
    fn answers_carry_what_the_app_receives() {
        let sheet = Overlay::ActionSheet { callback: 2, items: vec!["a".into(), "b".into()] };
        assert_eq!(sheet.check_answer(Some(2)).unwrap_err(), "the action sheet has 2 items (0 to 1), not item 2");
        assert_eq!(sheet.answer(Some(1)), Answer::Callback { callback: 2, payload: serde_json::json!({ "tapIndex": 1 }) });
        let modal = Overlay::Modal { callback: 5, title: "T".into(), content: "C".into(), show_cancel: true };
        assert_eq!(modal.answer(None), Answer::Callback { callback: 5, payload: serde_json::json!({ "confirm": false, "cancel": true }) });
        assert_eq!(Overlay::Devices { current: "iPad" }.answer(Some(1)), Answer::Device(Device::IPHONE_15));
        assert_eq!(Overlay::Devices { current: "iPad" }.answer(None), Answer::Closed);
        assert!(Overlay::Camera { callback: 1 }.check_answer(Some(0)).unwrap_err().contains("scan FILE"));
        assert!(Overlay::Permission { callback: 1, app: "A".into(), scope: "s".into(), description: "d".into() }
            .check_answer(Some(0))
            .unwrap_err()
            .contains("allow"));
    }

    #[test]
    fn the_device_sheet_ticks_the_current_device() {
        let rows = device_rows("Android");
        assert_eq!(rows.len(), Device::PRESETS.len());
        assert_eq!(rows.iter().filter(|r| r.starts_with('✓')).count(), 1);
        assert!(rows[2].starts_with("✓ Android (360×800 @3x)"), "{rows:?}");
    }
}
