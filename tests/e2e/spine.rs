//! The spine: build the counter, publish it to a real cloud, run it headless, tap "+1" twice, and
//! check both the text and the pixels of the screenshot.

use miniapp_tests::*;

#[test]
fn counter_counts_two_taps_in_text_and_pixels() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let cloud = Cloud::start(home).expect("cloud starts");
    let bundle = counter_bundle(home);
    let r = cloud.publish(home, &bundle);
    assert_eq!(r.code, 0, "publish failed: {}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("published counter"), "{}", r.stdout);

    let script = home.join("tour.script");
    std::fs::write(&script, "assert-text 0\ntap #inc\ntap text=+1\nassert-text 2\nscreenshot after.png\n").unwrap();
    let shot = home.join("final.png");
    let trace = home.join("trace.json");
    let r = run(miniapp(home)
        .args(["run", &format!("{}/apps/counter", cloud.url), "--headless", "--scale", "1", "--script"])
        .arg(&script)
        .arg("--screenshot")
        .arg(&shot)
        .arg("--trace")
        .arg(&trace));
    assert_eq!(r.code, 0, "run failed:\n{}\n{}", r.stdout, r.stderr);

    // The trace has every launch stage, and the steps ran in order.
    let t: serde_json::Value = serde_json::from_slice(&std::fs::read(&trace).unwrap()).unwrap();
    for stage in ["fetch_ms", "verify_ms", "compile_ms", "instantiate_ms", "first_layout_ms", "first_frame_ms"] {
        assert!(t["launch"]["timings"][stage].as_f64().is_some(), "trace lacks {stage}: {t}");
    }
    assert_eq!(t["steps"].as_array().unwrap().len(), 5);
    assert!(t["steps"].as_array().unwrap().iter().all(|s| s["ok"] == true));

    // Pixels: the button is drawn in the app's colour #07c160 where the script tapped it.
    let img = load_png(&home.join("after.png"));
    assert_eq!(img.dimensions(), (375, 667));
    let tap = &t["steps"][1]["target"];
    let (x, y, h) = (tap["x"].as_f64().unwrap(), tap["y"].as_f64().unwrap(), tap["h"].as_f64().unwrap());
    // Sample inside the button, left of its centred label.
    let px = img.get_pixel((x + 8.0) as u32, (y + h / 2.0) as u32).0;
    assert!(close(px, [0x07, 0xc1, 0x60, 255], 3), "button pixel is {px:?}, expected #07c160");
    // And the final screenshot equals the scripted one (same state, deterministic renderer).
    let fin = load_png(&shot);
    let diff: u64 = fin.pixels().zip(img.pixels()).map(|(a, b)| a.0.iter().zip(b.0.iter()).map(|(x, y)| x.abs_diff(*y) as u64).sum::<u64>()).sum();
    assert!(diff < 375 * 667, "final and scripted screenshots differ by {diff}");
}

#[test]
fn a_failing_step_names_its_line_and_exits_non_zero() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let cloud = Cloud::start(home).expect("cloud starts");
    let bundle = counter_bundle(home);
    assert_eq!(cloud.publish(home, &bundle).code, 0);
    let script = home.join("bad.script");
    std::fs::write(&script, "tap #inc\nassert-text 5\n").unwrap();
    let r = run(miniapp(home).args(["run", &format!("{}/apps/counter", cloud.url), "--headless", "--script"]).arg(&script));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("bad.script:2: `assert-text 5` failed"), "{}", r.stderr);
    let script = home.join("missing.script");
    std::fs::write(&script, "tap #nope\n").unwrap();
    let r = run(miniapp(home).args(["run", &format!("{}/apps/counter", cloud.url), "--headless", "--script"]).arg(&script));
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("missing.script:1: `tap #nope` failed: no element matches `#nope`"), "{}", r.stderr);
}
