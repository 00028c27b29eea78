//! The `json` format: one document, version 1, documented in `docs/json-output.md`.

use serde::Serialize;

use super::Summary;
use crate::check::FileReport;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: JsonSummary,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    labels: Vec<JsonLabel<'a>>,
    help: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    message: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
struct JsonSummary {
    files: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
}

/// Renders the JSON document, pretty-printed, with a final newline.
pub fn render_json(reports: &[FileReport]) -> String {
    let mut diagnostics = Vec::new();
    for report in reports {
        let position = |offset: usize| report.lines.line_col(&report.text, offset);
        for diagnostic in &report.diagnostics {
            let (start, end) = (position(diagnostic.span.start), position(diagnostic.span.end));
            diagnostics.push(JsonDiagnostic {
                rule: diagnostic.rule,
                severity: diagnostic.severity.as_str(),
                message: &diagnostic.message,
                file: &report.path,
                line: start.line,
                column: start.column,
                end_line: end.line,
                end_column: end.column,
                labels: diagnostic
                    .labels
                    .iter()
                    .map(|label| {
                        let (start, end) = (position(label.span.start), position(label.span.end));
                        JsonLabel {
                            message: &label.message,
                            line: start.line,
                            column: start.column,
                            end_line: end.line,
                            end_column: end.column,
                        }
                    })
                    .collect(),
                help: diagnostic.help.as_deref(),
            });
        }
    }
    let summary = Summary::of(reports);
    let document = Document {
        version: 1,
        diagnostics,
        summary: JsonSummary {
            files: summary.files,
            errors: summary.errors,
            warnings: summary.warnings,
            infos: summary.infos,
        },
    };
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_else(|_| "{}".to_string());
    text.push('\n');
    text
}
