//! The command-line interface, as clap sees it.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Lint sales processes written as `.salesproc` files.
#[derive(Debug, Parser)]
#[command(name = "salesproc", version, about, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check files and directories for problems in their sales processes.
    Check(CheckArgs),
    /// List every rule with its default severity and what it finds.
    Rules,
    /// Explain a rule: what it does, why it matters, an example, and how to fix it.
    Explain {
        /// The rule's name, as in `salesproc rules` (for example `unreachable-stage`).
        rule: String,
    },
}

/// `salesproc check`
#[derive(Debug, Parser)]
pub struct CheckArgs {
    /// Files and directories to check; directories are searched for `*.salesproc` files.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Output formats of `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Reports with source snippets, for people.
    Human,
    /// One line per diagnostic, `path:line:column: severity[rule]: message`, for editors.
    Short,
    /// One JSON document (the shape is documented in docs/json-output.md).
    Json,
}
