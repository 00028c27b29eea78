//! Parser tests: every construct of the language, read into the typed model.

use salesproc_parser::model::{Expr, FieldType, Model, TerminalKind, ValueKind};
use salesproc_parser::syntax::{CmpOp, Date, TransitionKind};
use salesproc_parser::{analyze, parse, Diagnostic};

/// Analyzes `text` and insists on no diagnostic.
fn model(text: &str) -> Model {
    let analysis = analyze(text);
    assert!(analysis.diagnostics.is_empty(), "unexpected diagnostics: {:#?}", analysis.diagnostics);
    analysis.model.expect("a model when there is no diagnostic")
}

fn diagnostics(text: &str) -> Vec<Diagnostic> {
    analyze(text).diagnostics
}

fn rules(text: &str) -> Vec<&'static str> {
    diagnostics(text).iter().map(|d| d.rule).collect()
}

/// A process with two roles, a handful of fields, and `body` inside a start stage that advances
/// to a won stage.
fn in_stage(body: &str) -> String {
    format!(
        "process \"P\" {{\n  role ae \"AE\"\n  role se\n  field budget: money\n  field seats: int\n  field score: number\n  \
         field ok: bool\n  field seg: enum {{ smb, mid, ent }}\n  field note: text\n  field wait: duration\n  field due: date\n  \
         field cut: percent\n  start stage s \"S\" {{\n{body}\n  }}\n  stage won \"Won\" {{ terminal won }}\n}}\n"
    )
}

fn first_exit(model: &Model) -> &Expr {
    &model.process.as_ref().expect("process").stages[0].exits[0].when
}

#[test]
fn process_header_statements() {
    let m = model(
        "# comment\nprocess \"Pipeline\" {\n  owner ops\n  version \"2026.4\"\n  description \"New business\"\n  \
         review every 90d\n  reviewed 2026-10-01\n  role ops \"Revenue Operations\"\n}\n",
    );
    let p = m.process.as_ref().unwrap();
    assert_eq!(p.name, "Pipeline");
    assert_eq!(m.roles[0].name, "ops");
    assert_eq!(m.roles[0].title.as_deref(), Some("Revenue Operations"));
    assert_eq!(p.owner.map(|o| o.role.0), Some(0));
    assert_eq!(p.version.as_deref(), Some("2026.4"));
    assert_eq!(p.description.as_deref(), Some("New business"));
    assert_eq!(p.review_every.map(|r| r.value), Some(90 * 24 * 60));
    assert_eq!(p.reviewed.map(|r| r.value), Date::new(2026, 10, 1));
    assert!(p.stages.is_empty());
}

#[test]
fn every_field_type() {
    let m = model(&in_stage("    owner ae\n    advance to won"));
    let types: Vec<&str> = m.fields.iter().map(|f| f.ty.keyword()).collect();
    assert_eq!(types, ["money", "int", "number", "bool", "enum", "text", "duration", "date", "percent"]);
    assert_eq!(m.fields[4].ty, FieldType::Enum(vec!["smb".into(), "mid".into(), "ent".into()]));
}

#[test]
fn stage_statements() {
    let m = model(&in_stage(
        "    owner ae\n    probability 12.5%\n    goal \"Qualify\"\n    entry \"Form fill\" when budget is set\n    sla 4h\n    \
         requires budget, seats\n    requires ok\n    exit \"Budget\" when budget >= 10_000\n    exit when ok\n    \
         activity call \"Call\" {\n      owner se\n      outcome \"Done\"\n      captures note, wait\n      optional\n    }\n    \
         advance to won",
    ));
    let stage = &m.process.as_ref().unwrap().stages[0];
    assert!(stage.marked_start);
    assert_eq!(stage.title.as_deref(), Some("S"));
    assert_eq!(stage.probability.map(|p| p.value), Some(12.5));
    assert_eq!(stage.goal.as_deref(), Some("Qualify"));
    let entry = stage.entry.as_ref().unwrap();
    assert_eq!(entry.trigger.as_deref(), Some("Form fill"));
    assert!(matches!(entry.when, Some(Expr::IsSet { negated: false, .. })));
    assert_eq!(stage.sla.map(|s| s.value), Some(240));
    assert_eq!(stage.requires.len(), 3, "requires statements add up");
    assert_eq!(stage.exits.len(), 2);
    assert_eq!(stage.exits[0].label.as_deref(), Some("Budget"));
    let activity = &stage.activities[0];
    assert_eq!((activity.name.as_str(), activity.optional), ("call", true));
    assert_eq!(activity.owner.map(|o| m.role(o.role).name.as_str()), Some("se"));
    assert_eq!(activity.outcome.as_ref().map(|o| o.value.as_str()), Some("Done"));
    assert_eq!(activity.captures.len(), 2);
    assert_eq!(stage.captured_fields().count(), 5);
}

#[test]
fn transition_clauses_in_any_order() {
    let a = model(&in_stage("    owner ae\n    exit when ok\n    advance to won owner se within 2d when budget > 1"));
    let b = model(&in_stage("    owner ae\n    exit when ok\n    advance to won when budget > 1 within 2d owner se"));
    let c = model(&in_stage("    owner ae\n    exit when ok\n    advance to won within 2d when budget > 1 owner se"));
    assert_eq!(a, b);
    assert_eq!(a, c);
    let p = a.process.as_ref().unwrap();
    let (_, t) = p.transitions().next().unwrap();
    assert_eq!(t.kind, TransitionKind::Advance);
    assert_eq!(p.stage(t.to).name, "won");
    assert_eq!(t.within.map(|w| w.value), Some(2 * 24 * 60));
    assert_eq!(t.owner.map(|o| a.role(o.role).name.as_str()), Some("se"));
    assert!(t.when.is_some());
    // The graph holds the transition on its edge.
    assert_eq!(p.graph.0.edge_count(), 1);
    assert_eq!(p.graph.0.node_count(), 2);
}

#[test]
fn route_and_terminals() {
    let m = model(
        "process \"P\" {\n  role ae\n  stage a {\n    owner ae\n    route to lost\n    advance to won\n  }\n  \
         stage won { terminal won }\n  stage lost { terminal lost }\n}\n",
    );
    let p = m.process.as_ref().unwrap();
    let kinds: Vec<TransitionKind> = p.transitions().map(|(_, t)| t.kind).collect();
    assert_eq!(kinds, [TransitionKind::Route, TransitionKind::Advance]);
    assert_eq!(p.stages[1].terminal, Some(TerminalKind::Won));
    assert_eq!(p.stages[2].terminal, Some(TerminalKind::Lost));
    assert_eq!(p.stages[1].effective_probability(), Some(100.0));
    assert_eq!(p.stages[2].effective_probability(), Some(0.0));
    // No stage is marked `start`: the first one written is the start.
    assert_eq!(p.starts.iter().map(|s| s.0).collect::<Vec<_>>(), [0]);
    // The terminal fallback: whoever holds the deal closes it.
    let (_, to_won) = p.transitions().nth(1).unwrap();
    assert_eq!(p.transition_owner(to_won).map(|r| m.role(r).name.as_str()), Some("ae"));
    assert!(!p.is_handoff(to_won));
}

#[test]
fn several_start_stages() {
    let m = model(
        "process \"P\" {\n  stage a { terminal lost }\n  start stage b { terminal won }\n  start stage c { terminal won }\n}\n",
    );
    let starts: Vec<u32> = m.process.unwrap().starts.iter().map(|s| s.0).collect();
    assert_eq!(starts, [1, 2]);
}

#[test]
fn one_line_blocks_and_semicolons() {
    let m = model("process \"P\" { role ae; stage won \"Won\" { owner ae; terminal won; probability 100% } }");
    let p = m.process.as_ref().unwrap();
    assert_eq!(p.stages[0].owner.map(|o| o.role.0), Some(0));
    assert_eq!(p.stages[0].terminal, Some(TerminalKind::Won));
    assert_eq!(p.stages[0].effective_probability(), Some(100.0));
}

#[test]
fn literals() {
    let m = model(&in_stage(
        "    owner ae\n    exit when budget >= 10_000 and score > -3.5 and cut <= 12.5% and wait <= 1w\n    \
         exit when due >= 2024-02-29 and note == \"a \\\"b\\\" \\\\ \\n \\t\"\n    advance to won",
    ));
    let values: Vec<ValueKind> = m.process.as_ref().unwrap().stages[0]
        .exits
        .iter()
        .flat_map(|e| match &e.when {
            Expr::And { operands, .. } => operands.clone(),
            other => vec![other.clone()],
        })
        .filter_map(|e| match e {
            Expr::Compare { value, .. } => Some(value.kind),
            _ => None,
        })
        .collect();
    assert_eq!(
        values,
        [
            ValueKind::Number(10_000.0),
            ValueKind::Number(-3.5),
            ValueKind::Percent(12.5),
            ValueKind::Duration(7 * 24 * 60),
            ValueKind::Date(Date::new(2024, 2, 29).unwrap()),
            ValueKind::Text("a \"b\" \\ \n \t".into()),
        ]
    );
}

#[test]
fn criteria_operators() {
    let m = model(&in_stage("    owner ae\n    exit when not seg in { smb } or seg not in { mid, ent } and note is not set\n    advance to won"));
    // `or` binds loosest: or(not(in), and(not in, is not set)).
    let Expr::Or { operands, .. } = first_exit(&m) else { panic!("expected or: {:?}", first_exit(&m)) };
    assert!(matches!(&operands[0], Expr::Not { operand, .. } if matches!(**operand, Expr::In { negated: false, .. })));
    let Expr::And { operands: inner, .. } = &operands[1] else { panic!("expected and") };
    assert!(matches!(&inner[0], Expr::In { negated: true, members, .. } if members == &[1, 2]));
    assert!(matches!(&inner[1], Expr::IsSet { negated: true, .. }));
}

#[test]
fn comparisons_and_bare_bool() {
    for (op, cmp) in
        [("==", CmpOp::Eq), ("!=", CmpOp::Ne), ("<", CmpOp::Lt), ("<=", CmpOp::Le), (">", CmpOp::Gt), (">=", CmpOp::Ge)]
    {
        let m = model(&in_stage(&format!("    owner ae\n    exit when seats {op} 3\n    advance to won")));
        assert!(matches!(first_exit(&m), Expr::Compare { cmp: c, .. } if *c == cmp), "{op}");
    }
    let m = model(&in_stage("    owner ae\n    exit when ok\n    advance to won"));
    assert!(
        matches!(first_exit(&m), Expr::Compare { cmp: CmpOp::Eq, value, .. } if value.kind == ValueKind::Bool(true))
    );
    let m = model(&in_stage("    owner ae\n    exit when true and not false\n    advance to won"));
    assert!(matches!(first_exit(&m), Expr::And { .. }));
}

#[test]
fn parentheses_across_lines_with_comments() {
    let m = model(&in_stage(
        "    owner ae\n    exit when (budget >= 1 # why\n      or (seats > 2\n        and ok)\n    )\n    advance to won",
    ));
    assert!(matches!(first_exit(&m), Expr::Or { operands, .. } if operands.len() == 2));
}

#[test]
fn newline_outside_parentheses_ends_the_statement() {
    let text = in_stage("    owner ae\n    exit when budget >= 1\n      or ok\n    advance to won");
    assert_eq!(rules(&text), ["syntax-error"]);
}

#[test]
fn not_chains_fold() {
    let m = model(&in_stage("    owner ae\n    exit when not not not ok\n    advance to won"));
    assert!(matches!(first_exit(&m), Expr::Not { operand, .. } if matches!(**operand, Expr::Compare { .. })));
    let m = model(&in_stage("    owner ae\n    exit when not not ok\n    advance to won"));
    assert!(matches!(first_exit(&m), Expr::Compare { .. }));
}

#[test]
fn keywords_are_only_keywords_where_a_statement_begins() {
    let m = model(
        "process \"P\" {\n  role owner\n  field stage: bool\n  start stage exit {\n    owner owner\n    exit when stage\n    \
         advance to to\n  }\n  stage to { terminal won }\n}\n",
    );
    assert_eq!(m.process.unwrap().stages[0].name, "exit");
}

#[test]
fn reserved_words_are_not_identifiers() {
    assert_eq!(rules("process \"P\" {\n  field set: bool\n}\n"), ["syntax-error"]);
    assert_eq!(rules("process \"P\" {\n  role and\n}\n"), ["syntax-error"]);
}

#[test]
fn use_lines_and_importable_files() {
    let parsed = parse("use \"roles.salesproc\"\nuse \"fields.salesproc\"\nprocess \"P\" {\n}\n");
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    let uses: Vec<&str> = parsed.tree.uses.iter().map(|u| u.raw.as_str()).collect();
    assert_eq!(uses, ["\"roles.salesproc\"", "\"fields.salesproc\""]);
    let m = model("# Shared roles\nrole ae \"Account Executive\"\nfield budget: money\n");
    assert!(m.process.is_none());
    assert_eq!((m.roles.len(), m.fields.len()), (1, 1));
}

#[test]
fn byte_order_mark_and_crlf() {
    let m = model(
        "\u{FEFF}process \"P\" {\r\n  role ae\r\n  stage won {\r\n    owner ae\r\n    terminal won\r\n  }\r\n}\r\n",
    );
    assert_eq!(m.process.unwrap().stages.len(), 1);
}

#[test]
fn comments_are_kept_in_the_tree() {
    let parsed = parse("# one\nprocess \"P\" { # two\n  role ae # three\n}\n# four");
    assert_eq!(parsed.tree.comments.len(), 4);
}

#[test]
fn models_equal_regardless_of_layout() {
    let a = model("process \"P\" {\n  role ae\n  stage won { terminal won }\n}\n");
    let b =
        model("# a comment\n\n\nprocess   \"P\"   {\n    role   ae\n\n    stage won {\n      terminal won\n    }\n}");
    assert_eq!(a, b);
}

#[test]
fn recovery_reports_one_error_per_bad_statement() {
    let text =
        in_stage("    owner ae\n    probabilty 10%\n    exit when budget >== 3\n    sla 2 days\n    advance to won");
    let found = diagnostics(&text);
    assert_eq!(found.iter().filter(|d| d.rule == "syntax-error").count(), 3, "{found:#?}");
}
