use salesproc_parser::Diagnostic;

use crate::context::Context;
use crate::registry::{declare_rule, finding};

declare_rule! {
    /// ## What it does
    ///
    /// Finds activities that have no `outcome`, or an outcome that is empty or only blanks.
    ///
    /// ## Why it matters
    ///
    /// An activity without an outcome is box-ticking: "meet the decision makers" can be done
    /// without learning anything. The outcome says what must be true or recorded when the
    /// activity is done, so a manager can tell a useful call from a calendar entry.
    ///
    /// ## Example
    ///
    /// ```salesproc
    /// activity discovery_call "Discovery call" {
    ///   captures pain
    /// }
    /// ```
    ///
    /// ## How to fix
    ///
    /// Say what the activity must produce:
    ///
    /// ```salesproc
    /// activity discovery_call "Discovery call" {
    ///   outcome "Pain and success criteria documented in the buyer's words"
    ///   captures pain
    /// }
    /// ```
    pub(crate) static RULE = {
        name: "activity-without-outcome",
        severity: Error,
        summary: "An activity has no outcome, or an empty one.",
        check: check,
    };
}

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for stage in cx.stages() {
        for activity in &stage.activities {
            let blank = activity.outcome.as_ref().map(|o| o.value.trim().is_empty());
            let message = match blank {
                None => format!("the activity `{}` of stage `{}` has no outcome", activity.name, stage.name),
                Some(true) => format!("the outcome of activity `{}` in stage `{}` is empty", activity.name, stage.name),
                Some(false) => continue,
            };
            out.push(finding(*activity.name_loc, message).with_help(format!(
                "add `outcome \"...\"` to `{}`: what must be true or recorded when it is done",
                activity.name
            )));
        }
    }
}
