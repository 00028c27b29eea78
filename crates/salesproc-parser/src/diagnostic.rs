//! Diagnostics: what every phase reports, from the layout pass to the checker's rules.

use serde::Serialize;

/// A byte range in one source file, `start..end`.
///
/// Spans take part in equality: they identify places in a text. The typed model stores
/// [`Loc`] instead, which does not.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    /// Offset of the first byte.
    pub start: usize,
    /// Offset one past the last byte.
    pub end: usize,
}

impl Span {
    /// The span `start..end`.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// An empty span at `offset`.
    pub fn at(offset: usize) -> Self {
        Span::new(offset, offset)
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// The span shifted right by `offset` bytes.
    pub fn shift(self, offset: usize) -> Span {
        Span::new(self.start + offset, self.end + offset)
    }

    /// Number of bytes covered.
    pub fn len(self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// Whether the span covers no byte.
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }
}

/// Where an item of the typed model was written.
///
/// A `Loc` never takes part in equality, so two models that differ only in layout (for
/// instance a file and its formatted version) compare equal.
#[derive(Clone, Copy, Debug, Default, Serialize)]
#[serde(transparent)]
pub struct Loc(pub Span);

impl PartialEq for Loc {
    fn eq(&self, _other: &Loc) -> bool {
        true
    }
}

impl From<Span> for Loc {
    fn from(span: Span) -> Loc {
        Loc(span)
    }
}

impl std::ops::Deref for Loc {
    type Target = Span;
    fn deref(&self) -> &Span {
        &self.0
    }
}

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Something that stops the process from working; `check` exits 1.
    Error,
    /// Something a reviewer should look at.
    Warning,
    /// A reminder.
    Info,
}

impl Severity {
    /// The lower-case name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A secondary place a diagnostic points at, with what it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What it is, in the user's words ("first defined here").
    pub message: String,
}

/// One finding about a file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The stable, kebab-case rule name users put in configuration and suppressions.
    pub rule: &'static str,
    /// How serious it is.
    pub severity: Severity,
    /// What is wrong, naming the things involved.
    pub message: String,
    /// The primary place.
    pub span: Span,
    /// Other places involved.
    pub labels: Vec<Label>,
    /// How to fix it, where one fix is obvious.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error-level diagnostic of `rule` at `span`.
    pub fn error(rule: &'static str, span: Span, message: impl Into<String>) -> Self {
        Diagnostic { rule, severity: Severity::Error, message: message.into(), span, labels: Vec::new(), help: None }
    }

    /// The same diagnostic with another severity.
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// The same diagnostic with a secondary label.
    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label { span, message: message.into() });
        self
    }

    /// The same diagnostic with a help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// The names of the front-end rules: errors that stop the model from being built.
pub mod rules {
    /// The text does not follow the grammar.
    pub const SYNTAX_ERROR: &str = "syntax-error";
    /// A literal is malformed or out of range, or the file is not UTF-8.
    pub const INVALID_LITERAL: &str = "invalid-literal";
    /// Two definitions share an identifier, or a once-only statement repeats.
    pub const DUPLICATE_DEFINITION: &str = "duplicate-definition";
    /// A name refers to nothing.
    pub const UNDEFINED_REFERENCE: &str = "undefined-reference";
    /// A criterion breaks the typing table.
    pub const TYPE_MISMATCH: &str = "type-mismatch";
    /// A terminal stage has transitions, exit criteria or `requires`.
    pub const INVALID_TERMINAL: &str = "invalid-terminal";
    /// A `use` file cannot be imported.
    pub const IMPORT_ERROR: &str = "import-error";
    /// A file found in a checked directory cannot be read, or is too large to read.
    pub const UNREADABLE_FILE: &str = "unreadable-file";

    /// Every front-end rule with a one-line summary, in the order of the contract.
    pub const ALL: &[(&str, &str)] = &[
        (SYNTAX_ERROR, "The text does not follow the grammar of the language."),
        (INVALID_LITERAL, "A literal is malformed or out of range, or the file is not UTF-8."),
        (DUPLICATE_DEFINITION, "Two definitions share an identifier, or a once-only statement repeats."),
        (UNDEFINED_REFERENCE, "A name refers to no role, field, stage or enum member."),
        (TYPE_MISMATCH, "A criterion compares a field with a value of the wrong type."),
        (INVALID_TERMINAL, "A terminal stage has transitions, exit criteria or requires."),
        (IMPORT_ERROR, "A `use` file is missing, not importable, outside the tree, or in a cycle."),
        (UNREADABLE_FILE, "A file to check cannot be read, or is larger than the size limit."),
    ];
}
