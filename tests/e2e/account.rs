//! The `auth` and `device` host API through the real binary, with the sample's developer back
//! end (`miniapp-account-backend`): login code → the app's back end (axum, on loopback) → the cloud's code2session → a stable
//! openid per user; a permission prompt answered once and remembered until reset in settings;
//! the simulated camera decoding a dropped image; the clipboard.

use miniapp_tests::*;
use std::path::{Path, PathBuf};

/// The developer's back end (`sample-apps/account/backend`) on a free loopback port.
fn start_backend(cloud: &Cloud, secret: &str) -> miniapp_account_backend::Handle {
    miniapp_account_backend::start(miniapp_account_backend::Config {
        cloud: cloud.url.clone(),
        appid: "account".into(),
        secret: secret.into(),
        addr: "127.0.0.1:0".parse().unwrap(),
    })
    .expect("the account back end starts")
}

fn last_openid(backend: &miniapp_account_backend::Handle) -> Option<String> {
    backend.openids().last().cloned()
}

/// Builds the account sample, then rebuilds it with `origin` declared as its back end (same
/// logic component, taken from the first bundle).
fn account_bundle(home: &Path, origin: &str) -> PathBuf {
    let first = home.join("account-sample.mapp");
    let r = build_app(home, &root().join("sample-apps/account"), &first);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let app = home.join("account");
    copy_app_files(&root().join("sample-apps/account"), &app);
    let manifest = std::fs::read_to_string(app.join("app.json"))
        .unwrap()
        .replace("\"https://account.example.com\"", &format!("\"https://account.example.com\", \"{origin}\""));
    std::fs::write(app.join("app.json"), manifest).unwrap();
    let out = home.join("account.mapp");
    build_with_logic_of(home, &first, &app, &out);
    out
}

fn app_secret(cloud: &Cloud) -> String {
    let r = reqwest::blocking::Client::new()
        .get(format!("{}/apps/account/secret", cloud.url))
        .bearer_auth(&cloud.token)
        .send()
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    let body: serde_json::Value = r.json().unwrap();
    body["secret"].as_str().expect("secret").to_string()
}

fn run_ok(home: &Path, url: &str, script: &str) -> serde_json::Value {
    let (r, t) = run_headless(home, url, script);
    assert_eq!(r.code, 0, "script:\n{script}\nstdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    t.expect("trace")
}

fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b == b'.' { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

#[test]
fn login_permissions_camera_and_clipboard() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let cloud = Cloud::start(home).expect("cloud starts");
    // Publish once to get the app secret, then start the back end that needs it.
    let first = home.join("account-sample.mapp");
    assert_eq!(build_app(home, &root().join("sample-apps/account"), &first).code, 0);
    assert_eq!(cloud.publish(home, &first).code, 0);
    let backend = start_backend(&cloud, &app_secret(&cloud));
    let bundle = account_bundle(home, backend.origin());
    let r = cloud.publish(home, &bundle);
    assert!(r.code != 0, "same version twice is refused");
    let manifest = home.join("account/app.json");
    let text = std::fs::read_to_string(&manifest).unwrap().replace("\"1.0.0\"", "\"1.0.1\"");
    std::fs::write(&manifest, text).unwrap();
    let r = build_app(home, &home.join("account"), &bundle);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(cloud.publish(home, &bundle).code, 0);
    let url = format!("{}/apps/account?query={}", cloud.url, percent(&format!("backend={}", backend.origin())));

    // Login: the openid the back end got from the cloud is on screen, and stable for this user.
    let login = "tap #login\nwait 1500\nassert-text openid:\n";
    run_ok(home, &url, login);
    let first_id = last_openid(&backend).expect("the back end exchanged a code");
    assert!(first_id.len() >= 20, "{first_id}");
    let t = run_ok(home, &url, &format!("{login}assert-text {first_id}\n"));
    assert!(t.to_string().contains(&format!("signed in as openid={first_id}")), "{t}");
    assert_eq!(backend.openids().len(), 2);
    assert_eq!(last_openid(&backend).unwrap(), first_id, "same user, same openid");
    // Another user (another host identity) gets another openid.
    let other = tempfile::tempdir().unwrap();
    run_ok(other.path(), &url, login);
    assert_ne!(last_openid(&backend).unwrap(), first_id, "another user, another openid");

    // Permission: asked once; a denial is remembered across launches until reset in settings.
    run_ok(home, &url, "tap #scan\nassert-text use your camera\ndeny\nassert-text camera permission denied (asked)\n");
    run_ok(home, &url, "tap #scan\nassert-text camera permission denied (remembered)\n");
    let (r, _) = run_headless(home, &url, "tap #scan\nallow\n");
    assert_ne!(r.code, 0, "no prompt: the denial stands");
    assert!(r.stderr.contains("no permission prompt is open"), "{}", r.stderr);
    let r = run(miniapp(home).args(["settings", "account"]));
    assert!(r.stdout.contains("scope.camera") && r.stdout.contains("denied"), "{}", r.stdout);
    let r = run(miniapp(home).args(["settings", "account", "--reset", "scope.camera"]));
    assert_eq!(r.code, 0, "{}", r.stderr);

    // Camera: allowed this time; an image with a QR code is decoded, a blank one is unreadable.
    let code_png = home.join("code.png");
    let code = qrcode::QrCode::new("https://example.com/table/12").unwrap();
    code.render::<image::Luma<u8>>().min_dimensions(240, 240).build().save(&code_png).unwrap();
    let blank = home.join("blank.png");
    image::GrayImage::from_pixel(80, 80, image::Luma([255])).save(&blank).unwrap();
    run_ok(
        home,
        &url,
        &format!(
            "tap #scan\nassert-text use your camera\nallow\nassert-text Drop an image\nscan {}\n\
             assert-text scanned: https://example.com/table/12\n\
             longpress #camera\nkey copy\nassert-clipboard \"scanned: https://example.com/table/12\"\n\
             tap #scan\nscan {}\nassert-text no code: unreadable\ntap #scan\nanswer cancel\nassert-text no code: cancelled\n",
            code_png.display(),
            blank.display()
        ),
    );
    let r = run(miniapp(home).args(["settings", "account"]));
    assert!(r.stdout.contains("scope.camera") && r.stdout.contains("allowed"), "{}", r.stdout);

    // The same app id from another cloud is another app: its own prompt, its own answers.
    let other_cloud_dir = tempfile::tempdir().unwrap();
    let cloud2 = Cloud::start(other_cloud_dir.path()).expect("second cloud starts");
    assert_eq!(cloud2.publish(home, &first).code, 0);
    let url2 = format!("{}/apps/account", cloud2.url);
    run_ok(home, &url2, "tap #scan\nassert-text use your camera\ndeny\nassert-text camera permission denied (asked)\n");
    run_ok(home, &url, "tap #scan\nanswer cancel\nassert-text no code: cancelled\n");
    let r = run(miniapp(home).args(["settings", "account"]));
    let port = |u: &str| u.rsplit(':').next().unwrap().to_string();
    assert!(r.stdout.contains(&format!("127.0.0.1:{}/account", port(&cloud.url))), "{}", r.stdout);
    assert!(r.stdout.contains(&format!("127.0.0.1:{}/account", port(&cloud2.url))), "{}", r.stdout);

    // Clipboard: pasted text reaches the app; the app's copy reaches the clipboard.
    run_ok(
        home,
        &url,
        &format!("{login}clipboard 你好 world\ntap #paste\nassert-text pasted: 你好 world\ntap #copy\nassert-clipboard {first_id}\n"),
    );
}
