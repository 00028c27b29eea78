//! The command line end to end: exit codes, formats, ordering, and the examples.

use salesproc_tests::salesproc;
use std::path::Path;

use salesproc_tests::{repository, root, salesproc_files};

fn path(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

#[test]
fn examples_check_clean() {
    let examples = repository().join("examples");
    let (code, out, err) = salesproc(&["check", &path(&examples), "--format", "short"]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""), "the examples must check with no findings");
    // Every example is picked up (broken/ is skipped through examples/.ignore).
    assert!(salesproc_files(&examples).len() >= 5);
}

#[test]
fn each_broken_example_gives_exactly_its_diagnostic() {
    let broken = repository().join("examples/broken");
    let files = salesproc_files(&broken);
    assert!(files.len() >= 6, "one broken example per front-end diagnostic");
    for file in files {
        let rule = file.file_stem().and_then(|s| s.to_str()).unwrap_or_default().replace('_', "-");
        let (code, out, _) = salesproc(&["check", &path(&file), "--format", "short"]);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(code, 1, "{}: {out}", file.display());
        assert_eq!(lines.len(), 1, "{}: expected one diagnostic, got:\n{out}", file.display());
        assert!(lines[0].contains(&format!("error[{rule}]")), "{}: {out}", file.display());
    }
}

#[test]
fn exit_codes() {
    let fixtures = root().join("fixtures");
    let clean = fixtures.join("type_mismatch/passes.salesproc");
    let broken = fixtures.join("type_mismatch/fires.salesproc");
    assert_eq!(salesproc(&["check", &path(&clean)]).0, 0);
    assert_eq!(salesproc(&["check", &path(&broken)]).0, 1);
    let (code, out, err) = salesproc(&["check", "/no/such/file.salesproc"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("cannot read `/no/such/file.salesproc`"), "{err}");
    let (code, _, err) = salesproc(&["check", "--format", "xml"]);
    assert_eq!(code, 2);
    assert!(err.contains("xml"), "{err}");
    assert_eq!(salesproc(&["explain", "no-such-rule"]).0, 2);
}

#[test]
fn short_format_lines() {
    let file = root().join("fixtures/syntax_error/fires_misspelt_keywords.salesproc");
    let (_, out, _) = salesproc(&["check", &path(&file), "--format", "short"]);
    let shown = path(&file);
    assert_eq!(
        out,
        format!(
            "{shown}:8:5: error[syntax-error]: expected a stage statement: owner, probability, goal, entry, sla, requires, exit, terminal, activity, advance, route; found `probabilty`\n\
             {shown}:14:5: error[syntax-error]: expected a stage statement: owner, probability, goal, entry, sla, requires, exit, terminal, activity, advance, route; found `termnal`\n"
        )
    );
}

#[test]
fn json_has_the_documented_shape() {
    let file = root().join("fixtures/duplicate_definition/fires.salesproc");
    let (code, out, _) = salesproc(&["check", &path(&file), "--format", "json"]);
    assert_eq!(code, 1);
    let document: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let keys = |v: &serde_json::Value| -> Vec<String> {
        let mut keys: Vec<String> = v.as_object().expect("an object").keys().cloned().collect();
        keys.sort();
        keys
    };
    assert_eq!(keys(&document), ["diagnostics", "summary", "version"]);
    assert_eq!(document["version"], 1);
    let diagnostics = document["diagnostics"].as_array().expect("an array");
    assert!(!diagnostics.is_empty());
    for diagnostic in diagnostics {
        assert_eq!(
            keys(diagnostic),
            ["column", "end_column", "end_line", "file", "help", "labels", "line", "message", "rule", "severity"]
        );
        for label in diagnostic["labels"].as_array().expect("labels") {
            assert_eq!(keys(label), ["column", "end_column", "end_line", "line", "message"]);
        }
    }
    assert_eq!(keys(&document["summary"]), ["errors", "files", "infos", "warnings"]);
    assert_eq!(document["summary"]["files"], 1);
    assert_eq!(document["summary"]["errors"].as_u64(), Some(diagnostics.len() as u64));
}

#[test]
fn columns_count_unicode_scalar_values() {
    let dir = std::env::temp_dir().join(format!("salesproc-columns-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("accents.salesproc");
    // "é" and "ü" are two bytes each; the typo starts at the 18th character of its line.
    std::fs::write(&file, "process \"Café\" {\n  role ae \"Über\"; probabilty 10%\n}\n").expect("write");
    let (_, out, _) = salesproc(&["check", &path(&file), "--format", "json"]);
    let document: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let first = &document["diagnostics"][0];
    assert_eq!((first["line"].as_u64(), first["column"].as_u64()), (Some(2), Some(19)), "{out}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn output_is_sorted_by_file_then_position() {
    let fixtures = root().join("fixtures");
    let b = fixtures.join("undefined_reference/fires.salesproc");
    let a = fixtures.join("duplicate_definition/fires.salesproc");
    // Given in the "wrong" order, printed sorted by file name, then line and column.
    let (_, out, _) = salesproc(&["check", &path(&b), &path(&a), "--format", "short"]);
    let positions: Vec<(String, usize, usize)> = out
        .lines()
        .map(|line| {
            let mut parts = line.rsplitn(2, ".salesproc:");
            let rest = parts.next().unwrap_or_default();
            let file = parts.next().unwrap_or_default().to_string();
            let mut numbers = rest.split(':').map(|n| n.parse::<usize>().unwrap_or(0));
            (file, numbers.next().unwrap_or(0), numbers.next().unwrap_or(0))
        })
        .collect();
    let mut sorted = positions.clone();
    sorted.sort();
    assert_eq!(positions, sorted);
    assert!(positions.first().is_some_and(|p| p.0.ends_with("duplicate_definition/fires")));
}

#[test]
fn human_output_has_no_colour_unless_asked() {
    let file = root().join("fixtures/type_mismatch/fires.salesproc");
    let report = salesproc_tests::check_file(&file, "fires.salesproc");
    let reports = [report];
    let plain = salesproc_cli::render::render_human(&reports, false);
    assert!(!plain.contains('\u{1b}'), "escape codes in plain output");
    let coloured = salesproc_cli::render::render_human(&reports, true);
    assert!(coloured.contains('\u{1b}'), "no colour when asked for it");
    // Through the command line, stdout is not a terminal here, so there is no colour.
    let (_, out, _) = salesproc(&["check", &path(&file)]);
    assert!(!out.contains('\u{1b}'));
    assert!(out.contains("type-mismatch"));
}

#[test]
fn rules_and_explain() {
    let (code, out, _) = salesproc(&["rules"]);
    assert_eq!(code, 0);
    for rule in salesproc_checker::RULES {
        assert!(out.lines().any(|l| l.starts_with(rule.name)), "{} missing from `salesproc rules`", rule.name);
    }
    assert!(out.lines().any(|l| l.starts_with("syntax-error")));
    let (code, out, _) = salesproc(&["explain", "activity-without-outcome"]);
    assert_eq!(code, 0);
    for heading in ["What it does", "Why it matters", "Example", "How to fix"] {
        assert!(out.contains(heading), "{heading} missing");
    }
    let (code, _, err) = salesproc(&["explain", "unreachable-stag"]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `unreachable-stage`?"), "{err}");
}

#[test]
fn the_readme_example_produces_the_output_it_shows() {
    let readme = std::fs::read_to_string(repository().join("README.md")).expect("README.md");
    let block = |fence: &str| -> String {
        let start = readme.find(fence).map(|i| i + fence.len()).expect("fence in README");
        let end = start + readme[start..].find("\n```").expect("closing fence");
        readme[start..end].trim_start_matches('\n').to_string()
    };
    let example = block("```salesproc\n");
    let shown = block("```text\n");
    let report =
        salesproc_cli::check::check_bytes("inbound.salesproc", example.as_bytes(), &salesproc_tests::options());
    let output = salesproc_cli::render::render_human(&[report], false);
    assert!(output.contains(shown.trim_end()), "README output is stale; the tool prints:\n{output}");
}

#[test]
fn the_contracts_complete_example_checks_clean() {
    let file = root().join("corpus/language_example.salesproc");
    let text = std::fs::read_to_string(&file).expect("corpus file");
    let analysis = salesproc_parser::analyze(&text);
    assert!(analysis.diagnostics.is_empty(), "{:#?}", analysis.diagnostics);
    let process = analysis.model.and_then(|m| m.process).expect("a process");
    assert_eq!(process.stages.len(), 8);
    assert_eq!(process.graph.0.edge_count(), 13);
    let (code, out, _) = salesproc(&["check", &path(&file), "--format", "short"]);
    assert_eq!((code, out.as_str()), (0, ""));
}
