//! Unit tests of the solver: every type, the unset value, cores, budgets.

use std::time::{Duration, Instant};

use salesproc_parser::model::{Expr, Field, FieldId, FieldType, Value, ValueKind};
use salesproc_parser::syntax::{CmpOp, Date};
use salesproc_parser::Loc;

use super::{Answer, Budget, Solver};

use CmpOp::{Eq, Ge, Gt, Le, Lt, Ne};

// ---- helpers (shared with the property tests) ----

pub(super) fn field(name: &str, ty: FieldType) -> Field {
    Field {
        name: name.to_string(),
        ty,
        title: None,
        loc: Loc::default(),
        name_loc: Loc::default(),
        imported_from: None,
    }
}

pub(super) fn compare(f: u32, cmp: CmpOp, kind: ValueKind) -> Expr {
    let raw = format!("{kind:?}");
    Expr::Compare { field: FieldId(f), cmp, value: Value { kind, raw }, loc: Loc::default() }
}

/// `f op n` on an int, number or money field.
pub(super) fn num(f: u32, cmp: CmpOp, n: f64) -> Expr {
    compare(f, cmp, ValueKind::Number(n))
}

/// `f op n%`.
pub(super) fn pct(f: u32, cmp: CmpOp, p: f64) -> Expr {
    compare(f, cmp, ValueKind::Percent(p))
}

/// `f op <minutes>m`.
pub(super) fn dur(f: u32, cmp: CmpOp, minutes: u64) -> Expr {
    compare(f, cmp, ValueKind::Duration(minutes))
}

pub(super) fn ymd(year: u16, month: u8, day: u8) -> Date {
    Date::new(year, month, day).unwrap_or(Date { year: 1970, month: 1, day: 1 })
}

/// `f op YYYY-MM-DD`.
pub(super) fn date(f: u32, cmp: CmpOp, year: u16, month: u8, day: u8) -> Expr {
    compare(f, cmp, ValueKind::Date(ymd(year, month, day)))
}

/// `f op "s"`.
pub(super) fn text(f: u32, cmp: CmpOp, s: &str) -> Expr {
    compare(f, cmp, ValueKind::Text(s.to_string()))
}

/// `f op member`.
pub(super) fn member(f: u32, cmp: CmpOp, m: u32) -> Expr {
    compare(f, cmp, ValueKind::Member(m))
}

/// `f op true|false`.
pub(super) fn boolean(f: u32, cmp: CmpOp, b: bool) -> Expr {
    compare(f, cmp, ValueKind::Bool(b))
}

/// The bare bool field `f` (`f == true`).
pub(super) fn bare(f: u32) -> Expr {
    Expr::Compare {
        field: FieldId(f),
        cmp: Eq,
        value: Value { kind: ValueKind::Bool(true), raw: String::new() },
        loc: Loc::default(),
    }
}

/// `f in { members }` (`negated`: `not in`).
pub(super) fn within(f: u32, negated: bool, members: &[u32]) -> Expr {
    Expr::In { field: FieldId(f), negated, members: members.to_vec(), loc: Loc::default() }
}

pub(super) fn is_set(f: u32) -> Expr {
    Expr::IsSet { field: FieldId(f), negated: false, loc: Loc::default() }
}

pub(super) fn not_set(f: u32) -> Expr {
    Expr::IsSet { field: FieldId(f), negated: true, loc: Loc::default() }
}

pub(super) fn not(e: Expr) -> Expr {
    Expr::Not { operand: Box::new(e), loc: Loc::default() }
}

pub(super) fn and(operands: Vec<Expr>) -> Expr {
    Expr::And { operands, loc: Loc::default() }
}

pub(super) fn or(operands: Vec<Expr>) -> Expr {
    Expr::Or { operands, loc: Loc::default() }
}

pub(super) fn konst(value: bool) -> Expr {
    Expr::Const { value, loc: Loc::default() }
}

fn solve_with(fields: &[Field], criteria: &[Expr], budget: Budget) -> Answer {
    let refs: Vec<&Expr> = criteria.iter().collect();
    Solver::new(fields, budget).solve(&refs)
}

fn solve(fields: &[Field], criteria: &[Expr]) -> Answer {
    solve_with(fields, criteria, Budget::default())
}

fn sat(fields: &[Field], criteria: &[Expr]) {
    assert_eq!(solve(fields, criteria), Answer::Satisfiable, "expected satisfiable: {criteria:?}");
}

fn unsat(fields: &[Field], criteria: &[Expr], core: &[usize]) {
    assert_eq!(
        solve(fields, criteria),
        Answer::Unsatisfiable { core: core.to_vec() },
        "expected unsatisfiable with core {core:?}: {criteria:?}"
    );
}

fn one(ty: FieldType) -> Vec<Field> {
    vec![field("x", ty)]
}

fn ab() -> FieldType {
    FieldType::Enum(vec!["a".into(), "b".into()])
}

// ---- int ----

#[test]
fn int_rounds_strict_bounds() {
    let int = one(FieldType::Int);
    unsat(&int, &[num(0, Gt, 3.0), num(0, Lt, 4.0)], &[0, 1]);
    sat(&int, &[num(0, Gt, 3.0), num(0, Lt, 5.0)]);
    sat(&int, &[num(0, Ge, 3.0), num(0, Le, 3.0)]);
    unsat(&int, &[num(0, Gt, 3.0), num(0, Lt, 5.0), num(0, Ne, 4.0)], &[0, 1, 2]);
    sat(&int, &[num(0, Gt, 3.0), num(0, Lt, 6.0), num(0, Ne, 4.0)]);
    unsat(
        &int,
        &[num(0, Ge, -2.0), num(0, Le, 0.0), num(0, Ne, -1.0), num(0, Ne, 0.0), num(0, Ne, -2.0)],
        &[0, 1, 2, 3, 4],
    );
    // Unbounded on one side: infinitely many integers, finitely many holes.
    sat(&int, &[num(0, Gt, 3.0), num(0, Ne, 4.0), num(0, Ne, 5.0), num(0, Ne, 6.0)]);
}

#[test]
fn number_and_money_are_not_rounded() {
    for ty in [FieldType::Number, FieldType::Money] {
        let real = one(ty);
        sat(&real, &[num(0, Gt, 3.0), num(0, Lt, 4.0)]);
        sat(&real, &[num(0, Gt, 0.5), num(0, Lt, 0.6), num(0, Ne, 0.55)]);
        unsat(&real, &[num(0, Gt, 3.0), num(0, Le, 3.0)], &[0, 1]);
        unsat(&real, &[num(0, Ge, 1.0), num(0, Le, 1.0), num(0, Ne, 1.0)], &[0, 1, 2]);
        sat(&real, &[num(0, Ge, 1.0), num(0, Le, 1.0)]);
        unsat(&real, &[num(0, Eq, 1.0), num(0, Eq, 2.0)], &[0, 1]);
        sat(&real, &[num(0, Ge, -1.5), num(0, Lt, -1.25)]);
    }
}

// ---- percent ----

#[test]
fn percent_stays_within_0_and_100() {
    let p = one(FieldType::Percent);
    unsat(&p, &[pct(0, Gt, 100.0)], &[0]);
    unsat(&p, &[pct(0, Lt, 0.0)], &[0]);
    sat(&p, &[pct(0, Ge, 100.0)]);
    sat(&p, &[pct(0, Le, 0.0)]);
    unsat(&p, &[pct(0, Le, 0.0), pct(0, Ne, 0.0)], &[0, 1]);
    sat(&p, &[pct(0, Ne, 0.0), pct(0, Ne, 100.0)]);
    sat(&p, &[pct(0, Gt, 99.5)]);
    // Not above 100% is satisfiable only by unset or by a value: both fine.
    sat(&p, &[not(pct(0, Gt, 100.0)), is_set(0)]);
    // `not (p <= 100%)` forces unset.
    unsat(&p, &[not(pct(0, Le, 100.0)), is_set(0)], &[0, 1]);
    sat(&p, &[not(pct(0, Le, 100.0))]);
}

// ---- duration ----

#[test]
fn durations_are_whole_non_negative_minutes() {
    let d = one(FieldType::Duration);
    unsat(&d, &[dur(0, Lt, 1), dur(0, Gt, 0)], &[0, 1]);
    unsat(&d, &[dur(0, Le, 0), dur(0, Ne, 0)], &[0, 1]);
    unsat(&d, &[dur(0, Lt, 0)], &[0]);
    sat(&d, &[dur(0, Lt, 1)]);
    sat(&d, &[dur(0, Lt, 2), dur(0, Ne, 0)]);
    unsat(&d, &[dur(0, Lt, 2), dur(0, Ne, 0), dur(0, Ne, 1)], &[0, 1, 2]);
    sat(&d, &[dur(0, Gt, 10_080), dur(0, Lt, 10_082)]);
}

// ---- date ----

#[test]
fn dates_are_whole_days() {
    let d = one(FieldType::Date);
    unsat(&d, &[date(0, Gt, 2026, 1, 1), date(0, Lt, 2026, 1, 2)], &[0, 1]);
    sat(&d, &[date(0, Gt, 2026, 1, 1), date(0, Lt, 2026, 1, 3)]);
    unsat(&d, &[date(0, Gt, 2026, 1, 1), date(0, Lt, 2026, 1, 3), date(0, Ne, 2026, 1, 2)], &[0, 1, 2]);
    unsat(&d, &[date(0, Gt, 2026, 1, 31), date(0, Lt, 2026, 2, 1)], &[0, 1]);
    sat(&d, &[date(0, Gt, 2024, 2, 28), date(0, Lt, 2024, 3, 1)]); // 2024-02-29
    unsat(&d, &[date(0, Gt, 2025, 2, 28), date(0, Lt, 2025, 3, 1)], &[0, 1]);
    sat(&d, &[date(0, Lt, 1900, 1, 1)]);
}

// ---- enum ----

#[test]
fn enum_members_run_out() {
    let s = one(ab());
    unsat(&s, &[member(0, Ne, 0), member(0, Ne, 1)], &[0, 1]);
    sat(&s, &[not(member(0, Eq, 0)), not(member(0, Eq, 1))]);
    unsat(&s, &[not(member(0, Eq, 0)), not(member(0, Eq, 1)), is_set(0)], &[0, 1, 2]);
    unsat(&s, &[within(0, true, &[0, 1])], &[0]);
    sat(&s, &[not(within(0, false, &[0, 1]))]);
    unsat(&s, &[within(0, false, &[0, 1]), within(0, true, &[0]), member(0, Ne, 1)], &[1, 2]);
    unsat(&s, &[within(0, false, &[0, 1]), not(within(0, true, &[0])), not(member(0, Eq, 0))], &[0, 1, 2]);
    sat(&s, &[within(0, false, &[0, 1]), within(0, true, &[0])]);
    unsat(&s, &[member(0, Eq, 0), member(0, Eq, 1)], &[0, 1]);
    // A wide enum: bit sets over several words.
    let wide = one(FieldType::Enum((0..130).map(|i| format!("m{i}")).collect()));
    let all_but_last: Vec<u32> = (0..129).collect();
    sat(&wide, &[within(0, true, &all_but_last)]);
    unsat(&wide, &[within(0, true, &all_but_last), member(0, Ne, 129)], &[0, 1]);
    sat(&wide, &[within(0, false, &[64, 128]), member(0, Ne, 64)]);
}

// ---- text ----

#[test]
fn text_has_infinitely_many_values() {
    let t = one(FieldType::Text);
    sat(&t, &[text(0, Ne, "a"), text(0, Ne, "b")]);
    unsat(&t, &[text(0, Eq, "a"), text(0, Eq, "b")], &[0, 1]);
    unsat(&t, &[text(0, Eq, "a"), text(0, Ne, "a")], &[0, 1]);
    sat(&t, &[text(0, Eq, "a"), not(text(0, Eq, "b"))]);
    sat(&t, &[not(text(0, Eq, "a")), is_set(0), text(0, Ne, "b")]);
    unsat(&t, &[not(text(0, Ne, "a")), text(0, Eq, "b")], &[0, 1]);
    sat(&t, &[text(0, Eq, ""), text(0, Ne, "a")]);
}

// ---- bool ----

#[test]
fn bool_has_two_values_and_unset() {
    let b = one(FieldType::Bool);
    unsat(&b, &[bare(0), boolean(0, Eq, false)], &[0, 1]);
    unsat(&b, &[boolean(0, Ne, true), boolean(0, Ne, false)], &[0, 1]);
    sat(&b, &[not(bare(0)), not(boolean(0, Eq, false))]);
    unsat(&b, &[is_set(0), not(bare(0)), not(boolean(0, Eq, false))], &[0, 1, 2]);
    sat(&b, &[boolean(0, Ne, true)]);
    unsat(&b, &[boolean(0, Ne, true), bare(0)], &[0, 1]);
}

// ---- unset ----

#[test]
fn comparisons_on_unset_fields_are_false() {
    let int = one(FieldType::Int);
    unsat(&int, &[is_set(0), not(is_set(0))], &[0, 1]);
    unsat(&int, &[not_set(0), num(0, Eq, 3.0)], &[0, 1]);
    unsat(&int, &[not_set(0), num(0, Ne, 3.0)], &[0, 1]);
    sat(&int, &[not_set(0), not(num(0, Eq, 3.0))]);
    sat(&int, &[not_set(0), not(num(0, Lt, 3.0)), not(num(0, Ge, 3.0))]);
    unsat(&int, &[is_set(0), not(num(0, Lt, 3.0)), not(num(0, Ge, 3.0))], &[0, 1, 2]);
    // `not (x < 5 or x > 10)` with x set means 5 <= x <= 10.
    sat(&int, &[not(or(vec![num(0, Lt, 5.0), num(0, Gt, 10.0)])), is_set(0)]);
    unsat(&int, &[not(or(vec![num(0, Lt, 5.0), num(0, Gt, 10.0)])), num(0, Eq, 11.0)], &[0, 1]);
    let mut holes: Vec<Expr> = (5..=10).map(|v| num(0, Ne, f64::from(v))).collect();
    holes.insert(0, not(or(vec![num(0, Lt, 5.0), num(0, Gt, 10.0)])));
    unsat(&int, &holes, &[0, 1, 2, 3, 4, 5, 6]);
    // `x != 3` does not hold unset, so `x != 3 or x == 3` forces x set.
    unsat(&int, &[or(vec![num(0, Ne, 3.0), num(0, Eq, 3.0)]), not_set(0)], &[0, 1]);
    sat(&int, &[or(vec![not(num(0, Ne, 3.0)), num(0, Eq, 3.0)]), not_set(0)]);
}

// ---- constants, structure, cores ----

#[test]
fn constants() {
    let int = one(FieldType::Int);
    sat(&int, &[]);
    sat(&int, &[konst(true)]);
    unsat(&int, &[konst(false)], &[0]);
    unsat(&int, &[konst(true), num(0, Gt, 3.0), konst(false)], &[2]);
    unsat(&int, &[num(0, Gt, 3.0), not(konst(true))], &[1]);
    unsat(&int, &[and(vec![num(0, Gt, 3.0), or(vec![konst(false), num(0, Lt, 2.0)])])], &[0]);
    sat(&int, &[or(vec![konst(true), num(0, Lt, 2.0)]), num(0, Gt, 3.0)]);
}

#[test]
fn core_is_minimal() {
    let fields = vec![field("x", FieldType::Int), field("y", FieldType::Int)];
    unsat(&fields, &[num(0, Gt, 5.0), num(1, Eq, 1.0), num(0, Lt, 3.0)], &[0, 2]);
    // The conflict needs a disjunction and both its refutations.
    unsat(
        &fields,
        &[
            num(1, Gt, 0.0),
            or(vec![num(0, Eq, 1.0), num(0, Eq, 2.0)]),
            num(0, Ne, 1.0),
            num(1, Lt, 9.0),
            num(0, Ne, 2.0),
        ],
        &[1, 2, 4],
    );
    // Two conflicts: one minimal core is reported, not their union.
    let answer = solve(&fields, &[num(0, Gt, 5.0), num(0, Lt, 3.0), num(1, Gt, 5.0), num(1, Lt, 3.0)]);
    assert!(
        answer == Answer::Unsatisfiable { core: vec![0, 1] } || answer == Answer::Unsatisfiable { core: vec![2, 3] },
        "{answer:?}"
    );
}

#[test]
fn nested_structure() {
    let fields = vec![field("x", FieldType::Int), field("y", FieldType::Number), field("s", ab())];
    unsat(
        &fields,
        &[or(vec![and(vec![num(0, Gt, 5.0), num(0, Lt, 3.0)]), and(vec![num(1, Eq, 1.0), num(1, Eq, 2.0)])])],
        &[0],
    );
    sat(
        &fields,
        &[or(vec![and(vec![num(0, Gt, 5.0), num(0, Lt, 3.0)]), and(vec![num(1, Eq, 1.0), not(num(1, Eq, 2.0))])])],
    );
    // not (a and b) = not a or not b, with unset on each side.
    let guard = not(and(vec![member(2, Eq, 0), num(0, Gt, 3.0)]));
    sat(&fields, &[guard.clone(), member(2, Eq, 0)]);
    unsat(&fields, &[guard.clone(), member(2, Eq, 0), num(0, Eq, 4.0)], &[0, 1, 2]);
    sat(&fields, &[guard, not_set(2), num(0, Eq, 4.0)]);
}

#[test]
fn ill_typed_criteria_prove_nothing() {
    // Resolution never builds these; the solver must not claim anything from them.
    let fields = vec![field("x", FieldType::Int), field("t", FieldType::Text)];
    let wrong = text(0, Eq, "a");
    let fraction = num(0, Eq, 0.5);
    let missing = num(7, Eq, 1.0);
    let ordered_text = text(1, Lt, "a");
    for bad in [wrong, fraction, missing, ordered_text] {
        assert_eq!(solve(&fields, std::slice::from_ref(&bad)), Answer::Unknown);
        assert_eq!(solve(&fields, &[bad.clone(), num(0, Gt, 1.0)]), Answer::Unknown);
        unsat(&fields, &[num(0, Gt, 1.0), bad, num(0, Lt, 1.0)], &[0, 2]);
    }
}

#[test]
fn independent_fields_are_solved_apart() {
    let fields: Vec<Field> = (0..6).map(|i| field(&format!("f{i}"), FieldType::Int)).collect();
    let mut criteria: Vec<Expr> =
        (0..5).map(|i| or(vec![num(i, Eq, 1.0), num(i, Eq, 2.0), num(i + 1, Gt, 0.0)])).collect();
    criteria.push(num(5, Gt, 2.0));
    criteria.push(num(5, Lt, 3.0));
    unsat(&fields, &criteria, &[5, 6]);
}

#[test]
fn zero_budget_is_unknown() {
    let int = one(FieldType::Int);
    let criteria = [num(0, Gt, 3.0), num(0, Lt, 4.0)];
    assert_eq!(solve_with(&int, &criteria, Budget { steps: 0 }), Answer::Unknown);
    // Constants need no search.
    assert_eq!(solve_with(&int, &[konst(false)], Budget { steps: 0 }), Answer::Unsatisfiable { core: vec![0] });
    assert_eq!(solve_with(&int, &[konst(true)], Budget { steps: 0 }), Answer::Satisfiable);
}

#[test]
fn backtracking_finds_the_only_solution() {
    // x in 0..=3, y in 0..=3, and the clauses rule out all but x = 3, y = 0.
    let fields = vec![field("x", FieldType::Int), field("y", FieldType::Int)];
    let mut criteria = vec![num(0, Ge, 0.0), num(0, Le, 3.0), num(1, Ge, 0.0), num(1, Le, 3.0)];
    for (a, b) in [(0.0, 0.0), (1.0, 0.0), (2.0, 0.0)] {
        criteria.push(or(vec![num(0, Ne, a), num(1, Ne, b)]));
    }
    criteria.push(or(vec![num(1, Eq, 0.0), num(1, Eq, 7.0)]));
    sat(&fields, &criteria);
    criteria.push(or(vec![num(0, Ne, 3.0), num(1, Ne, 0.0)]));
    unsat(&fields, &criteria, &[0, 1, 3, 4, 5, 6, 7, 8]);
}

// ---- cost ----

/// Pigeons into fewer holes (every pair of pigeons in different holes), plus a deeply nested
/// criterion: a few hundred atoms that defeat propagation and force backtracking.
fn adversarial() -> (Vec<Field>, Vec<Expr>) {
    const PIGEONS: u32 = 8;
    const HOLES: u32 = 7;
    let fields: Vec<Field> = (0..PIGEONS).map(|i| field(&format!("p{i}"), FieldType::Int)).collect();
    let mut criteria = Vec::new();
    for p in 0..PIGEONS {
        criteria.push(and(vec![num(p, Ge, 0.0), num(p, Lt, f64::from(HOLES))]));
    }
    for p in 0..PIGEONS {
        for q in p + 1..PIGEONS {
            for h in 0..HOLES {
                criteria.push(not(and(vec![num(p, Eq, f64::from(h)), num(q, Eq, f64::from(h))])));
            }
        }
    }
    let mut nested = or(vec![num(0, Gt, 0.0), num(1, Lt, 5.0)]);
    for k in 0..46u32 {
        let atom = or(vec![num(k % PIGEONS, Ne, f64::from(k % HOLES)), num((k + 1) % PIGEONS, Ge, f64::from(k % 3))]);
        nested = if k % 2 == 0 {
            not(and(vec![nested, atom]))
        } else {
            or(vec![and(vec![nested, atom.clone()]), not(atom)])
        };
    }
    criteria.push(nested);
    (fields, criteria)
}

fn atoms(expr: &Expr) -> usize {
    match expr {
        Expr::Const { .. } => 0,
        Expr::Compare { .. } | Expr::In { .. } | Expr::IsSet { .. } => 1,
        Expr::Not { operand, .. } => atoms(operand),
        Expr::And { operands, .. } | Expr::Or { operands, .. } => operands.iter().map(atoms).sum(),
    }
}

#[test]
fn adversarial_criteria_stay_within_budget() {
    let (fields, criteria) = adversarial();
    let total: usize = criteria.iter().map(atoms).sum();
    assert!(total >= 500, "{total} atoms");
    let start = Instant::now();
    let answer = solve(&fields, &criteria);
    let elapsed = start.elapsed();
    assert!(matches!(answer, Answer::Satisfiable | Answer::Unsatisfiable { .. } | Answer::Unknown));
    assert!(elapsed < Duration::from_secs(2), "took {elapsed:?}, answered {answer:?}");
    eprintln!("adversarial: {total} atoms, {answer:?} in {elapsed:?}");
    // The pigeons cannot all fit: whatever the budget allows, never "satisfiable".
    assert_ne!(answer, Answer::Satisfiable);
    assert_eq!(solve_with(&fields, &criteria, Budget { steps: 50 }), Answer::Unknown);
}

#[test]
fn deep_nesting_alone_is_decided() {
    let (fields, criteria) = adversarial();
    let nested = criteria.last().cloned().into_iter().collect::<Vec<_>>();
    let answer = solve(&fields, &nested);
    assert_ne!(answer, Answer::Unknown);
}

#[test]
fn a_contradiction_is_found_beside_a_group_out_of_budget() {
    // The pigeons run out of steps; the independent conflict on `z` is still proven.
    let (mut fields, mut criteria) = adversarial();
    let z = fields.len() as u32;
    fields.push(field("z", FieldType::Number));
    criteria.insert(3, num(z, Gt, 3.0));
    criteria.push(num(z, Le, 3.0));
    let last = criteria.len() - 1;
    assert_eq!(solve(&fields, &criteria), Answer::Unsatisfiable { core: vec![3, last] });
    criteria.remove(last);
    assert_ne!(solve(&fields, &criteria), Answer::Satisfiable);
}

#[test]
fn many_disjunctions_on_two_fields_are_refuted_with_a_small_core() {
    // (x == k or y == k) for 250 values of k: any three already conflict (x and y hold one
    // value each).
    let fields = vec![field("x", FieldType::Int), field("y", FieldType::Int)];
    let criteria: Vec<Expr> = (0..250).map(|k| or(vec![num(0, Eq, f64::from(k)), num(1, Eq, f64::from(k))])).collect();
    let start = Instant::now();
    let answer = solve(&fields, &criteria);
    assert!(start.elapsed() < Duration::from_secs(2), "took {:?}", start.elapsed());
    let Answer::Unsatisfiable { core } = answer else { panic!("expected a contradiction, got {answer:?}") };
    assert_eq!(core.len(), 3, "{core:?}");
    let picked: Vec<Expr> = core.iter().filter_map(|i| criteria.get(*i).cloned()).collect();
    for skip in 0..picked.len() {
        let rest: Vec<Expr> = picked.iter().enumerate().filter(|(i, _)| *i != skip).map(|(_, e)| e.clone()).collect();
        sat(&fields, &rest);
    }
}
