//! The window's file chooser: what the home screen's Scan and the camera's "Choose file…"
//! open. It lists one folder (its parent first, then its folders, then its images, each sorted
//! by name; hidden files left out) over the phone's screen; a folder opens, an image is chosen,
//! Cancel (or Escape) closes it. Dropping an image on the window still works beside it.
//!
//! It reads the file system but draws only display lists, so it is tested without a window.

use crate::device::Device;
use miniapp_view::cosmic_text::FontSystem;
use miniapp_view::{text_items, Color, DisplayItem, DisplayList, Rect, TextAlign};
use std::path::{Path, PathBuf};

/// File name extensions the chooser offers (the formats the camera decodes).
pub const IMAGE_EXTENSIONS: [&str; 6] = ["png", "jpg", "jpeg", "gif", "bmp", "webp"];
/// Most entries one folder lists (the rest is counted in the title).
pub const CHOOSER_MAX_ENTRIES: usize = 300;
/// Height of one row, in logical px.
pub const CHOOSER_ROW_HEIGHT: f32 = 44.0;
/// Height of the title bar (the folder's path and Cancel).
pub const CHOOSER_TITLE_HEIGHT: f32 = 72.0;

/// One row of the chooser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChooserEntry {
    /// The parent folder (`..`).
    Up,
    /// A folder inside this one.
    Folder(String),
    /// An image file in this folder.
    Image(String),
}

impl ChooserEntry {
    /// What its row says.
    pub fn label(&self) -> String {
        match self {
            ChooserEntry::Up => "⬆ ..".to_string(),
            ChooserEntry::Folder(n) => format!("▸ {n}/"),
            ChooserEntry::Image(n) => n.clone(),
        }
    }
}

/// What a tap on the chooser did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChooserHit {
    /// Cancel: close it.
    Cancel,
    /// An image was chosen.
    Chosen(PathBuf),
    /// Another folder is shown now, or nothing was hit.
    Stay,
}

/// The chooser's state: the folder shown, its rows and how far they are scrolled.
#[derive(Debug, Clone, PartialEq)]
pub struct FileChooser {
    /// The folder shown.
    pub dir: PathBuf,
    /// Its rows.
    pub entries: Vec<ChooserEntry>,
    /// Entries left out past [`CHOOSER_MAX_ENTRIES`].
    pub more: usize,
    /// Why the folder could not be read, if it could not.
    pub error: Option<String>,
    /// Scroll offset of the rows, in px.
    pub scroll: f32,
}

fn is_image(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| IMAGE_EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

impl FileChooser {
    /// The chooser on folder `dir`.
    pub fn open(dir: &Path) -> FileChooser {
        let mut c = FileChooser { dir: dir.to_path_buf(), entries: Vec::new(), more: 0, error: None, scroll: 0.0 };
        c.read();
        c
    }

    /// The chooser on the working directory (where `miniapp launch` was started).
    pub fn open_here() -> FileChooser {
        FileChooser::open(&std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/")))
    }

    fn read(&mut self) {
        self.entries.clear();
        self.more = 0;
        self.error = None;
        self.scroll = 0.0;
        if self.dir.parent().is_some() {
            self.entries.push(ChooserEntry::Up);
        }
        let read = match std::fs::read_dir(&self.dir) {
            Ok(r) => r,
            Err(e) => {
                self.error = Some(format!("cannot read {}: {e}", self.dir.display()));
                return;
            }
        };
        let (mut folders, mut images) = (Vec::new(), Vec::new());
        for entry in read.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let path = entry.path();
            if path.is_dir() {
                folders.push(name);
            } else if is_image(&path) {
                images.push(name);
            }
        }
        folders.sort();
        images.sort();
        let all = folders.into_iter().map(ChooserEntry::Folder).chain(images.into_iter().map(ChooserEntry::Image));
        for (i, e) in all.enumerate() {
            if i < CHOOSER_MAX_ENTRIES {
                self.entries.push(e);
            } else {
                self.more += 1;
            }
        }
    }

    /// The Cancel button, in screen px.
    pub fn cancel_rect(device: &Device) -> Rect {
        Rect { x: device.width - 84.0, y: 28.0, w: 76.0, h: 36.0 }
    }

    /// Row `i`'s rectangle on the screen (before scrolling).
    pub fn row_rect(i: usize, device: &Device) -> Rect {
        Rect { x: 0.0, y: CHOOSER_TITLE_HEIGHT + CHOOSER_ROW_HEIGHT * i as f32, w: device.width, h: CHOOSER_ROW_HEIGHT }
    }

    /// Scrolls the rows by `dy` px, clamped to what does not fit on `device`.
    pub fn scroll_by(&mut self, dy: f32, device: &Device) {
        let visible = device.height - CHOOSER_TITLE_HEIGHT;
        let max = (self.entries.len() as f32 * CHOOSER_ROW_HEIGHT - visible).max(0.0);
        self.scroll = (self.scroll + dy).clamp(0.0, max);
    }

    /// A tap at screen `(x, y)`: Cancel, a folder (shown next), an image (chosen).
    pub fn tap(&mut self, device: &Device, x: f32, y: f32) -> ChooserHit {
        let inside = |r: Rect| x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;
        if inside(FileChooser::cancel_rect(device)) {
            return ChooserHit::Cancel;
        }
        if y < CHOOSER_TITLE_HEIGHT {
            return ChooserHit::Stay;
        }
        let Some(i) = (0..self.entries.len()).find(|&i| inside(Rect { y: FileChooser::row_rect(i, device).y - self.scroll, ..FileChooser::row_rect(i, device) })) else {
            return ChooserHit::Stay;
        };
        match self.entries[i].clone() {
            ChooserEntry::Up => {
                if let Some(p) = self.dir.parent() {
                    self.dir = p.to_path_buf();
                    self.read();
                }
                ChooserHit::Stay
            }
            ChooserEntry::Folder(n) => {
                self.dir.push(n);
                self.read();
                ChooserHit::Stay
            }
            ChooserEntry::Image(n) => ChooserHit::Chosen(self.dir.join(n)),
        }
    }

    /// What it says, one line per label (the title, then the rows).
    pub fn text(&self) -> String {
        let mut out = format!("Choose an image with a QR code\n{}\nCancel", self.dir.display());
        if let Some(e) = &self.error {
            out.push('\n');
            out.push_str(e);
        }
        for e in &self.entries {
            out.push('\n');
            out.push_str(&e.label());
        }
        out
    }

    /// Draws it over `out` (the whole screen of `device`).
    pub fn draw(&self, out: &mut DisplayList, device: &Device, fonts: &mut FontSystem) {
        let (w, h) = (device.width, device.height);
        let white = Color::rgb(0xff, 0xff, 0xff);
        let dark = Color::rgb(0x22, 0x22, 0x22);
        let grey = Color::rgb(0x88, 0x88, 0x88);
        let blue = Color::rgb(0x16, 0x77, 0xff);
        let line = Color::rgb(0xe5, 0xe5, 0xe5);
        out.items.push(DisplayItem::Rect { rect: Rect { x: 0.0, y: 0.0, w, h }, color: white, radius: 0.0, border_width: 0.0, border_color: white });
        let bar = Color::rgb(0xf7, 0xf7, 0xf7);
        out.items.push(DisplayItem::Rect { rect: Rect { x: 0.0, y: 0.0, w, h: CHOOSER_TITLE_HEIGHT }, color: bar, radius: 0.0, border_width: 0.5, border_color: line });
        out.items.extend(text_items(fonts, Rect { x: 12.0, y: 26.0, w: w - 108.0, h: 20.0 }, "Choose an image with a QR code", 15.0, 20.0, dark, true, TextAlign::Left));
        let mut path = self.dir.display().to_string();
        if path.chars().count() > 44 {
            let skip = path.chars().count() - 43;
            path = format!("…{}", path.chars().skip(skip).collect::<String>());
        }
        if self.more > 0 {
            path = format!("{path} (+{} not listed)", self.more);
        }
        out.items.extend(text_items(fonts, Rect { x: 12.0, y: 48.0, w: w - 108.0, h: 18.0 }, &path, 11.0, 16.0, grey, false, TextAlign::Left));
        let c = FileChooser::cancel_rect(device);
        out.items.extend(text_items(fonts, Rect { y: c.y + 8.0, h: 20.0, ..c }, "Cancel", 16.0, 20.0, blue, true, TextAlign::Center));
        out.items.push(DisplayItem::PushClip { rect: Rect { x: 0.0, y: CHOOSER_TITLE_HEIGHT, w, h: h - CHOOSER_TITLE_HEIGHT }, radius: 0.0 });
        if let Some(e) = &self.error {
            // Under the rows (only `..` is listed then).
            let red = Color::rgb(0xfa, 0x51, 0x51);
            let y = FileChooser::row_rect(self.entries.len(), device).y + 12.0;
            out.items.extend(text_items(fonts, Rect { x: 12.0, y, w: w - 24.0, h: 60.0 }, e, 13.0, 18.0, red, false, TextAlign::Left));
        }
        for (i, e) in self.entries.iter().enumerate() {
            let mut r = FileChooser::row_rect(i, device);
            r.y -= self.scroll;
            if r.y + r.h < CHOOSER_TITLE_HEIGHT || r.y > h {
                continue;
            }
            out.items.push(DisplayItem::Rect { rect: Rect { x: 0.0, y: r.y + r.h - 0.5, w, h: 0.5 }, color: line, radius: 0.0, border_width: 0.0, border_color: line });
            let ink = if matches!(e, ChooserEntry::Image(_)) { dark } else { blue };
            out.items.extend(text_items(fonts, Rect { x: 16.0, y: r.y + 12.0, w: w - 32.0, h: 20.0 }, &e.label(), 15.0, 20.0, ink, false, TextAlign::Left));
        }
        out.items.push(DisplayItem::PopClip);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_folders_then_images_and_walks_the_tree() {
        let d = Device::IPHONE_SE;
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir(tmp.path().join("shots")).unwrap();
        std::fs::create_dir(tmp.path().join(".hidden")).unwrap();
        std::fs::write(tmp.path().join("b.PNG"), b"x").unwrap();
        std::fs::write(tmp.path().join("a.jpg"), b"x").unwrap();
        std::fs::write(tmp.path().join("notes.txt"), b"x").unwrap();
        std::fs::write(tmp.path().join("shots/code.png"), b"x").unwrap();
        let mut c = FileChooser::open(tmp.path());
        assert_eq!(
            c.entries,
            [ChooserEntry::Up, ChooserEntry::Folder("shots".into()), ChooserEntry::Image("a.jpg".into()), ChooserEntry::Image("b.PNG".into())],
            "no text files, no hidden folders"
        );
        let centre = |r: Rect| (r.x + r.w / 2.0, r.y + r.h / 2.0);
        let (x, y) = centre(FileChooser::row_rect(2, &d));
        assert_eq!(c.tap(&d, x, y), ChooserHit::Chosen(tmp.path().join("a.jpg")));
        let (x, y) = centre(FileChooser::row_rect(1, &d));
        assert_eq!(c.tap(&d, x, y), ChooserHit::Stay);
        assert_eq!(c.dir, tmp.path().join("shots"));
        assert!(c.text().contains("code.png"), "{}", c.text());
        let (x, y) = centre(FileChooser::row_rect(0, &d));
        c.tap(&d, x, y);
        assert_eq!(c.dir, tmp.path(), "`..` goes up");
        let (x, y) = centre(FileChooser::cancel_rect(&d));
        assert_eq!(c.tap(&d, x, y), ChooserHit::Cancel);
        let mut out = DisplayList { width: d.width, height: d.height, items: Vec::new() };
        c.draw(&mut out, &d, &mut miniapp_view::new_font_system());
        assert!(out.texts().contains(&"a.jpg"), "{:?}", out.texts());
    }

    #[test]
    fn an_unreadable_folder_says_why_and_a_big_one_is_capped() {
        let c = FileChooser::open(Path::new("/no/such/folder"));
        assert!(c.error.as_deref().unwrap().starts_with("cannot read /no/such/folder"), "{:?}", c.error);
        assert_eq!(c.entries, [ChooserEntry::Up]);
        let tmp = tempfile::tempdir().unwrap();
        for i in 0..CHOOSER_MAX_ENTRIES + 5 {
            std::fs::write(tmp.path().join(format!("{i:04}.png")), b"x").unwrap();
        }
        let mut c = FileChooser::open(tmp.path());
        assert_eq!((c.entries.len(), c.more), (CHOOSER_MAX_ENTRIES + 1, 5));
        let d = Device::IPHONE_SE;
        c.scroll_by(1e9, &d);
        let last = FileChooser::row_rect(CHOOSER_MAX_ENTRIES, &d);
        assert!(last.y + last.h - c.scroll <= d.height + 0.5 && last.y - c.scroll >= CHOOSER_TITLE_HEIGHT);
    }
}
