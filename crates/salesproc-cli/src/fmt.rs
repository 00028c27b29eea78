//! `salesproc fmt`: rewrite files into the canonical layout of
//! [`salesproc_parser::format::format`], or with `--check` show what would change.
//!
//! A file is only written when its formatted text differs, so an already formatted file keeps
//! its modification time. Writing is atomic: the new text goes to a temporary file in the same
//! directory, which then replaces the file by a rename, with the original's permissions. A file
//! with syntax errors is never written; its errors are reported and the exit code is 1.

use std::fs::OpenOptions;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use salesproc_parser::format::format;

use crate::args::FmtArgs;
use crate::load::{read_text, report, shown, stderr_color, ReadError};
use crate::{EXIT_FAILURE, EXIT_FINDINGS, EXIT_OK};

/// What happened to one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    /// Already formatted.
    Unchanged,
    /// Rewritten, or (with `--check`) would be.
    Changed,
    /// Not formatted: it has errors (reported).
    Refused,
    /// The run failed on it: unreadable or unwritable (reported).
    Failed,
}

/// Runs `fmt`; returns the exit code: 0 nothing to do or done, 1 a file with errors or (with
/// `--check`) a file that is not formatted, 2 a file that could not be read or written.
pub fn run(args: &FmtArgs, input: &mut dyn Read, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let color = stderr_color(args.color);
    if args.paths.iter().any(|p| p.as_os_str() == "-") {
        if args.paths.len() > 1 {
            let _ =
                writeln!(err, "salesproc: standard input (`-`) is formatted on its own: give no other path with it");
            return EXIT_FAILURE;
        }
        return stdin(args, input, out, err, color);
    }
    let files = match crate::files::collect(&args.paths) {
        Ok(files) => files,
        Err(e) => {
            let _ = writeln!(err, "salesproc: cannot read `{}`: {}", e.path.display(), e.error);
            return EXIT_FAILURE;
        }
    };
    let mut outcomes = Vec::with_capacity(files.len());
    // Reading and formatting run on every core, a batch at a time; writing and printing stay
    // in file order, so the output never depends on timing.
    for batch in files.chunks(BATCH) {
        for (file, prepared) in batch.iter().zip(prepare_all(batch)) {
            let outcome = one_file(file, prepared, args, out, err, color);
            if outcome == Outcome::Changed && !args.check && !args.quiet {
                let _ = writeln!(err, "reformatted {}", shown(file));
            }
            outcomes.push(outcome);
        }
    }
    if !args.quiet {
        let _ = writeln!(err, "{}", summary(&outcomes, args.check));
    }
    if outcomes.contains(&Outcome::Failed) {
        EXIT_FAILURE
    } else if outcomes.contains(&Outcome::Refused) || (args.check && outcomes.contains(&Outcome::Changed)) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// `salesproc fmt -`: standard input to standard output (with `--check`, a diff instead).
fn stdin(args: &FmtArgs, input: &mut dyn Read, out: &mut dyn Write, err: &mut dyn Write, color: bool) -> u8 {
    let name = args.stdin_filename.clone().unwrap_or_else(|| PathBuf::from("-"));
    let shown = shown(&name);
    let text = match read_text(Path::new("-"), input) {
        Ok(text) => text,
        Err(ReadError::Io(message)) => {
            let _ = writeln!(err, "salesproc: {message}");
            return EXIT_FAILURE;
        }
        Err(ReadError::NotUtf8(text, diagnostic)) => {
            report(err, &shown, &text, vec![*diagnostic], color);
            return EXIT_FINDINGS;
        }
    };
    match format(&text) {
        Ok(formatted) if args.check => {
            if formatted == text {
                EXIT_OK
            } else {
                let _ = out.write_all(unified_diff(&shown, &text, &formatted).as_bytes());
                EXIT_FINDINGS
            }
        }
        Ok(formatted) => match out.write_all(formatted.as_bytes()) {
            Ok(()) => EXIT_OK,
            Err(_) => EXIT_FAILURE,
        },
        Err(diagnostics) => {
            refused(err, &shown, &text, diagnostics, color);
            EXIT_FINDINGS
        }
    }
}

/// How many files are read and formatted before their results are written out.
const BATCH: usize = 64;

/// A file read and formatted, ready to be written or reported.
type Prepared = Result<(String, Result<String, Vec<salesproc_parser::Diagnostic>>), ReadError>;

/// Reads and formats `files` on all cores; the results come back in the order of `files`.
fn prepare_all(files: &[PathBuf]) -> Vec<Prepared> {
    let prepare = |path: &PathBuf| -> Prepared {
        let text = read_text(path, &mut std::io::empty())?;
        let formatted = format(&text);
        Ok((text, formatted))
    };
    crate::parallel::map(files, prepare)
}

fn one_file(
    path: &Path,
    prepared: Prepared,
    args: &FmtArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
    color: bool,
) -> Outcome {
    let shown = shown(path);
    let (text, formatted) = match prepared {
        Ok(prepared) => prepared,
        Err(ReadError::Io(message)) => {
            let _ = writeln!(err, "salesproc: {message}");
            return Outcome::Failed;
        }
        Err(ReadError::NotUtf8(text, diagnostic)) => {
            refused(err, &shown, &text, vec![*diagnostic], color);
            return Outcome::Refused;
        }
    };
    let formatted = match formatted {
        Ok(formatted) => formatted,
        Err(diagnostics) => {
            refused(err, &shown, &text, diagnostics, color);
            return Outcome::Refused;
        }
    };
    if formatted == text {
        return Outcome::Unchanged;
    }
    if args.check {
        let _ = out.write_all(unified_diff(&shown, &text, &formatted).as_bytes());
        return Outcome::Changed;
    }
    match write_atomically(path, &formatted) {
        Ok(()) => Outcome::Changed,
        Err(e) => {
            let _ = writeln!(err, "salesproc: cannot write `{shown}`: {e}; the file was left as it was");
            Outcome::Failed
        }
    }
}

fn refused(err: &mut dyn Write, shown: &str, text: &str, diagnostics: Vec<salesproc_parser::Diagnostic>, color: bool) {
    report(err, shown, text, diagnostics, color);
    let _ = writeln!(err, "salesproc: `{shown}` was not formatted: fix the errors above first");
}

fn summary(outcomes: &[Outcome], check: bool) -> String {
    let count = |wanted: Outcome| outcomes.iter().filter(|o| **o == wanted).count();
    let files = |n: usize| format!("{n} file{}", if n == 1 { "" } else { "s" });
    let mut parts = vec![if check {
        format!("{} would be reformatted", files(count(Outcome::Changed)))
    } else {
        format!("{} reformatted", files(count(Outcome::Changed)))
    }];
    parts.push(format!("{} already formatted", count(Outcome::Unchanged)));
    let refused = count(Outcome::Refused);
    if refused > 0 {
        parts.push(format!("{} not formatted because of errors", files(refused)));
    }
    let failed = count(Outcome::Failed);
    if failed > 0 {
        parts.push(format!("{} could not be read or written", files(failed)));
    }
    parts.join(", ")
}

/// A unified diff from `old` to `new`, both labelled `shown`, with three lines of context
/// (`patch -p0` applies it from the directory the paths are relative to).
pub fn unified_diff(shown: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new).unified_diff().context_radius(3).header(shown, shown).to_string()
}

/// Replaces the file at `path` with `text` atomically: a temporary file in the same directory,
/// flushed to disk, given the file's permissions, then renamed over it. A symbolic link is
/// followed, so the file it points to is replaced and the link kept. A read-only file is left
/// alone.
pub fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let target = std::fs::canonicalize(path)?;
    let permissions = std::fs::metadata(&target)?.permissions();
    if permissions.readonly() {
        return Err(std::io::Error::new(std::io::ErrorKind::PermissionDenied, "the file is read-only"));
    }
    let dir = target.parent().unwrap_or(Path::new("."));
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let (temp, mut file) = create_temp(dir, &name)?;
    let written = file
        .write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .and_then(|()| std::fs::set_permissions(&temp, permissions))
        .and_then(|()| {
            drop(file);
            std::fs::rename(&temp, &target)
        });
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

/// A new file beside `name` in `dir`, hidden and not ending in `.salesproc`, so that a
/// concurrent directory walk never picks it up.
fn create_temp(dir: &Path, name: &str) -> std::io::Result<(PathBuf, std::fs::File)> {
    let mut last = None;
    for attempt in 0..64 {
        let temp = dir.join(format!(".{name}.{}-{attempt}.fmt-tmp", std::process::id()));
        match OpenOptions::new().write(true).create_new(true).open(&temp) {
            Ok(file) => return Ok((temp, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("cannot create a temporary file")))
}
