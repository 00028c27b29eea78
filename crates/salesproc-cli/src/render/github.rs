//! The `github` format: GitHub Actions workflow commands. NOT YET WRITTEN.

use crate::check::FileReport;

/// Renders one workflow command per diagnostic.
pub fn render_github(reports: &[FileReport]) -> String {
    let _ = reports;
    String::new()
}
