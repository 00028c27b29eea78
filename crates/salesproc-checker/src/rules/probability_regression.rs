use salesproc_parser::Diagnostic;

use crate::context::Context;
use crate::registry::declare_rule;

declare_rule! {
    /// ## What it does
    ///
    /// NOT YET WRITTEN.
    pub(crate) static RULE = {
        name: "probability-regression",
        severity: Warning,
        summary: "NOT YET WRITTEN.",
        check: check,
    };
}

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let _ = (cx, out);
}
