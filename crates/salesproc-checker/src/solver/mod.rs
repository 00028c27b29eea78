//! The satisfiability engine: can a conjunction of criteria hold for some deal?
//!
//! Exact for the whole expression language (see `docs/solver.md`); bounded in cost by
//! [`Budget`]; past the budget it answers [`Answer::Unknown`], which reports nothing.
//!
//! - `formula`: criteria in negation normal form over field literals, where a literal is
//!   `x is set`, `x is not set`, "`x` is set and its value is in S" or "`x` is unset or its
//!   value is in S", so negation never leaves the literal language.
//! - `domain`: per field, the exact set of states still possible (unset or not, plus an
//!   interval with holes, a member set, or a string set).
//! - `search`: propagation and case splits with backtracking, counted in steps.
//! - here: independent groups of criteria are solved apart, and an unsatisfiable group is
//!   shrunk to a minimal core with QuickXplain.

mod domain;
mod formula;
#[cfg(test)]
mod prop_tests;
mod search;
#[cfg(test)]
mod tests;

use salesproc_parser::model::{Expr, Field};

use formula::{Formula, Root};
use search::{Outcome, Search};

/// How much work one question may take before the answer is [`Answer::Unknown`].
///
/// A step is one unit of search work: asserting a formula node or a literal, looking at an
/// `or` again, evaluating a node under the current domains, one case split or backtrack, and
/// one per disjunction to revisit when a field narrows. Deciding a question takes at most
/// `steps`; shrinking the conflict of an unsatisfiable one to a minimal core takes at most
/// `steps` more, so one [`Solver::solve`] does at most twice `steps` of work.
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
    /// already contradict each other (removing any one of them makes the rest satisfiable; see
    /// [`Solver::solve`] for the one exception, a core budget that runs out).
    Unsatisfiable {
        /// Indices into the criteria given, ascending.
        core: Vec<usize>,
    },
    /// The budget ran out before an answer (or a criterion uses something the solver does not
    /// model, which resolution never builds: a value of the wrong type for its field). Rules
    /// report nothing on it.
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
    ///
    /// `Unsatisfiable` is always a proof, and its core is itself contradictory. The core is
    /// minimal unless the core budget ran out while shrinking it; then it may keep a few
    /// criteria too many, never too few.
    pub fn solve(&self, criteria: &[&Expr]) -> Answer {
        let formula = Formula::build(self.fields, criteria);
        if let Some(index) = formula.roots.iter().position(|root| *root == Root::False) {
            // One criterion that never holds is a minimal core on its own.
            return Answer::Unsatisfiable { core: vec![index] };
        }
        let active: Vec<usize> = formula
            .roots
            .iter()
            .enumerate()
            .filter(|(_, root)| matches!(root, Root::Node(_)))
            .map(|(index, _)| index)
            .collect();
        let mut search = Search::new(&formula);
        let mut pool = self.budget.steps;
        match decide(&formula, &mut search, &active, &mut pool) {
            Decision::Unsat(group) => {
                let mut pool = self.budget.steps;
                let mut core = quick_xplain(&formula, &mut search, &[], false, &group, &mut pool);
                core.sort_unstable();
                core.dedup();
                Answer::Unsatisfiable { core }
            }
            Decision::Sat if formula.roots.contains(&Root::Opaque) => Answer::Unknown,
            Decision::Sat => Answer::Satisfiable,
            Decision::Unknown => Answer::Unknown,
        }
    }
}

/// The answer for a subset of the criteria.
#[derive(Debug, PartialEq, Eq)]
enum Decision {
    Sat,
    /// These criteria (ascending) already contradict each other.
    Unsat(Vec<usize>),
    Unknown,
}

/// Whether criteria `indices` (all `Root::Node`) can hold together, drawing steps from `pool`.
///
/// Criteria that share no field, even through others, are independent: the conjunction holds
/// exactly when each group of connected criteria can hold. Groups are solved smallest first;
/// the first contradictory group is returned.
fn decide(formula: &Formula, search: &mut Search<'_>, indices: &[usize], pool: &mut u64) -> Decision {
    let mut unknown = false;
    for group in groups(formula, indices) {
        let roots: Vec<usize> = group
            .iter()
            .filter_map(|index| match formula.roots.get(*index) {
                Some(Root::Node(node)) => Some(*node),
                _ => None,
            })
            .collect();
        let (outcome, used) = search.run(&roots, *pool);
        *pool = pool.saturating_sub(used);
        match outcome {
            Outcome::Sat => {}
            Outcome::Unsat => return Decision::Unsat(group),
            Outcome::OutOfSteps => unknown = true,
        }
    }
    if unknown {
        Decision::Unknown
    } else {
        Decision::Sat
    }
}

/// `indices` split into groups connected through shared fields, each ascending, smallest
/// (in formula nodes) first.
fn groups(formula: &Formula, indices: &[usize]) -> Vec<Vec<usize>> {
    // Union-find over positions in `indices`.
    fn find(parent: &mut [usize], mut at: usize) -> usize {
        while let Some(&up) = parent.get(at) {
            if up == at {
                break;
            }
            let grand = parent.get(up).copied().unwrap_or(up);
            if let Some(slot) = parent.get_mut(at) {
                *slot = grand;
            }
            at = up;
        }
        at
    }
    let mut parent: Vec<usize> = (0..indices.len()).collect();
    let mut owner: Vec<Option<usize>> = vec![None; formula.initial.len()];
    for (position, index) in indices.iter().enumerate() {
        for field in formula.root_fields(*index) {
            match owner.get(*field).copied().flatten() {
                Some(other) => {
                    let (a, b) = (find(&mut parent, position), find(&mut parent, other));
                    if let Some(slot) = parent.get_mut(a) {
                        *slot = b;
                    }
                }
                None => {
                    if let Some(slot) = owner.get_mut(*field) {
                        *slot = Some(position);
                    }
                }
            }
        }
    }
    let mut by_leader: Vec<Vec<usize>> = vec![Vec::new(); indices.len()];
    for (position, index) in indices.iter().enumerate() {
        let leader = find(&mut parent, position);
        if let Some(group) = by_leader.get_mut(leader) {
            group.push(*index);
        }
    }
    let mut groups: Vec<Vec<usize>> = by_leader.into_iter().filter(|group| !group.is_empty()).collect();
    groups.sort_by_key(|group| group.iter().map(|index| formula.root_size(*index)).sum::<usize>());
    groups
}

/// QuickXplain (Junker, 2004): a minimal subset `X` of `candidates` such that `background`
/// plus `X` is contradictory, given that `background` plus all of `candidates` is. `test`
/// says whether `background` grew since it was last known consistent, so must be tested.
///
/// It needs O(k log(n/k)) questions for a core of k out of n criteria. Only a proven
/// contradiction ever drops a criterion, so a question that runs out of steps (treated as
/// "consistent") can only leave the core larger, never make it consistent. Recursion depth
/// is about twice log2 of the number of criteria.
fn quick_xplain(
    formula: &Formula,
    search: &mut Search<'_>,
    background: &[usize],
    test: bool,
    candidates: &[usize],
    pool: &mut u64,
) -> Vec<usize> {
    if test && matches!(decide(formula, search, background, pool), Decision::Unsat(_)) {
        return Vec::new();
    }
    if candidates.len() <= 1 {
        return candidates.to_vec();
    }
    let (first, second) = candidates.split_at(candidates.len() / 2);
    let with_first: Vec<usize> = background.iter().chain(first).copied().collect();
    let from_second = quick_xplain(formula, search, &with_first, !first.is_empty(), second, pool);
    let with_found: Vec<usize> = background.iter().chain(&from_second).copied().collect();
    let from_first = quick_xplain(formula, search, &with_found, !from_second.is_empty(), first, pool);
    from_first.into_iter().chain(from_second).collect()
}
