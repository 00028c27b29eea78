use salesproc_parser::syntax::TransitionKind;
use salesproc_parser::Diagnostic;

use crate::context::Context;
use crate::registry::{declare_rule, finding};

declare_rule! {
    /// ## What it does
    ///
    /// Finds an `advance` into an open (non-terminal) stage whose forecast `probability` is
    /// lower than that of the stage it leaves. Moving forward should never make a deal less
    /// likely to close.
    ///
    /// `route` transitions are not checked: a route to nurture or back to an earlier stage is
    /// expected to lower the probability. Advances into won or lost stages are not checked
    /// either, and neither are stages without a written `probability`.
    ///
    /// Only stages that deals can reach, and transitions that can fire, are checked.
    ///
    /// ## Why it matters
    ///
    /// The forecast multiplies each open deal by its stage's probability. When the forward path
    /// lowers the probability, the forecast drops every time a rep makes progress, which tells
    /// managers the opposite of what happened. It usually means the stages are in the wrong
    /// order or a probability was copied from another process.
    ///
    /// ## Example
    ///
    /// ```salesproc
    /// stage proposal "Proposal" {
    ///   owner ae
    ///   probability 60%
    ///   requires proposal_sent
    ///   advance to negotiation within 2d
    ///   route to closed_lost
    /// }
    ///
    /// stage negotiation "Negotiation" {
    ///   owner ae
    ///   probability 40%
    /// }
    /// ```
    ///
    /// ## How to fix
    ///
    /// Make probabilities rise along the forward path, or turn the transition into a `route`
    /// if it really is a step back:
    ///
    /// ```salesproc
    /// stage negotiation "Negotiation" {
    ///   owner ae
    ///   probability 75%
    /// }
    /// ```
    pub(crate) static RULE = {
        name: "probability-regression",
        severity: Warning,
        summary: "An `advance` leads to an open stage with a lower forecast probability than the stage it leaves.",
        check: check,
    };
}

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for stage in cx.reachable_stages() {
        let Some(from) = stage.probability else { continue };
        for (_, transition) in cx.live_transitions(stage) {
            if transition.kind != TransitionKind::Advance {
                continue;
            }
            let target = cx.process.stage(transition.to);
            if target.terminal.is_some() {
                continue;
            }
            let Some(to) = target.probability else { continue };
            if to.value >= from.value {
                continue;
            }
            out.push(
                finding(
                    *transition.loc,
                    format!(
                        "advancing `{}` lowers the forecast probability from {}% to {}%",
                        cx.describe_transition(transition),
                        from.value,
                        to.value
                    ),
                )
                .with_label(*from.loc, format!("`{}` forecasts {}%", stage.name, from.value))
                .with_label(*to.loc, format!("`{}` forecasts {}%", target.name, to.value))
                .with_help(format!(
                    "give `{}` a probability of at least {}%, or use `route` if this is a step back rather than forward",
                    target.name, from.value
                )),
            );
        }
    }
}
