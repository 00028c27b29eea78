//! A throwaway git repository for the tests of `diff --git` and `check --new-only`: built in a
//! temporary directory with the `git` command line, committed with a fixed identity and no
//! signing, so that the tests do not depend on the machine's git configuration.
//!
//! Included with `#[path]` by several test crates, each using part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use salesproc_tests::TempDir;

/// A git repository in a temporary directory, removed when dropped.
pub struct GitRepo {
    dir: TempDir,
}

impl GitRepo {
    /// A new repository with no commit.
    pub fn new(prefix: &str) -> GitRepo {
        let repo = GitRepo { dir: TempDir::new(prefix) };
        repo.git(&["init", "-q"]);
        repo
    }

    /// The top of the working tree.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `relative` inside the working tree, as a string for the command line.
    pub fn file(&self, relative: &str) -> String {
        self.path().join(relative).to_string_lossy().into_owned()
    }

    /// Writes `text` to `relative`, creating directories.
    pub fn write(&self, relative: &str, text: &str) -> PathBuf {
        self.dir.write(relative, text)
    }

    /// Removes `relative` from the working tree.
    pub fn remove(&self, relative: &str) {
        std::fs::remove_file(self.path().join(relative)).unwrap_or_else(|e| panic!("cannot remove {relative}: {e}"));
    }

    /// Stages everything and commits it; returns the commit id.
    pub fn commit(&self, message: &str) -> String {
        self.git(&["add", "-A"]);
        self.git(&[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "-c",
            "commit.gpgsign=false",
            "commit",
            "-q",
            "--no-verify",
            "-m",
            message,
        ]);
        self.git(&["rev-parse", "HEAD"]).trim().to_string()
    }

    /// Runs git in the repository and returns its standard output; panics when it fails.
    pub fn git(&self, args: &[&str]) -> String {
        let output = Command::new("git")
            .arg("-C")
            .arg(self.path())
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .unwrap_or_else(|e| panic!("cannot run git: {e}"));
        assert!(output.status.success(), "git {args:?} failed: {}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8_lossy(&output.stdout).into_owned()
    }
}
