use salesproc_parser::syntax::TransitionKind;
use salesproc_parser::Diagnostic;

use crate::context::Context;
use crate::registry::{declare_rule, finding};

declare_rule! {
    /// ## What it does
    ///
    /// Finds open stages that `advance` deals to another stage but have no `exit` criterion and
    /// no `requires`. Nothing has to be true before a deal moves forward.
    ///
    /// A `when` on the `advance` itself does not count: it chooses between the ways forward,
    /// while exit criteria and `requires` say what the stage must have achieved. Stages that
    /// only `route` deals away (to nurture or to lost) are not reported, since a route is a
    /// side exit that never needs the stage's exit criteria.
    ///
    /// ## Why it matters
    ///
    /// A deal should move forward because of evidence from the buyer, not because the rep feels
    /// optimistic. Without exit criteria every stage is a matter of opinion: two reps move the
    /// same deal at different times, pipeline reviews turn into debates, and the forecast
    /// drifts upward.
    ///
    /// ## Example
    ///
    /// ```salesproc
    /// stage discovery "Discovery" {
    ///   owner ae
    ///   probability 20%
    ///
    ///   activity discovery_call "Discovery call" {
    ///     outcome "Pain and success criteria documented"
    ///   }
    ///
    ///   advance to proposal within 2d
    ///   route to closed_lost
    /// }
    /// ```
    ///
    /// ## How to fix
    ///
    /// Write down what must be true before the deal moves on, as `exit` criteria, `requires`,
    /// or both:
    ///
    /// ```salesproc
    /// stage discovery "Discovery" {
    ///   owner ae
    ///   probability 20%
    ///   requires pain, success_criteria
    ///
    ///   activity discovery_call "Discovery call" {
    ///     outcome "Pain, success criteria and everyone involved documented"
    ///     captures pain, success_criteria, stakeholders
    ///   }
    ///
    ///   exit "More than one person is involved" when stakeholders >= 2
    ///   advance to proposal within 2d
    ///   route to closed_lost
    /// }
    /// ```
    pub(crate) static RULE = {
        name: "missing-exit-criteria",
        severity: Warning,
        summary: "An open stage advances deals with no `exit` criterion and no `requires`.",
        check: check,
    };
}

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for stage in cx.stages() {
        if stage.terminal.is_some() || !stage.exits.is_empty() || !stage.requires.is_empty() {
            continue;
        }
        let advances: Vec<_> = stage
            .transitions
            .iter()
            .map(|id| cx.process.transition(*id))
            .filter(|t| t.kind == TransitionKind::Advance)
            .collect();
        if advances.is_empty() {
            continue;
        }
        let mut diagnostic = finding(
            *stage.name_loc,
            format!("stage `{}` advances deals without any exit criterion or required field", stage.name),
        );
        for advance in advances {
            diagnostic = diagnostic.with_label(*advance.loc, "nothing has to be true before this advance");
        }
        out.push(diagnostic.with_help(format!(
            "add `exit \"...\" when <criterion>` or `requires <field>` to `{}`: the evidence a deal needs before it moves on",
            stage.name
        )));
    }
}
