//! The sample apps' main flows through the real binary (each built from `sample-apps/`, published
//! to a real cloud on loopback, run headless with a script, screenshots checked).

use miniapp_tests::*;

#[test]
fn todo_add_complete_filter_delete_and_keep_across_relaunch() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let cloud = Cloud::start(home).expect("cloud starts");
    let url = publish_sample(home, &cloud, "todo");

    let (r, t) = run_headless(
        home,
        &url,
        "assert-text Nothing to do yet\n\
         input #new Buy milk\ntap #add\nassert-count .item 1\n\
         input #new Walk the dog\nkey enter\nassert-count .item 2\n\
         assert-data shown[1].text \"Walk the dog\"\nassert-text 2 left · 0 done\n\
         screenshot todo-open.png\n\
         tap .box\nassert-text 1 left · 1 done\nscreenshot todo-ticked.png\n\
         tap #filter-done\nassert-count .item 1\nassert-data shown[0].text \"Buy milk\"\n\
         tap #filter-active\nassert-count .item 1\nassert-data shown[0].text \"Walk the dog\"\n\
         tap #filter-all\nassert-count .item 2\n\
         tap .delete\nassert-count .item 1\nassert-text 1 left · 0 done\nassert-no-text Buy milk\n",
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let t = t.unwrap();
    assert!(t["steps"].as_array().unwrap().iter().all(|s| s["ok"] == true), "{t}");

    // The tick is drawn: the ticked screenshot has a filled green box the open one lacks (the
    // navigation bar is green too, so count only below it and the filter row).
    let green = [0x2f, 0x85, 0x5a];
    let open = count_colour(&load_png(&home.join("todo-open.png")), green, 12, 150);
    let ticked = count_colour(&load_png(&home.join("todo-ticked.png")), green, 12, 150);
    assert!(ticked > open + 50, "the ticked box should add green pixels: {open} → {ticked}");

    // A new launch (a new process) finds the list in storage.
    let (r, _) = run_headless(home, &url, "assert-count .item 1\nassert-text Walk the dog\nassert-text 1 left · 0 done\n");
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);

    // The Storage panel's "Clear storage" (`clear-storage`): the list is gone after a restart,
    // and the panels say so.
    let script = home.join("clear.script");
    std::fs::write(&script, "assert-text Walk the dog\nclear-storage\nrestart\nassert-text Nothing to do yet\n").unwrap();
    let panels = home.join("panels.json");
    let r = run(miniapp(home).args(["run", &url, "--headless", "--scale", "1", "--script"]).arg(&script).arg("--panels").arg(&panels));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let p: serde_json::Value = serde_json::from_slice(&std::fs::read(&panels).unwrap()).unwrap();
    assert_eq!(p["storage"]["used"], 0, "{}", p["storage"]);
    let (r, _) = run_headless(home, &url, "assert-text Nothing to do yet\n");
    assert_eq!(r.code, 0, "a new process finds the storage cleared: {}\n{}", r.stdout, r.stderr);
}

#[test]
fn policy_demo_shows_the_host_refusing_and_stopping_what_breaks_the_rules() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let cloud = Cloud::start(home).expect("cloud starts");
    let url = publish_sample(home, &cloud, "policy-demo");

    // An undeclared origin: refused before any connection, and the app shows why.
    let (r, _) = run_headless(
        home,
        &url,
        "tap #undeclared\nassert-text Refused by the host\n\
         assert-text --anywhere is not declared in app.json network.request\n\
         tap #rules\nassert-text Ban: the app is refused with the reason\n",
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("origin https://api.undeclared.example:443 is not declared"), "{}", r.stdout);

    // An endless loop: stopped at the handler deadline, the error page says so (the run exits 1:
    // the app stopped), and the host finished the script.
    let (r, _) = run_headless(home, &url, "tap #spin\nassert-text This app stopped\nassert-text --anywhere timed out in handle-event(onSpin)\n");
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("ok 3: assert-text --anywhere timed out"), "{}", r.stdout);
    assert!(r.stderr.contains("the app stopped: app script timed out in handle-event(onSpin)"), "{}", r.stderr);

    // A memory bomb: stopped at the memory limit.
    let (r, _) = run_headless(home, &url, "tap #bomb\nassert-text This app stopped\nassert-text --anywhere exceeded the memory limit\n");
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("ok 3: assert-text --anywhere exceeded the memory limit"), "{}", r.stdout);
}
