//! One version of a file (on disk, or at a git revision) read, resolved and checked the way
//! `salesproc check` does it, with its `use` imports read from the same version of the
//! repository.

use std::path::{Path, PathBuf};

use salesproc_checker::Options;
use salesproc_parser::diagnostic::rules::IMPORT_ERROR;
use salesproc_parser::model::Model;
use salesproc_parser::source::{decode, LineIndex};
use salesproc_parser::syntax::{Literal, LiteralValue, SourceFile};
use salesproc_parser::{Diagnostic, ImportedFile, Span};

use super::identity::Identity;
use crate::git::{normalize, Commit, Repo};
use crate::imports::MAX_IMPORT_DEPTH;

/// Where a version of a file is read from.
#[derive(Clone, Copy, Debug)]
pub enum Location<'a> {
    /// A file on disk: its imports are read from disk, as `check` reads them.
    Disk(&'a Path),
    /// A file at a git revision: its imports are read at the same revision.
    Git {
        /// The repository.
        repo: &'a Repo,
        /// The revision.
        commit: &'a Commit,
        /// The file, relative to the top of the working tree.
        relative: &'a str,
    },
}

/// A version of a file, read and checked.
#[derive(Debug)]
pub struct Version {
    /// The text (lossily decoded when it is not UTF-8).
    pub text: String,
    /// Where its lines start.
    pub lines: LineIndex,
    /// What could be read of it.
    pub tree: SourceFile,
    /// The typed model, when the front end found no error.
    pub model: Option<Model>,
    /// The errors that stopped the model from being built (empty when it was built).
    pub blocking: Vec<Diagnostic>,
    /// Every diagnostic, as `check` reports it, sorted by position and rule.
    pub diagnostics: Vec<Diagnostic>,
}

impl Version {
    /// Reads `bytes` (the file shown as `shown`, found at `location`) and checks it with
    /// `options`: the front end, then the process rules when the model could be built, then the
    /// suppression comments, exactly as `salesproc check` does.
    pub fn evaluate(bytes: &[u8], shown: &str, location: Location<'_>, options: &Options) -> Version {
        let text = match decode(bytes) {
            Ok(text) => text,
            Err(diagnostic) => return Version::undecodable(bytes, diagnostic),
        };
        let analysis = salesproc_parser::analyze_with_imports(text, |tree| match location {
            Location::Disk(path) => {
                let loaded = crate::imports::load(path, shown, tree);
                (loaded.imports, loaded.here)
            }
            Location::Git { repo, commit, relative } => load_at(repo, commit, relative, shown, tree),
        });
        let model_built = analysis.model.is_some();
        let blocking = if model_built { Vec::new() } else { analysis.diagnostics.clone() };
        let mut diagnostics = analysis.diagnostics;
        if let Some(model) = &analysis.model {
            diagnostics.extend(salesproc_checker::check(model, options));
        }
        let lines = LineIndex::new(text);
        let mut diagnostics = salesproc_checker::suppress::apply(
            diagnostics,
            &analysis.tree.suppressions,
            model_built,
            options,
            &|offset| lines.line(offset),
        );
        sort(&mut diagnostics);
        Version { text: text.to_string(), lines, tree: analysis.tree, model: analysis.model, blocking, diagnostics }
    }

    /// Reads `bytes` with the front end only (syntax and resolution, no imports followed, no
    /// process rules): what `check` reports inside a file that another file imports.
    pub fn front_end_only(bytes: &[u8]) -> Version {
        let text = match decode(bytes) {
            Ok(text) => text,
            Err(diagnostic) => return Version::undecodable(bytes, diagnostic),
        };
        let parsed = salesproc_parser::parse(text);
        let mut diagnostics = parsed.diagnostics;
        let resolved = salesproc_parser::resolve(&parsed.tree);
        diagnostics.extend(resolved.diagnostics);
        sort(&mut diagnostics);
        let model = if diagnostics.is_empty() { resolved.model } else { None };
        Version {
            text: text.to_string(),
            lines: LineIndex::new(text),
            tree: parsed.tree,
            blocking: if model.is_some() { Vec::new() } else { diagnostics.clone() },
            model,
            diagnostics,
        }
    }

    fn undecodable(bytes: &[u8], diagnostic: Diagnostic) -> Version {
        let text = String::from_utf8_lossy(bytes).into_owned();
        Version {
            lines: LineIndex::new(&text),
            text,
            tree: SourceFile::default(),
            model: None,
            blocking: vec![diagnostic.clone()],
            diagnostics: vec![diagnostic],
        }
    }

    /// The identity of each diagnostic, in order.
    pub fn identities(&self) -> Vec<Identity> {
        self.identities_of(&self.diagnostics)
    }

    /// The identity of each of `diagnostics` (diagnostics of this version), in order.
    pub fn identities_of(&self, diagnostics: &[Diagnostic]) -> Vec<Identity> {
        diagnostics.iter().map(|d| Identity::of(d, &self.tree, &self.text)).collect()
    }
}

fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| (a.span.start, a.rule, a.span.end).cmp(&(b.span.start, b.rule, b.span.end)));
}

/// Loads the imports of `tree` (the file `relative` at `commit`, shown as `shown`) from the same
/// revision, with the rules `check` applies on disk: paths relative to the importing file, inside
/// the repository, no cycles, at most [`MAX_IMPORT_DEPTH`] deep, no process in an imported file.
/// Problems are `import-error` diagnostics at the `use` line of this file that led to them.
fn load_at(
    repo: &Repo,
    commit: &Commit,
    relative: &str,
    shown: &str,
    tree: &SourceFile,
) -> (Vec<ImportedFile>, Vec<Diagnostic>) {
    let mut walk = GitWalk { repo, commit, imports: Vec::new(), problems: Vec::new(), visited: Vec::new() };
    for use_line in &tree.uses {
        let mut chain = vec![PathBuf::from(relative)];
        walk.follow((Path::new(relative), shown), use_line, use_line.span, &mut chain);
    }
    (walk.imports, walk.problems)
}

struct GitWalk<'a> {
    repo: &'a Repo,
    commit: &'a Commit,
    imports: Vec<ImportedFile>,
    problems: Vec<Diagnostic>,
    visited: Vec<PathBuf>,
}

impl GitWalk<'_> {
    fn follow(&mut self, origin: (&Path, &str), use_line: &Literal, top: Span, chain: &mut Vec<PathBuf>) {
        let LiteralValue::Text(path) = &use_line.value else { return };
        let named = format!("`{path}`");
        let target = normalize(&origin.0.parent().unwrap_or(Path::new("")).join(path));
        if Path::new(path).is_absolute() || target.starts_with("..") || target.as_os_str().is_empty() {
            self.error(top, format!("{named} leaves the repository at `{}`, so it is not read", self.commit.name));
            return;
        }
        if chain.len() > MAX_IMPORT_DEPTH {
            self.error(top, format!("imports nest more than {MAX_IMPORT_DEPTH} files deep at {named}"));
            return;
        }
        if chain.contains(&target) {
            self.error(top, format!("{named} imports itself at `{}`", self.commit.name));
            return;
        }
        if self.visited.contains(&target) {
            return;
        }
        self.visited.push(target.clone());
        let relative = target.to_string_lossy().replace('\\', "/");
        let text = match self.repo.read_at(self.commit, &relative) {
            Ok(Some(bytes)) => match decode(&bytes) {
                Ok(text) => text.to_string(),
                Err(d) => return self.error(top, format!("cannot import {named}: {}", d.message)),
            },
            Ok(None) => {
                return self.error(
                    top,
                    format!("cannot import {named}: there is no file `{relative}` at `{}`", self.commit.name),
                )
            }
            Err(e) => return self.error(top, format!("cannot import {named}: {e}")),
        };
        let shown = shown_path(origin.1, path);
        let parsed = salesproc_parser::parse(&text);
        let mut problems = parsed.diagnostics.len();
        problems += salesproc_parser::resolve(&parsed.tree).diagnostics.len();
        if !parsed.tree.processes.is_empty() {
            return self.error(top, format!("{named} holds a process, so it cannot be imported"));
        }
        if problems > 0 {
            self.error(top, format!("{named} has errors of its own (reported in that file)"));
        }
        self.imports.push(ImportedFile {
            name: shown.clone(),
            use_span: top,
            roles: parsed.tree.roles.clone(),
            fields: parsed.tree.fields.clone(),
        });
        chain.push(target.clone());
        for nested in &parsed.tree.uses {
            self.follow((&target, &shown), nested, top, chain);
        }
        chain.pop();
    }

    fn error(&mut self, span: Span, message: String) {
        self.problems.push(Diagnostic::error(IMPORT_ERROR, span, message));
    }
}

/// The imported file as `check` shows it: the importing file's shown directory joined with the
/// `use` path, normalised.
fn shown_path(importer_shown: &str, relative: &str) -> String {
    let dir = Path::new(importer_shown).parent().unwrap_or(Path::new(""));
    crate::check::display_path(&normalize(&dir.join(relative)))
}
