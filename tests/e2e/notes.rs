//! The notes sample through the real binary: storage that survives a relaunch, navigation to a
//! detail page with a query and back, and a toast.

use miniapp_tests::*;

#[test]
fn notes_persist_navigate_and_toast() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let cloud = Cloud::start(home).expect("cloud starts");
    let bundle = home.join("notes.mapp");
    let r = build_app(home, &root().join("sample-apps/notes"), &bundle);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(cloud.publish(home, &bundle).code, 0);
    let url = format!("{}/apps/notes", cloud.url);

    let (r, t) = run_headless(
        home,
        &url,
        "assert-text No notes yet\ntap #add\nassert-text Saved\ntap #add\nassert-text 2 notes\n\
         tap .row\nassert-text Viewing note #1\nback\nassert-text 2 notes\nwait 1600\n",
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let t = t.unwrap();
    assert!(t["steps"].as_array().unwrap().iter().all(|s| s["ok"] == true), "{t}");

    // A new launch (a new process) sees what the app stored.
    let (r, _) = run_headless(home, &url, "assert-text 2 notes\ntap #clear\nassert-text No notes yet\n");
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
}
