//! `salesproc check`: find the files, read their configuration, check them in parallel, print
//! every diagnostic in a stable order.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use salesproc_checker::Options;
use salesproc_parser::source::{decode, LineIndex};
use salesproc_parser::syntax::Date;
use salesproc_parser::{Diagnostic, Severity, Span};

use crate::args::{CheckArgs, Deny};
use crate::config::Settings;
use crate::input::{read_file, read_stdin};
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

impl FileReport {
    fn new(path: &str, text: String, mut diagnostics: Vec<Diagnostic>) -> FileReport {
        diagnostics.sort_by(|a, b| (a.span.start, a.rule, a.span.end).cmp(&(b.span.start, b.rule, b.span.end)));
        let lines = LineIndex::new(&text);
        FileReport { path: path.to_string(), text, lines, diagnostics }
    }
}

/// Checks one file's bytes with `options`. `path` is only used for display; a file that
/// imports others is checked with [`check_file`].
pub fn check_bytes(path: &str, bytes: &[u8], options: &Options) -> FileReport {
    match decode(bytes) {
        Ok(text) => {
            let diagnostics = check_text(text, options);
            FileReport::new(path, text.to_string(), diagnostics)
        }
        Err(diagnostic) => FileReport::new(path, String::from_utf8_lossy(bytes).into_owned(), vec![diagnostic]),
    }
}

/// Checks the file at `location` (shown as `shown`) whose bytes are `bytes`, following its `use`
/// imports. Returns its report first, then a report for each imported file with problems.
pub fn check_file(location: &Path, shown: &str, bytes: &[u8], options: &Options) -> Vec<FileReport> {
    let text = match decode(bytes) {
        Ok(text) => text,
        Err(diagnostic) => {
            return vec![FileReport::new(shown, String::from_utf8_lossy(bytes).into_owned(), vec![diagnostic])]
        }
    };
    let mut elsewhere = Vec::new();
    let diagnostics = check_analysis(
        text,
        options,
        salesproc_parser::analyze_with_imports(text, |tree| {
            let loaded = crate::imports::load(location, shown, tree);
            elsewhere = loaded.elsewhere;
            (loaded.imports, loaded.here)
        }),
    );
    let mut reports = vec![FileReport::new(shown, text.to_string(), diagnostics)];
    reports.extend(elsewhere.into_iter().map(|(path, text, diagnostics)| FileReport::new(&path, text, diagnostics)));
    reports
}

/// Every diagnostic for one file's text: the front end's, then (when the model could be built)
/// the process rules', with suppression comments applied. Imports are not followed.
pub fn check_text(text: &str, options: &Options) -> Vec<Diagnostic> {
    check_analysis(text, options, salesproc_parser::analyze(text))
}

fn check_analysis(text: &str, options: &Options, analysis: salesproc_parser::Analysis) -> Vec<Diagnostic> {
    let mut diagnostics = analysis.diagnostics;
    let model_built = analysis.model.is_some();
    if let Some(model) = &analysis.model {
        diagnostics.extend(salesproc_checker::check(model, options));
    }
    let lines = LineIndex::new(text);
    salesproc_checker::suppress::apply(diagnostics, &analysis.tree.suppressions, model_built, options, &|offset| {
        lines.line(offset)
    })
}

/// Something to check: a file on disk, or what was read from standard input.
#[derive(Debug)]
enum Input {
    File(PathBuf),
    Stdin(Result<Vec<u8>, String>),
}

/// A file with the options it is checked with.
struct Job {
    input: Input,
    shown: String,
    options: Options,
}

/// Runs `check` and writes its output to `out`; returns the exit code.
pub fn run(args: &CheckArgs, input: &mut dyn Read, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    match plan(args, input) {
        Ok(jobs) => {
            // `--new-only`: the files asked for, with their options, to check them at `--base` too.
            let checked: Vec<(String, Options)> = if args.new_only {
                jobs.iter().map(|j| (j.shown.clone(), j.options.clone())).collect()
            } else {
                Vec::new()
            };
            let reports = check_all(jobs);
            let reports = match args.new_only {
                true => match crate::new_only::retain_new(args, reports, &checked, err) {
                    Ok(reports) => reports,
                    Err(message) => {
                        let _ = writeln!(err, "salesproc: {message}");
                        return EXIT_FAILURE;
                    }
                },
                false => reports,
            };
            let color = render::use_color(args.color, std::io::stdout().is_terminal());
            let rendered = render::render(args.format, &reports, color, args.quiet);
            if out.write_all(rendered.as_bytes()).is_err() {
                return EXIT_FAILURE;
            }
            exit_code(&reports, args.deny == Some(Deny::Warnings))
        }
        Err(message) => {
            let _ = writeln!(err, "salesproc: {message}");
            EXIT_FAILURE
        }
    }
}

/// Works out every file to check and its options; an error here is a failed run (exit 2).
fn plan(args: &CheckArgs, input: &mut dyn Read) -> Result<Vec<Job>, String> {
    let mut settings = Settings::new(args.config.as_deref(), args.today.or_else(today))?;
    let mut options_for = |file: &Path| settings.options_for(file);
    let mut jobs = Vec::new();
    let mut stdin_seen = false;
    for path in &args.paths {
        if path.as_os_str() == "-" {
            if std::mem::replace(&mut stdin_seen, true) {
                return Err("standard input (`-`) can be given only once".into());
            }
            let name = args.stdin_filename.clone().unwrap_or_else(|| PathBuf::from("<stdin>"));
            let options = options_for(&name)?;
            let read = read_stdin(input).map_err(|failure| failure.describe("standard input"));
            jobs.push(Job { input: Input::Stdin(read), shown: display_path(&name), options });
            continue;
        }
        let files = crate::files::collect(std::slice::from_ref(path))
            .map_err(|e| format!("cannot read `{}`: {}", e.path.display(), e.error))?;
        for file in files {
            let options = options_for(&file)?;
            jobs.push(Job { shown: display_path(&file), input: Input::File(file), options });
        }
    }
    Ok(jobs)
}

/// Checks every job on all cores; the reports come back sorted by path, whatever the timing.
fn check_all(jobs: Vec<Job>) -> Vec<FileReport> {
    merge(crate::parallel::map(&jobs, check_job).into_iter().flatten().collect())
}

fn check_job(job: &Job) -> Vec<FileReport> {
    match read_input(&job.input) {
        Ok(bytes) => {
            let location = match &job.input {
                Input::File(path) => path.clone(),
                Input::Stdin(_) => PathBuf::from(&job.shown),
            };
            check_file(&location, &job.shown, &bytes, &job.options)
        }
        Err(message) => vec![FileReport::new(
            &job.shown,
            String::new(),
            vec![Diagnostic::error(salesproc_parser::diagnostic::rules::UNREADABLE_FILE, Span::at(0), message)
                .with_help("check that the file exists, is readable, and is a .salesproc text file")],
        )],
    }
}

/// Merges the reports of one file that came from several jobs (a file checked directly and
/// through an import), dropping repeated diagnostics, and sorts them by path.
fn merge(mut reports: Vec<FileReport>) -> Vec<FileReport> {
    reports.sort_by(|a, b| a.path.cmp(&b.path));
    let mut merged: Vec<FileReport> = Vec::with_capacity(reports.len());
    for report in reports {
        match merged.last_mut() {
            Some(last) if last.path == report.path => {
                for diagnostic in report.diagnostics {
                    if !last.diagnostics.contains(&diagnostic) {
                        last.diagnostics.push(diagnostic);
                    }
                }
                last.diagnostics
                    .sort_by(|a, b| (a.span.start, a.rule, a.span.end).cmp(&(b.span.start, b.rule, b.span.end)));
            }
            _ => merged.push(report),
        }
    }
    merged
}

fn read_input(input: &Input) -> Result<Vec<u8>, String> {
    match input {
        Input::Stdin(read) => read.clone(),
        Input::File(path) => read_file(path).map_err(|failure| failure.describe("this file")),
    }
}

/// 1 when any diagnostic is an error (or, with `deny_warnings`, a warning), else 0.
pub fn exit_code(reports: &[FileReport], deny_warnings: bool) -> u8 {
    let failing = |severity: Severity| severity == Severity::Error || (deny_warnings && severity == Severity::Warning);
    if reports.iter().flat_map(|r| &r.diagnostics).any(|d| failing(d.severity)) {
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

/// Today's date for `stale-review`: `SALESPROC_TODAY` (YYYY-MM-DD) when set, else the system
/// clock's date in UTC.
pub fn today() -> Option<Date> {
    if let Some(value) = std::env::var_os("SALESPROC_TODAY") {
        return parse_date(&value.to_string_lossy());
    }
    let seconds = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
    Date::from_days_since_epoch((seconds / 86_400) as i64)
}

/// Reads a `YYYY-MM-DD` date.
pub fn parse_date(text: &str) -> Option<Date> {
    let mut parts = text.trim().splitn(3, '-');
    let year = parts.next()?.parse().ok()?;
    let month = parts.next()?.parse().ok()?;
    let day = parts.next()?.parse().ok()?;
    Date::new(year, month, day)
}
