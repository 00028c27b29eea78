//! The `github` format: one GitHub Actions workflow command per diagnostic, which the runner
//! turns into an annotation on the pull request:
//!
//! ```text
//! ::error file=process.salesproc,line=5,col=8,endLine=5,endColumn=10,title=salesproc (duplicate-definition)::the role `ae` is defined twice%0A%0AHelp: rename one of the two roles
//! ```
//!
//! Every value is escaped exactly as GitHub's toolkit does (`@actions/core`, `command.ts`): in
//! the message `%`, `\r` and `\n` become `%25`, `%0D` and `%0A`; in property values `:` and `,`
//! also become `%3A` and `%2C`. So a command always stays on one line, a property value can
//! never end early, and no text from a checked file (a name, a string, the file's own path) can
//! end the command or start one of its own.

use salesproc_parser::Severity;

use super::sarif::{current_dirs, relative_path};
use crate::check::FileReport;

/// Renders one workflow command per diagnostic, one per line.
///
/// `error`s become `::error`, warnings `::warning` and infos `::notice`. The file is shown
/// relative to the current directory when it lies under it (the runner resolves annotation
/// paths from the workspace, where the checks run). Columns are given only for a span on one
/// line, as GitHub's annotations take them; `endColumn` is the column just after the span. The
/// help, if any, follows the message after a blank line.
pub fn render_github(reports: &[FileReport]) -> String {
    let cwd = current_dirs();
    let cwd: Vec<&str> = cwd.iter().map(String::as_str).collect();
    let mut out = String::new();
    for report in reports {
        let file = relative_path(&report.path, &cwd).unwrap_or_else(|absolute| absolute);
        for diagnostic in &report.diagnostics {
            let start = report.lines.line_col(&report.text, diagnostic.span.start);
            let end = report.lines.line_col(&report.text, diagnostic.span.end.max(diagnostic.span.start));
            let mut properties = vec![("file", file.to_string()), ("line", start.line.to_string())];
            if start.line == end.line {
                properties.push(("col", start.column.to_string()));
            }
            properties.push(("endLine", end.line.to_string()));
            if start.line == end.line {
                properties.push(("endColumn", end.column.to_string()));
            }
            properties.push(("title", format!("salesproc ({})", diagnostic.rule)));
            let mut message = diagnostic.message.clone();
            if let Some(help) = diagnostic.help.as_deref().filter(|help| !help.trim().is_empty()) {
                message.push_str("\n\nHelp: ");
                message.push_str(help);
            }
            out.push_str(&command(command_name(diagnostic.severity), &properties, &message));
            out.push('\n');
        }
    }
    out
}

/// The workflow command for a severity.
fn command_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// `::name key=value,key=value::message`, escaped as `@actions/core` does. Empty values are
/// left out, as there.
fn command(name: &str, properties: &[(&str, String)], message: &str) -> String {
    let mut text = format!("::{name}");
    let mut first = true;
    for (key, value) in properties.iter().filter(|(_, value)| !value.is_empty()) {
        text.push(if first { ' ' } else { ',' });
        first = false;
        text.push_str(key);
        text.push('=');
        text.push_str(&escape_property(value));
    }
    text.push_str("::");
    text.push_str(&escape_data(message));
    text
}

/// `escapeData` of `@actions/core`: `%` → `%25`, `\r` → `%0D`, `\n` → `%0A`.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// `escapeProperty` of `@actions/core`: as [`escape_data`], and `:` → `%3A`, `,` → `%2C`.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_toolkit() {
        assert_eq!(escape_data("100% a\r\nb::c,d"), "100%25 a%0D%0Ab::c,d");
        assert_eq!(escape_property("100% a\r\nb::c,d"), "100%25 a%0D%0Ab%3A%3Ac%2Cd");
        // Escaping `%` first means an escape sequence in the text stays text.
        assert_eq!(escape_data("%0A"), "%250A");
    }

    #[test]
    fn commands_keep_empty_values_out() {
        let properties = [("file", "a,b.salesproc".to_string()), ("line", String::new()), ("title", "t:1".into())];
        assert_eq!(command("warning", &properties, "x\ny"), "::warning file=a%2Cb.salesproc,title=t%3A1::x%0Ay");
        assert_eq!(command("notice", &[], "m"), "::notice::m");
    }
}
