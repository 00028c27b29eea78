//! Running in CI and editors: configuration, suppressions through the command line, switches,
//! standard input, imports, and many files at once.

use salesproc_tests::salesproc as run;
use salesproc_tests::{salesproc_with_input, TempDir};

/// A small process that checks clean, with `extra` inserted in its first stage.
fn process(extra: &str) -> String {
    format!(
        "process \"Inbound\" {{\n  role sdr \"SDR\"\n  role ae \"AE\"\n  field budget: money\n\n  start stage qualification \"Qualification\" {{\n    owner sdr\n    probability 10%\n    requires budget\n    exit when budget >= 10_000\n{extra}    advance to discovery owner ae within 2d\n    route to lost\n  }}\n\n  stage discovery \"Discovery\" {{\n    owner ae\n    probability 20%\n    exit when budget >= 25_000\n    advance to won\n    route to lost\n  }}\n\n  stage won \"Closed Won\" {{ terminal won }}\n  stage lost \"Closed Lost\" {{ terminal lost }}\n}}\n"
    )
}

/// The same process with a handoff that has no SLA (a `missing-handoff-sla` warning).
fn process_with_warning() -> String {
    process("").replace("advance to discovery owner ae within 2d", "advance to discovery owner ae")
}

fn p(path: &std::path::Path) -> String {
    path.to_string_lossy().into_owned()
}

#[test]
fn clean_process_is_clean() {
    let dir = TempDir::new("clean");
    let file = dir.write("a.salesproc", &process(""));
    assert_eq!(run(&["check", &p(&file), "--format", "short"]), (0, String::new(), String::new()));
}

#[test]
fn deny_warnings_turns_warnings_into_failure() {
    let dir = TempDir::new("deny");
    let file = dir.write("a.salesproc", &process_with_warning());
    let (code, out, _) = run(&["check", &p(&file), "--format", "short"]);
    assert_eq!(code, 0);
    assert!(out.contains("warning[missing-handoff-sla]"), "{out}");
    assert_eq!(run(&["check", &p(&file), "--deny", "warnings"]).0, 1);
}

#[test]
fn configuration_is_discovered_upwards_and_stops_at_the_repository_root() {
    let dir = TempDir::new("config");
    dir.write("salesproc.yaml", "rules:\n  missing-handoff-sla: error\n");
    let nested = dir.write("teams/emea/a.salesproc", &process_with_warning());
    let (code, out, _) = run(&["check", &p(&nested), "--format", "short"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("error[missing-handoff-sla]"), "{out}");
    // A repository root between the file and the configuration hides it.
    std::fs::create_dir_all(dir.path().join("teams/.git")).expect("mkdir");
    let (code, out, _) = run(&["check", &p(&nested), "--format", "short"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("warning[missing-handoff-sla]"), "{out}");
}

#[test]
fn rules_can_be_switched_off_and_limits_changed() {
    let dir = TempDir::new("off");
    let config = dir.write("custom.yaml", "rules:\n  missing-handoff-sla: off\nlimits:\n  max-stages: 1\n");
    let file = dir.write("a.salesproc", &process_with_warning());
    let (code, out, _) = run(&["check", &p(&file), "--config", &p(&config), "--format", "short"]);
    assert_eq!(code, 0);
    assert!(!out.contains("missing-handoff-sla"), "{out}");
    assert!(out.contains("warning[process-too-complex]"), "{out}");
}

#[test]
fn invalid_configuration_exits_2_with_file_line_and_suggestion() {
    let dir = TempDir::new("badconfig");
    dir.write("salesproc.yaml", "rules:\n  thin-handoff: off\n  missing-handof-sla: error\n");
    let file = dir.write("a.salesproc", &process(""));
    let (code, out, err) = run(&["check", &p(&file)]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("salesproc.yaml:3:3"), "{err}");
    assert!(err.contains("did you mean `missing-handoff-sla`?"), "{err}");
    dir.write("salesproc.yaml", "rules:\n  thin-handoff: sometimes\n");
    let (code, _, err) = run(&["check", &p(&file)]);
    assert_eq!(code, 2);
    assert!(err.contains("salesproc.yaml:2:") && err.contains("unknown severity `sometimes`"), "{err}");
    dir.write("salesproc.yaml", "limit:\n  max-stages: 3\n");
    let (code, _, err) = run(&["check", &p(&file)]);
    assert_eq!(code, 2);
    assert!(err.contains("salesproc.yaml:1:") && err.contains("unknown field `limit`"), "{err}");
}

#[test]
fn standard_input_with_a_file_name() {
    let text = process_with_warning();
    let (code, out, _) = salesproc_with_input(
        &["check", "-", "--stdin-filename", "pipelines/inbound.salesproc", "--format", "short"],
        text.as_bytes(),
    );
    assert_eq!(code, 0);
    assert!(out.starts_with("pipelines/inbound.salesproc:11:5: warning[missing-handoff-sla]"), "{out}");
    let (_, out, _) =
        salesproc_with_input(&["check", "-", "--format", "short"], b"process \"P\" {\n  probabilty 3%\n}\n");
    assert!(out.starts_with("<stdin>:2:3: error[syntax-error]"), "{out}");
}

#[test]
fn today_switch_and_variable() {
    let dir = TempDir::new("today");
    let text = process("")
        .replace("process \"Inbound\" {\n", "process \"Inbound\" {\n  review every 90d\n  reviewed 2026-01-01\n");
    let file = dir.write("a.salesproc", &text);
    let (_, out, _) = run(&["check", &p(&file), "--format", "short", "--today", "2026-02-01"]);
    assert!(!out.contains("stale-review"), "{out}");
    let (_, out, _) = run(&["check", &p(&file), "--format", "short", "--today", "2026-06-01"]);
    assert!(out.contains("info[stale-review]"), "{out}");
    let (code, _, err) = run(&["check", &p(&file), "--today", "2026-02-30"]);
    assert_eq!(code, 2);
    assert!(err.contains("not a date"), "{err}");
}

#[test]
fn quiet_drops_the_summary_and_colour_can_be_forced() {
    let dir = TempDir::new("quiet");
    let file = dir.write("a.salesproc", &process_with_warning());
    let (_, loud, _) = run(&["check", &p(&file)]);
    let (_, quiet, _) = run(&["check", &p(&file), "--quiet"]);
    assert!(loud.contains("1 problem in 1 file"), "{loud}");
    assert!(!quiet.contains("problem in"), "{quiet}");
    assert!(quiet.contains("missing-handoff-sla"));
    let (_, coloured, _) = run(&["check", &p(&file), "--color", "always"]);
    assert!(coloured.contains('\u{1b}'));
    let (_, plain, _) = run(&["check", &p(&file), "--color", "never"]);
    assert!(!plain.contains('\u{1b}'));
}

#[test]
fn suppressions_through_the_command_line() {
    let dir = TempDir::new("suppress");
    let text = process_with_warning().replace(
        "advance to discovery owner ae\n",
        "advance to discovery owner ae # salesproc: allow(missing-handoff-sla) AEs pick up same day\n",
    );
    let file = dir.write("a.salesproc", &text);
    assert_eq!(run(&["check", &p(&file), "--format", "short"]), (0, String::new(), String::new()));
}

#[test]
fn imports_share_roles_and_fields() {
    let dir = TempDir::new("imports");
    dir.write("salesproc.yaml", "");
    dir.write("shared/roles.salesproc", "# Roles every team uses.\nrole sdr \"SDR\"\nrole ae \"AE\"\nrole csm \"Customer Success\"\nuse \"fields.salesproc\"\n");
    dir.write("shared/fields.salesproc", "field budget: money\n");
    let body = process("");
    let body = body
        .replace("  role sdr \"SDR\"\n  role ae \"AE\"\n  field budget: money\n", "")
        .replace("process \"Inbound\"", "use \"../shared/roles.salesproc\"\nprocess \"Inbound\"");
    let file = dir.write("teams/inbound.salesproc", &body);
    // `csm` is unused here, but it is declared for other processes: no `unused-role`.
    assert_eq!(run(&["check", &p(&file), "--format", "short"]), (0, String::new(), String::new()));
    // The whole tree checks clean too: the shared files are importable files.
    assert_eq!(run(&["check", &p(dir.path()), "--format", "short"]), (0, String::new(), String::new()));
}

#[test]
fn import_errors() {
    let dir = TempDir::new("import-errors");
    dir.write("salesproc.yaml", "");
    dir.write("other.salesproc", &process(""));
    dir.write("a.salesproc", "use \"b.salesproc\"\nrole x\n");
    dir.write("b.salesproc", "use \"a.salesproc\"\nrole y\n");
    dir.write("broken.salesproc", "role ok\nrol typo\n");
    let file = dir.write(
        "main.salesproc",
        &format!(
            "use \"../../../../../../etc/passwd\"\nuse \"missing.salesproc\"\nuse \"other.salesproc\"\nuse \"a.salesproc\"\nuse \"broken.salesproc\"\n{}",
            process("")
        ),
    );
    let (code, out, _) = run(&["check", &p(&file), "--format", "short"]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    let main = |line: usize| format!("main.salesproc:{line}:5: error[import-error]");
    assert!(lines.iter().any(|l| l.contains(&main(1)) && l.contains("leaves the project directory")), "{out}");
    assert!(lines.iter().any(|l| l.contains(&main(2)) && l.contains("there is no file")), "{out}");
    assert!(lines.iter().any(|l| l.contains(&main(3)) && l.contains("holds a process")), "{out}");
    assert!(lines.iter().any(|l| l.contains(&main(4)) && l.contains("imports itself")), "{out}");
    assert!(lines.iter().any(|l| l.contains(&main(5)) && l.contains("has errors of its own")), "{out}");
    // The error inside the imported file is reported in that file.
    assert!(lines.iter().any(|l| l.contains("broken.salesproc:2:1: error[syntax-error]")), "{out}");
}

#[test]
fn a_local_declaration_may_not_shadow_an_import() {
    let dir = TempDir::new("shadow");
    dir.write("salesproc.yaml", "");
    dir.write("roles.salesproc", "role sdr \"SDR\"\n");
    let file = dir.write("main.salesproc", &format!("use \"roles.salesproc\"\n{}", process("")));
    let (code, out, _) = run(&["check", &p(&file), "--format", "short"]);
    assert_eq!(code, 1);
    assert!(out.contains("error[duplicate-definition]: the role `sdr` is already defined in `"), "{out}");
    assert!(out.contains("roles.salesproc`, which this file imports"), "{out}");
}

#[test]
fn many_files_same_bytes_every_run_and_oversized_files_refused() {
    let dir = TempDir::new("many");
    for i in 0..300 {
        let text = if i % 7 == 0 { process_with_warning() } else { process("") };
        dir.write(&format!("team{:02}/p{i:03}.salesproc", i % 13), &text);
    }
    let huge = dir.path().join("team00/huge.salesproc");
    std::fs::File::create(&huge).and_then(|f| f.set_len(65 * 1024 * 1024)).expect("sparse file");
    let args = ["check", &p(dir.path()), "--format", "json"];
    let first = run(&args);
    for _ in 0..3 {
        assert_eq!(run(&args), first, "output must not depend on thread timing");
    }
    let document: serde_json::Value = serde_json::from_str(&first.1).expect("json");
    assert_eq!(document["summary"]["files"], 301);
    assert_eq!(document["summary"]["warnings"], 43);
    let refused: Vec<&serde_json::Value> =
        document["diagnostics"].as_array().expect("array").iter().filter(|d| d["rule"] == "unreadable-file").collect();
    assert_eq!(refused.len(), 1);
    assert!(refused[0]["message"].as_str().unwrap_or_default().contains("65.0 MiB"), "{:?}", refused[0]);
}
