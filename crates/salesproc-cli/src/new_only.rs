//! `salesproc check --new-only --base REV`: keep only the diagnostics that the same file did not
//! already have at git revision `REV`, so that CI fails on what a change introduces and not on
//! what a large existing process already had.
//!
//! Each checked file is also checked as it is at `REV` (read with `git`, its `use` imports read
//! at `REV` too, with the same configuration), and the diagnostics of both versions are matched
//! by [identity](crate::diff::identity): rule, enclosing stage / transition / activity / field /
//! role, and the names the message quotes — never line numbers, so that moving or reformatting
//! code never makes an old finding look new. Identities are counted: a file that had two
//! findings with one identity and now has three reports one. A file that does not exist at
//! `REV` (new, or renamed since) has only new findings.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use salesproc_checker::Options;

use crate::args::CheckArgs;
use crate::check::FileReport;
use crate::diff::identity::{stage_renames, unmatched, Identity};
use crate::diff::version::{Location, Version};
use crate::git::{Commit, Repo};

/// The revision `--new-only` compares with when `--base` is not given.
pub const DEFAULT_BASE: &str = "HEAD";

/// Drops from `reports` every diagnostic that the same file already had at the `--base`
/// revision. `checked` lists the files `check` was asked to check, with their options; other
/// reports (files with problems reached through `use`) are compared on their front-end
/// diagnostics, which are all `check` reports for them. Writes how many were left out to `err`
/// unless `--quiet`. An error is a failed run (exit 2): not a git checkout, unknown revision.
pub fn retain_new(
    args: &CheckArgs,
    reports: Vec<FileReport>,
    checked: &[(String, Options)],
    err: &mut dyn Write,
) -> Result<Vec<FileReport>, String> {
    let rev = args.base.as_deref().unwrap_or(DEFAULT_BASE);
    let stdin_unnamed = args.stdin_filename.is_none() && args.paths.iter().any(|p| p.as_os_str() == "-");
    let mut repos: HashMap<PathBuf, (Repo, Commit)> = HashMap::new();
    let mut hidden = 0;
    let mut kept_reports = Vec::with_capacity(reports.len());
    for mut report in reports {
        if stdin_unnamed && report.path == "<stdin>" {
            return Err(format!(
                "--new-only compares each file with its version at `{rev}`, and standard input has no path: \
                 name the file with --stdin-filename PATH"
            ));
        }
        let path = Path::new(&report.path);
        let dir = existing_dir(path);
        if !repos.contains_key(&dir) {
            let repo = Repo::discover(&dir)
                .map_err(|e| format!("--new-only cannot read `{}` at `{rev}`: {e}", report.path))?;
            let commit = repo.resolve(rev).map_err(|e| e.to_string())?;
            repos.insert(dir.clone(), (repo, commit));
        }
        let Some((repo, commit)) = repos.get(&dir) else { continue };
        if report.diagnostics.is_empty() {
            kept_reports.push(report);
            continue;
        }
        let relative = repo
            .relative(path)
            .ok_or_else(|| format!("`{}` is outside the git repository at `{}`", report.path, repo.top().display()))?;
        let Some(bytes) = repo.read_at(commit, &relative).map_err(|e| e.to_string())? else {
            // Not in the revision: everything in it is new.
            kept_reports.push(report);
            continue;
        };
        let base = match checked.iter().find(|(shown, _)| *shown == report.path) {
            Some((_, options)) => {
                let location = Location::Git { repo, commit, relative: &relative };
                Version::evaluate(&bytes, &report.path, location, options)
            }
            None => Version::front_end_only(&bytes),
        };
        let tree = salesproc_parser::parse(&report.text).tree;
        let renames = stage_renames(&base.tree, &tree);
        let before: Vec<Identity> = base.identities().iter().map(|i| i.renaming(&renames)).collect();
        let now: Vec<Identity> = report.diagnostics.iter().map(|d| Identity::of(d, &tree, &report.text)).collect();
        let fresh = unmatched(&now, &before);
        hidden += report.diagnostics.len() - fresh.len();
        let mut index = 0;
        report.diagnostics.retain(|_| {
            let keep = fresh.binary_search(&index).is_ok();
            index += 1;
            keep
        });
        kept_reports.push(report);
    }
    if hidden > 0 && !args.quiet {
        let _ = writeln!(
            err,
            "salesproc: --new-only: {hidden} finding{} already present at `{rev}` {} not shown",
            if hidden == 1 { "" } else { "s" },
            if hidden == 1 { "is" } else { "are" }
        );
    }
    Ok(kept_reports)
}

/// The directory of `file` that exists (a file given through `--stdin-filename` may not), to
/// run git in.
fn existing_dir(file: &Path) -> PathBuf {
    let mut dir = file.parent();
    while let Some(candidate) = dir {
        if candidate.as_os_str().is_empty() {
            break;
        }
        if candidate.is_dir() {
            return candidate.to_path_buf();
        }
        dir = candidate.parent();
    }
    PathBuf::from(".")
}
