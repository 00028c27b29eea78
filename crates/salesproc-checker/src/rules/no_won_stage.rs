use salesproc_parser::model::TerminalKind;
use salesproc_parser::Diagnostic;

use crate::context::{name_list, Context};
use crate::registry::{declare_rule, finding};

declare_rule! {
    /// ## What it does
    ///
    /// Checks that a deal can be won: at least one `terminal won` stage must be reachable from a
    /// start stage through transitions that can fire. It fires when the process has no stages
    /// at all, when it has no `terminal won` stage, and when its won stages exist but no path of
    /// transitions that can fire leads to them.
    ///
    /// ## Why it matters
    ///
    /// A sales process exists to close business. Without a reachable won stage, no deal can
    /// ever be recorded as won by following the process: reps close deals by bypassing it, the
    /// win rate reads zero, and the forecast never turns pipeline into bookings. It usually
    /// means the won stage was forgotten, renamed, or cut off by a transition whose criteria
    /// can never be met.
    ///
    /// ## Example
    ///
    /// ```salesproc
    /// process "Enterprise new business" {
    ///   role ae "Account Executive"
    ///
    ///   start stage negotiation "Negotiation" {
    ///     owner ae
    ///     exit "Order form signed" when signed
    ///     route to closed_lost
    ///   }
    ///
    ///   stage closed_lost "Closed Lost" { terminal lost }
    /// }
    /// ```
    ///
    /// ## How to fix
    ///
    /// Add a won stage and an `advance` into it from the stage where deals are signed:
    ///
    /// ```salesproc
    /// start stage negotiation "Negotiation" {
    ///   owner ae
    ///   exit "Order form signed" when signed
    ///   advance to closed_won
    ///   route to closed_lost
    /// }
    ///
    /// stage closed_won "Closed Won" { terminal won }
    /// stage closed_lost "Closed Lost" { terminal lost }
    /// ```
    ///
    /// If the won stage exists but cannot be reached, follow the `unreachable-stage` report on
    /// it back to the transition that can never fire.
    pub(crate) static RULE = {
        name: "no-won-stage",
        severity: Error,
        summary: "No terminal won stage can be reached from a start stage: the process can never win a deal.",
        check: check,
    };
}

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let process = cx.process;
    let won: Vec<_> = cx.stages().iter().filter(|s| s.terminal == Some(TerminalKind::Won)).collect();
    if won.iter().any(|s| cx.reachable.get(s.id.index()).copied().unwrap_or(false)) {
        return;
    }
    let span = *process.name_loc;
    let add_won = "add `stage closed_won \"Closed Won\" { terminal won }` and an `advance to closed_won` \
                   from the stage where deals are signed";
    if cx.stages().is_empty() {
        out.push(
            finding(span, format!("the process `{}` has no stages, so it can never win a deal", process.name))
                .with_help(format!("describe the stages deals go through, then {add_won}")),
        );
        return;
    }
    if won.is_empty() {
        out.push(
            finding(
                span,
                format!("the process `{}` has no `terminal won` stage: it can never win a deal", process.name),
            )
            .with_help(add_won),
        );
        return;
    }
    let names: Vec<&str> = won.iter().map(|s| s.name.as_str()).collect();
    let message = format!(
        "the process `{}` can never win a deal: no path of transitions that can fire leads from a start stage to {}",
        process.name,
        name_list(&names)
    );
    let mut diagnostic = finding(span, message);
    for stage in won.iter().take(6) {
        diagnostic = diagnostic.with_label(*stage.name_loc, "no deal can reach this won stage");
    }
    out.push(diagnostic.with_help(
        "add an `advance` into the won stage from a stage deals reach, or fix the transition into it that can never \
         fire (see `unreachable-stage`)",
    ));
}
