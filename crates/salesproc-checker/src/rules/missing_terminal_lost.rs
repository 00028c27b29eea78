use salesproc_parser::model::TerminalKind;
use salesproc_parser::Diagnostic;

use crate::context::Context;
use crate::registry::{declare_rule, finding};

declare_rule! {
    /// ## What it does
    ///
    /// Fires when the process has no stage marked `terminal lost`.
    ///
    /// ## Why it matters
    ///
    /// Most deals are lost, disqualified or abandoned. Without a lost stage there is nowhere to
    /// put them, so they sit in open stages forever: the pipeline looks bigger than it is, the
    /// forecast counts deals nobody is working, and win rates cannot be measured.
    ///
    /// ## Example
    ///
    /// ```salesproc
    /// process "Inbound" {
    ///   role ae "Account Executive"
    ///   field budget: money
    ///
    ///   start stage qualification "Qualification" {
    ///     owner ae
    ///     probability 10%
    ///     requires budget
    ///     advance to closed_won
    ///   }
    ///
    ///   stage closed_won "Closed Won" { terminal won }
    /// }
    /// ```
    ///
    /// ## How to fix
    ///
    /// Add a lost stage and give the open stages a way into it:
    ///
    /// ```salesproc
    /// start stage qualification "Qualification" {
    ///   owner ae
    ///   probability 10%
    ///   requires budget
    ///   advance to closed_won
    ///   route to closed_lost
    /// }
    ///
    /// stage closed_won "Closed Won" { terminal won }
    /// stage closed_lost "Closed Lost" { terminal lost }
    /// ```
    pub(crate) static RULE = {
        name: "missing-terminal-lost",
        severity: Warning,
        summary: "The process has no `terminal lost` stage, so lost deals have nowhere to go.",
        check: check,
    };
}

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    if cx.stages().iter().any(|stage| stage.terminal == Some(TerminalKind::Lost)) {
        return;
    }
    out.push(
        finding(*cx.process.name_loc, format!("the process `{}` has no terminal lost stage", cx.process.name))
            .with_help(
                "add `stage closed_lost \"Closed Lost\" { terminal lost }` and a `route to closed_lost` from the open stages",
            ),
    );
}
