//! The phone frame: the screen areas of a device (status bar, navigation bar, page area, tab
//! bar), the chrome drawn around the page's own display list (clock, title, back button,
//! capsule, tab bar), system UI over it, and the error page.
//!
//! Everything here is a display list or a rectangle in screen coordinates (logical px of the
//! session's [`Device`]), so it is tested without a window or a GPU.

use crate::device::Device;
use miniapp_bundle::{BorderStyle, TabBar, TabBarPosition};
use miniapp_view::cosmic_text::FontSystem;
use miniapp_view::{text_items, Color, DisplayItem, DisplayList, Rect, TextAlign};

/// Height of the status bar (clock, battery), on every device.
pub const STATUS_BAR_HEIGHT: f32 = 20.0;
/// Height of the navigation bar (back button, title, capsule).
pub const NAV_BAR_HEIGHT: f32 = 44.0;
/// Top of the page area under the default navigation bar.
pub const PAGE_TOP: f32 = STATUS_BAR_HEIGHT + NAV_BAR_HEIGHT;
/// Height of a bottom tab bar (icon over label).
pub const TAB_BAR_HEIGHT: f32 = 50.0;
/// Height of a top tab bar (labels only).
pub const TOP_TAB_BAR_HEIGHT: f32 = 40.0;
/// Size of the capsule (the "··· | ◎" pill at the navigation bar's right), as on WeChat.
pub const CAPSULE_SIZE: (f32, f32) = (87.0, 32.0);
/// Gap between the capsule and the screen's right edge.
pub const CAPSULE_MARGIN: f32 = 7.0;
pub use crate::overlay::{picker_rows, MENU_ITEMS};

/// The regions of the screen for one page: where the navigation bar, the page and the tab bar
/// are, in screen coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Areas {
    /// The whole screen.
    pub screen: Rect,
    /// The navigation bar, `None` with `navigationStyle: custom`.
    pub nav: Option<Rect>,
    /// The page area: its size is the page's viewport.
    pub page: Rect,
    /// The tab bar, on tab pages of an app that has one.
    pub tab_bar: Option<Rect>,
}

impl Areas {
    /// The areas of `device` for a page with the default or a custom navigation bar, and a tab
    /// bar at `tab_bar` (tab pages only).
    pub fn new(device: &Device, custom_nav: bool, tab_bar: Option<TabBarPosition>) -> Areas {
        let (w, h) = (device.width, device.height);
        let nav = (!custom_nav).then_some(Rect { x: 0.0, y: STATUS_BAR_HEIGHT, w, h: NAV_BAR_HEIGHT });
        let mut top = if custom_nav { 0.0 } else { PAGE_TOP };
        let mut bottom = h;
        let tab = match tab_bar {
            Some(TabBarPosition::Bottom) => {
                bottom -= TAB_BAR_HEIGHT;
                Some(Rect { x: 0.0, y: bottom, w, h: TAB_BAR_HEIGHT })
            }
            Some(TabBarPosition::Top) => {
                let r = Rect { x: 0.0, y: top.max(STATUS_BAR_HEIGHT), w, h: TOP_TAB_BAR_HEIGHT };
                top = r.y + r.h;
                Some(r)
            }
            None => None,
        };
        Areas {
            screen: Rect { x: 0.0, y: 0.0, w, h },
            nav,
            page: Rect { x: 0.0, y: top, w, h: (bottom - top).max(0.0) },
            tab_bar: tab,
        }
    }

    /// The areas of a plain page (default navigation bar, no tab bar) on `device`.
    pub fn plain(device: &Device) -> Areas {
        Areas::new(device, false, None)
    }
}

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
    /// `navigationStyle: custom`: no navigation bar; the status bar is drawn over the page.
    pub custom_nav: bool,
    /// The status bar's clock, e.g. `9:41`.
    pub clock: String,
    /// The tab bar, on tab pages.
    pub tab_bar: Option<TabBarChrome>,
}

impl Chrome {
    /// A plain chrome: `title` in black on the default light grey bar, a white page, no back
    /// button, no tab bar, the clock at `9:41`.
    pub fn plain(title: &str) -> Chrome {
        Chrome {
            title: title.to_string(),
            nav_background: Color::rgb(0xf7, 0xf7, 0xf7),
            nav_foreground: Color::rgb(0, 0, 0),
            page_background: Color::rgb(0xff, 0xff, 0xff),
            can_go_back: false,
            custom_nav: false,
            clock: FIXED_CLOCK.to_string(),
            tab_bar: None,
        }
    }

    /// The screen areas this chrome leaves for the page on `device`.
    pub fn areas(&self, device: &Device) -> Areas {
        Areas::new(device, self.custom_nav, self.tab_bar.as_ref().map(|t| t.position))
    }
}

/// The clock headless screenshots show (the simulated clock, so screenshots are reproducible).
pub const FIXED_CLOCK: &str = "9:41";

/// The host's local time as the status bar shows it (`14:05`).
pub fn host_clock() -> String {
    chrono::Local::now().format("%-H:%M").to_string()
}

/// The tab bar as drawn: app.json's `tabBar` and which item is selected.
#[derive(Debug, Clone, PartialEq)]
pub struct TabBarChrome {
    /// The items, in app.json's order.
    pub items: Vec<TabItem>,
    /// The selected item (the tab page shown).
    pub selected: usize,
    /// Label colour of the other items.
    pub color: Color,
    /// Label colour of the selected item (and a top bar's underline).
    pub selected_color: Color,
    /// Bar background.
    pub background: Color,
    /// The hairline between the bar and the page.
    pub border: Color,
    /// Top or bottom.
    pub position: TabBarPosition,
}

/// One item of the tab bar as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct TabItem {
    /// Its label.
    pub text: String,
    /// Bundle path of its icon (bottom bars only).
    pub icon: Option<String>,
    /// Bundle path of its icon when selected (falls back to `icon`).
    pub selected_icon: Option<String>,
    /// The badge or red dot the logic put on it (`nav.set-tab-bar-badge`, ...).
    pub mark: TabMark,
}

/// What the logic put on one tab bar item: a badge with text, or a red dot, or nothing (a
/// badge replaces the dot and the dot the badge, as on WeChat).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TabMark {
    /// The badge's text (`3`, `99+`), drawn white in a red pill.
    pub badge: Option<String>,
    /// Whether a red dot is shown.
    pub red_dot: bool,
}

impl TabMark {
    /// How `assert-text` sees this mark on the item labelled `label`: `Cart badge 3`,
    /// `Me red dot`, or nothing.
    pub fn describe(&self, label: &str) -> Option<String> {
        match (&self.badge, self.red_dot) {
            (Some(b), _) => Some(format!("{label} badge {b}")),
            (None, true) => Some(format!("{label} red dot")),
            (None, false) => None,
        }
    }
}

/// The colour of tab bar badges and red dots (WeChat's red).
pub const BADGE_RED: Color = Color { r: 0xfa, g: 0x51, b: 0x51, a: 0xff };
/// Height of a tab bar badge (the pill).
pub const BADGE_HEIGHT: f32 = 16.0;
/// Diameter of a tab bar red dot.
pub const RED_DOT_SIZE: f32 = 8.0;

impl TabBarChrome {
    /// The tab bar of app.json's `tabBar` with item `selected` selected; colours default as on
    /// WeChat (grey labels, green selected label, white bar, dark border).
    pub fn from_manifest(tab_bar: &TabBar, selected: usize) -> TabBarChrome {
        let color = |c: &Option<miniapp_bundle::id::Color>, fallback: Color| parse_hex_color(c.as_ref().map(|c| c.as_str()), fallback);
        TabBarChrome {
            items: tab_bar
                .list
                .iter()
                .map(|i| TabItem {
                    text: i.text.clone(),
                    icon: i.icon_path.clone(),
                    selected_icon: i.selected_icon_path.clone(),
                    mark: TabMark::default(),
                })
                .collect(),
            selected,
            color: color(&tab_bar.color, Color::rgb(0x7a, 0x7e, 0x83)),
            selected_color: color(&tab_bar.selected_color, Color::rgb(0x07, 0xc1, 0x60)),
            background: color(&tab_bar.background_color, Color::rgb(0xf7, 0xf7, 0xf7)),
            border: match tab_bar.border_style.unwrap_or_default() {
                BorderStyle::Black => Color { r: 0, g: 0, b: 0, a: 0x33 },
                BorderStyle::White => Color { r: 0xff, g: 0xff, b: 0xff, a: 0xff },
            },
            position: tab_bar.position.unwrap_or_default(),
        }
    }

    /// The same bar with `marks[i]` on item `i` (items past the end of `marks` keep none).
    pub fn with_marks(mut self, marks: &[TabMark]) -> TabBarChrome {
        for (item, mark) in self.items.iter_mut().zip(marks) {
            item.mark = mark.clone();
        }
        self
    }
}

/// The width of `text` on one line at `size` px (regular weight unless `bold`).
fn text_width(fonts: &mut FontSystem, text: &str, size: f32, bold: bool) -> f32 {
    text_items(fonts, Rect { x: 0.0, y: 0.0, w: 0.0, h: size * 1.3 }, text, size, size * 1.3, Color::rgb(0, 0, 0), bold, TextAlign::Left)
        .iter()
        .map(|i| match i {
            DisplayItem::Text { rect, .. } => rect.w - 1.0,
            _ => 0.0,
        })
        .fold(0.0, f32::max)
}

/// What a tab bar item's badge or red dot is placed against.
#[derive(Debug, Clone, Copy)]
enum MarkAnchor {
    /// The item's icon (bottom bars with icons): over the icon's top-right corner.
    Icon(Rect),
    /// The item's label, centred in the item, `size` px, its line box at `y`: just right of the
    /// text, a little above it.
    Label { y: f32, size: f32 },
}

/// Draws the badge or red dot of tab bar item `item` (labelled `label`) at `anchor`.
fn draw_mark(out: &mut DisplayList, mark: &TabMark, item: Rect, label: &str, anchor: MarkAnchor, fonts: &mut FontSystem) {
    if mark.badge.is_none() && !mark.red_dot {
        return;
    }
    let (x, y) = match anchor {
        MarkAnchor::Icon(i) => (i.x + i.w - 6.0, item.y + 2.0),
        MarkAnchor::Label { y, size } => (item.x + item.w / 2.0 + text_width(fonts, label, size, false) / 2.0 + 2.0, y - 6.0),
    };
    let white = Color { r: 0xff, g: 0xff, b: 0xff, a: 0xff };
    if let Some(text) = &mark.badge {
        let w = (text_width(fonts, text, 10.0, true) + 10.0).max(BADGE_HEIGHT);
        let pill = Rect { x, y, w, h: BADGE_HEIGHT };
        out.items.push(DisplayItem::Rect { rect: pill, color: BADGE_RED, radius: BADGE_HEIGHT / 2.0, border_width: 0.0, border_color: BADGE_RED });
        out.items.extend(text_items(fonts, Rect { x: pill.x, y: pill.y + 1.5, w: pill.w, h: 13.0 }, text, 10.0, 13.0, white, true, TextAlign::Center));
    } else {
        let dot = Rect { x: x + 2.0, y: y + 2.0, w: RED_DOT_SIZE, h: RED_DOT_SIZE };
        out.items.push(DisplayItem::Rect { rect: dot, color: BADGE_RED, radius: RED_DOT_SIZE / 2.0, border_width: 0.0, border_color: BADGE_RED });
    }
}

/// The tappable rectangle of each tab bar item, in screen coordinates (equal widths).
pub fn tab_item_rects(bar: Rect, n: usize) -> Vec<Rect> {
    let w = bar.w / n.max(1) as f32;
    (0..n).map(|i| Rect { x: bar.x + w * i as f32, y: bar.y, w, h: bar.h }).collect()
}

/// The rectangle of the back button in screen coordinates.
pub fn back_button_rect() -> Rect {
    Rect { x: 0.0, y: STATUS_BAR_HEIGHT, w: 44.0, h: NAV_BAR_HEIGHT }
}

/// The capsule's two halves in screen coordinates: (menu "···", close "◎"). The capsule is
/// there with a custom navigation bar too, as on WeChat.
pub fn capsule_rects(device: &Device) -> (Rect, Rect) {
    let (w, h) = CAPSULE_SIZE;
    let x = device.width - CAPSULE_MARGIN - w;
    let y = STATUS_BAR_HEIGHT + (NAV_BAR_HEIGHT - h) / 2.0;
    (Rect { x, y, w: w / 2.0, h }, Rect { x: x + w / 2.0, y, w: w / 2.0, h })
}

/// Parses an app.json colour (`#rgb`, `#rrggbb`, ...) with the view's parser, falling back to
/// `fallback`.
pub fn parse_hex_color(s: Option<&str>, fallback: Color) -> Color {
    s.and_then(Color::from_hex).unwrap_or(fallback)
}

/// Builds the whole screen of `device`: the page content clipped to the page area, then the
/// chrome. The page's display list is already scrolled (viewport coordinates, as
/// `Page::render` gives it).
pub fn compose(device: &Device, chrome: &Chrome, mut page: DisplayList, fonts: &mut FontSystem) -> DisplayList {
    let areas = chrome.areas(device);
    let sw = device.width;
    let mut out = DisplayList { width: device.width, height: device.height, items: Vec::new() };
    let mut text = |rect: Rect, s: &str, size: f32, color: Color, bold: bool, align: TextAlign| {
        text_items(fonts, rect, s, size, size * 1.3, color, bold, align)
    };
    // Page background and content.
    out.items.push(rect(areas.page, chrome.page_background));
    out.items.push(DisplayItem::PushClip { rect: areas.page, radius: 0.0 });
    page.translate(areas.page.x, areas.page.y);
    out.items.extend(page.items);
    out.items.push(DisplayItem::PopClip);
    // Status bar: over the page with a custom navigation bar.
    if !chrome.custom_nav {
        out.items.push(rect(Rect { x: 0.0, y: 0.0, w: sw, h: STATUS_BAR_HEIGHT }, chrome.nav_background));
    }
    out.items.extend(text(Rect { x: 0.0, y: 2.0, w: sw, h: 16.0 }, &chrome.clock, 12.0, chrome.nav_foreground, true, TextAlign::Center));
    out.items.extend(text(Rect { x: sw - 60.0, y: 2.0, w: 52.0, h: 16.0 }, "100%", 11.0, chrome.nav_foreground, false, TextAlign::Right));
    // Navigation bar.
    if let Some(nav) = areas.nav {
        out.items.push(rect(nav, chrome.nav_background));
        let (menu, _) = capsule_rects(device);
        let side = sw - menu.x + 6.0; // keep the title clear of the capsule, centred
        out.items.extend(text(
            Rect { x: side, y: nav.y + 11.0, w: (sw - 2.0 * side).max(0.0), h: 22.0 },
            &chrome.title,
            17.0,
            chrome.nav_foreground,
            true,
            TextAlign::Center,
        ));
        if chrome.can_go_back {
            out.items.extend(text(Rect { x: 10.0, y: nav.y + 6.0, w: 30.0, h: 30.0 }, "‹", 28.0, chrome.nav_foreground, false, TextAlign::Left));
        }
    }
    // The capsule.
    let (menu, close) = capsule_rects(device);
    let pill = Rect { x: menu.x, y: menu.y, w: menu.w + close.w, h: menu.h };
    let light = chrome.nav_foreground.r > 0x80; // white title: dark translucent pill
    let (fill, edge) = if light {
        (Color { r: 0, g: 0, b: 0, a: 0x26 }, Color { r: 0xff, g: 0xff, b: 0xff, a: 0x40 })
    } else {
        (Color { r: 0xff, g: 0xff, b: 0xff, a: 0x99 }, Color { r: 0, g: 0, b: 0, a: 0x1a })
    };
    out.items.push(DisplayItem::Rect { rect: pill, color: fill, radius: pill.h / 2.0, border_width: 0.5, border_color: edge });
    out.items.push(rect(Rect { x: close.x, y: close.y + 8.0, w: 0.5, h: close.h - 16.0 }, edge));
    out.items.extend(text(Rect { y: menu.y + 6.0, h: 20.0, ..menu }, "···", 15.0, chrome.nav_foreground, true, TextAlign::Center));
    out.items.extend(text(Rect { y: close.y + 6.0, h: 20.0, ..close }, "◎", 15.0, chrome.nav_foreground, false, TextAlign::Center));
    // Tab bar.
    if let (Some(bar), Some(tabs)) = (areas.tab_bar, &chrome.tab_bar) {
        out.items.push(rect(bar, tabs.background));
        let border_y = match tabs.position {
            TabBarPosition::Bottom => bar.y,
            TabBarPosition::Top => bar.y + bar.h - 0.5,
        };
        out.items.push(rect(Rect { x: 0.0, y: border_y, w: sw, h: 0.5 }, tabs.border));
        let mut marks = Vec::new();
        for (i, (r, item)) in tab_item_rects(bar, tabs.items.len()).into_iter().zip(&tabs.items).enumerate() {
            let selected = i == tabs.selected;
            let color = if selected { tabs.selected_color } else { tabs.color };
            let icon = if selected { item.selected_icon.as_ref().or(item.icon.as_ref()) } else { item.icon.as_ref() };
            let anchor = match (tabs.position, icon) {
                (TabBarPosition::Bottom, Some(src)) => {
                    let icon_rect = Rect { x: r.x + (r.w - 24.0) / 2.0, y: r.y + 5.0, w: 24.0, h: 24.0 };
                    out.items.push(DisplayItem::Image { rect: icon_rect, src: src.clone(), radius: 0.0 });
                    out.items.extend(text(Rect { x: r.x, y: r.y + 32.0, w: r.w, h: 14.0 }, &item.text, 10.0, color, false, TextAlign::Center));
                    MarkAnchor::Icon(icon_rect)
                }
                _ => {
                    let label_y = r.y + (r.h - 20.0) / 2.0;
                    out.items.extend(text(Rect { x: r.x, y: label_y, w: r.w, h: 20.0 }, &item.text, 15.0, color, selected, TextAlign::Center));
                    if selected && tabs.position == TabBarPosition::Top {
                        out.items.push(rect(Rect { x: r.x + r.w * 0.25, y: r.y + r.h - 3.0, w: r.w * 0.5, h: 2.0 }, tabs.selected_color));
                    }
                    MarkAnchor::Label { y: label_y, size: 15.0 }
                }
            };
            marks.push((item, r, anchor));
        }
        // Badges and dots go over the whole bar (a wide badge may reach into the next item).
        for (item, r, anchor) in marks {
            draw_mark(&mut out, &item.mark, r, &item.text, anchor, fonts);
        }
    }
    out
}

/// Places a whole screen of `device` in a resizable window of `window` physical pixels: the
/// list is moved so the phone sits centred and scaled to fit (see
/// [`crate::fit_in_window`]), and grows to the window's size. Returns the scale to render it at
/// (physical pixels per logical px); clicks map back with [`crate::window_to_screen`] and the
/// same arguments. For the window (`window.rs`): call it on `session.screen()`'s list before
/// `render_to_view`, with `max_scale` = the window's scale factor.
pub fn place_in_window(list: &mut DisplayList, device: &Device, window: (u32, u32), max_scale: f32) -> f32 {
    let (scale, ox, oy) = crate::device::fit_in_window(device, window, max_scale);
    list.translate(ox / scale, oy / scale);
    list.width = window.0.max(1) as f32 / scale;
    list.height = window.1.max(1) as f32 / scale;
    scale
}

/// The Share card (the capsule's Share: the current page's QR code and launch URL).
/// What the pull-down refresh indicator says under its dots (and what `assert-text` sees).
pub const REFRESHING_LABEL: &str = "Refreshing…";
/// Height of the pull-down refresh indicator at the top of the page area, in logical px.
pub const REFRESH_INDICATOR_HEIGHT: f32 = 56.0;

/// Draws the pull-down refresh indicator over the top of the page area `page` (screen px):
/// three dots and [`REFRESHING_LABEL`] on the page's background, until the app stops it.
pub fn draw_refresh_indicator(out: &mut DisplayList, page: Rect, fonts: &mut FontSystem) {
    let band = Rect { x: page.x, y: page.y, w: page.w, h: REFRESH_INDICATOR_HEIGHT };
    let bg = Color { r: 0xf2, g: 0xf2, b: 0xf2, a: 255 };
    let dot = Color { r: 0x99, g: 0x99, b: 0x99, a: 255 };
    out.items.push(rect(band, bg));
    let cx = page.x + page.w / 2.0;
    for i in -1..=1 {
        let d = Rect { x: cx + i as f32 * 14.0 - 4.0, y: band.y + 12.0, w: 8.0, h: 8.0 };
        out.items.push(DisplayItem::Rect { rect: d, color: dot, radius: 4.0, border_width: 0.0, border_color: dot });
    }
    out.items.extend(text_items(fonts, Rect { x: band.x, y: band.y + 26.0, w: band.w, h: 18.0 }, REFRESHING_LABEL, 12.0, 16.0, dot, false, TextAlign::Center));
}

/// The labels of the error page's buttons, left to right: start the app again, or close it to
/// the home screen.
pub const ERROR_PAGE_BUTTONS: [&str; 2] = ["Restart", "Home"];

/// The error page's buttons ([`ERROR_PAGE_BUTTONS`]) in page px of a page area `width` wide.
pub fn error_page_buttons(width: f32) -> [Rect; 2] {
    let w = 120.0_f32.min((width - 60.0) / 2.0);
    let x0 = width / 2.0 - w - 6.0;
    [Rect { x: x0, y: 436.0, w, h: 40.0 }, Rect { x: width / 2.0 + 6.0, y: 436.0, w, h: 40.0 }]
}

/// The error page's buttons in screen coordinates, for an error page drawn in the page area
/// `page` (screen coordinates).
pub fn error_page_buttons_on(page: Rect) -> [Rect; 2] {
    error_page_buttons(page.w).map(|r| Rect { x: r.x + page.x, y: r.y + page.y, ..r })
}

/// Which error page button ([`ERROR_PAGE_BUTTONS`]: 0 Restart, 1 Home) a press at screen
/// `(x, y)` lands on, for an error page drawn in the page area `page`. The window's "cannot
/// open" screen and a session's error page both answer through this.
pub fn error_page_hit(page: Rect, x: f32, y: f32) -> Option<usize> {
    error_page_buttons_on(page).iter().position(|b| x >= b.x && x < b.x + b.w && y >= b.y && y < b.y + b.h)
}

/// The page shown instead of an app's page when its logic failed (trap, timeout) or the platform
/// refused it: a title and the message, in a page area `width` wide, with Restart and Home.
pub fn error_page(width: f32, title: &str, message: &str, fonts: &mut FontSystem) -> DisplayList {
    let mut out = DisplayList { width, height: 500.0, items: Vec::new() };
    let blue = Color { r: 0x16, g: 0x77, b: 0xff, a: 255 };
    let white = Color { r: 255, g: 255, b: 255, a: 255 };
    for (r, label) in error_page_buttons(width).into_iter().zip(ERROR_PAGE_BUTTONS) {
        let (fill, ink) = if label == "Restart" { (blue, white) } else { (white, blue) };
        out.items.push(DisplayItem::Rect { rect: r, color: fill, radius: 6.0, border_width: 1.0, border_color: blue });
        out.items.extend(text_items(fonts, Rect { y: r.y + 10.0, h: 20.0, ..r }, label, 15.0, 20.0, ink, true, TextAlign::Center));
    }
    out.items.extend(text_items(
        fonts,
        Rect { x: 24.0, y: 80.0, w: width - 48.0, h: 30.0 },
        title,
        20.0,
        26.0,
        Color { r: 0xfa, g: 0x51, b: 0x51, a: 255 },
        true,
        TextAlign::Center,
    ));
    out.items.extend(text_items(
        fonts,
        Rect { x: 24.0, y: 124.0, w: width - 48.0, h: 300.0 },
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

    fn first_rect_of(list: &DisplayList, r: u8) -> Option<Rect> {
        list.items.iter().find_map(|i| match i {
            DisplayItem::Rect { rect, color, .. } if color.r == r && color.g == 2 => Some(*rect),
            _ => None,
        })
    }

    fn marker_page(device: &Device) -> DisplayList {
        let mut page = DisplayList { width: device.width, height: 100.0, items: Vec::new() };
        page.items.push(rect(Rect { x: 0.0, y: 0.0, w: 10.0, h: 10.0 }, Color { r: 1, g: 2, b: 3, a: 255 }));
        page
    }

    fn tab_bar(position: Option<TabBarPosition>) -> TabBar {
        let json = serde_json::json!({ "list": [
            { "pagePath": "pages/a/a", "text": "A", "iconPath": "icons/a.png", "selectedIconPath": "icons/a-on.png" },
            { "pagePath": "pages/b/b", "text": "B", "iconPath": "icons/b.png" } ] });
        let mut t: TabBar = serde_json::from_value(json).unwrap();
        t.position = position;
        t
    }

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
        let d = Device::default();
        let screen = compose(&d, &Chrome::plain("T"), marker_page(&d), &mut miniapp_view::new_font_system());
        assert_eq!(first_rect_of(&screen, 1).unwrap().y, PAGE_TOP);
        assert_eq!((screen.width, screen.height), (375.0, 667.0));
    }

    #[test]
    fn the_page_area_shrinks_by_the_bars_and_custom_navigation_starts_at_the_top() {
        let d = Device::IPHONE_15;
        assert_eq!(Areas::plain(&d).page, Rect { x: 0.0, y: PAGE_TOP, w: 393.0, h: 852.0 - PAGE_TOP });
        let bottom = Areas::new(&d, false, Some(TabBarPosition::Bottom));
        assert_eq!(bottom.page.h, 852.0 - PAGE_TOP - TAB_BAR_HEIGHT);
        assert_eq!(bottom.tab_bar.unwrap().y, 852.0 - TAB_BAR_HEIGHT);
        let top = Areas::new(&d, false, Some(TabBarPosition::Top));
        assert_eq!(top.tab_bar.unwrap().y, PAGE_TOP);
        assert_eq!(top.page.y, PAGE_TOP + TOP_TAB_BAR_HEIGHT);
        assert_eq!(top.page.h, 852.0 - PAGE_TOP - TOP_TAB_BAR_HEIGHT);
        let custom = Areas::new(&d, true, None);
        assert_eq!((custom.nav, custom.page.y, custom.page.h), (None, 0.0, 852.0));
        let mut chrome = Chrome::plain("T");
        chrome.custom_nav = true;
        let screen = compose(&d, &chrome, marker_page(&d), &mut miniapp_view::new_font_system());
        assert_eq!(first_rect_of(&screen, 1).unwrap().y, 0.0);
        assert!(!screen.texts().contains(&"T"), "no title with a custom navigation bar");
        assert!(screen.texts().contains(&"···"), "the capsule stays");
    }

    #[test]
    fn a_bottom_tab_bar_draws_labels_icons_and_the_selected_icon() {
        let d = Device::default();
        let mut chrome = Chrome::plain("T");
        chrome.tab_bar = Some(TabBarChrome::from_manifest(&tab_bar(None), 0));
        let screen = compose(&d, &chrome, marker_page(&d), &mut miniapp_view::new_font_system());
        let texts = screen.texts();
        assert!(texts.contains(&"A") && texts.contains(&"B"), "{texts:?}");
        let images: Vec<(&str, Rect)> = screen
            .items
            .iter()
            .filter_map(|i| match i {
                DisplayItem::Image { src, rect, .. } => Some((src.as_str(), *rect)),
                _ => None,
            })
            .collect();
        assert_eq!(images.iter().map(|i| i.0).collect::<Vec<_>>(), ["icons/a-on.png", "icons/b.png"]);
        assert!(images.iter().all(|(_, r)| r.y >= 667.0 - TAB_BAR_HEIGHT), "{images:?}");
        let items = tab_item_rects(chrome.areas(&d).tab_bar.unwrap(), 2);
        assert_eq!(items[1], Rect { x: 187.5, y: 667.0 - TAB_BAR_HEIGHT, w: 187.5, h: TAB_BAR_HEIGHT });
    }

    /// The red rounded rectangles of a screen (badges and dots).
    fn red_marks(list: &DisplayList) -> Vec<Rect> {
        list.items
            .iter()
            .filter_map(|i| match i {
                DisplayItem::Rect { rect, color, .. } if *color == BADGE_RED => Some(*rect),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_badge_is_a_red_pill_with_white_text_over_the_icon_and_a_dot_is_a_small_circle() {
        let d = Device::default();
        let mut chrome = Chrome::plain("T");
        let marks = [TabMark { badge: None, red_dot: true }, TabMark { badge: Some("12".into()), red_dot: false }];
        chrome.tab_bar = Some(TabBarChrome::from_manifest(&tab_bar(None), 0).with_marks(&marks));
        let screen = compose(&d, &chrome, marker_page(&d), &mut miniapp_view::new_font_system());
        let red = red_marks(&screen);
        assert_eq!(red.len(), 2, "{red:?}");
        let (dot, pill) = (red[0], red[1]);
        assert_eq!((dot.w, dot.h), (RED_DOT_SIZE, RED_DOT_SIZE));
        assert_eq!(pill.h, BADGE_HEIGHT);
        assert!(pill.w >= BADGE_HEIGHT, "{pill:?}");
        // Both sit at the top right of their item's icon, inside the bar.
        let items = tab_item_rects(chrome.areas(&d).tab_bar.unwrap(), 2);
        let icon_right = |r: Rect| r.x + (r.w + 24.0) / 2.0;
        assert!((dot.x - icon_right(items[0])).abs() < 6.0, "{dot:?}");
        assert!((pill.x - icon_right(items[1])).abs() < 8.0, "{pill:?}");
        assert!(pill.y >= items[1].y && pill.y + pill.h < items[1].y + 30.0, "{pill:?}");
        // The badge's text is drawn, in white.
        let white_12 = screen.items.iter().any(|i| matches!(i, DisplayItem::Text { text, color, .. } if text == "12" && color.r == 0xff && color.g == 0xff));
        assert!(white_12, "{:?}", screen.texts());
        assert_eq!(marks[1].describe("B").as_deref(), Some("B badge 12"));
        assert_eq!(marks[0].describe("A").as_deref(), Some("A red dot"));
        assert_eq!(TabMark::default().describe("A"), None);
    }

    #[test]
    fn a_top_tab_bar_puts_the_badge_right_of_the_label() {
        let d = Device::default();
        let mut chrome = Chrome::plain("T");
        let marks = [TabMark::default(), TabMark { badge: Some("new".into()), red_dot: false }];
        chrome.tab_bar = Some(TabBarChrome::from_manifest(&tab_bar(Some(TabBarPosition::Top)), 0).with_marks(&marks));
        let screen = compose(&d, &chrome, marker_page(&d), &mut miniapp_view::new_font_system());
        let red = red_marks(&screen);
        assert_eq!(red.len(), 1);
        let item = tab_item_rects(chrome.areas(&d).tab_bar.unwrap(), 2)[1];
        assert!(red[0].x > item.x + item.w / 2.0 && red[0].x + red[0].w <= item.x + item.w, "{:?} in {item:?}", red[0]);
    }

    #[test]
    fn a_top_tab_bar_shows_labels_only() {
        let d = Device::default();
        let mut chrome = Chrome::plain("T");
        chrome.tab_bar = Some(TabBarChrome::from_manifest(&tab_bar(Some(TabBarPosition::Top)), 1));
        let screen = compose(&d, &chrome, marker_page(&d), &mut miniapp_view::new_font_system());
        assert!(!screen.items.iter().any(|i| matches!(i, DisplayItem::Image { .. })));
        assert_eq!(first_rect_of(&screen, 1).unwrap().y, PAGE_TOP + TOP_TAB_BAR_HEIGHT);
    }

    #[test]
    fn the_capsule_sits_at_the_right_of_the_navigation_bar_on_every_device() {
        for d in Device::PRESETS {
            let (menu, close) = capsule_rects(&d);
            assert_eq!(close.x + close.w, d.width - CAPSULE_MARGIN);
            assert_eq!(menu.y + menu.h / 2.0, STATUS_BAR_HEIGHT + NAV_BAR_HEIGHT / 2.0);
        }
    }

    #[test]
    fn a_screen_placed_in_a_wide_window_is_centred_at_the_fitting_scale() {
        let d = Device::default();
        let mut list = compose(&d, &Chrome::plain("T"), marker_page(&d), &mut miniapp_view::new_font_system());
        let scale = place_in_window(&mut list, &d, (1000, 667), 1.0);
        assert_eq!(scale, 1.0);
        assert_eq!((list.width, list.height), (1000.0, 667.0));
        let moved = first_rect_of(&list, 1).unwrap();
        assert_eq!((moved.x, moved.y), (((1000.0 - 375.0) / 2.0_f32).floor(), PAGE_TOP));
    }

    #[test]
    fn system_ui_follows_the_device_size() {
        let d = Device::IPAD;
        let view = crate::Overlay::Menu.view(&d);
        assert_eq!(view.buttons.len(), MENU_ITEMS.len() + 1);
        assert_eq!(view.buttons.last().unwrap().rect, Rect { x: 0.0, y: 1024.0 - 56.0, w: 768.0, h: 56.0 });
        let mut out = DisplayList { width: d.width, height: d.height, items: Vec::new() };
        view.draw(&mut out, &mut miniapp_view::new_font_system());
        for item in MENU_ITEMS {
            assert!(out.texts().contains(&item), "{:?}", out.texts());
        }
    }
}
