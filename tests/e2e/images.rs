//! Images through the real binary: the host tells the page each bundle image's size, so a
//! `widthFix` image takes its height from the picture, `bind:load` and `bind:error` reach the
//! app's logic (here the counter's handler, once per image), and a missing image is a console
//! warning naming it, never a crash.

use miniapp_tests::*;

#[test]
fn width_fix_sizes_from_the_picture_and_load_and_error_reach_the_logic() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let bundle = counter_bundle(home);
    let app = home.join("images-app");
    copy_app_files(&root().join("sample-apps/counter"), &app);
    std::fs::write(
        app.join("pages/index/index.xml"),
        r#"<view>
  <text id="count">{{count}}</text>
  <image id="wide" src="/assets/wide.png" mode="widthFix" style="width: 200px; display: block" bind:load="onIncrement"/>
  <image id="gone" src="/assets/missing.png" style="width: 20px; height: 20px" bind:error="onIncrement"/>
</view>
"#,
    )
    .unwrap();
    std::fs::create_dir_all(app.join("assets")).unwrap();
    // 400×100, pure green: drawn 200 wide, so 50 high.
    image::RgbaImage::from_pixel(400, 100, image::Rgba([0, 200, 0, 255])).save(app.join("assets/wide.png")).unwrap();
    let out = home.join("images.mapp");
    build_with_logic_of(home, &bundle, &app, &out);
    let cloud = Cloud::start(home).expect("cloud starts");
    let p = cloud.publish(home, &out);
    assert_eq!(p.code, 0, "publish: {}", p.stderr);
    let url = format!("{}/apps/counter", cloud.url);

    let (r, t) = run_headless(home, &url, "wait-for text=2\nassert-data count 2\nscreenshot images.png\n");
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let t = t.expect("trace");
    let logs: String = t["logs"].as_array().unwrap().iter().map(|l| format!("{}: {}\n", l["level"], l["message"])).collect();
    assert!(logs.contains("image /assets/missing.png is not in the bundle"), "{logs}");
    let png = load_png(&home.join("images.png"));
    let ratio = png.height() / 667;
    let green = count_colour(&png, [0, 200, 0], 4, 0) as u32;
    let want = 200 * 50 * ratio * ratio;
    assert!(green > want * 9 / 10 && green < want * 11 / 10, "the widthFix image is 200×50 ({green} px, want about {want})");
}
