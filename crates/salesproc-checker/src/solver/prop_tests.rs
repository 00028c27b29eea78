//! The solver against brute force over random criteria.
//!
//! Each case declares two or three fields of random types and one to four random criteria
//! over them, built from small pools of constants. Brute force tries every combination of
//! candidate states per field: unset, every constant of the pool, a point in every gap between
//! consecutive constants and one beyond each end (for `int`, `duration`, `date`: the constants
//! plus and minus one; for `text`: the constants and one fresh string), clipped to the type's
//! range. The truth of a criterion depends only on which constant a value equals, or which gap
//! it falls in, and every non-empty gap holds a candidate, so the brute force is exact.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::{FileFailurePersistence, TestCaseError};
use salesproc_parser::model::{Expr, Field, FieldType, ValueKind};
use salesproc_parser::syntax::CmpOp;

use super::tests::{
    and, bare, boolean, date, dur, field, is_set, konst, member, not, not_set, num, or, pct, text, within, ymd,
};

use super::{Answer, Budget, Solver};

/// The field types of the cases.
#[derive(Clone, Copy, Debug)]
enum Ty {
    Bool,
    Int,
    Number,
    Money,
    Percent,
    Duration,
    Date,
    Text,
    Enum,
}

const TYPES: [Ty; 9] =
    [Ty::Bool, Ty::Int, Ty::Number, Ty::Money, Ty::Percent, Ty::Duration, Ty::Date, Ty::Text, Ty::Enum];

const INTS: [f64; 6] = [-2.0, -1.0, 0.0, 1.0, 2.0, 3.0];
const NUMBERS: [f64; 4] = [0.0, 0.5, 1.0, 2.5];
const MONEY: [f64; 3] = [-1.0, 0.0, 100.25];
const PERCENTS: [f64; 4] = [0.0, 12.5, 50.0, 100.0];
const DURATIONS: [u64; 3] = [0, 1, 60];
/// 2026-01-30, 2026-01-31, 2026-02-02: consecutive days, a gap of one, a month boundary.
const DATES: [(u16, u8, u8); 3] = [(2026, 1, 30), (2026, 1, 31), (2026, 2, 2)];
const TEXTS: [&str; 2] = ["a", "b"];
const MEMBERS: u32 = 3;

impl Ty {
    fn field_type(self) -> FieldType {
        match self {
            Ty::Bool => FieldType::Bool,
            Ty::Int => FieldType::Int,
            Ty::Number => FieldType::Number,
            Ty::Money => FieldType::Money,
            Ty::Percent => FieldType::Percent,
            Ty::Duration => FieldType::Duration,
            Ty::Date => FieldType::Date,
            Ty::Text => FieldType::Text,
            Ty::Enum => FieldType::Enum(vec!["a".into(), "b".into(), "c".into()]),
        }
    }

    /// Every state brute force tries (`None` is unset).
    fn candidates(self) -> Vec<Option<V>> {
        let reals = |pool: &[f64], lo: Option<f64>, hi: Option<f64>| {
            let mut out: Vec<f64> = pool.to_vec();
            out.extend(pool.windows(2).filter_map(|w| Some((w.first()? + w.get(1)?) / 2.0)));
            out.extend(pool.first().map(|min| min - 1.0));
            out.extend(pool.last().map(|max| max + 1.0));
            out.retain(|v| lo.is_none_or(|lo| *v >= lo) && hi.is_none_or(|hi| *v <= hi));
            out.into_iter().map(V::Num).collect::<Vec<_>>()
        };
        let ints = |pool: &[f64], lo: Option<f64>| {
            let mut out: Vec<f64> = pool.iter().flat_map(|c| [c - 1.0, *c, c + 1.0]).collect();
            out.sort_by(f64::total_cmp);
            out.dedup();
            out.retain(|v| lo.is_none_or(|lo| *v >= lo));
            out.into_iter().map(V::Num).collect::<Vec<_>>()
        };
        let values: Vec<V> = match self {
            Ty::Bool => vec![V::Bool(false), V::Bool(true)],
            Ty::Int => ints(&INTS, None),
            Ty::Number => reals(&NUMBERS, None, None),
            Ty::Money => reals(&MONEY, None, None),
            Ty::Percent => reals(&PERCENTS, Some(0.0), Some(100.0)),
            Ty::Duration => ints(&DURATIONS.map(|d| d as f64), Some(0.0)),
            Ty::Date => ints(&DATES.map(|(y, m, d)| ymd(y, m, d).days_since_epoch() as f64), None),
            Ty::Text => TEXTS.iter().chain(&["fresh"]).map(|s| V::Text((*s).to_string())).collect(),
            Ty::Enum => (0..MEMBERS).map(V::Member).collect(),
        };
        std::iter::once(None).chain(values.into_iter().map(Some)).collect()
    }
}

/// A field's value in brute force: every ordered type as a number (dates as days).
#[derive(Clone, Debug, PartialEq)]
enum V {
    Num(f64),
    Member(u32),
    Text(String),
    Bool(bool),
}

fn ordered<T: PartialOrd>(cmp: CmpOp, a: T, b: T) -> bool {
    match cmp {
        CmpOp::Eq => a == b,
        CmpOp::Ne => a != b,
        CmpOp::Lt => a < b,
        CmpOp::Le => a <= b,
        CmpOp::Gt => a > b,
        CmpOp::Ge => a >= b,
    }
}

/// The truth of `expr` for a deal, straight from the language's definition.
fn holds(expr: &Expr, deal: &[Option<V>]) -> bool {
    let value = |field: u32| deal.get(field as usize).cloned().flatten();
    match expr {
        Expr::Const { value, .. } => *value,
        Expr::IsSet { field, negated, .. } => value(field.0).is_some() != *negated,
        Expr::In { field, negated, members, .. } => match value(field.0) {
            Some(V::Member(m)) => members.contains(&m) != *negated,
            _ => false,
        },
        Expr::Compare { field, cmp, value: constant, .. } => match (value(field.0), &constant.kind) {
            (None, _) => false,
            (Some(V::Num(v)), ValueKind::Number(c) | ValueKind::Percent(c)) => ordered(*cmp, v, *c),
            (Some(V::Num(v)), ValueKind::Duration(c)) => ordered(*cmp, v, *c as f64),
            (Some(V::Num(v)), ValueKind::Date(c)) => ordered(*cmp, v, c.days_since_epoch() as f64),
            (Some(V::Member(v)), ValueKind::Member(c)) => ordered(*cmp, v, *c),
            (Some(V::Text(v)), ValueKind::Text(c)) => ordered(*cmp, v.as_str(), c.as_str()),
            (Some(V::Bool(v)), ValueKind::Bool(c)) => ordered(*cmp, v, *c),
            other => panic!("ill-typed test criterion {other:?}"),
        },
        Expr::Not { operand, .. } => !holds(operand, deal),
        Expr::And { operands, .. } => operands.iter().all(|o| holds(o, deal)),
        Expr::Or { operands, .. } => operands.iter().any(|o| holds(o, deal)),
    }
}

/// Whether some combination of candidates satisfies every criterion.
fn brute_force(candidates: &[Vec<Option<V>>], criteria: &[&Expr]) -> bool {
    let mut choice = vec![0usize; candidates.len()];
    let mut deal: Vec<Option<V>> = vec![None; candidates.len()];
    loop {
        for (slot, (options, at)) in deal.iter_mut().zip(candidates.iter().zip(&choice)) {
            *slot = options.get(*at).cloned().flatten();
        }
        if criteria.iter().all(|c| holds(c, &deal)) {
            return true;
        }
        // Next combination (odometer).
        let mut position = 0;
        loop {
            let (Some(at), Some(options)) = (choice.get_mut(position), candidates.get(position)) else {
                return false;
            };
            *at += 1;
            if *at < options.len() {
                break;
            }
            *at = 0;
            position += 1;
        }
    }
}

const ORDER: [CmpOp; 6] = [CmpOp::Eq, CmpOp::Ne, CmpOp::Lt, CmpOp::Le, CmpOp::Gt, CmpOp::Ge];

/// A type-correct atom on field `f`, chosen by the selectors `a`, `b`, `c`.
fn atom(types: &[Ty], f: usize, a: u8, b: u8, c: u8) -> Expr {
    let id = f as u32;
    let Some(ty) = types.get(f) else { return konst(true) };
    if a % 9 == 0 {
        return if b % 2 == 0 { is_set(id) } else { not_set(id) };
    }
    let op = ORDER.get(usize::from(b) % 6).copied().unwrap_or(CmpOp::Eq);
    let eq = if b % 2 == 0 { CmpOp::Eq } else { CmpOp::Ne };
    let pick = |len: usize| usize::from(c) % len;
    match ty {
        Ty::Bool => match a % 3 {
            0 => bare(id),
            _ => boolean(id, eq, c % 2 == 0),
        },
        Ty::Int => num(id, op, INTS.get(pick(INTS.len())).copied().unwrap_or(0.0)),
        Ty::Number => num(id, op, NUMBERS.get(pick(NUMBERS.len())).copied().unwrap_or(0.0)),
        Ty::Money => num(id, op, MONEY.get(pick(MONEY.len())).copied().unwrap_or(0.0)),
        Ty::Percent => pct(id, op, PERCENTS.get(pick(PERCENTS.len())).copied().unwrap_or(0.0)),
        Ty::Duration => dur(id, op, DURATIONS.get(pick(DURATIONS.len())).copied().unwrap_or(0)),
        Ty::Date => {
            let (y, m, d) = DATES.get(pick(DATES.len())).copied().unwrap_or((2026, 1, 1));
            date(id, op, y, m, d)
        }
        Ty::Text => text(id, eq, TEXTS.get(pick(TEXTS.len())).copied().unwrap_or("a")),
        Ty::Enum => match a % 4 {
            0 | 1 => member(id, eq, u32::from(c) % MEMBERS),
            // A non-empty subset of the three members.
            _ => {
                let mask = u32::from(c) % 7 + 1;
                let members: Vec<u32> = (0..MEMBERS).filter(|m| mask & (1 << m) != 0).collect();
                within(id, a % 4 == 3, &members)
            }
        },
    }
}

/// A criterion nested up to `depth` levels of `not` / `and` / `or`.
fn criterion(types: Vec<Ty>, depth: u32) -> BoxedStrategy<Expr> {
    let n = types.len();
    let leaf = prop_oneof![
        1 => any::<bool>().prop_map(konst),
        40 => (0..n, any::<u8>(), any::<u8>(), any::<u8>()).prop_map(move |(f, a, b, c)| atom(&types, f, a, b, c)),
    ];
    leaf.prop_recursive(depth, 24, 3, |inner| {
        prop_oneof![
            2 => inner.clone().prop_map(not),
            3 => vec(inner.clone(), 2..=3).prop_map(and),
            3 => vec(inner, 2..=3).prop_map(or),
        ]
    })
    .boxed()
}

/// Two or three field types, and `criteria` criteria over them nested up to `depth`.
fn case(depth: u32, criteria: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = (Vec<Ty>, Vec<Expr>)> {
    vec(0..TYPES.len(), 2..=3).prop_flat_map(move |indices| {
        let types: Vec<Ty> = indices.iter().filter_map(|i| TYPES.get(*i).copied()).collect();
        (Just(types.clone()), vec(criterion(types, depth), criteria.clone()))
    })
}

/// The solver agrees with brute force, and a core is contradictory and irreducible.
fn agrees(types: &[Ty], criteria: &[Expr]) -> Result<(), TestCaseError> {
    let fields: Vec<Field> = types.iter().enumerate().map(|(i, ty)| field(&format!("f{i}"), ty.field_type())).collect();
    let candidates: Vec<Vec<Option<V>>> = types.iter().map(|ty| ty.candidates()).collect();
    let refs: Vec<&Expr> = criteria.iter().collect();
    let expected = brute_force(&candidates, &refs);
    let answer = Solver::new(&fields, Budget::default()).solve(&refs);
    match answer {
        Answer::Satisfiable => prop_assert!(expected, "solver says satisfiable, brute force finds no deal"),
        Answer::Unsatisfiable { core } => {
            prop_assert!(!expected, "solver says unsatisfiable, brute force finds a deal");
            prop_assert!(!core.is_empty(), "empty core");
            prop_assert!(core.windows(2).all(|w| w.first() < w.get(1)), "core not ascending: {:?}", core);
            let picked: Vec<&Expr> = core.iter().filter_map(|i| refs.get(*i).copied()).collect();
            prop_assert_eq!(picked.len(), core.len(), "core index out of range: {:?}", core);
            prop_assert!(!brute_force(&candidates, &picked), "core {:?} is satisfiable", core);
            for skip in 0..picked.len() {
                let rest: Vec<&Expr> = picked.iter().enumerate().filter(|(i, _)| *i != skip).map(|(_, e)| *e).collect();
                prop_assert!(brute_force(&candidates, &rest), "core {:?} is not minimal: drop #{}", core, skip);
            }
        }
        Answer::Unknown => prop_assert!(false, "unknown within the default budget"),
    }
    Ok(())
}

/// With a small budget the solver may answer `Unknown`, but whatever else it answers is
/// still right, and a core, minimal or not, is still contradictory.
fn sound_within(types: &[Ty], criteria: &[Expr], steps: u64) -> Result<(), TestCaseError> {
    let fields: Vec<Field> = types.iter().enumerate().map(|(i, ty)| field(&format!("f{i}"), ty.field_type())).collect();
    let candidates: Vec<Vec<Option<V>>> = types.iter().map(|ty| ty.candidates()).collect();
    let refs: Vec<&Expr> = criteria.iter().collect();
    let expected = brute_force(&candidates, &refs);
    match Solver::new(&fields, Budget { steps }).solve(&refs) {
        Answer::Satisfiable => prop_assert!(expected, "solver says satisfiable, brute force finds no deal"),
        Answer::Unsatisfiable { core } => {
            prop_assert!(!expected, "solver says unsatisfiable, brute force finds a deal");
            prop_assert!(!core.is_empty() && core.windows(2).all(|w| w.first() < w.get(1)), "core {:?}", core);
            let picked: Vec<&Expr> = core.iter().filter_map(|i| refs.get(*i).copied()).collect();
            prop_assert_eq!(picked.len(), core.len(), "core index out of range: {:?}", core);
            prop_assert!(!brute_force(&candidates, &picked), "core {:?} is satisfiable", core);
        }
        Answer::Unknown => {}
    }
    Ok(())
}

proptest! {
    // Failing cases are kept beside this file (`prop_tests.proptest-regressions`).
    #![proptest_config(ProptestConfig {
        cases: 2500,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("proptest-regressions"))),
        ..ProptestConfig::default()
    })]

    /// Deep criteria (nesting up to 4), few of them.
    #[test]
    fn solver_matches_brute_force_deep((types, criteria) in case(4, 1..=4)) {
        agrees(&types, &criteria)?;
    }

    /// The same, a second stream of cases.
    #[test]
    fn solver_matches_brute_force_deep_more((types, criteria) in case(4, 1..=4)) {
        agrees(&types, &criteria)?;
    }

    /// Shallow criteria (nesting up to 2), more of them: larger cores.
    #[test]
    fn solver_matches_brute_force_wide((types, criteria) in case(2, 2..=6)) {
        agrees(&types, &criteria)?;
    }

    /// Atoms and their negations only, many of them: the domains' arithmetic.
    #[test]
    fn solver_matches_brute_force_flat((types, criteria) in case(1, 3..=8)) {
        agrees(&types, &criteria)?;
    }

    /// Tiny budgets: `Unknown` allowed, wrong answers and contradiction-free cores not.
    #[test]
    fn small_budgets_never_lie((types, criteria) in case(3, 1..=6), steps in 0u64..300) {
        sound_within(&types, &criteria, steps)?;
    }
}
