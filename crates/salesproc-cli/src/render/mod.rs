//! Output formats: each turns the checked files' reports into text.

mod github;
mod human;
mod json;
mod sarif;
mod short;

use crate::args::Format;
use crate::check::FileReport;

pub use github::render_github;
pub use human::render_human;
pub use json::render_json;
pub use sarif::render_sarif;
pub use short::render_short;

/// Renders `reports` in `format`. `color` and `quiet` (no summary line) apply to the human
/// format only.
pub fn render(format: Format, reports: &[FileReport], color: bool, quiet: bool) -> String {
    match format {
        Format::Human => {
            let mut text = render_human(reports, color);
            if !quiet {
                text.push_str(&human::summary(reports));
            }
            text
        }
        Format::Short => render_short(reports),
        Format::Json => render_json(reports),
        Format::Sarif => render_sarif(reports),
        Format::Github => render_github(reports),
    }
}

/// Whether to colour human output written to a stream that `is_terminal` says is (or is not)
/// a terminal: `auto` colours only on a terminal, and never when `NO_COLOR` is set.
pub fn use_color(choice: crate::args::ColorChoice, is_terminal: bool) -> bool {
    match choice {
        crate::args::ColorChoice::Always => true,
        crate::args::ColorChoice::Never => false,
        crate::args::ColorChoice::Auto => std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && is_terminal,
    }
}

/// Counts of diagnostics by severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Files checked.
    pub files: usize,
    /// Error-level diagnostics.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Infos.
    pub infos: usize,
}

impl Summary {
    /// Counts the diagnostics of `reports`.
    pub fn of(reports: &[FileReport]) -> Summary {
        let mut summary = Summary { files: reports.len(), ..Summary::default() };
        for diagnostic in reports.iter().flat_map(|r| &r.diagnostics) {
            match diagnostic.severity {
                salesproc_parser::Severity::Error => summary.errors += 1,
                salesproc_parser::Severity::Warning => summary.warnings += 1,
                salesproc_parser::Severity::Info => summary.infos += 1,
            }
        }
        summary
    }
}
