//! The salesproc command line: argument parsing, file discovery, and the output formats.
//!
//! Everything here is a thin shell over `salesproc-parser` (text → model) and
//! `salesproc-checker` (model → diagnostics); the renderers turn diagnostics into text.
#![warn(missing_docs)]

pub mod args;
pub mod check;
pub mod config;
pub mod diff;
pub mod explain;
pub mod export;
pub mod files;
pub mod fmt;
pub mod git;
pub mod graph;
pub mod imports;
pub mod input;
pub mod load;
pub mod new_only;
pub mod parallel;
pub mod render;
pub mod yaml;

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

/// Runs the command line with `args` (the program name first) on the process's standard
/// output and error, and returns the exit code.
pub fn run(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let code = run_with(args, &mut stdout.lock(), &mut stderr.lock());
    ExitCode::from(code)
}

/// Runs the command line with `args` (the program name first), writing to `out` and `err`;
/// returns the exit code (0, 1 or 2). Standard input is the process's.
pub fn run_with(args: impl IntoIterator<Item = OsString>, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    run_with_input(args, &mut std::io::stdin(), out, err)
}

/// [`run_with`], reading what `-` stands for from `input`.
pub fn run_with_input(
    args: impl IntoIterator<Item = OsString>,
    input: &mut dyn std::io::Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let cli = match args::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            let code = if error.use_stderr() { EXIT_FAILURE } else { EXIT_OK };
            let target: &mut dyn Write = if error.use_stderr() { err } else { out };
            let _ = write!(target, "{}", error.render());
            return code;
        }
    };
    let code = match cli.command {
        args::Command::Check(check) => check::run(&check, input, out, err),
        args::Command::Rules => explain::rules(out),
        args::Command::Explain { rule } => explain::explain(&rule, out, err),
        args::Command::Fmt(fmt) => fmt::run(&fmt, input, out, err),
        args::Command::Graph(graph) => graph::run(&graph, input, out, err),
        args::Command::Export(export) => export::run(&export, input, out, err),
        args::Command::Diff(diff) => diff::run(&diff, out, err),
    };
    let _ = out.flush();
    code
}
