//! `miniapp bench`: a smoke run of one benchmark proves the command and its set-up still work
//! (the numbers themselves are recorded in docs/performance.md, not asserted).

use miniapp_tests::*;

#[test]
fn a_quick_bench_of_verify_names_the_benchmark() {
    let home = tempfile::tempdir().unwrap();
    let r = run(miniapp(home.path()).args(["bench", "--quick", "--filter", "verify"]));
    assert_eq!(r.code, 0, "miniapp bench failed:\n{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("bundle.verify_1mib"), "the table does not name the benchmark:\n{}", r.stdout);
}

/// The side-by-side run of issue 12 as CI runs it: every benchmark once or thrice, the peers
/// (headless Chromium, Node.js, QuickJS; `cargo xtask test` installs them) and miniapp's memory,
/// with the JSON keys the docs name. A missing peer fails the test: it does not pass silently.
#[test]
fn a_quick_bench_with_peers_writes_the_side_by_side_json() {
    let home = tempfile::tempdir().unwrap();
    let json_path = home.path().join("bench.json");
    let r = run(miniapp(home.path()).args(["bench", "--quick", "--peers", "--json"]).arg(&json_path));
    assert_eq!(r.code, 0, "miniapp bench --quick --peers failed:\n{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("side by side"), "no side-by-side table:\n{}", r.stdout);
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&json_path).unwrap()).unwrap();
    for key in ["chromium", "node", "quickjs", "comparison", "memory", "machine"] {
        assert!(doc.get(key).is_some_and(|v| !v.is_null()), "the JSON has no `{key}`:\n{doc:#}");
    }
    for key in ["cold", "hot", "hot_new_process", "pss", "node", "quickjs", "click_counter", "click_list"] {
        let row = &doc["comparison"][key];
        let ours = row["miniapp"].as_f64().unwrap_or(0.0);
        let theirs = row["peer_value"].as_f64().unwrap_or(0.0);
        assert!(ours > 0.0 && theirs > 0.0, "comparison `{key}` lacks a figure: {row:#}");
        assert!(row["ratio"].as_f64().is_some(), "comparison `{key}` has no ratio: {row:#}");
    }
    for n in ["1", "5", "20"] {
        let kib = doc["memory"]["pss_kib"][n].as_u64().unwrap_or(0);
        assert!(kib > 10 * 1024, "PSS with {n} apps is {kib} KiB, not a real process's");
        let uss = doc["memory"]["uss_kib"][n].as_u64().unwrap_or(0);
        assert!(uss > 1024 && uss <= kib, "USS with {n} apps is {uss} KiB (PSS {kib} KiB)");
    }
    assert!(doc["chromium"]["version"].as_str().is_some_and(|v| !v.is_empty()), "no Chromium version: {:#}", doc["chromium"]);
}
