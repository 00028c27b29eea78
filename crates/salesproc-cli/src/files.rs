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

/// Expands `paths` into the files to check, sorted within each directory so the order never
/// depends on the file system. A file given by name is checked whatever its extension.
/// Directories are walked without following symbolic links, so a link loop cannot trap the walk.
pub fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, PathError> {
    let mut files = Vec::new();
    for path in paths {
        let metadata = std::fs::metadata(path).map_err(|error| PathError { path: path.clone(), error })?;
        if metadata.is_dir() {
            walk(path, &mut files).map_err(|error| PathError { path: path.clone(), error })?;
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

fn walk(root: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut pending = vec![root.to_path_buf()];
    let mut found = Vec::new();
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let file_type = entry.file_type()?;
            let path = entry.path();
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            if file_type.is_dir() && !hidden {
                pending.push(path);
            } else if file_type.is_file() && path.extension().is_some_and(|e| e == EXTENSION) {
                found.push(path);
            }
        }
    }
    found.sort();
    files.extend(found);
    Ok(())
}
