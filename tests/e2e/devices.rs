//! Device presets through the real binary: `--device` sets the screen size and the screenshot's
//! pixel ratio, `--scale` overrides it, and an unknown device fails naming the presets.

use miniapp_tests::*;

#[test]
fn iphone_15_screenshots_are_1179_by_2556_and_scale_overrides() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let cloud = Cloud::start(home).expect("cloud starts");
    let bundle = counter_bundle(home);
    assert_eq!(cloud.publish(home, &bundle).code, 0);
    let url = format!("{}/apps/counter", cloud.url);
    let shot = |args: &[&str], name: &str| {
        let out = home.join(name);
        let r = run(miniapp(home).args(["run", &url, "--headless", "--screenshot"]).arg(&out).args(args));
        assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
        load_png(&out)
    };
    assert_eq!(shot(&["--device", "iPhone 15"], "15.png").dimensions(), (1179, 2556));
    assert_eq!(shot(&[], "se.png").dimensions(), (750, 1334), "iPhone SE at 2x by default");
    assert_eq!(shot(&["--device", "ipad", "--scale", "1"], "ipad.png").dimensions(), (768, 1024));
    // The page lays out at the device's width: the centred +1 button sits mid-screen on Android.
    let script = home.join("tap.script");
    std::fs::write(&script, "tap #inc\nassert-text 1\n").unwrap();
    let trace = home.join("trace.json");
    let r = run(miniapp(home).args(["run", &url, "--headless", "--device", "Android", "--script"]).arg(&script).arg("--trace").arg(&trace));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t: serde_json::Value = serde_json::from_slice(&std::fs::read(&trace).unwrap()).unwrap();
    let target = &t["steps"][0]["target"];
    let centre = target["x"].as_f64().unwrap() + target["w"].as_f64().unwrap() / 2.0;
    assert!((centre - 180.0).abs() < 1.0, "the button is centred at {centre}, not at 360/2: {target}");
}

#[test]
fn an_unknown_device_fails_naming_the_presets() {
    let home = tempfile::tempdir().unwrap();
    let r = run(miniapp(home.path()).args(["run", "http://127.0.0.1:1/apps/x", "--headless", "--device", "Nokia 3310"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    for name in ["iPhone SE", "iPhone 15", "Android", "iPad"] {
        assert!(r.stderr.contains(name), "{name} missing from: {}", r.stderr);
    }
    assert!(r.stderr.contains("Nokia 3310"), "{}", r.stderr);
    let r = run(miniapp(home.path()).args(["launch", "http://127.0.0.1:1/apps/x", "--device", "Nokia"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("iPhone 15"), "{}", r.stderr);
}

#[test]
fn device_swipe_and_element_screenshot_steps() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let cloud = Cloud::start(home).expect("cloud starts");
    assert_eq!(cloud.publish(home, &counter_bundle(home)).code, 0);
    let url = format!("{}/apps/counter", cloud.url);
    let trace = home.join("trace.json");
    let script = home.join("d.script");
    // `device` moves the running app to another preset: the button is centred on the new width.
    std::fs::write(&script, "device Android\ntap #inc\nassert-text 1\nscreenshot inc.png #inc\n").unwrap();
    let r = run(miniapp(home).args(["run", &url, "--headless", "--script"]).arg(&script).arg("--trace").arg(&trace));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let t: serde_json::Value = serde_json::from_slice(&std::fs::read(&trace).unwrap()).unwrap();
    let target = &t["steps"][1]["target"];
    let centre = target["x"].as_f64().unwrap() + target["w"].as_f64().unwrap() / 2.0;
    assert!((centre - 180.0).abs() < 1.0, "after `device Android` the button is centred at {centre}: {target}");
    // The element screenshot is the button's box at the device's pixel ratio (Android: 3).
    let png = load_png(&home.join("inc.png"));
    let (w, h) = (target["w"].as_f64().unwrap(), target["h"].as_f64().unwrap());
    assert!((f64::from(png.width()) - w * 3.0).abs() <= 2.0, "{}x{} for a {w}x{h} button", png.width(), png.height());
    assert!((f64::from(png.height()) - h * 3.0).abs() <= 2.0, "{}x{} for a {w}x{h} button", png.width(), png.height());

    // `swipe page up` drags the notes form up: the page scrolls.
    let notes = publish_sample(home, &cloud, "notes");
    let form = format!("{notes}?path=pages/form/form");
    let (r, _) = run_headless(home, &form, "assert-text Nobody yet\nswipe page up\nwait 300\nassert-no-text Nobody yet\n");
    assert_eq!(r.code, 0, "the swipe scrolled the page:\n{}\n{}", r.stdout, r.stderr);
    // A direction the step does not know fails before anything runs, naming the rule.
    let (r, _) = run_headless(home, &form, "swipe page sideways\n");
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("`swipe` goes left, right, up or down, not `sideways`"), "{}", r.stderr);
}
