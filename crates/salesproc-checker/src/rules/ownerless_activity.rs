use salesproc_parser::Diagnostic;

use crate::context::Context;
use crate::registry::{declare_rule, finding};

declare_rule! {
    /// ## What it does
    ///
    /// Finds activities that nobody owns: the activity has no `owner`, and neither has the
    /// stage it belongs to. (An activity without its own `owner` is done by the stage's owner.)
    ///
    /// ## Why it matters
    ///
    /// An activity nobody owns is an activity nobody does. "Send the mutual action plan" with
    /// no name against it gets skipped under pressure, and in the pipeline review nobody can be
    /// asked whether it happened.
    ///
    /// ## Example
    ///
    /// ```salesproc
    /// stage proposal "Proposal" {
    ///   probability 50%
    ///   requires proposal_sent
    ///
    ///   activity send_proposal "Send the proposal" {
    ///     outcome "Priced proposal sent with a review meeting booked"
    ///     captures proposal_sent
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    ///
    /// Give the stage an owner, who then owns every activity in it that does not name someone
    /// else, or give the activity its own `owner`:
    ///
    /// ```salesproc
    /// stage proposal "Proposal" {
    ///   owner ae
    ///   probability 50%
    ///   requires proposal_sent
    ///
    ///   activity send_proposal "Send the proposal" {
    ///     outcome "Priced proposal sent with a review meeting booked"
    ///     captures proposal_sent
    ///   }
    /// }
    /// ```
    pub(crate) static RULE = {
        name: "ownerless-activity",
        severity: Warning,
        summary: "An activity has no owner, and neither has its stage.",
        check: check,
    };
}

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for stage in cx.stages() {
        if stage.owner.is_some() {
            continue;
        }
        for activity in stage.activities.iter().filter(|a| a.owner.is_none()) {
            out.push(
                finding(
                    *activity.name_loc,
                    format!("nobody owns the activity `{}` of stage `{}`", activity.name, stage.name),
                )
                .with_label(*stage.name_loc, format!("`{}` has no owner either", stage.name))
                .with_help(format!(
                    "add `owner <role>` to stage `{}` (its activities default to it), or to the activity `{}`",
                    stage.name, activity.name
                )),
            );
        }
    }
}
