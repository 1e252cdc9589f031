//! Shared helpers: one GPU per test binary, display-list builders, pixel
//! probes and the snapshot check.

use std::path::PathBuf;
use std::sync::OnceLock;

use miniapp_render::image::{Rgba, RgbaImage};
use miniapp_render::{Error, Gpu, Renderer};
pub use miniapp_view::{Color, DisplayItem, DisplayList, Rect, TextAlign};

pub const WHITE: Color = Color {
    r: 255,
    g: 255,
    b: 255,
    a: 255,
};
pub const BLACK: Color = Color {
    r: 0,
    g: 0,
    b: 0,
    a: 255,
};
pub const GREEN: Color = Color {
    r: 0x07,
    g: 0xc1,
    b: 0x60,
    a: 255,
};
pub const RED: Color = Color {
    r: 255,
    g: 0,
    b: 0,
    a: 255,
};
pub const BLUE: Color = Color {
    r: 0,
    g: 0,
    b: 255,
    a: 255,
};
pub const LIGHT: Color = Color {
    r: 255,
    g: 250,
    b: 200,
    a: 255,
};
pub const TRANSPARENT: Color = Color {
    r: 0,
    g: 0,
    b: 0,
    a: 0,
};

/// The GPU shared by all tests. No adapter at all is a failure — a render test that passes
/// without rendering proves nothing — unless `MINIAPP_ALLOW_NO_GPU=1` turns it into a skip
/// with the reason printed (`None`). Any other failure panics.
pub fn gpu() -> Option<&'static Gpu> {
    static GPU: OnceLock<Option<Gpu>> = OnceLock::new();
    GPU.get_or_init(|| match Gpu::new_headless() {
        Ok(gpu) => {
            eprintln!("render tests run on: {}", gpu.adapter_summary());
            Some(gpu)
        }
        Err(e @ Error::NoAdapter { .. }) => {
            if std::env::var("MINIAPP_ALLOW_NO_GPU").as_deref() == Ok("1") {
                eprintln!("SKIPPING render test (MINIAPP_ALLOW_NO_GPU=1): {e}");
                None
            } else {
                panic!(
                    "{e}: render tests need a GPU adapter (a GPU driver, or Mesa's lavapipe: \
                     `apt-get install mesa-vulkan-drivers`, which `cargo xtask test` installs); \
                     set MINIAPP_ALLOW_NO_GPU=1 to skip them instead"
                )
            }
        }
        Err(e) => panic!("cannot set up the gpu: {e}"),
    })
    .as_ref()
}

/// A renderer for offscreen RGBA output, or `None` when there is no adapter.
pub fn renderer() -> Option<(&'static Gpu, Renderer)> {
    let gpu = gpu()?;
    let renderer =
        Renderer::new(gpu, miniapp_render::wgpu::TextureFormat::Rgba8Unorm).expect("renderer");
    Some((gpu, renderer))
}

pub fn fonts() -> miniapp_render::glyphon::FontSystem {
    miniapp_view::new_font_system()
}

pub fn r(x: f32, y: f32, w: f32, h: f32) -> Rect {
    Rect { x, y, w, h }
}

pub fn rect(x: f32, y: f32, w: f32, h: f32, color: Color) -> DisplayItem {
    DisplayItem::Rect {
        rect: r(x, y, w, h),
        color,
        radius: 0.0,
        border_width: 0.0,
        border_color: TRANSPARENT,
    }
}

pub fn rounded(x: f32, y: f32, w: f32, h: f32, color: Color, radius: f32) -> DisplayItem {
    DisplayItem::Rect {
        rect: r(x, y, w, h),
        color,
        radius,
        border_width: 0.0,
        border_color: TRANSPARENT,
    }
}

#[allow(clippy::too_many_arguments)]
pub fn text(
    x: f32,
    y: f32,
    w: f32,
    h: f32,
    s: &str,
    size: f32,
    color: Color,
    align: TextAlign,
) -> DisplayItem {
    DisplayItem::Text {
        rect: r(x, y, w, h),
        text: s.to_owned(),
        font_size: size,
        line_height: size * 1.4,
        color,
        bold: false,
        align,
    }
}

pub fn list(width: f32, height: f32, items: Vec<DisplayItem>) -> DisplayList {
    DisplayList {
        width,
        height,
        items,
    }
}

/// Renders `list` on white at `scale`.
pub fn render(renderer: &mut Renderer, gpu: &Gpu, list: &DisplayList, scale: f32) -> RgbaImage {
    renderer
        .render_to_image(gpu, list, &mut fonts(), scale, WHITE)
        .expect("render")
}

/// Asserts a pixel's colour within `tol` per channel.
#[track_caller]
pub fn assert_px(img: &RgbaImage, x: u32, y: u32, want: Color, tol: u8) {
    let Rgba(got) = *img.get_pixel(x, y);
    let want = [want.r, want.g, want.b, want.a];
    let ok = got
        .iter()
        .zip(want.iter())
        .all(|(g, w)| g.abs_diff(*w) <= tol);
    assert!(ok, "pixel ({x},{y}) is {got:?}, expected {want:?} ±{tol}");
}

/// Pixels darker than mid grey inside the half-open box [x0,x1)x[y0,y1).
pub fn dark_pixels(img: &RgbaImage, x0: u32, y0: u32, x1: u32, y1: u32) -> usize {
    let mut n = 0;
    for y in y0..y1.min(img.height()) {
        for x in x0..x1.min(img.width()) {
            let p = img.get_pixel(x, y).0;
            if (u32::from(p[0]) + u32::from(p[1]) + u32::from(p[2])) / 3 < 128 {
                n += 1;
            }
        }
    }
    n
}

/// Dark pixels anywhere outside the box [x0,x1)x[y0,y1).
pub fn dark_pixels_outside(img: &RgbaImage, x0: u32, y0: u32, x1: u32, y1: u32) -> usize {
    dark_pixels(img, 0, 0, img.width(), img.height()) - dark_pixels(img, x0, y0, x1, y1)
}

/// Mean x of dark pixels (the horizontal centre of the ink).
pub fn ink_center_x(img: &RgbaImage) -> f64 {
    let (mut sum, mut n) = (0u64, 0u64);
    for (x, _, p) in img.enumerate_pixels() {
        if (u32::from(p.0[0]) + u32::from(p.0[1]) + u32::from(p.0[2])) / 3 < 128 {
            sum += u64::from(x);
            n += 1;
        }
    }
    assert!(n > 0, "no ink in the image");
    sum as f64 / n as f64
}

/// What a snapshot may differ by (per channel, 0..=255).
#[derive(Debug, Clone, Copy)]
pub struct Tolerance {
    /// mean absolute difference over all channels
    pub mean: f64,
    /// fraction of pixels that may differ at all
    pub differing_fraction: f64,
}

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Compares `img` with `tests/snapshots/<name>.png` within `tol`; writes the
/// new image to `tests/current/` and, on failure, a diff to
/// `tests/comparisons/`. `MINIAPP_SNAPSHOT_UPDATE=<name|all>` rewrites the
/// snapshot instead.
#[track_caller]
pub fn check_snapshot(name: &str, img: &RgbaImage, tol: Tolerance) {
    let tests = crate_dir().join("tests");
    let current = tests.join("current").join(format!("{name}.png"));
    miniapp_render::save_png(img, &current).expect("save current");
    let snapshot = tests.join("snapshots").join(format!("{name}.png"));
    let update = std::env::var("MINIAPP_SNAPSHOT_UPDATE").unwrap_or_default();
    if update == "all" || update.split(',').any(|u| u == name) {
        miniapp_render::save_png(img, &snapshot).expect("save snapshot");
        eprintln!("snapshot {name} updated: {}", snapshot.display());
        return;
    }
    let expected = match miniapp_render::image::open(&snapshot) {
        Ok(i) => i.to_rgba8(),
        Err(e) => panic!(
            "no snapshot {} ({e}); run with MINIAPP_SNAPSHOT_UPDATE={name} to create it from {}",
            snapshot.display(),
            current.display()
        ),
    };
    let diff =
        miniapp_render::compare(&expected, img).unwrap_or_else(|e| panic!("snapshot {name}: {e}"));
    let fraction = diff.differing_pixels as f64 / diff.pixels.max(1) as f64;
    if diff.mean > tol.mean || fraction > tol.differing_fraction {
        let comparison = tests.join("comparisons").join(format!("{name}.png"));
        let pic = miniapp_render::diff_image(&expected, img).expect("diff image");
        miniapp_render::save_png(&pic, &comparison).expect("save comparison");
        panic!(
            "snapshot {name} differs beyond tolerance {tol:?}: {diff}; see {} (new output {})",
            comparison.display(),
            current.display()
        );
    }
}
