//! Apps run on the cloud's base library, not on copies inside the host: a cloud without one
//! refuses to start apps with a clear message; the built-in components are styled by the
//! fetched `styles/components.css` (a base library whose `button` is magenta gives magenta
//! buttons), and CJK text is drawn with the fetched fonts (without the base library's CJK font
//! the same text is drawn differently).

use miniapp_tests::*;
use std::path::{Path, PathBuf};

/// The counter with a plain (unstyled) button and a line of CJK text, same logic component.
fn counter_with_cjk(home: &Path) -> PathBuf {
    let v1 = counter_bundle(home);
    let app = home.join("counter-cjk");
    copy_app_files(&root().join("sample-apps/counter"), &app);
    let xml = std::fs::read_to_string(app.join("pages/index/index.xml")).unwrap().replace(
        "</view>",
        r#"<button id="plain">OK</button><text id="cjk" style="font-size: 40px; color: #000000;">你好世界</text></view>"#,
    );
    std::fs::write(app.join("pages/index/index.xml"), xml).unwrap();
    let out = home.join("counter-cjk.mapp");
    build_with_logic_of(home, &v1, &app, &out);
    out
}

/// A copy of the repository's base library with another version, changed by `edit`.
fn base_library(home: &Path, name: &str, version: &str, edit: impl Fn(&Path)) -> PathBuf {
    let dir = home.join(name);
    copy_base_library(&root().join("base-library"), &dir);
    let json = std::fs::read_to_string(dir.join("base.json")).unwrap().replace("\"1.0.0\"", &format!("\"{version}\""));
    std::fs::write(dir.join("base.json"), json).unwrap();
    edit(&dir);
    dir
}

fn rect(step: &serde_json::Value) -> (u32, u32, u32, u32) {
    let t = &step["target"];
    let f = |k: &str| t[k].as_f64().unwrap_or_else(|| panic!("no {k} in {step}")) as u32;
    (f("x"), f("y"), f("w"), f("h"))
}

const SCRIPT: &str = "screenshot shot.png\ntap #plain\ntap #cjk\n";

#[test]
fn apps_are_styled_and_drawn_with_the_fetched_base_library() {
    let tmp = tempfile::tempdir().unwrap();
    let home_a = tmp.path().join("a");
    let home_b = tmp.path().join("b");
    std::fs::create_dir_all(&home_a).unwrap();
    std::fs::create_dir_all(&home_b).unwrap();
    let cloud = Cloud::start_bare(&home_a).expect("cloud starts");
    let p = cloud.publish(&home_a, &counter_with_cjk(&home_a));
    assert_eq!(p.code, 0, "{}", p.stderr);
    let url = format!("{}/apps/counter", cloud.url);

    // No base library on the cloud: the app does not start, and the message says why.
    let (r, _) = run_headless(&home_a, &url, "");
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("has no base library") && r.stderr.contains("miniapp publish-base"), "{}", r.stderr);

    // Base library 1.0.0: magenta buttons, and no CJK font.
    let magenta = base_library(&home_a, "base-magenta", "1.0.0", |dir| {
        let css = std::fs::read_to_string(dir.join("styles/components.css")).unwrap();
        assert!(css.contains("background-color: #f2f2f2"), "the test expects the default button colour in {css}");
        std::fs::write(dir.join("styles/components.css"), css.replace("background-color: #f2f2f2", "background-color: #ff00ff")).unwrap();
        std::fs::remove_file(dir.join("fonts/wqy-microhei.ttc")).unwrap();
        std::fs::remove_file(dir.join("fonts/LICENSE-wqy-microhei.txt")).unwrap();
    });
    let b = cloud.publish_base(&home_a, &magenta);
    assert_eq!(b.code, 0, "{}", b.stderr);
    let (r, t) = run_headless(&home_a, &url, SCRIPT);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("on base library 1.0.0"), "{}", r.stderr);
    let t = t.unwrap();
    assert_eq!(t["launch"]["base"], "1.0.0");
    let shot_a = load_png(&home_a.join("shot.png"));
    let (x, y, _, h) = rect(&t["steps"][1]);
    let px = shot_a.get_pixel(x + 4, y + h / 2).0;
    assert!(close(px, [0xff, 0x00, 0xff, 255], 3), "plain button pixel is {px:?}, expected the base library's #ff00ff");
    let cjk = rect(&t["steps"][2]);

    // Base library 1.0.1, the repository's: default buttons and the CJK font. A host with an
    // empty cache fetches the newest; the host that has 1.0.0 cached keeps it (the app asks for
    // no minimum).
    let full = base_library(&home_a, "base-full", "1.0.1", |_| {});
    let b = cloud.publish_base(&home_a, &full);
    assert_eq!(b.code, 0, "{}", b.stderr);
    let (r, t) = run_headless(&home_b, &url, SCRIPT);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t = t.unwrap();
    assert_eq!(t["launch"]["base"], "1.0.1");
    let shot_b = load_png(&home_b.join("shot.png"));
    let (cx, cy, cw, ch) = rect(&t["steps"][2]);
    let (x, y, _, h) = rect(&t["steps"][1]);
    let px = shot_b.get_pixel(x + 4, y + h / 2).0;
    assert!(close(px, [0xf2, 0xf2, 0xf2, 255], 3), "plain button pixel is {px:?}, expected #f2f2f2");
    let (_, t) = run_headless(&home_a, &url, "");
    assert_eq!(t.unwrap()["launch"]["base"], "1.0.0");

    // CJK text: ink with the base library's CJK font, and drawn otherwise without it.
    let ink = |img: &image::RgbaImage| (cy..cy + ch).flat_map(|y| (cx..cx + cw).map(move |x| (x, y))).filter(|&(x, y)| img.get_pixel(x, y).0[0] < 100).count();
    let differ = (cy..cy + ch.max(cjk.3))
        .flat_map(|y| (cx.min(cjk.0)..cx.max(cjk.0) + cw.max(cjk.2)).map(move |x| (x, y)))
        .filter(|&(x, y)| !close(shot_a.get_pixel(x, y).0, shot_b.get_pixel(x, y).0, 16))
        .count();
    assert!(ink(&shot_b) > 200, "the CJK line has {} dark pixels with the base library's font", ink(&shot_b));
    assert!(differ > 200, "the CJK line looks the same with and without the CJK font ({differ} pixels differ)");
}
