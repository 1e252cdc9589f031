//! The notes sample through the real binary: storage that survives a relaunch, navigation to a
//! detail page with a query and back, and a toast.

use miniapp_tests::*;

/// A cloud with the notes sample built and published; its launch URL.
fn notes_app(home: &std::path::Path) -> (Cloud, String) {
    let cloud = Cloud::start(home).expect("cloud starts");
    let url = publish_sample(home, &cloud, "notes");
    (cloud, url)
}

#[test]
fn notes_persist_navigate_and_toast() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let (_cloud, url) = notes_app(home);

    let (r, t) = run_headless(
        home,
        &url,
        "assert-text No notes yet\ntap #add\nassert-text Saved\ntap #add\nassert-text 2 notes\n\
         tap .row\nassert-text Viewing note #1\nback\nassert-text 2 notes\nwait 1600\n",
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let t = t.unwrap();
    assert!(t["steps"].as_array().unwrap().iter().all(|s| s["ok"] == true), "{t}");
    // The same run as Chrome trace events: launch stages, steps, and inside them the handlers,
    // set-data (with bytes), layout and paint.
    let events = t["traceEvents"].as_array().unwrap();
    let has = |cat: &str, name: &str| events.iter().any(|e| e["cat"] == cat && e["name"].as_str().unwrap_or("").starts_with(name));
    assert!(has("launch", "compile") && has("step", "tap #add"), "{events:?}");
    assert!(has("handler", "handle-event") && has("layout", "layout pages/index/index"), "{events:?}");
    assert!(events.iter().any(|e| e["cat"] == "set-data" && e["args"]["bytes"].as_u64().is_some_and(|b| b > 0)), "{events:?}");
    assert!(events.iter().filter(|e| e["ph"] == "X").all(|e| e["ts"].as_f64().is_some() && e["dur"].as_f64().is_some_and(|d| d >= 0.0)));

    // A new launch (a new process) sees what the app stored.
    let (r, _) = run_headless(home, &url, "assert-text 2 notes\ntap #clear\nassert-text No notes yet\n");
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
}

#[test]
fn panels_dump_console_data_elements_storage_and_performance() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let (_cloud, url) = notes_app(home);
    let script = home.join("p.script");
    std::fs::write(&script, "tap #add\ntap #add\nassert-text 2 notes\n").unwrap();
    let panels = home.join("panels.json");
    let r = run(miniapp(home).args(["run", &url, "--headless", "--script"]).arg(&script).arg("--panels").arg(&panels));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let p: serde_json::Value = serde_json::from_slice(&std::fs::read(&panels).unwrap()).unwrap();
    assert_eq!(p["app"], "notes");
    // Console: the app's own log lines.
    let console = p["console"].as_array().unwrap();
    assert!(console.iter().any(|l| l["level"] == "info" && l["message"].as_str().unwrap().starts_with("notes launched with")), "{console:?}");
    // AppData: the top page's data as the app set it.
    let data = &p["appData"].as_array().unwrap().last().unwrap()["data"];
    assert_eq!(data["notes"].as_array().unwrap().len(), 2, "{data}");
    // Elements: the tree with boxes; the Add button is in it.
    let tree = p["elements"]["root"].to_string();
    assert!(tree.contains("\"id\":\"add\"") && tree.contains("\"tag\":\"button\""), "{tree}");
    // Storage: the saved list, its size within the quota.
    let keys = p["storage"]["keys"].as_array().unwrap();
    assert_eq!(keys[0]["key"], "notes", "{keys:?}");
    assert!(keys[0]["bytes"].as_u64().unwrap() > 10 && p["storage"]["used"].as_u64().unwrap() <= p["storage"]["quota"].as_u64().unwrap());
    // Performance: set-data counted (one on load, one per tap), the launch stages.
    assert!(p["performance"]["setDataCalls"].as_u64().unwrap() >= 3, "{}", p["performance"]);
    assert!(p["performance"]["launch"]["compile_ms"].as_f64().is_some(), "{}", p["performance"]);
    assert_eq!(p["network"], serde_json::json!([]));
}

#[test]
fn set_data_edits_the_top_page_as_the_appdata_panel_does_and_says_so_in_the_console() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let (_cloud, url) = notes_app(home);
    let script = home.join("e.script");
    std::fs::write(&script, "tap #add\nassert-text 1 notes\nset-data notes []\nassert-text No notes yet\nassert-data notes []\n").unwrap();
    let panels = home.join("panels.json");
    let r = run(miniapp(home).args(["run", &url, "--headless", "--script"]).arg(&script).arg("--panels").arg(&panels));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let p: serde_json::Value = serde_json::from_slice(&std::fs::read(&panels).unwrap()).unwrap();
    let console = p["console"].to_string();
    assert!(console.contains("AppData edit on pages/index/index: notes = []"), "{console}");
    // A malformed path is refused with the view's rule, and the step names its line.
    std::fs::write(&script, "set-data list[x] 1\n").unwrap();
    let r = run(miniapp(home).args(["run", &url, "--headless", "--script"]).arg(&script));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains(":1"), "{}", r.stderr);
}
