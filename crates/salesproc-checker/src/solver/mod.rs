//! The satisfiability engine: can a conjunction of criteria hold for some deal?
//!
//! Exact for the whole expression language (see `docs/solver.md` once written); bounded in
//! cost by [`Budget`]; past the budget it answers [`Answer::Unknown`], which reports nothing.

use salesproc_parser::model::{Expr, Field};

/// How much work one question may take before the answer is [`Answer::Unknown`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    /// Search steps (case splits and propagations) allowed for one question.
    pub steps: u64,
}

impl Default for Budget {
    fn default() -> Self {
        Budget { steps: 100_000 }
    }
}

/// The answer to "can all these criteria hold together?".
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// Some deal satisfies them all.
    Satisfiable,
    /// No deal can: `core` lists the indices of a minimal set of the given criteria that
    /// already contradict each other (removing any one of them makes the rest satisfiable).
    Unsatisfiable {
        /// Indices into the criteria given, ascending.
        core: Vec<usize>,
    },
    /// The budget ran out before an answer.
    Unknown,
}

impl Answer {
    /// Whether the criteria were proven contradictory.
    pub fn is_unsatisfiable(&self) -> bool {
        matches!(self, Answer::Unsatisfiable { .. })
    }
}

/// Answers satisfiability questions about criteria over one model's fields.
#[derive(Clone, Debug)]
pub struct Solver<'m> {
    fields: &'m [Field],
    budget: Budget,
}

impl<'m> Solver<'m> {
    /// A solver for criteria over `fields` (the model's fields, indexed by `FieldId`).
    pub fn new(fields: &'m [Field], budget: Budget) -> Self {
        Solver { fields, budget }
    }

    /// Whether all of `criteria` can hold together, with a minimal conflicting subset when not.
    pub fn solve(&self, criteria: &[&Expr]) -> Answer {
        // Placeholder until the engine lands: never claims a contradiction.
        let _ = (self.fields, self.budget, criteria);
        Answer::Unknown
    }
}
