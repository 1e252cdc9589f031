//! Scrolling through the real binary: a script reaches only what is on screen (a tap on a row
//! below the fold fails and says to scroll), `scroll page` brings it up, `assert-text` reads
//! the screen and `--anywhere` the whole page; long presses, `wait-for` and `pull-down`.

use miniapp_tests::*;

#[test]
fn a_row_below_the_fold_is_tapped_only_after_scrolling() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let (_cloud, url) = crate::input::form_app(home);

    let (r, t) = run_headless(home, &url, "assert-text Nobody yet\ntap text=row 30\n");
    assert_eq!(r.code, 1, "a tap below the fold must fail:\n{}", r.stderr);
    assert!(r.stderr.contains(":2"), "{}", r.stderr);
    assert!(r.stderr.contains("`text=row 30` is not on screen (its top is at"), "{}", r.stderr);
    assert!(r.stderr.contains("the screen ends at 667): scroll first"), "{}", r.stderr);
    assert!(r.stdout.contains("ok 1: assert-text Nobody yet"), "{}", r.stdout);
    let steps = t.unwrap()["steps"].as_array().unwrap().clone();
    assert_eq!(steps.last().unwrap()["ok"], false);

    let (r, t) = run_headless(
        home,
        &url,
        "assert-no-text row 20\nassert-text --anywhere row 20\nassert-count .line 40\npull-down\n\
         scroll page 600\nassert-text row 20\nassert-no-text Nobody yet\nscroll page 400\ntap text=row 30\n\
         assert-data picked \"row 30 tapped\"\nlongpress text=row 31\nwait-for text=row 31 held 2000ms\n\
         scroll page 5000\nassert-text End of the list\nscroll page -10000\nassert-text Nobody yet\n",
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("ok 6: assert-text row 20\n"), "{}", r.stdout);
    assert!(r.stdout.contains("[notes] info: row 30 tapped"), "{}", r.stdout);
    assert!(r.stdout.contains("[notes] info: row 31 held"), "{}", r.stdout);
    let t = t.unwrap();
    let tap = &t["steps"][8];
    assert!(tap["target"]["y"].as_f64().unwrap() < 667.0, "the tapped row is on screen: {tap}");
}

#[test]
fn wait_for_pumps_the_app_until_a_toast_shows_and_times_out_otherwise() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let (_cloud, url) = crate::input::form_app(home);
    let index = url.replace("?path=pages/form/form", "");
    let (r, _) = run_headless(home, &index, "tap #add\nwait-for text=Saved 2000ms\n");
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let (r, _) = run_headless(home, &index, "wait-for #nosuch 300\n");
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("`#nosuch` did not appear within 300 ms; the screen shows:"), "{}", r.stderr);
    let (r, _) = run_headless(home, &url, "scroll page 100\npull-down\n");
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("a pull-down starts at its top"), "{}", r.stderr);
}

#[test]
fn a_pull_down_refresh_shows_its_indicator_until_the_app_stops_it() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let cloud = Cloud::start(home).expect("cloud starts");
    let url = format!("{}?path=pages/form/form", publish_sample(home, &cloud, "notes"));
    // The form page enables pull-down refresh; its logic stops the refresh 300 ms later.
    let (r, _) = run_headless(
        home,
        &url,
        "pull-down\nassert-text Refreshing…\nscreenshot refreshing.png\nwait 600\nassert-no-text Refreshing…\n",
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("[notes] info: refreshing") && r.stdout.contains("[notes] info: refresh done"), "{}", r.stdout);
    // The indicator's grey band and dots sit at the top of the page area (below the 64 px bars).
    let png = load_png(&home.join("refreshing.png"));
    let ratio = png.width() / 375;
    let band = png.get_pixel(10 * ratio, 70 * ratio).0;
    assert!(close(band, [0xf2, 0xf2, 0xf2, 255], 3), "no indicator band under the navigation bar: {band:?}");
    let dots = count_colour(&png, [0x99, 0x99, 0x99], 4, 64 * ratio) ;
    assert!(dots > 50, "no dots in the indicator ({dots} px)");
}
