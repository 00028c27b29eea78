//! `salesproc fmt`: the formatter is idempotent and preserves meaning (the typed model and the
//! diagnostics, suppressions included) on every file in the repository and on generated files
//! with random layout, whitespace and comments; and the command writes only what changed,
//! atomically, and refuses files with syntax errors.

use salesproc_tests::salesproc;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use salesproc_cli::check::check_text;
use salesproc_parser::format::format;
use salesproc_parser::{analyze, parse, resolve};
use salesproc_tests::{options, repository, salesproc_with_input, TempDir};

/// Every `*.salesproc` file under `dir`, recursively, sorted.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())).flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "salesproc") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The diagnostics of `text` as (rule, severity, message), sorted: what must not change.
fn findings(text: &str) -> Vec<(String, String, String)> {
    let mut found: Vec<_> = check_text(text, &options())
        .into_iter()
        .map(|d| (d.rule.to_string(), d.severity.to_string(), d.message))
        .collect();
    found.sort();
    found
}

/// Checks the formatter's promises on `text`; `Err` says which one broke.
fn invariants(text: &str) -> Result<(), String> {
    let parsed = parse(text);
    let once = match format(text) {
        Ok(once) => once,
        Err(errors) if !parsed.diagnostics.is_empty() => {
            // A file that does not parse is refused with exactly its parse errors.
            return if errors == parsed.diagnostics { Ok(()) } else { Err(format!("refused with {errors:?}")) };
        }
        Err(errors) => return Err(format!("a file that parses was refused: {errors:?}")),
    };
    if !parsed.diagnostics.is_empty() {
        return Err("a file with syntax errors was formatted".into());
    }
    let twice = format(&once).map_err(|e| format!("the output does not format: {e:?}\n{once}"))?;
    if twice != once {
        return Err(format!("not idempotent:\n--- once\n{once}\n--- twice\n{twice}"));
    }
    if analyze(text).model != analyze(&once).model || resolve(&parsed.tree).model != resolve(&parse(&once).tree).model {
        return Err(format!("the model changed:\n{once}"));
    }
    let (before, after) = (findings(text), findings(&once));
    if before != after {
        return Err(format!("the diagnostics changed:\nbefore {before:#?}\nafter {after:#?}\n{once}"));
    }
    Ok(())
}

#[test]
fn every_file_in_the_repository() {
    let root = repository();
    let mut files = walk(&root.join("examples"));
    files.extend(walk(&root.join("tests/fixtures")));
    files.extend(walk(&root.join("tests/corpus")));
    assert!(files.len() > 50, "found only {} files", files.len());
    let mut failures = Vec::new();
    let mut formatted = 0;
    for file in &files {
        let bytes = std::fs::read(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let Ok(text) = std::str::from_utf8(&bytes) else { continue };
        if let Err(problem) = invariants(text) {
            failures.push(format!("{}: {problem}", file.display()));
        }
        formatted += usize::from(format(text).is_ok());
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(formatted > 40, "only {formatted} files could be formatted");
}

#[test]
fn the_clean_examples_are_in_canonical_form() {
    for file in salesproc_tests::salesproc_files(&repository().join("examples")) {
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let formatted = format(&text).unwrap_or_else(|e| panic!("{}: {e:?}", file.display()));
        assert_eq!(formatted, text, "{} is not formatted: run `salesproc fmt examples/`", file.display());
    }
}

#[test]
fn the_examples_in_the_authoring_guide_are_formatted() {
    let guide = std::fs::read_to_string(repository().join("docs/authoring.md")).expect("docs/authoring.md");
    let mut checked = 0;
    for block in guide.split("```salesproc\n").skip(1) {
        let code = block.split("```").next().unwrap_or_default();
        if !code.contains("process \"") {
            continue; // a fragment
        }
        assert_eq!(format(code).as_deref(), Ok(code), "docs/authoring.md shows a file that fmt would change");
        assert!(findings(code).iter().all(|(_, severity, _)| severity != "error"), "{:?}", findings(code));
        checked += 1;
    }
    assert!(checked >= 1);
}

// -------------------------------------------------------------------------------------------
// Generated processes: random structure, random layout.
// -------------------------------------------------------------------------------------------

const FIELDS: &[&str] = &[
    "field b1: bool \"Flag\"",
    "field b2: bool",
    "field n: money \"Budget, in \\\"dollars\\\" # not a comment\"",
    "field seg: enum { smb, mid, ent }",
    "field d: duration",
    "field t: text",
    "field p: percent",
    "field dt: date",
];

/// Criteria atoms, as tokens; they type-check against `FIELDS`.
const ATOMS: &[&[&str]] = &[
    &["b1"],
    &["b2", "==", "false"],
    &["n", ">=", "10_000"],
    &["n", "<", "-3.5"],
    &["seg", "in", "{", "smb", ",", "mid", "}"],
    &["seg", "not", "in", "{", "ent", "}"],
    &["seg", "==", "ent"],
    &["d", "<=", "2w"],
    &["t", "!=", "\"a # b; c\""],
    &["p", ">", "12.5%"],
    &["dt", ">=", "2026-01-01"],
    &["b1", "is", "set"],
    &["t", "is", "not", "set"],
    &["true"],
];

const COMMENTS: &[&str] = &[
    "# note",
    "#x",
    "#",
    "# a \"quoted\" { comment } ( ;",
    "# salesproc: allow(unused-role)",
    "# salesproc: allow(missing-handoff-sla) reason",
    "# salesproc: allow(uncaptured-field, ambiguous-routing)",
    "# salesproc: allow(missing-exit-criteria)",
    "# salesproc: allow(unreachable-stage)",
];

#[derive(Clone, Debug)]
enum Criterion {
    Atom(usize),
    Not(Box<Criterion>),
    And(Vec<Criterion>),
    Or(Vec<Criterion>),
    Paren(Box<Criterion>),
}

#[derive(Clone, Debug)]
struct Transition {
    route: bool,
    target: usize,
    owner: Option<usize>,
    within: Option<usize>,
    when: Option<Criterion>,
    /// Which of the six clause orders.
    order: usize,
}

#[derive(Clone, Debug)]
struct Activity {
    owner: Option<usize>,
    outcome: bool,
    captures: Vec<usize>,
    optional: bool,
}

#[derive(Clone, Debug)]
struct Stage {
    start: bool,
    owner: Option<usize>,
    probability: Option<usize>,
    requires: Vec<usize>,
    entry: Option<Criterion>,
    activities: Vec<Activity>,
    exits: Vec<Criterion>,
    transitions: Vec<Transition>,
}

#[derive(Clone, Debug)]
struct Process {
    roles: usize,
    owner: bool,
    stages: Vec<Stage>,
}

const PROBABILITIES: &[&str] = &["5%", "10%", "12.5%", "50%", "0.5%"];
const DURATIONS: &[&str] = &["4h", "2d", "1w", "90m", "14d"];
/// Indexes of the field declarations above, for `requires` and `captures`.
const FIELD_NAMES: &[&str] = &["b1", "b2", "n", "seg", "d", "t", "p", "dt"];

fn criterion() -> impl Strategy<Value = Criterion> {
    (0..ATOMS.len()).prop_map(Criterion::Atom).prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|c| Criterion::Not(Box::new(c))),
            prop::collection::vec(inner.clone(), 2..4).prop_map(Criterion::And),
            prop::collection::vec(inner.clone(), 2..4).prop_map(Criterion::Or),
            inner.prop_map(|c| Criterion::Paren(Box::new(c))),
        ]
    })
}

fn process() -> impl Strategy<Value = Process> {
    let transition = (
        any::<bool>(),
        0..6usize,
        prop::option::of(0..3usize),
        prop::option::of(0..DURATIONS.len()),
        prop::option::of(criterion()),
        0..6usize,
    )
        .prop_map(|(route, target, owner, within, when, order)| Transition {
            route,
            target,
            owner,
            within,
            when,
            order,
        });
    let activity =
        (prop::option::of(0..3usize), any::<bool>(), prop::collection::vec(0..FIELD_NAMES.len(), 0..3), any::<bool>())
            .prop_map(|(owner, outcome, captures, optional)| Activity { owner, outcome, captures, optional });
    let stage = (
        any::<bool>(),
        prop::option::of(0..3usize),
        prop::option::of(0..PROBABILITIES.len()),
        prop::collection::vec(0..FIELD_NAMES.len(), 0..3),
        prop::option::of(criterion()),
        prop::collection::vec(activity, 0..3),
        prop::collection::vec(criterion(), 0..3),
        prop::collection::vec(transition, 0..4),
    )
        .prop_map(|(start, owner, probability, requires, entry, activities, exits, transitions)| Stage {
            start,
            owner,
            probability,
            requires,
            entry,
            activities,
            exits,
            transitions,
        });
    (1..4usize, any::<bool>(), prop::collection::vec(stage, 1..5)).prop_map(|(roles, owner, stages)| Process {
        roles,
        owner,
        stages,
    })
}

/// A small deterministic generator for layout choices (xorshift64*).
struct Dice(u64);

impl Dice {
    fn roll(&mut self, sides: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % sides.max(1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.roll(100) < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.roll(items.len() as u64) as usize]
    }
}

/// One statement: its tokens. A statement is a header when it opens a block.
#[derive(Clone, Debug)]
enum Item {
    Statement(Vec<String>),
    Block(Vec<String>, Vec<Item>),
}

fn words(text: &str) -> Vec<String> {
    text.split(' ').map(str::to_string).collect()
}

fn criterion_tokens(criterion: &Criterion, out: &mut Vec<String>) {
    let wrapped = |c: &Criterion, out: &mut Vec<String>| {
        if matches!(c, Criterion::And(_) | Criterion::Or(_)) {
            out.push("(".into());
            criterion_tokens(c, out);
            out.push(")".into());
        } else {
            criterion_tokens(c, out);
        }
    };
    match criterion {
        Criterion::Atom(i) => out.extend(ATOMS[*i].iter().map(|t| t.to_string())),
        Criterion::Not(inner) => {
            out.push("not".into());
            wrapped(inner, out);
        }
        Criterion::And(operands) | Criterion::Or(operands) => {
            let word = if matches!(criterion, Criterion::And(_)) { "and" } else { "or" };
            for (i, operand) in operands.iter().enumerate() {
                if i > 0 {
                    out.push(word.into());
                }
                wrapped(operand, out);
            }
        }
        Criterion::Paren(inner) => {
            out.push("(".into());
            criterion_tokens(inner, out);
            out.push(")".into());
        }
    }
}

fn items(process: &Process) -> Item {
    let stage_names = ["s0", "s1", "s2", "s3", "won", "lost"];
    let mut body = Vec::new();
    if process.owner {
        body.push(Item::Statement(words("owner r0")));
    }
    body.push(Item::Statement(vec!["version".into(), "\"2026.1; # not a comment\"".into()]));
    body.push(Item::Statement(words("review every 90d")));
    body.push(Item::Statement(words("reviewed 2026-10-01")));
    for r in 0..process.roles {
        body.push(Item::Statement(vec!["role".into(), format!("r{r}"), format!("\"Role {r}\"")]));
    }
    for field in FIELDS {
        body.push(Item::Statement(field_tokens(field)));
    }
    for (i, stage) in process.stages.iter().enumerate() {
        let mut header = Vec::new();
        if stage.start {
            header.push("start".to_string());
        }
        header.extend(["stage".to_string(), format!("s{i}"), format!("\"Stage {{{i}}}\""), "{".to_string()]);
        let mut inner = Vec::new();
        if let Some(owner) = stage.owner {
            inner.push(Item::Statement(vec!["owner".into(), format!("r{}", owner % process.roles)]));
        }
        if let Some(p) = stage.probability {
            inner.push(Item::Statement(vec!["probability".into(), PROBABILITIES[p].into()]));
        }
        if let Some(entry) = &stage.entry {
            let mut tokens = words("entry \"Comes in\" when");
            criterion_tokens(entry, &mut tokens);
            inner.push(Item::Statement(tokens));
        }
        if !stage.requires.is_empty() {
            inner.push(Item::Statement(list("requires", &stage.requires)));
        }
        for (a, activity) in stage.activities.iter().enumerate() {
            let mut statements = Vec::new();
            if let Some(owner) = activity.owner {
                statements.push(Item::Statement(vec!["owner".into(), format!("r{}", owner % process.roles)]));
            }
            if activity.outcome {
                statements.push(Item::Statement(vec!["outcome".into(), "\"Done { really }; # yes\"".into()]));
            }
            if !activity.captures.is_empty() {
                statements.push(Item::Statement(list("captures", &activity.captures)));
            }
            if activity.optional {
                statements.push(Item::Statement(words("optional")));
            }
            inner.push(Item::Block(vec!["activity".into(), format!("a{a}"), "{".into()], statements));
        }
        for exit in &stage.exits {
            let mut tokens = words("exit \"Evidence\" when");
            criterion_tokens(exit, &mut tokens);
            inner.push(Item::Statement(tokens));
        }
        for t in &stage.transitions {
            let mut tokens = vec![if t.route { "route" } else { "advance" }.to_string(), "to".into()];
            tokens.push(stage_names[t.target].to_string());
            let mut clauses: Vec<Vec<String>> = Vec::new();
            if let Some(owner) = t.owner {
                clauses.push(vec!["owner".into(), format!("r{}", owner % process.roles)]);
            }
            if let Some(within) = t.within {
                clauses.push(vec!["within".into(), DURATIONS[within].into()]);
            }
            if let Some(when) = &t.when {
                let mut clause = vec!["when".to_string()];
                criterion_tokens(when, &mut clause);
                clauses.push(clause);
            }
            let n = clauses.len().max(1);
            clauses.rotate_left(t.order % n);
            if t.order >= 3 {
                clauses.reverse();
            }
            tokens.extend(clauses.into_iter().flatten());
            inner.push(Item::Statement(tokens));
        }
        body.push(Item::Block(header, inner));
    }
    body.push(Item::Block(words("stage won \"Won\" {"), vec![Item::Statement(words("terminal won"))]));
    body.push(Item::Block(words("stage lost {"), vec![Item::Statement(words("terminal lost"))]));
    Item::Block(words("process \"Generated\" {"), body)
}

fn field_tokens(field: &str) -> Vec<String> {
    // Split outside strings only.
    let (head, title) = match field.find('"') {
        Some(at) => (&field[..at], Some(&field[at..])),
        None => (field, None),
    };
    let mut tokens: Vec<String> = head
        .replace(':', " : ")
        .replace('{', " { ")
        .replace('}', " } ")
        .replace(',', " , ")
        .split_whitespace()
        .map(str::to_string)
        .collect();
    tokens.extend(title.map(str::to_string));
    tokens
}

fn list(keyword: &str, fields: &[usize]) -> Vec<String> {
    let mut tokens = vec![keyword.to_string()];
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            tokens.push(",".into());
        }
        tokens.push(FIELD_NAMES[*f].into());
    }
    tokens
}

/// Writes generated items with random layout.
struct Writer {
    dice: Dice,
    out: String,
    newline: &'static str,
}

fn wordish(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '"' | '%' | '.' | '-')
}

impl Writer {
    fn indent(&mut self) {
        let indent = self.dice.pick(&["", " ", "  ", "    ", "\t", "      ", " \t"]);
        self.out.push_str(indent);
    }

    fn line_end(&mut self) {
        if self.dice.chance(10) {
            let trailing = self.dice.pick(&[" ", "\t", "  "]);
            self.out.push_str(trailing);
        }
        self.out.push_str(self.newline);
    }

    fn blank_lines(&mut self) {
        for _ in 0..self.dice.roll(3).saturating_sub(1) {
            if self.dice.chance(30) {
                self.out.push_str("  ");
            }
            self.out.push_str(self.newline);
        }
    }

    fn comment(&mut self) -> &'static str {
        self.dice.pick(COMMENTS)
    }

    fn own_line_comments(&mut self) {
        while self.dice.chance(15) {
            self.blank_lines();
            self.indent();
            let comment = self.comment();
            self.out.push_str(comment);
            self.line_end();
        }
    }

    /// The tokens of one statement; line breaks (with comments) only inside parentheses and
    /// only when `breaks` allows.
    fn statement(&mut self, tokens: &[String], breaks: bool) {
        let mut depth = 0usize;
        for (i, token) in tokens.iter().enumerate() {
            if i > 0 {
                let previous = &tokens[i - 1];
                let needs_space =
                    previous.chars().last().is_some_and(wordish) && token.chars().next().is_some_and(wordish);
                if breaks && depth > 0 && self.dice.chance(20) {
                    if self.dice.chance(40) {
                        self.out.push(' ');
                        let comment = self.comment();
                        self.out.push_str(comment);
                    }
                    self.out.push_str(self.newline);
                    if self.dice.chance(10) {
                        self.indent();
                        let comment = self.comment();
                        self.out.push_str(comment);
                        self.out.push_str(self.newline);
                    }
                    self.indent();
                } else {
                    let separator = if needs_space {
                        self.dice.pick(&[" ", " ", " ", "  ", "\t"])
                    } else {
                        self.dice.pick(&["", "", " ", "  "])
                    };
                    self.out.push_str(separator);
                }
            }
            match token.as_str() {
                "(" => depth += 1,
                ")" => depth = depth.saturating_sub(1),
                _ => {}
            }
            self.out.push_str(token);
        }
    }

    fn trailing_comment(&mut self) {
        if self.dice.chance(20) {
            let space = self.dice.pick(&[" ", "   ", "\t"]);
            self.out.push_str(space);
            let comment = self.comment();
            self.out.push_str(comment);
        }
        self.line_end();
    }

    /// A block's statements, one per line or some joined with `;`, with comments around.
    fn body(&mut self, items: &[Item]) {
        let mut i = 0;
        while i < items.len() {
            self.own_line_comments();
            self.blank_lines();
            self.indent();
            match &items[i] {
                Item::Block(header, inner) => self.block(header, inner),
                Item::Statement(tokens) => {
                    self.statement(tokens, true);
                    // Join the next simple statements onto this line now and then.
                    while matches!(items.get(i + 1), Some(Item::Statement(_))) && self.dice.chance(15) {
                        i += 1;
                        let separator = self.dice.pick(&[";", "; ", " ; ", ";\t"]);
                        self.out.push_str(separator);
                        if let Item::Statement(tokens) = &items[i] {
                            self.statement(tokens, false);
                        }
                    }
                    self.trailing_comment();
                }
            }
            i += 1;
        }
        self.own_line_comments();
        self.blank_lines();
    }

    fn block(&mut self, header: &[String], inner: &[Item]) {
        self.statement(&header[..header.len() - 1], false);
        let simple = inner.iter().all(|i| matches!(i, Item::Statement(_)));
        if simple && self.dice.chance(30) {
            let open = self.dice.pick(&[" {", "{", " { ", "  {  "]);
            self.out.push_str(open);
            for (k, item) in inner.iter().enumerate() {
                if k > 0 {
                    let separator = self.dice.pick(&[";", "; ", " ; "]);
                    self.out.push_str(separator);
                }
                if let Item::Statement(tokens) = item {
                    self.statement(tokens, false);
                }
            }
            let close = self.dice.pick(&[" }", "}", "  }"]);
            self.out.push_str(close);
            self.trailing_comment();
            return;
        }
        let open = self.dice.pick(&[" {", "{", "   {"]);
        self.out.push_str(open);
        self.trailing_comment();
        self.body(inner);
        self.indent();
        self.out.push('}');
        self.trailing_comment();
    }
}

fn write(process: &Process, seed: u64) -> String {
    let mut writer =
        Writer { dice: Dice(seed | 1), out: String::new(), newline: if seed & 7 == 0 { "\r\n" } else { "\n" } };
    writer.own_line_comments();
    if let Item::Block(header, inner) = items(process) {
        writer.blank_lines();
        writer.block(&header, &inner);
    }
    writer.own_line_comments();
    writer.out
}

proptest! {
    // 256 cases by default; `PROPTEST_CASES=5000` runs more.
    #[test]
    fn generated_processes_with_random_layout(process in process(), seed in any::<u64>()) {
        let text = write(&process, seed);
        let parsed = parse(&text);
        prop_assert!(parsed.diagnostics.is_empty(), "the generator wrote a file that does not parse:\n{text}\n{:#?}", parsed.diagnostics);
        if let Err(problem) = invariants(&text) {
            prop_assert!(false, "{problem}\n--- input\n{text}");
        }
    }
}

// -------------------------------------------------------------------------------------------
// The command.
// -------------------------------------------------------------------------------------------

const MESSY: &str = "process \"Messy\" {\n role ae \"AE\" ; role sdr\n  field budget:money # in dollars\n start stage q {\n owner sdr\n probability 10%\n requires budget\n exit when budget>=10_000\n advance to won within 1d owner ae\n route to lost}\nstage won{terminal won}\n  stage lost { terminal lost }\n}";

/// Applies a unified diff to `text`, the way `patch` would (enough for the diffs fmt prints).
fn apply(text: &str, diff: &str) -> String {
    let old: Vec<&str> = text.split_inclusive('\n').collect();
    let mut out = String::new();
    let mut at = 0;
    for line in diff.split_inclusive('\n').skip(2) {
        if let Some(header) = line.strip_prefix("@@ -") {
            let start: usize = header.split([',', ' ']).next().and_then(|n| n.parse().ok()).expect("a hunk header");
            let start = start.saturating_sub(1);
            while at < start {
                out.push_str(old[at]);
                at += 1;
            }
            continue;
        }
        match line.chars().next() {
            Some(' ') => {
                out.push_str(&line[1..]);
                at += 1;
            }
            Some('-') => at += 1,
            Some('+') => out.push_str(&line[1..]),
            _ => {}
        }
    }
    for rest in &old[at..] {
        out.push_str(rest);
    }
    out
}

#[test]
fn check_prints_a_diff_and_fails_until_formatted() {
    let dir = TempDir::new("fmt-check");
    let file = dir.write("messy.salesproc", MESSY);
    let path = file.to_string_lossy().into_owned();
    let (code, diff, err) = salesproc(&["fmt", "--check", &path]);
    assert_eq!(code, 1, "{err}");
    assert!(diff.starts_with(&format!("--- {path}\n+++ {path}\n@@ ")), "{diff}");
    assert!(err.contains("1 file would be reformatted"), "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), MESSY, "--check changes nothing");
    let expected = format(MESSY).unwrap();
    assert_eq!(apply(MESSY, &diff), expected, "the diff turns the file into its formatted text:\n{diff}");

    let (code, out, err) = salesproc(&["fmt", &path]);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    assert!(err.contains(&format!("reformatted {path}")), "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), expected);
    let (code, out, err) = salesproc(&["fmt", "--check", &path]);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    assert!(err.contains("0 files would be reformatted, 1 already formatted"), "{err}");
}

#[test]
fn check_diff_applies_with_patch() {
    if std::process::Command::new("patch").arg("--version").output().is_err() {
        eprintln!("note: `patch` is not installed; skipping the check that it applies fmt's diff");
        return;
    }
    let dir = TempDir::new("fmt-patch");
    let lf = dir.write("a.salesproc", MESSY);
    let crlf = dir.write("b.salesproc", &MESSY.replace('\n', "\r\n"));
    for file in [lf, crlf] {
        let (code, diff, _) = salesproc(&["fmt", "--check", &file.to_string_lossy()]);
        assert_eq!(code, 1);
        let mut child = std::process::Command::new("patch")
            .arg("--quiet")
            .arg(&file)
            .stdin(std::process::Stdio::piped())
            .spawn()
            .expect("patch runs");
        use std::io::Write as _;
        child.stdin.take().expect("stdin").write_all(diff.as_bytes()).expect("diff written");
        assert!(child.wait().expect("patch ends").success(), "{diff}");
        let text = std::fs::read_to_string(&file).expect("patched file");
        assert_eq!(format(&text).unwrap(), text, "{} is formatted after patching", file.display());
    }
}

#[test]
fn formatted_files_are_not_touched() {
    let dir = TempDir::new("fmt-untouched");
    let formatted = format(MESSY).unwrap();
    let file = dir.write("tidy.salesproc", &formatted);
    let before = std::fs::metadata(&file).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let (code, _, err) = salesproc(&["fmt", &dir.path().to_string_lossy()]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("0 files reformatted, 1 already formatted"), "{err}");
    assert_eq!(std::fs::metadata(&file).unwrap().modified().unwrap(), before, "mtime unchanged");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(leftovers.len(), 1, "no temporary file left: {leftovers:?}");
}

#[cfg(unix)]
#[test]
fn rewriting_keeps_permissions_and_symlinks() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new("fmt-perms");
    let file = dir.write("p.salesproc", MESSY);
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    let link = dir.path().join("link.salesproc");
    std::os::unix::fs::symlink(&file, &link).unwrap();
    let (code, _, err) = salesproc(&["fmt", &link.to_string_lossy()]);
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link is still a link");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), format(MESSY).unwrap());
    assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o640);
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(names.len(), 2, "no temporary file left: {names:?}");

    // A read-only file is reported and left alone.
    let locked = dir.write("locked.salesproc", MESSY);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o444)).unwrap();
    let (code, _, err) = salesproc(&["fmt", &locked.to_string_lossy()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("read-only"), "{err}");
    assert_eq!(std::fs::read_to_string(&locked).unwrap(), MESSY);
}

#[test]
fn files_with_syntax_errors_are_refused() {
    let dir = TempDir::new("fmt-broken");
    let broken_text = "process \"P\" {\n  stage a {\n    probabilty 10%\n  }\n}\n";
    let broken = dir.write("broken.salesproc", broken_text);
    let messy = dir.write("messy.salesproc", MESSY);
    let (code, out, err) = salesproc(&["fmt", &dir.path().to_string_lossy()]);
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    assert!(err.contains("syntax-error") && err.contains("probabilty"), "{err}");
    assert!(err.contains("broken.salesproc` was not formatted: fix the errors above first"), "{err}");
    assert!(err.contains("1 file reformatted, 0 already formatted, 1 file not formatted because of errors"), "{err}");
    assert_eq!(std::fs::read_to_string(&broken).unwrap(), broken_text);
    assert_eq!(std::fs::read_to_string(&messy).unwrap(), format(MESSY).unwrap(), "the other file is formatted");
}

#[test]
fn standard_input_to_standard_output() {
    let (code, out, err) = salesproc_with_input(&["fmt", "-"], MESSY.as_bytes());
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(out, format(MESSY).unwrap());
    let (code, out, _) =
        salesproc_with_input(&["fmt", "--check", "-", "--stdin-filename", "x.salesproc"], MESSY.as_bytes());
    assert_eq!(code, 1);
    assert!(out.starts_with("--- x.salesproc\n+++ x.salesproc\n"), "{out}");
    let formatted = format(MESSY).unwrap();
    assert_eq!(salesproc_with_input(&["fmt", "--check", "-"], formatted.as_bytes()).0, 0);
    let (code, out, err) = salesproc_with_input(&["fmt", "-"], b"process \"P\" {\n  stage a {\n");
    assert_eq!((code, out.as_str()), (1, ""));
    assert!(err.contains("syntax-error"), "{err}");
    let (code, _, err) = salesproc_with_input(&["fmt", "-", "x.salesproc"], b"");
    assert_eq!(code, 2);
    assert!(err.contains("on its own"), "{err}");
    assert_eq!(salesproc(&["fmt", "/no/such/dir"]).0, 2);
}

/// Prints two generated files and their formatted text, to see what the generator writes:
/// `cargo test -p salesproc-tests --test fmt -- --ignored show_a_generated_file --nocapture`.
#[test]
#[ignore]
fn show_a_generated_file() {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    for _ in 0..2 {
        let process = proptest::strategy::ValueTree::current(&process().new_tree(&mut runner).unwrap());
        let text = write(&process, 12345);
        println!("{text}\n=====\n{}", format(&text).unwrap());
    }
}
