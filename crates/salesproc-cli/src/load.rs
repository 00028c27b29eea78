//! Reading one file for the authoring commands (`fmt`, `graph`, `export`): its text, and for
//! `graph` and `export` its typed model with its `use` imports followed. Problems are printed
//! as `check` prints them, on standard error.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use salesproc_parser::model::Model;
use salesproc_parser::source::{decode, LineIndex};
use salesproc_parser::Diagnostic;

use crate::args::{ColorChoice, Format};
use crate::check::{display_path, FileReport};
use crate::input::{read_file, read_stdin, ReadFailure};
use crate::{EXIT_FAILURE, EXIT_FINDINGS};

/// A file read and resolved into its model.
#[derive(Debug)]
pub struct Loaded {
    /// The path as shown to the user.
    pub shown: String,
    /// The file's text.
    pub text: String,
    /// Its model (roles and fields in scope, imported ones included, and its process).
    pub model: Model,
}

/// Whether to colour reports written to standard error.
pub fn stderr_color(choice: ColorChoice) -> bool {
    crate::render::use_color(choice, std::io::stderr().is_terminal())
}

/// Writes `diagnostics` about `text` (shown as `shown`) to `err` as `check` would.
pub fn report(err: &mut dyn Write, shown: &str, text: &str, diagnostics: Vec<Diagnostic>, color: bool) {
    let reports =
        [FileReport { path: shown.to_string(), text: text.to_string(), lines: LineIndex::new(text), diagnostics }];
    let _ = err.write_all(crate::render::render(Format::Human, &reports, color, true).as_bytes());
}

/// Reads `path` (or standard input for `-`) as text. A failure is a message for the user.
pub fn read_text(path: &Path, input: &mut dyn Read) -> Result<String, ReadError> {
    let bytes = if path.as_os_str() == "-" {
        read_stdin(input).map_err(|failure| ReadError::Io(failure.describe("standard input")))?
    } else {
        let shown = display_path(path);
        read_file(path).map_err(|failure| match failure {
            ReadFailure::Directory => ReadError::Io(format!("`{shown}` is a directory: give one .salesproc file")),
            other => ReadError::Io(other.describe(&format!("`{shown}`"))),
        })?
    };
    match decode(&bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(diagnostic) => Err(ReadError::NotUtf8(String::from_utf8_lossy(&bytes).into_owned(), Box::new(diagnostic))),
    }
}

/// Why a file could not be read as text.
#[derive(Debug)]
pub enum ReadError {
    /// It could not be read at all: a message for the user (the run fails, exit 2).
    Io(String),
    /// It is not UTF-8: the bytes as best shown, and the diagnostic (exit 1).
    NotUtf8(String, Box<Diagnostic>),
}

/// How a path is shown: `-` as `<stdin>`.
pub fn shown(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "<stdin>".to_string()
    } else {
        display_path(path)
    }
}

/// Reads `path` and builds its model, following `use` imports as `check` does. On failure the
/// problems are written to `err` and the exit code is returned: 2 when the file cannot be read,
/// 1 when it has errors that stop the model from being built.
pub fn load_model(path: &Path, input: &mut dyn Read, err: &mut dyn Write, color: bool) -> Result<Loaded, u8> {
    let shown = shown(path);
    let text = match read_text(path, input) {
        Ok(text) => text,
        Err(ReadError::Io(message)) => {
            let _ = writeln!(err, "salesproc: {message}");
            return Err(EXIT_FAILURE);
        }
        Err(ReadError::NotUtf8(text, diagnostic)) => {
            report(err, &shown, &text, vec![*diagnostic], color);
            return Err(EXIT_FINDINGS);
        }
    };
    let location = if path.as_os_str() == "-" { PathBuf::from(&shown) } else { path.to_path_buf() };
    let mut elsewhere = Vec::new();
    let analysis = salesproc_parser::analyze_with_imports(&text, |tree| {
        let loaded = crate::imports::load(&location, &shown, tree);
        elsewhere = loaded.elsewhere;
        (loaded.imports, loaded.here)
    });
    match analysis.model {
        Some(model) if analysis.diagnostics.is_empty() => Ok(Loaded { shown, text, model }),
        _ => {
            report(err, &shown, &text, analysis.diagnostics, color);
            for (path, text, diagnostics) in elsewhere {
                report(err, &path, &text, diagnostics, color);
            }
            let _ = writeln!(
                err,
                "salesproc: `{shown}` has errors that stop its process from being read; fix them first (`salesproc check {shown}` lists them)"
            );
            Err(EXIT_FINDINGS)
        }
    }
}
