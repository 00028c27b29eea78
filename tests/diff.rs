//! `salesproc diff`: every fixture pair under `tests/fixtures_diff/<kind>/{old,new}.salesproc`
//! is compared and its human, markdown and JSON output checked against the snapshot beside it
//! (`diff.snap`); each fixture must show the changes of its kind with the right old and new
//! values; every kind of change appears in some fixture; and `diff --git` runs on a git
//! repository built in the test.

#[path = "support/git_repo.rs"]
mod git_repo;

use salesproc_tests::salesproc as run;
use std::path::Path;

use salesproc_cli::diff::compare::ChangeKind;
use salesproc_cli::diff::render;
use salesproc_cli::diff::version::{Location, Version};
use salesproc_cli::diff::{diff_versions, DiffReport, FileDiff, Source, Status};
use salesproc_tests::{options, root};

use git_repo::GitRepo;

/// Compares a fixture pair; a missing side is a file that does not exist there.
fn diff_fixture(dir: &Path) -> DiffReport {
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let options = options();
    let side = |file: &str| {
        let path = dir.join(file);
        let shown = format!("fixtures_diff/{name}/{file}");
        let version =
            std::fs::read(&path).ok().map(|bytes| Version::evaluate(&bytes, &shown, Location::Disk(&path), &options));
        (shown, version)
    };
    let (old_shown, old) = side("old.salesproc");
    let (new_shown, new) = side("new.salesproc");
    let shown = if new.is_some() { &new_shown } else { &old_shown };
    let file = diff_versions(shown, old.as_ref(), new.as_ref());
    DiffReport { old: Source::File { path: old_shown }, new: Source::File { path: new_shown }, files: vec![file] }
}

fn file_of(report: &DiffReport) -> &FileDiff {
    &report.files[0]
}

fn fixture(name: &str) -> DiffReport {
    diff_fixture(&root().join("fixtures_diff").join(name))
}

/// Asserts that `report` has a change of `kind` on a subject described as `subject` with these
/// old and new values, risky or not.
#[track_caller]
fn expect(report: &DiffReport, kind: ChangeKind, subject: &str, old: Option<&str>, new: Option<&str>, risky: bool) {
    let file = file_of(report);
    let found = file.changes.iter().any(|c| {
        c.kind == kind
            && c.subject.describe().contains(subject)
            && c.old.as_deref() == old
            && c.new.as_deref() == new
            && c.risk.is_some() == risky
    });
    assert!(
        found,
        "{}: no {kind:?} on {subject} with {old:?} → {new:?} (risky: {risky}); changes:\n{}",
        file.file,
        file.changes
            .iter()
            .map(|c| format!("  {:?} {} risk={}", c.kind, c.describe(), c.risk.is_some()))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn fixtures_match_their_snapshots() {
    let mut failures = Vec::new();
    for dir in salesproc_tests::fixture_dirs("fixtures_diff") {
        let report = diff_fixture(&dir);
        let snapshot = format!(
            "{}---------------------------------------- markdown\n{}---------------------------------------- json\n{}",
            render::human(&report),
            render::markdown(&report),
            render::json(&report)
        );
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(&dir);
        settings.set_prepend_module_to_snapshot(false);
        settings.set_omit_expression(true);
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            settings.bind(|| insta::assert_snapshot!("diff", snapshot));
        }));
        if outcome.is_err() {
            failures.push(format!("{}: snapshot differs (run `cargo insta review`)", dir.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_kind_of_change_appears_in_a_fixture() {
    let mut seen = std::collections::BTreeSet::new();
    for dir in salesproc_tests::fixture_dirs("fixtures_diff") {
        seen.extend(file_of(&diff_fixture(&dir)).changes.iter().map(|c| c.kind));
    }
    let missing: Vec<_> = ChangeKind::ALL.iter().filter(|k| !seen.contains(k)).collect();
    assert!(missing.is_empty(), "no fixture shows {missing:?}");
}

#[test]
fn only_moving_code_changes_nothing() {
    let report = fixture("moved_only");
    let file = file_of(&report);
    assert_eq!(file.status, Status::Unchanged);
    assert!(file.changes.is_empty(), "{:?}", file.changes);
    assert!(file.introduced.is_empty() && file.resolved.is_empty());
}

#[test]
fn stages_added_removed_and_renamed() {
    let report = fixture("stages_added_removed");
    expect(&report, ChangeKind::StageAdded, "stage `demo` (Demo)", None, Some("demo"), false);
    expect(&report, ChangeKind::StageRemoved, "stage `nurture` (Nurture)", Some("nurture"), None, true);
    let removed =
        file_of(&report).changes.iter().find(|c| c.kind == ChangeKind::StageRemoved).and_then(|c| c.risk.clone());
    assert!(removed.is_some_and(|r| r.contains("deals sitting in `nurture`") && r.contains("to `qualification`")));
    expect(
        &report,
        ChangeKind::TransitionAdded,
        "`advance demo → closing`",
        None,
        Some("advance to closing within 2d"),
        false,
    );
    expect(&report, ChangeKind::RoleRemoved, "role `marketing`", Some("marketing"), None, false);

    let report = fixture("stage_renamed");
    expect(
        &report,
        ChangeKind::StageRenamed,
        "stage `discovery_call_stage`",
        Some("discovery"),
        Some("discovery_call_stage"),
        true,
    );
    // Transitions follow the rename: nothing else changed.
    assert_eq!(file_of(&report).changes.len(), 1, "{:?}", file_of(&report).changes);
    assert!(file_of(&report).introduced.is_empty() && file_of(&report).resolved.is_empty());
}

#[test]
fn owners_probabilities_and_slas() {
    let report = fixture("owners");
    expect(&report, ChangeKind::ProcessOwnerChanged, "process", Some("revops"), Some("marketing"), false);
    expect(&report, ChangeKind::StageOwnerChanged, "stage `closing`", Some("ae"), Some("revops"), false);
    expect(
        &report,
        ChangeKind::TransitionOwnerChanged,
        "`advance qualification → discovery`",
        Some("ae"),
        Some("revops"),
        false,
    );
    expect(&report, ChangeKind::ActivityOwnerChanged, "activity `discovery_call`", None, Some("sdr"), false);

    let report = fixture("probabilities");
    expect(&report, ChangeKind::ProbabilityChanged, "stage `discovery`", Some("25%"), Some("20%"), true);
    expect(&report, ChangeKind::ProbabilityChanged, "stage `closing`", Some("60%"), Some("70%"), false);

    let report = fixture("slas");
    expect(&report, ChangeKind::SlaChanged, "stage `discovery`", Some("2w"), Some("1w"), true);
    expect(&report, ChangeKind::SlaChanged, "stage `qualification`", Some("2d"), Some("3d"), false);
    expect(&report, ChangeKind::SlaChanged, "stage `closing`", None, Some("30d"), false);
    expect(&report, ChangeKind::WithinChanged, "`advance qualification → discovery`", Some("2d"), Some("1d"), true);
    expect(&report, ChangeKind::WithinChanged, "`route qualification → nurture`", Some("1w"), Some("2w"), false);
    expect(&report, ChangeKind::WithinChanged, "`advance discovery → closing`", Some("3d"), None, false);
}

#[test]
fn criteria_and_requires() {
    let report = fixture("criteria");
    expect(&report, ChangeKind::EntryCriterionAdded, "stage `qualification`", None, Some("budget is set"), false);
    expect(
        &report,
        ChangeKind::EntryCriterionChanged,
        "stage `discovery`",
        Some("segment in { mid_market, enterprise }"),
        Some("segment == enterprise"),
        false,
    );
    expect(
        &report,
        ChangeKind::ExitCriterionChanged,
        "stage `qualification`",
        Some("budget >= 10_000"),
        Some("budget >= 25_000"),
        false,
    );
    expect(
        &report,
        ChangeKind::ExitCriterionAdded,
        "stage `qualification`",
        None,
        Some("\"Buyer known\" when authority"),
        false,
    );
    expect(&report, ChangeKind::ExitLabelChanged, "stage `closing`", None, Some("\"Approved\""), false);
    expect(
        &report,
        ChangeKind::WhenCriterionChanged,
        "`route qualification → nurture`",
        Some("segment == smb"),
        Some("segment == smb or budget < 10_000"),
        false,
    );
    expect(
        &report,
        ChangeKind::WhenCriterionAdded,
        "`advance closing → closed_won`",
        None,
        Some("discount is set"),
        false,
    );

    let report = fixture("criteria_removed");
    expect(
        &report,
        ChangeKind::EntryCriterionRemoved,
        "stage `discovery`",
        Some("segment in { mid_market, enterprise }"),
        None,
        false,
    );
    expect(&report, ChangeKind::ExitCriterionRemoved, "stage `closing`", Some("discount <= 20%"), None, false);
    expect(
        &report,
        ChangeKind::WhenCriterionRemoved,
        "`advance closing → closed_won`",
        Some("discount is set"),
        None,
        false,
    );
    expect(
        &report,
        ChangeKind::EntryTriggerChanged,
        "stage `qualification`",
        Some("\"Meeting booked\""),
        Some("\"Meeting with the buyer booked\""),
        false,
    );

    let report = fixture("requires");
    expect(&report, ChangeKind::RequiresAdded, "stage `qualification`", None, Some("segment"), false);
    expect(&report, ChangeKind::RequiresRemoved, "stage `qualification`", Some("authority"), None, false);
    expect(&report, ChangeKind::RequiresAdded, "stage `discovery`", None, Some("pain"), false);
}

#[test]
fn activities_and_transitions() {
    let report = fixture("activities");
    expect(
        &report,
        ChangeKind::OutcomeChanged,
        "activity `bant_call`",
        Some("\"Budget and authority confirmed\""),
        Some("\"Budget, authority and segment confirmed with the buyer\""),
        false,
    );
    expect(&report, ChangeKind::CapturesAdded, "activity `bant_call`", None, Some("pain"), false);
    expect(&report, ChangeKind::OptionalChanged, "activity `bant_call`", Some("no"), Some("yes"), false);
    expect(
        &report,
        ChangeKind::ActivityTitleChanged,
        "activity `discovery_call`",
        Some("\"Discovery call\""),
        Some("\"First discovery call\""),
        false,
    );
    expect(&report, ChangeKind::ActivityAdded, "activity `proposal`", None, Some("proposal"), false);
    expect(&report, ChangeKind::ActivityRemoved, "activity `negotiate`", Some("negotiate"), None, false);

    let report = fixture("transitions");
    expect(
        &report,
        ChangeKind::TransitionAdded,
        "`route discovery → nurture`",
        None,
        Some("route to nurture owner marketing within 1w"),
        false,
    );
    expect(
        &report,
        ChangeKind::TransitionRemoved,
        "`route closing → closed_lost`",
        Some("route to closed_lost"),
        None,
        false,
    );
}

#[test]
fn roles_fields_enums_and_terminals() {
    let report = fixture("roles_fields");
    expect(&report, ChangeKind::RoleAdded, "role `se`", None, Some("se"), false);
    expect(
        &report,
        ChangeKind::RoleTitleChanged,
        "role `revops`",
        Some("\"Revenue Operations\""),
        Some("\"RevOps\""),
        false,
    );
    expect(&report, ChangeKind::FieldRetyped, "field `budget`", Some("money"), Some("int"), false);
    expect(&report, ChangeKind::FieldTitleChanged, "field `budget`", None, Some("\"Annual budget\""), false);
    expect(&report, ChangeKind::FieldAdded, "field `competitor`", None, Some("text"), false);

    let report = fixture("roles_fields_removed");
    expect(&report, ChangeKind::RoleRemoved, "role `partner`", Some("partner"), None, false);
    expect(&report, ChangeKind::FieldRemoved, "field `competitor`", Some("text"), None, true);
    expect(&report, ChangeKind::CapturesRemoved, "activity `discovery_call`", Some("competitor"), None, false);

    let report = fixture("enum_members");
    expect(&report, ChangeKind::EnumMemberRenamed, "field `segment`", Some("smb"), Some("small_business"), true);
    expect(&report, ChangeKind::EnumMemberRemoved, "field `segment`", Some("public_sector"), None, true);
    expect(&report, ChangeKind::EnumMemberAdded, "field `segment`", None, Some("strategic"), false);

    let report = fixture("terminal_kind");
    expect(&report, ChangeKind::TerminalChanged, "stage `closed_no_decision`", Some("lost"), Some("won"), true);
}

#[test]
fn process_level_changes() {
    let report = fixture("process");
    expect(
        &report,
        ChangeKind::ProcessRenamed,
        "process",
        Some("\"Inbound\""),
        Some("\"Inbound new business\""),
        false,
    );
    expect(&report, ChangeKind::VersionChanged, "process", Some("\"1.0\""), Some("\"1.1\""), false);
    expect(&report, ChangeKind::DescriptionChanged, "process", None, Some("\"Inbound leads from the website\""), false);
    expect(&report, ChangeKind::ReviewCadenceChanged, "process", Some("90d"), Some("180d"), false);
    expect(&report, ChangeKind::ReviewedChanged, "process", Some("2026-10-01"), Some("2026-11-01"), false);
    expect(&report, ChangeKind::StartChanged, "stage `qualification`", Some("yes"), Some("no"), false);
    expect(&report, ChangeKind::StartChanged, "stage `nurture`", Some("no"), Some("yes"), false);
    expect(
        &report,
        ChangeKind::StageTitleChanged,
        "stage `closing`",
        Some("\"Closing\""),
        Some("\"Negotiation and closing\""),
        false,
    );
    expect(
        &report,
        ChangeKind::GoalChanged,
        "stage `discovery`",
        None,
        Some("\"Understand the pain before any demo\""),
        false,
    );
}

#[test]
fn findings_introduced_and_resolved() {
    let report = fixture("findings");
    let file = file_of(&report);
    let rules = |findings: &[salesproc_cli::diff::Finding]| findings.iter().map(|f| f.rule.clone()).collect::<Vec<_>>();
    assert_eq!(rules(&file.introduced), ["missing-handoff-sla"]);
    assert_eq!(rules(&file.resolved), ["activity-without-outcome"]);
    expect(
        &report,
        ChangeKind::OutcomeChanged,
        "activity `negotiate`",
        None,
        Some("\"Discount approved by finance\""),
        false,
    );
}

#[test]
fn added_removed_and_broken_files() {
    let report = fixture("file_added");
    let file = file_of(&report);
    assert_eq!(file.status, Status::Added);
    assert!(file.changes.iter().all(|c| c.old.is_none()), "an added file has only additions");
    expect(&report, ChangeKind::StageAdded, "stage `qualification`", None, Some("qualification"), false);

    let report = fixture("file_removed");
    let file = file_of(&report);
    assert_eq!(file.status, Status::Removed);
    assert!(file.changes.iter().all(|c| c.new.is_none()), "a removed file has only removals");
    expect(&report, ChangeKind::StageRemoved, "stage `discovery`", Some("discovery"), None, true);

    let report = fixture("not_compared");
    let file = file_of(&report);
    assert_eq!(file.status, Status::NotCompared);
    assert!(file.changes.is_empty());
    assert_eq!(file.problems.len(), 1);
    assert_eq!(file.introduced.iter().map(|f| f.rule.as_str()).collect::<Vec<_>>(), ["syntax-error"]);
}

fn p(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

#[test]
fn two_files_on_the_command_line() {
    let dir = root().join("fixtures_diff/probabilities");
    let (old, new) = (p(&dir.join("old.salesproc")), p(&dir.join("new.salesproc")));
    let (code, out, err) = run(&["diff", &old, &new, "--format", "json"]);
    assert_eq!((code, err.as_str()), (0, ""));
    let json: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(json["version"], 1);
    assert_eq!(json["summary"]["risky"], 1);
    assert_eq!(json["files"][0]["changes"][0]["kind"], "probability-changed");
    assert_eq!(json["files"][0]["changes"][0]["old"], "25%");
    assert_eq!(json["files"][0]["changes"][0]["new"], "20%");
    // Risky changes fail the run only when asked to.
    assert_eq!(run(&["diff", &old, &new, "--deny", "risky"]).0, 1);
    let moved = root().join("fixtures_diff/moved_only");
    let (code, out, _) =
        run(&["diff", &p(&moved.join("old.salesproc")), &p(&moved.join("new.salesproc")), "--deny", "risky"]);
    assert_eq!(code, 0);
    assert!(out.contains("No semantic change"), "{out}");
    let (code, out, _) = run(&["diff", &old, &new, "--format", "markdown"]);
    assert_eq!(code, 0);
    assert!(out.starts_with(render::MARKDOWN_MARKER), "{out}");
}

#[test]
fn command_line_errors_exit_2() {
    let (code, out, err) = run(&["diff", "only-one.salesproc"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("compares two files"), "{err}");
    let (code, _, err) = run(&["diff", "/no/such/old.salesproc", "/no/such/new.salesproc"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read `/no/such/old.salesproc`"), "{err}");
    // A version that cannot be read as a process: the report is printed, with exit code 2.
    let dir = root().join("fixtures_diff/not_compared");
    let (code, out, err) = run(&["diff", &p(&dir.join("old.salesproc")), &p(&dir.join("new.salesproc"))]);
    assert_eq!(code, 2);
    assert!(out.contains("error[syntax-error] line 39"), "{out}");
    assert!(err.contains("has 1 error that stops the process from being read"), "{err}");
}

const ROLES: &str = "role sdr \"SDR\"\nrole ae \"AE\"\nfield budget: money\nfield segment: enum { smb, enterprise }\n";

fn pipeline(extra: &str, ae_probability: &str) -> String {
    format!(
        "use \"roles.salesproc\"\n\nprocess \"Pipeline\" {{\n  start stage qualification \"Qualification\" {{\n    owner sdr\n    probability 10%\n    requires budget, segment\n    exit when budget >= 10_000\n{extra}    advance to discovery owner ae within 2d\n    route to lost\n  }}\n\n  stage discovery \"Discovery\" {{\n    owner ae\n    probability {ae_probability}\n    exit when segment == enterprise\n    advance to won\n    route to lost\n  }}\n\n  stage won \"Won\" {{ terminal won }}\n  stage lost \"Lost\" {{ terminal lost }}\n}}\n"
    )
}

#[test]
fn git_mode_compares_the_working_tree_with_a_revision() {
    let repo = GitRepo::new("diff-git");
    repo.write("teams/roles.salesproc", ROLES);
    repo.write("teams/pipeline.salesproc", &pipeline("", "25%"));
    repo.write("teams/unchanged.salesproc", &pipeline("", "30%"));
    repo.write("teams/retired.salesproc", &pipeline("", "25%"));
    let base = repo.commit("base");
    // Working tree: one file changed, one removed, one added (not yet committed), one as it was.
    repo.write("teams/pipeline.salesproc", &pipeline("", "20%"));
    repo.remove("teams/retired.salesproc");
    repo.write("teams/new.salesproc", &pipeline("", "25%"));

    let (code, out, err) = run(&["diff", "--git", &base, &repo.file("teams"), "--format", "json"]);
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    let json: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(json["old"]["type"], "revision");
    assert_eq!(json["old"]["commit"], base.as_str());
    assert_eq!(json["new"]["type"], "working-tree");
    let files: Vec<(String, String)> = json["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| (f["file"].as_str().unwrap_or("").to_string(), f["status"].as_str().unwrap_or("").to_string()))
        .collect();
    let expected = [
        ("teams/new.salesproc", "added"),
        ("teams/pipeline.salesproc", "modified"),
        ("teams/retired.salesproc", "removed"),
    ];
    assert_eq!(files, expected.map(|(f, s)| (f.to_string(), s.to_string())));
    let pipeline_changes = &json["files"][1]["changes"];
    assert_eq!(pipeline_changes.as_array().map(Vec::len), Some(1), "{pipeline_changes}");
    assert_eq!(pipeline_changes[0]["kind"], "probability-changed");
    assert_eq!(pipeline_changes[0]["risky"], true);

    // The whole repository by default (from inside it), and a single file.
    let (code, out, _) = run(&["diff", "--git", "HEAD", &repo.file("teams/pipeline.salesproc")]);
    assert_eq!(code, 0);
    assert!(out.contains("teams/pipeline.salesproc (modified)"), "{out}");
    assert!(out.contains("probability `25%` → `20%`"), "{out}");
    assert!(!out.contains("retired"), "{out}");
}

#[test]
fn git_mode_reads_imports_at_the_revision() {
    let repo = GitRepo::new("diff-git-imports");
    repo.write("roles.salesproc", ROLES);
    repo.write("pipeline.salesproc", &pipeline("", "25%"));
    repo.commit("base");
    // The shared field is renamed in both files: the old pipeline only resolves against the old
    // roles file, which must be read at the revision, not from the working tree.
    repo.write("roles.salesproc", &ROLES.replace("budget", "annual_budget"));
    repo.write("pipeline.salesproc", &pipeline("", "25%").replace("budget", "annual_budget"));
    let (code, out, err) = run(&["diff", "--git", "HEAD", &repo.file(".")]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("pipeline.salesproc (modified)"), "{out}");
    assert!(out.contains("required field added: `annual_budget`"), "{out}");
    assert!(out.contains("roles.salesproc (modified)"), "{out}");
    assert!(out.contains("field `annual_budget` added"), "{out}");
    assert!(!out.contains("not compared"), "{out}");
}

#[test]
fn git_mode_with_only_moved_code_is_empty() {
    let repo = GitRepo::new("diff-git-moved");
    let moved = root().join("fixtures_diff/moved_only");
    let read = |f: &str| std::fs::read_to_string(moved.join(f)).expect("fixture");
    repo.write("process.salesproc", &read("old.salesproc"));
    repo.commit("base");
    repo.write("process.salesproc", &read("new.salesproc"));
    let (code, out, err) = run(&["diff", "--git", "HEAD", &repo.file("."), "--format", "markdown"]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(out.contains("No semantic change between `HEAD` and the working tree."), "{out}");
}

#[test]
fn git_mode_errors() {
    let repo = GitRepo::new("diff-git-errors");
    repo.write("a.salesproc", &pipeline("", "25%"));
    repo.commit("base");
    let (code, out, err) = run(&["diff", "--git", "no-such-branch", &repo.file(".")]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("there is no git revision `no-such-branch`"), "{err}");
    let (code, _, err) = run(&["diff", "--git=--output=x", &repo.file(".")]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = run(&["diff", "--git", "HEAD", &repo.file("missing")]);
    assert_eq!(code, 2);
    assert!(err.contains("no .salesproc file"), "{err}");
    let outside = salesproc_tests::TempDir::new("diff-not-a-repo");
    outside.write("a.salesproc", &pipeline("", "25%"));
    let (code, _, err) = run(&["diff", "--git", "HEAD", &p(outside.path())]);
    assert_eq!(code, 2);
    assert!(err.contains("not inside a git repository"), "{err}");
}

#[test]
fn the_json_document_lists_every_kind() {
    let docs =
        std::fs::read_to_string(salesproc_tests::repository().join("docs/diff-json.md")).expect("docs/diff-json.md");
    for kind in ChangeKind::ALL {
        let name = serde_json::to_value(kind).expect("a kind serializes");
        let name = name.as_str().unwrap_or_default();
        assert!(docs.contains(&format!("| `{name}` |")), "docs/diff-json.md does not document `{name}`");
    }
}
