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
}
