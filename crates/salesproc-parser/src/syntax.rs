//! The syntax tree: what was written, with byte spans, before any name is resolved.
//!
//! Built from pest's pairs by [`crate::parse`]; read by resolution and by tools that care about
//! layout (the formatter). Literals are already read into values here (an `invalid-literal` is
//! reported while building the tree), names are still plain text.

use crate::diagnostic::Span;

/// A name as written, with where.
#[derive(Clone, Debug, PartialEq)]
pub struct Name {
    /// The identifier.
    pub text: String,
    /// Where it was written.
    pub span: Span,
}

/// A literal as written: its span keeps the author's spelling (`10_000`), `value` its meaning.
#[derive(Clone, Debug, PartialEq)]
pub struct Literal {
    /// What the literal means, or [`LiteralValue::Invalid`] when it was reported as malformed.
    pub value: LiteralValue,
    /// Where it was written.
    pub span: Span,
    /// The literal exactly as written.
    pub raw: String,
}

/// The meaning of a literal.
#[derive(Clone, Debug, PartialEq)]
pub enum LiteralValue {
    /// A number: `10_000`, `12.5`, `-3`.
    Number(f64),
    /// A percentage in [0, 100]: `12.5%`.
    Percent(f64),
    /// A duration in minutes: `2d` is 2880.
    Duration(u64),
    /// A calendar date.
    Date(Date),
    /// A string, escapes already applied.
    Text(String),
    /// `true` or `false`.
    Bool(bool),
    /// A malformed literal, already reported.
    Invalid,
}

/// A calendar date (proleptic Gregorian).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Date {
    /// Year, 0 to 9999.
    pub year: u16,
    /// Month, 1 to 12.
    pub month: u8,
    /// Day of the month, 1 to 31.
    pub day: u8,
}

impl Date {
    /// The date if it exists in the calendar.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (day >= 1 && day <= days_in_month).then_some(Date { year, month, day })
    }

    /// Days since 1970-01-01 (negative before), so dates compare and subtract as integers.
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01, if it has a four-digit year.
    pub fn from_days_since_epoch(days: i64) -> Option<Date> {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        let year = u16::try_from(year).ok().filter(|y| *y <= 9999)?;
        Date::new(year, u8::try_from(month).ok()?, u8::try_from(day).ok()?)
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A whole file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SourceFile {
    /// `use` lines.
    pub uses: Vec<Literal>,
    /// Roles declared at the top level (a file made to be imported).
    pub roles: Vec<RoleDecl>,
    /// Fields declared at the top level (a file made to be imported).
    pub fields: Vec<FieldDecl>,
    /// The process blocks (more than one is a `duplicate-definition`).
    pub processes: Vec<ProcessDecl>,
    /// Every comment, in order, `#` included.
    pub comments: Vec<Span>,
    /// The suppression comments (`# salesproc: allow(...)`), in order.
    pub suppressions: Vec<crate::suppression::Suppression>,
    /// Names declared by statements that did not parse. Resolution does not report references
    /// to them as undefined: the syntax error already covers them.
    pub damaged_names: std::collections::BTreeSet<String>,
}

/// `process "Name" { ... }`
#[derive(Clone, Debug, PartialEq)]
pub struct ProcessDecl {
    /// The process name.
    pub name: Literal,
    /// The statements of the block, in order.
    pub items: Vec<ProcessItem>,
    /// From `process` to the closing `}`.
    pub span: Span,
    /// The header, `process "Name" {`.
    pub header_span: Span,
}

/// A statement of a process block.
#[derive(Clone, Debug, PartialEq)]
pub enum ProcessItem {
    /// `owner role`
    Owner(Statement<Name>),
    /// `version "..."`
    Version(Statement<Literal>),
    /// `description "..."`
    Description(Statement<Literal>),
    /// `review every 90d`
    ReviewEvery(Statement<Literal>),
    /// `reviewed 2026-10-01`
    Reviewed(Statement<Literal>),
    /// `role id "Title"`
    Role(RoleDecl),
    /// `field id: type "Title"`
    Field(FieldDecl),
    /// `stage id "Title" { ... }`
    Stage(StageDecl),
}

/// A one-line statement with one argument: the argument and the whole statement's span.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement<T> {
    /// The argument.
    pub value: T,
    /// The whole statement.
    pub span: Span,
}

/// `role id "Title"`
#[derive(Clone, Debug, PartialEq)]
pub struct RoleDecl {
    /// The identifier.
    pub name: Name,
    /// The title, if any.
    pub title: Option<Literal>,
    /// The whole statement.
    pub span: Span,
}

/// `field id: type "Title"`
#[derive(Clone, Debug, PartialEq)]
pub struct FieldDecl {
    /// The identifier.
    pub name: Name,
    /// The type.
    pub ty: TypeSyntax,
    /// The title, if any.
    pub title: Option<Literal>,
    /// The whole statement.
    pub span: Span,
}

/// A field's type as written.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeSyntax {
    /// One of the built-in type names (`bool`, `money`, ...).
    Builtin(Name),
    /// `enum { a, b }`
    Enum {
        /// The members.
        members: Vec<Name>,
        /// From `enum` to `}`.
        span: Span,
    },
}

/// `start stage id "Title" { ... }`
#[derive(Clone, Debug, PartialEq)]
pub struct StageDecl {
    /// The span of `start`, when the stage is marked as a start stage.
    pub start: Option<Span>,
    /// The identifier.
    pub name: Name,
    /// The title, if any.
    pub title: Option<Literal>,
    /// The statements of the block, in order.
    pub items: Vec<StageItem>,
    /// From the first keyword to the closing `}`.
    pub span: Span,
    /// The header, up to and including `{`.
    pub header_span: Span,
}

/// A statement of a stage block.
#[derive(Clone, Debug, PartialEq)]
pub enum StageItem {
    /// `owner role`
    Owner(Statement<Name>),
    /// `probability 20%`
    Probability(Statement<Literal>),
    /// `goal "..."`
    Goal(Statement<Literal>),
    /// `entry "trigger" when criterion`
    Entry(EntryDecl),
    /// `sla 14d`
    Sla(Statement<Literal>),
    /// `requires a, b`
    Requires(Statement<Vec<Name>>),
    /// `exit "label" when criterion`
    Exit(ExitDecl),
    /// `terminal won|lost`
    Terminal(Statement<Name>),
    /// `activity id "Title" { ... }`
    Activity(ActivityDecl),
    /// `advance to ...` or `route to ...`
    Transition(TransitionDecl),
}

/// `entry "trigger" when criterion` (at least one of the two).
#[derive(Clone, Debug, PartialEq)]
pub struct EntryDecl {
    /// The trigger text.
    pub trigger: Option<Literal>,
    /// The entry criterion.
    pub when: Option<ExprSyntax>,
    /// The whole statement.
    pub span: Span,
}

/// `exit "label" when criterion`
#[derive(Clone, Debug, PartialEq)]
pub struct ExitDecl {
    /// The label, if any.
    pub label: Option<Literal>,
    /// The criterion.
    pub when: ExprSyntax,
    /// The whole statement.
    pub span: Span,
}

/// `activity id "Title" { ... }`
#[derive(Clone, Debug, PartialEq)]
pub struct ActivityDecl {
    /// The identifier.
    pub name: Name,
    /// The title, if any.
    pub title: Option<Literal>,
    /// The statements of the block, in order.
    pub items: Vec<ActivityItem>,
    /// From `activity` to the closing `}`.
    pub span: Span,
    /// The header, up to and including `{`.
    pub header_span: Span,
}

/// A statement of an activity block.
#[derive(Clone, Debug, PartialEq)]
pub enum ActivityItem {
    /// `owner role`
    Owner(Statement<Name>),
    /// `outcome "..."`
    Outcome(Statement<Literal>),
    /// `captures a, b`
    Captures(Statement<Vec<Name>>),
    /// `optional`
    Optional(Span),
}

/// `advance` or `route`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TransitionKind {
    /// The forward path: needs the stage's exit criteria and `requires`.
    Advance,
    /// A side exit: needs only its own `when`.
    Route,
}

impl TransitionKind {
    /// The keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            TransitionKind::Advance => "advance",
            TransitionKind::Route => "route",
        }
    }
}

/// `advance to stage owner role within 2d when criterion`
#[derive(Clone, Debug, PartialEq)]
pub struct TransitionDecl {
    /// `advance` or `route`.
    pub kind: TransitionKind,
    /// The target stage.
    pub target: Name,
    /// The clauses in the order written.
    pub clauses: Vec<Clause>,
    /// The whole statement.
    pub span: Span,
}

/// A clause of a transition.
#[derive(Clone, Debug, PartialEq)]
pub enum Clause {
    /// `owner role`
    Owner(Statement<Name>),
    /// `within 4h`
    Within(Statement<Literal>),
    /// `when criterion`
    When(Statement<ExprSyntax>),
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub enum CmpOp {
    /// `==`
    #[serde(rename = "==")]
    Eq,
    /// `!=`
    #[serde(rename = "!=")]
    Ne,
    /// `<`
    #[serde(rename = "<")]
    Lt,
    /// `<=`
    #[serde(rename = "<=")]
    Le,
    /// `>`
    #[serde(rename = ">")]
    Gt,
    /// `>=`
    #[serde(rename = ">=")]
    Ge,
}

impl CmpOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }

    /// Reads an operator.
    pub fn parse(text: &str) -> Option<CmpOp> {
        Some(match text {
            "==" => CmpOp::Eq,
            "!=" => CmpOp::Ne,
            "<" => CmpOp::Lt,
            "<=" => CmpOp::Le,
            ">" => CmpOp::Gt,
            ">=" => CmpOp::Ge,
            _ => return None,
        })
    }
}

/// The right-hand side of a comparison: a literal, or a bare identifier (an enum member).
#[derive(Clone, Debug, PartialEq)]
pub enum ValueSyntax {
    /// A literal.
    Literal(Literal),
    /// An identifier.
    Name(Name),
}

impl ValueSyntax {
    /// Where the value was written.
    pub fn span(&self) -> Span {
        match self {
            ValueSyntax::Literal(literal) => literal.span,
            ValueSyntax::Name(name) => name.span,
        }
    }

    /// The value exactly as written.
    pub fn raw(&self) -> &str {
        match self {
            ValueSyntax::Literal(literal) => &literal.raw,
            ValueSyntax::Name(name) => &name.text,
        }
    }
}

/// A criterion as written. Its depth is bounded by the layout pass's parenthesis limit, so
/// walking it recursively is safe.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprSyntax {
    /// `a or b or c`
    Or(Vec<ExprSyntax>, Span),
    /// `a and b and c`
    And(Vec<ExprSyntax>, Span),
    /// `not not a`: the number of `not` and the operand.
    Not(usize, Box<ExprSyntax>, Span),
    /// `( a )`
    Paren(Box<ExprSyntax>, Span),
    /// `true` or `false`
    Bool(bool, Span),
    /// `field op value`
    Compare {
        /// The field.
        field: Name,
        /// The operator.
        op: CmpOp,
        /// Where the operator was written.
        op_span: Span,
        /// The value.
        value: ValueSyntax,
        /// The whole comparison.
        span: Span,
    },
    /// `field in { a, b }` or `field not in { a, b }`
    In {
        /// The field.
        field: Name,
        /// `not in`.
        negated: bool,
        /// The listed values.
        values: Vec<ValueSyntax>,
        /// The whole test.
        span: Span,
    },
    /// `field is set` or `field is not set`
    IsSet {
        /// The field.
        field: Name,
        /// `is not set`.
        negated: bool,
        /// The whole test.
        span: Span,
    },
    /// A bool field on its own.
    Field(Name),
}

impl ExprSyntax {
    /// Where the criterion was written.
    pub fn span(&self) -> Span {
        match self {
            ExprSyntax::Or(_, span)
            | ExprSyntax::And(_, span)
            | ExprSyntax::Not(_, _, span)
            | ExprSyntax::Paren(_, span)
            | ExprSyntax::Bool(_, span)
            | ExprSyntax::Compare { span, .. }
            | ExprSyntax::In { span, .. }
            | ExprSyntax::IsSet { span, .. } => *span,
            ExprSyntax::Field(name) => name.span,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Date;

    #[test]
    fn calendar() {
        assert!(Date::new(2026, 2, 30).is_none());
        assert!(Date::new(2024, 2, 29).is_some());
        assert!(Date::new(2100, 2, 29).is_none());
        assert!(Date::new(2000, 2, 29).is_some());
        assert!(Date::new(2026, 13, 1).is_none());
        assert!(Date::new(2026, 4, 0).is_none());
        let date = Date::new(1970, 1, 2).unwrap();
        assert_eq!(date.days_since_epoch(), 1);
        for days in [-719_000, -1, 0, 59, 20_000, 2_900_000] {
            let date = Date::from_days_since_epoch(days).unwrap();
            assert_eq!(date.days_since_epoch(), days, "{date}");
        }
        let last = Date::new(9999, 12, 31).unwrap().days_since_epoch();
        assert!(Date::from_days_since_epoch(last).is_some());
        assert!(Date::from_days_since_epoch(last + 1).is_none(), "years have four digits");
    }
}
