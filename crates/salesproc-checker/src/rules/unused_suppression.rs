use salesproc_parser::{Diagnostic, Span};

use crate::registry::{declare_rule, finding};

declare_rule! {
    /// ## What it does
    ///
    /// Finds suppression comments that suppress nothing: a rule named in
    /// `# salesproc: allow(...)` or `# salesproc: allow-file(...)` that reports nothing where the
    /// comment applies.
    ///
    /// ## Why it matters
    ///
    /// A suppression is a decision someone made about a real finding ("this stage is reached
    /// only by hand during the pilot"). Once the process changes and the finding goes away, the
    /// comment stays behind and silently hides the next, different problem of the same kind on
    /// that line. Removing stale suppressions keeps every exception deliberate and reviewed.
    ///
    /// ## Example
    ///
    /// The stage has an owner now, so there is nothing left to allow:
    ///
    /// ```salesproc
    /// stage discovery "Discovery" {
    ///   owner ae
    ///   # salesproc: allow(ownerless-activity) the SE team is still being hired
    ///   activity demo "Demo" {
    ///     outcome "Demo mapped to the buyer's success criteria"
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    ///
    /// Delete the comment, or remove the rule name from it when the comment allows several
    /// rules. If the finding should come back, the suppression was hiding the wrong line: move
    /// it onto the statement the diagnostic points at (or the line just above it).
    ///
    /// ```salesproc
    /// stage discovery "Discovery" {
    ///   owner ae
    ///   activity demo "Demo" {
    ///     outcome "Demo mapped to the buyer's success criteria"
    ///   }
    /// }
    /// ```
    pub(crate) static RULE = {
        name: "unused-suppression",
        severity: Warning,
        summary: "A suppression comment suppressed nothing.",
        runs: after_suppression,
    };
}

/// The finding for rule `rule` of a suppression comment, allowed where nothing fired.
pub(crate) fn unused(rule: &str, name: Span, file_wide: bool) -> Diagnostic {
    let place = if file_wide { "anywhere in this file" } else { "on the statement it covers" };
    finding(name, format!("the suppression of `{rule}` suppresses nothing: `{rule}` reports nothing {place}"))
        .with_help(format!("remove `{rule}` from the comment, or the whole comment if it names nothing else"))
}
