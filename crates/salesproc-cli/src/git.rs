//! Reading files as they are at a git revision, for `salesproc diff --git` and
//! `salesproc check --new-only`.
//!
//! This module runs the `git` command line (`std::process::Command`) instead of linking a git
//! library, on purpose:
//!
//! - `git` is already installed wherever a process repository is checked out (laptops, CI
//!   runners); a library would add a C build (`git2`/libgit2) or a large dependency tree (`gix`)
//!   to a linter that needs four read-only queries.
//! - The command line understands everything the user's git does: every revision syntax
//!   (`origin/main`, `HEAD~3`, `v2026.4`), worktrees, sparse and partial clones, alternates and
//!   `safe.directory` settings. A library can lag behind on any of them.
//! - Only plumbing commands with stable, NUL-separated output are used: `rev-parse`,
//!   `cat-file`, `ls-files` and `ls-tree`.
//!
//! Safety: a revision starting with `-` is refused (git would read it as an option); paths are
//! passed after `--` or in `REV:path` form, with `GIT_LITERAL_PATHSPECS` so that no path is read
//! as a pattern; git never prompts for credentials and never starts a pager. Every failure comes
//! back as a [`GitError`] worded for the person running salesproc, never as a panic.

use std::path::{Component, Path, PathBuf};
use std::process::{Command, Output};

use crate::input::MAX_FILE_SIZE;

/// Something git could not do, worded for the person running salesproc.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GitError(pub String);

impl std::fmt::Display for GitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for GitError {}

/// A git working tree: the directory `git rev-parse --show-toplevel` names.
#[derive(Clone, Debug)]
pub struct Repo {
    top: PathBuf,
}

/// A revision resolved to a commit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Commit {
    /// The full commit id.
    pub id: String,
    /// The revision as the user wrote it (`main`, `HEAD~1`), for messages.
    pub name: String,
}

impl Repo {
    /// The repository whose working tree holds `dir`.
    pub fn discover(dir: &Path) -> Result<Repo, GitError> {
        let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
        let output = git_in(dir, &["rev-parse", "--show-toplevel"])?;
        if !output.status.success() {
            return Err(GitError(format!(
                "`{}` is not inside a git repository ({}), so it has no earlier version to compare with; \
                 run salesproc inside a git checkout",
                dir.display(),
                first_line(&output.stderr)
            )));
        }
        let top = String::from_utf8_lossy(&output.stdout).trim_end_matches(['\n', '\r']).to_string();
        let top = std::fs::canonicalize(&top).unwrap_or_else(|_| PathBuf::from(top));
        Ok(Repo { top })
    }

    /// The top directory of the working tree (canonical).
    pub fn top(&self) -> &Path {
        &self.top
    }

    /// Resolves `rev` to a commit. A revision that does not exist here (for instance a branch
    /// that a shallow CI checkout did not fetch) is an error saying so.
    pub fn resolve(&self, rev: &str) -> Result<Commit, GitError> {
        if rev.is_empty() || rev.starts_with('-') {
            return Err(GitError(format!(
                "`{rev}` is not a git revision: give a branch, tag or commit such as `main` or `HEAD~1`"
            )));
        }
        let output = self.git(&["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")])?;
        if !output.status.success() {
            return Err(GitError(format!(
                "there is no git revision `{rev}` in `{}`: check the name, and in CI fetch it first \
                 (for example `actions/checkout` with `fetch-depth: 0`)",
                self.top.display()
            )));
        }
        let id = String::from_utf8_lossy(&output.stdout).trim().to_string();
        Ok(Commit { id, name: rev.to_string() })
    }

    /// `path` (on disk, relative to the working directory or absolute) relative to the top of
    /// the working tree, with `/` separators; `None` when it lies outside.
    pub fn relative(&self, path: &Path) -> Option<String> {
        let absolute = canonical_or_lexical(path);
        let relative = absolute.strip_prefix(&self.top).ok()?;
        let parts: Vec<String> = relative
            .components()
            .filter_map(|c| match c {
                Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect();
        Some(parts.join("/"))
    }

    /// The bytes of `relative` (relative to the top, `/` separators) at `commit`; `None` when
    /// the file does not exist there.
    pub fn read_at(&self, commit: &Commit, relative: &str) -> Result<Option<Vec<u8>>, GitError> {
        let object = format!("{}:{relative}", commit.id);
        let kind = self.git(&["cat-file", "-t", &object])?;
        if !kind.status.success() {
            return Ok(None);
        }
        let kind = String::from_utf8_lossy(&kind.stdout).trim().to_string();
        if kind != "blob" {
            return Err(GitError(format!("`{relative}` is a {kind} at `{}`, not a file", commit.name)));
        }
        let size = self.git(&["cat-file", "-s", &object])?;
        let size: u64 = String::from_utf8_lossy(&size.stdout).trim().parse().unwrap_or(0);
        if size > MAX_FILE_SIZE {
            return Err(GitError(format!(
                "`{relative}` at `{}` is larger than the {} MiB salesproc reads",
                commit.name,
                MAX_FILE_SIZE / (1024 * 1024)
            )));
        }
        let blob = self.git(&["cat-file", "blob", &object])?;
        if !blob.status.success() {
            return Err(GitError(format!(
                "cannot read `{relative}` at `{}`: {}",
                commit.name,
                first_line(&blob.stderr)
            )));
        }
        Ok(Some(blob.stdout))
    }

    /// The files of the working tree under `pathspecs` (relative to the top; every file when
    /// empty) that git tracks or would track (untracked files not ignored by `.gitignore`),
    /// which exist on disk, sorted, each once.
    pub fn working_files(&self, pathspecs: &[String]) -> Result<Vec<String>, GitError> {
        let mut args = vec!["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--"];
        args.extend(pathspecs.iter().map(String::as_str));
        let output = self.git(&args)?;
        if !output.status.success() {
            return Err(GitError(format!("`git ls-files` failed: {}", first_line(&output.stderr))));
        }
        let mut files: Vec<String> = split_nul(&output.stdout).filter(|f| self.top.join(f).is_file()).collect();
        files.sort();
        files.dedup();
        Ok(files)
    }

    /// The files under `pathspecs` (every file when empty) at `commit`, sorted.
    pub fn files_at(&self, commit: &Commit, pathspecs: &[String]) -> Result<Vec<String>, GitError> {
        let mut args = vec!["ls-tree", "-r", "-z", "--name-only", commit.id.as_str(), "--"];
        args.extend(pathspecs.iter().map(String::as_str));
        let output = self.git(&args)?;
        if !output.status.success() {
            return Err(GitError(format!("`git ls-tree` failed: {}", first_line(&output.stderr))));
        }
        let mut files: Vec<String> = split_nul(&output.stdout).collect();
        files.sort();
        files.dedup();
        Ok(files)
    }

    fn git(&self, args: &[&str]) -> Result<Output, GitError> {
        git_in(&self.top, args)
    }
}

/// Runs `git -C dir args...` with no pager, no prompt and literal pathspecs.
fn git_in(dir: &Path, args: &[&str]) -> Result<Output, GitError> {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["--no-pager", "-c", "core.quotepath=off"])
        .args(args)
        .env("GIT_LITERAL_PATHSPECS", "1")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                GitError(
                    "salesproc reads earlier versions with the `git` command, and no `git` was found on the PATH: \
                     install git"
                        .into(),
                )
            } else {
                GitError(format!("cannot run `git`: {e}"))
            }
        })
}

fn split_nul(bytes: &[u8]) -> impl Iterator<Item = String> + '_ {
    bytes.split(|b| *b == 0).filter(|s| !s.is_empty()).map(|s| String::from_utf8_lossy(s).into_owned())
}

fn first_line(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("no reason given").trim();
    line.strip_prefix("fatal: ").unwrap_or(line).to_string()
}

/// The canonical form of `path`, or of its nearest existing ancestor joined with the rest (for
/// a file that no longer exists), or else its lexically normalised absolute form.
fn canonical_or_lexical(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let absolute = normalize(&absolute);
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(canonical) = std::fs::canonicalize(existing) {
            let mut result = canonical;
            for part in rest.iter().rev() {
                result.push(part);
            }
            return result;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

/// Removes `.` and resolves `..` lexically, without touching the file system.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revisions_that_look_like_options_are_refused() {
        let repo = Repo { top: PathBuf::from("/nonexistent") };
        assert!(repo.resolve("--output=/tmp/x").is_err());
        assert!(repo.resolve("").is_err());
    }

    #[test]
    fn nul_separated_output() {
        assert_eq!(split_nul(b"a.salesproc\0b/c.salesproc\0").collect::<Vec<_>>(), ["a.salesproc", "b/c.salesproc"]);
        assert_eq!(first_line(b"fatal: not a git repository\nmore"), "not a git repository");
    }
}
