//! The registry of process rules: one entry per file under `rules/`.
//!
//! `salesproc rules`, `salesproc explain` and `docs/rules/` are all generated from these
//! entries, and each entry's documentation is the doc comment written on it in its file.

use salesproc_parser::{Diagnostic, Severity};

use crate::context::Context;
use crate::rules;

/// A process rule: its metadata, its documentation and its check.
pub struct Rule {
    /// The stable, kebab-case name users put in configuration and suppressions.
    pub name: &'static str,
    /// The severity it reports with unless configuration says otherwise.
    pub default_severity: Severity,
    /// One line for `salesproc rules`.
    pub summary: &'static str,
    /// The doc comment: sections *What it does*, *Why it matters*, *Example*, *How to fix*.
    pub doc: &'static str,
    /// How the rule runs.
    pub check: Check,
}

/// How a rule runs.
#[derive(Clone, Copy)]
pub enum Check {
    /// On the model: pushes a diagnostic per finding. The caller sets `rule` and `severity`, so
    /// a check only says what it found and where.
    Model(fn(&Context, &mut Vec<Diagnostic>)),
    /// After every other rule, on their diagnostics and the file's suppression comments (see
    /// [`crate::suppress`]): only `unused-suppression`.
    AfterSuppression,
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule").field("name", &self.name).finish_non_exhaustive()
    }
}

/// Declares a rule from its doc comment and metadata, keeping the doc comment as the rule's
/// runtime documentation.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub(crate) static $ident:ident = {
            name: $name:literal,
            severity: $severity:ident,
            summary: $summary:literal,
            check: $check:path $(,)?
        };
    ) => {
        $(#[doc = $doc])*
        pub(crate) static $ident: $crate::registry::Rule = $crate::registry::Rule {
            name: $name,
            default_severity: salesproc_parser::Severity::$severity,
            summary: $summary,
            doc: concat!($($doc, "\n"),*),
            check: $crate::registry::Check::Model($check),
        };
    };
    (
        $(#[doc = $doc:literal])*
        pub(crate) static $ident:ident = {
            name: $name:literal,
            severity: $severity:ident,
            summary: $summary:literal,
            runs: after_suppression $(,)?
        };
    ) => {
        $(#[doc = $doc])*
        pub(crate) static $ident: $crate::registry::Rule = $crate::registry::Rule {
            name: $name,
            default_severity: salesproc_parser::Severity::$severity,
            summary: $summary,
            doc: concat!($($doc, "\n"),*),
            check: $crate::registry::Check::AfterSuppression,
        };
    };
}
pub(crate) use declare_rule;

/// Every process rule, in the order of the contract's table.
pub static RULES: &[&Rule] = rules::ALL;

/// The rule named `name`.
pub fn find(name: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|rule| rule.name == name)
}

/// A diagnostic for a rule check; the registry fills in the rule and severity.
pub(crate) fn finding(span: salesproc_parser::Span, message: impl Into<String>) -> Diagnostic {
    Diagnostic::error("", span, message)
}
