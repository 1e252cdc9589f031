//! Golden files: every `ui/invalid/<case>.xml` (template) or `<case>.css` (stylesheet) must
//! fail with exactly the message in `<case>.err`; every `ui/warn/<case>.css` must parse with
//! exactly the warnings in `<case>.warn` (a stylesheet never fails on what it does not
//! support); every `ui/valid/<case>.xml` (with an
//! optional `<case>.css` and `<case>.json` of page data) must render to the summary in
//! `<case>.out`. `<import>`/`<include>` read files under `ui/<kind>/` (the bundle root; the
//! case itself is `<case>.xml` there, so `files/x.xml` is `ui/<kind>/files/x.xml`).
//! `BLESS=1` rewrites the expectations.

#![allow(clippy::print_stdout, clippy::print_stderr)] // a harness-less test reports on the console

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use miniapp_view::{
    new_font_system, parse_stylesheet, DisplayItem, Page, Template, Viewport, DEFAULT_MAX_DEPTH,
};

fn cases(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == ext))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn check(path: &Path, expected_ext: &str, actual: &str, bless: bool, failures: &mut Vec<String>) {
    let exp_path = path.with_extension(expected_ext);
    let actual = format!("{}\n", actual.trim_end());
    if bless {
        fs::write(&exp_path, &actual).expect("write expectation");
        return;
    }
    match fs::read_to_string(&exp_path) {
        Ok(expected) if expected == actual => {}
        Ok(expected) => failures.push(format!(
            "{}:\n--- expected\n{}--- actual\n{}",
            path.display(),
            expected,
            actual
        )),
        Err(_) => failures.push(format!(
            "{}: missing {} (run with BLESS=1)\n{actual}",
            path.display(),
            exp_path.display()
        )),
    }
}

fn summary(page: &Page, list: &miniapp_view::DisplayList) -> String {
    let mut out = format!("size {}x{}\n", list.width, list.height);
    for item in &list.items {
        let line = match item {
            DisplayItem::Rect {
                rect,
                color,
                radius,
                border_width,
                ..
            } => format!(
                "rect {} {} {} {} #{:02x}{:02x}{:02x}{:02x} r={} b={}",
                rect.x,
                rect.y,
                rect.w,
                rect.h,
                color.r,
                color.g,
                color.b,
                color.a,
                radius,
                border_width
            ),
            DisplayItem::Text {
                rect,
                text,
                font_size,
                bold,
                ..
            } => {
                format!(
                    "text {} {} {:?} size={} bold={}",
                    rect.x, rect.y, text, font_size, bold
                )
            }
            DisplayItem::Image { rect, src, .. } => {
                format!("image {} {} {} {} {}", rect.x, rect.y, rect.w, rect.h, src)
            }
            DisplayItem::PushClip { rect, .. } => {
                format!("clip {} {} {} {}", rect.x, rect.y, rect.w, rect.h)
            }
            DisplayItem::PopClip => "pop".to_string(),
            DisplayItem::PushLayer { opacity, transform } if *transform == miniapp_view::IDENTITY => {
                format!("layer opacity={opacity}")
            }
            DisplayItem::PopLayer => "pop layer".to_string(),
            other => format!("{other:?}"),
        };
        out.push_str(&line);
        out.push('\n');
    }
    for w in page.warnings() {
        out.push_str(&format!("warning {w}\n"));
    }
    out
}

/// The bundle of a case folder: its files by path from the folder.
fn bundle(dir: &Path) -> impl Fn(&str) -> Option<String> + Sync {
    let dir = dir.to_path_buf();
    move |path: &str| fs::read_to_string(dir.join(path)).ok()
}

fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui");
    let bless = std::env::var_os("BLESS").is_some();
    let mut failures = Vec::new();
    let mut count = 0;
    for path in cases(&root.join("invalid"), "xml") {
        count += 1;
        let name = format!(
            "{}.xml",
            path.file_stem().unwrap_or_default().to_string_lossy()
        );
        let src = fs::read_to_string(&path).expect("read case");
        let files = bundle(&root.join("invalid"));
        match Template::parse_with(&src, &name, DEFAULT_MAX_DEPTH, &files) {
            Ok(_) => failures.push(format!("{}: parsed, but should fail", path.display())),
            Err(e) => check(&path, "err", &e.to_string(), bless, &mut failures),
        }
    }
    for path in cases(&root.join("invalid"), "css") {
        count += 1;
        let name = format!(
            "{}.css",
            path.file_stem().unwrap_or_default().to_string_lossy()
        );
        let src = fs::read_to_string(&path).expect("read case");
        match parse_stylesheet(&src, &name) {
            Ok(_) => failures.push(format!("{}: parsed, but should fail", path.display())),
            Err(e) => check(&path, "err", &e.to_string(), bless, &mut failures),
        }
    }
    for path in cases(&root.join("warn"), "css") {
        count += 1;
        let name = format!(
            "{}.css",
            path.file_stem().unwrap_or_default().to_string_lossy()
        );
        let src = fs::read_to_string(&path).expect("read case");
        // `page-*.css` cases are a page's sheet; the others a component's.
        let as_page = name.starts_with("page-");
        let parsed = parse_stylesheet(&src, &name).map(|(sheet, mut warnings)| {
            if as_page {
                warnings.extend_from_slice(sheet.page_sheet_warnings());
            }
            (sheet, warnings)
        });
        match parsed {
            Ok((_, warnings)) if warnings.is_empty() => {
                failures.push(format!("{}: no warnings, but should warn", path.display()))
            }
            Ok((_, warnings)) => {
                let text: Vec<String> = warnings.iter().map(ToString::to_string).collect();
                check(&path, "warn", &text.join("\n"), bless, &mut failures)
            }
            Err(e) => failures.push(format!("{}: fails, but should only warn: {e}", path.display())),
        }
    }
    let mut fonts = new_font_system();
    for path in cases(&root.join("valid"), "xml") {
        count += 1;
        let src = fs::read_to_string(&path).expect("read case");
        let css = fs::read_to_string(path.with_extension("css")).unwrap_or_default();
        let data = fs::read_to_string(path.with_extension("json")).ok();
        let vp = Viewport {
            width: 375.0,
            height: 200.0,
        };
        let name = format!(
            "{}.xml",
            path.file_stem().unwrap_or_default().to_string_lossy()
        );
        let files = bundle(&root.join("valid"));
        let result = Page::with_files(&src, &name, &[("case.css", &css)], vp, &files).and_then(
            |mut page| {
                if let Some(d) = &data {
                    let v: serde_json::Value = serde_json::from_str(d).expect("case json");
                    page.set_data(&v)?;
                }
                let list = page.render(&mut fonts)?;
                Ok(summary(&page, &list))
            },
        );
        match result {
            Ok(s) => check(&path, "out", &s, bless, &mut failures),
            Err(e) => failures.push(format!("{}: {e}", path.display())),
        }
    }
    if failures.is_empty() {
        println!("ui: {count} cases ok");
        ExitCode::SUCCESS
    } else {
        for f in &failures {
            eprintln!("{f}");
        }
        eprintln!("ui: {} of {count} cases failed", failures.len());
        ExitCode::FAILURE
    }
}
