//! The output formats of `salesproc diff`: `human` for a terminal, `markdown` for a pull-request
//! comment, `json` for tools (documented in `docs/diff-json.md`).

use serde::Serialize;

use super::compare::{Change, Subject};
use super::{DiffReport, FileDiff, Finding, Side, Source, Status};

/// Totals over every file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Files with a change, a finding introduced or resolved, or a problem.
    pub files: usize,
    /// Semantic changes.
    pub changes: usize,
    /// Risky changes.
    pub risky: usize,
    /// Findings introduced.
    pub introduced: usize,
    /// Findings resolved.
    pub resolved: usize,
    /// Files that could not be compared.
    pub not_compared: usize,
}

impl Totals {
    /// Counts `report`.
    pub fn of(report: &DiffReport) -> Totals {
        let mut totals = Totals::default();
        for file in report.files.iter().filter(|f| f.status != Status::Unchanged) {
            totals.files += 1;
            totals.changes += file.changes.len();
            totals.risky += file.risky();
            totals.introduced += file.introduced.len();
            totals.resolved += file.resolved.len();
            totals.not_compared += usize::from(!file.problems.is_empty());
        }
        totals
    }
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

fn counts(changes: usize, risky: usize, introduced: usize, resolved: usize) -> String {
    let mut text = plural(changes, "change");
    if risky > 0 {
        text.push_str(&format!(" ({risky} risky)"));
    }
    text.push_str(&format!(", {} introduced, {resolved} resolved", plural(introduced, "finding")));
    text
}

/// "1 error that stops", "2 errors that stop".
fn errors_that_stop(count: usize) -> String {
    match count {
        1 => "1 error that stops".to_string(),
        n => format!("{n} errors that stop"),
    }
}

fn status_word(status: Status) -> &'static str {
    match status {
        Status::Added => "added",
        Status::Removed => "removed",
        Status::Modified => "modified",
        Status::Unchanged => "unchanged",
        Status::NotCompared => "not compared",
    }
}

/// Text a file could hold that must not reach a terminal as is: control characters are shown
/// escaped.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() && c != '\n' { c.escape_default().to_string() } else { c.to_string() })
        .collect()
}

// ------------------------------------------------------------------------------------ human

/// The `human` format: one block per file, one line per change, the risky ones explained.
pub fn human(report: &DiffReport) -> String {
    let mut out = String::new();
    let totals = Totals::of(report);
    let (old, new) = (report.old.describe(), report.new.describe());
    for file in &report.files {
        out.push_str(&printable(&format!(
            "{} ({}): {}\n",
            file.file,
            status_word(file.status),
            counts(file.changes.len(), file.risky(), file.introduced.len(), file.resolved.len())
        )));
        for problem in &file.problems {
            let version = match problem.side {
                Side::Old => report.old.version(),
                Side::New => report.new.version(),
            };
            out.push_str(&format!(
                "  cannot compare the processes: {version} has {} it from being read{}\n",
                errors_that_stop(problem.errors.len()),
                if unlisted(file, problem).is_empty() { " (listed below)" } else { ":" }
            ));
            for error in unlisted(file, problem) {
                out.push_str(&printable(&format!("    {}\n", finding_line(error))));
            }
        }
        for change in &file.changes {
            let sigil = match (&change.old, &change.new) {
                (None, Some(_)) if !change.kind.is_attribute() => '+',
                (Some(_), None) if !change.kind.is_attribute() => '-',
                _ => '~',
            };
            out.push_str(&printable(&format!("  {sigil} {}\n", change.describe())));
            if let Some(risk) = &change.risk {
                out.push_str(&printable(&format!("    ! risky: {risk}\n")));
            }
        }
        if !file.introduced.is_empty() {
            out.push_str("  findings introduced:\n");
            for finding in &file.introduced {
                out.push_str(&printable(&format!("    + {}\n", finding_line(finding))));
            }
        }
        if !file.resolved.is_empty() {
            out.push_str(&format!("  findings resolved (lines in {old}):\n"));
            for finding in &file.resolved {
                out.push_str(&printable(&format!("    - {}\n", finding_line(finding))));
            }
        }
        out.push('\n');
    }
    if totals.files == 0 {
        out.push_str(&format!("No semantic change between {old} and {new}.\n"));
    } else {
        out.push_str(&format!(
            "{} between {old} and {new}: {}\n",
            plural(totals.files, "file"),
            counts(totals.changes, totals.risky, totals.introduced, totals.resolved)
        ));
    }
    out
}

/// The errors of `problem` that the findings introduced or resolved do not already list.
fn unlisted<'a>(file: &'a FileDiff, problem: &'a super::Problem) -> Vec<&'a Finding> {
    let listed = match problem.side {
        Side::Old => &file.resolved,
        Side::New => &file.introduced,
    };
    problem.errors.iter().filter(|e| !listed.contains(e)).collect()
}

fn finding_line(finding: &Finding) -> String {
    format!("{}[{}] line {}: {}", finding.severity, finding.rule, finding.line, finding.message)
}

// --------------------------------------------------------------------------------- markdown

/// The marker the markdown starts with, so that a workflow can find and update its own comment.
pub const MARKDOWN_MARKER: &str = "<!-- salesproc-diff -->";

/// The `markdown` format, for a pull-request comment: a summary table of the files, the risky
/// changes called out, then each file's changes and findings.
///
/// Everything taken from a process file (titles, outcomes, criteria, messages quoting them) is
/// escaped: it cannot start HTML, a link, a table cell or an `@mention`.
pub fn markdown(report: &DiffReport) -> String {
    let totals = Totals::of(report);
    let (old, new) = (md_source(&report.old), md_source(&report.new));
    let mut out = format!("{MARKDOWN_MARKER}\n### Sales process changes\n\n");
    if totals.files == 0 {
        out.push_str(&format!("No semantic change between {old} and {new}.\n"));
        return out;
    }
    out.push_str(&format!("Comparing {old} with {new}.\n\n"));
    out.push_str("| File | Status | Changes | Risky | Findings introduced | Findings resolved |\n");
    out.push_str("|---|---|--:|--:|--:|--:|\n");
    for file in &report.files {
        let risky = match file.risky() {
            0 => "0".to_string(),
            n => format!("⚠️ {n}"),
        };
        out.push_str(&format!(
            "| {} | {} | {} | {risky} | {} | {} |\n",
            md_code(&file.file, true),
            status_word(file.status),
            file.changes.len(),
            file.introduced.len(),
            file.resolved.len()
        ));
    }
    out.push('\n');
    if totals.risky > 0 {
        out.push_str(&format!(
            "> [!WARNING]\n> **{}** — check before merging:\n",
            plural(totals.risky, "risky change")
        ));
        for file in &report.files {
            for change in file.changes.iter().filter(|c| c.risk.is_some()) {
                let risk = change.risk.as_deref().unwrap_or_default();
                out.push_str(&format!(
                    "> - {}: {} — {}\n",
                    md_code(&file.file, false),
                    md_message(&change.describe(), false),
                    md_message(risk, false)
                ));
            }
        }
        out.push('\n');
    }
    for file in &report.files {
        out.push_str(&format!("#### {}\n\n", md_code(&file.file, false)));
        for problem in &file.problems {
            let version = match problem.side {
                Side::Old => md_message(&report.old.version(), false),
                Side::New => md_message(&report.new.version(), false),
            };
            let errors = unlisted(file, problem);
            out.push_str(&format!(
                "**Not compared:** {version} has {} it from being read{}\n\n",
                errors_that_stop(problem.errors.len()),
                if errors.is_empty() { " (listed below)." } else { ":" }
            ));
            if !errors.is_empty() {
                for error in errors {
                    out.push_str(&format!("- {}\n", md_finding(error)));
                }
                out.push('\n');
            }
        }
        if !file.changes.is_empty() {
            out.push_str("| What | Change | Old | New |\n|---|---|---|---|\n");
            for change in &file.changes {
                let what = match change.risk {
                    Some(_) => format!("⚠️ {}", md_message(change.kind.what(), true)),
                    None => md_message(change.kind.what(), true),
                };
                let value = |v: &Option<String>| v.as_deref().map_or_else(|| "—".to_string(), |v| md_code(v, true));
                out.push_str(&format!(
                    "| {} | {what} | {} | {} |\n",
                    md_subject(&change.subject),
                    value(&change.old),
                    value(&change.new)
                ));
            }
            out.push('\n');
        }
        if !file.introduced.is_empty() {
            out.push_str(&format!("**Findings introduced ({})**\n\n", file.introduced.len()));
            for finding in &file.introduced {
                out.push_str(&format!("- {}\n", md_finding(finding)));
            }
            out.push('\n');
        }
        if !file.resolved.is_empty() {
            out.push_str(&format!("**Findings resolved ({})** (lines in {old})\n\n", file.resolved.len()));
            for finding in &file.resolved {
                out.push_str(&format!("- {}\n", md_finding(finding)));
            }
            out.push('\n');
        }
    }
    out
}

fn md_source(source: &Source) -> String {
    match source {
        Source::File { path } => md_code(path, false),
        Source::Revision { revision, .. } => md_code(revision, false),
        Source::WorkingTree => "the working tree".into(),
    }
}

fn md_finding(finding: &Finding) -> String {
    let icon = match finding.severity.as_str() {
        "error" => "❌",
        "warning" => "⚠️",
        _ => "ℹ️",
    };
    format!(
        "{icon} {} {} (line {}): {}",
        finding.severity,
        md_code(&finding.rule, false),
        finding.line,
        md_message(&finding.message, false)
    )
}

fn md_subject(subject: &Subject) -> String {
    let title = |title: &Option<String>| title.as_deref().map_or_else(String::new, |t| format!(" ({})", md_text(t)));
    match subject {
        Subject::Process { name } => format!("process {}", md_code(name, true)),
        Subject::Role { role } => format!("role {}", md_code(role, true)),
        Subject::Field { field } => format!("field {}", md_code(field, true)),
        Subject::Stage { stage, stage_title } => format!("stage {}{}", md_code(stage, true), title(stage_title)),
        Subject::Activity { stage, activity, .. } => {
            format!("activity {} of stage {}", md_code(activity, true), md_code(stage, true))
        }
        Subject::Transition { stage, transition, to, .. } => {
            format!("transition {}", md_code(&format!("{} {stage} → {to}", transition.keyword()), true))
        }
    }
}

/// Plain text from a file, escaped so that it reads as text: markdown and HTML characters are
/// backslash-escaped, `@` cannot start a mention, line breaks become spaces.
fn md_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '!' | '~' | '(' | ')' | '{' | '}' | '+' | '-'
            | '.' | '=' => {
                out.push('\\');
                out.push(c);
            }
            '|' => out.push_str("\\|"),
            '&' => out.push_str("&amp;"),
            '@' => out.push_str("@\u{200B}"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// `text` as inline code: a fence longer than any run of backticks inside, so nothing in it
/// can end the span; `|` escaped inside tables, line breaks as spaces.
fn md_code(text: &str, in_table: bool) -> String {
    let text: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let text = if in_table { text.replace('|', "\\|") } else { text };
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') || text.is_empty() { " " } else { "" };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// A message whose names are between backticks: the names become code spans, the prose is
/// escaped as text.
fn md_message(message: &str, in_table: bool) -> String {
    message
        .split('`')
        .enumerate()
        .map(|(i, part)| if i % 2 == 1 { md_code(part, in_table) } else { md_prose(part) })
        .collect()
}

/// Prose we wrote around quoted names: only what could change its meaning is escaped.
fn md_prose(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '|' => out.push_str("\\|"),
            '&' => out.push_str("&amp;"),
            '@' => out.push_str("@\u{200B}"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

// ------------------------------------------------------------------------------------- json

#[derive(Serialize)]
struct JsonDocument<'a> {
    version: u32,
    old: &'a Source,
    new: &'a Source,
    files: Vec<JsonFile<'a>>,
    summary: Totals,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    file: &'a str,
    status: Status,
    changes: Vec<JsonChange<'a>>,
    introduced: &'a [Finding],
    resolved: &'a [Finding],
    problems: &'a [super::Problem],
}

#[derive(Serialize)]
struct JsonChange<'a> {
    #[serde(flatten)]
    change: &'a Change,
    risky: bool,
    message: String,
}

/// The `json` format: one document, version 1, pretty-printed, with a final newline.
pub fn json(report: &DiffReport) -> String {
    let document = JsonDocument {
        version: 1,
        old: &report.old,
        new: &report.new,
        files: report
            .files
            .iter()
            .map(|file: &FileDiff| JsonFile {
                file: &file.file,
                status: file.status,
                changes: file
                    .changes
                    .iter()
                    .map(|change| JsonChange { change, risky: change.risk.is_some(), message: change.describe() })
                    .collect(),
                introduced: &file.introduced,
                resolved: &file.resolved,
                problems: &file.problems,
            })
            .collect(),
        summary: Totals::of(report),
    };
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escapes_what_a_file_could_inject() {
        assert_eq!(md_code("a`b", false), "``a`b``");
        assert_eq!(md_code("x|y", true), "`x\\|y`");
        assert_eq!(md_text("<img> @team"), "\\<img\\> @\u{200B}team");
        assert_eq!(md_message("stage `a` has <b>", false), "stage `a` has \\<b\\>");
    }
}
