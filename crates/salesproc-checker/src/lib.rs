//! The salesproc checker: runs the process rules on a resolved model.
//!
//! It reads only the typed model built by `salesproc-parser`; it never sees text or syntax.
//!
//! - [`registry`] lists every rule; each lives in its own file under `rules/`.
//! - [`context::Context`] is what a rule reads: the model plus everything computed once per
//!   process (each guard's satisfiability, the live transitions, reachability).
//! - [`solver`] decides whether a conjunction of criteria can hold.
#![warn(missing_docs)]

pub mod context;
pub mod docs;
pub mod graph;
pub mod registry;
mod rules;
pub mod solver;
pub mod suppress;
#[cfg(test)]
mod test_support;

use std::collections::BTreeMap;

use salesproc_parser::model::Model;
use salesproc_parser::syntax::Date;
use salesproc_parser::{Diagnostic, Severity};

pub use registry::{Check, Rule, RULES};

/// Settings that change what the rules report.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Today's date, for `stale-review`; `None` skips that rule.
    pub today: Option<Date>,
    /// Limits of `process-too-complex`.
    pub limits: Limits,
    /// Severities set by configuration: `None` switches a rule off. Rules not listed keep their
    /// default severity.
    pub severities: BTreeMap<&'static str, Option<Severity>>,
}

impl Options {
    /// The severity `rule` reports with under these options, or `None` when it is off.
    pub fn severity(&self, rule: &Rule) -> Option<Severity> {
        self.severities.get(rule.name).copied().unwrap_or(Some(rule.default_severity))
    }
}

/// The limits of `process-too-complex`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Most non-terminal stages (default 12).
    pub max_stages: usize,
    /// Most activities in one stage (default 7).
    pub max_activities_per_stage: usize,
    /// Most required fields in one stage (default 10).
    pub max_required_fields_per_stage: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_stages: 12, max_activities_per_stage: 7, max_required_fields_per_stage: 10 }
    }
}

/// Runs every process rule that is not switched off on `model` and returns what they found,
/// in registry order, each with its configured severity.
pub fn check(model: &Model, options: &Options) -> Vec<Diagnostic> {
    let Some(process) = &model.process else {
        return Vec::new();
    };
    let context = context::Context::new(model, process, options);
    let mut diagnostics = Vec::new();
    for rule in RULES {
        let (Check::Model(check), Some(severity)) = (rule.check, options.severity(rule)) else { continue };
        let start = diagnostics.len();
        check(&context, &mut diagnostics);
        for diagnostic in &mut diagnostics[start..] {
            diagnostic.rule = rule.name;
            diagnostic.severity = severity;
        }
    }
    diagnostics
}
