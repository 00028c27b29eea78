//! Every fixture under `tests/fixtures/<rule_name>/` is checked and its human and JSON output
//! compared with the snapshot beside it. A fixture named `fires*` must report its directory's
//! rule; one named `passes*` must not.

use std::path::Path;

use salesproc_cli::args::Format;
use salesproc_cli::render::{render, render_json};
use salesproc_tests::{check_file, root, salesproc_files};

fn check_fixture(dir: &Path, file: &Path) -> Result<(), String> {
    let dir_name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let rule = dir_name.replace('_', "-");
    let stem = file.file_stem().and_then(|n| n.to_str()).unwrap_or_default().to_string();
    let shown = format!("fixtures/{dir_name}/{stem}.salesproc");
    let report = check_file(file, &shown);
    let reports = [report];
    let fired = reports[0].diagnostics.iter().any(|d| d.rule == rule);
    if stem.starts_with("fires") && !fired {
        return Err(format!("{shown}: expected `{rule}` to fire, got {:?}", rules_of(&reports[0])));
    }
    if stem.starts_with("passes") && fired {
        return Err(format!("{shown}: `{rule}` must not fire, got {:?}", rules_of(&reports[0])));
    }
    let snapshot = format!(
        "{}\n---------------------------------------- json\n{}",
        render(Format::Human, &reports, false, false),
        render_json(&reports)
    );
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(dir);
    settings.set_prepend_module_to_snapshot(false);
    settings.set_input_file(file);
    settings.set_omit_expression(true);
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        settings.bind(|| insta::assert_snapshot!(stem.clone(), snapshot));
    }));
    outcome.map_err(|_| format!("{shown}: snapshot differs (run `cargo insta review`)"))
}

fn rules_of(report: &salesproc_cli::check::FileReport) -> Vec<&'static str> {
    report.diagnostics.iter().map(|d| d.rule).collect()
}

/// `SALESPROC_FIXTURES=dir_a,dir_b` limits the run to those fixture directories, for working on
/// a few rules at a time; the full suite (and CI) runs them all.
fn selected(dir: &Path) -> bool {
    let Ok(filter) = std::env::var("SALESPROC_FIXTURES") else { return true };
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    filter.split(',').any(|wanted| wanted.trim() == name)
}

#[test]
fn fixtures_match_their_snapshots() {
    let mut failures = Vec::new();
    let mut count = 0;
    for dir in salesproc_tests::fixture_dirs("fixtures").into_iter().filter(|d| selected(d)) {
        for file in salesproc_files(&dir) {
            count += 1;
            if let Err(failure) = check_fixture(&dir, &file) {
                failures.push(failure);
            }
        }
    }
    assert!(count > 0, "no fixtures found");
    assert!(failures.is_empty(), "{} of {count} fixtures failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_rule_has_a_firing_fixture_and_a_near_miss() {
    let front_end = salesproc_parser::diagnostic::rules::ALL.iter().map(|(name, _)| *name);
    let process = salesproc_checker::RULES.iter().map(|r| r.name);
    let mut missing = Vec::new();
    for rule in front_end.chain(process) {
        // Imports are resolved by the CI-integration work; their fixtures come with it.
        // `unreadable-file` is about the file system, tested through the command line.
        if rule == "import-error" || rule == "unreadable-file" {
            continue;
        }
        let dir = root().join("fixtures").join(rule.replace('-', "_"));
        let stems: Vec<String> = salesproc_files(&dir)
            .iter()
            .filter_map(|p| p.file_stem().and_then(|s| s.to_str()).map(str::to_string))
            .collect();
        for kind in ["fires", "passes"] {
            if !stems.iter().any(|s| s.starts_with(kind)) {
                missing.push(format!("{rule}: no `{kind}*.salesproc` in {}", dir.display()));
            }
        }
    }
    assert!(missing.is_empty(), "missing fixtures:\n{}", missing.join("\n"));
}
