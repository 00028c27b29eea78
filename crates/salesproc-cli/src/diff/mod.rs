//! `salesproc diff`: the semantic changes between two versions of sales processes, for review.
//!
//! `salesproc diff OLD NEW` compares two files; `salesproc diff --git REV [PATH...]` compares
//! every `.salesproc` file of the working tree (under the paths given) with its version at the
//! git revision `REV` (read with the `git` command line, see [`crate::git`]). A file that exists
//! on one side only is all added or all removed.
//!
//! Each version is read and checked exactly as `salesproc check` would ([`version`]), the two
//! typed models are compared item by item ([`compare`]), and the diagnostics of both sides are
//! matched by identity ([`identity`]) to tell which findings the change introduces and which it
//! resolves. [`render`] prints the result as `human`, `markdown` (a pull-request comment) or
//! `json` (documented in `docs/diff-json.md`).
//!
//! Exit codes: `0` the diff was printed; `1` only with `--deny risky`, when a change is risky;
//! `2` the run failed (bad arguments, unreadable file, unknown revision: nothing is printed), or
//! a file could not be compared because one of its versions has errors that stop its model from
//! being built (the report is printed, with those errors).

pub mod compare;
pub mod identity;
pub mod render;
pub mod version;

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use salesproc_checker::Options;
use salesproc_parser::Diagnostic;
use serde::Serialize;

use crate::args::{DiffArgs, DiffDeny, DiffFormat};
use crate::check::display_path;
use crate::config::Settings;
use crate::git::Repo;
use crate::{EXIT_FAILURE, EXIT_FINDINGS, EXIT_OK};
use compare::Change;
use identity::{stage_renames, unmatched};
use version::{Location, Version};

/// What happened to a file between the two versions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// The file exists only in the new version.
    Added,
    /// The file exists only in the old version.
    Removed,
    /// The file changed.
    Modified,
    /// Nothing changed that matters: no semantic change, no finding introduced or resolved.
    Unchanged,
    /// One version has errors that stop its model from being built, so only the findings are
    /// compared.
    NotCompared,
}

/// A diagnostic of one version, placed in that version's text.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    /// The rule.
    pub rule: String,
    /// `error`, `warning` or `info`.
    pub severity: String,
    /// What is wrong.
    pub message: String,
    /// Where the primary span starts (1-based, in that version).
    pub line: usize,
    /// Column, counted in characters, 1-based.
    pub column: usize,
    /// Where the primary span ends.
    pub end_line: usize,
    /// Column where it ends (exclusive).
    pub end_column: usize,
    /// How to fix it, when one fix is obvious.
    pub help: Option<String>,
}

impl Finding {
    fn of(diagnostic: &Diagnostic, version: &Version) -> Finding {
        let start = version.lines.line_col(&version.text, diagnostic.span.start);
        let end = version.lines.line_col(&version.text, diagnostic.span.end);
        Finding {
            rule: diagnostic.rule.to_string(),
            severity: diagnostic.severity.as_str().to_string(),
            message: diagnostic.message.clone(),
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
            help: diagnostic.help.clone(),
        }
    }
}

/// Which version a problem is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The old version (the file given first, or the file at the revision).
    Old,
    /// The new version (the file given second, or the working tree).
    New,
}

/// Why a file's models could not be compared: one version's errors.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Problem {
    /// Which version.
    pub side: Side,
    /// The errors that stop that version's model from being built.
    pub errors: Vec<Finding>,
}

/// The comparison of one file.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FileDiff {
    /// The file as shown: the new path (relative to the repository top with `--git`).
    pub file: String,
    /// What happened to it.
    pub status: Status,
    /// The semantic changes, in file order: process, roles, fields, then stage by stage.
    pub changes: Vec<Change>,
    /// Diagnostics of the new version that the old one does not have (lines of the new
    /// version).
    pub introduced: Vec<Finding>,
    /// Diagnostics of the old version that the new one no longer has (lines of the old
    /// version).
    pub resolved: Vec<Finding>,
    /// The errors that stop a version's process from being read, for each version that has
    /// some; when there are any, `changes` is empty. (The status is then `not-compared`, or
    /// `added` / `removed` for a file that exists on one side only.)
    pub problems: Vec<Problem>,
}

impl FileDiff {
    /// How many changes are risky.
    pub fn risky(&self) -> usize {
        self.changes.iter().filter(|c| c.risk.is_some()).count()
    }
}

/// What one side of the comparison is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Source {
    /// A file given on the command line.
    File {
        /// Its path as given.
        path: String,
    },
    /// A git revision.
    Revision {
        /// The revision as given (`main`, `HEAD~1`).
        revision: String,
        /// The commit it resolved to.
        commit: String,
    },
    /// The files of the working tree.
    WorkingTree,
}

impl Source {
    /// A version of a file on this side, in a sentence: "the version at `main`",
    /// "`old.salesproc`", "the version in the working tree".
    pub fn version(&self) -> String {
        match self {
            Source::File { path } => format!("`{path}`"),
            Source::Revision { revision, .. } => format!("the version at `{revision}`"),
            Source::WorkingTree => "the version in the working tree".into(),
        }
    }

    /// The side in a sentence: "`main`", "`old.salesproc`", "the working tree".
    pub fn describe(&self) -> String {
        match self {
            Source::File { path } => format!("`{path}`"),
            Source::Revision { revision, .. } => format!("`{revision}`"),
            Source::WorkingTree => "the working tree".into(),
        }
    }
}

/// The whole comparison.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DiffReport {
    /// The old side.
    pub old: Source,
    /// The new side.
    pub new: Source,
    /// Every file compared, sorted by path; unchanged files are left out.
    pub files: Vec<FileDiff>,
}

/// Compares two versions of one file. `None` is a file that does not exist on that side.
pub fn diff_versions(file: &str, old: Option<&Version>, new: Option<&Version>) -> FileDiff {
    let mut problems = Vec::new();
    for (side, version) in [(Side::Old, old), (Side::New, new)] {
        if let Some(version) = version.filter(|v| v.model.is_none()) {
            problems.push(Problem { side, errors: version.blocking.iter().map(|d| Finding::of(d, version)).collect() });
        }
    }
    let changes = if problems.is_empty() {
        compare::compare(old.and_then(|v| v.model.as_ref()), new.and_then(|v| v.model.as_ref()))
    } else {
        Vec::new()
    };
    let renames = match (old, new) {
        (Some(old), Some(new)) => stage_renames(&old.tree, &new.tree),
        _ => Default::default(),
    };
    let old_ids: Vec<_> =
        old.map(|v| v.identities().iter().map(|i| i.renaming(&renames)).collect()).unwrap_or_default();
    let new_ids = new.map(Version::identities).unwrap_or_default();
    let introduced = match new {
        Some(version) => {
            unmatched(&new_ids, &old_ids).into_iter().map(|i| Finding::of(&version.diagnostics[i], version)).collect()
        }
        None => Vec::new(),
    };
    let resolved: Vec<Finding> = match old {
        Some(version) => {
            unmatched(&old_ids, &new_ids).into_iter().map(|i| Finding::of(&version.diagnostics[i], version)).collect()
        }
        None => Vec::new(),
    };
    let same_text = matches!((old, new), (Some(a), Some(b)) if a.text == b.text);
    let status = match (old, new) {
        (None, _) => Status::Added,
        (_, None) => Status::Removed,
        _ if changes.is_empty()
            && introduced.is_empty()
            && resolved.is_empty()
            && (problems.is_empty() || same_text) =>
        {
            Status::Unchanged
        }
        _ if !problems.is_empty() => Status::NotCompared,
        _ => Status::Modified,
    };
    if status == Status::Unchanged {
        problems.clear();
    }
    FileDiff { file: file.to_string(), status, changes, introduced, resolved, problems }
}

/// Runs `salesproc diff`; returns the exit code.
pub fn run(args: &DiffArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let report = match build(args) {
        Ok(report) => report,
        Err(message) => {
            let _ = writeln!(err, "salesproc: {message}");
            return EXIT_FAILURE;
        }
    };
    let text = match args.format {
        DiffFormat::Human => render::human(&report),
        DiffFormat::Markdown => render::markdown(&report),
        DiffFormat::Json => render::json(&report),
    };
    if out.write_all(text.as_bytes()).is_err() {
        return EXIT_FAILURE;
    }
    let not_compared: Vec<&FileDiff> = report.files.iter().filter(|f| !f.problems.is_empty()).collect();
    for file in &not_compared {
        for problem in &file.problems {
            let (version, advice) = match problem.side {
                Side::Old => (report.old.version(), "only the findings are compared"),
                Side::New => (report.new.version(), "fix them and run the diff again"),
            };
            let count = problem.errors.len();
            let _ = writeln!(
                err,
                "salesproc: cannot compare `{}`: {version} has {} the process from being read \
                 (listed in the report); {advice}",
                file.file,
                if count == 1 { "1 error that stops".to_string() } else { format!("{count} errors that stop") },
            );
        }
    }
    if !not_compared.is_empty() {
        EXIT_FAILURE
    } else if args.deny == Some(DiffDeny::Risky) && report.files.iter().any(|f| f.risky() > 0) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// Reads, checks and compares everything the arguments name.
fn build(args: &DiffArgs) -> Result<DiffReport, String> {
    let mut settings = Settings::new(args.config.as_deref(), args.today.or_else(crate::check::today))?;
    let mut options_for = |file: &Path| settings.options_for(file);
    match &args.git {
        Some(rev) => build_git(rev, &args.paths, &mut options_for),
        None => build_files(&args.paths, &mut options_for),
    }
}

fn build_files(
    paths: &[PathBuf],
    options_for: &mut dyn FnMut(&Path) -> Result<Options, String>,
) -> Result<DiffReport, String> {
    let [old_path, new_path] = paths else {
        return Err(format!(
            "`salesproc diff` compares two files, the old version then the new one (got {} path{}); \
             to compare with a git revision, use `salesproc diff --git REV [PATH...]`",
            paths.len(),
            if paths.len() == 1 { "" } else { "s" }
        ));
    };
    let options = options_for(new_path)?;
    let (old_shown, new_shown) = (display_path(old_path), display_path(new_path));
    let old_bytes = read_disk(old_path)?;
    let new_bytes = read_disk(new_path)?;
    let old = Version::evaluate(&old_bytes, &old_shown, Location::Disk(old_path), &options);
    let new = Version::evaluate(&new_bytes, &new_shown, Location::Disk(new_path), &options);
    // Two files given by hand are always reported, even when nothing changed.
    let file = diff_versions(&new_shown, Some(&old), Some(&new));
    Ok(DiffReport { old: Source::File { path: old_shown }, new: Source::File { path: new_shown }, files: vec![file] })
}

fn build_git(
    rev: &str,
    paths: &[PathBuf],
    options_for: &mut dyn FnMut(&Path) -> Result<Options, String>,
) -> Result<DiffReport, String> {
    let start = match paths.first() {
        Some(path) if path.is_dir() => path.clone(),
        Some(path) => path.parent().filter(|p| p.is_dir()).map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        None => PathBuf::from("."),
    };
    let repo = Repo::discover(&start).map_err(|e| e.to_string())?;
    let commit = repo.resolve(rev).map_err(|e| e.to_string())?;
    let mut specs = Vec::new();
    for path in paths {
        let relative = repo.relative(path).ok_or_else(|| {
            format!("`{}` is outside the git repository at `{}`", path.display(), repo.top().display())
        })?;
        specs.push(relative);
    }
    if specs.iter().any(String::is_empty) {
        specs.clear();
    }
    let is_process = |f: &String| f.ends_with(".salesproc");
    let working: BTreeSet<String> =
        repo.working_files(&specs).map_err(|e| e.to_string())?.into_iter().filter(is_process).collect();
    let at_rev: BTreeSet<String> =
        repo.files_at(&commit, &specs).map_err(|e| e.to_string())?.into_iter().filter(is_process).collect();
    let all: BTreeSet<&String> = working.iter().chain(&at_rev).collect();
    for (spec, path) in specs.iter().zip(paths) {
        let under = |f: &&String| f.as_str() == spec || f.starts_with(&format!("{spec}/"));
        if !all.iter().any(under) {
            return Err(format!(
                "there is no .salesproc file at `{}`, neither in the working tree nor at `{rev}`",
                path.display()
            ));
        }
    }
    let mut files = Vec::new();
    for relative in all {
        let on_disk = repo.top().join(relative);
        let options = options_for(&on_disk)?;
        let new = match working.contains(relative) {
            true => Some(read_disk(&on_disk)?),
            false => None,
        };
        let old = match at_rev.contains(relative) {
            true => repo.read_at(&commit, relative).map_err(|e| e.to_string())?,
            false => None,
        };
        // The same bytes with no imports that could have changed: nothing to compare.
        if let (Some(a), Some(b)) = (&old, &new) {
            let imports_nothing = || match salesproc_parser::source::decode(a) {
                Ok(text) => salesproc_parser::parse(text).tree.uses.is_empty(),
                Err(_) => true,
            };
            if a == b && imports_nothing() {
                continue;
            }
        }
        let location = Location::Git { repo: &repo, commit: &commit, relative };
        let file = compare_bytes(relative, old.as_deref(), new.as_deref(), location, &on_disk, &options);
        if file.status != Status::Unchanged {
            files.push(file);
        }
    }
    Ok(DiffReport {
        old: Source::Revision { revision: commit.name.clone(), commit: commit.id.clone() },
        new: Source::WorkingTree,
        files,
    })
}

fn compare_bytes(
    shown: &str,
    old: Option<&[u8]>,
    new: Option<&[u8]>,
    old_location: Location<'_>,
    new_location: &Path,
    options: &Options,
) -> FileDiff {
    let old = old.map(|bytes| Version::evaluate(bytes, shown, old_location, options));
    let new = new.map(|bytes| Version::evaluate(bytes, shown, Location::Disk(new_location), options));
    diff_versions(shown, old.as_ref(), new.as_ref())
}

fn read_disk(path: &Path) -> Result<Vec<u8>, String> {
    crate::input::read_file(path).map_err(|failure| match failure {
        crate::input::ReadFailure::Directory => format!(
            "`{}` is a directory: `salesproc diff OLD NEW` compares two files; to compare a directory with \
             its version at a git revision, use `salesproc diff --git REV {}`",
            path.display(),
            path.display()
        ),
        other => other.describe(&format!("`{}`", path.display())),
    })
}
