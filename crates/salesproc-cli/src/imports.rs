//! `use` imports: finding, reading and vetting the files a process imports its roles and fields
//! from. The parser resolves names; this module does the file-system work it must not do.
//!
//! A path is resolved relative to the importing file, and must stay inside the project root:
//! the nearest ancestor directory of the importing file holding `salesproc.yaml` or `.git`, or
//! the working directory when there is none. A path that leaves it is refused before anything
//! is read. Imports may import further files; a cycle is an error, and a file reached twice
//! (two imports sharing a third) counts once.

use std::path::{Component, Path, PathBuf};

use salesproc_parser::diagnostic::rules::IMPORT_ERROR;
use salesproc_parser::source::decode;
use salesproc_parser::syntax::{LiteralValue, SourceFile};
use salesproc_parser::{Diagnostic, ImportedFile, Span};

/// Imports nest at most this deep (a longer chain is almost certainly generated or a mistake,
/// and the bound keeps the walk's stack small).
pub const MAX_IMPORT_DEPTH: usize = 32;

/// What loading a file's imports produced.
#[derive(Debug, Default)]
pub struct Loaded {
    /// The roles and fields of every imported file, each file once, in import order.
    pub imports: Vec<ImportedFile>,
    /// `import-error` diagnostics, located at `use` strings of the importing file.
    pub here: Vec<Diagnostic>,
    /// Diagnostics inside imported files: (file as shown, its text, its diagnostics).
    pub elsewhere: Vec<(String, String, Vec<Diagnostic>)>,
}

/// Loads the imports of `tree`, the syntax tree of the file at `importer` (shown as `shown`).
pub fn load(importer: &Path, shown: &str, tree: &SourceFile) -> Loaded {
    let mut loaded = Loaded::default();
    if tree.uses.is_empty() {
        return loaded;
    }
    let importer = absolute(importer);
    let root = project_root(&importer);
    let mut walk = Walk { root: &root, loaded: &mut loaded, visited: Vec::new() };
    let origin = Origin { path: importer.clone(), shown: shown.to_string() };
    for use_line in &tree.uses {
        let mut chain = vec![importer.clone()];
        walk.follow(&origin, use_line, use_line.span, &mut chain);
    }
    loaded
}

/// The directory imports must stay inside (see the module documentation).
pub fn project_root(importer: &Path) -> PathBuf {
    let importer = absolute(importer);
    let mut dir = importer.parent();
    while let Some(current) = dir {
        if current.join(crate::config::FILE_NAME).is_file() || current.join(".git").exists() {
            return current.to_path_buf();
        }
        dir = current.parent();
    }
    std::env::current_dir().map(|d| normalize(&d)).unwrap_or_else(|_| PathBuf::from("/"))
}

/// A file that imports, as found on disk and as shown to the user.
struct Origin {
    path: PathBuf,
    shown: String,
}

struct Walk<'a> {
    root: &'a Path,
    loaded: &'a mut Loaded,
    /// Canonical paths of the files already imported.
    visited: Vec<PathBuf>,
}

impl Walk<'_> {
    /// Follows one `use` line of `origin`. `top` is the `use` string in the checked file that
    /// led here, where problems are reported; `chain` the files being imported, for cycles.
    fn follow(
        &mut self,
        origin: &Origin,
        use_line: &salesproc_parser::syntax::Literal,
        top: Span,
        chain: &mut Vec<PathBuf>,
    ) {
        let LiteralValue::Text(relative) = &use_line.value else { return };
        let named = format!("`{relative}`");
        let via = if chain.len() > 1 { format!(" (imported by `{}`)", origin.shown) } else { String::new() };
        let target = normalize(&origin.path.parent().unwrap_or(Path::new("/")).join(relative));
        let shown = shown_path(&origin.shown, relative);
        if !target.starts_with(self.root) {
            self.error(
                top,
                format!("{named}{via} leaves the project directory `{}`, so it is not read", self.root.display()),
                "import only files inside the project: the nearest directory holding salesproc.yaml or .git",
            );
            return;
        }
        if chain.len() > MAX_IMPORT_DEPTH {
            self.error(
                top,
                format!("imports nest more than {MAX_IMPORT_DEPTH} files deep at {named}"),
                "flatten the chain of imports",
            );
            return;
        }
        let canonical = match std::fs::canonicalize(&target) {
            Ok(path) => path,
            Err(_) => {
                self.error(
                    top,
                    format!("cannot import {named}{via}: there is no file `{}`", target.display()),
                    "check the path; it is relative to the importing file",
                );
                return;
            }
        };
        // A link inside the project may still point outside it.
        let canonical_root = std::fs::canonicalize(self.root).unwrap_or_else(|_| self.root.to_path_buf());
        if !canonical.starts_with(&canonical_root) {
            self.error(
                top,
                format!(
                    "{named}{via} leads outside the project directory `{}` through a link, so it is not read",
                    self.root.display()
                ),
                "import only files inside the project",
            );
            return;
        }
        if let Some(start) = chain.iter().position(|p| std::fs::canonicalize(p).is_ok_and(|c| c == canonical)) {
            let cycle: Vec<String> = chain[start..]
                .iter()
                .chain(std::iter::once(&target))
                .map(|p| p.file_name().map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into_owned()))
                .collect();
            self.error(
                top,
                format!("{named}{via} imports itself: {}", cycle.join(" → ")),
                "break the cycle: keep shared roles and fields in one file that imports nothing that imports it back",
            );
            return;
        }
        if self.visited.contains(&canonical) {
            return;
        }
        self.visited.push(canonical);
        let text = match read(&target) {
            Ok(text) => text,
            Err(message) => {
                self.error(
                    top,
                    format!("cannot import {named}{via}: {message}"),
                    "make it a readable UTF-8 .salesproc file",
                );
                return;
            }
        };
        let parsed = salesproc_parser::parse(&text);
        let mut problems = parsed.diagnostics;
        problems.extend(salesproc_parser::resolve(&parsed.tree).diagnostics);
        if !parsed.tree.processes.is_empty() {
            self.error(
                top,
                format!("{named}{via} holds a process, so it cannot be imported"),
                "an imported file declares only roles, fields and `use` lines: move them into a file of their own",
            );
            return;
        }
        if !problems.is_empty() {
            self.error(
                top,
                format!("{named}{via} has errors of its own (reported in that file)"),
                "fix the imported file first",
            );
            self.loaded.elsewhere.push((shown.clone(), text.clone(), problems));
        }
        self.loaded.imports.push(ImportedFile {
            name: shown.clone(),
            use_span: top,
            roles: parsed.tree.roles.clone(),
            fields: parsed.tree.fields.clone(),
        });
        let next = Origin { path: target.clone(), shown };
        chain.push(target);
        for nested in &parsed.tree.uses {
            self.follow(&next, nested, top, chain);
        }
        chain.pop();
    }

    fn error(&mut self, span: Span, message: String, help: &str) {
        self.loaded.here.push(Diagnostic::error(IMPORT_ERROR, span, message).with_help(help));
    }
}

fn read(path: &Path) -> Result<String, String> {
    let bytes = crate::input::read_file(path).map_err(|failure| failure.describe("it"))?;
    decode(&bytes).map(str::to_string).map_err(|d| d.message)
}

/// The imported file as shown: the importing file's shown directory joined with the `use`
/// path, normalised.
fn shown_path(importer_shown: &str, relative: &str) -> String {
    let dir = Path::new(importer_shown).parent().unwrap_or(Path::new(""));
    crate::check::display_path(&normalize(&dir.join(relative)))
}

fn absolute(path: &Path) -> PathBuf {
    normalize(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
}

/// Removes `.` and resolves `..` lexically, without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            // `..` of the root is the root; `..` that cannot go up in a relative path stays.
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_is_lexical() {
        assert_eq!(normalize(Path::new("/a/b/../c/./d")), PathBuf::from("/a/c/d"));
        assert_eq!(normalize(Path::new("/a/../../etc/passwd")), PathBuf::from("/etc/passwd"));
        assert_eq!(shown_path("teams/pipeline.salesproc", "../shared/roles.salesproc"), "shared/roles.salesproc");
        assert_eq!(normalize(Path::new("../../a")), PathBuf::from("../../a"));
    }
}
