//! The `short` format: `path:line:column: severity[rule]: message`, one line each.

use crate::check::FileReport;

/// Renders one line per diagnostic. Line breaks inside a message are shown as spaces so that
/// every diagnostic stays on one line for problem matchers.
pub fn render_short(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for report in reports {
        for diagnostic in &report.diagnostics {
            let at = report.lines.line_col(&report.text, diagnostic.span.start);
            let message = diagnostic.message.replace(['\n', '\r'], " ");
            out.push_str(&format!(
                "{}:{}:{}: {}[{}]: {}\n",
                report.path, at.line, at.column, diagnostic.severity, diagnostic.rule, message
            ));
        }
    }
    out
}
