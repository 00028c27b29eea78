//! Shared helpers for the end-to-end tests: where the fixtures are, and how a fixture is
//! checked and rendered for its snapshot.

use std::path::{Path, PathBuf};

use salesproc_checker::Options;
use salesproc_cli::check::{check_bytes, parse_date, FileReport};

/// The date every test runs on, so `stale-review` is reproducible.
pub const TODAY: &str = "2026-11-25";

/// The options every fixture is checked with.
pub fn options() -> Options {
    Options { today: parse_date(TODAY), ..Options::default() }
}

/// The root of the `tests/` crate.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The repository root.
pub fn repository() -> PathBuf {
    root().parent().map(Path::to_path_buf).unwrap_or_else(root)
}

/// Checks `path` (shown as `shown`) with the test options.
pub fn check_file(path: &Path, shown: &str) -> FileReport {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    check_bytes(shown, &bytes, &options())
}

/// The `*.salesproc` files directly in `dir`, sorted.
pub fn salesproc_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "salesproc"));
    files.sort();
    files
}
