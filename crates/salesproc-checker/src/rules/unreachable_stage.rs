use petgraph::visit::EdgeRef;
use petgraph::Direction;
use salesproc_parser::model::{Stage, TransitionId};
use salesproc_parser::Diagnostic;

use crate::context::{name_list, Context};
use crate::registry::{declare_rule, finding};
use crate::solver::Answer;

/// At most this many transitions into one stage are labelled.
const MAX_LABELS: usize = 6;

declare_rule! {
    /// ## What it does
    ///
    /// Finds stages that no deal can ever reach: there is no way from a start stage to them
    /// through transitions that can fire. A stage is reached only through `advance` and `route`
    /// transitions that lead to it from a stage that is itself reached; start stages (those
    /// marked `start`, or else the first stage written) are where deals begin.
    ///
    /// A transition whose criteria can never all hold (see `unsatisfiable-criteria`) does not
    /// count as a way in. When the stage is cut off because its ways in can never fire, the
    /// report points at those transitions; when it is cut off because its entry criterion can
    /// never hold, it points at the entry.
    ///
    /// Every stage that cannot be reached is reported, including stages that are only reached
    /// from other unreachable stages; the report then names the unreachable stage they hang
    /// off, so the first one to fix is easy to find.
    ///
    /// ## Why it matters
    ///
    /// A stage no deal can reach is dead weight: its owner, its activities and its exit
    /// criteria describe work that never happens. Usually it means something else is wrong: a
    /// stage was renamed and the `advance` that used to point to it now points elsewhere, a new
    /// stage was added without a way in, or a transition's conditions can never be met, so a
    /// path the team relies on silently does not exist.
    ///
    /// ## Example
    ///
    /// ```salesproc
    /// start stage qualification "Qualification" {
    ///   owner sdr
    ///   requires budget
    ///   exit when budget >= 10_000
    ///   advance to discovery
    ///   advance to enterprise_review when budget < 10_000
    /// }
    ///
    /// stage enterprise_review "Enterprise review" {
    ///   owner ae
    ///   exit when security_review_passed
    ///   advance to discovery
    /// }
    /// ```
    ///
    /// The only way into `enterprise_review` is an `advance` that needs the budget to be at
    /// least 10,000 (the stage's exit criterion) and below 10,000 (its own `when`) at once, so
    /// no deal ever gets there.
    ///
    /// ## How to fix
    ///
    /// Give the stage a way in that can fire, or remove it if the team no longer uses it. Here
    /// the side door to the review should not depend on the forward exit criteria, so it
    /// becomes a `route`, which needs only its own `when`:
    ///
    /// ```salesproc
    /// start stage qualification "Qualification" {
    ///   owner sdr
    ///   requires budget
    ///   exit when budget >= 10_000
    ///   advance to discovery
    ///   route to enterprise_review when budget < 10_000
    /// }
    /// ```
    ///
    /// If the stage is where deals really begin, mark it `start`.
    pub(crate) static RULE = {
        name: "unreachable-stage",
        severity: Error,
        summary: "A stage cannot be reached from any start stage through transitions that can fire.",
        check: check,
    };
}

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let graph = &cx.process.graph.0;
    for stage in cx.stages() {
        if cx.reachable.get(stage.id.index()).copied().unwrap_or(true) {
            continue;
        }
        let incoming: Vec<TransitionId> =
            graph.edges_directed(stage.id.node(), Direction::Incoming).map(|e| TransitionId(e.id())).collect();
        let mut ids = incoming;
        ids.sort();
        let from_reached = |id: &TransitionId| {
            let from = cx.process.transition(*id).from;
            cx.reachable.get(from.index()).copied().unwrap_or(false)
        };
        // Every transition into an unreachable stage from a reached stage can never fire.
        let (dead, from_unreached): (Vec<TransitionId>, Vec<TransitionId>) =
            ids.iter().partition(|id| from_reached(id));
        let entry_blocked = cx.entry_answer.get(stage.id.index()).is_some_and(Answer::is_unsatisfiable);
        let message = reason(cx, stage, &dead, &from_unreached, entry_blocked);
        let mut diagnostic = finding(*stage.name_loc, message);
        let mut labels = 0;
        match (&stage.entry, entry_blocked && !dead.is_empty()) {
            (Some(entry), true) => {
                diagnostic = diagnostic.with_label(
                    *entry.loc,
                    format!(
                        "this entry criterion can never hold, so every transition into `{}` is blocked",
                        stage.name
                    ),
                );
                labels += 1;
            }
            _ => {
                for id in &dead {
                    if labels == MAX_LABELS {
                        break;
                    }
                    let transition = cx.process.transition(*id);
                    let text = if ids.len() == 1 {
                        "this is the only way in, and it can never fire".to_string()
                    } else {
                        match cx.why_dead(*id) {
                            Some(why) => format!("this way in can never fire: {why}"),
                            None => "this way in can never fire".to_string(),
                        }
                    };
                    diagnostic = diagnostic.with_label(*transition.loc, text);
                    labels += 1;
                }
            }
        }
        for id in &from_unreached {
            if labels == MAX_LABELS {
                break;
            }
            let transition = cx.process.transition(*id);
            let from = cx.process.stage(transition.from);
            let text = if transition.from == stage.id {
                format!("this leads back into `{}` itself", stage.name)
            } else {
                format!("this way in leaves `{}`, which no deal reaches either", from.name)
            };
            diagnostic = diagnostic.with_label(*transition.loc, text);
            labels += 1;
        }
        out.push(diagnostic.with_help(help(cx, stage, &dead, &from_unreached, entry_blocked)));
    }
}

fn reason(
    cx: &Context,
    stage: &Stage,
    dead: &[TransitionId],
    from_unreached: &[TransitionId],
    entry_blocked: bool,
) -> String {
    let name = &stage.name;
    if dead.is_empty() && from_unreached.is_empty() {
        return format!("no deal can ever reach the stage `{name}`: no transition leads to it");
    }
    if !dead.is_empty() && entry_blocked {
        return format!("no deal can ever reach the stage `{name}`: its entry criterion can never hold");
    }
    if !dead.is_empty() {
        return match dead {
            [only] if from_unreached.is_empty() => format!(
                "no deal can ever reach the stage `{name}`: the only way in, `{}`, can never fire",
                cx.describe_transition(cx.process.transition(*only))
            ),
            _ if from_unreached.is_empty() => {
                format!("no deal can ever reach the stage `{name}`: none of the transitions into it can ever fire")
            }
            _ => format!(
                "no deal can ever reach the stage `{name}`: the transitions into it either can never fire or leave stages no deal reaches"
            ),
        };
    }
    let mut source_ids: Vec<_> =
        from_unreached.iter().map(|id| cx.process.transition(*id).from).filter(|from| *from != stage.id).collect();
    source_ids.sort();
    source_ids.dedup();
    let sources: Vec<&str> = source_ids.iter().map(|id| cx.process.stage(*id).name.as_str()).collect();
    if sources.is_empty() {
        return format!(
            "no deal can ever reach the stage `{name}`: the only transitions into it start in `{name}` itself"
        );
    }
    format!(
        "no deal can ever reach the stage `{name}`: it is only entered from {}, which no deal reaches either",
        name_list(&sources)
    )
}

fn help(
    cx: &Context,
    stage: &Stage,
    dead: &[TransitionId],
    from_unreached: &[TransitionId],
    entry_blocked: bool,
) -> String {
    let name = &stage.name;
    if !dead.is_empty() && entry_blocked {
        return format!("fix the entry criterion of `{name}` so that the deals sent to it can meet it");
    }
    if !dead.is_empty() {
        return "fix the criteria of the labelled transitions so that they can hold (see `unsatisfiable-criteria`), \
                or add another way in"
            .to_string();
    }
    if !from_unreached.is_empty() && from_unreached.iter().any(|id| cx.process.transition(*id).from != stage.id) {
        return "first make the stages it is entered from reachable; this one follows".to_string();
    }
    format!("add `advance to {name}` or `route to {name}` to the stage before it, mark it `start` if deals begin here, or remove it")
}
