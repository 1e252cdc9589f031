//! Apps written in C: `sample-apps/counter-c` built by `miniapp build` (make + clang for wasm32
//! against the C bindings miniapp generates), published, run headless and checked in text and
//! pixels; `miniapp new --lang c` outside this repository running its own script; and a C
//! compile error failing the build with clang's `file:line` message.
//!
//! Needs clang, lld, wasi-libc and make (`cargo xtask setup` installs them).

use miniapp_tests::*;

#[test]
fn counter_c_counts_taps_in_text_and_pixels() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let cloud = Cloud::start(home).expect("cloud starts");
    let bundle = home.join("counter-c.mapp");
    let r = build_app(home, &root().join("sample-apps/counter-c"), &bundle);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("logic.wasm"), "{}", r.stdout);
    assert!(!root().join("sample-apps/counter-c/logic/app.o").exists(), "object files stay out of the app folder");
    assert_eq!(cloud.publish(home, &bundle).code, 0);

    let (r, t) = run_headless(
        home,
        &format!("{}/apps/counter-c", cloud.url),
        "assert-text You tapped\nassert-data count 0\ntap #inc\ntap #inc\ntap text=+1\n\
         assert-data count 3\nassert-text 3\nassert-text times\nscreenshot counter-c.png\n",
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let t = t.unwrap();
    let steps = t["steps"].as_array().unwrap();
    assert!(steps.iter().all(|s| s["ok"] == true), "{t}");

    // Pixels: the button is drawn in the app's colour #07c160 where the script tapped it, and
    // the count is drawn in #333333 between the labels.
    let img = load_png(&home.join("counter-c.png"));
    assert_eq!(img.dimensions(), (375, 667));
    let tap = &steps[2]["target"];
    let (x, y, h) = (tap["x"].as_f64().unwrap(), tap["y"].as_f64().unwrap(), tap["h"].as_f64().unwrap());
    let px = img.get_pixel((x + 8.0) as u32, (y + h / 2.0) as u32).0;
    assert!(close(px, [0x07, 0xc1, 0x60, 255], 3), "button pixel is {px:?}, expected #07c160");
    let dark = count_colour(&img, [0x33, 0x33, 0x33], 8, 100);
    assert!(dark > 100, "the count (64 px, #333333) should be drawn: {dark} dark pixels");
}

/// `miniapp new NAME --lang c --template T` outside this repository, then its own `s.txt`
/// through `miniapp dev --headless`.
fn a_new_c_app_passes_its_script(template: &str, appid: &str) {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let work = tempfile::tempdir().unwrap();
    let app = work.path().join(appid);
    let r = run(miniapp(home).arg("new").arg(&app).args(["--lang", "c", "--template", template]).env("MINIAPP_SDK_DIR", home.join("sdk")));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains(&format!("{template} template in C")), "{}", r.stdout);
    assert!(app.join("logic/Makefile").is_file() && app.join("logic/src/app.c").is_file());
    assert!(!app.join("logic/Cargo.toml").exists());

    let r = run(miniapp(home).current_dir(&app).args(["dev", "--headless", "--script", "s.txt"]));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let left: Vec<_> = std::fs::read_dir(app.join("logic")).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(left.len(), 2, "nothing built lands in logic/: {left:?}");
}

#[test]
fn a_new_c_counter_builds_outside_the_repository_and_passes_its_script() {
    a_new_c_app_passes_its_script("counter", "hello-c");
}

#[test]
fn a_new_c_list_filters_as_you_type_and_opens_a_detail_page() {
    a_new_c_app_passes_its_script("list", "fruits-c");
}

#[test]
fn a_c_template_that_does_not_exist_is_named_with_the_ones_that_do() {
    let home = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let r = run(miniapp(home.path())
        .arg("new")
        .arg(work.path().join("tabs-c"))
        .args(["--lang", "c", "--template", "tabs"])
        .env("MINIAPP_SDK_DIR", home.path().join("sdk")));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("no `tabs` template in C: its templates are counter, list"), "{}", r.stderr);
    assert!(!work.path().join("tabs-c").exists(), "nothing is written");
}

#[test]
fn a_c_compile_error_fails_the_build_with_clangs_file_and_line() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let work = tempfile::tempdir().unwrap();
    let app = work.path().join("broken-c");
    let r = run(miniapp(home).arg("new").arg(&app).args(["--lang", "c"]).env("MINIAPP_SDK_DIR", home.join("sdk")));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let src = app.join("logic/src/app.c");
    let text = std::fs::read_to_string(&src).unwrap();
    // Line 1 is a comment: break line 2.
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(1, "int broken(void) { return undeclared_thing; }");
    std::fs::write(&src, lines.join("\n")).unwrap();

    let r = build_app(home, &app, &home.join("broken.mapp"));
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("building the C logic of"), "{}", r.stderr);
    assert!(r.stderr.contains("src/app.c:2:"), "clang's file:line is shown:\n{}", r.stderr);
    assert!(r.stderr.contains("undeclared_thing"), "{}", r.stderr);
    assert!(!home.join("broken.mapp").exists(), "no bundle is written");
}

#[test]
fn a_c_app_that_calls_printf_is_refused_naming_the_wasi_import() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let work = tempfile::tempdir().unwrap();
    let app = work.path().join("chatty-c");
    let r = run(miniapp(home).arg("new").arg(&app).args(["--lang", "c"]).env("MINIAPP_SDK_DIR", home.join("sdk")));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let src = app.join("logic/src/app.c");
    let text = std::fs::read_to_string(&src).unwrap().replace(
        "void exports_miniapp_host_lifecycle_on_show(void) {}",
        "#include <stdio.h>\nvoid exports_miniapp_host_lifecycle_on_show(void) { printf(\"shown\\n\"); }",
    );
    std::fs::write(&src, text).unwrap();
    let r = build_app(home, &app, &home.join("chatty.mapp"));
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("imports wasi_snapshot_preview1::"), "the WASI import is named:\n{}", r.stderr);
}
