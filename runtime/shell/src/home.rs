//! The home screen: an "Open URL" field and a Scan button at the top, then the apps this host
//! opened (the cache's recent list, newest first) with the ones running in the background
//! marked, drawn in the phone frame. A row opens its app; its text is what a script's
//! `assert-text` sees while the home screen shows.
//!
//! What the field or a scanned code holds is opened only when it is a launch URL; any other text
//! is shown with a Copy button, never opened ([`HomeForm::message`]).

use crate::device::Device;
use crate::frame::{self, Chrome};
use miniapp_view::{cosmic_text::FontSystem, text_items, Color, DisplayItem, DisplayList, Rect, TextAlign};

/// Height of one app row, in logical px.
pub const HOME_ROW_HEIGHT: f32 = 64.0;
/// Most rows the home screen lists.
pub const HOME_MAX_ROWS: usize = 20;
/// Where the list of apps starts below the top of the page area, in logical px (the field,
/// its message and the "Recent apps" label come first).
pub const HOME_LIST_TOP: f32 = 132.0;
/// Most characters the Open URL field takes.
pub const HOME_URL_CHARS: usize = 2048;

/// What the top of the home screen shows: the Open URL field's text and the answer to the last
/// open or scan.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HomeForm {
    /// The Open URL field's text.
    pub url: String,
    /// Whether the field has the keyboard (the window types into it).
    pub focused: bool,
    /// The last answer: why a text was not opened, or what a scanned code said.
    pub message: Option<HomeMessage>,
    /// How far the list of apps is scrolled, in logical px (the wheel in the window).
    pub scroll: f32,
}

/// The answer shown under the field.
#[derive(Debug, Clone, PartialEq)]
pub enum HomeMessage {
    /// The text is not a launch URL (the reason); it was not opened.
    NotALaunchUrl {
        /// The text as typed or decoded.
        text: String,
        /// Why it is not a launch URL.
        why: String,
    },
    /// The camera found no code in the file, or could not read it.
    NoCode(String),
}

impl HomeForm {
    /// Scrolls the list of `rows` apps by `dy` px, clamped to what does not fit on `device`.
    pub fn scroll_by(&mut self, dy: f32, rows: usize, device: &Device) {
        let visible = device.height - frame::PAGE_TOP - HOME_LIST_TOP;
        let max = (rows as f32 * HOME_ROW_HEIGHT - visible).max(0.0);
        self.scroll = (self.scroll + dy).clamp(0.0, max);
    }

    /// The field takes typed text (up to [`HOME_URL_CHARS`]; control characters dropped).
    pub fn type_text(&mut self, text: &str) {
        for c in text.chars().filter(|c| !c.is_control()) {
            if self.url.chars().count() >= HOME_URL_CHARS {
                break;
            }
            self.url.push(c);
        }
        self.message = None;
    }

    /// Backspace in the field.
    pub fn backspace(&mut self) {
        self.url.pop();
        self.message = None;
    }

    /// What `text` (typed, or decoded from a code) opens: its launch URL, or the message shown
    /// instead (nothing is opened).
    pub fn submit(&mut self, text: &str) -> Option<String> {
        let text = text.trim();
        match miniapp_cloud::LaunchUrl::parse(text) {
            Ok(_) => {
                self.message = None;
                Some(text.to_string())
            }
            Err(e) => {
                self.message = Some(HomeMessage::NotALaunchUrl { text: text.to_string(), why: e.to_string() });
                None
            }
        }
    }

    /// The text the Copy button copies, when the message has one.
    pub fn copyable(&self) -> Option<&str> {
        match &self.message {
            Some(HomeMessage::NotALaunchUrl { text, .. }) => Some(text),
            _ => None,
        }
    }

    fn message_lines(&self) -> Option<String> {
        Some(match self.message.as_ref()? {
            HomeMessage::NotALaunchUrl { text, why } => format!("Not opened: {}\n{why}", short(text)),
            HomeMessage::NoCode(why) => format!("No code opened: {why}"),
        })
    }
}

fn short(s: &str) -> String {
    ellipsize(s, 60)
}

/// The first `n` characters of `s`, with `…` when it is longer.
fn ellipsize(s: &str, n: usize) -> String {
    match s.char_indices().nth(n) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// A part of the home screen a tap can land on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HomeHit {
    /// App row `i`.
    Row(usize),
    /// The Open URL field.
    Field,
    /// The Open button beside it.
    Open,
    /// The Scan button (choose or drop an image with a code).
    Scan,
    /// The Copy button of a text that was not opened.
    Copy,
}

/// The Open URL field, in screen px.
pub fn field_rect(device: &Device) -> Rect {
    Rect { x: 12.0, y: frame::PAGE_TOP + 12.0, w: device.width - 24.0 - 2.0 * 64.0, h: 36.0 }
}

/// The Open button, in screen px.
pub fn open_rect(device: &Device) -> Rect {
    Rect { x: device.width - 12.0 - 2.0 * 60.0 - 4.0, y: frame::PAGE_TOP + 12.0, w: 60.0, h: 36.0 }
}

/// The Scan button, in screen px.
pub fn scan_rect(device: &Device) -> Rect {
    Rect { x: device.width - 12.0 - 60.0, y: frame::PAGE_TOP + 12.0, w: 60.0, h: 36.0 }
}

/// The Copy button under a message, in screen px.
pub fn copy_rect(device: &Device) -> Rect {
    Rect { x: device.width - 12.0 - 60.0, y: frame::PAGE_TOP + 54.0, w: 60.0, h: 28.0 }
}

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
    /// Its `icon` from app.json, read from the verified cached bundle (`None`: the app has
    /// none, or it is not cached; its initial is drawn instead).
    pub icon: Option<HomeIcon>,
    /// When it was last opened (Unix seconds; the cache's last metadata fetch).
    pub last_opened: Option<i64>,
}

/// An app's icon: the image file's bytes and the key the renderer knows it by.
#[derive(Debug, Clone, PartialEq)]
pub struct HomeIcon {
    /// `home-icon:DIGEST:PATH`, unique per bundle.
    pub key: String,
    /// The PNG or JPEG.
    pub bytes: std::sync::Arc<Vec<u8>>,
}

/// The icons of cached bundles, read once per bundle digest (each bundle is verified against
/// its cloud's pinned platform key before its icon is used).
#[derive(Debug, Default)]
pub struct HomeIcons {
    by_digest: std::collections::HashMap<String, Option<HomeIcon>>,
}

impl HomeIcons {
    /// The icon of the bundle `record` launched last, if it has one and it verifies.
    pub fn of(&mut self, record: &miniapp_cloud::CachedApp, cache: &miniapp_cloud::Cache) -> Option<HomeIcon> {
        let digest = record.current.clone()?;
        self.by_digest
            .entry(digest.clone())
            .or_insert_with(|| {
                let read = || -> Option<HomeIcon> {
                    let cloud = url::Url::parse(&record.cloud).ok()?;
                    let key = cache.pinned_key(&cloud).ok()??;
                    let bytes = cache.bundle(&digest).ok()??;
                    let bundle = miniapp_bundle::verify(&bytes, &miniapp_bundle::Trust::platform(key)).ok()?;
                    let path = bundle.manifest.icon.clone()?;
                    let file = bundle.file(&path)?.to_vec();
                    Some(HomeIcon { key: format!("home-icon:{digest}:{path}"), bytes: std::sync::Arc::new(file) })
                };
                let icon = read();
                tracing::debug!(%digest, found = icon.is_some(), "home screen icon");
                icon
            })
            .clone()
    }
}

/// "opened 5 min ago" for `then` (Unix seconds) seen at `now`.
pub fn opened_ago(then: i64, now: i64) -> String {
    let d = (now - then).max(0);
    match d {
        0..=59 => "opened just now".to_string(),
        60..=3599 => format!("opened {} min ago", d / 60),
        3600..=86_399 => format!("opened {} h ago", d / 3600),
        _ => format!("opened {} days ago", d / 86_400),
    }
}

fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// The apps of the home screen: the running ones first (in the order given), then the cache's
/// recent apps not running, then `featured` ones not listed yet (the demo's samples), at most
/// [`HOME_MAX_ROWS`].
pub fn entries(
    running: &[(String, String, String)],
    featured: &[HomeEntry],
    cache: &miniapp_cloud::Cache,
    icons: &mut HomeIcons,
) -> Vec<HomeEntry> {
    let recent = cache.recent_apps();
    let mut out: Vec<HomeEntry> = running
        .iter()
        .map(|(app_id, name, url)| {
            let record = recent.iter().find(|r| r.meta.appid == *app_id);
            HomeEntry {
                name: name.clone(),
                app_id: app_id.clone(),
                url: url.clone(),
                running: true,
                icon: record.and_then(|r| icons.of(r, cache)),
                last_opened: record.map(|r| r.checked_at),
            }
        })
        .collect();
    for r in &recent {
        if out.iter().any(|e| e.app_id == r.meta.appid) {
            continue;
        }
        let url = format!("{}/apps/{}", r.cloud.trim_end_matches('/'), r.meta.appid);
        out.push(HomeEntry {
            name: r.meta.name.clone(),
            app_id: r.meta.appid.clone(),
            url,
            running: false,
            icon: icons.of(r, cache),
            last_opened: Some(r.checked_at),
        });
    }
    for f in featured {
        if !out.iter().any(|e| e.app_id == f.app_id) {
            out.push(HomeEntry { running: false, ..f.clone() });
        }
    }
    out.truncate(HOME_MAX_ROWS);
    out
}

/// The rectangle of row `i` on the screen.
pub fn row_rect(i: usize, device: &Device) -> Rect {
    Rect { x: 0.0, y: frame::PAGE_TOP + HOME_LIST_TOP + HOME_ROW_HEIGHT * i as f32, w: device.width, h: HOME_ROW_HEIGHT }
}

/// The text of the home screen, one line per label (for `assert-text` and `wait-for text=`).
pub fn text(entries: &[HomeEntry], form: &HomeForm) -> String {
    let mut out = format!("{}\nOpen\nScan", if form.url.is_empty() { "Open URL" } else { form.url.as_str() });
    if let Some(m) = form.message_lines() {
        out.push('\n');
        out.push_str(&m);
        if form.copyable().is_some() {
            out.push_str("\nCopy");
        }
    }
    out.push_str("\nRecent apps");
    let now = unix_now();
    for e in entries {
        out.push_str(&format!("\n{}\n{}", e.name, subtitle(e, now)));
    }
    if entries.is_empty() {
        out.push_str("\nNo apps yet: open a launch URL or scan a code");
    }
    out
}

/// The line under an app's name: `running`, or when it was opened and its URL.
fn subtitle(e: &HomeEntry, now: i64) -> String {
    match (e.running, e.last_opened) {
        (true, _) => "running".to_string(),
        (false, Some(t)) => format!("{} · {}", opened_ago(t, now), e.url),
        (false, None) => e.url.clone(),
    }
}

/// What a tap at (x, y) (screen px) lands on.
pub fn hit(entries: &[HomeEntry], form: &HomeForm, device: &Device, x: f32, y: f32) -> Option<HomeHit> {
    let inside = |r: Rect| x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;
    if inside(field_rect(device)) {
        return Some(HomeHit::Field);
    }
    if inside(open_rect(device)) {
        return Some(HomeHit::Open);
    }
    if inside(scan_rect(device)) {
        return Some(HomeHit::Scan);
    }
    if form.copyable().is_some() && inside(copy_rect(device)) {
        return Some(HomeHit::Copy);
    }
    if y < frame::PAGE_TOP + HOME_LIST_TOP {
        return None;
    }
    (0..entries.len()).find(|&i| inside(Rect { y: row_rect(i, device).y - form.scroll, ..row_rect(i, device) })).map(HomeHit::Row)
}

/// The home screen as a display list on `device`.
pub fn screen(entries: &[HomeEntry], form: &HomeForm, device: &Device, fonts: &mut FontSystem) -> DisplayList {
    let w = device.width;
    let mut page = DisplayList { width: w, height: device.height - frame::PAGE_TOP, items: Vec::new() };
    let dark = Color::rgb(0x22, 0x22, 0x22);
    let grey = Color::rgb(0x88, 0x88, 0x88);
    let white = Color::rgb(0xff, 0xff, 0xff);
    let blue = Color::rgb(0x16, 0x77, 0xff);
    let up = |r: Rect| Rect { y: r.y - frame::PAGE_TOP, ..r };
    // The Open URL field and its buttons.
    let field = up(field_rect(device));
    let edge = if form.focused { blue } else { Color::rgb(0xcc, 0xcc, 0xcc) };
    page.items.push(DisplayItem::Rect { rect: field, color: white, radius: 6.0, border_width: 1.0, border_color: edge });
    let (shown, colour) = if form.url.is_empty() { ("Open URL", grey) } else { (form.url.as_str(), dark) };
    let shown = if form.focused { format!("{}|", tail(shown, 34)) } else { tail(shown, 34) };
    page.items.extend(text_items(fonts, Rect { x: field.x + 8.0, y: field.y + 8.0, w: field.w - 16.0, h: 20.0 }, &shown, 14.0, 20.0, colour, false, TextAlign::Left));
    for (r, label) in [(up(open_rect(device)), "Open"), (up(scan_rect(device)), "Scan")] {
        page.items.push(DisplayItem::Rect { rect: r, color: blue, radius: 6.0, border_width: 0.0, border_color: blue });
        page.items.extend(text_items(fonts, Rect { y: r.y + 8.0, h: 20.0, ..r }, label, 14.0, 20.0, white, true, TextAlign::Center));
    }
    if let Some(m) = form.message_lines() {
        let red = Color::rgb(0xfa, 0x51, 0x51);
        page.items.extend(text_items(fonts, Rect { x: 16.0, y: 56.0, w: w - 32.0 - 64.0, h: 44.0 }, &m, 12.0, 16.0, red, false, TextAlign::Left));
        if form.copyable().is_some() {
            let r = up(copy_rect(device));
            page.items.push(DisplayItem::Rect { rect: r, color: white, radius: 6.0, border_width: 1.0, border_color: blue });
            page.items.extend(text_items(fonts, Rect { y: r.y + 5.0, h: 20.0, ..r }, "Copy", 13.0, 18.0, blue, true, TextAlign::Center));
        }
    }
    let label_y = HOME_LIST_TOP - 28.0;
    page.items.extend(text_items(fonts, Rect { x: 16.0, y: label_y, w: w - 32.0, h: 22.0 }, "Recent apps", 15.0, 20.0, grey, true, TextAlign::Left));
    if entries.is_empty() {
        page.items.extend(text_items(
            fonts,
            Rect { x: 16.0, y: HOME_LIST_TOP + 8.0, w: w - 32.0, h: 40.0 },
            "No apps yet: open a launch URL or scan a code",
            15.0,
            20.0,
            grey,
            false,
            TextAlign::Left,
        ));
    }
    let now = unix_now();
    let palette = [Color::rgb(0x16, 0x77, 0xff), Color::rgb(0x07, 0xc1, 0x60), Color::rgb(0xfa, 0x8c, 0x16), Color::rgb(0x72, 0x2e, 0xd1)];
    page.items.push(DisplayItem::PushClip { rect: Rect { x: 0.0, y: HOME_LIST_TOP, w, h: (device.height - frame::PAGE_TOP - HOME_LIST_TOP).max(0.0) }, radius: 0.0 });
    for (i, e) in entries.iter().enumerate() {
        let mut r = row_rect(i, device);
        r.y -= frame::PAGE_TOP + form.scroll;
        page.items.push(DisplayItem::Rect { rect: Rect { x: 0.0, y: r.y, w, h: r.h - 1.0 }, color: white, radius: 0.0, border_width: 0.0, border_color: white });
        // The icon: the app's initial on a coloured tile.
        let tile = Rect { x: 16.0, y: r.y + 10.0, w: 44.0, h: 44.0 };
        let colour = palette[e.app_id.bytes().map(usize::from).sum::<usize>() % palette.len()];
        page.items.push(DisplayItem::Rect { rect: tile, color: colour, radius: 10.0, border_width: 0.0, border_color: colour });
        match &e.icon {
            // The app's own icon over the tile (the front end gave the renderer its bytes:
            // `images::home_icons`).
            Some(icon) => page.items.push(DisplayItem::Image { rect: tile, src: icon.key.clone(), radius: 10.0 }),
            None => {
                let initial: String = e.name.chars().next().map(|c| c.to_uppercase().collect()).unwrap_or_default();
                page.items.extend(text_items(fonts, Rect { y: tile.y + 10.0, h: 26.0, ..tile }, &initial, 20.0, 24.0, white, true, TextAlign::Center));
            }
        }
        page.items.extend(text_items(fonts, Rect { x: 72.0, y: r.y + 12.0, w: w - 88.0, h: 22.0 }, &e.name, 16.0, 22.0, dark, true, TextAlign::Left));
        // One line under the name: cut to what fits (`assert-text` reads it whole).
        let fits = ((w - 88.0) / 7.0) as usize;
        let sub = ellipsize(&subtitle(e, now), fits.max(8));
        page.items.extend(text_items(fonts, Rect { x: 72.0, y: r.y + 36.0, w: w - 88.0, h: 18.0 }, &sub, 12.0, 16.0, grey, false, TextAlign::Left));
    }
    page.items.push(DisplayItem::PopClip);
    let mut chrome = Chrome::plain("miniapp");
    chrome.page_background = Color::rgb(0xf2, 0xf2, 0xf2);
    frame::compose(device, &chrome, page, fonts)
}

/// The last `n` characters of `s` (a long URL shows its end, where the caret is).
fn tail(s: &str, n: usize) -> String {
    let count = s.chars().count();
    if count <= n {
        s.to_string()
    } else {
        format!("…{}", s.chars().skip(count - n).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str) -> HomeEntry {
        HomeEntry {
            name: name.into(),
            app_id: name.to_lowercase(),
            url: format!("http://127.0.0.1:1/apps/{}", name.to_lowercase()),
            running: false,
            icon: None,
            last_opened: None,
        }
    }

    #[test]
    fn a_launch_url_opens_and_any_other_text_is_shown_with_copy() {
        let mut form = HomeForm::default();
        assert_eq!(form.submit(" http://127.0.0.1:8080/apps/counter?path=pages/a/a "), Some("http://127.0.0.1:8080/apps/counter?path=pages/a/a".into()));
        assert_eq!(form.message, None);
        assert_eq!(form.submit("WIFI:S:home;T:WPA;P:secret;;"), None, "a text that is not a launch URL is never opened");
        assert_eq!(form.copyable(), Some("WIFI:S:home;T:WPA;P:secret;;"));
        let t = text(&[], &form);
        assert!(t.contains("Not opened: WIFI:S:home") && t.contains("\nCopy"), "{t}");
        assert_eq!(form.submit("javascript:alert(1)"), None);
        form.type_text("x");
        assert_eq!(form.message, None, "typing clears the message");
    }

    #[test]
    fn the_field_takes_text_up_to_its_limit_without_control_characters() {
        let mut form = HomeForm::default();
        form.type_text("http://a\n\u{7}b");
        assert_eq!(form.url, "http://ab");
        form.backspace();
        assert_eq!(form.url, "http://a");
        form.type_text(&"x".repeat(HOME_URL_CHARS * 2));
        assert_eq!(form.url.chars().count(), HOME_URL_CHARS);
    }

    #[test]
    fn taps_find_the_field_the_buttons_and_the_rows() {
        let d = Device::IPHONE_SE;
        let mut form = HomeForm::default();
        let entries = [entry("Counter"), entry("Shop")];
        let centre = |r: Rect| (r.x + r.w / 2.0, r.y + r.h / 2.0);
        let at = |r: Rect, form: &HomeForm| {
            let (x, y) = centre(r);
            hit(&entries, form, &d, x, y)
        };
        assert_eq!(at(field_rect(&d), &form), Some(HomeHit::Field));
        assert_eq!(at(open_rect(&d), &form), Some(HomeHit::Open));
        assert_eq!(at(scan_rect(&d), &form), Some(HomeHit::Scan));
        assert_eq!(at(row_rect(1, &d), &form), Some(HomeHit::Row(1)));
        assert_eq!(at(copy_rect(&d), &form), None, "no Copy button without a message");
        form.submit("hello");
        assert_eq!(at(copy_rect(&d), &form), Some(HomeHit::Copy));
        assert!(row_rect(0, &d).y > copy_rect(&d).y + copy_rect(&d).h, "the list starts below the message");
    }

    #[test]
    fn a_long_list_scrolls_and_taps_follow_it() {
        let d = Device::IPHONE_SE;
        let entries: Vec<HomeEntry> = (0..12).map(|i| entry(&format!("App{i}"))).collect();
        let mut form = HomeForm::default();
        // 12 rows of 64 px under a list top of 64 + 132 px on a 667 px screen: 297 px do not fit.
        form.scroll_by(10_000.0, entries.len(), &d);
        assert_eq!(form.scroll, 12.0 * HOME_ROW_HEIGHT - (667.0 - frame::PAGE_TOP - HOME_LIST_TOP));
        let last = row_rect(11, &d);
        let (x, y) = (last.x + 10.0, last.y + 10.0 - form.scroll);
        assert_eq!(hit(&entries, &form, &d, x, y), Some(HomeHit::Row(11)));
        // Rows scrolled above the list top are not tapped through the field and label.
        assert_eq!(hit(&entries, &form, &d, 100.0, frame::PAGE_TOP + HOME_LIST_TOP - 5.0), None);
        form.scroll_by(-10_000.0, entries.len(), &d);
        assert_eq!(form.scroll, 0.0);
    }

    #[test]
    fn rows_say_when_an_app_was_last_opened() {
        assert_eq!(opened_ago(1000, 1030), "opened just now");
        assert_eq!(opened_ago(1000, 1000 + 5 * 60 + 3), "opened 5 min ago");
        assert_eq!(opened_ago(1000, 1000 + 7200), "opened 2 h ago");
        assert_eq!(opened_ago(1000, 1000 + 3 * 86_400), "opened 3 days ago");
        assert_eq!(opened_ago(2000, 1000), "opened just now", "a clock that went back is not negative");
        let mut e = entry("Shop");
        e.last_opened = Some(unix_now() - 120);
        let t = text(&[e.clone()], &HomeForm::default());
        assert!(t.contains("opened 2 min ago · http://127.0.0.1:1/apps/shop"), "{t}");
        e.running = true;
        assert!(text(&[e], &HomeForm::default()).contains("\nrunning"));
    }
}
