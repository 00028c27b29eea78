//! `salesproc export`: the export of every example (and of every fixture whose model can be
//! built) validates against the committed JSON Schema `docs/export.schema.json`; JSON and YAML
//! carry the same document; every key is documented in `docs/export.md`.

use salesproc_tests::salesproc;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use salesproc_tests::{repository, root, salesproc_files, salesproc_with_input, TempDir};
use serde_json::Value;

fn export(file: &Path, format: &str) -> String {
    let (code, out, err) = salesproc(&["export", &file.to_string_lossy(), "--format", format]);
    assert_eq!((code, err.as_str()), (0, ""), "{}", file.display());
    out
}

fn export_json(file: &Path) -> Value {
    serde_json::from_str(&export(file, "json")).unwrap_or_else(|e| panic!("{}: not JSON: {e}", file.display()))
}

fn schema() -> Value {
    let text = std::fs::read_to_string(repository().join("docs/export.schema.json")).expect("the schema is committed");
    serde_json::from_str(&text).expect("the schema is JSON")
}

fn validator() -> jsonschema::Validator {
    jsonschema::validator_for(&schema()).unwrap_or_else(|e| panic!("the schema compiles: {e}"))
}

fn assert_valid(validator: &jsonschema::Validator, document: &Value, what: &str) {
    let errors: Vec<String> =
        validator.iter_errors(document).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{what} does not match docs/export.schema.json:\n{}", errors.join("\n"));
}

/// The fixtures whose model can be built (no front-end error).
fn resolvable_fixtures() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs: Vec<PathBuf> =
        std::fs::read_dir(root().join("fixtures")).unwrap().flatten().map(|e| e.path()).collect();
    dirs.sort();
    for dir in dirs.into_iter().filter(|d| d.is_dir()) {
        for file in salesproc_files(&dir) {
            let Ok(text) = std::fs::read_to_string(&file) else { continue };
            if salesproc_parser::analyze(&text).model.is_some() {
                files.push(file);
            }
        }
    }
    files
}

#[test]
fn the_schema_is_a_valid_2020_12_schema() {
    let schema = schema();
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    jsonschema::meta::validate(&schema)
        .unwrap_or_else(|e| panic!("docs/export.schema.json is not a valid schema: {e}"));
}

#[test]
fn every_example_validates_against_the_schema() {
    let validator = validator();
    let examples = salesproc_files(&repository().join("examples"));
    assert!(examples.len() >= 5);
    for file in &examples {
        let document = export_json(file);
        assert_valid(&validator, &document, &file.display().to_string());
        assert_eq!(document["format_version"], 1);
        assert!(document["process"].is_object(), "{}", file.display());
    }
    let fixtures = resolvable_fixtures();
    assert!(fixtures.len() > 20, "only {} fixtures resolve", fixtures.len());
    for file in &fixtures {
        assert_valid(&validator, &export_json(file), &file.display().to_string());
    }
}

#[test]
fn the_schema_is_not_vacuous() {
    let validator = validator();
    let good = export_json(&repository().join("examples/four_stage.salesproc"));
    let mut missing = good.clone();
    missing["process"]["stages"][0].as_object_mut().unwrap().remove("owner");
    assert!(!validator.is_valid(&missing), "a missing key is refused");
    let mut extra = good.clone();
    extra["process"]["transitions"][0]["surprise"] = Value::Bool(true);
    assert!(!validator.is_valid(&extra), "an unknown key is refused");
    let mut wrong = good.clone();
    wrong["process"]["transitions"][0]["kind"] = Value::String("jump".into());
    assert!(!validator.is_valid(&wrong), "an unknown transition kind is refused");
    let mut percent = good;
    percent["process"]["stages"][0]["probability"] = serde_json::json!(120.0);
    assert!(!validator.is_valid(&percent), "a probability over 100 is refused");
}

#[test]
fn yaml_carries_the_same_document() {
    for file in salesproc_files(&repository().join("examples")) {
        let json = export_json(&file);
        let yaml = export(&file, "yaml");
        let from_yaml: Value = salesproc_cli::yaml::from_str(&yaml)
            .unwrap_or_else(|e| panic!("{}: not YAML: {}", file.display(), e.message))
            .expect("a document");
        assert_eq!(from_yaml, json, "{}", file.display());
    }
}

#[test]
fn the_export_reads_like_the_process() {
    let document = export_json(&repository().join("examples/four_stage.salesproc"));
    let process = &document["process"];
    assert_eq!(process["starts"], serde_json::json!(["qualify"]));
    let qualify = &process["stages"][0];
    assert_eq!(qualify["name"], "qualify");
    assert_eq!(qualify["owner"], "inside_sales");
    assert_eq!(qualify["sla"], serde_json::json!({ "text": "7d", "minutes": 10080 }));
    assert_eq!(qualify["exits"][0]["when"]["text"], "budget >= 5_000");
    assert_eq!(
        qualify["exits"][0]["when"]["expr"],
        serde_json::json!({ "op": "compare", "field": "budget", "cmp": ">=",
            "value": { "type": "number", "value": 5000.0, "text": "5_000" } })
    );
    assert_eq!(qualify["exits"][1]["when"]["expr"]["value"]["text"], Value::Null, "a bare bool field");
    let first = &process["transitions"][0];
    assert_eq!(
        (&first["from"], &first["to"], &first["next_owner"], &first["handoff"]),
        (&Value::from("qualify"), &Value::from("develop"), &Value::from("account_exec"), &Value::Bool(true))
    );
    assert_eq!(first["location"], serde_json::json!({ "line": 45, "column": 5, "end_line": 45, "end_column": 55 }));
    let won = process["stages"].as_array().unwrap().iter().find(|s| s["terminal"] == "won").unwrap();
    assert_eq!((&won["probability"], &won["effective_probability"]), (&Value::Null, &serde_json::json!(100.0)));
}

#[test]
fn imported_roles_and_fields_say_where_they_come_from() {
    let dir = TempDir::new("export-use");
    dir.write("salesproc.yaml", "");
    dir.write("shared/roles.salesproc", "role sdr \"Sales Development Rep\"\nfield segment: enum { smb, mid }\n");
    let main = dir.write(
        "main.salesproc",
        "use \"shared/roles.salesproc\"\nprocess \"P\" {\n  role ae\n  start stage a {\n    owner sdr\n    requires segment\n    exit when segment in { smb }\n    advance to won owner ae within 1d\n    route to lost\n  }\n  stage won { terminal won }\n  stage lost { terminal lost }\n}\n",
    );
    let document = export_json(&main);
    assert_valid(&validator(), &document, "an importing file");
    let roles: Vec<(&Value, &Value, bool)> = document["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (&r["name"], &r["imported_from"], r["location"].is_null()))
        .collect();
    assert_eq!(roles.len(), 2);
    assert_eq!(roles[0].0, "sdr");
    assert!(roles[0].1.as_str().is_some_and(|f| f.ends_with("roles.salesproc")) && roles[0].2, "{roles:?}");
    assert_eq!((roles[1].0, roles[1].1, roles[1].2), (&Value::from("ae"), &Value::Null, false));
    assert_eq!(document["fields"][0]["members"], serde_json::json!(["smb", "mid"]));

    // A file of roles and fields only exports with a null process.
    let shared = export_json(&dir.path().join("shared/roles.salesproc"));
    assert_valid(&validator(), &shared, "a file of shared declarations");
    assert_eq!(shared["process"], Value::Null);
}

/// Every key an export can hold, with its path (`process.stages[].owner`).
fn keys(value: &Value, path: &str, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                out.insert(key.clone());
                keys(inner, &format!("{path}.{key}"), out);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| keys(item, &format!("{path}[]"), out)),
        _ => {}
    }
}

#[test]
fn every_key_is_documented() {
    let docs = std::fs::read_to_string(repository().join("docs/export.md")).expect("docs/export.md exists");
    let mut all = BTreeSet::new();
    for file in salesproc_files(&repository().join("examples")).iter().chain(resolvable_fixtures().iter()) {
        keys(&export_json(file), "", &mut all);
    }
    let undocumented: Vec<&String> = all.iter().filter(|key| !docs.contains(&format!("`{key}`"))).collect();
    assert!(undocumented.is_empty(), "keys missing from docs/export.md: {undocumented:?}");
    for op in ["const", "compare", "in", "is_set", "not", "and", "or"] {
        assert!(docs.contains(&format!("`\"{op}\"`")), "docs/export.md explains the op {op}");
    }
}

#[test]
fn files_that_cannot_be_read_or_resolved_are_reported() {
    let dir = TempDir::new("export-errors");
    let broken = dir.write("broken.salesproc", "process \"P\" {\n  stage a { owner nobody }\n}\n");
    let (code, out, err) = salesproc(&["export", &broken.to_string_lossy()]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert!(err.contains("there is no role named `nobody`"), "{err}");
    assert_eq!(salesproc(&["export", "/no/such.salesproc"]).0, 2);
    let (code, out, _) =
        salesproc_with_input(&["export", "-", "--format", "yaml"], b"process \"P\" {\n  stage a { terminal won }\n}\n");
    assert_eq!(code, 0);
    assert!(out.starts_with("format_version: 1\nfile: <stdin>\n"), "{out}");
}
