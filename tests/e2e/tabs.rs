//! The tab bar through the real binary: tab pages stay alive while the app switches tabs (a
//! count on the first tab survives a round trip), through the tab bar, `switch-tab` from the
//! logic and a `navigator open-type="switchTab"`; a non-tab page above is unloaded; the bar is
//! drawn at the bottom with the selected item's icon.

use miniapp_tests::*;

#[test]
fn switching_tabs_keeps_the_first_tabs_data() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let cloud = Cloud::start(home).expect("cloud starts");
    let url = publish_sample(home, &cloud, "tabs-demo");

    let script = "assert-text Home tab\ntap #inc\nassert-data count 1\n\
                  tap text=List\nassert-text List tab\nassert-data count 0\ntap #inc\ntap #inc\n\
                  tap text=Home\nassert-text Home tab\nassert-data count 1\n\
                  tap #to-list\nassert-text List tab\nassert-data count 2\n\
                  tap #to-home\nassert-data count 1\n\
                  tap #open-detail\nassert-text Detail page\n\
                  tap #to-list\nassert-text List tab\nassert-data count 2\nscreenshot tabs.png\n";
    let (r, t) = run_headless(home, &url, script);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let t = t.unwrap();
    assert!(t["steps"].as_array().unwrap().iter().all(|s| s["ok"] == true), "{t}");

    // Each tab page loaded once (kept alive, never reloaded); the detail page was unloaded by
    // the switch.
    let count = |line: &str| r.stdout.lines().filter(|l| l.ends_with(&format!("info: {line}"))).count();
    assert_eq!(count("loaded pages/home/home"), 1, "{}", r.stdout);
    assert_eq!(count("loaded pages/list/list"), 1, "{}", r.stdout);
    assert_eq!(count("unloaded pages/detail/detail"), 1, "{}", r.stdout);
    assert_eq!(count("unloaded pages/home/home"), 0, "{}", r.stdout);

    // The tab bar is at the bottom (the `tap text=List` target), and the selected item shows its
    // green icon.
    let steps = t["steps"].as_array().unwrap();
    let tab = &steps.iter().find(|s| s["step"] == "tap text=List").unwrap()["target"];
    assert_eq!((tab["y"].as_f64().unwrap(), tab["h"].as_f64().unwrap()), (617.0, 50.0), "{tab}");
    let img = load_png(&home.join("tabs.png"));
    assert_eq!(img.dimensions(), (375, 667));
    let green = (622..646)
        .flat_map(|y| (263..293).map(move |x| (x, y)))
        .filter(|&(x, y)| close(img.get_pixel(x, y).0, [0x07, 0xc1, 0x60, 255], 40))
        .count();
    assert!(green > 10, "the selected List icon is not drawn in green ({green} pixels)");
}

#[test]
fn a_switch_tab_to_a_page_that_is_not_a_tab_is_refused() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let cloud = Cloud::start(home).expect("cloud starts");
    let app = home.join("app");
    let original = home.join("original.mapp");
    let r = build_app(home, &root().join("sample-apps/tabs-demo"), &original);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let bundle = home.join("tabs-demo.mapp");
    // The copy keeps everything but the logic crate (its SDK path is relative to this
    // checkout); the built logic comes along as logic.wasm.
    copy_dir(&root().join("sample-apps/tabs-demo"), &app);
    std::fs::remove_dir_all(app.join("logic")).unwrap();
    // A navigator that asks to switch to the detail page, which is not in the tab bar.
    let xml = std::fs::read_to_string(app.join("pages/home/home.xml")).unwrap();
    let bad = r#"<navigator id="bad" open-type="switchTab" url="/pages/detail/detail">bad</navigator>"#;
    std::fs::write(app.join("pages/home/home.xml"), xml.replace("</view>", &format!("{bad}\n</view>"))).unwrap();
    build_with_logic_of(home, &original, &app, &bundle);
    assert_eq!(cloud.publish(home, &bundle).code, 0);
    let (r, _) = run_headless(home, &format!("{}/apps/tabs-demo", cloud.url), "tap #bad\nassert-text Home tab\n");
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("switch-tab to `pages/detail/detail`, which is not a tab page"), "{}", r.stdout);
}

/// Copies a folder tree (without `target/`).
fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let name = entry.file_name();
        if name == "target" {
            continue;
        }
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &to.join(&name));
        } else {
            std::fs::copy(entry.path(), to.join(&name)).unwrap();
        }
    }
}

#[test]
fn page_show_and_hide_follow_tab_switches_and_launch_options_come_first() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let cloud = Cloud::start(home).expect("cloud starts");
    let url = format!("{}?scene=shelf-3", publish_sample(home, &cloud, "tabs-demo"));
    let (r, _) = run_headless(home, &url, "tap text=List\nassert-text List tab\ntap text=Home\nassert-text Home tab\n");
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let events: Vec<&str> = r
        .stdout
        .lines()
        .filter_map(|l| l.split_once("info: ").map(|(_, m)| m))
        .filter(|m| ["launched", "loaded", "shown", "hidden", "unloaded"].iter().any(|k| m.starts_with(k)))
        .collect();
    assert_eq!(
        events,
        vec![
            "launched at pages/home/home scene 1011 query \"scene=shelf-3\"",
            "loaded pages/home/home",
            "shown pages/home/home",
            "hidden pages/home/home",
            "loaded pages/list/list",
            "shown pages/list/list",
            "hidden pages/list/list",
            "shown pages/home/home",
        ],
        "{}",
        r.stdout
    );
}

/// The order the established platforms use, read from the app's own log: launch (app on-launch →
/// on-show → page load → show → ready), navigate (A hide → B load → show → ready), back (B
/// unload → A show), home (page hide → app on-hide) and back again (app on-show → page show).
#[test]
fn lifecycle_calls_come_in_the_platform_order() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let cloud = Cloud::start(home).expect("cloud starts");
    let url = publish_sample(home, &cloud, "tabs-demo");
    let (r, _) = run_headless(
        home,
        &url,
        "tap #open-detail\nassert-text Detail page\nback\nassert-text Home tab\nhome\nswitch tabs-demo\nassert-text Home tab\n",
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let events: Vec<&str> = r
        .stdout
        .lines()
        .filter_map(|l| l.split_once("info: ").map(|(_, m)| m))
        .filter(|m| ["app ", "launched", "loaded", "shown", "hidden", "unloaded", "ready"].iter().any(|k| m.starts_with(k)))
        .collect();
    assert_eq!(
        events,
        vec![
            "launched at pages/home/home scene 1001 query \"\"",
            "app launched",
            "app shown",
            "loaded pages/home/home",
            "shown pages/home/home",
            "ready pages/home/home",
            "hidden pages/home/home",
            "loaded pages/detail/detail",
            "shown pages/detail/detail",
            "ready pages/detail/detail",
            "unloaded pages/detail/detail",
            "shown pages/home/home",
            "hidden pages/home/home",
            "app hidden",
            "app shown",
            "shown pages/home/home",
        ],
        "{}",
        r.stdout
    );
}
