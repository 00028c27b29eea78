//! `--format sarif`: every log is valid against the official SARIF 2.1.0 schema (vendored in
//! `tests/schemas/`, checked offline), results point at the right rules, levels and regions, and
//! file names become URI references relative to the current directory.

use salesproc_tests::salesproc;
use std::path::{Path, PathBuf};

use serde_json::Value;

use salesproc_cli::check::{check_bytes, FileReport};
use salesproc_cli::render::{render_json, render_sarif};
use salesproc_tests::{check_file, options, repository, root, salesproc_files};

/// The official schema's `language` pattern: a stray `]` makes it an invalid regular expression
/// for strict (Unicode-mode) ECMA-262, which the `jsonschema` crate checks schemas against.
const BROKEN_LANGUAGE_PATTERN: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
/// The same pattern as corrected in the schema Microsoft's SARIF validator ships.
const FIXED_LANGUAGE_PATTERN: &str = "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$";

/// The vendored schema, compiled as draft-07 with format checking on (so `uri` and
/// `uri-reference` values are checked too). The file is kept byte for byte as published; its
/// one invalid regular expression (the `language` pattern, used by no property salesproc
/// writes) is corrected here, in memory.
fn validator() -> jsonschema::Validator {
    let path = root().join("schemas/sarif-schema-2.1.0.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let quoted = |pattern: &str| format!("\"pattern\": {}", Value::from(pattern));
    assert_eq!(text.matches(&quoted(BROKEN_LANGUAGE_PATTERN)).count(), 2, "the vendored schema changed");
    let text = text.replace(&quoted(BROKEN_LANGUAGE_PATTERN), &quoted(FIXED_LANGUAGE_PATTERN));
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    assert_eq!(
        schema["$id"],
        "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json"
    );
    jsonschema::draft7::options().should_validate_formats(true).build(&schema).expect("the SARIF schema compiles")
}

/// Parses `text` as JSON and asserts that it is a valid SARIF 2.1.0 log with one run.
fn assert_valid(validator: &jsonschema::Validator, text: &str, what: &str) -> Value {
    let log: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{what}: not JSON ({e}):\n{text}"));
    let errors: Vec<String> =
        validator.iter_errors(&log).map(|error| format!("{} at {}", error, error.instance_path())).collect();
    assert!(errors.is_empty(), "{what}: the SARIF log breaks the schema:\n{}\n{text}", errors.join("\n"));
    assert_eq!(log["version"], "2.1.0", "{what}");
    assert!(log["$schema"].as_str().is_some_and(|s| s.ends_with("sarif-schema-2.1.0.json")), "{what}");
    assert_eq!(log["runs"].as_array().map(Vec::len), Some(1), "{what}: exactly one run");
    log
}

/// Every fixture and corpus file, sorted.
fn all_inputs() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures"))
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_dir()).collect())
        .unwrap_or_default();
    dirs.sort();
    for dir in dirs {
        files.extend(salesproc_files(&dir));
    }
    files.extend(salesproc_files(&root().join("corpus")));
    files.extend(salesproc_files(&repository().join("examples")));
    files.extend(salesproc_files(&repository().join("examples/broken")));
    files
}

/// `path` shown relative to the tests crate, as the user would type it from there.
fn shown(path: &Path) -> String {
    path.strip_prefix(root()).unwrap_or(path).to_string_lossy().replace('\\', "/")
}

fn run_of(log: &Value) -> &Value {
    &log["runs"][0]
}

fn rules_of(log: &Value) -> &Vec<Value> {
    run_of(log)["tool"]["driver"]["rules"].as_array().expect("driver.rules")
}

fn results_of(log: &Value) -> &Vec<Value> {
    run_of(log)["results"].as_array().expect("results")
}

/// The expected rule ids, in order: front-end rules, then process rules in registry order.
fn expected_rule_ids() -> Vec<&'static str> {
    let front = salesproc_parser::diagnostic::rules::ALL.iter().map(|(name, _)| *name);
    front.chain(salesproc_checker::RULES.iter().map(|rule| rule.name)).collect()
}

fn sarif_level(severity: &str) -> &'static str {
    match severity {
        "error" => "error",
        "warning" => "warning",
        "info" => "note",
        other => panic!("unknown severity {other}"),
    }
}

/// Checks a log against the reports it was rendered from: one result per diagnostic, in order,
/// each pointing at its rule by index, with the level and region the JSON format gives.
fn assert_matches_reports(log: &Value, reports: &[FileReport], what: &str) {
    let json: Value = serde_json::from_str(&render_json(reports)).expect("JSON output");
    let diagnostics = json["diagnostics"].as_array().expect("diagnostics");
    let results = results_of(log);
    let rules = rules_of(log);
    assert_eq!(results.len(), diagnostics.len(), "{what}: one result per diagnostic");
    for (result, diagnostic) in results.iter().zip(diagnostics) {
        let rule_id = diagnostic["rule"].as_str().expect("rule");
        assert_eq!(result["ruleId"], rule_id, "{what}");
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], rule_id, "{what}: ruleIndex points at another rule");
        assert_eq!(result["level"], sarif_level(diagnostic["severity"].as_str().expect("severity")), "{what}");
        let message = result["message"]["text"].as_str().expect("message.text");
        assert!(message.starts_with(diagnostic["message"].as_str().expect("message")), "{what}: {message}");
        if let Some(help) = diagnostic["help"].as_str() {
            assert!(message.contains(&format!(" Help: {help}")), "{what}: help missing from {message}");
        }
        let location = &result["locations"][0]["physicalLocation"];
        let region = &location["region"];
        let got = [&region["startLine"], &region["startColumn"], &region["endLine"], &region["endColumn"]];
        let want = [&diagnostic["line"], &diagnostic["column"], &diagnostic["end_line"], &diagnostic["end_column"]];
        assert_eq!(got, want, "{what}: region of {rule_id}");
        let (start, end) = (
            (region["startLine"].as_u64(), region["startColumn"].as_u64()),
            (region["endLine"].as_u64(), region["endColumn"].as_u64()),
        );
        assert!(start <= end, "{what}: inverted region {region}");
        if let Some(context) = location.get("contextRegion") {
            assert!(context["startLine"].as_u64() <= region["startLine"].as_u64(), "{what}: {context}");
            assert!(context["endLine"].as_u64() >= region["endLine"].as_u64().map(|l| l.max(1)), "{what}");
        }
        let index = location["artifactLocation"]["index"].as_u64().expect("artifact index") as usize;
        let artifact = &run_of(log)["artifacts"][index]["location"]["uri"];
        assert_eq!(&location["artifactLocation"]["uri"], artifact, "{what}: artifact index");
        let labels = diagnostic["labels"].as_array().expect("labels");
        let related = result["relatedLocations"].as_array().map(Vec::as_slice).unwrap_or_default();
        assert_eq!(related.len(), labels.len(), "{what}: one related location per label");
        for (id, (related, label)) in related.iter().zip(labels).enumerate() {
            assert_eq!(related["id"], id, "{what}");
            assert_eq!(related["message"]["text"], label["message"], "{what}");
            let region = &related["physicalLocation"]["region"];
            assert_eq!(region["startLine"], label["line"], "{what}");
            assert_eq!(region["startColumn"], label["column"], "{what}");
            assert_eq!(region["endLine"], label["end_line"], "{what}");
            assert_eq!(region["endColumn"], label["end_column"], "{what}");
        }
    }
}

#[test]
fn every_input_gives_a_valid_log() {
    let validator = validator();
    let inputs = all_inputs();
    assert!(inputs.len() > 40, "expected the fixtures, the corpus and the examples, got {}", inputs.len());
    let mut with_labels = 0;
    let mut clean = 0;
    for file in &inputs {
        let report = check_file(file, &shown(file));
        let reports = [report];
        let what = shown(file);
        let log = assert_valid(&validator, &render_sarif(&reports), &what);
        assert_matches_reports(&log, &reports, &what);
        with_labels += results_of(&log).iter().filter(|r| r.get("relatedLocations").is_some()).count();
        clean += usize::from(reports[0].diagnostics.is_empty());
    }
    assert!(with_labels > 10, "the inputs should exercise related locations, got {with_labels}");
    assert!(clean > 5, "the inputs should include clean files, got {clean}");
}

#[test]
fn all_inputs_at_once_give_one_valid_log() {
    let validator = validator();
    let inputs = all_inputs();
    let reports: Vec<FileReport> = inputs.iter().map(|file| check_file(file, &shown(file))).collect();
    let text = render_sarif(&reports);
    let log = assert_valid(&validator, &text, "all inputs");
    assert_matches_reports(&log, &reports, "all inputs");
    let artifacts = run_of(&log)["artifacts"].as_array().expect("artifacts");
    assert_eq!(artifacts.len(), inputs.len(), "every file checked is an artifact, with or without findings");
    assert!(results_of(&log).len() > 100);
    // The output depends only on the input.
    assert_eq!(render_sarif(&reports), text);
}

#[test]
fn several_files_through_the_command_line() {
    let validator = validator();
    let a = root().join("fixtures/duplicate_definition/fires.salesproc");
    let b = root().join("fixtures/type_mismatch/fires.salesproc");
    let clean = root().join("fixtures/type_mismatch/passes.salesproc");
    let paths: Vec<String> = [&b, &clean, &a].iter().map(|p| shown(p)).collect();
    let (code, out, err) = salesproc(&["check", &paths[0], &paths[1], &paths[2], "--format", "sarif"]);
    assert_eq!((code, err.as_str()), (1, ""));
    let log = assert_valid(&validator, &out, "three files");
    let uris: Vec<&str> = run_of(&log)["artifacts"]
        .as_array()
        .expect("artifacts")
        .iter()
        .filter_map(|a| a["location"]["uri"].as_str())
        .collect();
    // Sorted by path, like every format.
    assert_eq!(
        uris,
        [
            "fixtures/duplicate_definition/fires.salesproc",
            "fixtures/type_mismatch/fires.salesproc",
            "fixtures/type_mismatch/passes.salesproc"
        ]
    );
    let (_, json, _) = salesproc(&["check", &paths[0], &paths[1], &paths[2], "--format", "json"]);
    let json: Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(Some(results_of(&log).len()), json["diagnostics"].as_array().map(Vec::len));
}

#[test]
fn a_clean_file_gives_an_empty_result_list() {
    let validator = validator();
    let file = root().join("fixtures/type_mismatch/passes.salesproc");
    let (code, out, _) = salesproc(&["check", &shown(&file), "--format", "sarif"]);
    assert_eq!(code, 0);
    let log = assert_valid(&validator, &out, "clean file");
    assert_eq!(run_of(&log)["results"], serde_json::json!([]));
    assert_eq!(rules_of(&log).len(), expected_rule_ids().len(), "the rules are listed even with no result");
}

#[test]
fn the_driver_lists_every_rule_with_its_documentation() {
    let report = check_file(&root().join("fixtures/type_mismatch/passes.salesproc"), "passes.salesproc");
    let log: Value = serde_json::from_str(&render_sarif(&[report])).expect("JSON");
    let driver = &run_of(&log)["tool"]["driver"];
    assert_eq!(driver["name"], "salesproc");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules = rules_of(&log);
    let ids: Vec<&str> = rules.iter().filter_map(|rule| rule["id"].as_str()).collect();
    assert_eq!(ids, expected_rule_ids());
    let front_end = salesproc_parser::diagnostic::rules::ALL;
    let repository = driver["informationUri"].as_str();
    for (index, rule) in rules.iter().enumerate() {
        let id = rule["id"].as_str().expect("id");
        let pascal: String = id
            .split('-')
            .map(|w| w.get(..1).unwrap_or_default().to_uppercase() + w.get(1..).unwrap_or_default())
            .collect();
        assert_eq!(rule["name"], pascal.as_str());
        for key in ["shortDescription", "fullDescription"] {
            assert!(rule[key]["text"].as_str().is_some_and(|t| !t.trim().is_empty()), "{id}: {key}");
        }
        let help_uri = rule["helpUri"].as_str();
        assert_eq!(help_uri.is_some(), repository.is_some(), "{id}: helpUri exactly when the repository is known");
        if let Some((&(name, summary), _)) = front_end.get(index).map(|entry| (entry, ())) {
            assert_eq!(id, name);
            assert_eq!(rule["shortDescription"]["text"], summary);
            assert_eq!(rule["defaultConfiguration"]["level"], "error");
            if let (Some(uri), Some(repo)) = (help_uri, repository) {
                assert_eq!(uri, format!("{}/blob/main/docs/rules/README.md", repo.trim_end_matches('/')));
            }
        } else {
            let process = salesproc_checker::registry::find(id).expect("a process rule");
            assert_eq!(rule["shortDescription"]["text"], process.summary);
            assert_eq!(rule["defaultConfiguration"]["level"], sarif_level(process.default_severity.as_str()));
            let doc = salesproc_checker::docs::doc_text(process);
            assert_eq!(rule["help"]["markdown"], doc.as_str(), "{id}: help.markdown is the rule's documentation");
            let text = rule["help"]["text"].as_str().expect("help.text");
            assert!(!text.contains("```") && !text.contains("## "), "{id}: help.text is plain text");
            let full = rule["fullDescription"]["text"].as_str().expect("fullDescription");
            assert!(!full.contains("What it does") && !full.contains('`'), "{id}: {full}");
            if let (Some(uri), Some(repo)) = (help_uri, repository) {
                assert_eq!(uri, format!("{}/blob/main/docs/rules/{id}.md", repo.trim_end_matches('/')));
            }
        }
    }
    // Every default level occurs: info becomes SARIF's note.
    for level in ["error", "warning", "note"] {
        assert!(rules.iter().any(|rule| rule["defaultConfiguration"]["level"] == level), "{level}");
    }
}

#[test]
fn a_known_diagnostic_has_its_region_labels_and_help() {
    let file = root().join("fixtures/duplicate_definition/fires.salesproc");
    let log: Value = serde_json::from_str(&render_sarif(&[check_file(&file, "dup.salesproc")])).expect("JSON");
    let first = &results_of(&log)[0];
    // `role ae "Account Exec"` repeats `ae` (line 5, columns 8-9) first defined on line 4.
    assert_eq!(first["ruleId"], "duplicate-definition");
    assert_eq!(rules_of(&log)[first["ruleIndex"].as_u64().expect("index") as usize]["id"], "duplicate-definition");
    assert_eq!(first["level"], "error");
    assert_eq!(
        first["message"]["text"],
        "the role `ae` is defined twice. Help: rename one of the two roles, or remove the repeated one."
    );
    let location = &first["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "dup.salesproc");
    assert_eq!(
        location["region"],
        serde_json::json!({"startLine": 5, "startColumn": 8, "endLine": 5, "endColumn": 10, "snippet": {"text": "ae"}})
    );
    assert_eq!(location["contextRegion"]["snippet"]["text"], "  role ae \"Account Exec\"\n");
    let related = &first["relatedLocations"][0];
    assert_eq!(related["id"], 0);
    assert_eq!(related["message"]["text"], "first defined here");
    assert_eq!(related["physicalLocation"]["region"]["startLine"], 4);
    assert_eq!(related["physicalLocation"]["region"]["startColumn"], 8);
}

#[test]
fn levels_follow_severities() {
    // A process with warnings and an info: `stale-review` is an info, so its level is `note`.
    let files = ["stale_review", "unused_role"]
        .iter()
        .flat_map(|dir| salesproc_files(&root().join("fixtures").join(dir)))
        .collect::<Vec<_>>();
    let reports: Vec<FileReport> = files.iter().map(|f| check_file(f, &shown(f))).collect();
    let log = assert_valid(&validator(), &render_sarif(&reports), "levels");
    let levels: Vec<(&str, &str)> =
        results_of(&log).iter().filter_map(|r| Some((r["ruleId"].as_str()?, r["level"].as_str()?))).collect();
    assert!(levels.contains(&("stale-review", "note")), "{levels:?}");
    assert!(levels.contains(&("unused-role", "warning")), "{levels:?}");
    assert!(levels.iter().all(|(_, level)| ["error", "warning", "note"].contains(level)));
}

#[test]
fn columns_count_code_points() {
    // "Ü" and "ö" take two bytes each.
    let text = "process \"Café\" {\n  role ae \"A\"\n  field ok: bool\n  start stage s \"S\" { owner ae\n    exit \"Üö\" when ok == 3\n    advance to w }\n  stage w \"W\" { terminal won }\n}\n";
    let report = check_bytes("accents.salesproc", text.as_bytes(), &options());
    let log = assert_valid(&validator(), &render_sarif(std::slice::from_ref(&report)), "accents");
    assert_eq!(run_of(&log)["columnKind"], "unicodeCodePoints");
    assert_matches_reports(&log, std::slice::from_ref(&report), "accents");
    let region = &results_of(&log)
        .iter()
        .find(|r| r["ruleId"] == "type-mismatch")
        .unwrap_or_else(|| panic!("a type mismatch in {log}"))["locations"][0]["physicalLocation"]["region"];
    // The finding points at the `3`: the 26th character of the line, but its 28th byte.
    let line = text.lines().nth(4).expect("line 5");
    let column = line.chars().position(|c| c == '3').expect("a 3") + 1;
    assert_eq!((column, line.find('3').map(|byte| byte + 1)), (26, Some(28)));
    assert_eq!((region["startLine"].as_u64(), region["startColumn"].as_u64()), (Some(5), Some(26)));
    assert_eq!(region["endColumn"], 27);
}

#[test]
fn odd_inputs_still_give_valid_logs() {
    let validator = validator();
    let inputs: [(&str, &[u8]); 5] = [
        ("empty.salesproc", b""),
        ("not-utf8.salesproc", b"process \"X\" {\n  role \xFF\xFE ae\n}\n"),
        ("unterminated.salesproc", b"process \"X\" {\n  stage s \"S\" {"),
        ("crlf.salesproc", b"process \"X\" {\r\n  probabilty\r\n}\r\n"),
        ("bom.salesproc", "\u{feff}process \"X\" { role ae \"A\" }".as_bytes()),
    ];
    for (name, bytes) in inputs {
        let report = check_bytes(name, bytes, &options());
        let reports = [report];
        let log = assert_valid(&validator, &render_sarif(&reports), name);
        assert_matches_reports(&log, &reports, name);
    }
}

#[test]
fn file_names_become_uri_references() {
    let validator = validator();
    let cwd = std::env::current_dir().expect("current dir").to_string_lossy().replace('\\', "/");
    let cases = [
        (format!("{cwd}/my dir/a b.salesproc"), "my%20dir/a%20b.salesproc".to_string()),
        ("sub/x#1?%.salesproc".to_string(), "sub/x%231%3F%25.salesproc".to_string()),
        ("c:odd/é.salesproc".to_string(), "c%3Aodd/%C3%A9.salesproc".to_string()),
        ("./rel.salesproc".to_string(), "rel.salesproc".to_string()),
        ("../up.salesproc".to_string(), "../up.salesproc".to_string()),
        ("/elsewhere/y z.salesproc".to_string(), "file:///elsewhere/y%20z.salesproc".to_string()),
    ];
    for (path, uri) in &cases {
        let report = check_bytes(path, b"process \"X\" {\n  probabilty\n}\n", &options());
        let log = assert_valid(&validator, &render_sarif(&[report]), path);
        assert_eq!(&run_of(&log)["artifacts"][0]["location"]["uri"], uri, "{path}");
        assert_eq!(&results_of(&log)[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], uri);
        assert!(results_of(&log)[0]["locations"][0]["physicalLocation"]["artifactLocation"].get("uriBaseId").is_none());
    }
}

#[test]
fn the_schema_check_is_not_a_no_op() {
    // Guards the guard: the vendored schema rejects logs that break SARIF.
    let validator = validator();
    let report = check_file(&root().join("fixtures/duplicate_definition/fires.salesproc"), "dup.salesproc");
    let good: Value = serde_json::from_str(&render_sarif(&[report])).expect("JSON");
    assert!(validator.is_valid(&good));
    let location = "/runs/0/results/0/locations/0/physicalLocation";
    let breakages = [
        ("no version", "/version".to_string(), Value::Null),
        ("line 0", format!("{location}/region/startLine"), 0.into()),
        ("a bad level", "/runs/0/results/0/level".to_string(), "fatal".into()),
        ("a file that is not a URI reference", format!("{location}/artifactLocation/uri"), "a b:c d".into()),
    ];
    for (what, pointer, value) in breakages {
        let mut bad = good.clone();
        *bad.pointer_mut(&pointer).unwrap_or_else(|| panic!("no {pointer}")) = value;
        assert!(!validator.is_valid(&bad), "the schema accepted a log with {what}");
    }
}
