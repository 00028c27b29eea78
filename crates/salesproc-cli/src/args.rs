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
    /// `-` reads one file from standard input.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Use this configuration file instead of looking for `salesproc.yaml`.
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Treat warnings as errors for the exit code.
    #[arg(long, value_enum, value_name = "warnings")]
    pub deny: Option<Deny>,

    /// The date `stale-review` compares with (default: `SALESPROC_TODAY`, else today).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_today)]
    pub today: Option<salesproc_parser::syntax::Date>,

    /// The name to show for standard input (`-`), and where its configuration is looked up.
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<PathBuf>,

    /// Print only the diagnostics: no summary line.
    #[arg(long, short)]
    pub quiet: bool,

    /// When to colour human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// What `--deny` can turn into errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Deny {
    /// Warnings make `check` exit 1.
    Warnings,
}

/// `--color`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal, unless `NO_COLOR` is set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

fn parse_today(text: &str) -> Result<salesproc_parser::syntax::Date, String> {
    crate::check::parse_date(text).ok_or_else(|| format!("`{text}` is not a date: write YYYY-MM-DD"))
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
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
    /// GitHub Actions workflow commands, which annotate pull requests.
    Github,
}
