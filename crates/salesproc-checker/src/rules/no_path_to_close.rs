use petgraph::visit::EdgeRef;
use salesproc_parser::model::{StageId, TransitionId};
use salesproc_parser::Diagnostic;

use crate::context::{name_list, name_list_of, Context};
use crate::graph::{self, Condensation};
use crate::registry::{declare_rule, finding};

/// At most this many transitions of the trap are labelled on one report.
const MAX_LABELS: usize = 6;
/// At most this many traps are remembered per stage (a stage may lead into several).
const MAX_TRAPS: usize = 3;

declare_rule! {
    /// ## What it does
    ///
    /// Finds stages that deals can leave, but from which no `terminal` stage, won or lost, can
    /// ever be reached: every path out of them goes round a loop with no way out, or ends in a
    /// stage deals can never leave. Only transitions that can fire count as a way out.
    ///
    /// Every such stage is reported: each stage of the loop itself, and each stage whose every
    /// path leads into it. The stages of a loop are reported with the loop's transitions
    /// labelled; a stage before the loop names the loop it leads into. A stage with no
    /// transition that can fire at all is a `dead-end-stage` instead, and a stage no deal
    /// reaches is only reported by `unreachable-stage`.
    ///
    /// ## Why it matters
    ///
    /// A deal caught in a closed loop moves, so it looks alive: it goes from proposal to
    /// revision and back, every stage change resets the clock, and nobody notices that the
    /// process offers no way to win it or to let it go. The pipeline keeps it open and the
    /// forecast keeps counting it. Every open stage needs a way towards a close, even if it is
    /// only a `route to closed_lost` for the deal that goes quiet.
    ///
    /// ## Example
    ///
    /// ```salesproc
    /// stage proposal "Proposal" {
    ///   owner ae
    ///   exit when buyer_response == changes_requested
    ///   advance to revision
    /// }
    ///
    /// stage revision "Revision" {
    ///   owner ae
    ///   exit when revised_proposal_sent is set
    ///   advance to proposal
    /// }
    /// ```
    ///
    /// A proposal can be revised as often as the buyer likes, but it can never be accepted or
    /// declined: neither stage leads to a won or lost stage.
    ///
    /// ## How to fix
    ///
    /// Give the loop a way out: a forward `advance` for the deal that is ready, and a `route`
    /// for the one that is not:
    ///
    /// ```salesproc
    /// stage proposal "Proposal" {
    ///   owner ae
    ///   exit when buyer_response == accepted
    ///   advance to closing
    ///   route to revision when buyer_response == changes_requested
    ///   route to closed_lost when buyer_response == declined
    /// }
    /// ```
    ///
    /// If a way out exists but is labelled elsewhere as a transition that can never fire, fix
    /// its criteria (see `unsatisfiable-criteria`).
    pub(crate) static RULE = {
        name: "no-path-to-close",
        severity: Error,
        summary: "A stage has transitions, but no won or lost stage can be reached from it: a loop with no way out.",
        check: check,
    };
}

/// Where the paths out of a stage get caught.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Trap {
    /// A loop with no way out: the index of its strongly connected component.
    Loop(usize),
    /// A non-terminal stage with no transition that can fire.
    Stuck(StageId),
}

/// For each component of the live graph, the traps its paths end in (empty for components that
/// can reach a terminal stage). One walk over the components, sinks first: linear.
fn traps(cx: &Context, cond: &Condensation, closes: &[bool]) -> Vec<Vec<Trap>> {
    let graph = &cx.process.graph.0;
    let mut traps: Vec<Vec<Trap>> = vec![Vec::new(); cond.components.len()];
    for (index, component) in cond.components.iter().enumerate() {
        let Some(first) = component.first() else { continue };
        if closes.get(first.index()).copied().unwrap_or(true) {
            continue;
        }
        if cond.cyclic.get(index).copied().unwrap_or(false) {
            if let Some(slot) = traps.get_mut(index) {
                slot.push(Trap::Loop(index));
            }
            continue;
        }
        // One stage, not on a loop: the traps of the components it leads to, which come
        // earlier in this order.
        let mut found: Vec<Trap> = Vec::new();
        for edge in graph.edges(first.node()) {
            if !cx.live.get(edge.id().index()).copied().unwrap_or(false) {
                continue;
            }
            let Some(next) = cond.component_of.get(edge.target().index()) else { continue };
            for trap in traps.get(*next).map(Vec::as_slice).unwrap_or_default() {
                if found.len() < MAX_TRAPS && !found.contains(trap) {
                    found.push(*trap);
                }
            }
        }
        if found.is_empty() && cx.process.stage(*first).terminal.is_none() {
            found.push(Trap::Stuck(*first));
        }
        if let Some(slot) = traps.get_mut(index) {
            *slot = found;
        }
    }
    traps
}

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let terminals: Vec<StageId> = cx.stages().iter().filter(|s| s.terminal.is_some()).map(|s| s.id).collect();
    let closes = graph::can_reach(cx.process, &terminals, &cx.live);
    let cond = graph::condensation(cx.process, &cx.live);
    let traps = traps(cx, &cond, &closes);
    // What a report says about a loop, worked out once per loop however many stages name it.
    let mut loops_seen: Vec<Option<LoopInfo>> = vec![None; cond.components.len()];

    for stage in cx.reachable_stages() {
        if stage.terminal.is_some() || closes.get(stage.id.index()).copied().unwrap_or(true) {
            continue;
        }
        if cx.live_transitions(stage).next().is_none() {
            continue; // a dead end: `dead-end-stage` reports it
        }
        let Some(own) = cond.component_of.get(stage.id.index()).copied() else { continue };
        let found: Vec<Trap> = traps.get(own).cloned().unwrap_or_default();
        let mut loops: Vec<LoopInfo> = Vec::new();
        let mut stuck: Vec<StageId> = Vec::new();
        for trap in found {
            match trap {
                Trap::Loop(component) => {
                    let Some(slot) = loops_seen.get_mut(component) else { continue };
                    let info = slot.get_or_insert_with(|| LoopInfo::of(cx, &cond, component));
                    loops.push(info.clone());
                }
                Trap::Stuck(s) => stuck.push(s),
            }
        }
        // In source order: a loop by its first stage.
        loops.sort_by_key(|l| l.first.first().copied());
        stuck.sort();
        let name = &stage.name;
        let names = |ids: &[StageId]| -> Vec<&str> { ids.iter().map(|s| cx.process.stage(*s).name.as_str()).collect() };

        let message = if let Some(own_loop) = loops.iter().find(|l| l.component == own) {
            let others: Vec<StageId> = own_loop.first.iter().copied().filter(|s| *s != stage.id).collect();
            if own_loop.size <= 1 {
                format!(
                    "deals in `{name}` can never be closed: it only leads back to itself, never to a won or lost stage"
                )
            } else {
                format!(
                    "deals in `{name}` can never be closed: it is caught in a loop with {}, and nothing leads out of the loop to a won or lost stage",
                    name_list_of(&names(&others), own_loop.size - 1)
                )
            }
        } else if !loops.is_empty() {
            let members: Vec<StageId> = loops.iter().flat_map(|l| l.first.iter().copied()).collect();
            let total = loops.iter().map(|l| l.size).sum();
            let what = if loops.len() == 1 { "a loop" } else { "loops" };
            format!(
                "deals in `{name}` can never be closed: every way out of it leads into {what} ({}) from which no won or lost stage can be reached",
                name_list_of(&names(&members), total)
            )
        } else {
            format!(
                "deals in `{name}` can never be closed: every way out of it ends in {}, which deals can never leave",
                name_list(&names(&stuck))
            )
        };

        let mut diagnostic = finding(*stage.name_loc, message);
        let mut labels = 0;
        for id in loops.iter().flat_map(|l| l.transitions.iter()) {
            if labels == MAX_LABELS {
                break;
            }
            diagnostic = diagnostic
                .with_label(*cx.process.transition(*id).loc, "this keeps the deal inside the loop".to_string());
            labels += 1;
        }
        for s in &stuck {
            if labels == MAX_LABELS {
                break;
            }
            let target = cx.process.stage(*s);
            diagnostic = diagnostic.with_label(*target.name_loc, format!("deals get stuck in `{}`", target.name));
            labels += 1;
        }
        let help = if loops.is_empty() {
            format!("give the stages after `{name}` a transition that can fire, towards a won or a lost stage")
        } else {
            "give a stage of the loop a way out: an `advance` towards a won stage, or a `route to` a lost stage"
                .to_string()
        };
        out.push(diagnostic.with_help(help));
    }
}

/// What the reports say about one loop.
#[derive(Clone, Debug)]
struct LoopInfo {
    /// Its strongly connected component.
    component: usize,
    /// Its first stages in source order (enough to name five besides any one of them).
    first: Vec<StageId>,
    /// How many stages it has.
    size: usize,
    /// Its first live transitions in source order, at most [`MAX_LABELS`].
    transitions: Vec<TransitionId>,
}

impl LoopInfo {
    fn of(cx: &Context, cond: &Condensation, component: usize) -> LoopInfo {
        let mut stages: Vec<StageId> = cond.components.get(component).cloned().unwrap_or_default();
        stages.sort();
        let mut transitions = Vec::new();
        'stages: for stage in &stages {
            for (id, transition) in cx.live_transitions(cx.process.stage(*stage)) {
                if transitions.len() == MAX_LABELS {
                    break 'stages;
                }
                if cond.component_of.get(transition.to.index()) == Some(&component) {
                    transitions.push(id);
                }
            }
        }
        let size = stages.len();
        stages.truncate(6);
        LoopInfo { component, first: stages, size, transitions }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::{process_text, run_rule};

    /// The `(stage name, message)` pairs the rule reports for `text`.
    fn findings(text: &str) -> Vec<(String, String)> {
        run_rule(text, super::check)
            .into_iter()
            .map(|d| {
                let name = text.get(d.span.start..d.span.end).unwrap_or_default().to_string();
                (name, d.message)
            })
            .collect()
    }

    fn names(text: &str) -> Vec<String> {
        findings(text).into_iter().map(|(name, _)| name).collect()
    }

    /// A process from `(stage, transitions)` pairs (see `process_text`).
    fn build(stages: &[(&str, &[&str])]) -> String {
        process_text("", stages)
    }

    #[test]
    fn a_loop_with_a_way_out_is_fine() {
        let text = build(&[("a", &["advance to b"]), ("b", &["advance to a", "route to lost"]), ("lost", &[])]);
        assert!(names(&text).is_empty());
    }

    #[test]
    fn every_stage_of_a_closed_loop_and_before_it_is_reported() {
        let text = build(&[("a", &["advance to b"]), ("b", &["advance to c"]), ("c", &["advance to b"]), ("won", &[])]);
        let found = findings(&text);
        assert_eq!(found.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(), vec!["a", "b", "c"]);
        assert!(found[0].1.contains("leads into a loop (`b` and `c`)"), "{}", found[0].1);
        assert!(found[1].1.contains("caught in a loop with `c`,"), "{}", found[1].1);
    }

    #[test]
    fn a_self_loop_is_a_loop() {
        let text = build(&[("a", &["route to a"]), ("won", &[])]);
        let found = findings(&text);
        assert_eq!(found.len(), 1);
        assert!(found[0].1.contains("only leads back to itself"), "{}", found[0].1);
    }

    #[test]
    fn a_stage_leading_only_to_a_dead_end_names_it() {
        let text = build(&[("a", &["advance to b", "advance to c"]), ("b", &[]), ("c", &[]), ("won", &[])]);
        let found = findings(&text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].1.contains("ends in `b` and `c`"), "{}", found[0].1);
    }

    #[test]
    fn a_branch_into_a_trap_and_one_out_is_fine_for_the_branching_stage() {
        // a → b ⇄ c (no way out), a → won: only b and c are caught.
        let text = build(&[
            ("a", &["advance to b", "route to won"]),
            ("b", &["advance to c"]),
            ("c", &["advance to b"]),
            ("won", &[]),
        ]);
        assert_eq!(names(&text), vec!["b", "c"]);
    }

    #[test]
    fn two_loops_downstream_are_both_named_once() {
        // a → (b ⇄ c), a → (d ⇄ e), nothing closes.
        let text = build(&[
            ("a", &["advance to b", "route to d"]),
            ("b", &["advance to c"]),
            ("c", &["advance to b"]),
            ("d", &["advance to e"]),
            ("e", &["advance to d"]),
            ("won", &[]),
        ]);
        let found = findings(&text);
        assert_eq!(found.len(), 5);
        assert!(found[0].1.contains("leads into loops (`b`, `c`, `d` and `e`)"), "{}", found[0].1);
    }

    #[test]
    fn a_long_chain_into_a_loop_stays_linear_and_names_the_loop() {
        // 2,000 stages in a row ending in a closed loop: each is reported with the loop's name,
        // which the walk over components finds once for all of them.
        let mut stages: Vec<(String, Vec<String>)> =
            (0..2000).map(|i| (format!("s{i}"), vec![format!("advance to s{}", i + 1)])).collect();
        stages.push(("s2000".to_string(), vec!["advance to s2001".to_string()]));
        stages.push(("s2001".to_string(), vec!["advance to s2000".to_string()]));
        stages.push(("won".to_string(), Vec::new()));
        let borrowed: Vec<Vec<&str>> = stages.iter().map(|(_, t)| t.iter().map(String::as_str).collect()).collect();
        let spec: Vec<(&str, &[&str])> =
            stages.iter().zip(&borrowed).map(|((n, _), t)| (n.as_str(), t.as_slice())).collect();
        let found = findings(&build(&spec));
        assert_eq!(found.len(), 2002);
        assert!(found[0].1.contains("(`s2000` and `s2001`)"), "{}", found[0].1);
    }

    #[test]
    fn a_large_closed_loop_is_named_briefly_and_walked_once() {
        // A ring of 3,000 stages with no way out: every stage is reported, each naming five
        // others and counting the rest.
        let names: Vec<String> = (0..3000).map(|i| format!("s{i}")).collect();
        let transitions: Vec<Vec<String>> =
            (0..3000).map(|i| vec![format!("advance to s{}", (i + 1) % 3000)]).collect();
        let borrowed: Vec<Vec<&str>> = transitions.iter().map(|t| t.iter().map(String::as_str).collect()).collect();
        let mut spec: Vec<(&str, &[&str])> =
            names.iter().map(String::as_str).zip(borrowed.iter().map(Vec::as_slice)).collect();
        spec.push(("won", &[]));
        let found = findings(&build(&spec));
        assert_eq!(found.len(), 3000);
        assert!(found[0].1.contains("a loop with `s1`, `s2`, `s3`, `s4`, `s5` and 2994 more,"), "{}", found[0].1);
    }
}
