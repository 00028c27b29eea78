use salesproc_parser::model::{Process, RoleRef, Transition};
use salesproc_parser::{Diagnostic, Span};

use crate::context::Context;
use crate::registry::{declare_rule, finding};

declare_rule! {
    /// ## What it does
    ///
    /// Finds handoffs out of a stage that captures no data: the stage has no `requires` and
    /// none of its activities `captures` a field. A transition is a handoff when its next owner
    /// is not the owner of the stage it leaves.
    ///
    /// Only stages that deals can reach, and transitions that can fire, are checked. A
    /// transition with no owner at all is left to `ownerless-transition`.
    ///
    /// ## Why it matters
    ///
    /// When a deal changes hands, what the first owner learned has to travel with it. If the
    /// stage records nothing, the next owner starts cold: the buyer is asked the same questions
    /// again, context from the first calls is lost, and the handoff feels to the buyer like
    /// starting over with a new company.
    ///
    /// ## Example
    ///
    /// ```salesproc
    /// start stage qualification "Qualification" {
    ///   owner sdr
    ///   probability 10%
    ///
    ///   activity intro_call "Intro call" {
    ///     outcome "Buyer agreed to a discovery meeting"
    ///   }
    ///
    ///   advance to discovery owner ae within 1d
    ///   route to closed_lost
    /// }
    /// ```
    ///
    /// ## How to fix
    ///
    /// Record what the next owner needs, with `captures` on the activities that learn it and
    /// `requires` for what must be known before the deal leaves:
    ///
    /// ```salesproc
    /// start stage qualification "Qualification" {
    ///   owner sdr
    ///   probability 10%
    ///   requires budget, need
    ///
    ///   activity intro_call "Intro call" {
    ///     outcome "Budget and need confirmed; buyer agreed to a discovery meeting"
    ///     captures budget, need
    ///   }
    ///
    ///   advance to discovery owner ae within 1d
    ///   route to closed_lost
    /// }
    /// ```
    pub(crate) static RULE = {
        name: "thin-handoff",
        severity: Warning,
        summary: "A handoff leaves a stage that captures no data, so the next owner starts cold.",
        check: check,
    };
}

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let process = cx.process;
    for stage in cx.reachable_stages() {
        if stage.captured_fields().next().is_some() {
            continue;
        }
        for (_, transition) in cx.live_transitions(stage) {
            if !process.is_handoff(transition) {
                continue;
            }
            let Some(next) = next_owner(process, transition) else {
                continue; // No owner at all: `ownerless-transition` reports it.
            };
            let next_name = &cx.model.role(next.role).name;
            let mut diagnostic = finding(
                *transition.loc,
                format!(
                    "the handoff `{}` passes the deal to `{next_name}` with nothing captured in `{}`",
                    cx.describe_transition(transition),
                    stage.name
                ),
            )
            .with_label(*stage.name_loc, format!("`{}` has no `requires` and no activity `captures`", stage.name));
            if !contains(*transition.loc, *next.loc) {
                let target = &cx.process.stage(transition.to).name;
                diagnostic =
                    diagnostic.with_label(*next.loc, format!("`{next_name}` owns `{target}` and takes the deal next"));
            }
            out.push(
                diagnostic.with_help(format!(
                    "record what `{next_name}` needs to know: add `captures <field>` to an activity of `{}`, or `requires <field>` to the stage",
                    stage.name
                )),
            );
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
