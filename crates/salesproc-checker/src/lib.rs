//! The salesproc checker: runs the process rules on a resolved model.
//!
//! It reads only the typed model built by `salesproc-parser`; it never sees text or syntax.
#![warn(missing_docs)]

use salesproc_parser::model::Model;
use salesproc_parser::Diagnostic;

/// Settings that change what the rules report.
#[derive(Clone, Debug, Default)]
pub struct Options {}

/// Runs every process rule on `model` and returns what they found, in no particular order.
pub fn check(model: &Model, options: &Options) -> Vec<Diagnostic> {
    let _ = (model, options);
    Vec::new()
}
