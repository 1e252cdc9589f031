//! The window's launch screen: shown at once while the app downloads on a background thread
//! (the app's name, a progress bar with bytes done of total, "Verifying…", "Starting…"), and
//! the error page when the launch fails. Display lists only, so it is tested without a window
//! or a GPU.

use crate::device::Device;
use crate::frame::{self, Chrome};
use miniapp_view::cosmic_text::FontSystem;
use miniapp_view::{text_items, Color, DisplayItem, DisplayList, Rect, TextAlign};

/// The progress bar's track on the default device, in page coordinates (below the navigation
/// bar); see [`bar_track`] for others.
pub const BAR_TRACK: Rect = Rect { x: 48.0, y: 250.0, w: Device::IPHONE_SE.width - 96.0, h: 6.0 };

/// The progress bar's track on a screen `width` wide, in page coordinates.
pub fn bar_track(width: f32) -> Rect {
    Rect { w: width - 96.0, ..BAR_TRACK }
}
/// Colour of the track.
pub const TRACK_COLOR: Color = Color::rgb(0xe5, 0xe5, 0xe5);
/// Colour of the filled part of the bar.
pub const FILL_COLOR: Color = Color::rgb(0x07, 0xc1, 0x60);

/// Where a launch is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Asking the cloud (metadata, the cache); no byte received yet.
    Connecting,
    /// A download in flight: bytes done of total.
    Downloading {
        /// Bytes received.
        done: u64,
        /// Bytes expected.
        total: u64,
    },
    /// The download is complete; hashes and signatures are being checked.
    Verifying,
    /// Verified; the app is being compiled and started.
    Starting,
}

/// What the launch screen shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaunchProgress {
    /// The app's name when known (from the cache or the cloud), else its id.
    pub app: String,
    /// Where the launch is.
    pub stage: Stage,
}

impl LaunchProgress {
    /// A launch of `app` that has not received anything yet.
    pub fn new(app: impl Into<String>) -> LaunchProgress {
        LaunchProgress { app: app.into(), stage: Stage::Connecting }
    }

    /// Records a `progress(done, total)` report of a download: a complete one means the bundle
    /// is being verified.
    pub fn bytes(&mut self, done: u64, total: u64) {
        self.stage = if total > 0 && done >= total { Stage::Verifying } else { Stage::Downloading { done, total } };
    }

    /// How much of the bar is filled, 0 to 1.
    pub fn fraction(&self) -> f32 {
        match self.stage {
            Stage::Connecting => 0.0,
            Stage::Downloading { done, total } if total > 0 => (done as f64 / total as f64).clamp(0.0, 1.0) as f32,
            Stage::Downloading { .. } => 0.0,
            Stage::Verifying | Stage::Starting => 1.0,
        }
    }

    /// The line under the bar: `Connecting…`, `1.2 MiB of 3.1 MiB (38%)`, `Verifying…`,
    /// `Starting…`.
    pub fn status(&self) -> String {
        match self.stage {
            Stage::Connecting => "Connecting…".into(),
            Stage::Downloading { done, total } if total > 0 => {
                format!("{} of {} ({:.0}%)", human(done), human(total), self.fraction() * 100.0)
            }
            Stage::Downloading { done, .. } => format!("{} downloaded", human(done)),
            Stage::Verifying => "Verifying…".into(),
            Stage::Starting => "Starting…".into(),
        }
    }
}

/// `512 B`, `12.0 KiB`, `3.1 MiB`.
fn human(bytes: u64) -> String {
    const KIB: f64 = 1024.0;
    let b = bytes as f64;
    if b < KIB {
        format!("{bytes} B")
    } else if b < KIB * KIB {
        format!("{:.1} KiB", b / KIB)
    } else {
        format!("{:.1} MiB", b / (KIB * KIB))
    }
}

fn chrome(app: &str) -> Chrome {
    Chrome { nav_background: Color::rgb(0xf8, 0xf8, 0xf8), clock: frame::host_clock(), ..Chrome::plain(app) }
}

fn fill(rect: Rect, color: Color, radius: f32) -> DisplayItem {
    DisplayItem::Rect { rect, color, radius, border_width: 0.0, border_color: color }
}

/// The whole screen of a launch in progress on the default device (see
/// [`progress_screen_on`]).
pub fn progress_screen(progress: &LaunchProgress, fonts: &mut FontSystem) -> DisplayList {
    progress_screen_on(&Device::default(), progress, fonts)
}

/// The whole screen of a launch in progress on `device`: the phone frame titled with the app's
/// name, a placeholder icon with its initial, the name, the bar and the status line.
pub fn progress_screen_on(device: &Device, progress: &LaunchProgress, fonts: &mut FontSystem) -> DisplayList {
    let width = device.width;
    let track = bar_track(width);
    let area = frame::Areas::plain(device).page;
    let mut page = DisplayList { width: area.w, height: area.h, items: Vec::new() };
    let icon = Rect { x: (width - 64.0) / 2.0, y: 110.0, w: 64.0, h: 64.0 };
    page.items.push(fill(icon, FILL_COLOR, 14.0));
    let initial: String = progress.app.chars().next().map(|c| c.to_uppercase().collect()).unwrap_or_default();
    page.items.extend(text_items(fonts, Rect { y: icon.y + 14.0, h: 36.0, ..icon }, &initial, 30.0, 36.0, Color::rgb(255, 255, 255), true, TextAlign::Center));
    page.items.extend(text_items(
        fonts,
        Rect { x: 24.0, y: 190.0, w: width - 48.0, h: 28.0 },
        &progress.app,
        20.0,
        26.0,
        Color::rgb(0x11, 0x11, 0x11),
        true,
        TextAlign::Center,
    ));
    page.items.push(fill(track, TRACK_COLOR, track.h / 2.0));
    let filled = track.w * progress.fraction();
    if filled > 0.0 {
        page.items.push(fill(Rect { w: filled, ..track }, FILL_COLOR, track.h / 2.0));
    }
    page.items.extend(text_items(
        fonts,
        Rect { x: 24.0, y: track.y + 16.0, w: width - 48.0, h: 20.0 },
        &progress.status(),
        14.0,
        20.0,
        Color::rgb(0x88, 0x88, 0x88),
        false,
        TextAlign::Center,
    ));
    frame::compose(device, &chrome(&progress.app), page, fonts)
}

/// The whole screen of a launch that failed on the default device (see [`failure_screen_on`]).
pub fn failure_screen(app: &str, message: &str, fonts: &mut FontSystem) -> DisplayList {
    failure_screen_on(&Device::default(), app, message, fonts)
}

/// The whole screen of a launch that failed on `device`: the phone frame titled with the app's
/// name and the error page with the reason.
pub fn failure_screen_on(device: &Device, app: &str, message: &str, fonts: &mut FontSystem) -> DisplayList {
    let page = frame::error_page(device.width, "Cannot open this app", message, fonts);
    frame::compose(device, &chrome(app), page, fonts)
}

/// An error and its causes on one line, `outer: inner: ...`, without repeating a cause that the
/// outer message already includes.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::PAGE_TOP;

    fn rects_of(list: &DisplayList, color: Color) -> Vec<Rect> {
        list.items
            .iter()
            .filter_map(|i| match i {
                DisplayItem::Rect { rect, color: c, .. } if *c == color => Some(*rect),
                _ => None,
            })
            .collect()
    }

    fn bar_fill(list: &DisplayList) -> Option<Rect> {
        // The icon is filled with the same colour: the bar is the one on the track's row.
        rects_of(list, FILL_COLOR).into_iter().find(|r| r.y == BAR_TRACK.y + PAGE_TOP)
    }

    #[test]
    fn the_bar_fills_in_proportion_to_the_bytes_done() {
        let mut fonts = miniapp_view::new_font_system();
        let mut p = LaunchProgress::new("Counter");
        for (done, total) in [(250u64, 1000u64), (500, 1000), (999, 1000)] {
            p.bytes(done, total);
            let list = progress_screen(&p, &mut fonts);
            let bar = bar_fill(&list).expect("a filled part");
            let want = BAR_TRACK.w * done as f32 / total as f32;
            assert!((bar.w - want).abs() < 0.01, "{done}/{total}: {} != {want}", bar.w);
            assert_eq!(bar.x, BAR_TRACK.x);
            let track = rects_of(&list, TRACK_COLOR);
            assert_eq!(track, vec![Rect { y: BAR_TRACK.y + PAGE_TOP, ..BAR_TRACK }]);
        }
    }

    #[test]
    fn the_screen_names_the_app_and_the_bytes() {
        let mut fonts = miniapp_view::new_font_system();
        let mut p = LaunchProgress::new("Counter");
        p.bytes(3 * 1024 * 1024 / 4, 3 * 1024 * 1024);
        let list = progress_screen(&p, &mut fonts);
        let texts = list.texts();
        assert!(texts.contains(&"Counter"), "{texts:?}");
        assert!(texts.contains(&"C"), "the icon's initial: {texts:?}");
        assert!(texts.contains(&"768.0 KiB of 3.0 MiB (25%)"), "{texts:?}");
        assert_eq!((list.width, list.height), (375.0, 667.0));
        let ipad = progress_screen_on(&Device::IPAD, &p, &mut fonts);
        assert_eq!((ipad.width, ipad.height), (768.0, 1024.0));
    }

    #[test]
    fn before_any_byte_the_bar_is_empty_and_a_complete_download_is_verified() {
        let mut fonts = miniapp_view::new_font_system();
        let mut p = LaunchProgress::new("counter");
        let list = progress_screen(&p, &mut fonts);
        assert_eq!(bar_fill(&list), None);
        assert!(list.texts().contains(&"Connecting…"));
        p.bytes(1000, 1000);
        assert_eq!(p.stage, Stage::Verifying);
        let list = progress_screen(&p, &mut fonts);
        assert_eq!(bar_fill(&list).unwrap().w, BAR_TRACK.w);
        assert!(list.texts().contains(&"Verifying…"), "{:?}", list.texts());
        p.stage = Stage::Starting;
        assert!(progress_screen(&p, &mut fonts).texts().contains(&"Starting…"));
    }

    #[test]
    fn a_failed_launch_shows_the_reason() {
        let mut fonts = miniapp_view::new_font_system();
        let list = failure_screen("counter", "app counter is banned: violates rule 7", &mut fonts);
        let all = list.texts().join(" ");
        assert!(all.contains("Cannot open this app"), "{all}");
        assert!(all.contains("violates rule 7"), "{all}");
        assert!(all.contains("counter"), "{all}");
    }

    #[test]
    fn sizes_are_human() {
        assert_eq!(human(512), "512 B");
        assert_eq!(human(12 * 1024), "12.0 KiB");
        assert_eq!(human(3 * 1024 * 1024 + 100 * 1024), "3.1 MiB");
    }
}
