//! `miniapp new` through the real binary, in a folder outside this repository: the scaffold
//! builds with the SDK the binary carries (not a path into this checkout), packs only what
//! belongs in a bundle, publishes and runs its own script.

use miniapp_tests::*;

fn scaffold_builds_and_runs(template: &str, appid: &str) {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let work = tempfile::tempdir().unwrap();
    let app = work.path().join(appid);
    let r = run(miniapp(home).arg("new").arg(&app).args(["--template", template]).env("MINIAPP_SDK_DIR", home.join("sdk")));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains(&format!("app id `{appid}`")), "{}", r.stdout);
    let cargo = std::fs::read_to_string(app.join("logic/Cargo.toml")).unwrap();
    assert!(!cargo.contains(root().to_str().unwrap()), "the scaffold must not point into this checkout:\n{cargo}");
    assert!(cargo.contains(home.join("sdk").to_str().unwrap()), "{cargo}");
    // Things beside the app that are not part of it stay out of the bundle.
    std::fs::create_dir_all(app.join("backend")).unwrap();
    std::fs::write(app.join("backend/db.json"), "{}").unwrap();
    std::fs::create_dir_all(app.join("notes")).unwrap();
    std::fs::write(app.join("notes/todo.txt"), "x").unwrap();

    let bundle = home.join(format!("{appid}.mapp"));
    let r = run(miniapp(home).current_dir(&app).args(["build", ".", "-o"]).arg(&bundle));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("pages/index/index.xml"), "build lists what it packed:\n{}", r.stdout);
    assert!(!r.stdout.contains("db.json") && !r.stdout.contains("todo.txt") && !r.stdout.contains("s.txt"), "{}", r.stdout);
    assert!(!app.join("logic/target").exists(), "guest build output stays out of the app folder");

    let cloud = Cloud::start(home).expect("cloud starts");
    assert_eq!(cloud.publish(home, &bundle).code, 0);
    let script = std::fs::read_to_string(app.join("s.txt")).unwrap().replace("screenshot counter.png", "");
    let (r, _) = run_headless(home, &format!("{}/apps/{appid}", cloud.url), &script);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
}

#[test]
fn a_new_counter_app_builds_outside_the_repository_and_passes_its_script() {
    scaffold_builds_and_runs("counter", "hello");
}

#[test]
fn a_new_list_app_scrolls_filters_as_you_type_and_opens_a_detail_page() {
    scaffold_builds_and_runs("list", "fruits");
}

/// Scaffolds `template` outside the repository and runs its own `s.txt` with
/// `miniapp dev --headless --script s.txt` from the app folder, as its README-less user would.
fn scaffold_runs_its_script_in_dev(template: &str, appid: &str, screenshot: &str) -> image::RgbaImage {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let work = tempfile::tempdir().unwrap();
    let app = work.path().join(appid);
    let r = run(miniapp(home).arg("new").arg(&app).args(["--template", template]).env("MINIAPP_SDK_DIR", home.join("sdk")));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains(&format!("{template} template in Rust")), "{}", r.stdout);
    let r = run(miniapp(home).current_dir(&app).args(["dev", "--headless", "--script", "s.txt"]));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    // `miniapp dev` draws at the device's pixel ratio (2 for the default iPhone SE).
    let shot = load_png(&app.join(screenshot));
    assert_eq!(shot.dimensions(), (750, 1334), "the script's screenshot");
    assert!(!app.join("logic/target").exists(), "guest build output stays out of the app folder");
    shot
}

#[test]
fn a_new_tabs_app_switches_tabs_badges_a_tab_and_keeps_each_pages_data() {
    let shot = scaffold_runs_its_script_in_dev("tabs", "my-tabs", "tabs.png");
    // The tab bar (the bottom 56 logical px, 112 physical) shows the selected tab in green: its
    // label, and its icon from the PNGs the template ships in assets/.
    let green = count_colour(&shot, [0x07, 0xc1, 0x60], 24, 1334 - 112);
    assert!(green > 100, "the selected icon should be green: {green} green pixels in the tab bar");
}

#[test]
fn a_new_form_app_validates_picks_switches_and_confirms_in_a_modal() {
    scaffold_runs_its_script_in_dev("form", "sign-up", "form.png");
}

#[test]
fn new_refuses_a_folder_that_is_not_empty() {
    let home = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    std::fs::write(work.path().join("x"), "").unwrap();
    let r = run(miniapp(home.path()).arg("new").arg(work.path()).env("MINIAPP_SDK_DIR", home.path().join("sdk")));
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("already exists and is not empty"), "{}", r.stderr);
}
