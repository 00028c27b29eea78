use salesproc_parser::model::{Expr, TerminalKind, Transition, TransitionId};
use salesproc_parser::syntax::TransitionKind;
use salesproc_parser::Diagnostic;

use crate::context::Context;
use crate::registry::{declare_rule, finding};
use crate::solver::Answer;

declare_rule! {
    /// ## What it does
    ///
    /// Finds two transitions out of the same stage, to different stages, that can both fire
    /// for the same deal: some deal meets the full conditions of both (for an `advance`, the
    /// stage's exit criteria and `requires`, its own `when` and the target's `entry when`; for a
    /// `route`, its own `when` and the target's `entry when`).
    ///
    /// Transitions to a `terminal lost` stage are exempt: "we can always give up on a deal" is
    /// a deliberate way out, not an ambiguity. Only stages deals can reach, and transitions that
    /// can fire, are checked. When the conditions are too large to decide, nothing is reported.
    ///
    /// ## Why it matters
    ///
    /// When two ways forward are open at once, the process no longer says where the deal goes:
    /// one rep sends an enterprise deal to a security review, another sends the same kind of
    /// deal straight to contract, and the pipeline stops being comparable from rep to rep.
    /// Conversion rates by stage, and the forecast built on them, mix deals that took
    /// different paths. Routing should be decided by the data on the deal, not by whoever
    /// clicks first.
    ///
    /// ## Example
    ///
    /// ```salesproc
    /// stage demo "Tailored demo" {
    ///   owner ae
    ///   requires segment
    ///   exit when next_step_date is set
    ///   advance to security_review when segment == enterprise
    ///   advance to commercial_close when seats >= 20
    ///   route to closed_lost
    /// }
    /// ```
    ///
    /// An enterprise deal with 20 seats or more meets both conditions.
    ///
    /// ## How to fix
    ///
    /// Make the conditions exclude each other, so that every deal has exactly one way forward:
    ///
    /// ```salesproc
    /// stage demo "Tailored demo" {
    ///   owner ae
    ///   requires segment
    ///   exit when next_step_date is set
    ///   advance to security_review when segment == enterprise
    ///   advance to commercial_close when segment != enterprise and seats >= 20
    ///   route to closed_lost
    /// }
    /// ```
    ///
    /// Mind unset fields when you split: `segment != enterprise` is false while `segment` is
    /// unset, so a deal with no segment would take neither path; here `requires segment`
    /// makes sure it is set. If both paths really are acceptable, say which one wins by adding
    /// the other's condition, negated, to one of them.
    pub(crate) static RULE = {
        name: "ambiguous-routing",
        severity: Warning,
        summary: "Two transitions out of one stage, to different stages, can both fire for the same deal.",
        check: check,
    };
}

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for stage in cx.reachable_stages() {
        let candidates: Vec<(TransitionId, &Transition)> = cx
            .live_transitions(stage)
            .filter(|(_, t)| cx.process.stage(t.to).terminal != Some(TerminalKind::Lost))
            .collect();
        if candidates.len() < 2 {
            continue;
        }
        let guards: Vec<Vec<Expr>> =
            candidates.iter().map(|(id, _)| cx.guard(*id).into_iter().map(|c| c.expr).collect()).collect();
        for (j, (second_id, second)) in candidates.iter().enumerate() {
            for (i, (first_id, first)) in candidates.iter().enumerate().take(j) {
                if first.to == second.to {
                    continue;
                }
                let answer = match (guards.get(i), guards.get(j)) {
                    (Some(a), Some(b)) => both(cx, (*first_id, first, a), (*second_id, second, b)),
                    _ => Answer::Unknown,
                };
                if answer != Answer::Satisfiable {
                    continue;
                }
                let message = format!(
                    "a deal in `{}` can meet the conditions of both `{}` and `{}`, so where it goes is left to chance",
                    stage.name,
                    cx.describe_transition(first),
                    cx.describe_transition(second)
                );
                out.push(
                    finding(*second.loc, message)
                        .with_label(*first.loc, "this transition can fire for the same deal")
                        .with_help(format!(
                            "add `when` conditions that cannot both hold, so each deal has one way out of `{}`",
                            stage.name
                        )),
                );
            }
        }
    }
}

/// Can both guards hold together? When one guard's criteria are all part of the other's (an
/// unconditional transition next to a conditional one), the answer is already known.
fn both(
    cx: &Context,
    (first_id, first, first_guard): (TransitionId, &Transition, &[Expr]),
    (second_id, second, second_guard): (TransitionId, &Transition, &[Expr]),
) -> Answer {
    let known = |id: TransitionId| cx.guard_answer.get(id.0.index()).cloned().unwrap_or(Answer::Unknown);
    if guard_within(cx, first, second) {
        return known(second_id);
    }
    if guard_within(cx, second, first) {
        return known(first_id);
    }
    let exprs: Vec<&Expr> = first_guard.iter().chain(second_guard).collect();
    if exprs.is_empty() {
        return Answer::Satisfiable;
    }
    cx.solver.solve(&exprs)
}

/// Whether every criterion of `inner`'s guard is also in `outer`'s: `inner` has no `when`, its
/// target no `entry when`, and it needs the stage's exit criteria only if `outer` does too.
fn guard_within(cx: &Context, inner: &Transition, outer: &Transition) -> bool {
    let target_entry = cx.process.stage(inner.to).entry.as_ref().and_then(|e| e.when.as_ref());
    inner.when.is_none()
        && target_entry.is_none()
        && (inner.kind == TransitionKind::Route || outer.kind == TransitionKind::Advance)
}
