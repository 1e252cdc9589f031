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
