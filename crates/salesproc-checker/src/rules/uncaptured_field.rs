use petgraph::visit::EdgeRef;
use petgraph::Direction;
use salesproc_parser::model::{Expr, FieldId, StageId, TransitionId};
use salesproc_parser::{Diagnostic, Loc};

use crate::context::Context;
use crate::graph;
use crate::registry::{declare_rule, finding};

declare_rule! {
    /// ## What it does
    ///
    /// Finds criteria that read a field which no stage records before the criterion is
    /// evaluated. A stage records (captures) a field when it lists it in `requires` or when one
    /// of its activities `captures` it. A criterion is evaluated:
    ///
    /// - for an `exit` criterion or a transition's `when` in stage S: while the deal is in S,
    ///   so the field counts as recorded if S captures it, or any stage from which a deal can
    ///   get to S;
    /// - for the `entry when` of stage T: as the deal moves into T, so the field must be
    ///   captured by a stage a deal passes through before it gets to T. T itself counts only
    ///   when a deal can come back into T, through a loop.
    ///
    /// Only paths through transitions that can fire, starting at a start stage, count. Only
    /// stages deals can reach are checked, and each field is reported once per criterion, at
    /// its first use.
    ///
    /// ## Why it matters
    ///
    /// A field nobody records stays unset, and every comparison on an unset field is false. So
    /// `budget >= 10_000` on a deal whose budget was never asked for never holds, and the stage
    /// can never be left by the book: reps either get stuck or learn to type any number to get
    /// past the gate. Either way the criterion stops being evidence. The fix is to say where
    /// the data is gathered, so that the stage that needs it can rely on it.
    ///
    /// ## Example
    ///
    /// ```salesproc
    /// start stage qualification "Qualification" {
    ///   owner sdr
    ///   activity intro_call "Intro call" {
    ///     outcome "Need and timeline confirmed"
    ///     captures need, timeline
    ///   }
    ///   exit when budget >= 10_000
    ///   advance to discovery
    /// }
    /// ```
    ///
    /// Nothing before or in `qualification` records `budget`.
    ///
    /// ## How to fix
    ///
    /// Capture the field where it is learned, in the stage itself or a stage before it:
    ///
    /// ```salesproc
    /// start stage qualification "Qualification" {
    ///   owner sdr
    ///   requires budget
    ///   activity intro_call "Intro call" {
    ///     outcome "Budget, need and timeline confirmed"
    ///     captures budget, need, timeline
    ///   }
    ///   exit when budget >= 10_000
    ///   advance to discovery
    /// }
    /// ```
    ///
    /// For an `entry when`, capture the field in the stage the deal comes from. If the value
    /// comes from outside the process (an enrichment tool, a form), still list it in an
    /// activity's `captures`, so the process says where it comes from.
    pub(crate) static RULE = {
        name: "uncaptured-field",
        severity: Warning,
        summary: "A criterion reads a field that no stage captures on the way to where it is evaluated.",
        check: check,
    };
}

/// Where a criterion is written.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Place {
    /// An `exit` of the stage (index into its exits).
    Exit(StageId, usize),
    /// A transition's `when`, evaluated in the stage it leaves.
    When(TransitionId, StageId),
    /// The stage's `entry when`, evaluated on the way in.
    Entry(StageId),
}

/// One field read by one criterion, at its first use in it.
struct Read {
    place: Place,
    loc: Loc,
}

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let field_count = cx.model.fields.len();
    // Per field: the criteria that read it, and the reachable stages that capture it.
    let mut reads: Vec<Vec<Read>> = (0..field_count).map(|_| Vec::new()).collect();
    let mut capturers: Vec<Vec<StageId>> = vec![Vec::new(); field_count];
    let mut captured_anywhere = vec![false; field_count];
    for stage in cx.stages() {
        for field in stage.captured_fields() {
            if let Some(flag) = captured_anywhere.get_mut(field.0 as usize) {
                *flag = true;
            }
        }
    }
    for stage in cx.reachable_stages() {
        for field in stage.captured_fields() {
            if let Some(list) = capturers.get_mut(field.0 as usize) {
                if list.last() != Some(&stage.id) {
                    list.push(stage.id);
                }
            }
        }
        for (i, exit) in stage.exits.iter().enumerate() {
            collect(&exit.when, Place::Exit(stage.id, i), &mut reads);
        }
        for (id, transition) in cx.live_transitions(stage) {
            if let Some(when) = &transition.when {
                collect(when, Place::When(id, stage.id), &mut reads);
            }
        }
        if let Some(when) = stage.entry.as_ref().and_then(|e| e.when.as_ref()) {
            collect(when, Place::Entry(stage.id), &mut reads);
        }
    }

    let graph = &cx.process.graph.0;
    let mut walk = Walk::new(cx);
    for (index, field_reads) in reads.iter().enumerate() {
        if field_reads.is_empty() {
            continue;
        }
        let field = FieldId(index as u32);
        // One walk per field: the stages a deal can be in after a capturing stage, as far as
        // the criteria that read the field need to know.
        let starts = capturers.get(index).map(Vec::as_slice).unwrap_or_default();
        walk.run(cx, starts, field_reads);
        let recorded_at = |stage: StageId| walk.reached(stage);
        for read in field_reads {
            let fine = match read.place {
                Place::Exit(stage, _) | Place::When(_, stage) => recorded_at(stage),
                Place::Entry(stage) => graph.edges_directed(stage.node(), Direction::Incoming).any(|edge| {
                    cx.live.get(edge.id().index()).copied().unwrap_or(false)
                        && recorded_at(StageId::of_node(edge.source()))
                }),
            };
            if !fine {
                let anywhere = captured_anywhere.get(index).copied().unwrap_or(false);
                out.push(report(cx, field, read, anywhere));
            }
        }
    }
}

/// Adds each field `expr` reads to `reads`, once for this criterion.
/// The walks from the stages that capture a field, one field after another, each costing only
/// the part of the graph that can matter to that field's readers.
///
/// In the order of the strongly connected components of the live graph (Tarjan's reverse
/// topological order), a transition never leads to a component with a higher index. So a walk
/// that only has to tell whether the stages reading a field are reached can skip every stage
/// whose component index is below the lowest of those stages': no path from there leads back
/// up. A field captured and read within one part of a large process costs that part, not the
/// whole process; without the bound, one walk per field over the whole graph made the rule
/// quadratic in the size of the process.
struct Walk {
    /// Per stage: the index of its strongly connected component.
    component_of: Vec<usize>,
    /// Per stage: the number of the walk that last reached it (0: none yet), so that no walk
    /// has to clear what the last one marked.
    reached_by: Vec<u32>,
    walk: u32,
    stack: Vec<petgraph::graph::NodeIndex>,
}

impl Walk {
    fn new(cx: &Context) -> Self {
        let condensation = graph::condensation(cx.process, &cx.live);
        let stages = cx.process.graph.0.node_count();
        Walk { component_of: condensation.component_of, reached_by: vec![0; stages], walk: 0, stack: Vec::new() }
    }

    fn component(&self, stage: StageId) -> usize {
        self.component_of.get(stage.index()).copied().unwrap_or(0)
    }

    /// Marks the stages reachable from `starts` through live transitions (the starts
    /// included), as far as `reads` need: stages below the lowest component of a reading stage
    /// are left out.
    fn run(&mut self, cx: &Context, starts: &[StageId], reads: &[Read]) {
        self.walk += 1;
        let walk = self.walk;
        let floor = reads
            .iter()
            .map(|read| match read.place {
                Place::Exit(stage, _) | Place::When(_, stage) | Place::Entry(stage) => self.component(stage),
            })
            .min()
            .unwrap_or(0);
        let graph = &cx.process.graph.0;
        self.stack.clear();
        for start in starts {
            if self.component(*start) < floor {
                continue;
            }
            if let Some(mark) = self.reached_by.get_mut(start.index()) {
                if *mark != walk {
                    *mark = walk;
                    self.stack.push(start.node());
                }
            }
        }
        while let Some(node) = self.stack.pop() {
            for edge in graph.edges(node) {
                if !cx.live.get(edge.id().index()).copied().unwrap_or(false) {
                    continue;
                }
                let target = edge.target();
                if self.component_of.get(target.index()).is_none_or(|c| *c < floor) {
                    continue;
                }
                if let Some(mark) = self.reached_by.get_mut(target.index()) {
                    if *mark != walk {
                        *mark = walk;
                        self.stack.push(target);
                    }
                }
            }
        }
    }

    /// Whether the last walk reached `stage` (meaningful for stages at or above its floor:
    /// every stage a read asks about, and every stage before one).
    fn reached(&self, stage: StageId) -> bool {
        self.reached_by.get(stage.index()).is_some_and(|mark| *mark == self.walk)
    }
}

fn collect(expr: &Expr, place: Place, reads: &mut [Vec<Read>]) {
    // A set, not a list: a criterion may name many fields.
    let mut seen: std::collections::HashSet<FieldId> = std::collections::HashSet::new();
    expr.for_each_field(&mut |field, loc| {
        if !seen.insert(field) {
            return;
        }
        if let Some(list) = reads.get_mut(field.0 as usize) {
            list.push(Read { place, loc });
        }
    });
}

fn report(cx: &Context, field: FieldId, read: &Read, anywhere: bool) -> Diagnostic {
    let name = &cx.model.field(field).name;
    let (criterion, stage, before) = match read.place {
        Place::Exit(stage, _) => {
            let s = &cx.process.stage(stage).name;
            (format!("an exit criterion of `{s}`"), s, format!("on the way to `{s}` or in it"))
        }
        Place::When(id, stage) => {
            let s = &cx.process.stage(stage).name;
            let transition = cx.process.transition(id);
            (
                format!("the condition of `{}`", cx.describe_transition(transition)),
                s,
                format!("on the way to `{s}` or in it"),
            )
        }
        Place::Entry(stage) => {
            let s = &cx.process.stage(stage).name;
            (format!("the entry criterion of `{s}`"), s, format!("before a deal enters `{s}`"))
        }
    };
    let message = if anywhere {
        format!("`{name}` is read by {criterion}, but no stage captures it {before}, so it is always unset here")
    } else {
        format!("`{name}` is read by {criterion}, but no stage captures it, so it is always unset here")
    };
    let help = match read.place {
        Place::Entry(_) => format!(
            "record `{name}` in a stage deals pass through before `{stage}`: list it in `requires` or in an activity's `captures`"
        ),
        _ => format!(
            "record `{name}` in `{stage}` or a stage before it: list it in `requires` or in an activity's `captures`"
        ),
    };
    finding(*read.loc, message).with_help(help)
}

#[cfg(test)]
mod tests {
    use crate::test_support::{process_text, run_rule};

    /// A process with `bool` fields `x` and `y` from `(stage, statements)` pairs (see
    /// `process_text`). Returns the messages the rule reports.
    fn findings(stages: &[(&str, &[&str])]) -> Vec<String> {
        let text = process_text("  field x: bool\n  field y: bool\n", stages);
        run_rule(&text, super::check).into_iter().map(|d| d.message).collect()
    }

    #[test]
    fn an_exit_may_read_what_a_later_stage_captures_when_the_deal_comes_back() {
        // b captures x; a reads it in its exit, and deals come back from b to a.
        let found = findings(&[
            ("a", &["exit when x", "advance to b", "route to lost"]),
            ("b", &["requires x", "advance to a", "route to won"]),
            ("won", &[]),
            ("lost", &[]),
        ]);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn an_entry_counts_its_own_stage_only_on_a_loop() {
        let open = findings(&[
            ("a", &["requires y", "advance to b"]),
            ("b", &["entry when x", "requires x", "advance to won"]),
            ("won", &[]),
        ]);
        assert_eq!(open.len(), 1, "{open:?}");
        assert!(open[0].contains("before a deal enters `b`"), "{}", open[0]);
        let looped = findings(&[
            ("a", &["requires y", "advance to b"]),
            ("b", &["entry when x", "requires x", "advance to won", "route to b when y"]),
            ("won", &[]),
        ]);
        assert!(looped.is_empty(), "{looped:?}");
    }

    #[test]
    fn a_loop_that_can_never_fire_does_not_count() {
        // The self-loop's `when` is `false`: it is not an edge, so `b` captures `x` too late.
        let found = findings(&[
            ("a", &["requires y", "advance to b"]),
            ("b", &["entry when x", "requires x", "advance to won", "route to b when false"]),
            ("won", &[]),
        ]);
        assert_eq!(found.len(), 1, "{found:?}");
    }

    #[test]
    fn a_capture_in_a_stage_no_deal_reaches_does_not_count() {
        let found = findings(&[
            ("a", &["exit when x", "advance to won"]),
            ("island", &["requires x", "advance to a"]),
            ("won", &[]),
        ]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("on the way to `a`"), "{}", found[0]);
    }

    #[test]
    fn a_field_read_twice_in_one_criterion_is_reported_once() {
        let found =
            findings(&[("a", &["requires y", "exit when (x or not x) and x is set", "advance to won"]), ("won", &[])]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("no stage captures it,"), "{}", found[0]);
    }
}
