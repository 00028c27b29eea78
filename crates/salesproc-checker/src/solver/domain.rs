//! What one field may still be, and the constraints that narrow it.
//!
//! A [`Domain`] is the exact set of states a field can be in given the literals asserted so far:
//! "unset" (allowed or not) plus a set of values of the field's type. Every literal of the
//! solver ([`Lit`]) maps the set of states to a subset that this representation can express
//! exactly, so intersection and the emptiness test are exact (see `docs/solver.md`).

use std::cmp::Ordering;

use salesproc_parser::syntax::CmpOp;

/// A constraint on the value of a field (the value set `S` of a literal), always of the
/// field's type.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Cons {
    /// `v op c` over the reals (`number`, `money`, `percent`).
    Real(CmpOp, f64),
    /// `v op c` over the integers (`int`, `duration` in minutes, `date` in days).
    Int(CmpOp, i128),
    /// `v` is one of these members (`enum`; `bool` as members `false` = 0, `true` = 1).
    Members(Bits),
    /// `v == s` (`true`) or `v != s` (`false`) for an interned string `s`.
    Text(bool, u32),
}

impl Cons {
    /// The values of the field's type outside this constraint.
    pub(super) fn complement(&self) -> Cons {
        match self {
            Cons::Real(op, c) => Cons::Real(complement_op(*op), *c),
            Cons::Int(op, c) => Cons::Int(complement_op(*op), *c),
            Cons::Members(bits) => Cons::Members(bits.complement()),
            Cons::Text(eq, s) => Cons::Text(!eq, *s),
        }
    }
}

fn complement_op(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Eq => CmpOp::Ne,
        CmpOp::Ne => CmpOp::Eq,
        CmpOp::Lt => CmpOp::Ge,
        CmpOp::Ge => CmpOp::Lt,
        CmpOp::Le => CmpOp::Gt,
        CmpOp::Gt => CmpOp::Le,
    }
}

/// A literal: the only kind of leaf left after negation normal form.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum LitKind {
    /// `is set` (`true`) / `is not set` (`false`).
    Set(bool),
    /// With `guard == false`: the field is set and its value satisfies `cons` (a comparison).
    /// With `guard == true`: the field is unset or its value satisfies `cons` (the negation
    /// of a comparison: `not (x < 5)` is `unset or x >= 5`).
    Has {
        /// Unset also satisfies the literal.
        guard: bool,
        /// The constraint on the value.
        cons: Cons,
    },
}

impl LitKind {
    /// The literal that holds exactly when this one does not.
    pub(super) fn negated(&self) -> LitKind {
        match self {
            LitKind::Set(set) => LitKind::Set(!set),
            LitKind::Has { guard, cons } => LitKind::Has { guard: !guard, cons: cons.complement() },
        }
    }
}

/// A literal on one field (the question's own number for it: see `Formula::initial`).
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Lit {
    /// The field.
    pub(super) field: usize,
    /// What it says about the field.
    pub(super) kind: LitKind,
}

/// A set of enum members, as a bit set over `0..n`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Bits {
    n: usize,
    words: Vec<u64>,
}

impl Bits {
    /// The empty set over `0..n`.
    pub(super) fn none(n: usize) -> Bits {
        Bits { n, words: vec![0; n.div_ceil(64)] }
    }

    /// Every member of `0..n`.
    pub(super) fn all(n: usize) -> Bits {
        Bits::none(n).complement()
    }

    /// Adds `i`; `false` (and no change) when it is not below `n`.
    pub(super) fn insert(&mut self, i: usize) -> bool {
        if i >= self.n {
            return false;
        }
        match self.words.get_mut(i / 64) {
            Some(word) => {
                *word |= 1 << (i % 64);
                true
            }
            None => false,
        }
    }

    /// The members of `0..n` not in the set.
    pub(super) fn complement(&self) -> Bits {
        let mut words: Vec<u64> = self.words.iter().map(|w| !w).collect();
        let rest = self.n % 64;
        if rest != 0 {
            if let Some(last) = words.last_mut() {
                *last &= (1u64 << rest) - 1;
            }
        }
        Bits { n: self.n, words }
    }

    fn and(&self, other: &Bits) -> Bits {
        Bits { n: self.n, words: self.words.iter().zip(&other.words).map(|(a, b)| a & b).collect() }
    }

    /// Whether the two sets share a member (with `negate_other`: whether `self` has a member
    /// outside `other`).
    fn intersects(&self, other: &Bits, negate_other: bool) -> bool {
        let rest = self.n % 64;
        let last = self.words.len().saturating_sub(1);
        self.words.iter().zip(&other.words).enumerate().any(|(i, (a, b))| {
            let mut b = if negate_other { !b } else { *b };
            if negate_other && i == last && rest != 0 {
                b &= (1u64 << rest) - 1;
            }
            a & b != 0
        })
    }

    fn is_empty(&self) -> bool {
        self.words.iter().all(|w| *w == 0)
    }
}

/// One end of an interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Bound<T> {
    at: T,
    /// The end itself is excluded.
    strict: bool,
}

/// A point type of an interval: reals (`f64`, all finite) or integers (`i128`).
pub(super) trait Point: Copy + PartialOrd + std::fmt::Debug {
    /// Whether `[lo, hi]` (with strict ends excluded, `None` unbounded) minus `holes` (sorted,
    /// distinct) and minus `extra` holds a point of the type.
    fn nonempty(lo: Option<Bound<Self>>, hi: Option<Bound<Self>>, holes: &[Self], extra: Option<Self>) -> bool;
}

fn order<T: PartialOrd>(a: &T, b: &T) -> Ordering {
    // Points are never NaN (non-finite constants make a criterion opaque), so this is total.
    a.partial_cmp(b).unwrap_or(Ordering::Equal)
}

fn contains<T: Point>(holes: &[T], x: T) -> bool {
    holes.binary_search_by(|h| order(h, &x)).is_ok()
}

impl Point for f64 {
    fn nonempty(lo: Option<Bound<f64>>, hi: Option<Bound<f64>>, holes: &[f64], extra: Option<f64>) -> bool {
        match (lo, hi) {
            // A non-degenerate real interval has infinitely many points; finitely many holes
            // cannot exhaust it.
            (Some(lo), Some(hi)) if lo.at < hi.at => true,
            (Some(lo), Some(hi)) if lo.at == hi.at && !lo.strict && !hi.strict => {
                !contains(holes, lo.at) && extra != Some(lo.at)
            }
            (Some(_), Some(_)) => false,
            _ => true,
        }
    }
}

impl Point for i128 {
    fn nonempty(lo: Option<Bound<i128>>, hi: Option<Bound<i128>>, holes: &[i128], extra: Option<i128>) -> bool {
        let (Some(lo), Some(hi)) = (lo, hi) else {
            // Infinitely many integers, finitely many holes.
            return true;
        };
        let lo = if lo.strict { lo.at.saturating_add(1) } else { lo.at };
        let hi = if hi.strict { hi.at.saturating_sub(1) } else { hi.at };
        if lo > hi {
            return false;
        }
        let Some(count) = hi.checked_sub(lo).and_then(|d| d.checked_add(1)) else {
            return true;
        };
        let first = holes.partition_point(|h| *h < lo);
        let end = holes.partition_point(|h| *h <= hi);
        let mut inside = end.saturating_sub(first);
        if let Some(x) = extra {
            if lo <= x && x <= hi && !contains(holes, x) {
                inside += 1;
            }
        }
        i128::try_from(inside).is_ok_and(|inside| count > inside)
    }
}

/// An interval with finitely many points taken out: the exact value set of an ordered type
/// under any conjunction of comparisons.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Range<T> {
    lo: Option<Bound<T>>,
    hi: Option<Bound<T>>,
    /// Excluded points, sorted and distinct.
    holes: Vec<T>,
}

impl<T: Point> Range<T> {
    /// Every value.
    pub(super) fn unbounded() -> Self {
        Range { lo: None, hi: None, holes: Vec::new() }
    }

    /// `[lo, hi]`, either end optional.
    pub(super) fn between(lo: Option<T>, hi: Option<T>) -> Self {
        Range {
            lo: lo.map(|at| Bound { at, strict: false }),
            hi: hi.map(|at| Bound { at, strict: false }),
            holes: Vec::new(),
        }
    }

    /// The bounds after intersecting with `v op c` (or its complement), and the new hole.
    fn narrowed(&self, op: CmpOp, c: T, negated: bool) -> (Option<Bound<T>>, Option<Bound<T>>, Option<T>) {
        let op = if negated { complement_op(op) } else { op };
        let (mut lo, mut hi) = (self.lo, self.hi);
        let mut hole = None;
        let tighten_lo = |lo: &mut Option<Bound<T>>, b: Bound<T>| {
            let tighter = match lo {
                None => true,
                Some(old) => old.at < b.at || (old.at == b.at && b.strict && !old.strict),
            };
            if tighter {
                *lo = Some(b);
            }
        };
        let tighten_hi = |hi: &mut Option<Bound<T>>, b: Bound<T>| {
            let tighter = match hi {
                None => true,
                Some(old) => old.at > b.at || (old.at == b.at && b.strict && !old.strict),
            };
            if tighter {
                *hi = Some(b);
            }
        };
        match op {
            CmpOp::Lt => tighten_hi(&mut hi, Bound { at: c, strict: true }),
            CmpOp::Le => tighten_hi(&mut hi, Bound { at: c, strict: false }),
            CmpOp::Gt => tighten_lo(&mut lo, Bound { at: c, strict: true }),
            CmpOp::Ge => tighten_lo(&mut lo, Bound { at: c, strict: false }),
            CmpOp::Eq => {
                tighten_lo(&mut lo, Bound { at: c, strict: false });
                tighten_hi(&mut hi, Bound { at: c, strict: false });
            }
            CmpOp::Ne => hole = Some(c),
        }
        (lo, hi, hole)
    }

    fn nonempty(&self) -> bool {
        T::nonempty(self.lo, self.hi, &self.holes, None)
    }

    fn meets(&self, op: CmpOp, c: T, negated: bool) -> bool {
        let (lo, hi, hole) = self.narrowed(op, c, negated);
        T::nonempty(lo, hi, &self.holes, hole)
    }

    fn meet(&self, op: CmpOp, c: T) -> Range<T> {
        let (lo, hi, hole) = self.narrowed(op, c, false);
        let mut holes = self.holes.clone();
        if let Some(x) = hole {
            if let Err(at) = holes.binary_search_by(|h| order(h, &x)) {
                holes.insert(at, x);
            }
        }
        Range { lo, hi, holes }
    }
}

/// The possible values of a `text` field.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum TextSet {
    /// Any string but these (sorted, distinct): never empty, there are infinitely many strings.
    Except(Vec<u32>),
    /// Exactly this string.
    Is(u32),
}

/// The possible values of a field, by type.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Values {
    /// `number`, `money`, `percent`.
    Real(Range<f64>),
    /// `int`, `duration`, `date`.
    Int(Range<i128>),
    /// `enum`, `bool`.
    Members(Bits),
    /// `text`.
    Text(TextSet),
    /// No value at all.
    Empty,
}

impl Values {
    fn nonempty(&self) -> bool {
        match self {
            Values::Real(range) => range.nonempty(),
            Values::Int(range) => range.nonempty(),
            Values::Members(bits) => !bits.is_empty(),
            Values::Text(_) => true,
            Values::Empty => false,
        }
    }

    /// Whether some value here satisfies `cons` (with `negated`: violates it).
    fn meets(&self, cons: &Cons, negated: bool) -> bool {
        match (self, cons) {
            (Values::Real(range), Cons::Real(op, c)) => range.meets(*op, *c, negated),
            (Values::Int(range), Cons::Int(op, c)) => range.meets(*op, *c, negated),
            (Values::Members(bits), Cons::Members(allowed)) => bits.intersects(allowed, negated),
            (Values::Text(set), Cons::Text(eq, s)) => {
                let eq = *eq != negated;
                match set {
                    TextSet::Except(out) => !eq || out.binary_search(s).is_err(),
                    TextSet::Is(t) => (t == s) == eq,
                }
            }
            (Values::Empty, _) => false,
            // A constraint of another type: never built (the translation picks both from the
            // field's type). Claim nothing: "some value may satisfy it".
            _ => true,
        }
    }

    /// The values here that satisfy `cons`.
    fn meet(&self, cons: &Cons) -> Values {
        match (self, cons) {
            (Values::Real(range), Cons::Real(op, c)) => Values::Real(range.meet(*op, *c)),
            (Values::Int(range), Cons::Int(op, c)) => Values::Int(range.meet(*op, *c)),
            (Values::Members(bits), Cons::Members(allowed)) => Values::Members(bits.and(allowed)),
            (Values::Text(set), Cons::Text(eq, s)) => match (set, eq) {
                (TextSet::Except(out), true) if out.binary_search(s).is_err() => Values::Text(TextSet::Is(*s)),
                (TextSet::Except(_), true) => Values::Empty,
                (TextSet::Except(out), false) => {
                    let mut out = out.clone();
                    if let Err(at) = out.binary_search(s) {
                        out.insert(at, *s);
                    }
                    Values::Text(TextSet::Except(out))
                }
                (TextSet::Is(t), eq) if (t == s) == *eq => self.clone(),
                (TextSet::Is(_), _) => Values::Empty,
            },
            (Values::Empty, _) => Values::Empty,
            _ => self.clone(),
        }
    }
}

/// The states a field may still be in: unset (when `unset`) or set to one of `values` (when
/// `set`). `set` implies `values` is not empty.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Domain {
    unset: bool,
    set: bool,
    values: Values,
}

impl Domain {
    /// Every state of a field whose values are `values`.
    pub(super) fn new(values: Values) -> Domain {
        Domain { unset: true, set: values.nonempty(), values }
    }

    /// No state left: a contradiction.
    pub(super) fn is_empty(&self) -> bool {
        !self.unset && !self.set
    }

    /// Whether some state here satisfies `lit` (with `negated`: violates it).
    pub(super) fn admits(&self, lit: &LitKind, negated: bool) -> bool {
        match lit {
            LitKind::Set(set) => {
                if *set != negated {
                    self.set
                } else {
                    self.unset
                }
            }
            LitKind::Has { guard, cons } => {
                // The negation of `Has { guard, cons }` is `Has { !guard, complement(cons) }`.
                let guard = *guard != negated;
                (guard && self.unset) || (self.set && self.values.meets(cons, negated))
            }
        }
    }

    /// The states here that satisfy `lit`.
    pub(super) fn meet(&self, lit: &LitKind) -> Domain {
        match lit {
            LitKind::Set(true) => Domain { unset: false, ..self.clone() },
            LitKind::Set(false) => Domain { set: false, ..self.clone() },
            LitKind::Has { guard, cons } => {
                let values = if self.set { self.values.meet(cons) } else { self.values.clone() };
                let set = self.set && values.nonempty();
                Domain { unset: self.unset && *guard, set, values }
            }
        }
    }
}
