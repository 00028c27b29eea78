//! The recipes of `docs/integrations.md` and the hook in `.pre-commit-hooks.yaml`: every block is
//! parsed, every `salesproc` command in them runs through the real command line, and every editor
//! pattern is compiled and matched against real `short` output.
//!
//! The editor patterns are written in three regex dialects (JavaScript for VS Code, Vim's
//! `errorformat`, Emacs Lisp); each is translated here to the `regex` crate's syntax by the rules
//! its editor applies, so what is tested is what the editor would match.

use salesproc_tests::salesproc;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use regex::Regex;
use serde_json::Value as Json;
use serde_yaml::Value as Yaml;

use salesproc_cli::render::{render_github, render_short};
use salesproc_tests::{check_file, repository, root};

/// The problem matcher's pattern, as `docs/integrations.md` gives it in `tasks.json`.
const VSCODE_REGEXP: &str = r"^(.+?):(\d+):(\d+): (error|warning|info)\[([a-z0-9-]+)\]: (.*)$";

/// The Vim `errorformat` of `docs/integrations.md`.
const VIM_ERRORFORMAT: &str = "%f:%l:%c: %t%*[^[][%*[^]]]: %m";

/// The Emacs regexp of `docs/integrations.md`, as Emacs reads it (after the Lisp string's own
/// escapes are undone).
const EMACS_REGEXP: &str = r"^\(.+?\):\([0-9]+\):\([0-9]+\): \(?:error\|\(warning\)\|\(info\)\)\[\([a-z0-9-]+\)\]: ";

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn integrations_doc() -> String {
    read(&repository().join("docs/integrations.md"))
}

/// The bodies of the fenced blocks of `language` in a Markdown text.
fn blocks(markdown: &str, language: &str) -> Vec<String> {
    let fence = format!("```{language}");
    let mut found = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match current.as_mut() {
            None if line.trim_end() == fence => current = Some(String::new()),
            None => {}
            Some(_) if line.trim_end() == "```" => found.extend(current.take()),
            Some(body) => {
                body.push_str(line);
                body.push('\n');
            }
        }
    }
    found
}

/// One diagnostic of the JSON format, for comparing with what a pattern extracted.
#[derive(Debug, PartialEq)]
struct Expected {
    file: String,
    line: String,
    column: String,
    severity: String,
    rule: String,
    message: String,
}

/// Real `short` output for `args` (a `check` without `--format`) and the same diagnostics in
/// the JSON format.
fn short_and_expected(args: &[&str]) -> (String, Vec<Expected>) {
    let with = |format: &str| {
        let mut all: Vec<&str> = vec!["check"];
        all.extend(args);
        all.extend(["--format", format]);
        let (code, out, err) = salesproc(&all);
        assert!(code < 2 && err.is_empty(), "salesproc {all:?} failed ({code}): {err}");
        out
    };
    let short = with("short");
    let json: Json = serde_json::from_str(&with("json")).expect("JSON output");
    let expected = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            let text = |key: &str| match &d[key] {
                Json::String(s) => s.clone(),
                other => other.to_string(),
            };
            Expected {
                file: text("file"),
                line: text("line"),
                column: text("column"),
                severity: text("severity"),
                rule: text("rule"),
                message: text("message").replace(['\n', '\r'], " "),
            }
        })
        .collect();
    (short, expected)
}

/// Real output covering every severity, a file name with a space and colons, and many rules:
/// every fixture (run from the tests crate, as `.` of the VS Code task) plus an odd file name.
fn real_outputs() -> Vec<(String, Vec<Expected>)> {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("integrations-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("a dir")).expect("temp dir");
    let odd = dir.join("a dir/odd:12:name.salesproc");
    std::fs::write(&odd, "process \"P\" {\n  role ae \"A\"\n  role ae \"B\"\n  probabilty 10%\n}\n").expect("write");
    let odd = odd.to_string_lossy().into_owned();
    let outputs = vec![short_and_expected(&["."]), short_and_expected(&[odd.as_str()])];
    let severities: Vec<&str> = outputs.iter().flat_map(|(_, e)| e.iter().map(|e| e.severity.as_str())).collect();
    for severity in ["error", "warning", "info"] {
        assert!(severities.contains(&severity), "the real output should hold a {severity}");
    }
    assert!(outputs[1].1.len() >= 2, "{:?}", outputs[1]);
    outputs
}

/// Asserts that `matcher` reads every line of every real output as the JSON format's diagnostic.
fn assert_reads_real_output(what: &str, matcher: impl Fn(&str) -> Option<Expected>) {
    for (short, expected) in real_outputs() {
        let lines: Vec<&str> = short.lines().collect();
        assert_eq!(lines.len(), expected.len(), "one short line per diagnostic");
        for (line, expected) in lines.iter().zip(&expected) {
            let read = matcher(line).unwrap_or_else(|| panic!("{what} does not match: {line}"));
            assert_eq!(&read, expected, "{what} misreads: {line}");
        }
    }
}

#[test]
fn vscode_problem_matcher_reads_real_short_output() {
    let doc = integrations_doc();
    let tasks: Vec<Json> = blocks(&doc, "json")
        .iter()
        .filter(|b| b.contains("problemMatcher"))
        .map(|b| serde_json::from_str(b).unwrap_or_else(|e| panic!("tasks.json is not JSON: {e}\n{b}")))
        .collect();
    assert_eq!(tasks.len(), 1, "one tasks.json in the docs");
    let task = &tasks[0]["tasks"][0];
    let matcher = &task["problemMatcher"];
    let pattern = &matcher["pattern"];
    assert_eq!(pattern["regexp"], VSCODE_REGEXP, "the docs' regexp is not the one tested here");
    let groups: Vec<(&str, u64)> = ["file", "line", "column", "severity", "code", "message"]
        .iter()
        .map(|k| (*k, pattern[*k].as_u64().unwrap_or(0)))
        .collect();
    assert_eq!(groups, [("file", 1), ("line", 2), ("column", 3), ("severity", 4), ("code", 5), ("message", 6)]);
    assert_eq!(task["command"], "salesproc");
    // The task's own command line, run for real from the tests crate: its output is what the
    // matcher reads below.
    let args: Vec<&str> = task["args"].as_array().expect("args").iter().filter_map(Json::as_str).collect();
    assert_eq!(args, ["check", ".", "--format", "short"]);
    // The pattern uses only syntax that JavaScript and the `regex` crate read alike.
    let regex = Regex::new(VSCODE_REGEXP).expect("the regexp compiles");
    assert_reads_real_output("the VS Code problem matcher", |line| {
        let c = regex.captures(line)?;
        Some(Expected {
            file: c[1].to_string(),
            line: c[2].to_string(),
            column: c[3].to_string(),
            severity: c[4].to_string(),
            rule: c[5].to_string(),
            message: c[6].to_string(),
        })
    });
}

/// Translates a Vim `errorformat` pattern to a regex the way Vim does (`efm_to_regpat` in
/// `quickfix.c`), for the items used here:
///
/// - `%f` followed by a literal character becomes `.\{-1,}` (a lazy `.+?`), "the requirement
///   that :999: follows should work"; followed by `%` or `\` it would be `\f\+`, not supported.
/// - `%l`, `%c` become `\d\+`; `%t` is one character (`.`); `%m` is `.\+`.
/// - `%*[...]` is a scanf-like set matched one or more times and not kept.
/// - Any other character is literal (Vim escapes regex characters such as `[` itself).
/// - The whole pattern must match the whole line.
///
/// Captures come out in the order of the items; their names are given in the result.
fn vim_errorformat_to_regex(efm: &str) -> (String, Vec<char>) {
    let mut out = String::from("^");
    let mut items = Vec::new();
    let mut chars = efm.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push_str(&regex::escape(&c.to_string()));
            continue;
        }
        match chars.next() {
            Some('f') => {
                let next = chars.peek().copied();
                assert!(next.is_some_and(|n| n != '%' && n != '\\'), "%f must be followed by a literal here");
                out.push_str("(.+?)");
                items.push('f');
            }
            Some(item @ ('l' | 'c')) => {
                out.push_str(r"(\d+)");
                items.push(item);
            }
            Some('t') => {
                out.push_str("(.)");
                items.push('t');
            }
            Some('m') => {
                out.push_str("(.+)");
                items.push('m');
            }
            Some('%') => out.push('%'),
            Some('*') => {
                assert_eq!(chars.next(), Some('['), "only %*[...] is supported");
                out.push('[');
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                // As in scanf, a `]` first in the set is literal.
                let mut first = true;
                loop {
                    let c = chars.next().expect("an unterminated %*[");
                    if c == ']' && !first {
                        break;
                    }
                    first = false;
                    out.push_str(&regex::escape(&c.to_string()));
                }
                out.push_str("]+");
            }
            other => panic!("errorformat item %{other:?} is not supported by this test"),
        }
    }
    out.push('$');
    (out, items)
}

#[test]
fn vim_errorformat_reads_real_short_output() {
    let doc = integrations_doc();
    let vim = blocks(&doc, "vim");
    assert_eq!(vim.len(), 1);
    let efm = vim[0]
        .lines()
        .find_map(|l| l.strip_prefix("let &errorformat = '").and_then(|rest| rest.strip_suffix('\'')))
        .expect("a `let &errorformat = '...'` line");
    assert_eq!(efm, VIM_ERRORFORMAT, "the docs' errorformat is not the one tested here");
    assert!(vim[0].contains(r"set makeprg=salesproc\ check\ --format\ short"));
    let (pattern, items) = vim_errorformat_to_regex(VIM_ERRORFORMAT);
    assert_eq!(pattern, r"^(.+?):(\d+):(\d+): (.)[^\[]+\[[^\]]+\]: (.+)$");
    assert_eq!(items, ['f', 'l', 'c', 't', 'm']);
    let regex = Regex::new(&pattern).expect("the translation compiles");
    assert_reads_real_output("the Vim errorformat", |line| {
        let c = regex.captures(line)?;
        // `%t` keeps the first letter, which Vim reads as the type: e, w or i.
        let severity = match &c[4] {
            "e" => "error",
            "w" => "warning",
            "i" => "info",
            other => panic!("Vim would not know the type {other}"),
        };
        // The rule is skipped by the errorformat; take it from the line to compare the rest.
        let rule = line.split_once('[').and_then(|(_, rest)| rest.split_once(']')).map(|(rule, _)| rule)?;
        Some(Expected {
            file: c[1].to_string(),
            line: c[2].to_string(),
            column: c[3].to_string(),
            severity: severity.to_string(),
            rule: rule.to_string(),
            message: c[5].to_string(),
        })
    });
}

/// Reads the first Emacs Lisp string literal in `text`: `\\` is a backslash, `\"` a quote.
fn first_lisp_string(text: &str) -> String {
    let start = text.find('"').expect("a string literal") + 1;
    let mut out = String::new();
    let mut chars = text[start..].chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return out,
            '\\' => out.push(chars.next().expect("an escape")),
            _ => out.push(c),
        }
    }
    panic!("an unterminated string literal");
}

/// Translates an Emacs regexp to the `regex` crate's syntax: `\(`, `\(?:`, `\)`, `\|`, `\{`, `\}`
/// are the operators (bare `(`, `)`, `|`, `{`, `}` are literal characters), `\[` `\]` `\.` `\*`
/// `\+` `\?` `\^` `\$` `\\` are literal characters, and a `[...]` set has no escapes inside (a `]`
/// first in it is literal).
fn emacs_to_regex(emacs: &str) -> String {
    let mut out = String::new();
    let mut chars = emacs.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next().expect("a trailing backslash") {
                '(' if chars.peek() == Some(&'?') => {
                    assert_eq!((chars.next(), chars.next()), (Some('?'), Some(':')), "only shy groups `\\(?:`");
                    out.push_str("(?:");
                }
                '(' => out.push('('),
                ')' => out.push(')'),
                '|' => out.push('|'),
                '{' => out.push('{'),
                '}' => out.push('}'),
                literal @ ('[' | ']' | '.' | '*' | '+' | '?' | '^' | '$' | '\\') => {
                    out.push('\\');
                    out.push(literal);
                }
                other => panic!("the Emacs escape \\{other} is not supported by this test"),
            },
            '(' | ')' | '|' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            '[' => {
                out.push('[');
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                let mut first = true;
                loop {
                    let c = chars.next().expect("an unterminated set");
                    if c == ']' && !first {
                        break;
                    }
                    first = false;
                    if matches!(c, '\\' | '[' | ']') {
                        out.push('\\');
                    }
                    out.push(c);
                }
                out.push(']');
            }
            _ => out.push(c),
        }
    }
    out
}

#[test]
fn emacs_regexp_reads_real_short_output() {
    let doc = integrations_doc();
    let elisp = blocks(&doc, "elisp");
    assert_eq!(elisp.len(), 1);
    let block = &elisp[0];
    assert_eq!(first_lisp_string(block), EMACS_REGEXP, "the docs' regexp is not the one tested here");
    // File 1, line 2, column 3; group 4 makes a warning and group 5 an info.
    assert!(block.contains("1 2 3 (4 . 5)"), "{block}");
    assert!(block.contains("(add-to-list 'compilation-error-regexp-alist 'salesproc)"));
    let translated = emacs_to_regex(EMACS_REGEXP);
    assert_eq!(translated, r"^(.+?):([0-9]+):([0-9]+): (?:error|(warning)|(info))\[([a-z0-9-]+)\]: ");
    let regex = Regex::new(&translated).expect("the translation compiles");
    assert_reads_real_output("the Emacs regexp", |line| {
        let c = regex.captures(line)?;
        // Emacs matches from the start of the line; the message is the rest of the line.
        let message = &line[c.get(0)?.end()..];
        let severity = match (c.get(4).is_some(), c.get(5).is_some()) {
            (true, false) => "warning",
            (false, true) => "info",
            (false, false) => "error",
            (true, true) => panic!("both groups matched"),
        };
        Some(Expected {
            file: c[1].to_string(),
            line: c[2].to_string(),
            column: c[3].to_string(),
            severity: severity.to_string(),
            rule: c[6].to_string(),
            message: message.to_string(),
        })
    });
}

#[test]
fn the_examples_in_the_docs_are_real_output() {
    let doc = integrations_doc();
    let report =
        check_file(&root().join("fixtures/duplicate_definition/fires.salesproc"), "processes/inbound.salesproc");
    let reports = [report];
    let short = render_short(&reports);
    let github = render_github(&reports);
    let examples: Vec<String> = blocks(&doc, "text").iter().map(|b| b.trim_end().to_string()).collect();
    for (format, output) in [("short", &short), ("github", &github)] {
        let first = output.lines().next().expect("a diagnostic");
        assert!(examples.iter().any(|e| e == first), "the docs' {format} example is stale; the tool prints:\n{first}");
    }
}

/// The repository URL declared in the workspace manifest.
fn workspace_repository() -> String {
    let manifest = read(&repository().join("Cargo.toml"));
    let line = manifest.lines().find(|l| l.starts_with("repository = ")).expect("a repository in Cargo.toml");
    line.trim_start_matches("repository = ").trim_matches('"').to_string()
}

#[test]
fn install_commands_name_this_repository() {
    let url = workspace_repository();
    let texts = [integrations_doc(), read(&repository().join(".pre-commit-hooks.yaml"))];
    let mut seen = 0;
    for text in &texts {
        for (at, _) in text.match_indices("cargo install --locked") {
            let command: Vec<&str> = text[at..].lines().next().unwrap_or_default().split_whitespace().collect();
            assert_eq!(command, ["cargo", "install", "--locked", "--git", &url, "salesproc-cli"]);
            seen += 1;
        }
    }
    assert!(seen >= 3, "expected the install command in the docs and the hooks file");
    // The package installed is the one that has the `salesproc` binary the recipes run.
    let cli = read(&repository().join("crates/salesproc-cli/Cargo.toml"));
    assert!(cli.contains("name = \"salesproc-cli\"") && cli.contains("[[bin]]\nname = \"salesproc\""), "{cli}");
}

/// Runs a `salesproc check ...` command line from a recipe (words split at spaces, stopping at
/// a shell redirection) and returns the exit code; fails when the arguments are rejected.
fn run_recipe(command: &str) -> u8 {
    let words: Vec<&str> = command.split_whitespace().take_while(|w| !w.starts_with('>')).collect();
    assert_eq!(words.first(), Some(&"salesproc"), "{command}");
    let (code, _, err) = salesproc(&words[1..]);
    assert!(code < 2 && err.is_empty(), "`{command}` failed ({code}): {err}");
    code
}

fn steps(workflow: &Yaml) -> Vec<&Yaml> {
    let jobs = workflow["jobs"].as_mapping().expect("jobs");
    jobs.values().flat_map(|job| job["steps"].as_sequence().into_iter().flatten()).collect()
}

#[test]
fn github_workflows_parse_and_run() {
    let doc = integrations_doc();
    let workflows: Vec<Yaml> = blocks(&doc, "yaml")
        .iter()
        .filter(|b| b.contains("jobs:"))
        .map(|b| serde_yaml::from_str(b).unwrap_or_else(|e| panic!("a workflow is not YAML: {e}\n{b}")))
        .collect();
    assert_eq!(workflows.len(), 2, "the SARIF workflow and the annotations workflow");
    for workflow in &workflows {
        assert!(workflow["on"].get("pull_request").is_some(), "runs on pull requests: {workflow:?}");
        assert_eq!(workflow["permissions"]["contents"], "read");
        let steps = steps(workflow);
        assert!(steps.iter().any(|s| s["uses"].as_str().is_some_and(|u| u.starts_with("actions/checkout@"))));
        assert!(steps.iter().any(|s| s["run"].as_str().is_some_and(|r| r.starts_with("cargo install "))));
    }

    // Code scanning: the file salesproc writes is the file uploaded, even when the lint fails.
    let sarif = &workflows[0];
    assert_eq!(sarif["permissions"]["security-events"], "write");
    let steps = steps(sarif);
    let lint = steps
        .iter()
        .filter_map(|s| s["run"].as_str())
        .find(|r| r.starts_with("salesproc check"))
        .expect("a salesproc step");
    assert!(lint.contains("--format sarif"), "{lint}");
    let written = lint.split_once('>').map(|(_, file)| file.trim()).expect("output redirected to a file");
    let upload = steps
        .iter()
        .find(|s| s["uses"].as_str().is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif@")))
        .expect("an upload-sarif step");
    assert_eq!(upload["with"]["sarif_file"], written);
    assert!(upload["if"].as_str().is_some_and(|c| c.contains("!cancelled()")), "upload even when the lint fails");
    assert_eq!(run_recipe(lint), 1, "the tests crate holds failing fixtures");
    let (_, log, _) = salesproc(&["check", ".", "--format", "sarif"]);
    let log: Json = serde_json::from_str(&log).expect("SARIF is JSON");
    assert_eq!(log["version"], "2.1.0");

    // Annotations.
    let lint =
        steps_run(&workflows[1]).into_iter().find(|r| r.starts_with("salesproc check")).expect("a salesproc step");
    assert!(lint.contains("--format github"), "{lint}");
    assert_eq!(run_recipe(&lint), 1);
}

fn steps_run(workflow: &Yaml) -> Vec<String> {
    steps(workflow).iter().filter_map(|s| s["run"].as_str().map(str::to_string)).collect()
}

/// The hooks of `.pre-commit-hooks.yaml`.
fn hooks() -> Vec<Yaml> {
    let text = read(&repository().join(".pre-commit-hooks.yaml"));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!(".pre-commit-hooks.yaml is not YAML: {e}"))
}

#[test]
fn pre_commit_hook_is_valid_and_runs() {
    let hooks = hooks();
    assert_eq!(hooks.len(), 1);
    let hook = &hooks[0];
    // The keys pre-commit requires, and only keys it knows.
    for key in ["id", "name", "entry", "language"] {
        assert!(hook[key].as_str().is_some_and(|v| !v.is_empty()), "{key} missing");
    }
    let known = [
        "id",
        "name",
        "entry",
        "language",
        "files",
        "exclude",
        "types",
        "types_or",
        "exclude_types",
        "always_run",
        "fail_fast",
        "verbose",
        "pass_filenames",
        "require_serial",
        "description",
        "language_version",
        "minimum_pre_commit_version",
        "args",
        "stages",
        "additional_dependencies",
    ];
    for key in hook.as_mapping().expect("a mapping").keys() {
        assert!(key.as_str().is_some_and(|k| known.contains(&k)), "unknown hook key {key:?}");
    }
    assert_eq!(hook["id"], "salesproc");
    assert_eq!(hook["entry"], "salesproc check");
    let language = hook["language"].as_str().expect("language");
    assert!(["system", "rust"].contains(&language), "{language}");
    if language == "rust" {
        // pre-commit builds a `rust` hook with `cargo install --path .` at the repository root,
        // which needs a package there, not only a virtual workspace.
        let manifest = read(&repository().join("Cargo.toml"));
        assert!(manifest.lines().any(|l| l.trim() == "[package]"), "language: rust needs a root package");
    }
    // pre-commit matches `files` with Python's re.search; this pattern means the same in Rust.
    let files = Regex::new(hook["files"].as_str().expect("files")).expect("files compiles");
    assert!(files.is_match("a.salesproc") && files.is_match("sales/processes/inbound.salesproc"));
    assert!(!files.is_match("a.salesproc.orig") && !files.is_match("salesproc.yaml") && !files.is_match("a.txt"));
    assert_ne!(hook["pass_filenames"], false, "the hook checks the files being committed");

    // What pre-commit runs: the entry, then the args of the user's config, then the files.
    let entry: Vec<&str> = hook["entry"].as_str().expect("entry").split_whitespace().collect();
    let good = root().join("fixtures/type_mismatch/passes.salesproc");
    let bad = root().join("fixtures/duplicate_definition/fires.salesproc");
    let warned = root().join("fixtures/unused_role/fires.salesproc");
    let run = |args: &[&str], files: &[&PathBuf]| {
        let mut argv: Vec<OsString> = entry[1..].iter().chain(args).map(OsString::from).collect();
        argv.extend(files.iter().map(|f| f.as_os_str().to_os_string()));
        salesproc(&argv).0
    };
    assert_eq!(run(&[], &[&good]), 0);
    assert_eq!(run(&[], &[&good, &bad]), 1);
    assert_eq!(run(&[], &[&warned]), 0, "warnings alone pass");
    assert_eq!(run(&["--deny", "warnings"], &[&warned]), 1, "the args shown in the docs work");
}

#[test]
fn pre_commit_configs_in_the_docs_use_the_hook() {
    let doc = integrations_doc();
    let configs: Vec<Yaml> = blocks(&doc, "yaml")
        .iter()
        .filter(|b| b.starts_with("repos:"))
        .map(|b| serde_yaml::from_str(b).unwrap_or_else(|e| panic!("a config is not YAML: {e}\n{b}")))
        .collect();
    assert_eq!(configs.len(), 2, "the remote and the local configuration");
    let hook = &hooks()[0];
    let remote = &configs[0]["repos"][0];
    assert_eq!(remote["repo"], workspace_repository().as_str());
    assert!(remote["rev"].as_str().is_some_and(|r| !r.is_empty()));
    assert_eq!(remote["hooks"][0]["id"], hook["id"]);
    let args: Vec<&str> =
        remote["hooks"][0]["args"].as_sequence().into_iter().flatten().filter_map(Yaml::as_str).collect();
    assert_eq!(args, ["--deny", "warnings"]);
    let local = &configs[1]["repos"][0];
    assert_eq!(local["repo"], "local");
    for key in ["id", "entry", "language", "files"] {
        assert_eq!(local["hooks"][0][key], hook[key], "the local hook differs from the published one in {key}");
    }
}
