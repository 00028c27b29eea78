//! Syntax errors in the language's words: what may come at the point of failure, and a
//! "did you mean" for a misspelt keyword. Grammar rule names never reach the user.

use crate::diagnostic::{rules, Diagnostic, Span};
use crate::grammar::Rule;
use crate::suggest::closest;

/// The kind of block a statement stands in; it decides which statements may come.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BlockKind {
    Top,
    Process,
    Stage,
    Activity,
}

impl BlockKind {
    /// The statements that may begin a line in this block.
    fn keywords(self) -> &'static [&'static str] {
        match self {
            BlockKind::Top => &["use", "role", "field", "process"],
            BlockKind::Process => {
                &["owner", "version", "description", "review", "reviewed", "role", "field", "stage", "start"]
            }
            BlockKind::Stage => &[
                "owner",
                "probability",
                "goal",
                "entry",
                "sla",
                "requires",
                "exit",
                "terminal",
                "activity",
                "advance",
                "route",
            ],
            BlockKind::Activity => &["owner", "outcome", "captures", "optional"],
        }
    }

    /// "a stage statement", for messages.
    fn statement_noun(self) -> &'static str {
        match self {
            BlockKind::Top => "a `use`, `role`, `field` or `process` statement at the top of the file",
            BlockKind::Process => "a process statement",
            BlockKind::Stage => "a stage statement",
            BlockKind::Activity => "an activity statement",
        }
    }

    /// "stage", for messages.
    pub(crate) fn noun(self) -> &'static str {
        match self {
            BlockKind::Top => "top-level",
            BlockKind::Process => "process",
            BlockKind::Stage => "stage",
            BlockKind::Activity => "activity",
        }
    }

    /// The block a header that did not parse most likely opens, from its first word.
    pub(crate) fn guess(header: &str) -> BlockKind {
        let word = first_word(header);
        let known = ["process", "stage", "start", "activity"];
        match closest(word, known).unwrap_or(word) {
            "process" => BlockKind::Process,
            "activity" => BlockKind::Activity,
            _ => BlockKind::Stage,
        }
    }
}

fn first_word(text: &str) -> &str {
    let end = text.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(text.len());
    &text[..end]
}

/// Turns pest's error for the statement `source` (which starts at byte `offset` of the file)
/// into a `syntax-error` diagnostic.
pub(crate) fn statement_error(
    kind: BlockKind,
    source: &str,
    offset: usize,
    error: &pest::error::Error<Rule>,
) -> Diagnostic {
    let position = match error.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((start, _)) => start,
    }
    .min(source.len());
    let found = token_at(source, position);
    let found_span = Span::new(offset + position, offset + position + found.len());
    if position == 0 {
        return unknown_statement(kind, found, found_span);
    }
    let expected = match &error.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => describe(positives),
        pest::error::ErrorVariant::CustomError { .. } => String::new(),
    };
    let found_text = if found.is_empty() { "the end of the line".to_string() } else { format!("`{found}`") };
    let message = if expected.is_empty() {
        format!("unexpected {found_text}")
    } else {
        format!("expected {expected}, found {found_text}")
    };
    let mut diagnostic = Diagnostic::error(rules::SYNTAX_ERROR, found_span, message);
    if let Some(help) = help_for(source, position, found) {
        diagnostic = diagnostic.with_help(help);
    }
    diagnostic
}

fn unknown_statement(kind: BlockKind, found: &str, span: Span) -> Diagnostic {
    let keywords = kind.keywords();
    let list = keywords.iter().filter(|k| **k != "start").copied().collect::<Vec<_>>().join(", ");
    let found_text = if found.is_empty() { "nothing".to_string() } else { format!("`{found}`") };
    let mut diagnostic = Diagnostic::error(
        rules::SYNTAX_ERROR,
        span,
        format!("expected {}: {list}; found {found_text}", kind.statement_noun()),
    );
    let home = [BlockKind::Stage, BlockKind::Process, BlockKind::Activity, BlockKind::Top]
        .into_iter()
        .find(|other| *other != kind && other.keywords().contains(&found));
    if kind.keywords().contains(&found) {
        // The keyword is right; what follows it is not (the rule failed as a whole).
        diagnostic.message = format!("this `{found}` statement is incomplete or malformed");
        diagnostic = diagnostic.with_help(statement_shape(found));
    } else if let Some(suggestion) = closest(found, keywords.iter().copied()) {
        diagnostic = diagnostic.with_help(format!("did you mean `{suggestion}`?"));
    } else if let Some(home) = home {
        let hint = if matches!(home, BlockKind::Process | BlockKind::Top) && kind != BlockKind::Top {
            " (is a `}` missing before it?)"
        } else {
            ""
        };
        let article = if home == BlockKind::Activity { "an" } else { "a" };
        diagnostic = diagnostic.with_help(format!("`{found}` belongs in {article} {} block{hint}", home.noun()));
    }
    diagnostic
}

/// How a statement is written, for a statement whose keyword is right but whose rest is not.
fn statement_shape(keyword: &str) -> String {
    let shape = match keyword {
        "use" => "use \"roles.salesproc\"",
        "role" => "role id \"Title\"",
        "field" => "field id: type \"Title\"",
        "process" => "process \"Name\" {",
        "owner" => "owner role",
        "version" => "version \"2026.4\"",
        "description" => "description \"...\"",
        "review" => "review every 90d",
        "reviewed" => "reviewed 2026-10-01",
        "stage" | "start" => "start stage id \"Title\" {",
        "probability" => "probability 20%",
        "goal" => "goal \"...\"",
        "entry" => "entry \"trigger\" when criterion",
        "sla" => "sla 14d",
        "requires" => "requires field, field",
        "exit" => "exit \"label\" when criterion",
        "terminal" => "terminal won",
        "activity" => "activity id \"Title\" {",
        "advance" | "route" => "advance to stage owner role within 2d when criterion",
        "outcome" => "outcome \"...\"",
        "captures" => "captures field, field",
        _ => return format!("check the `{keyword}` statement"),
    };
    format!("write it as `{shape}`")
}

/// Extra help for common slips at `position`.
fn help_for(source: &str, position: usize, found: &str) -> Option<String> {
    let before = source[..position].trim_end();
    if found == "=" {
        return Some("compare with `==`".to_string());
    }
    if before.ends_with("probability") && !found.is_empty() && found.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return Some(format!("write the probability as a percentage: `{found}%`"));
    }
    let clause_words = ["owner", "within", "when"];
    if let Some(suggestion) = closest(found, clause_words) {
        if before.starts_with("advance") || before.starts_with("route") {
            return Some(format!("did you mean `{suggestion}`?"));
        }
    }
    None
}

/// The token that starts at `position`: a word, a number, a string, or one character.
fn token_at(source: &str, position: usize) -> &str {
    let rest = &source[position..];
    let Some(first) = rest.chars().next() else { return "" };
    let len = if first.is_ascii_alphanumeric() || first == '_' || first == '-' {
        rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '%' || c == '-'))
            .unwrap_or(rest.len())
            .max(first.len_utf8())
    } else if first == '"' {
        rest[1..].find('"').map_or(rest.len(), |i| i + 2)
    } else if matches!(first, '=' | '!' | '<' | '>') {
        rest.find(|c: char| !matches!(c, '=' | '!' | '<' | '>')).unwrap_or(rest.len())
    } else {
        first.len_utf8()
    };
    // Never cut a line: a token ends at the line's end.
    let token = &rest[..len];
    token.split(['\n', '\r']).next().unwrap_or(token)
}

/// What the grammar rules in `positives` stand for, in the language's words.
fn describe(positives: &[Rule]) -> String {
    let mut words: Vec<&str> = Vec::new();
    for rule in positives {
        let word = match rule {
            Rule::ident | Rule::ident_list | Rule::bare_field => "a name",
            Rule::string => "a string in double quotes",
            Rule::number => "a number",
            Rule::percent => "a percentage such as `20%`",
            Rule::duration => "a duration such as `2d`",
            Rule::date => "a date such as `2026-10-01`",
            Rule::bool_lit => "`true` or `false`",
            Rule::cmp_op => "a comparison (`==`, `!=`, `<`, `<=`, `>`, `>=`)",
            Rule::field_type | Rule::builtin_type | Rule::enum_type => {
                "a type (bool, int, number, money, percent, duration, date, text or enum { ... })"
            }
            Rule::terminal_kind => "`won` or `lost`",
            Rule::transition_kind => "`advance` or `route`",
            Rule::paren_close => "`)`",
            Rule::paren_open | Rule::paren => "`(`",
            Rule::block_close => "`}`",
            Rule::EOI => "the end of the statement",
            Rule::expr | Rule::and_expr | Rule::unary | Rule::comparison | Rule::membership | Rule::set_test => {
                "a criterion"
            }
            Rule::kw_owner | Rule::owner_clause => "`owner`",
            Rule::kw_within | Rule::within_clause => "`within`",
            Rule::kw_when | Rule::when_clause => "`when`",
            Rule::kw_every => "`every`",
            Rule::kw_to => "`to`",
            Rule::kw_stage => "`stage`",
            Rule::kw_or => "`or`",
            Rule::kw_and => "`and`",
            Rule::kw_not => "`not`",
            Rule::kw_in => "`in`",
            Rule::kw_is => "`is`",
            Rule::kw_set => "`set`",
            Rule::kw_enum => "`enum`",
            _ => continue,
        };
        if !words.contains(&word) {
            words.push(word);
        }
    }
    let value_words =
        ["a number", "a percentage such as `20%`", "a duration such as `2d`", "a date such as `2026-10-01`"];
    if value_words.iter().filter(|w| words.contains(w)).count() >= 3 {
        words.retain(|w| {
            !value_words.contains(w) && *w != "a string in double quotes" && *w != "`true` or `false`" && *w != "a name"
        });
        words.insert(0, "a value (a number, percentage, duration, date, string, `true`, `false` or enum member)");
    }
    match words.as_slice() {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}
