//! Golden manifest cases: `tests/ui/invalid/<case>.json` must fail with exactly `<case>.err`;
//! `tests/ui/valid/<case>.json` must parse and re-serialize to `<case>.out`. `BLESS=1` rewrites
//! the expected files.

use std::path::{Path, PathBuf};

use miniapp_bundle::AppManifest;

fn cases(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui").join(dir);
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    v.sort();
    v
}

fn check(expected_path: PathBuf, actual: String, failures: &mut Vec<String>) {
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&expected_path, &actual).unwrap();
        return;
    }
    match std::fs::read_to_string(&expected_path) {
        Ok(expected) if expected == actual => {}
        Ok(expected) => failures.push(format!("{}:\n  expected: {expected}\n  actual:   {actual}", expected_path.display())),
        Err(_) => failures.push(format!("{} is missing (run with BLESS=1); actual:\n{actual}", expected_path.display())),
    }
}

#[test]
fn invalid_manifests_fail_with_their_golden_error() {
    let mut failures = Vec::new();
    let all = cases("invalid");
    assert!(all.len() >= 8);
    for case in all {
        let input = std::fs::read(&case).unwrap();
        let actual = match AppManifest::parse(&input) {
            Ok(_) => "parsed, but should have failed".to_string(),
            Err(e) => format!("{e}\n"),
        };
        check(case.with_extension("err"), actual, &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn valid_manifests_parse_to_their_golden_form() {
    let mut failures = Vec::new();
    for case in cases("valid") {
        let input = std::fs::read(&case).unwrap();
        let m = AppManifest::parse(&input).unwrap_or_else(|e| panic!("{}: {e}", case.display()));
        let actual = format!("{}\n", serde_json::to_string_pretty(&m).unwrap());
        check(case.with_extension("out"), actual, &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
