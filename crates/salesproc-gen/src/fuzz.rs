//! What the fuzz targets in `fuzz/` run on each input, here so that the normal test suite can
//! run the same code on every input the fuzzers ever minimised (`tests/corpus/fuzz/`, replayed
//! by `crates/salesproc-gen/tests/fuzz_regressions.rs`).
//!
//! Each function panics on a finding: a crash of the code under test, or a broken property.

use salesproc_checker::solver::{Answer, Budget, Solver};
use salesproc_checker::Options;
use salesproc_parser::model::{Expr, Field, FieldId, FieldType, Value, ValueKind};
use salesproc_parser::syntax::{CmpOp, Date};
use salesproc_parser::Loc;

/// The `check` target: arbitrary bytes through decoding, parsing, resolution, every rule and
/// the suppression comments, as `salesproc check` runs them on a file.
///
/// Properties: nothing panics; every diagnostic and label points inside the text; a second run
/// gives the same diagnostics.
pub fn check(data: &[u8]) {
    let options = Options { today: Date::new(2026, 11, 25), ..Options::default() };
    let report = salesproc_cli::check::check_bytes("fuzz.salesproc", data, &options);
    let len = report.text.len();
    for diagnostic in &report.diagnostics {
        let spans = std::iter::once(diagnostic.span).chain(diagnostic.labels.iter().map(|l| l.span));
        for span in spans {
            assert!(span.start <= span.end && span.end <= len, "{span:?} outside {len} bytes: {diagnostic:?}");
            let _ = report.lines.line_col(&report.text, span.start);
            let _ = report.lines.line_col(&report.text, span.end);
        }
    }
    let again = salesproc_cli::check::check_bytes("fuzz.salesproc", data, &options);
    let messages = |r: &salesproc_cli::check::FileReport| {
        r.diagnostics.iter().map(|d| (d.span, d.rule, d.message.clone())).collect::<Vec<_>>()
    };
    assert_eq!(messages(&report), messages(&again), "two runs disagree");
}

/// The `fmt` target: on any text that parses, `fmt` succeeds, its output parses with no
/// diagnostic, formats to itself, and (when the text resolves) resolves to the same model.
pub fn fmt(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let parsed = salesproc_parser::parse(text);
    let formatted = match salesproc_parser::format::format(text) {
        Ok(formatted) => formatted,
        Err(diagnostics) => {
            assert!(!parsed.diagnostics.is_empty(), "fmt refused a file that parses: {diagnostics:?}");
            return;
        }
    };
    let reparsed = salesproc_parser::parse(&formatted);
    assert!(reparsed.diagnostics.is_empty(), "fmt output does not parse: {:?}\n{formatted}", reparsed.diagnostics);
    let again = salesproc_parser::format::format(&formatted).expect("fmt output formats");
    assert_eq!(again, formatted, "fmt is not idempotent");
    let before = salesproc_parser::analyze(text);
    if before.diagnostics.is_empty() {
        let after = salesproc_parser::analyze(&formatted);
        assert!(after.diagnostics.is_empty(), "fmt output does not resolve: {:?}", after.diagnostics);
        assert_eq!(before.model, after.model, "fmt changed the model");
    }
}

/// The `solver` target: fields and criteria decoded from the bytes (see [`Decoder`]), the
/// solver's answer checked against brute force over every state that matters.
///
/// Properties: nothing panics; the same question gets the same answer; `Satisfiable` and
/// `Unsatisfiable` agree with brute force; a core is ascending, in range, free of criteria the
/// solver does not model, contradictory, and minimal (removing any one criterion leaves
/// criteria that can hold).
pub fn solver(data: &[u8]) {
    let mut decoder = Decoder { data, at: 0 };
    let question = decoder.question();
    let fields = question.fields();
    let solver = Solver::new(&fields, Budget::default());
    let refs: Vec<&Expr> = question.criteria.iter().collect();
    let answer = solver.solve(&refs);
    assert_eq!(answer, solver.solve(&refs), "the same question got two answers");
    let exact = |indices: &[usize]| question.brute_force(indices);
    let all: Vec<usize> = (0..question.criteria.len()).collect();
    match &answer {
        Answer::Satisfiable => {
            assert!(!question.opaque.iter().any(|o| *o), "satisfiable despite a criterion it does not model");
            if let Some(holds) = exact(&all) {
                assert!(holds, "`Satisfiable`, but no deal meets {:?}", question.criteria);
            }
        }
        Answer::Unsatisfiable { core } => {
            assert!(core.windows(2).all(|w| w[0] < w[1]), "core not ascending: {core:?}");
            assert!(core.iter().all(|i| *i < question.criteria.len()), "core out of range: {core:?}");
            assert!(!core.is_empty(), "an empty core");
            assert!(core.iter().all(|i| !question.opaque[*i]), "a core with a criterion it does not model");
            if let Some(holds) = exact(core) {
                assert!(!holds, "`Unsatisfiable` with core {core:?}, but a deal meets it: {:?}", question.criteria);
            }
            for skip in 0..core.len() {
                let rest: Vec<usize> = core.iter().enumerate().filter(|(j, _)| *j != skip).map(|(_, i)| *i).collect();
                if let Some(holds) = exact(&rest) {
                    assert!(holds, "core {core:?} is not minimal: without its {skip}th it still contradicts");
                }
            }
        }
        Answer::Unknown => {}
    }
}

/// The types of the decoded fields.
const TYPES: [FieldType; 8] = [
    FieldType::Bool,
    FieldType::Int,
    FieldType::Number,
    FieldType::Money,
    FieldType::Percent,
    FieldType::Duration,
    FieldType::Date,
    FieldType::Text,
];

/// Small pools of constants, so that comparisons meet, and brute force stays small.
const INTS: [f64; 5] = [-1.0, 0.0, 1.0, 2.0, 10.0];
const REALS: [f64; 5] = [-1.0, 0.0, 0.5, 2.5, 100.25];
const PERCENTS: [f64; 5] = [0.0, 12.5, 50.0, 99.5, 100.0];
const MINUTES: [u64; 4] = [0, 1, 60, 1_440];
const TEXTS: [&str; 3] = ["a", "b", ""];
const OPS: [CmpOp; 6] = [CmpOp::Eq, CmpOp::Ne, CmpOp::Lt, CmpOp::Le, CmpOp::Gt, CmpOp::Ge];

/// The deepest the decoder nests criteria. The parser bounds real criteria at 64 levels of
/// parentheses; the solver's cost grows with size, not depth, so a few levels find as much.
const MAX_DEPTH: usize = 6;

/// Reads a question from bytes; past the end, every byte reads as 0.
pub struct Decoder<'d> {
    data: &'d [u8],
    at: usize,
}

impl Decoder<'_> {
    fn byte(&mut self) -> u8 {
        let b = self.data.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        b
    }

    fn below(&mut self, n: usize) -> usize {
        usize::from(self.byte()) % n.max(1)
    }

    fn question(&mut self) -> Question {
        let field_count = 1 + self.below(4);
        let types: Vec<FieldType> = (0..field_count)
            .map(|_| match self.below(TYPES.len() + 1) {
                i if i < TYPES.len() => TYPES[i].clone(),
                _ => FieldType::Enum((0..1 + self.below(4)).map(|m| format!("m{m}")).collect()),
            })
            .collect();
        let count = 1 + self.below(5);
        let mut criteria = Vec::new();
        let mut opaque = Vec::new();
        for _ in 0..count {
            let mut ill = false;
            criteria.push(self.expr(&types, 0, &mut ill));
            opaque.push(ill);
        }
        Question { types, criteria, opaque }
    }

    fn expr(&mut self, types: &[FieldType], depth: usize, ill: &mut bool) -> Expr {
        let loc = Loc::default();
        let choice = if depth >= MAX_DEPTH { 1 } else { self.below(10) };
        match choice {
            0 => Expr::Const { value: self.byte() & 1 == 1, loc },
            5 => Expr::Not { operand: Box::new(self.expr(types, depth + 1, ill)), loc },
            6..=9 => {
                let operands = (0..2 + self.below(3)).map(|_| self.expr(types, depth + 1, ill)).collect();
                if choice < 8 {
                    Expr::And { operands, loc }
                } else {
                    Expr::Or { operands, loc }
                }
            }
            _ => self.atom(types, ill),
        }
    }

    fn atom(&mut self, types: &[FieldType], ill: &mut bool) -> Expr {
        let loc = Loc::default();
        let index = self.below(types.len());
        let field = FieldId(index as u32);
        let selector = self.byte();
        if selector % 5 == 0 {
            return Expr::IsSet { field, negated: selector & 0x80 != 0, loc };
        }
        // Now and then something resolution never builds: the solver must not choke on it.
        if selector == 0xFF {
            *ill = true;
            return Expr::Compare { field, cmp: CmpOp::Lt, value: value(ValueKind::Text("x".into())), loc };
        }
        let op = OPS[self.below(OPS.len())];
        let equality = if self.byte() & 1 == 0 { CmpOp::Eq } else { CmpOp::Ne };
        let (cmp, kind) = match &types[index] {
            FieldType::Bool => (equality, ValueKind::Bool(self.byte() & 1 == 1)),
            FieldType::Int => (op, ValueKind::Number(INTS[self.below(INTS.len())])),
            FieldType::Number | FieldType::Money => (op, ValueKind::Number(REALS[self.below(REALS.len())])),
            FieldType::Percent => (op, ValueKind::Percent(PERCENTS[self.below(PERCENTS.len())])),
            FieldType::Duration => (op, ValueKind::Duration(MINUTES[self.below(MINUTES.len())])),
            FieldType::Date => {
                // 2026-02-01, -14 and -28: real dates, with gaps for brute force to fall in.
                let day = [1, 14, 28][self.below(3)];
                match Date::new(2026, 2, day) {
                    Some(date) => (op, ValueKind::Date(date)),
                    None => return Expr::Const { value: true, loc },
                }
            }
            FieldType::Text => (equality, ValueKind::Text(TEXTS[self.below(TEXTS.len())].to_string())),
            FieldType::Enum(members) => {
                let n = members.len();
                if self.byte() & 1 == 0 {
                    let mut chosen: Vec<u32> = (0..n as u32).filter(|_| self.byte() & 1 == 1).collect();
                    if chosen.is_empty() {
                        chosen.push(0);
                    }
                    return Expr::In { field, negated: selector & 0x80 != 0, members: chosen, loc };
                }
                (equality, ValueKind::Member(self.below(n) as u32))
            }
        };
        Expr::Compare { field, cmp, value: value(kind), loc }
    }
}

fn value(kind: ValueKind) -> Value {
    Value { kind, raw: String::new() }
}

/// Decoded fields and criteria.
struct Question {
    types: Vec<FieldType>,
    criteria: Vec<Expr>,
    /// Per criterion: whether it holds something resolution never builds.
    opaque: Vec<bool>,
}

/// One state of a field in brute force: unset, a number, a string, or a member (bool: 0, 1).
#[derive(Clone, Debug, PartialEq)]
enum State {
    Unset,
    Num(f64),
    Text(String),
    Member(u32),
}

/// The most deals brute force tries.
const MAX_DEALS: usize = 200_000;

impl Question {
    /// The fields, built the way resolution builds them (from a declaration), so that this
    /// module does not depend on the model's private details.
    fn fields(&self) -> Vec<Field> {
        let mut text = String::from("process \"Fuzz\" {\n");
        for (i, ty) in self.types.iter().enumerate() {
            let ty = match ty {
                FieldType::Enum(members) => format!("enum {{ {} }}", members.join(", ")),
                other => other.keyword().to_string(),
            };
            text.push_str(&format!("  field f{i}: {ty}\n"));
        }
        text.push_str("}\n");
        let analysis = salesproc_parser::analyze(&text);
        analysis.model.map(|m| m.fields).unwrap_or_default()
    }

    /// Whether some deal meets criteria `indices`; `None` when brute force cannot tell (a
    /// criterion the solver does not model, or too many deals to try).
    fn brute_force(&self, indices: &[usize]) -> Option<bool> {
        if indices.iter().any(|i| self.opaque.get(*i).copied().unwrap_or(true)) {
            return None;
        }
        let candidates: Vec<Vec<State>> = (0..self.types.len()).map(|f| self.candidates(f, indices)).collect();
        let deals = candidates.iter().try_fold(1usize, |n, c| n.checked_mul(c.len()).filter(|n| *n <= MAX_DEALS));
        deals?;
        let mut choice = vec![0usize; candidates.len()];
        loop {
            let deal: Vec<&State> = choice.iter().zip(&candidates).map(|(i, c)| &c[*i]).collect();
            if indices.iter().all(|i| eval(&self.criteria[*i], &deal)) {
                return Some(true);
            }
            // Next combination.
            let mut position = 0;
            loop {
                let Some(slot) = choice.get_mut(position) else { return Some(false) };
                *slot += 1;
                if *slot < candidates[position].len() {
                    break;
                }
                *slot = 0;
                position += 1;
            }
        }
    }

    /// Every state of field `f` that can change the truth of the criteria: unset, every
    /// constant they compare it with, a point in every gap between two constants and beyond
    /// either end (integers: the constants plus and minus one), within the type's range.
    fn candidates(&self, f: usize, indices: &[usize]) -> Vec<State> {
        let mut constants: Vec<ValueKind> = Vec::new();
        for i in indices {
            collect_constants(&self.criteria[*i], FieldId(f as u32), &mut constants);
        }
        let mut out = vec![State::Unset];
        match &self.types[f] {
            FieldType::Bool => out.extend([State::Member(0), State::Member(1)]),
            FieldType::Enum(members) => out.extend((0..members.len() as u32).map(State::Member)),
            FieldType::Text => {
                let mut texts: Vec<String> = constants
                    .iter()
                    .filter_map(|c| if let ValueKind::Text(t) = c { Some(t.clone()) } else { None })
                    .collect();
                texts.push("\u{0}fresh".to_string());
                texts.sort();
                texts.dedup();
                out.extend(texts.into_iter().map(State::Text));
            }
            ty @ (FieldType::Int | FieldType::Duration | FieldType::Date) => {
                let mut points: Vec<f64> =
                    constants.iter().filter_map(number).flat_map(|c| [c - 1.0, c, c + 1.0]).collect();
                points.push(0.0);
                if *ty == FieldType::Duration {
                    points.retain(|p| *p >= 0.0);
                }
                out.extend(sorted(points).into_iter().map(State::Num));
            }
            ty @ (FieldType::Number | FieldType::Money | FieldType::Percent) => {
                let consts: Vec<f64> = sorted(constants.iter().filter_map(number).collect());
                let mut points = consts.clone();
                points.extend(consts.windows(2).map(|w| (w[0] + w[1]) / 2.0));
                if let (Some(min), Some(max)) = (consts.first(), consts.last()) {
                    points.extend([min - 1.0, max + 1.0]);
                }
                points.push(0.0);
                if *ty == FieldType::Percent {
                    points.extend([0.0, 100.0]);
                    points.retain(|p| (0.0..=100.0).contains(p));
                }
                out.extend(sorted(points).into_iter().map(State::Num));
            }
        }
        out
    }
}

fn sorted(mut points: Vec<f64>) -> Vec<f64> {
    points.sort_by(f64::total_cmp);
    points.dedup();
    points
}

/// A constant as a number on the solver's scale (dates in days, durations in minutes).
fn number(kind: &ValueKind) -> Option<f64> {
    match kind {
        ValueKind::Number(n) | ValueKind::Percent(n) => Some(*n),
        ValueKind::Duration(minutes) => Some(*minutes as f64),
        ValueKind::Date(date) => Some(date.days_since_epoch() as f64),
        _ => None,
    }
}

fn collect_constants(expr: &Expr, field: FieldId, out: &mut Vec<ValueKind>) {
    match expr {
        Expr::Compare { field: f, value, .. } if *f == field => out.push(value.kind.clone()),
        Expr::Not { operand, .. } => collect_constants(operand, field, out),
        Expr::And { operands, .. } | Expr::Or { operands, .. } => {
            operands.iter().for_each(|o| collect_constants(o, field, out))
        }
        _ => {}
    }
}

/// The truth of `expr` for a deal: the contract's meaning (every comparison on an unset
/// field is false, `!=` and `not in` included).
fn eval(expr: &Expr, deal: &[&State]) -> bool {
    let state = |field: &FieldId| deal.get(field.0 as usize).copied().unwrap_or(&State::Unset);
    match expr {
        Expr::Const { value, .. } => *value,
        Expr::Not { operand, .. } => !eval(operand, deal),
        Expr::And { operands, .. } => operands.iter().all(|o| eval(o, deal)),
        Expr::Or { operands, .. } => operands.iter().any(|o| eval(o, deal)),
        Expr::IsSet { field, negated, .. } => (*state(field) != State::Unset) != *negated,
        Expr::In { field, negated, members, .. } => match state(field) {
            State::Member(m) => members.contains(m) != *negated,
            _ => false,
        },
        Expr::Compare { field, cmp, value, .. } => {
            let ordering = match (state(field), &value.kind) {
                (State::Unset, _) => return false,
                (State::Member(m), ValueKind::Bool(b)) => m.cmp(&u32::from(*b)),
                (State::Member(m), ValueKind::Member(c)) => m.cmp(c),
                (State::Text(t), ValueKind::Text(c)) => t.cmp(c),
                (State::Num(n), kind) => match number(kind) {
                    Some(c) => n.total_cmp(&c),
                    None => return false,
                },
                _ => return false,
            };
            match cmp {
                CmpOp::Eq => ordering.is_eq(),
                CmpOp::Ne => ordering.is_ne(),
                CmpOp::Lt => ordering.is_lt(),
                CmpOp::Le => ordering.is_le(),
                CmpOp::Gt => ordering.is_gt(),
                CmpOp::Ge => ordering.is_ge(),
            }
        }
    }
}
