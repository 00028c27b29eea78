//! `salesproc check`: read, analyze and check each file, then print every diagnostic.

use std::io::Write;
use std::path::Path;

use salesproc_checker::Options;
use salesproc_parser::source::{decode, LineIndex};
use salesproc_parser::{Diagnostic, Severity};

use crate::args::{CheckArgs, Format};
use crate::render;
use crate::{EXIT_FAILURE, EXIT_FINDINGS, EXIT_OK};

/// One checked file: its name as shown, its text, and its diagnostics in output order.
#[derive(Debug)]
pub struct FileReport {
    /// The path as the user gave it (or as found under a directory they gave).
    pub path: String,
    /// The text (lossily decoded when the file is not UTF-8, for showing snippets).
    pub text: String,
    /// Where lines start in `text`.
    pub lines: LineIndex,
    /// Sorted by line, column and rule.
    pub diagnostics: Vec<Diagnostic>,
}

/// Checks one file's bytes with `options`. `path` is only used for display.
pub fn check_bytes(path: &str, bytes: &[u8], options: &Options) -> FileReport {
    let (text, mut diagnostics) = match decode(bytes) {
        Ok(text) => (text.to_string(), analyze(text, options)),
        Err(diagnostic) => (String::from_utf8_lossy(bytes).into_owned(), vec![diagnostic]),
    };
    diagnostics.sort_by(|a, b| (a.span.start, a.rule, a.span.end).cmp(&(b.span.start, b.rule, b.span.end)));
    let lines = LineIndex::new(&text);
    FileReport { path: path.to_string(), text, lines, diagnostics }
}

fn analyze(text: &str, options: &Options) -> Vec<Diagnostic> {
    let analysis = salesproc_parser::analyze(text);
    let mut diagnostics = analysis.diagnostics;
    if let Some(model) = &analysis.model {
        diagnostics.extend(salesproc_checker::check(model, options));
    }
    diagnostics
}

/// Runs `check` and writes its output to `out`; returns the exit code.
pub fn run(args: &CheckArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let files = match crate::files::collect(&args.paths) {
        Ok(files) => files,
        Err(error) => {
            let _ = writeln!(err, "salesproc: cannot read `{}`: {}", error.path.display(), error.error);
            return EXIT_FAILURE;
        }
    };
    let options = Options { today: today(), ..Options::default() };
    let mut reports = Vec::with_capacity(files.len());
    for file in &files {
        match std::fs::read(file) {
            Ok(bytes) => reports.push(check_bytes(&display_path(file), &bytes, &options)),
            Err(error) => {
                let _ = writeln!(err, "salesproc: cannot read `{}`: {error}", file.display());
                return EXIT_FAILURE;
            }
        }
    }
    reports.sort_by(|a, b| a.path.cmp(&b.path));
    let rendered = render::render(args.format, &reports, render::color_wanted());
    if out.write_all(rendered.as_bytes()).is_err() {
        return EXIT_FAILURE;
    }
    exit_code(&reports)
}

/// 1 when any diagnostic is an error, else 0.
pub fn exit_code(reports: &[FileReport]) -> u8 {
    let errors = reports.iter().flat_map(|r| &r.diagnostics).any(|d| d.severity == Severity::Error);
    if errors {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// A path as shown in diagnostics: as given, with `/` separators and no leading `./`.
pub fn display_path(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    text.strip_prefix("./").map(str::to_string).unwrap_or(text)
}

/// Whether `format` is a machine format (colour never applies).
pub fn is_machine(format: Format) -> bool {
    !matches!(format, Format::Human)
}

/// Today's date for `stale-review`: `SALESPROC_TODAY` (YYYY-MM-DD) when set, else the system
/// clock's date in UTC.
pub fn today() -> Option<salesproc_parser::syntax::Date> {
    if let Some(value) = std::env::var_os("SALESPROC_TODAY") {
        return parse_date(&value.to_string_lossy());
    }
    let seconds = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
    salesproc_parser::syntax::Date::from_days_since_epoch((seconds / 86_400) as i64)
}

/// Reads a `YYYY-MM-DD` date.
pub fn parse_date(text: &str) -> Option<salesproc_parser::syntax::Date> {
    let mut parts = text.trim().splitn(3, '-');
    let year = parts.next()?.parse().ok()?;
    let month = parts.next()?.parse().ok()?;
    let day = parts.next()?.parse().ok()?;
    salesproc_parser::syntax::Date::new(year, month, day)
}
