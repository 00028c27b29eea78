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

/// The directories directly in `tests/<name>`, sorted (one per fixture group).
pub fn fixture_dirs(name: &str) -> Vec<PathBuf> {
    let dir = root().join(name);
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
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

/// A directory under the system's temporary directory, removed when dropped.
#[derive(Debug)]
pub struct TempDir(PathBuf);

impl TempDir {
    /// A new, empty directory whose name starts with `prefix`.
    pub fn new(prefix: &str) -> TempDir {
        static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("salesproc-{prefix}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
        TempDir(dir)
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Writes `text` to `relative` inside the directory, creating parent directories.
    pub fn write(&self, relative: &str, text: &str) -> PathBuf {
        let path = self.0.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("cannot create {}: {e}", parent.display()));
        }
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `salesproc` with `args` in-process, with nothing on standard input; returns
/// (exit code, stdout, stderr). `stale-review` sees [`TODAY`].
pub fn salesproc<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> (u8, String, String) {
    salesproc_with_input(args, b"")
}

/// Runs `salesproc` with `args`, `stdin` as standard input; returns (exit code, stdout, stderr).
pub fn salesproc_with_input<S: AsRef<std::ffi::OsStr>>(args: &[S], stdin: &[u8]) -> (u8, String, String) {
    // `stale-review` reads today's date from the environment; every test pins the same date.
    std::env::set_var("SALESPROC_TODAY", TODAY);
    let mut argv: Vec<std::ffi::OsString> = vec!["salesproc".into()];
    argv.extend(args.iter().map(|a| a.as_ref().to_os_string()));
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut input = stdin;
    let code = salesproc_cli::run_with_input(argv, &mut input, &mut out, &mut err);
    (code, String::from_utf8_lossy(&out).into_owned(), String::from_utf8_lossy(&err).into_owned())
}
