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
    /// Rewrite files into the canonical layout (`--check` shows what would change instead).
    Fmt(FmtArgs),
    /// Draw a process as a diagram: Mermaid (renders in GitHub markdown) or Graphviz dot.
    Graph(GraphArgs),
    /// Print a process's typed model as JSON or YAML (the shape is in docs/export.md).
    Export(ExportArgs),
    /// Show what changed in a process between two versions: stages, owners, probabilities, SLAs,
    /// criteria, transitions, and the findings introduced and resolved.
    Diff(DiffArgs),
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

    /// Report only the diagnostics that each file did not already have at the `--base`
    /// revision (matched by rule and by what they are about, not by line), so that CI fails
    /// only on what a change introduces.
    #[arg(long)]
    pub new_only: bool,

    /// The git revision `--new-only` compares with (default: `HEAD`), for example
    /// `origin/main` or the merge base of a pull request.
    #[arg(long, value_name = "REV", requires = "new_only")]
    pub base: Option<String>,
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

/// `salesproc fmt`
#[derive(Debug, Parser)]
pub struct FmtArgs {
    /// Files and directories to format; directories are searched for `*.salesproc` files.
    /// `-` formats standard input to standard output.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Change nothing: print a unified diff of what would change, and exit 1 if anything would.
    #[arg(long)]
    pub check: bool,

    /// The name to show for standard input (`-`) in messages and diffs.
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<PathBuf>,

    /// Print only diffs and errors: no line per reformatted file, no summary.
    #[arg(long, short)]
    pub quiet: bool,

    /// When to colour error reports.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// `salesproc graph`
#[derive(Debug, Parser)]
pub struct GraphArgs {
    /// The `.salesproc` file to draw (`-` reads standard input).
    pub file: PathBuf,

    /// The diagram language.
    #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
    pub format: GraphFormat,

    /// Highlight unreachable stages, dead ends and transitions that can never fire.
    #[arg(long)]
    pub lint: bool,

    /// When to colour error reports.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// Output formats of `graph`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// A Mermaid flowchart: paste it into a ```mermaid block in GitHub markdown.
    Mermaid,
    /// Graphviz dot: render it with `dot -Tsvg`.
    Dot,
}

/// `salesproc export`
#[derive(Debug, Parser)]
pub struct ExportArgs {
    /// The `.salesproc` file to export (`-` reads standard input).
    pub file: PathBuf,

    /// The output format; both carry the same document.
    #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
    pub format: ExportFormat,

    /// When to colour error reports.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// Output formats of `export`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// Pretty-printed JSON.
    Json,
    /// YAML.
    Yaml,
}

/// `salesproc diff`
#[derive(Debug, Parser)]
pub struct DiffArgs {
    /// Without `--git`: two files, the old version then the new one. With `--git`: the files
    /// and directories to compare (default: every `.salesproc` file of the repository).
    pub paths: Vec<PathBuf>,

    /// Compare each `.salesproc` file of the working tree with its version at this git
    /// revision (a branch, tag or commit such as `main` or `HEAD~1`).
    #[arg(long, value_name = "REV")]
    pub git: Option<String>,

    /// How to print the changes: `markdown` is meant for a pull-request comment.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,

    /// Use this configuration file instead of looking for `salesproc.yaml`.
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// The date `stale-review` compares with (default: `SALESPROC_TODAY`, else today).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_today)]
    pub today: Option<salesproc_parser::syntax::Date>,

    /// Exit 1 when a change is risky (a stage removed or renamed, a tighter SLA, a lower
    /// probability...). Without it, a diff that could be made exits 0 whatever it shows.
    #[arg(long, value_enum, value_name = "risky")]
    pub deny: Option<DiffDeny>,
}

/// Output formats of `diff`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// One line per change, for a terminal.
    Human,
    /// A summary table then the details, for a pull-request comment.
    Markdown,
    /// One JSON document (the shape is documented in docs/diff-json.md).
    Json,
}

/// What `diff --deny` turns into a failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffDeny {
    /// Risky changes make `diff` exit 1.
    Risky,
}
