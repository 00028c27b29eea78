//! Finding the files to check: the paths given, with directories searched for `*.salesproc`.

use std::path::{Path, PathBuf};

/// The extension of process files.
pub const EXTENSION: &str = "salesproc";

/// A path that could not be read, with why.
#[derive(Debug)]
pub struct PathError {
    /// The path as given.
    pub path: PathBuf,
    /// What went wrong.
    pub error: std::io::Error,
}

/// Expands `paths` into the files to check. A file given by name is checked whatever its
/// extension; directories are searched for `*.salesproc` files with the `ignore` crate, which
/// skips hidden entries and honours `.gitignore` (inside a git repository) and `.ignore` files,
/// as ripgrep does. Files found under one directory are sorted by path, so the order never
/// depends on the file system; symbolic links are not followed.
pub fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, PathError> {
    let mut files = Vec::new();
    for path in paths {
        let metadata = std::fs::metadata(path).map_err(|error| PathError { path: path.clone(), error })?;
        if metadata.is_dir() {
            files.extend(walk(path).map_err(|error| PathError { path: path.clone(), error })?);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

fn walk(root: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for entry in ignore::WalkBuilder::new(root).follow_links(false).build() {
        let entry = entry.map_err(std::io::Error::other)?;
        let is_file = entry.file_type().is_some_and(|t| t.is_file());
        if is_file && entry.path().extension().is_some_and(|e| e == EXTENSION) {
            found.push(entry.into_path());
        }
    }
    found.sort();
    Ok(found)
}
