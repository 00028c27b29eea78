//! `salesproc check --new-only --base REV` on git repositories built in the test: only the
//! findings a change introduces are reported, matched by what they are about and never by line,
//! so moving or reformatting code never makes an old finding look new.

#[path = "support/git_repo.rs"]
mod git_repo;

use salesproc_tests::salesproc as run;
use salesproc_tests::salesproc_with_input as run_with_input;
use salesproc_tests::TempDir;

use git_repo::GitRepo;

/// A process with two findings: a handoff without SLA (`missing-handoff-sla`) and a field
/// nobody reads (`unused-field`).
const OLD: &str = r#"process "Inbound" {
  role sdr "SDR"
  role ae "AE"
  field budget: money
  field seats: int

  start stage qualification "Qualification" {
    owner sdr
    probability 10%
    requires budget
    exit when budget >= 10_000
    advance to discovery owner ae
    route to lost
  }

  stage discovery "Discovery" {
    owner ae
    probability 20%
    exit when budget >= 25_000
    advance to won
    route to lost
  }

  stage won "Won" { terminal won }
  stage lost "Lost" { terminal lost }
}
"#;

/// The same process moved around and reformatted (stages reordered, a comment, clauses
/// reordered, fields reordered): the same two findings, on other lines.
const MOVED: &str = r#"# Reordered and reformatted; nothing changed in meaning.
process "Inbound" {
  role ae "AE"
  role sdr "SDR"
  field seats: int
  field budget: money

  stage discovery "Discovery" {
    owner ae
    probability 20%
    exit when (budget >=
               25_000)
    route to lost
    advance to won
  }

  stage won "Won" { terminal won }

  start stage qualification "Qualification" {
    owner sdr
    probability 10%
    requires budget
    exit when budget >= 10_000
    route to lost
    advance to discovery   owner ae
  }

  stage lost "Lost" { terminal lost }
}
"#;

fn short_lines(out: &str) -> Vec<&str> {
    out.lines().collect()
}

#[test]
fn only_the_new_finding_is_reported() {
    let repo = GitRepo::new("new-only");
    repo.write("inbound.salesproc", OLD);
    repo.commit("base");
    let file = repo.file("inbound.salesproc");
    // Before the change: both findings are already at HEAD, nothing is new.
    let (code, out, _) = run(&["check", &file, "--format", "short"]);
    assert_eq!(code, 0);
    assert_eq!(short_lines(&out).len(), 2, "{out}");
    let (code, out, err) = run(&["check", "--new-only", "--base", "HEAD", &file, "--format", "short"]);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    assert!(err.contains("2 findings already present at `HEAD` are not shown"), "{err}");

    // Moved code plus one new problem: an activity without outcome in discovery.
    let changed = MOVED.replace(
        "    probability 20%\n",
        "    probability 20%\n    activity demo \"Demo\" {\n      captures budget\n    }\n",
    );
    repo.write("inbound.salesproc", &changed);
    let (_, all, _) = run(&["check", &file, "--format", "short"]);
    assert_eq!(short_lines(&all).len(), 3, "{all}");
    let (code, out, err) = run(&["check", "--new-only", "--base", "HEAD", &file, "--format", "short"]);
    assert_eq!(code, 1, "{out}{err}");
    let lines = short_lines(&out);
    assert_eq!(lines.len(), 1, "{out}");
    assert!(lines[0].contains("error[activity-without-outcome]"), "{out}");
    assert!(lines[0].contains("the activity `demo` of stage `discovery` has no outcome"), "{out}");
    // --quiet drops the note on standard error.
    let (_, _, err) = run(&["check", "--new-only", "--base", "HEAD", &file, "--format", "short", "--quiet"]);
    assert_eq!(err, "");
}

#[test]
fn moving_and_reformatting_introduces_nothing() {
    let repo = GitRepo::new("new-only-moved");
    repo.write("inbound.salesproc", OLD);
    repo.commit("base");
    repo.write("inbound.salesproc", MOVED);
    let file = repo.file("inbound.salesproc");
    // --base defaults to HEAD.
    for args in
        [vec!["check", "--new-only", &file, "--format", "json"], vec!["check", "--new-only", "--base", "HEAD", &file]]
    {
        let (code, out, _) = run(&args);
        assert_eq!(code, 0, "{out}");
        assert!(!out.contains("missing-handoff-sla") && !out.contains("unused-field"), "{out}");
    }
}

#[test]
fn one_more_of_the_same_finding_is_reported_once() {
    let repo = GitRepo::new("new-only-count");
    repo.write("inbound.salesproc", OLD);
    repo.commit("base");
    // The handoff without SLA is there twice now: one of them is new.
    repo.write(
        "inbound.salesproc",
        &OLD.replace(
            "    advance to discovery owner ae\n",
            "    advance to discovery owner ae\n    advance to discovery owner ae\n",
        ),
    );
    let file = repo.file("inbound.salesproc");
    let (_, all, _) = run(&["check", &file, "--format", "short"]);
    assert_eq!(all.matches("missing-handoff-sla").count(), 2, "{all}");
    let (code, out, _) = run(&["check", "--new-only", &file, "--format", "short"]);
    assert_eq!(code, 0);
    assert_eq!(short_lines(&out).len(), 1, "{out}");
    assert!(out.contains("warning[missing-handoff-sla]"), "{out}");
}

#[test]
fn a_renamed_stage_keeps_its_findings() {
    let repo = GitRepo::new("new-only-rename");
    repo.write("inbound.salesproc", OLD);
    repo.commit("base");
    // Same title, new identifier: the handoff into it still has no SLA, which is not new.
    repo.write("inbound.salesproc", &OLD.replace("discovery", "deep_discovery"));
    let file = repo.file("inbound.salesproc");
    let (code, out, err) = run(&["check", "--new-only", &file, "--format", "short"]);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
}

#[test]
fn a_file_that_is_not_at_the_base_has_only_new_findings() {
    let repo = GitRepo::new("new-only-new-file");
    repo.write("other.salesproc", &OLD.replace("field seats: int\n", ""));
    let base = repo.commit("base");
    repo.write("teams/inbound.salesproc", OLD);
    let (code, out, _) = run(&["check", "--new-only", "--base", &base, &repo.file("."), "--format", "short"]);
    assert_eq!(code, 0);
    let lines = short_lines(&out);
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines.iter().all(|l| l.contains("teams/inbound.salesproc")), "{out}");
}

#[test]
fn imports_are_read_at_the_base_too() {
    let repo = GitRepo::new("new-only-imports");
    repo.write("shared/fields.salesproc", "field budget: money\nfield seats: int\n");
    let pipeline = OLD.replace("  field budget: money\n  field seats: int\n", "").replacen(
        "process",
        "use \"../shared/fields.salesproc\"\n\nprocess",
        1,
    );
    repo.write("teams/inbound.salesproc", &pipeline);
    repo.commit("base");
    // `budget` is renamed in both files: the base version resolves only with the base import.
    repo.write("shared/fields.salesproc", "field annual_budget: money\nfield seats: int\n");
    repo.write("teams/inbound.salesproc", &pipeline.replace("budget", "annual_budget"));
    let file = repo.file("teams/inbound.salesproc");
    let (_, all, _) = run(&["check", &file, "--format", "short"]);
    assert_eq!(short_lines(&all).len(), 1, "{all}");
    let (code, out, err) = run(&["check", "--new-only", &file, "--format", "short"]);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
}

#[test]
fn standard_input_needs_a_file_name() {
    let repo = GitRepo::new("new-only-stdin");
    repo.write("inbound.salesproc", OLD);
    repo.commit("base");
    let changed = OLD.replace("    probability 20%\n", "    probability 20%\n    activity demo \"Demo\" {\n    }\n");
    let (code, out, err) = run_with_input(&["check", "--new-only", "-", "--format", "short"], changed.as_bytes());
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("--stdin-filename"), "{err}");
    let name = repo.file("inbound.salesproc");
    let (code, out, _) = run_with_input(
        &["check", "--new-only", "-", "--stdin-filename", &name, "--format", "short"],
        changed.as_bytes(),
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("activity-without-outcome"), "{out}");
    assert!(!out.contains("missing-handoff-sla"), "{out}");
}

#[test]
fn failures_exit_2_with_a_reason() {
    let repo = GitRepo::new("new-only-errors");
    repo.write("inbound.salesproc", OLD);
    repo.commit("base");
    let file = repo.file("inbound.salesproc");
    let (code, out, err) = run(&["check", "--new-only", "--base", "origin/main", &file]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("there is no git revision `origin/main`"), "{err}");
    assert!(err.contains("fetch-depth: 0"), "{err}");
    let (code, _, err) = run(&["check", "--base", "HEAD", &file]);
    assert_eq!(code, 2, "--base needs --new-only: {err}");
    let outside = TempDir::new("new-only-not-a-repo");
    let lone = outside.write("a.salesproc", OLD);
    let (code, _, err) = run(&["check", "--new-only", &lone.to_string_lossy()]);
    assert_eq!(code, 2);
    assert!(err.contains("not inside a git repository"), "{err}");
}
