//! The home screen and several apps alive at once, through the real binary: `home` sends the app
//! to the background and lists the recent apps, `open URL` launches a second app, `switch APPID`
//! and a tap on the home screen's row resume an app with its state.

use miniapp_tests::*;

#[test]
fn home_lists_apps_and_two_apps_stay_alive_while_switching() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let cloud = Cloud::start(home).expect("cloud starts");
    let counter = counter_bundle(home);
    assert_eq!(cloud.publish(home, &counter).code, 0);
    let counter_url = format!("{}/apps/counter", cloud.url);
    let notes_url = publish_sample(home, &cloud, "notes");

    let (r, _) = run_headless(
        home,
        &counter_url,
        "tap #inc\nassert-data count 1\n\
         home\nassert-text Recent apps\nassert-text Counter\nassert-text running\nscreenshot home.png\n\
         tap #inc\n",
    );
    assert_eq!(r.code, 1, "a page step on the home screen fails:\n{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("the home screen is showing"), "{}", r.stderr);
    let png = load_png(&home.join("home.png"));
    assert!(png.width() > 0);

    let (r, _) = run_headless(
        home,
        &counter_url,
        &format!(
            "tap #inc\ntap #inc\nassert-data count 2\n\
             open {notes_url}\nassert-text No notes yet\ntap #add\nassert-text 1 notes\n\
             switch counter\nassert-data count 2\n\
             home\nassert-text Notes\ntap text=Notes\nassert-text 1 notes\n\
             switch nosuchapp\n"
        ),
    );
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("ok 13: assert-text 1 notes"), "{}", r.stdout);
    assert!(r.stderr.contains("nosuchapp is not running (running: notes, counter)"), "{}", r.stderr);
    // `assert-data count 2` after `switch counter`: resumed with its state, not relaunched.

    // Rows show the app's `icon` from its bundle (Notes has one, Counter does not: its initial)
    // and when a recent app was last opened.
    let (r, _) = run_headless(home, &notes_url, "home\nassert-text running\nassert-text opened just now\nscreenshot icons.png\n");
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let png = load_png(&home.join("icons.png"));
    // Row 0 (Notes, running): its tile at x 16..60, y 206..250 shows the icon's orange border
    // and white paper.
    let orange = png.get_pixel(38, 208).0;
    assert!(close(orange, [0xfa, 0xad, 0x14, 255], 24), "no Notes icon on the home screen: {orange:?}");
    let paper = png.get_pixel(38, 232).0;
    assert!(close(paper, [255, 255, 255, 255], 24), "the Notes icon's paper: {paper:?}");
}

#[test]
fn an_app_left_in_the_background_past_its_ttl_is_destroyed_and_reopens_fresh() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let cloud = Cloud::start(home).expect("cloud starts");
    assert_eq!(cloud.publish(home, &counter_bundle(home)).code, 0);
    let counter_url = format!("{}/apps/counter", cloud.url);
    let notes_url = publish_sample(home, &cloud, "notes");
    // Four minutes in the background: still alive with its state. Past five (the default TTL,
    // on the simulated clock: `elapse` does not wait): destroyed, and opening it is a new launch.
    let (r, _) = run_headless(
        home,
        &counter_url,
        &format!(
            "tap #inc\ntap #inc\nassert-data count 2\n\
             open {notes_url}\nelapse 240000\nswitch counter\nassert-data count 2\n\
             open {notes_url}\nelapse 300001\nhome\ntap text=Counter\nassert-data count 0\n"
        ),
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("ok 7: assert-data count 2"), "alive after four minutes:\n{}", r.stdout);
    assert!(r.stdout.contains("ok 12: assert-data count 0"), "reopened fresh after the TTL:\n{}", r.stdout);
    let (r, _) = run_headless(home, &counter_url, &format!("tap #inc\nopen {notes_url}\nelapse 300001\nswitch counter\n"));
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("counter is not running (running: notes)"), "{}", r.stderr);
}

#[test]
fn the_home_screen_opens_a_scanned_launch_url_and_shows_other_text_without_opening_it() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let cloud = Cloud::start(home).expect("cloud starts");
    assert_eq!(cloud.publish(home, &counter_bundle(home)).code, 0);
    let counter_url = format!("{}/apps/counter", cloud.url);
    let notes_url = publish_sample(home, &cloud, "notes");
    let code = home.join("notes.png");
    let r = run(miniapp(home).args(["qr", &notes_url, "-o"]).arg(&code));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let wifi = home.join("wifi.png");
    qrcode::QrCode::new("WIFI:S:home;T:WPA;P:secret;;")
        .unwrap()
        .render::<image::Luma<u8>>()
        .min_dimensions(240, 240)
        .build()
        .save(&wifi)
        .unwrap();
    let (r, _) = run_headless(
        home,
        &counter_url,
        &format!(
            "home\nassert-text Open URL\nscan {}\nassert-text Not opened: WIFI:S:home\nassert-text Copy\nscreenshot home-text.png\n\
             scan {}\nassert-text No notes yet\n",
            wifi.display(),
            code.display()
        ),
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(load_png(&home.join("home-text.png")).width() > 0);
}

#[test]
fn the_error_page_restarts_the_app_or_goes_home() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let cloud = Cloud::start(home).expect("cloud starts");
    let url = publish_sample(home, &cloud, "policy-demo");
    // The endless loop is stopped at the deadline: the error page, with Restart and Home.
    let (r, _) = run_headless(
        home,
        &url,
        "tap #spin\nassert-text timed out\nassert-text Restart\nscreenshot error.png\n\
         tap text=Restart\nassert-no-text timed out\nassert-text Run an endless loop\n\
         tap #spin\nassert-text timed out\ntap text=Home\nassert-text Recent apps\n",
    );
    assert!(r.stdout.contains("ok 7: assert-text Run an endless loop"), "Restart relaunched the app:\n{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("ok 11: assert-text Recent apps"), "Home showed the home screen:\n{}\n{}", r.stdout, r.stderr);
    // The error page draws its buttons: Restart is a blue button in the lower half.
    let png = load_png(&home.join("error.png"));
    let blue = count_colour(&png, [0x16, 0x77, 0xff], 12, 0);
    assert!(blue > 1000, "no Restart button on the error page ({blue} blue pixels)");
}

#[test]
fn the_capsule_menu_shares_a_qr_code_of_the_page_and_lists_permissions() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let cloud = Cloud::start(home).expect("cloud starts");
    let notes = publish_sample(home, &cloud, "notes");
    // On the form page: Share shows a QR code of this page (path, and the scene `share`).
    let (r, _) = run_headless(
        home,
        &format!("{notes}?path=pages/form/form"),
        "menu Share\nassert-text Share this page\nassert-text scene=share\nscreenshot share.png\nanswer ok\n\
         menu Permissions\nassert-text This app has asked for no permissions\nanswer ok\nassert-text Nobody yet\n\
         menu Device\nassert-text ✓ iPhone SE (375×667 @2x)\nanswer 9\nanswer 3\nassert-text Nobody yet\nscreenshot ipad.png\n",
    );
    assert_eq!(r.code, 1, "`answer 9` on the device sheet fails:\n{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("the device sheet has 4 items (0 to 3), not item 9"), "{}", r.stderr);
    // Without the bad answer, the Device sheet turns the screen into an iPad's (768×1024 @2x).
    let (r, _) = run_headless(
        home,
        &format!("{notes}?path=pages/form/form"),
        "menu Device\nassert-text ✓ iPhone SE (375×667 @2x)\nanswer 3\nassert-text Nobody yet\nscreenshot ipad.png\n\
         menu Share\nassert-text Share this page\nassert-text scene=share\nscreenshot share.png\nanswer ok\n\
         menu Permissions\nassert-text This app has asked for no permissions\nanswer ok\nassert-text Nobody yet\n",
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let ipad = load_png(&home.join("ipad.png"));
    assert_eq!((ipad.width(), ipad.height()), (768, 1024), "the Device sheet turned the screen into an iPad (at --scale 1)");
    // The code on the screen decodes (with the same camera as `miniapp scan`) to that page.
    let r = run(miniapp(home).arg("scan").arg(home.join("share.png")).arg("--print"));
    assert_eq!(r.code, 0, "the Share code does not decode: {}", r.stderr);
    let url = r.stdout.trim();
    assert!(url.starts_with(&notes) && url.contains("path=pages") && url.contains("form") && url.contains("scene=share"), "{url}");
    // Opened, it is the form page.
    let (r, _) = run_headless(home, url, "assert-text Nobody yet\n");
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
}

#[test]
fn one_apps_timeout_does_not_disturb_another_alive_app() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let cloud = Cloud::start(home).expect("cloud starts");
    assert_eq!(cloud.publish(home, &counter_bundle(home)).code, 0);
    let counter = format!("{}/apps/counter", cloud.url);
    let policy = publish_sample(home, &cloud, "policy-demo");
    // Counter counts, goes to the background; policy-demo runs an endless loop and is stopped
    // (its error page); Counter comes back with its count and still counts.
    let (r, _) = run_headless(
        home,
        &counter,
        &format!(
            "tap #inc\nassert-data count 1\nopen {policy}\ntap #spin\nassert-text timed out\n\
             switch counter\nassert-data count 1\ntap #inc\nassert-data count 2\n\
             switch policy-demo\nassert-text timed out\nswitch counter\nassert-data count 2\n"
        ),
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
}
