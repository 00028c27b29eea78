//! Text → syntax tree: the layout pass's statements parsed one by one with pest, turned into
//! [`crate::syntax`] nodes, literals read and checked on the way.

use pest::iterators::Pair;
use pest::Parser as _;

use crate::diagnostic::{rules, Diagnostic, Span};
use crate::grammar::{Rule, SalesprocGrammar};
use crate::layout::{layout, Piece};
use crate::syntax::*;
use crate::syntax_error::{statement_error, BlockKind};

/// A syntax tree and every problem found while building it.
#[derive(Debug)]
pub struct Parsed {
    /// What could be read, including every statement that parsed.
    pub tree: SourceFile,
    /// `syntax-error` and `invalid-literal` diagnostics, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses a file's text. Never fails and never stops at the first error: every statement that
/// parses is in the tree, and every one that does not yields one diagnostic.
pub fn parse(text: &str) -> Parsed {
    let layout = layout(text);
    let statement_starts: Vec<usize> = layout
        .pieces
        .iter()
        .filter_map(|piece| match piece {
            Piece::Statement { span, .. } => Some(span.start),
            Piece::Close(_) => None,
        })
        .collect();
    let (suppressions, suppression_errors) = crate::suppression::extract(text, &layout.comments, &statement_starts);
    let mut builder = Builder {
        text,
        diagnostics: layout.errors,
        file: SourceFile { comments: layout.comments, suppressions, ..SourceFile::default() },
        frames: Vec::new(),
    };
    for piece in layout.pieces {
        match piece {
            Piece::Statement { span, opens_block, reported } => builder.statement(span, opens_block, reported),
            Piece::Close(span) => builder.close(span),
        }
    }
    builder.finish(&layout.unclosed);
    let mut diagnostics = builder.diagnostics;
    diagnostics.extend(suppression_errors);
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
    let is_empty = builder.file.processes.is_empty()
        && builder.file.roles.is_empty()
        && builder.file.fields.is_empty()
        && builder.file.uses.is_empty();
    if is_empty && diagnostics.is_empty() {
        diagnostics.push(
            Diagnostic::error(rules::SYNTAX_ERROR, Span::at(0), "this file holds no process")
                .with_help("start with `process \"Name\" {`, or declare the roles and fields that other files `use`"),
        );
    }
    Parsed { tree: builder.file, diagnostics }
}

/// A block being read, innermost last.
enum Frame {
    Process(ProcessDecl),
    Stage(StageDecl),
    Activity(ActivityDecl),
    /// A block whose header did not parse: its statements are still checked, then dropped.
    Discard(BlockKind),
}

impl Frame {
    fn kind(&self) -> BlockKind {
        match self {
            Frame::Process(_) => BlockKind::Process,
            Frame::Stage(_) => BlockKind::Stage,
            Frame::Activity(_) => BlockKind::Activity,
            Frame::Discard(kind) => *kind,
        }
    }
}

struct Builder<'t> {
    text: &'t str,
    diagnostics: Vec<Diagnostic>,
    file: SourceFile,
    frames: Vec<Frame>,
}

impl<'t> Builder<'t> {
    fn kind(&self) -> BlockKind {
        self.frames.last().map_or(BlockKind::Top, Frame::kind)
    }

    fn statement(&mut self, span: Span, opens_block: bool, reported: bool) {
        let kind = self.kind();
        let source = self.text.get(span.start..span.end).unwrap_or("");
        let rule = match kind {
            BlockKind::Top => Rule::top_statement,
            BlockKind::Process => Rule::process_statement,
            BlockKind::Stage => Rule::stage_statement,
            BlockKind::Activity => Rule::activity_statement,
        };
        let parsed = if reported { None } else { Some(parse_statement(kind, rule, source)) };
        match parsed {
            Some(Ok(statement)) => {
                if let Some(pair) = statement {
                    let discarding = matches!(self.frames.last(), Some(Frame::Discard(..)));
                    let mut lower = Lower { offset: span.start, diagnostics: &mut self.diagnostics };
                    let item = lower.item(pair);
                    if opens_block {
                        self.frames.push(match item {
                            Item::Process(p) if !discarding => Frame::Process(p),
                            Item::Stage(s) if !discarding => Frame::Stage(s),
                            Item::Activity(a) if !discarding => Frame::Activity(a),
                            other => Frame::Discard(other.block_kind()),
                        });
                    } else if !discarding {
                        self.attach(item);
                    }
                }
            }
            Some(Err(error)) => {
                let diagnostic = statement_error(kind, source, span.start, &error);
                self.diagnostics.push(diagnostic);
                self.remember_damaged_name(source);
                if opens_block {
                    self.frames.push(Frame::Discard(BlockKind::guess(source)));
                }
            }
            None => {
                self.remember_damaged_name(source);
                if opens_block {
                    self.frames.push(Frame::Discard(BlockKind::guess(source)));
                }
            }
        }
    }

    /// A declaration that did not parse still declares its name, as far as anyone can tell:
    /// remember it so that references to it are not reported as undefined on top.
    fn remember_damaged_name(&mut self, source: &str) {
        let mut words = source.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).filter(|w| !w.is_empty());
        let mut first = words.next();
        if first == Some("start") {
            first = words.next();
        }
        if matches!(first, Some("role" | "field" | "stage" | "activity")) {
            if let Some(name) = words.next() {
                self.file.damaged_names.insert(name.to_string());
            }
        }
    }

    fn attach(&mut self, item: Item) {
        match (self.frames.last_mut(), item) {
            (None, Item::Use(u)) => self.file.uses.push(u),
            (None, Item::Role(r)) => self.file.roles.push(r),
            (None, Item::Field(f)) => self.file.fields.push(f),
            (Some(Frame::Process(p)), Item::ProcessItem(i)) => p.items.push(i),
            (Some(Frame::Process(p)), Item::ProcessOwner(o)) => p.items.push(ProcessItem::Owner(o)),
            (Some(Frame::Process(p)), Item::Role(r)) => p.items.push(ProcessItem::Role(r)),
            (Some(Frame::Process(p)), Item::Field(f)) => p.items.push(ProcessItem::Field(f)),
            (Some(Frame::Process(p)), Item::Stage(s)) => p.items.push(ProcessItem::Stage(s)),
            (Some(Frame::Stage(s)), Item::StageItem(i)) => s.items.push(i),
            (Some(Frame::Stage(s)), Item::Activity(a)) => s.items.push(StageItem::Activity(a)),
            (Some(Frame::Stage(s)), Item::ProcessOwner(o)) => s.items.push(StageItem::Owner(o)),
            (Some(Frame::Activity(a)), Item::ActivityItem(i)) => a.items.push(i),
            (Some(Frame::Activity(a)), Item::ProcessOwner(o)) => a.items.push(ActivityItem::Owner(o)),
            (None, Item::Process(p)) => self.file.processes.push(p),
            // The grammar rule of each block admits only that block's statements.
            _ => {}
        }
    }

    fn close(&mut self, brace: Span) {
        let Some(frame) = self.frames.pop() else { return };
        match frame {
            Frame::Process(mut p) => {
                p.span.end = brace.end;
                self.attach(Item::Process(p));
            }
            Frame::Stage(mut s) => {
                s.span.end = brace.end;
                self.attach(Item::Stage(s));
            }
            Frame::Activity(mut a) => {
                a.span.end = brace.end;
                self.attach(Item::Activity(a));
            }
            Frame::Discard(..) => {}
        }
    }

    fn finish(&mut self, unclosed: &[Span]) {
        if !unclosed.is_empty() {
            let end = self.text.len();
            let mut diagnostic = Diagnostic::error(
                rules::SYNTAX_ERROR,
                Span::at(end),
                "the file ends before every block is closed: expected `}`",
            )
            .with_help("add the missing `}`; each block closes with `}` on a line of its own");
            for header in unclosed.iter().rev() {
                let what = BlockKind::guess(self.text.get(header.start..header.end).unwrap_or(""));
                diagnostic = diagnostic.with_label(*header, format!("this {} block is not closed", what.noun()));
            }
            self.diagnostics.push(diagnostic);
        }
        while !self.frames.is_empty() {
            self.close(Span::at(self.text.len()));
        }
    }
}

/// Parses one statement of a block of `kind`, whose statement rule is `rule`; returns the pair
/// of the statement itself (`owner_stmt`, `transition`, ...).
///
/// A statement's first word names the only statement it can be, so it is parsed first with that
/// statement's own rule: the block's rule would try (and fail, and record for its error message)
/// every statement before it in the grammar's order, which cost about a third of parsing. When
/// that rule does not read the whole statement, the block's rule parses it again, which gives
/// the same result as ever, and the error to report.
fn parse_statement(
    kind: BlockKind,
    rule: Rule,
    source: &str,
) -> Result<Option<Pair<'_, Rule>>, pest::error::Error<Rule>> {
    let first_word = source.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).next().unwrap_or("");
    if let Some(direct) = statement_rule(kind, first_word) {
        if let Ok(mut pairs) = SalesprocGrammar::parse(direct, source) {
            if let Some(pair) = pairs.next().filter(|pair| pair.as_span().end() == source.len()) {
                return Ok(Some(pair));
            }
        }
    }
    SalesprocGrammar::parse(rule, source).map(|mut pairs| pairs.next().and_then(|p| p.into_inner().next()))
}

/// The statement a statement beginning with the word `word` must be in a block of `kind`, by
/// the grammar's `*_statement` rules; `None` when no statement begins with it there.
fn statement_rule(kind: BlockKind, word: &str) -> Option<Rule> {
    use BlockKind::{Activity, Process, Stage, Top};
    Some(match (kind, word) {
        (Top, "process") => Rule::process_header,
        (Top, "use") => Rule::use_stmt,
        (Top | Process, "role") => Rule::role_stmt,
        (Top | Process, "field") => Rule::field_stmt,
        (Process, "start" | "stage") => Rule::stage_header,
        (Process | Stage | Activity, "owner") => Rule::owner_stmt,
        (Process, "version") => Rule::version_stmt,
        (Process, "description") => Rule::description_stmt,
        (Process, "review") => Rule::review_stmt,
        (Process, "reviewed") => Rule::reviewed_stmt,
        (Stage, "activity") => Rule::activity_header,
        (Stage, "probability") => Rule::probability_stmt,
        (Stage, "goal") => Rule::goal_stmt,
        (Stage, "entry") => Rule::entry_stmt,
        (Stage, "sla") => Rule::sla_stmt,
        (Stage, "requires") => Rule::requires_stmt,
        (Stage, "exit") => Rule::exit_stmt,
        (Stage, "terminal") => Rule::terminal_stmt,
        (Stage, "advance" | "route") => Rule::transition,
        (Activity, "outcome") => Rule::outcome_stmt,
        (Activity, "captures") => Rule::captures_stmt,
        (Activity, "optional") => Rule::optional_stmt,
        _ => return None,
    })
}

/// What one statement turned into.
enum Item {
    Use(Literal),
    Role(RoleDecl),
    Field(FieldDecl),
    Process(ProcessDecl),
    ProcessItem(ProcessItem),
    /// An `owner` statement: the same syntax in every block.
    ProcessOwner(Statement<Name>),
    Stage(StageDecl),
    StageItem(StageItem),
    Activity(ActivityDecl),
    ActivityItem(ActivityItem),
}

impl Item {
    fn block_kind(&self) -> BlockKind {
        match self {
            Item::Stage(_) => BlockKind::Stage,
            Item::Activity(_) => BlockKind::Activity,
            Item::Process(_) => BlockKind::Process,
            _ => BlockKind::Top,
        }
    }
}

/// Turns pest pairs of one statement into syntax nodes; `offset` is where the statement starts.
struct Lower<'d> {
    offset: usize,
    diagnostics: &'d mut Vec<Diagnostic>,
}

impl Lower<'_> {
    fn span(&self, pair: &Pair<Rule>) -> Span {
        let span = pair.as_span();
        Span::new(span.start() + self.offset, span.end() + self.offset)
    }

    fn name(&self, pair: Pair<Rule>) -> Name {
        Name { text: pair.as_str().to_string(), span: self.span(&pair) }
    }

    fn names(&self, pair: Pair<Rule>) -> Vec<Name> {
        pair.into_inner().filter(|p| p.as_rule() == Rule::ident).map(|p| self.name(p)).collect()
    }

    fn item(&mut self, pair: Pair<Rule>) -> Item {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut inner: Vec<Pair<Rule>> = pair.into_inner().collect();
        // Keywords carry no information once the rule is known.
        inner.retain(|p| !is_keyword(p.as_rule()));
        let mut args = inner.into_iter();
        let mut next = || args.next();
        match rule {
            Rule::use_stmt => Item::Use(self.literal_or_invalid(next(), span)),
            Rule::role_stmt => {
                let name = next().map(|p| self.name(p));
                let title = next().map(|p| self.literal(p));
                match name {
                    Some(name) => Item::Role(RoleDecl { name, title, span }),
                    None => unreachable_item(),
                }
            }
            Rule::field_stmt => {
                let name = next().map(|p| self.name(p));
                let ty = next().map(|p| self.field_type(p));
                let title = next().map(|p| self.literal(p));
                match (name, ty) {
                    (Some(name), Some(ty)) => Item::Field(FieldDecl { name, ty, title, span }),
                    _ => unreachable_item(),
                }
            }
            Rule::process_header => Item::Process(ProcessDecl {
                name: self.literal_or_invalid(next(), span),
                items: Vec::new(),
                span,
                header_span: span,
            }),
            Rule::owner_stmt => match next() {
                Some(p) => Item::ProcessOwner(Statement { value: self.name(p), span }),
                None => unreachable_item(),
            },
            Rule::version_stmt => Item::ProcessItem(ProcessItem::Version(Statement {
                value: self.literal_or_invalid(next(), span),
                span,
            })),
            Rule::description_stmt => Item::ProcessItem(ProcessItem::Description(Statement {
                value: self.literal_or_invalid(next(), span),
                span,
            })),
            Rule::review_stmt => Item::ProcessItem(ProcessItem::ReviewEvery(Statement {
                value: self.literal_or_invalid(next(), span),
                span,
            })),
            Rule::reviewed_stmt => Item::ProcessItem(ProcessItem::Reviewed(Statement {
                value: self.literal_or_invalid(next(), span),
                span,
            })),
            Rule::stage_header => {
                let mut start = None;
                let mut name = None;
                let mut title = None;
                for p in std::iter::from_fn(&mut next) {
                    match p.as_rule() {
                        Rule::kw_start => start = Some(self.span(&p)),
                        Rule::ident => name = Some(self.name(p)),
                        _ => title = Some(self.literal(p)),
                    }
                }
                match name {
                    Some(name) => {
                        Item::Stage(StageDecl { start, name, title, items: Vec::new(), span, header_span: span })
                    }
                    None => unreachable_item(),
                }
            }
            Rule::probability_stmt => Item::StageItem(StageItem::Probability(Statement {
                value: self.literal_or_invalid(next(), span),
                span,
            })),
            Rule::goal_stmt => {
                Item::StageItem(StageItem::Goal(Statement { value: self.literal_or_invalid(next(), span), span }))
            }
            Rule::sla_stmt => {
                Item::StageItem(StageItem::Sla(Statement { value: self.literal_or_invalid(next(), span), span }))
            }
            Rule::entry_stmt => {
                let mut trigger = None;
                let mut when = None;
                for p in std::iter::from_fn(&mut next) {
                    match p.as_rule() {
                        Rule::string => trigger = Some(self.literal(p)),
                        Rule::expr => when = Some(self.expr(p)),
                        _ => {}
                    }
                }
                Item::StageItem(StageItem::Entry(EntryDecl { trigger, when, span }))
            }
            Rule::requires_stmt => Item::StageItem(StageItem::Requires(Statement {
                value: next().map(|p| self.names(p)).unwrap_or_default(),
                span,
            })),
            Rule::exit_stmt => {
                let mut label = None;
                let mut when = None;
                for p in std::iter::from_fn(&mut next) {
                    match p.as_rule() {
                        Rule::string => label = Some(self.literal(p)),
                        Rule::expr => when = Some(self.expr(p)),
                        _ => {}
                    }
                }
                match when {
                    Some(when) => Item::StageItem(StageItem::Exit(ExitDecl { label, when, span })),
                    None => unreachable_item(),
                }
            }
            Rule::terminal_stmt => match next() {
                Some(p) => Item::StageItem(StageItem::Terminal(Statement { value: self.name(p), span })),
                None => unreachable_item(),
            },
            Rule::activity_header => {
                let name = next().map(|p| self.name(p));
                let title = next().map(|p| self.literal(p));
                match name {
                    Some(name) => {
                        Item::Activity(ActivityDecl { name, title, items: Vec::new(), span, header_span: span })
                    }
                    None => unreachable_item(),
                }
            }
            Rule::transition => {
                let kind = match next().map(|p| p.as_str().to_string()).as_deref() {
                    Some("route") => TransitionKind::Route,
                    _ => TransitionKind::Advance,
                };
                let Some(target) = next().map(|p| self.name(p)) else {
                    return unreachable_item();
                };
                let clauses = std::iter::from_fn(&mut next).filter_map(|p| self.clause(p)).collect();
                Item::StageItem(StageItem::Transition(TransitionDecl { kind, target, clauses, span }))
            }
            Rule::outcome_stmt => Item::ActivityItem(ActivityItem::Outcome(Statement {
                value: self.literal_or_invalid(next(), span),
                span,
            })),
            Rule::captures_stmt => Item::ActivityItem(ActivityItem::Captures(Statement {
                value: next().map(|p| self.names(p)).unwrap_or_default(),
                span,
            })),
            Rule::optional_stmt => Item::ActivityItem(ActivityItem::Optional(span)),
            _ => unreachable_item(),
        }
    }

    fn clause(&mut self, pair: Pair<Rule>) -> Option<Clause> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let arg = pair.into_inner().find(|p| !is_keyword(p.as_rule()))?;
        Some(match rule {
            Rule::owner_clause => Clause::Owner(Statement { value: self.name(arg), span }),
            Rule::within_clause => Clause::Within(Statement { value: self.literal(arg), span }),
            Rule::when_clause => Clause::When(Statement { value: self.expr(arg), span }),
            _ => return None,
        })
    }

    fn field_type(&mut self, pair: Pair<Rule>) -> TypeSyntax {
        let span = self.span(&pair);
        match pair.into_inner().next() {
            Some(p) if p.as_rule() == Rule::enum_type => TypeSyntax::Enum { members: self.names(p), span },
            Some(p) => TypeSyntax::Builtin(self.name(p)),
            None => TypeSyntax::Builtin(Name { text: String::new(), span }),
        }
    }

    fn expr(&mut self, pair: Pair<Rule>) -> ExprSyntax {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::expr | Rule::and_expr => {
                let is_or = pair.as_rule() == Rule::expr;
                let mut operands: Vec<ExprSyntax> = pair
                    .into_inner()
                    .filter(|p| !matches!(p.as_rule(), Rule::kw_or | Rule::kw_and))
                    .map(|p| self.expr(p))
                    .collect();
                if operands.len() == 1 {
                    operands.pop().unwrap_or(ExprSyntax::Bool(true, span))
                } else if is_or {
                    ExprSyntax::Or(operands, span)
                } else {
                    ExprSyntax::And(operands, span)
                }
            }
            Rule::unary => {
                let mut nots = 0;
                let mut operand = None;
                for p in pair.into_inner() {
                    if p.as_rule() == Rule::kw_not {
                        nots += 1;
                    } else {
                        operand = Some(self.expr(p));
                    }
                }
                let operand = operand.unwrap_or(ExprSyntax::Bool(true, span));
                if nots == 0 {
                    operand
                } else {
                    ExprSyntax::Not(nots, Box::new(operand), span)
                }
            }
            Rule::paren => {
                let inner = pair.into_inner().find(|p| p.as_rule() == Rule::expr);
                let inner = inner.map_or(ExprSyntax::Bool(true, span), |p| self.expr(p));
                ExprSyntax::Paren(Box::new(inner), span)
            }
            Rule::bool_lit => ExprSyntax::Bool(pair.as_str() == "true", span),
            Rule::comparison => {
                let mut parts = pair.into_inner();
                let field = parts.next().map(|p| self.name(p));
                let op = parts.next();
                let value = parts.next().map(|p| self.value(p));
                match (field, op, value) {
                    (Some(field), Some(op), Some(value)) => ExprSyntax::Compare {
                        field,
                        op: CmpOp::parse(op.as_str()).unwrap_or(CmpOp::Eq),
                        op_span: self.span(&op),
                        value,
                        span,
                    },
                    _ => ExprSyntax::Bool(true, span),
                }
            }
            Rule::membership => {
                let mut field = None;
                let mut negated = false;
                let mut values = Vec::new();
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::kw_not => negated = true,
                        Rule::kw_in => {}
                        Rule::ident if field.is_none() => field = Some(self.name(p)),
                        _ => values.push(self.value(p)),
                    }
                }
                match field {
                    Some(field) => ExprSyntax::In { field, negated, values, span },
                    None => ExprSyntax::Bool(true, span),
                }
            }
            Rule::set_test => {
                let mut field = None;
                let mut negated = false;
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::kw_not => negated = true,
                        Rule::ident => field = Some(self.name(p)),
                        _ => {}
                    }
                }
                match field {
                    Some(field) => ExprSyntax::IsSet { field, negated, span },
                    None => ExprSyntax::Bool(true, span),
                }
            }
            Rule::bare_field => match pair.into_inner().next() {
                Some(p) => ExprSyntax::Field(self.name(p)),
                None => ExprSyntax::Bool(true, span),
            },
            _ => ExprSyntax::Bool(true, span),
        }
    }

    fn value(&mut self, pair: Pair<Rule>) -> ValueSyntax {
        if pair.as_rule() == Rule::ident {
            ValueSyntax::Name(self.name(pair))
        } else {
            ValueSyntax::Literal(self.literal(pair))
        }
    }

    fn literal_or_invalid(&mut self, pair: Option<Pair<Rule>>, span: Span) -> Literal {
        match pair {
            Some(p) => self.literal(p),
            None => Literal { value: LiteralValue::Invalid, span, raw: String::new() },
        }
    }

    /// Reads a literal, reporting `invalid-literal` when it is malformed or out of range.
    fn literal(&mut self, pair: Pair<Rule>) -> Literal {
        let span = self.span(&pair);
        let raw = pair.as_str();
        let value = match crate::literal::read(pair.as_rule(), raw) {
            Ok(value) => value,
            Err(problem) => {
                let at = problem.span.map_or(span, |s| s.shift(span.start));
                let mut diagnostic = Diagnostic::error(rules::INVALID_LITERAL, at, problem.message);
                if let Some(help) = problem.help {
                    diagnostic = diagnostic.with_help(help);
                }
                self.diagnostics.push(diagnostic);
                LiteralValue::Invalid
            }
        };
        Literal { value, span, raw: raw.to_string() }
    }
}

/// A statement rule matched but its pairs are not the shape the grammar promises. The grammar
/// and this module change together, so this is a bug; an empty `optional` keeps it harmless.
fn unreachable_item() -> Item {
    debug_assert!(false, "grammar and syntax-tree builder disagree");
    Item::ActivityItem(ActivityItem::Optional(Span::default()))
}

fn is_keyword(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::kw_use
            | Rule::kw_process
            | Rule::kw_role
            | Rule::kw_field
            | Rule::kw_enum
            | Rule::kw_owner
            | Rule::kw_version
            | Rule::kw_description
            | Rule::kw_review
            | Rule::kw_every
            | Rule::kw_reviewed
            | Rule::kw_stage
            | Rule::kw_probability
            | Rule::kw_goal
            | Rule::kw_entry
            | Rule::kw_sla
            | Rule::kw_requires
            | Rule::kw_exit
            | Rule::kw_terminal
            | Rule::kw_activity
            | Rule::kw_to
            | Rule::kw_within
            | Rule::kw_when
            | Rule::kw_outcome
            | Rule::kw_captures
            | Rule::kw_optional
    )
}
