//! The home screen: the apps this host opened (the cache's recent list, newest first) with the
//! ones running in the background marked, drawn in the phone frame. A row opens its app; its
//! text is what a script's `assert-text` sees while the home screen shows.

use crate::device::Device;
use crate::frame::{self, Chrome};
use miniapp_view::{cosmic_text::FontSystem, text_items, Color, DisplayItem, DisplayList, Rect, TextAlign};

/// Height of one app row, in logical px.
pub const HOME_ROW_HEIGHT: f32 = 64.0;
/// Most rows the home screen lists.
pub const HOME_MAX_ROWS: usize = 20;

/// One app on the home screen.
#[derive(Debug, Clone, PartialEq)]
pub struct HomeEntry {
    /// Its display name.
    pub name: String,
    /// Its app id.
    pub app_id: String,
    /// Its launch URL (`http://HOST:PORT/apps/APPID`).
    pub url: String,
    /// Whether it runs in the background now (resumed, not relaunched, when opened).
    pub running: bool,
}

/// The apps of the home screen: the running ones first (in the order given), then the cache's
/// recent apps not running, at most [`HOME_MAX_ROWS`].
pub fn entries(running: &[(String, String, String)], cache: &miniapp_cloud::Cache) -> Vec<HomeEntry> {
    let mut out: Vec<HomeEntry> = running
        .iter()
        .map(|(app_id, name, url)| HomeEntry { name: name.clone(), app_id: app_id.clone(), url: url.clone(), running: true })
        .collect();
    for r in cache.recent_apps() {
        if out.iter().any(|e| e.app_id == r.meta.appid) {
            continue;
        }
        let url = format!("{}/apps/{}", r.cloud.trim_end_matches('/'), r.meta.appid);
        out.push(HomeEntry { name: r.meta.name.clone(), app_id: r.meta.appid.clone(), url, running: false });
    }
    out.truncate(HOME_MAX_ROWS);
    out
}

/// The rectangle of row `i` on the screen.
pub fn row_rect(i: usize, device: &Device) -> Rect {
    Rect { x: 0.0, y: frame::PAGE_TOP + 40.0 + HOME_ROW_HEIGHT * i as f32, w: device.width, h: HOME_ROW_HEIGHT }
}

/// The text of the home screen, one line per label (for `assert-text` and `wait-for text=`).
pub fn text(entries: &[HomeEntry]) -> String {
    let mut out = String::from("Recent apps");
    for e in entries {
        out.push_str(&format!("\n{}\n{}", e.name, if e.running { "running" } else { e.url.as_str() }));
    }
    if entries.is_empty() {
        out.push_str("\nNo apps yet: open a launch URL or scan a code");
    }
    out
}

/// The row a tap at (x, y) lands on.
pub fn hit(entries: &[HomeEntry], device: &Device, x: f32, y: f32) -> Option<usize> {
    (0..entries.len()).find(|&i| {
        let r = row_rect(i, device);
        x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h
    })
}

/// The home screen as a display list on `device`.
pub fn screen(entries: &[HomeEntry], device: &Device, fonts: &mut FontSystem) -> DisplayList {
    let w = device.width;
    let mut page = DisplayList { width: w, height: device.height - frame::PAGE_TOP, items: Vec::new() };
    let dark = Color::rgb(0x22, 0x22, 0x22);
    let grey = Color::rgb(0x88, 0x88, 0x88);
    page.items.extend(text_items(fonts, Rect { x: 16.0, y: 12.0, w: w - 32.0, h: 22.0 }, "Recent apps", 15.0, 20.0, grey, true, TextAlign::Left));
    if entries.is_empty() {
        page.items.extend(text_items(
            fonts,
            Rect { x: 16.0, y: 48.0, w: w - 32.0, h: 40.0 },
            "No apps yet: open a launch URL or scan a code",
            15.0,
            20.0,
            grey,
            false,
            TextAlign::Left,
        ));
    }
    let palette = [Color::rgb(0x16, 0x77, 0xff), Color::rgb(0x07, 0xc1, 0x60), Color::rgb(0xfa, 0x8c, 0x16), Color::rgb(0x72, 0x2e, 0xd1)];
    for (i, e) in entries.iter().enumerate() {
        let mut r = row_rect(i, device);
        r.y -= frame::PAGE_TOP;
        let white = Color::rgb(0xff, 0xff, 0xff);
        page.items.push(DisplayItem::Rect { rect: Rect { x: 0.0, y: r.y, w, h: r.h - 1.0 }, color: white, radius: 0.0, border_width: 0.0, border_color: white });
        // The icon: the app's initial on a coloured tile.
        let tile = Rect { x: 16.0, y: r.y + 10.0, w: 44.0, h: 44.0 };
        let colour = palette[e.app_id.bytes().map(usize::from).sum::<usize>() % palette.len()];
        page.items.push(DisplayItem::Rect { rect: tile, color: colour, radius: 10.0, border_width: 0.0, border_color: colour });
        let initial: String = e.name.chars().next().map(|c| c.to_uppercase().collect()).unwrap_or_default();
        page.items.extend(text_items(fonts, Rect { y: tile.y + 10.0, h: 26.0, ..tile }, &initial, 20.0, 24.0, white, true, TextAlign::Center));
        page.items.extend(text_items(fonts, Rect { x: 72.0, y: r.y + 12.0, w: w - 88.0, h: 22.0 }, &e.name, 16.0, 22.0, dark, true, TextAlign::Left));
        let sub = if e.running { "running" } else { e.url.as_str() };
        page.items.extend(text_items(fonts, Rect { x: 72.0, y: r.y + 36.0, w: w - 88.0, h: 18.0 }, sub, 12.0, 16.0, grey, false, TextAlign::Left));
    }
    let mut chrome = Chrome::plain("miniapp");
    chrome.page_background = Color::rgb(0xf2, 0xf2, 0xf2);
    frame::compose(device, &chrome, page, fonts)
}
