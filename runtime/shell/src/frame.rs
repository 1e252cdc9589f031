//! The phone frame: screen size, status bar, navigation bar and the error page, as display items
//! around the page's own display list.

use miniapp_view::cosmic_text::FontSystem;
use miniapp_view::{text_items, Color, DisplayItem, DisplayList, Rect, TextAlign};

/// Logical screen width of the simulated phone (an iPhone 8-sized screen).
pub const SCREEN_WIDTH: f32 = 375.0;
/// Logical screen height of the simulated phone.
pub const SCREEN_HEIGHT: f32 = 667.0;
/// Height of the status bar (clock, battery).
pub const STATUS_BAR_HEIGHT: f32 = 20.0;
/// Height of the navigation bar (back button, title).
pub const NAV_BAR_HEIGHT: f32 = 44.0;
/// Top of the page area.
pub const PAGE_TOP: f32 = STATUS_BAR_HEIGHT + NAV_BAR_HEIGHT;
/// Height of the page area.
pub const PAGE_HEIGHT: f32 = SCREEN_HEIGHT - PAGE_TOP;

/// What the chrome around a page shows.
#[derive(Debug, Clone)]
pub struct Chrome {
    /// Navigation bar title.
    pub title: String,
    /// Navigation bar background.
    pub nav_background: Color,
    /// Title and back-arrow colour (`navigationBarTextStyle`: white or black).
    pub nav_foreground: Color,
    /// Page background.
    pub page_background: Color,
    /// Whether a back arrow is shown (page stack deeper than one).
    pub can_go_back: bool,
}

/// The rectangle of the back button in screen coordinates.
pub fn back_button_rect() -> Rect {
    Rect { x: 0.0, y: STATUS_BAR_HEIGHT, w: 44.0, h: NAV_BAR_HEIGHT }
}

/// Parses an app.json colour (`#rgb`, `#rrggbb`, ...) with the view's parser, falling back to
/// `fallback`.
pub fn parse_hex_color(s: Option<&str>, fallback: Color) -> Color {
    s.and_then(Color::from_hex).unwrap_or(fallback)
}

/// Builds the whole screen: chrome, then the page content clipped to the page area.
pub fn compose(chrome: &Chrome, mut page: DisplayList, scroll_y: f32, fonts: &mut FontSystem) -> DisplayList {
    let mut out = DisplayList { width: SCREEN_WIDTH, height: SCREEN_HEIGHT, items: Vec::new() };
    let mut text = |rect: Rect, s: &str, size: f32, color: Color, bold: bool, align: TextAlign| {
        text_items(fonts, rect, s, size, size * 1.3, color, bold, align)
    };
    // Page background and content.
    out.items.push(rect(Rect { x: 0.0, y: PAGE_TOP, w: SCREEN_WIDTH, h: PAGE_HEIGHT }, chrome.page_background));
    out.items.push(DisplayItem::PushClip { rect: Rect { x: 0.0, y: PAGE_TOP, w: SCREEN_WIDTH, h: PAGE_HEIGHT }, radius: 0.0 });
    page.translate(0.0, PAGE_TOP - scroll_y);
    out.items.extend(page.items);
    out.items.push(DisplayItem::PopClip);
    // Status bar.
    out.items.push(rect(Rect { x: 0.0, y: 0.0, w: SCREEN_WIDTH, h: STATUS_BAR_HEIGHT }, chrome.nav_background));
    out.items.extend(text(
        Rect { x: 0.0, y: 2.0, w: SCREEN_WIDTH, h: 16.0 },
        "9:41",
        12.0,
        chrome.nav_foreground,
        true,
        TextAlign::Center,
    ));
    out.items.extend(text(
        Rect { x: SCREEN_WIDTH - 60.0, y: 2.0, w: 52.0, h: 16.0 },
        "100%",
        11.0,
        chrome.nav_foreground,
        false,
        TextAlign::Right,
    ));
    // Navigation bar.
    out.items.push(rect(Rect { x: 0.0, y: STATUS_BAR_HEIGHT, w: SCREEN_WIDTH, h: NAV_BAR_HEIGHT }, chrome.nav_background));
    out.items.extend(text(
        Rect { x: 50.0, y: STATUS_BAR_HEIGHT + 11.0, w: SCREEN_WIDTH - 100.0, h: 22.0 },
        &chrome.title,
        17.0,
        chrome.nav_foreground,
        true,
        TextAlign::Center,
    ));
    if chrome.can_go_back {
        out.items.extend(text(
            Rect { x: 10.0, y: STATUS_BAR_HEIGHT + 6.0, w: 30.0, h: 30.0 },
            "‹",
            28.0,
            chrome.nav_foreground,
            false,
            TextAlign::Left,
        ));
    }
    out
}

/// The page shown instead of an app's page when its logic failed (trap, timeout) or the platform
/// refused it: a title and the message, in the page area.
pub fn error_page(title: &str, message: &str, fonts: &mut FontSystem) -> DisplayList {
    let mut out = DisplayList { width: SCREEN_WIDTH, height: PAGE_HEIGHT, items: Vec::new() };
    out.items.extend(text_items(
        fonts,
        Rect { x: 24.0, y: 80.0, w: SCREEN_WIDTH - 48.0, h: 30.0 },
        title,
        20.0,
        26.0,
        Color { r: 0xfa, g: 0x51, b: 0x51, a: 255 },
        true,
        TextAlign::Center,
    ));
    out.items.extend(text_items(
        fonts,
        Rect { x: 24.0, y: 124.0, w: SCREEN_WIDTH - 48.0, h: 300.0 },
        message,
        15.0,
        21.0,
        Color { r: 0x33, g: 0x33, b: 0x33, a: 255 },
        false,
        TextAlign::Center,
    ));
    out
}

fn rect(r: Rect, color: Color) -> DisplayItem {
    DisplayItem::Rect { rect: r, color, radius: 0.0, border_width: 0.0, border_color: color }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_app_json_colours_with_fallback() {
        let black = Color { r: 0, g: 0, b: 0, a: 255 };
        assert_eq!(parse_hex_color(Some("#07c160"), black), Color { r: 7, g: 0xc1, b: 0x60, a: 255 });
        assert_eq!(parse_hex_color(Some("#fff"), black), Color { r: 255, g: 255, b: 255, a: 255 });
        assert_eq!(parse_hex_color(Some("red"), black), black);
        assert_eq!(parse_hex_color(Some("#12345"), black), black);
        assert_eq!(parse_hex_color(None, black), black);
    }

    #[test]
    fn page_content_is_shifted_below_the_navigation_bar() {
        let mut page = DisplayList { width: SCREEN_WIDTH, height: 100.0, items: Vec::new() };
        page.items.push(rect(Rect { x: 0.0, y: 0.0, w: 10.0, h: 10.0 }, Color { r: 1, g: 2, b: 3, a: 255 }));
        let chrome = Chrome {
            title: "T".into(),
            nav_background: Color { r: 0, g: 0, b: 0, a: 255 },
            nav_foreground: Color { r: 255, g: 255, b: 255, a: 255 },
            page_background: Color { r: 255, g: 255, b: 255, a: 255 },
            can_go_back: false,
        };
        let screen = compose(&chrome, page, 0.0, &mut miniapp_view::new_font_system());
        let moved = screen.items.iter().find_map(|i| match i {
            DisplayItem::Rect { rect, color, .. } if color.r == 1 => Some(*rect),
            _ => None,
        });
        assert_eq!(moved.unwrap().y, PAGE_TOP);
    }
}

/// The tappable buttons of a modal or action sheet: (rect, answer), answer `None` = cancel.
pub fn overlay_buttons(overlay: &crate::session::Overlay) -> Vec<(Rect, Option<usize>)> {
    use crate::session::Overlay;
    match overlay {
        Overlay::Modal { show_cancel, .. } => {
            let y = SCREEN_HEIGHT / 2.0 + 40.0;
            if *show_cancel {
                vec![
                    (Rect { x: 40.0, y, w: (SCREEN_WIDTH - 80.0) / 2.0, h: 48.0 }, None),
                    (Rect { x: SCREEN_WIDTH / 2.0, y, w: (SCREEN_WIDTH - 80.0) / 2.0, h: 48.0 }, Some(0)),
                ]
            } else {
                vec![(Rect { x: 40.0, y, w: SCREEN_WIDTH - 80.0, h: 48.0 }, Some(0))]
            }
        }
        Overlay::ActionSheet { items, .. } => {
            let n = items.len() as f32;
            let top = SCREEN_HEIGHT - 56.0 * (n + 1.0) - 8.0;
            let mut out: Vec<_> = (0..items.len())
                .map(|i| (Rect { x: 0.0, y: top + 56.0 * i as f32, w: SCREEN_WIDTH, h: 56.0 }, Some(i)))
                .collect();
            out.push((Rect { x: 0.0, y: SCREEN_HEIGHT - 56.0, w: SCREEN_WIDTH, h: 56.0 }, None));
            out
        }
        Overlay::Permission { .. } => {
            let y = SCREEN_HEIGHT - 72.0;
            let w = (SCREEN_WIDTH - 64.0) / 2.0;
            vec![
                (Rect { x: 24.0, y, w, h: 44.0 }, None),
                (Rect { x: 40.0 + w, y, w, h: 44.0 }, Some(0)),
            ]
        }
        Overlay::Camera { .. } => vec![(Rect { x: SCREEN_WIDTH / 2.0 - 60.0, y: SCREEN_HEIGHT - 80.0, w: 120.0, h: 44.0 }, None)],
        _ => Vec::new(),
    }
}

/// Draws one piece of system UI over the screen.
pub fn draw_overlay(out: &mut DisplayList, overlay: &crate::session::Overlay, fonts: &mut FontSystem) {
    use crate::session::Overlay;
    let white = Color { r: 255, g: 255, b: 255, a: 255 };
    let dark = Color { r: 0x33, g: 0x33, b: 0x33, a: 255 };
    let scrim = Color { r: 0, g: 0, b: 0, a: 110 };
    let mut label = |out: &mut DisplayList, rect: Rect, s: &str, size: f32, color: Color, bold: bool| {
        out.items.extend(text_items(fonts, rect, s, size, size * 1.4, color, bold, TextAlign::Center));
    };
    match overlay {
        Overlay::Toast { title, .. } | Overlay::Loading { title } => {
            let r = Rect { x: SCREEN_WIDTH / 2.0 - 80.0, y: SCREEN_HEIGHT / 2.0 - 60.0, w: 160.0, h: 120.0 };
            out.items.push(DisplayItem::Rect {
                rect: r,
                color: Color { r: 0x4c, g: 0x4c, b: 0x4c, a: 230 },
                radius: 10.0,
                border_width: 0.0,
                border_color: white,
            });
            let icon = if matches!(overlay, Overlay::Loading { .. }) { "…" } else { "✓" };
            label(out, Rect { x: r.x, y: r.y + 18.0, w: r.w, h: 40.0 }, icon, 32.0, white, true);
            label(out, Rect { x: r.x + 8.0, y: r.y + 72.0, w: r.w - 16.0, h: 40.0 }, title, 15.0, white, false);
        }
        Overlay::Modal { title, content, show_cancel, .. } => {
            out.items.push(rect(Rect { x: 0.0, y: 0.0, w: SCREEN_WIDTH, h: SCREEN_HEIGHT }, scrim));
            let r = Rect { x: 40.0, y: SCREEN_HEIGHT / 2.0 - 90.0, w: SCREEN_WIDTH - 80.0, h: 178.0 };
            out.items.push(DisplayItem::Rect { rect: r, color: white, radius: 12.0, border_width: 0.0, border_color: white });
            label(out, Rect { x: r.x + 16.0, y: r.y + 20.0, w: r.w - 32.0, h: 26.0 }, title, 17.0, dark, true);
            label(out, Rect { x: r.x + 16.0, y: r.y + 56.0, w: r.w - 32.0, h: 60.0 }, content, 15.0, dark, false);
            for (b, choice) in overlay_buttons(overlay) {
                let (text, color) = match choice {
                    Some(_) => ("OK", Color { r: 0x57, g: 0x6b, b: 0x95, a: 255 }),
                    None => ("Cancel", dark),
                };
                label(out, Rect { x: b.x, y: b.y + 13.0, w: b.w, h: 24.0 }, text, 17.0, color, true);
            }
            let _ = show_cancel;
        }
        Overlay::ActionSheet { items, .. } => {
            out.items.push(rect(Rect { x: 0.0, y: 0.0, w: SCREEN_WIDTH, h: SCREEN_HEIGHT }, scrim));
            for (b, choice) in overlay_buttons(overlay) {
                out.items.push(DisplayItem::Rect { rect: b, color: white, radius: 0.0, border_width: 0.5, border_color: Color { r: 0xe5, g: 0xe5, b: 0xe5, a: 255 } });
                let text = choice.map(|i| items[i].as_str()).unwrap_or("Cancel");
                label(out, Rect { x: b.x, y: b.y + 16.0, w: b.w, h: 24.0 }, text, 17.0, dark, false);
            }
        }
        Overlay::Permission { app, description, .. } => {
            out.items.push(rect(Rect { x: 0.0, y: 0.0, w: SCREEN_WIDTH, h: SCREEN_HEIGHT }, scrim));
            let r = Rect { x: 0.0, y: SCREEN_HEIGHT - 220.0, w: SCREEN_WIDTH, h: 220.0 };
            out.items.push(DisplayItem::Rect { rect: r, color: white, radius: 12.0, border_width: 0.0, border_color: white });
            label(out, Rect { x: 24.0, y: r.y + 28.0, w: SCREEN_WIDTH - 48.0, h: 24.0 }, &format!("{app} asks to"), 15.0, dark, false);
            label(out, Rect { x: 24.0, y: r.y + 64.0, w: SCREEN_WIDTH - 48.0, h: 52.0 }, description, 19.0, dark, true);
            let green = Color { r: 0x07, g: 0xc1, b: 0x60, a: 255 };
            let grey = Color { r: 0xf2, g: 0xf2, b: 0xf2, a: 255 };
            for (b, choice) in overlay_buttons(overlay) {
                let (text, bg, fg) = match choice {
                    Some(_) => ("Allow", green, white),
                    None => ("Deny", grey, green),
                };
                out.items.push(DisplayItem::Rect { rect: b, color: bg, radius: 6.0, border_width: 0.0, border_color: bg });
                label(out, Rect { x: b.x, y: b.y + 11.0, w: b.w, h: 24.0 }, text, 17.0, fg, true);
            }
        }
        Overlay::Camera { .. } => {
            out.items.push(rect(Rect { x: 0.0, y: 0.0, w: SCREEN_WIDTH, h: SCREEN_HEIGHT }, Color { r: 0x11, g: 0x11, b: 0x11, a: 255 }));
            let side = 220.0;
            let frame = Rect { x: (SCREEN_WIDTH - side) / 2.0, y: 170.0, w: side, h: side };
            let green = Color { r: 0x07, g: 0xc1, b: 0x60, a: 255 };
            out.items.push(DisplayItem::Rect { rect: frame, color: Color { r: 0, g: 0, b: 0, a: 0 }, radius: 4.0, border_width: 2.0, border_color: green });
            label(out, Rect { x: 24.0, y: frame.y + side + 28.0, w: SCREEN_WIDTH - 48.0, h: 48.0 }, "Drop an image with a QR code on the window", 15.0, white, false);
            for (b, _) in overlay_buttons(overlay) {
                label(out, Rect { x: b.x, y: b.y + 11.0, w: b.w, h: 24.0 }, "Cancel", 17.0, white, true);
            }
        }
    }
}
