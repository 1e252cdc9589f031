//! The feed sample against its own back end (`miniapp-feed-backend`) on loopback, through the
//! real binary: the list shows posts with their pictures (remote images from the back end,
//! checked on the screenshot's pixels), reaching the bottom loads page 2, pull-down refreshes,
//! a post opens by id, likes belong to the user who made them, and with the back end down the
//! list says so and Retry recovers once it is back.

use miniapp_feed_backend::{post_colour, Handle};
use miniapp_tests::*;
use std::path::Path;
use std::time::{Duration, Instant};

/// The pixels of one post picture in the list (a 64 px thumbnail, 80% of it the post's colour).
const THUMB_PIXELS: usize = 64 * 64 * 4 / 5;

/// Builds and publishes the feed sample with `backend`'s origin declared, gives the back end
/// the app's secret, and returns the launch URL with the back end in its query (`extra` is
/// added to the query, e.g. `&id=7`; `path` opens another page).
fn publish_feed(home: &Path, cloud: &Cloud, backend: &Handle) -> String {
    let sample = root().join("sample-apps/feed");
    let first = home.join("feed-sample.mapp");
    let r = build_app(home, &sample, &first);
    assert_eq!(r.code, 0, "building the feed sample: {}", r.stderr);
    let app = home.join("feed");
    copy_app_tree(&sample, &app);
    declare_origin(&app, backend.origin(), "1.0.0");
    let bundle = home.join("feed.mapp");
    build_with_logic_of(home, &first, &app, &bundle);
    let p = cloud.publish(home, &bundle);
    assert_eq!(p.code, 0, "publishing the feed: {}", p.stderr);
    backend.set_secret(&cloud.app_secret("feed"));
    format!("{}/apps/feed", cloud.url)
}

fn launch_url(base: &str, backend: &Handle, path: Option<&str>, extra: &str) -> String {
    let query = percent_encode(&format!("backend={}{extra}", backend.origin()));
    match path {
        Some(p) => format!("{base}?path={p}&query={query}"),
        None => format!("{base}?query={query}"),
    }
}

fn run_ok(home: &Path, url: &str, script: &str) -> serde_json::Value {
    let (r, t) = run_headless(home, url, script);
    assert_eq!(r.code, 0, "script:\n{script}\nstdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    t.expect("trace")
}

fn logs(trace: &serde_json::Value) -> String {
    trace["logs"].as_array().unwrap().iter().map(|l| format!("{}: {}\n", l["level"], l["message"])).collect()
}

#[test]
fn pages_images_refresh_detail_likes_per_user_and_recovery() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let cloud = Cloud::start(home).expect("cloud starts");
    let backend = miniapp_feed_backend::start(miniapp_feed_backend::Config::new(&cloud.url, "feed", "")).expect("back end starts");
    let base = publish_feed(home, &cloud, &backend);
    let list = launch_url(&base, &backend, None, "");

    // The list: page 1 with its pictures, page 2 at the bottom, page 1 again on a pull-down.
    let t = run_ok(
        home,
        &list,
        "wait-for text=Post 1: Sunrise\nwait-for text=Signed in\nassert-count .post 10\nscreenshot feed-list.png\n\
         scroll page 5000\nwait-for text=Post 20: Lantern\nassert-count .post 20\nassert-text --anywhere Scroll down for more\n\
         scroll page -100000\npull-down\nwait 1500\nassert-no-text Refreshing…\nassert-count .post 10\nassert-text Post 1: Sunrise\n",
    );
    let log = logs(&t);
    assert!(log.contains("page 2: 10 posts"), "{log}");
    assert!(log.contains("refreshing the feed"), "{log}");
    assert!(!log.contains("not loaded"), "every picture loaded: {log}");
    let img = load_png(&home.join("feed-list.png"));
    for id in [1, 2, 3] {
        let n = count_colour(&img, post_colour(id), 6, 0);
        assert!(n >= THUMB_PIXELS * 3 / 4, "post {id}'s picture is drawn ({n} px of its colour)");
    }

    // A post by id, straight from the launch URL; user A likes it and sees it in their likes.
    let t = run_ok(
        home,
        &launch_url(&base, &backend, Some("pages/detail/detail"), "&id=7"),
        "wait-for #title\nassert-text Post 7: Station\nassert-text 0 likes\nscreenshot feed-detail.png\n\
         wait-for text=Like\ntap #like\nwait-for text=Unlike\nassert-text 1 likes · you like this\n",
    );
    let img = load_png(&home.join("feed-detail.png"));
    let n = count_colour(&img, post_colour(7), 6, 0);
    assert!(n >= 160 * 160 * 3 / 4 * 3 / 4, "post 7's picture is drawn ({n} px): {}", logs(&t));
    run_ok(
        home,
        &list,
        "wait-for text=Signed in\ntap #my-likes\nwait-for #count\nassert-text 1 liked\nassert-text Post 7: Station\nscreenshot feed-likes.png\n",
    );

    // User B (another host identity) has no likes of their own, but sees the count.
    let other = tempfile::tempdir().unwrap();
    run_ok(
        other.path(),
        &list,
        "wait-for text=Signed in\ntap #my-likes\nwait-for text=No likes yet\nback\nwait-for text=Post 7: Station\n\
         assert-text --anywhere 1 likes\nassert-no-text --anywhere · liked\n",
    );

    // Down: a friendly error with Retry; once it is back, Retry loads the list.
    backend.set_down(true);
    let refused = backend.refused_while_down();
    std::thread::scope(|s| {
        s.spawn(|| {
            let end = Instant::now() + Duration::from_secs(60);
            while backend.refused_while_down() == refused && Instant::now() < end {
                std::thread::sleep(Duration::from_millis(20));
            }
            std::thread::sleep(Duration::from_millis(300));
            backend.set_down(false);
        });
        let t = run_ok(
            home,
            &list,
            "wait-for text=Couldn't load the feed\nassert-text The feed is down for maintenance\nscreenshot feed-error.png\n\
             wait 2500\ntap #retry\nwait-for text=Post 1: Sunrise\nassert-count .post 10\n",
        );
        assert!(logs(&t).contains("loading page 1 failed"), "{}", logs(&t));
    });
    let img = load_png(&home.join("feed-error.png"));
    assert_eq!(count_colour(&img, post_colour(1), 6, 0), 0, "no posts on the error screen");
    assert!(count_colour(&img, [0x26, 0x46, 0x53], 4, 100) > 2000, "the Retry button is drawn");
}
