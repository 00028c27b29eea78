//! Every input the fuzzers minimised, run again by the normal test suite.
//!
//! `tests/corpus/fuzz/<target>/` holds one file per finding of the cargo-fuzz target of that
//! name (`fuzz/`, `docs/robustness.md`): the bytes libFuzzer saved, minimised with
//! `cargo fuzz tmin`. Each is run through the same function the target runs, on a thread with
//! the 2 MiB stack `salesproc check` gives its workers.

use std::path::{Path, PathBuf};

fn corpus(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus/fuzz").join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.is_file() && p.file_name().is_some_and(|n| n != "README.md"));
    files.sort();
    files
}

fn replay(target: &str, run: fn(&[u8])) -> usize {
    let files = corpus(target);
    for file in &files {
        let bytes = std::fs::read(file).unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
        let shown = file.display().to_string();
        std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(move || run(&bytes))
            .expect("a thread")
            .join()
            .unwrap_or_else(|_| panic!("{shown} fails again"));
    }
    files.len()
}

#[test]
fn check_findings_stay_fixed() {
    replay("check", salesproc_gen::fuzz::check);
}

#[test]
fn solver_findings_stay_fixed() {
    replay("solver", salesproc_gen::fuzz::solver);
}

#[test]
fn fmt_findings_stay_fixed() {
    replay("fmt", salesproc_gen::fuzz::fmt);
}

#[test]
fn the_targets_accept_the_examples() {
    // A smoke test of the targets themselves: the examples go through all three.
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut seen = 0;
    for entry in std::fs::read_dir(examples).expect("examples").filter_map(Result::ok) {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "salesproc") {
            let bytes = std::fs::read(&path).expect("read");
            salesproc_gen::fuzz::check(&bytes);
            salesproc_gen::fuzz::fmt(&bytes);
            salesproc_gen::fuzz::solver(&bytes);
            seen += 1;
        }
    }
    assert!(seen >= 3);
    for seed in 0..200u64 {
        let bytes: Vec<u8> = (0..64).map(|i| (seed.wrapping_mul(31).wrapping_add(i * 17) % 251) as u8).collect();
        salesproc_gen::fuzz::solver(&bytes);
    }
}
