//! The salesproc command line: argument parsing, file discovery, and the output formats.
//!
//! Everything here is a thin shell over `salesproc-parser` (text → model) and
//! `salesproc-checker` (model → diagnostics); the renderers turn diagnostics into text.
#![warn(missing_docs)]

pub mod args;
pub mod check;
pub mod files;
pub mod render;

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

use clap::Parser as _;

/// Exit code: no error-level diagnostic.
pub const EXIT_OK: u8 = 0;
/// Exit code: at least one error-level diagnostic.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code: the run itself failed (bad arguments, unreadable path).
pub const EXIT_FAILURE: u8 = 2;

/// Runs the command line with `args` (the program name first) and returns the exit code.
pub fn run(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let cli = match args::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            let code = if error.use_stderr() { EXIT_FAILURE } else { EXIT_OK };
            let _ = error.print();
            return ExitCode::from(code);
        }
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let code = match cli.command {
        args::Command::Check(check) => check::run(&check, &mut out),
    };
    let _ = out.flush();
    ExitCode::from(code)
}
