//! The `human` format: miette's graphical reports with source snippets, labels and help.

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};

use super::Summary;
use crate::check::FileReport;

/// The width reports are wrapped at, fixed so that output does not depend on the terminal.
const WIDTH: usize = 100;

/// Renders every diagnostic as a report.
pub fn render_human(reports: &[FileReport], color: bool) -> String {
    let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(WIDTH).with_links(false);
    let mut out = String::new();
    for report in reports {
        let source = NamedSource::new(&report.path, report.text.clone());
        for diagnostic in &report.diagnostics {
            let snippet = fits_a_snippet(report, diagnostic);
            // Without a snippet, the message says where.
            let location = (!snippet).then(|| {
                let at = report.lines.line_col(&report.text, diagnostic.span.start);
                format!("{}:{}:{}", report.path, at.line, at.column)
            });
            let report_diagnostic = Report { diagnostic, source: &source, text: &report.text, snippet, location };
            // Rendering into a String cannot fail; fall back to the message if it ever does.
            if handler.render_report(&mut out, &report_diagnostic).is_err() {
                out.push_str(&diagnostic.message);
            }
            out.push('\n');
        }
    }
    out
}

/// The closing line, when there was anything to report.
pub fn summary(reports: &[FileReport]) -> String {
    let summary = Summary::of(reports);
    if summary.errors + summary.warnings + summary.infos == 0 {
        return String::new();
    }
    summary_line(&summary) + "\n"
}

fn summary_line(summary: &Summary) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{} in {}: {}, {}, {}",
        plural(summary.errors + summary.warnings + summary.infos, "problem"),
        plural(summary.files, "file"),
        plural(summary.errors, "error"),
        plural(summary.warnings, "warning"),
        plural(summary.infos, "info")
    )
}

/// One diagnostic with its file, as miette wants it.
struct Report<'a> {
    diagnostic: &'a salesproc_parser::Diagnostic,
    source: &'a NamedSource<String>,
    text: &'a str,
    /// Whether to show the source lines (see [`fits_a_snippet`]).
    snippet: bool,
    /// `path:line:column`, shown in the message when there is no snippet.
    location: Option<String>,
}

/// The longest line shown as a snippet. Past it the report is the message and help alone: a
/// snippet of a line of thousands of characters helps nobody, and miette 7 panics when it pads a
/// label past column 65,535.
const MAX_SNIPPET_LINE: usize = 4_000;

/// Whether every line a diagnostic points at is short enough to show.
fn fits_a_snippet(report: &FileReport, diagnostic: &salesproc_parser::Diagnostic) -> bool {
    let spans = std::iter::once(diagnostic.span).chain(diagnostic.labels.iter().map(|l| l.span));
    spans.into_iter().all(|span| {
        [span.start, span.end].iter().all(|offset| {
            let offset = (*offset).min(report.text.len());
            let bytes = report.text.as_bytes();
            let line_start = bytes[..offset].iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
            let line_end = bytes[offset..].iter().position(|b| *b == b'\n').map_or(bytes.len(), |i| offset + i);
            line_end - line_start <= MAX_SNIPPET_LINE
        })
    })
}

impl Report<'_> {
    /// A span clamped to the text and widened to character boundaries, so that miette never
    /// slices inside a character.
    fn span(&self, span: salesproc_parser::Span) -> SourceSpan {
        let mut start = span.start.min(self.text.len());
        let mut end = span.end.clamp(start, self.text.len());
        while !self.text.is_char_boundary(start) {
            start -= 1;
        }
        while !self.text.is_char_boundary(end) {
            end += 1;
        }
        SourceSpan::new(start.into(), end - start)
    }
}

impl std::fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.location {
            Some(location) => write!(f, "{} (at {location}; the line is too long to show)", self.diagnostic.message),
            None => f.write_str(&self.diagnostic.message),
        }
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(self.diagnostic.rule))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            salesproc_parser::Severity::Error => miette::Severity::Error,
            salesproc_parser::Severity::Warning => miette::Severity::Warning,
            salesproc_parser::Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.diagnostic.help.as_ref().map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.snippet.then_some(self.source as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if !self.snippet {
            return None;
        }
        let primary = LabeledSpan::new_primary_with_span(None, self.span(self.diagnostic.span));
        let secondary = self
            .diagnostic
            .labels
            .iter()
            .map(|label| LabeledSpan::new_with_span(Some(label.message.clone()), self.span(label.span)));
        Some(Box::new(std::iter::once(primary).chain(secondary)))
    }
}
