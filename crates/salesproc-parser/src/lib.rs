//! The salesproc front end: `.salesproc` text → syntax tree → typed, resolved process model and
//! its graph.
//!
//! The phases, each a function from plain data to plain data:
//!
//! 1. [`parse`]: text → [`syntax::SourceFile`] plus `syntax-error` / `invalid-literal`
//!    diagnostics (the layout pass cuts statements, pest parses each one).
//! 2. [`resolve`]: syntax tree → [`model::Model`] plus `duplicate-definition`,
//!    `undefined-reference`, `type-mismatch` and `invalid-terminal` diagnostics.
//!
//! [`analyze`] runs both. The parser knows nothing of the checker.
#![warn(missing_docs)]

pub mod diagnostic;
pub mod format;
pub mod grammar;
mod layout;
mod literal;
pub mod model;
mod parse;
mod resolve;
pub mod source;
pub mod suggest;
pub mod suppression;
pub mod syntax;
mod syntax_error;

pub use diagnostic::{Diagnostic, Label, Loc, Severity, Span};
pub use layout::MAX_PAREN_DEPTH;
pub use parse::{parse, Parsed};
pub use resolve::{resolve, resolve_with_imports, ImportedFile, Resolved};

/// The result of reading one file: the model when it could be built, and every front-end
/// diagnostic.
#[derive(Debug)]
pub struct Analysis {
    /// The syntax tree (what could be read).
    pub tree: syntax::SourceFile,
    /// The typed model, present only when there is no front-end error.
    pub model: Option<model::Model>,
    /// Front-end diagnostics, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses and resolves a file's text.
pub fn analyze(text: &str) -> Analysis {
    analyze_with_imports(text, |_| (Vec::new(), Vec::new()))
}

/// Parses a file's text, asks `imports` for the files its `use` lines name (with any
/// diagnostics about them, located in this file), and resolves it with them.
pub fn analyze_with_imports(
    text: &str,
    imports: impl FnOnce(&syntax::SourceFile) -> (Vec<ImportedFile>, Vec<Diagnostic>),
) -> Analysis {
    let parsed = parse(text);
    let (imported, import_diagnostics) = imports(&parsed.tree);
    let resolved = resolve_with_imports(&parsed.tree, &imported);
    let mut diagnostics = parsed.diagnostics;
    diagnostics.extend(import_diagnostics);
    diagnostics.extend(resolved.diagnostics);
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end, d.rule));
    let model = if diagnostics.is_empty() { resolved.model } else { None };
    Analysis { tree: parsed.tree, model, diagnostics }
}
