use salesproc_parser::model::{Process, RoleRef, Transition};
use salesproc_parser::{Diagnostic, Span};

use crate::context::Context;
use crate::registry::{declare_rule, finding};

declare_rule! {
    /// ## What it does
    ///
    /// Finds handoffs with no `within` deadline. A transition is a handoff when its next owner
    /// (its `owner` clause, else the target stage's owner) is not the owner of the stage it
    /// leaves: the deal changes hands.
    ///
    /// Only stages that deals can reach, and transitions that can fire, are checked, so an
    /// unreachable stage is reported once (by `unreachable-stage`) rather than once per handoff.
    /// A transition with no owner at all is left to `ownerless-transition`.
    ///
    /// ## Why it matters
    ///
    /// A handoff is where deals go quiet. The SDR has moved on to the next lead, the account
    /// executive has not noticed the new one, and the buyer who was ready to talk on Monday
    /// hears nothing until Friday. A `within` clause says how fast the next owner must act, so
    /// a slow pickup becomes something you can measure and chase.
    ///
    /// ## Example
    ///
    /// ```salesproc
    /// start stage qualification "Qualification" {
    ///   owner sdr
    ///   probability 10%
    ///   requires budget, authority
    ///   advance to discovery owner ae
    ///   route to closed_lost
    /// }
    /// ```
    ///
    /// ## How to fix
    ///
    /// Add `within` with the longest the next owner may take to pick the deal up:
    ///
    /// ```salesproc
    /// advance to discovery owner ae within 1d
    /// ```
    pub(crate) static RULE = {
        name: "missing-handoff-sla",
        severity: Warning,
        summary: "A handoff to a different owner has no `within` deadline.",
        check: check,
    };
}

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let process = cx.process;
    for stage in cx.reachable_stages() {
        for (_, transition) in cx.live_transitions(stage) {
            if transition.within.is_some() || !process.is_handoff(transition) {
                continue;
            }
            let Some(next) = next_owner(process, transition) else {
                continue; // No owner at all: `ownerless-transition` reports it.
            };
            let next_name = &cx.model.role(next.role).name;
            let from = match stage.owner {
                Some(owner) => format!(" from `{}`", cx.model.role(owner.role).name),
                None => String::new(),
            };
            let mut diagnostic = finding(
                *transition.loc,
                format!("the handoff `{}`{from} to `{next_name}` has no deadline", cx.describe_transition(transition)),
            );
            if let Some(owner) = stage.owner {
                diagnostic = diagnostic.with_label(
                    *owner.loc,
                    format!("`{}` owns deals in `{}`", cx.model.role(owner.role).name, stage.name),
                );
            }
            if !contains(*transition.loc, *next.loc) {
                let target = &cx.process.stage(transition.to).name;
                diagnostic =
                    diagnostic.with_label(*next.loc, format!("`{next_name}` owns `{target}` and takes the deal next"));
            }
            out.push(diagnostic.with_help(format!(
                "add `within <duration>` to the transition (for example `within 1d`): how fast `{next_name}` must pick the deal up"
            )));
        }
    }
}

/// The next owner as written: the transition's `owner` clause, else the target stage's owner,
/// else (for a terminal target) the owner of the stage it leaves.
fn next_owner(process: &Process, transition: &Transition) -> Option<RoleRef> {
    let target = process.stage(transition.to);
    transition.owner.or(target.owner).or_else(|| target.terminal.and(process.stage(transition.from).owner))
}

/// Whether `inner` lies within `outer` (an owner clause inside the transition statement needs no
/// label of its own).
fn contains(outer: Span, inner: Span) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}
