//! The search: assert the criteria, propagate, split on a disjunction, backtrack.
//!
//! Iterative (an explicit stack of choice points), with undo trails instead of copies. Every
//! unit of work is counted against the step limit; see `docs/solver.md`.

use std::mem;

use super::domain::{Domain, LitKind};
use super::formula::{Formula, Node};

/// The step limit was reached.
#[derive(Debug)]
pub(super) struct OutOfSteps;

/// How one search ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Outcome {
    /// A deal satisfies every root.
    Sat,
    /// No deal does.
    Unsat,
    /// The step limit was reached first.
    OutOfSteps,
}

/// What has become of an `Or` node in the current branch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Not asserted.
    Idle,
    /// Asserted, not yet satisfied: one of its children must still be chosen.
    Pending,
    /// Asserted and taken care of: a child was asserted, or the domains entail it.
    Done,
}

/// Three-valued truth of a node under the current domains.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Truth {
    /// No state left in the domains satisfies it.
    False,
    /// Every state left satisfies it.
    True,
    /// Either may be.
    Open,
}

/// A point to come back to.
#[derive(Clone, Copy, Debug)]
struct Mark {
    trail: usize,
    states: usize,
    agenda: usize,
    cursor: usize,
}

/// A choice point: an `Or` node and the children still to try.
#[derive(Debug)]
struct Frame {
    mark: Mark,
    or: usize,
    alternatives: Vec<usize>,
    next: usize,
}

/// The search over one formula. Reusable: each [`Search::run`] leaves it as it found it, so
/// one question's many sub-questions (while shrinking a core) share the allocations and pay
/// only for the work they do.
pub(super) struct Search<'f> {
    formula: &'f Formula,
    domains: Vec<Domain>,
    /// Old domains, to undo.
    trail: Vec<(usize, Domain)>,
    state: Vec<State>,
    /// Old states, to undo.
    state_trail: Vec<(usize, State)>,
    /// The `Or` nodes asserted in this branch, in order.
    agenda: Vec<usize>,
    /// Every agenda entry before this one is `Done`.
    cursor: usize,
    /// `Or` nodes to look at again: a field they mention changed.
    queue: Vec<usize>,
    queued: Vec<bool>,
    steps: u64,
    limit: u64,
}

impl<'f> Search<'f> {
    /// A search over `formula`, nothing asserted yet.
    pub(super) fn new(formula: &'f Formula) -> Self {
        let count = formula.nodes.len();
        Search {
            formula,
            domains: formula.initial.clone(),
            trail: Vec::new(),
            state: vec![State::Idle; count],
            state_trail: Vec::new(),
            agenda: Vec::new(),
            cursor: 0,
            queue: Vec::new(),
            queued: vec![false; count],
            steps: 0,
            limit: 0,
        }
    }

    /// Whether the nodes `roots` can all hold; at most `limit` steps. Returns the outcome and
    /// the steps used.
    pub(super) fn run(&mut self, roots: &[usize], limit: u64) -> (Outcome, u64) {
        self.steps = 0;
        self.limit = limit;
        let outcome = match self.solve(roots) {
            Ok(true) => Outcome::Sat,
            Ok(false) => Outcome::Unsat,
            Err(OutOfSteps) => Outcome::OutOfSteps,
        };
        // Undo everything: the cost is that of the changes made, already counted.
        self.restore(Mark { trail: 0, states: 0, agenda: 0, cursor: 0 });
        (outcome, self.steps.min(limit))
    }

    fn tick(&mut self, steps: u64) -> Result<(), OutOfSteps> {
        self.steps = self.steps.saturating_add(steps);
        if self.steps > self.limit {
            Err(OutOfSteps)
        } else {
            Ok(())
        }
    }

    /// `Ok(true)` when the roots can all hold.
    fn solve(&mut self, roots: &[usize]) -> Result<bool, OutOfSteps> {
        for root in roots {
            if !self.assert_node(*root)? {
                return Ok(false);
            }
        }
        let mut frames: Vec<Frame> = Vec::new();
        loop {
            let mut consistent = self.propagate()?;
            if consistent {
                let Some(or) = self.pick()? else {
                    // Nothing left to choose and every domain is non-empty: any state of
                    // each field satisfies every literal asserted and every entailed `Or`.
                    return Ok(true);
                };
                match self.alternatives(or)? {
                    None => self.set_state(or, State::Done),
                    Some(alternatives) => {
                        self.tick(1)?;
                        let mut frame = Frame { mark: self.mark(), or, alternatives, next: 0 };
                        consistent = self.descend(&mut frame)?;
                        frames.push(frame);
                    }
                }
            }
            if !consistent {
                // Backtrack to the latest choice point with a child left to try.
                loop {
                    let Some(frame) = frames.last_mut() else { return Ok(false) };
                    if frame.next >= frame.alternatives.len() {
                        frames.pop();
                        continue;
                    }
                    self.tick(1)?;
                    if self.descend(frame)? {
                        break;
                    }
                }
            }
        }
    }

    /// Goes back to `frame`'s choice point and asserts its next child. `Ok(false)` on an
    /// immediate contradiction.
    fn descend(&mut self, frame: &mut Frame) -> Result<bool, OutOfSteps> {
        self.restore(frame.mark);
        self.set_state(frame.or, State::Done);
        let formula = self.formula;
        // Each child tried before failed here, so its negation holds in what is left: assert
        // it where it is a literal (a free, exact lemma that prunes the remaining children).
        for failed in frame.alternatives.iter().take(frame.next) {
            if let Some(Node::Lit(lit)) = formula.nodes.get(*failed) {
                if !self.assert_lit(lit.field, &lit.kind.negated())? {
                    // The choice point itself is contradictory: no child can work.
                    frame.next = frame.alternatives.len();
                    return Ok(false);
                }
            }
        }
        let Some(child) = frame.alternatives.get(frame.next).copied() else { return Ok(false) };
        frame.next += 1;
        self.assert_node(child)
    }

    /// The children of `or` not already false, or `None` when the domains entail `or`.
    fn alternatives(&mut self, or: usize) -> Result<Option<Vec<usize>>, OutOfSteps> {
        let formula = self.formula;
        let Some(Node::Or(children)) = formula.nodes.get(or) else { return Ok(None) };
        let mut alternatives = Vec::with_capacity(children.len());
        for child in children {
            match self.eval(*child)? {
                Truth::True => return Ok(None),
                Truth::False => {}
                Truth::Open => alternatives.push(*child),
            }
        }
        Ok(Some(alternatives))
    }

    /// The first pending `Or` of the agenda.
    fn pick(&mut self) -> Result<Option<usize>, OutOfSteps> {
        while let Some(or) = self.agenda.get(self.cursor).copied() {
            if self.state.get(or) == Some(&State::Pending) {
                return Ok(Some(or));
            }
            self.tick(1)?;
            self.cursor += 1;
        }
        Ok(None)
    }

    /// Asserts a node: literals narrow domains, `And` asserts its children, `Or` joins the
    /// agenda. `Ok(false)` on a contradiction.
    fn assert_node(&mut self, node: usize) -> Result<bool, OutOfSteps> {
        let formula = self.formula;
        let mut stack = vec![node];
        while let Some(node) = stack.pop() {
            self.tick(1)?;
            match formula.nodes.get(node) {
                Some(Node::Lit(lit)) => {
                    let consistent = self.assert_lit(lit.field, &lit.kind)?;
                    if !consistent {
                        return Ok(false);
                    }
                }
                Some(Node::And(children)) => stack.extend(children.iter().copied()),
                // Asserted once per branch: a node has one parent.
                Some(Node::Or(_)) if self.state.get(node) == Some(&State::Idle) => {
                    self.set_state(node, State::Pending);
                    self.agenda.push(node);
                    self.enqueue(node);
                }
                Some(Node::Or(_)) | None => {}
            }
        }
        Ok(true)
    }

    /// Narrows `field` by a literal. `Ok(false)` when no state is left.
    fn assert_lit(&mut self, field: usize, kind: &LitKind) -> Result<bool, OutOfSteps> {
        self.tick(1)?;
        let Some(domain) = self.domains.get_mut(field) else { return Ok(true) };
        let narrowed = domain.meet(kind);
        if narrowed == *domain {
            return Ok(true);
        }
        if narrowed.is_empty() {
            return Ok(false);
        }
        let old = mem::replace(domain, narrowed);
        self.trail.push((field, old));
        let formula = self.formula;
        if let Some(ors) = formula.occurs.get(field) {
            self.tick(ors.len() as u64)?;
            for or in ors {
                if self.state.get(*or) == Some(&State::Pending) {
                    self.enqueue(*or);
                }
            }
        }
        Ok(true)
    }

    fn enqueue(&mut self, or: usize) {
        if let Some(queued) = self.queued.get_mut(or) {
            if !*queued {
                *queued = true;
                self.queue.push(or);
            }
        }
    }

    /// Looks again at every queued `Or`: drops those the domains entail, asserts the only
    /// child left of those with one, fails on those with none. `Ok(false)` on a contradiction.
    fn propagate(&mut self) -> Result<bool, OutOfSteps> {
        let formula = self.formula;
        while let Some(or) = self.queue.pop() {
            if let Some(queued) = self.queued.get_mut(or) {
                *queued = false;
            }
            self.tick(1)?;
            if self.state.get(or) != Some(&State::Pending) {
                continue;
            }
            let Some(Node::Or(children)) = formula.nodes.get(or) else { continue };
            let mut open = 0usize;
            let mut last_open = None;
            let mut entailed = false;
            for child in children {
                match self.eval(*child)? {
                    Truth::True => {
                        entailed = true;
                        break;
                    }
                    Truth::False => {}
                    Truth::Open => {
                        open += 1;
                        last_open = Some(*child);
                    }
                }
            }
            if entailed {
                self.set_state(or, State::Done);
                continue;
            }
            match (open, last_open) {
                (0, _) | (_, None) => return Ok(false),
                (1, Some(child)) => {
                    self.set_state(or, State::Done);
                    if !self.assert_node(child)? {
                        return Ok(false);
                    }
                }
                _ => {}
            }
        }
        Ok(true)
    }

    /// The truth of a node under the current domains. Exact for literals (a domain is
    /// exactly the states left for its field); for `And`/`Or` a sound combination. Recursion
    /// depth is the expression's.
    fn eval(&mut self, node: usize) -> Result<Truth, OutOfSteps> {
        self.tick(1)?;
        let formula = self.formula;
        Ok(match formula.nodes.get(node) {
            Some(Node::Lit(lit)) => match self.domains.get(lit.field) {
                Some(domain) if !domain.admits(&lit.kind, false) => Truth::False,
                Some(domain) if !domain.admits(&lit.kind, true) => Truth::True,
                _ => Truth::Open,
            },
            Some(Node::And(children)) => {
                let mut all = true;
                for child in children {
                    match self.eval(*child)? {
                        Truth::False => return Ok(Truth::False),
                        Truth::Open => all = false,
                        Truth::True => {}
                    }
                }
                if all {
                    Truth::True
                } else {
                    Truth::Open
                }
            }
            Some(Node::Or(children)) => {
                let mut none = true;
                for child in children {
                    match self.eval(*child)? {
                        Truth::True => return Ok(Truth::True),
                        Truth::Open => none = false,
                        Truth::False => {}
                    }
                }
                if none {
                    Truth::False
                } else {
                    Truth::Open
                }
            }
            None => Truth::Open,
        })
    }

    fn set_state(&mut self, node: usize, state: State) {
        if let Some(slot) = self.state.get_mut(node) {
            self.state_trail.push((node, mem::replace(slot, state)));
        }
    }

    fn mark(&self) -> Mark {
        Mark { trail: self.trail.len(), states: self.state_trail.len(), agenda: self.agenda.len(), cursor: self.cursor }
    }

    fn restore(&mut self, mark: Mark) {
        while self.trail.len() > mark.trail {
            let Some((field, old)) = self.trail.pop() else { break };
            if let Some(domain) = self.domains.get_mut(field) {
                *domain = old;
            }
        }
        while self.state_trail.len() > mark.states {
            let Some((node, old)) = self.state_trail.pop() else { break };
            if let Some(slot) = self.state.get_mut(node) {
                *slot = old;
            }
        }
        self.agenda.truncate(mark.agenda);
        self.cursor = mark.cursor;
        for or in self.queue.drain(..) {
            if let Some(queued) = self.queued.get_mut(or) {
                *queued = false;
            }
        }
    }
}
