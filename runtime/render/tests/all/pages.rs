//! Reference pages: each `tests/pages/<name>/` holds a template (`page.xml`), its styles
//! (`page.css`), optionally `setup.json` (`{"data": {...}, "scroll_y": 120}`) and the
//! hand-written HTML equivalent (`page.html`, for `scripts/compare-browser.sh`). Each is laid
//! out by `miniapp_view::Page` at 375×300, drawn by `Renderer::render_to_image` at scale 1 and
//! compared with `tests/snapshots/pages/<name>.png` within its tolerance. Images under
//! `tests/pages/assets/` are registered as `/assets/<file>`. A page with `page.json` uses the
//! custom components its `usingComponents` names, read from the page's own folder.

use std::path::{Path, PathBuf};

use miniapp_render::{Gpu, Renderer};
use miniapp_view::{Page, Viewport};

use crate::common::*;

/// The viewport every reference page is laid out in (logical px, drawn at scale 1).
pub const PAGE_VIEWPORT: Viewport = Viewport {
    width: 375.0,
    height: 300.0,
};

pub fn pages_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/pages")
}

/// Every reference page, by name (sorted).
pub fn page_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(pages_dir())
        .expect("tests/pages")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("page.xml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Registers the shared assets with `renderer` under `/assets/<file>`.
pub fn register_assets(renderer: &mut Renderer) {
    let dir = pages_dir().join("assets");
    for e in std::fs::read_dir(dir).expect("tests/pages/assets").flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let bytes = std::fs::read(e.path()).expect("asset");
        renderer
            .set_image_encoded(&format!("/assets/{name}"), &bytes)
            .expect("asset decodes");
    }
}

/// Lays out and renders the page in `dir`.
pub fn render_page(renderer: &mut Renderer, gpu: &Gpu, dir: &Path) -> miniapp_render::image::RgbaImage {
    let xml = std::fs::read_to_string(dir.join("page.xml")).expect("page.xml");
    let css = std::fs::read_to_string(dir.join("page.css")).unwrap_or_default();
    let mut page = match std::fs::read_to_string(dir.join("page.json")) {
        // A page with custom components: `page.json`'s `usingComponents`, read from the page's folder.
        Ok(json) => {
            let json: serde_json::Value = serde_json::from_str(&json).expect("page.json");
            let read = |p: &str| std::fs::read_to_string(dir.join(p.trim_start_matches('/'))).ok();
            let set = miniapp_view::ComponentSet::load(&serde_json::json!({}), &json["usingComponents"], "page", &read)
                .unwrap_or_else(|e| panic!("page {}: {e}", dir.display()));
            let t = miniapp_view::Template::parse_with_components(&xml, "page.xml", miniapp_view::DEFAULT_MAX_DEPTH, Some(&read), &set)
                .unwrap_or_else(|e| panic!("page {}: {e}", dir.display()));
            Page::with_custom_components(
                t,
                miniapp_view::default_component_styles(),
                &[("page.css", &css)],
                PAGE_VIEWPORT,
                miniapp_view::Limits::default(),
                set,
            )
            .unwrap_or_else(|e| panic!("page {}: {e}", dir.display()))
        }
        Err(_) => Page::new(&xml, "page.xml", &[("page.css", &css)], PAGE_VIEWPORT)
            .unwrap_or_else(|e| panic!("page {}: {e}", dir.display())),
    };
    // The page learns each registered image's size, as the shell tells it (`image mode`).
    for e in std::fs::read_dir(pages_dir().join("assets")).expect("tests/pages/assets").flatten() {
        let key = format!("/assets/{}", e.file_name().to_string_lossy());
        if let Some((width, height)) = renderer.image_size(&key) {
            page.set_image(&key, miniapp_view::ImageInfo::Loaded { width, height });
        }
    }
    let mut fonts = fonts();
    let mut scroll = 0.0;
    if let Ok(setup) = std::fs::read_to_string(dir.join("setup.json")) {
        let setup: serde_json::Value = serde_json::from_str(&setup).expect("setup.json");
        if let Some(data) = setup.get("data") {
            page.set_data(data).expect("setup data");
        }
        scroll = setup.get("scroll_y").and_then(|v| v.as_f64()).unwrap_or(0.0) as f32;
    }
    page.render(&mut fonts).expect("render");
    if scroll != 0.0 {
        page.scroll_by(scroll);
    }
    let list = page.render(&mut fonts).expect("render");
    renderer
        .render_to_image(gpu, &list, &mut fonts, 1.0, WHITE)
        .expect("render to image")
}

/// What each page may differ by: text-heavy pages allow for anti-aliasing differences
/// between drivers; shape-only pages are held tighter.
fn tolerance(name: &str) -> Tolerance {
    let shapes_only = matches!(
        name,
        "radius-corners" | "gradient-angles" | "background-url" | "flex-layout"
    );
    if shapes_only {
        Tolerance {
            mean: 0.1,
            differing_fraction: 0.01,
        }
    } else {
        Tolerance {
            mean: 0.5,
            differing_fraction: 0.05,
        }
    }
}

#[test]
fn reference_pages_match_their_snapshots() {
    let Some((gpu, mut renderer)) = renderer() else {
        return;
    };
    register_assets(&mut renderer);
    let names = page_names();
    assert!(names.len() >= 30, "{} reference pages", names.len());
    let mut failures = Vec::new();
    for name in &names {
        let img = render_page(&mut renderer, gpu, &pages_dir().join(name));
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            check_snapshot(&format!("pages/{name}"), &img, tolerance(name))
        }));
        if let Err(e) = result {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            failures.push(format!("page {name}: {msg}"));
        }
    }
    assert!(failures.is_empty(), "{} page(s) differ:\n{}", failures.len(), failures.join("\n"));
}

/// How alike two images are: 1 − the mean absolute difference of R, G and B (0..=1) over
/// the area both cover.
pub fn similarity(a: &miniapp_render::image::RgbaImage, b: &miniapp_render::image::RgbaImage) -> f64 {
    let (w, h) = (a.width().min(b.width()), a.height().min(b.height()));
    let mut sum = 0u64;
    for y in 0..h {
        for x in 0..w {
            let (p, q) = (a.get_pixel(x, y).0, b.get_pixel(x, y).0);
            sum += (0..3).map(|k| u64::from(p[k].abs_diff(q[k]))).sum::<u64>();
        }
    }
    let n = u64::from(w) * u64::from(h) * 3;
    if n == 0 {
        return 0.0;
    }
    1.0 - sum as f64 / (n as f64 * 255.0)
}

/// The recorded browser similarity of each page: `name score` per line, `#` comments.
fn recorded_scores(text: &str) -> Vec<(String, f64)> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .filter_map(|l| {
            let mut it = l.split_whitespace();
            Some((it.next()?.to_owned(), it.next()?.parse().ok()?))
        })
        .collect()
}

/// How far below its recorded score a page may drift before the comparison fails.
const SCORE_SLACK: f64 = 0.002;

/// Compares each page's miniapp rendering with Chromium's screenshot of its `page.html`
/// (made by `scripts/compare-browser.sh` in `tests/current/browser/`), prints the scores, and
/// fails when a page scores below `tests/pages/browser-scores.txt` minus [`SCORE_SLACK`].
/// `MINIAPP_BROWSER_SCORES_UPDATE=1` rewrites the scores file (keeping its comments).
#[test]
#[ignore = "needs Chromium's screenshots: run scripts/compare-browser.sh"]
fn browser_scores() {
    let Some((gpu, mut renderer)) = renderer() else {
        return;
    };
    register_assets(&mut renderer);
    let shots = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/current/browser");
    let scores_path = pages_dir().join("browser-scores.txt");
    let text = std::fs::read_to_string(&scores_path).unwrap_or_default();
    let recorded = recorded_scores(&text);
    let update = std::env::var("MINIAPP_BROWSER_SCORES_UPDATE").as_deref() == Ok("1");
    let mut lines = Vec::new();
    let mut failures = Vec::new();
    for name in page_names() {
        let shot = shots.join(format!("{name}.png"));
        let Ok(browser) = miniapp_render::image::open(&shot) else {
            failures.push(format!("page {name}: no browser screenshot {}", shot.display()));
            continue;
        };
        let ours = render_page(&mut renderer, gpu, &pages_dir().join(&name));
        let score = similarity(&ours, &browser.to_rgba8());
        let want = recorded.iter().find(|(n, _)| *n == name).map(|(_, s)| *s);
        eprintln!("{name:<28} {score:.4}  (recorded {})", want.map_or("-".into(), |w| format!("{w:.4}")));
        if let Some(w) = want {
            if score < w - SCORE_SLACK && !update {
                failures.push(format!("page {name}: browser similarity {score:.4} is below its recorded {w:.4}"));
            }
        }
        lines.push(format!("{name} {score:.4}"));
    }
    if update {
        let comments: String = text.lines().filter(|l| l.starts_with('#')).map(|l| format!("{l}\n")).collect();
        std::fs::write(&scores_path, format!("{comments}{}\n", lines.join("\n"))).expect("write scores");
        eprintln!("scores written to {}", scores_path.display());
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
