//! `--format github`: one workflow command per diagnostic, escaped as GitHub's toolkit does, so
//! that no text from a checked file (names, strings, the file's own path) can end a command or
//! start one of its own. The commands are read back here the way the Actions runner reads them.

use salesproc_tests::salesproc;
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use serde_json::Value;

use salesproc_cli::check::FileReport;
use salesproc_cli::render::{render_github, render_json};
use salesproc_parser::source::LineIndex;
use salesproc_parser::{Diagnostic, Label, Severity, Span};
use salesproc_tests::{check_file, root, salesproc_files};

/// A workflow command as the runner sees it.
#[derive(Debug, PartialEq)]
struct Command {
    name: String,
    properties: BTreeMap<String, String>,
    message: String,
}

/// Reads one line the way the Actions runner does (`ActionCommand.TryParseV2`): `::`, the
/// command up to the first space, properties up to the next `::` split at `,` and then at the
/// first `=`, the rest is the message. Values are unescaped in one pass (`%25`, `%0D`, `%0A`, and
/// in properties also `%3A` and `%2C`). Returns `None` for a line that is not a command.
fn parse_command(line: &str) -> Option<Command> {
    let rest = line.strip_prefix("::")?;
    let end = rest.find("::")?;
    let (info, message) = (&rest[..end], &rest[end + 2..]);
    let (name, properties) = match info.split_once(' ') {
        Some((name, properties)) => (name, properties),
        None => (info, ""),
    };
    let mut parsed = BTreeMap::new();
    for property in properties.split(',').filter(|p| !p.is_empty()) {
        let (key, value) = property.split_once('=')?;
        let previous = parsed.insert(key.to_string(), unescape(value, true)?);
        assert!(previous.is_none(), "property {key} given twice in {line}");
    }
    Some(Command { name: name.to_string(), properties: parsed, message: unescape(message, false)? })
}

/// Undoes the toolkit's escaping; `None` for a `%` that starts no escape it writes.
fn unescape(text: &str, property: bool) -> Option<String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        let code = rest.get(at + 1..at + 3)?;
        out.push(match code {
            "25" => '%',
            "0D" => '\r',
            "0A" => '\n',
            "3A" if property => ':',
            "2C" if property => ',',
            _ => return None,
        });
        rest = &rest[at + 3..];
    }
    out.push_str(rest);
    Some(out)
}

/// A fresh directory for this test under Cargo's temporary directory for tests.
fn temp_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("github-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir
}

/// Asserts that `output` holds exactly one well-formed command per diagnostic of the JSON
/// document `json` (same order), and that every value reads back to the original text.
fn assert_commands_match(output: &str, json: &Value, file: &str) {
    let diagnostics = json["diagnostics"].as_array().expect("diagnostics");
    let lines: Vec<&str> = output.lines().collect();
    assert!(output.is_empty() || output.ends_with('\n'));
    assert!(!output.contains('\r'), "a carriage return would end the command early:\n{output}");
    assert_eq!(lines.len(), diagnostics.len(), "one line per diagnostic:\n{output}");
    for (line, diagnostic) in lines.iter().zip(diagnostics) {
        assert!(
            ["::error ", "::warning ", "::notice "].iter().any(|start| line.starts_with(start)),
            "not a command: {line}"
        );
        let command = parse_command(line).unwrap_or_else(|| panic!("the runner could not read: {line}"));
        let severity = diagnostic["severity"].as_str().expect("severity");
        let name = match severity {
            "info" => "notice",
            other => other,
        };
        assert_eq!(command.name, name);
        let property = |key: &str| command.properties.get(key).map(String::as_str);
        assert_eq!(property("file"), Some(file), "{line}");
        let number = |key: &str| diagnostic[key].as_u64().map(|n| n.to_string());
        assert_eq!(property("line"), number("line").as_deref(), "{line}");
        assert_eq!(property("endLine"), number("end_line").as_deref(), "{line}");
        if diagnostic["line"] == diagnostic["end_line"] {
            assert_eq!(property("col"), number("column").as_deref(), "{line}");
            assert_eq!(property("endColumn"), number("end_column").as_deref(), "{line}");
        } else {
            assert_eq!((property("col"), property("endColumn")), (None, None), "columns only on one line");
        }
        let rule = diagnostic["rule"].as_str().expect("rule");
        assert_eq!(property("title"), Some(format!("salesproc ({rule})").as_str()));
        let mut message = diagnostic["message"].as_str().expect("message").to_string();
        if let Some(help) = diagnostic["help"].as_str() {
            message.push_str("\n\nHelp: ");
            message.push_str(help);
        }
        assert_eq!(command.message, message, "{line}");
        let keys: Vec<&str> = command.properties.keys().map(String::as_str).collect();
        assert!(keys.iter().all(|k| ["col", "endColumn", "endLine", "file", "line", "title"].contains(k)), "{keys:?}");
    }
}

/// A process whose messages quote text written to look like workflow commands.
const HOSTILE: &str = r#"process "P" {
  role ae "A"
  field ok: bool
  field note: text
  start stage s "S" {
    owner ae
    exit when ok == "x\n::error::pwned %0A, a:b\n\t::warning file=x,line=1::y"
    exit when note == "50%, ok: done%25 ::notice::"
    exit when ok == "%0D%0A%3A%2C%25"
    advance to w
    advance to nowhere
  }
  stage w "W" { terminal won }
}
"#;

#[test]
fn hostile_strings_and_names_stay_inside_their_command() {
    let dir = temp_dir("strings");
    let file = dir.join("hostile.salesproc");
    std::fs::write(&file, HOSTILE).expect("write");
    let shown = file.to_string_lossy().replace('\\', "/");
    let (code, output, err) =
        salesproc::<OsString>(&["check".into(), file.clone().into(), "--format".into(), "github".into()]);
    assert_eq!((code, err.as_str()), (1, ""));
    let (_, json, _) = salesproc::<OsString>(&["check".into(), file.into(), "--format".into(), "json".into()]);
    let json: Value = serde_json::from_str(&json).expect("JSON");
    // The messages really do carry the hostile text, and the output still has one command each.
    let messages: Vec<&str> =
        json["diagnostics"].as_array().expect("array").iter().filter_map(|d| d["message"].as_str()).collect();
    assert!(messages.iter().any(|m| m.contains("::error::pwned %0A, a:b")), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("%0D%0A%3A%2C%25")), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("nowhere")), "{messages:?}");
    assert_commands_match(&output, &json, &shown);
    // A literal `%0A` in a message is written as `%250A`, so the runner never reads a line break.
    assert!(output.contains("%250A"), "{output}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn hostile_file_names_stay_inside_their_command() {
    let dir = temp_dir("names");
    let mut names = vec!["a,b:c%d=e f.salesproc", "x%2C%3A%0A::warning::y.salesproc"];
    if cfg!(unix) {
        // A line break is a valid character in a file name on Unix.
        names.push("evil\n::error file=x::pwned\r.salesproc");
    }
    for name in names {
        let file = dir.join(name);
        std::fs::write(&file, "process \"P\" {\n  probabilty 10%\n}\n").expect("write");
        let shown = file.to_string_lossy().replace('\\', "/");
        let (_, output, _) =
            salesproc::<OsString>(&["check".into(), file.clone().into(), "--format".into(), "github".into()]);
        let (_, json, _) = salesproc::<OsString>(&["check".into(), file.into(), "--format".into(), "json".into()]);
        let json: Value = serde_json::from_str(&json).expect("JSON");
        assert!(!json["diagnostics"].as_array().expect("array").is_empty());
        assert_commands_match(&output, &json, &shown);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn any_message_text_is_escaped() {
    // Messages and help built by hand, with every character the format must escape, and the
    // rule's own name in the title.
    let text = "process \"P\" {\n}\n".to_string();
    let nasty = "a\r\n::error::b\n%0A%25 c,d:e\r::warning file=z,line=1::f%";
    let diagnostics = vec![
        Diagnostic {
            rule: "syntax-error",
            severity: Severity::Error,
            message: nasty.to_string(),
            span: Span::new(0, 7),
            labels: vec![Label { span: Span::new(8, 11), message: nasty.to_string() }],
            help: Some(nasty.to_string()),
        },
        Diagnostic::error("unused-role", Span::new(0, 15), "over two lines").with_severity(Severity::Warning),
        Diagnostic::error("stale-review", Span::at(16), "at the end").with_severity(Severity::Info),
    ];
    let path = "dir, with: commas%/p.salesproc".to_string();
    let report = FileReport { path: path.clone(), lines: LineIndex::new(&text), text, diagnostics };
    let reports = [report];
    let output = render_github(&reports);
    let json: Value = serde_json::from_str(&render_json(&reports)).expect("JSON");
    assert_commands_match(&output, &json, &path);
    let names: Vec<&str> = output.lines().filter_map(|l| l.split([' ', ':']).nth(2)).collect();
    assert_eq!(names, ["error", "warning", "notice"]);
    // The span over two lines has no columns; the empty span at the end still has them.
    assert_eq!(
        output.lines().nth(1),
        Some("::warning file=dir%2C with%3A commas%25/p.salesproc,line=1,endLine=2,title=salesproc (unused-role)::over two lines")
    );
    assert_eq!(
        output.lines().nth(2),
        Some("::notice file=dir%2C with%3A commas%25/p.salesproc,line=3,col=1,endLine=3,endColumn=1,title=salesproc (stale-review)::at the end")
    );
}

#[test]
fn every_fixture_gives_one_readable_command_per_diagnostic() {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures"))
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_dir()).collect())
        .unwrap_or_default();
    dirs.sort();
    let mut seen = BTreeMap::new();
    for file in dirs.iter().flat_map(|dir| salesproc_files(dir)) {
        let shown = file.strip_prefix(root()).unwrap_or(&file).to_string_lossy().replace('\\', "/");
        let reports = [check_file(&file, &shown)];
        let output = render_github(&reports);
        let json: Value = serde_json::from_str(&render_json(&reports)).expect("JSON");
        assert_commands_match(&output, &json, &shown);
        for line in output.lines() {
            *seen.entry(line.split(' ').next().unwrap_or_default().to_string()).or_insert(0) += 1;
        }
    }
    let kinds: Vec<&str> = seen.keys().map(String::as_str).collect();
    assert_eq!(kinds, ["::error", "::notice", "::warning"], "every command kind occurs in the fixtures");
}

#[test]
fn a_clean_file_prints_nothing_and_a_known_one_prints_this() {
    let clean = check_file(&root().join("fixtures/type_mismatch/passes.salesproc"), "ok.salesproc");
    assert!(clean.diagnostics.is_empty());
    assert_eq!(render_github(&[clean]), "");
    let file = root().join("fixtures/duplicate_definition/fires.salesproc");
    let output = render_github(&[check_file(&file, "dup.salesproc")]);
    assert_eq!(
        output.lines().next(),
        Some(
            "::error file=dup.salesproc,line=5,col=8,endLine=5,endColumn=10,title=salesproc (duplicate-definition)::\
             the role `ae` is defined twice%0A%0AHelp: rename one of the two roles, or remove the repeated one"
        )
    );
}

#[test]
fn the_decoder_reads_what_the_runner_reads() {
    // Every escape the toolkit writes, read back; an unknown one is refused.
    let command = parse_command("::error file=a%3Ab%2Cc%25,line=1::x%0Ay%0D%25::z").expect("a command");
    assert_eq!(command.name, "error");
    assert_eq!(command.properties.get("file").map(String::as_str), Some("a:b,c%"));
    assert_eq!(command.message, "x\ny\r%::z");
    assert_eq!(
        parse_command("::notice::"),
        Some(Command { name: "notice".into(), properties: BTreeMap::new(), message: String::new() })
    );
    assert_eq!(parse_command("no command"), None);
    assert_eq!(unescape("%0A%3A", false), None, "`%3A` is only an escape in properties");
}
