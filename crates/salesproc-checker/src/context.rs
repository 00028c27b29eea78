//! What a rule reads: the model, plus everything computed once per process so that no rule
//! recomputes it: the criteria behind each guard, the solver's answer for each, which
//! transitions can fire, and which stages are reachable.

use salesproc_parser::model::{Expr, FieldRef, Model, Process, Stage, StageId, Transition, TransitionId};
use salesproc_parser::syntax::TransitionKind;
use salesproc_parser::Loc;

use crate::graph;
use crate::solver::{Answer, Budget, Solver};
use crate::Options;

/// Where a criterion of a guard comes from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Origin {
    /// An `exit` statement of a stage (index into `Stage::exits`).
    Exit(StageId, usize),
    /// A `requires` field of a stage, read as `field is set`.
    Requires(StageId, FieldRef),
    /// A transition's own `when`.
    When(TransitionId),
    /// A stage's `entry when`.
    Entry(StageId),
}

/// One criterion of a conjunction: `and` at the top of a criterion is split, so each part can
/// be named on its own when it conflicts.
#[derive(Clone, Debug)]
pub struct Conjunct {
    /// The criterion.
    pub expr: Expr,
    /// Where it comes from.
    pub origin: Origin,
}

impl Conjunct {
    /// Where to point at it.
    pub fn loc(&self) -> Loc {
        match self.origin {
            Origin::Requires(_, field) => field.loc,
            _ => self.expr.loc(),
        }
    }
}

/// Everything a rule reads.
pub struct Context<'m> {
    /// The whole model (roles and fields).
    pub model: &'m Model,
    /// The process being checked.
    pub process: &'m Process,
    /// The options of this run.
    pub options: &'m Options,
    /// The solver, for questions beyond the precomputed answers (such as two guards at once).
    pub solver: Solver<'m>,
    /// Per stage: can its exit criteria and `requires` hold together?
    pub exits_answer: Vec<Answer>,
    /// Per stage: can its `entry when` hold? (`Satisfiable` when it has none.)
    pub entry_answer: Vec<Answer>,
    /// Per transition: can its whole guard hold?
    pub guard_answer: Vec<Answer>,
    /// Per transition: can it fire (its guard is not proven unsatisfiable)?
    pub live: Vec<bool>,
    /// Per stage: reachable from a start stage through live transitions.
    pub reachable: Vec<bool>,
}

impl<'m> Context<'m> {
    /// Computes the shared facts for `process`. Each guard is solved once here.
    pub fn new(model: &'m Model, process: &'m Process, options: &'m Options) -> Self {
        let solver = Solver::new(&model.fields, Budget::default());
        let mut context = Context {
            model,
            process,
            options,
            solver,
            exits_answer: Vec::new(),
            entry_answer: Vec::new(),
            guard_answer: Vec::new(),
            live: Vec::new(),
            reachable: Vec::new(),
        };
        context.exits_answer = process.stages.iter().map(|s| context.ask(&context.exit_conjuncts(s))).collect();
        context.entry_answer = process.stages.iter().map(|s| context.ask(&context.entry_conjuncts(s))).collect();
        context.guard_answer = process
            .transitions()
            .map(|(id, transition)| {
                let exits_fail = transition.kind == TransitionKind::Advance
                    && context.exits_answer[transition.from.index()].is_unsatisfiable();
                let entry_fails = context.entry_answer[transition.to.index()].is_unsatisfiable();
                if exits_fail || entry_fails {
                    // Already contradictory at a smaller scope: no need to ask again.
                    Answer::Unsatisfiable { core: Vec::new() }
                } else {
                    context.ask(&context.guard(id))
                }
            })
            .collect();
        context.live = context.guard_answer.iter().map(|a| !a.is_unsatisfiable()).collect();
        context.reachable = graph::reachable_from(process, &process.starts, &context.live);
        context
    }

    fn ask(&self, conjuncts: &[Conjunct]) -> Answer {
        if conjuncts.is_empty() {
            return Answer::Satisfiable;
        }
        let exprs: Vec<&Expr> = conjuncts.iter().map(|c| &c.expr).collect();
        self.solver.solve(&exprs)
    }

    /// A stage's exit criteria and `requires` as conjuncts.
    pub fn exit_conjuncts(&self, stage: &Stage) -> Vec<Conjunct> {
        let mut out = Vec::new();
        for (i, exit) in stage.exits.iter().enumerate() {
            split_and(&exit.when, Origin::Exit(stage.id, i), &mut out);
        }
        for field in &stage.requires {
            out.push(Conjunct {
                expr: Expr::IsSet { field: field.field, negated: false, loc: field.loc },
                origin: Origin::Requires(stage.id, *field),
            });
        }
        out
    }

    /// A stage's `entry when` as conjuncts (none when it has no entry criterion).
    pub fn entry_conjuncts(&self, stage: &Stage) -> Vec<Conjunct> {
        let mut out = Vec::new();
        if let Some(when) = stage.entry.as_ref().and_then(|e| e.when.as_ref()) {
            split_and(when, Origin::Entry(stage.id), &mut out);
        }
        out
    }

    /// The whole guard of a transition: for `advance`, the stage's exits and `requires`, the
    /// transition's `when` and the target's `entry when`; for `route`, the last two.
    pub fn guard(&self, id: TransitionId) -> Vec<Conjunct> {
        let transition = self.process.transition(id);
        let mut out = Vec::new();
        if transition.kind == TransitionKind::Advance {
            out.extend(self.exit_conjuncts(self.process.stage(transition.from)));
        }
        if let Some(when) = &transition.when {
            split_and(when, Origin::When(id), &mut out);
        }
        out.extend(self.entry_conjuncts(self.process.stage(transition.to)));
        out
    }

    /// The stages of the process.
    pub fn stages(&self) -> &'m [Stage] {
        &self.process.stages
    }

    /// Reachable stages only (what the flow rules look at).
    pub fn reachable_stages(&self) -> impl Iterator<Item = &'m Stage> + '_ {
        self.process.stages.iter().filter(|s| self.reachable.get(s.id.index()).copied().unwrap_or(false))
    }

    /// The transitions out of `stage` that can fire, in source order.
    pub fn live_transitions(&self, stage: &'m Stage) -> impl Iterator<Item = (TransitionId, &'m Transition)> + '_ {
        stage
            .transitions
            .iter()
            .filter(|id| self.live.get(id.0.index()).copied().unwrap_or(false))
            .map(|id| (*id, self.process.transition(*id)))
    }

    /// Why a transition can never fire, in the user's words, for labels; `None` when it may
    /// fire (its guard was not proven contradictory).
    pub fn why_dead(&self, id: TransitionId) -> Option<String> {
        if !self.guard_answer.get(id.0.index()).is_some_and(Answer::is_unsatisfiable) {
            return None;
        }
        let transition = self.process.transition(id);
        let from = self.process.stage(transition.from);
        let to = self.process.stage(transition.to);
        let exits_fail = transition.kind == TransitionKind::Advance
            && self.exits_answer.get(from.id.index()).is_some_and(Answer::is_unsatisfiable);
        let entry_fails = self.entry_answer.get(to.id.index()).is_some_and(Answer::is_unsatisfiable);
        Some(if exits_fail {
            format!("the exit criteria of `{}` can never all hold", from.name)
        } else if entry_fails {
            format!("no deal can ever meet the entry criterion of `{}`", to.name)
        } else {
            "its conditions can never all hold together".to_string()
        })
    }

    /// `qualification → discovery`, for messages.
    pub fn describe_transition(&self, transition: &Transition) -> String {
        format!("{} → {}", self.process.stage(transition.from).name, self.process.stage(transition.to).name)
    }

    /// A conjunct written out for a label: "`budget >= 10_000`", or "`budget` is required".
    pub fn describe_conjunct(&self, conjunct: &Conjunct) -> String {
        match conjunct.origin {
            Origin::Requires(_, field) => format!("`{}` is required", self.model.field(field.field).name),
            _ => format!("`{}`", conjunct.expr.display(self.model)),
        }
    }
}

/// Names for a message: "`a`", "`a` and `b`", "`a`, `b` and `c`", at most five and then
/// "and 3 more".
pub fn name_list(names: &[&str]) -> String {
    name_list_of(names, names.len())
}

/// Like [`name_list`], for the first few of `total` names: the ones not given count as "more".
pub fn name_list_of(names: &[&str], total: usize) -> String {
    const SHOWN: usize = 5;
    let mut shown: Vec<String> = names.iter().take(SHOWN).map(|n| format!("`{n}`")).collect();
    let more = total.max(names.len()).saturating_sub(shown.len());
    if more > 0 {
        shown.push(format!("{more} more"));
    }
    match shown.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// Appends `expr` to `out`, split at top-level `and`s.
fn split_and(expr: &Expr, origin: Origin, out: &mut Vec<Conjunct>) {
    match expr {
        Expr::And { operands, .. } => operands.iter().for_each(|o| split_and(o, origin, out)),
        _ => out.push(Conjunct { expr: expr.clone(), origin }),
    }
}
