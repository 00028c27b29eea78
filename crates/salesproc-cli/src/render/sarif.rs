//! The `sarif` format: a SARIF 2.1.0 log with exactly one run, for code-scanning tools such as
//! GitHub's.
//!
//! The run's driver lists every rule salesproc has (the front-end rules first, then the process
//! rules in registry order) with its documentation, so a viewer can explain a result without
//! the tool at hand. Each result points at its rule by id and by index, and at its file by a URI
//! reference relative to the current directory. Regions are 1-based and their columns count
//! Unicode code points (`columnKind` says so); `endColumn` is the column just after the span, as
//! SARIF wants. Labels become related locations. The output depends only on the reports (and,
//! for absolute paths, on the current directory), so it is deterministic.

use std::collections::HashMap;

use serde::Serialize;

use salesproc_checker::{docs, Rule, RULES};
use salesproc_parser::diagnostic::rules as front_end;
use salesproc_parser::{Severity, Span};

use crate::check::FileReport;

/// The URI of the SARIF 2.1.0 schema, as published by OASIS.
pub const SCHEMA_URI: &str = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json";

/// The SARIF version written.
pub const SARIF_VERSION: &str = "2.1.0";

/// The language tag given to the checked artifacts.
const SOURCE_LANGUAGE: &str = "salesproc";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    artifacts: Vec<Artifact>,
    results: Vec<SarifResult<'a>>,
    column_kind: &'static str,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    full_name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<String>,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: &'static str,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Multiformat,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Multiformat {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Artifact {
    location: ArtifactLocation,
    roles: [&'static str; 1],
    source_language: &'static str,
}

#[derive(Clone, Serialize)]
struct ArtifactLocation {
    uri: String,
    /// The index into the run's artifacts; absent in an artifact's own location.
    #[serde(skip_serializing_if = "Option::is_none")]
    index: Option<usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Text,
    locations: [Location<'a>; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'a> {
    artifact_location: ArtifactLocation,
    region: Region<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    context_region: Option<ContextRegion<'a>>,
}

/// Whole lines around a region.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ContextRegion<'a> {
    start_line: usize,
    end_line: usize,
    snippet: Snippet<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region<'a> {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<Snippet<'a>>,
}

#[derive(Serialize)]
struct Snippet<'a> {
    text: &'a str,
}

/// Renders the SARIF log, pretty-printed, with a final newline.
pub fn render_sarif(reports: &[FileReport]) -> String {
    let cwd = current_dirs();
    let cwd: Vec<&str> = cwd.iter().map(String::as_str).collect();
    let rules = driver_rules(env!("CARGO_PKG_REPOSITORY"));
    let rule_index: HashMap<&str, usize> = rules.iter().enumerate().map(|(i, rule)| (rule.id, i)).collect();

    let mut artifacts: Vec<Artifact> = Vec::new();
    let mut artifact_index: HashMap<String, usize> = HashMap::new();
    let mut results = Vec::new();
    for report in reports {
        let uri = artifact_uri(&report.path, &cwd);
        let index = *artifact_index.entry(uri.clone()).or_insert_with(|| {
            artifacts.push(Artifact {
                location: ArtifactLocation { uri: uri.clone(), index: None },
                roles: ["analysisTarget"],
                source_language: SOURCE_LANGUAGE,
            });
            artifacts.len() - 1
        });
        let artifact = ArtifactLocation { uri, index: Some(index) };
        for diagnostic in &report.diagnostics {
            let related_locations = diagnostic
                .labels
                .iter()
                .enumerate()
                .map(|(id, label)| Location {
                    id: Some(id),
                    physical_location: physical_location(report, &artifact, label.span),
                    message: Some(Text { text: label.message.clone() }),
                })
                .collect();
            results.push(SarifResult {
                rule_id: diagnostic.rule,
                rule_index: rule_index.get(diagnostic.rule).copied(),
                level: level(diagnostic.severity),
                message: Text { text: result_message(&diagnostic.message, diagnostic.help.as_deref()) },
                locations: [Location {
                    id: None,
                    physical_location: physical_location(report, &artifact, diagnostic.span),
                    message: None,
                }],
                related_locations,
            });
        }
    }

    let repository = env!("CARGO_PKG_REPOSITORY");
    let log = Log {
        schema: SCHEMA_URI,
        version: SARIF_VERSION,
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "salesproc",
                    full_name: concat!("salesproc ", env!("CARGO_PKG_VERSION")),
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: absolute_uri(repository).map(str::to_string),
                    rules,
                },
            },
            artifacts,
            results,
            column_kind: "unicodeCodePoints",
        }],
    };
    // Serializing these plain structures cannot fail; keep the output a JSON document if it ever does.
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_else(|_| "{}".to_string());
    text.push('\n');
    text
}

/// The SARIF level of a severity: `info` is SARIF's `note`.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Every rule as a reporting descriptor, each id once: the front-end rules first, then the
/// process rules in registry order. `repository` is the project's repository URL (empty when unknown), from which
/// the rules' help pages are linked.
fn driver_rules(repository: &str) -> Vec<ReportingDescriptor> {
    let mut rules = Vec::with_capacity(front_end::ALL.len() + RULES.len());
    for &(name, summary) in front_end::ALL {
        rules.push(ReportingDescriptor {
            id: name,
            name: pascal_case(name),
            short_description: Text { text: summary.to_string() },
            full_description: Text { text: summary.to_string() },
            help: Multiformat {
                text: format!("{summary} This error stops the model from being built; it cannot be switched off."),
                markdown: format!(
                    "{summary}\n\nThis error stops the model from being built; it cannot be switched off.\n"
                ),
            },
            help_uri: help_uri(repository, "README"),
            default_configuration: Configuration { level: "error" },
        });
    }
    for rule in RULES.iter().copied() {
        // Rule ids are unique in a run; a name in both lists keeps its front-end entry.
        if !rules.iter().any(|known| known.id == rule.name) {
            rules.push(process_rule(rule, repository));
        }
    }
    rules
}

fn process_rule(rule: &Rule, repository: &str) -> ReportingDescriptor {
    let doc = docs::doc_text(rule);
    let what_it_does = section(&doc, "What it does").map(plain_text).filter(|text| !text.is_empty());
    let full = what_it_does.unwrap_or_else(|| plain_text(&doc));
    ReportingDescriptor {
        id: rule.name,
        name: pascal_case(rule.name),
        short_description: Text { text: rule.summary.to_string() },
        full_description: Text { text: if full.is_empty() { rule.summary.to_string() } else { full } },
        help: Multiformat { text: plain_text(&doc), markdown: doc },
        help_uri: help_uri(repository, rule.name),
        default_configuration: Configuration { level: level(rule.default_severity) },
    }
}

/// `<repository>/blob/main/docs/rules/<page>.md`, when the repository URL is an absolute URI.
fn help_uri(repository: &str, page: &str) -> Option<String> {
    absolute_uri(repository).map(|base| format!("{}/blob/main/docs/rules/{page}.md", base.trim_end_matches('/')))
}

/// `uri` when it is an absolute URI (a scheme, a colon and more), else `None`. The repository
/// URL is empty when the crate does not declare one, and SARIF requires absolute help URIs.
fn absolute_uri(uri: &str) -> Option<&str> {
    let (scheme, rest) = uri.split_once(':')?;
    let mut chars = scheme.chars();
    let scheme_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    let text_ok = !rest.is_empty() && !uri.chars().any(|c| c.is_whitespace() || c.is_control());
    (scheme_ok && text_ok).then_some(uri)
}

/// `duplicate-definition` → `DuplicateDefinition`.
fn pascal_case(name: &str) -> String {
    name.split(['-', '_'])
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map(|first| first.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect()
}

/// The body of the `## <title>` section of a Markdown document, trimmed, if there is one.
fn section<'a>(doc: &'a str, title: &str) -> Option<&'a str> {
    let heading = format!("## {title}");
    let mut start = None;
    let mut offset = 0;
    let mut in_code = false;
    for line in doc.split_inclusive('\n') {
        let trimmed = line.trim_end();
        if trimmed.starts_with("```") {
            in_code = !in_code;
        } else if !in_code && trimmed.starts_with("## ") {
            if let Some(start) = start {
                return doc.get(start..offset).map(str::trim);
            }
            if trimmed == heading {
                start = Some(offset + line.len());
            }
        }
        offset += line.len();
    }
    start.and_then(|start| doc.get(start..)).map(str::trim)
}

/// Markdown as plain text: fences dropped and code indented by four spaces; heading marks,
/// backticks and bold marks removed; the lines of a paragraph joined into one, list items kept
/// on lines of their own.
fn plain_text(markdown: &str) -> String {
    let mut out = String::new();
    let mut in_code = false;
    // Whether the last line written is prose that a following prose line continues.
    let mut in_paragraph = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            in_paragraph = false;
            continue;
        }
        if in_code {
            if !line.trim().is_empty() {
                out.push_str("    ");
                out.push_str(line);
            }
            out.push('\n');
            continue;
        }
        let trimmed = line.trim();
        if trimmed.is_empty() {
            out.push('\n');
            in_paragraph = false;
            continue;
        }
        let hashes = trimmed.len() - trimmed.trim_start_matches('#').len();
        let rest = trimmed.get(hashes..).unwrap_or_default();
        let is_heading = (1..=6).contains(&hashes) && rest.starts_with(' ');
        let text = if is_heading { rest.trim_start() } else { trimmed };
        let text = text.replace("**", "").replace('`', "");
        if in_paragraph && !is_heading && !is_list_item(trimmed) {
            // Replace the line break written after the previous line with a space.
            out.pop();
            out.push(' ');
        }
        out.push_str(&text);
        out.push('\n');
        in_paragraph = !is_heading;
    }
    out.trim().to_string()
}

/// Whether a (trimmed) Markdown line starts a list item: `- `, `* `, `+ ` or `1. `.
fn is_list_item(line: &str) -> bool {
    let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let rest = line.get(digits..).unwrap_or_default();
    if digits > 0 {
        rest.starts_with(". ") || rest.starts_with(") ")
    } else {
        ["- ", "* ", "+ "].iter().any(|marker| line.starts_with(marker))
    }
}

/// The result's message: the diagnostic's message as a sentence, then its help.
fn result_message(message: &str, help: Option<&str>) -> String {
    let mut text = sentence(message);
    if let Some(help) = help.map(str::trim).filter(|help| !help.is_empty()) {
        text.push_str(" Help: ");
        text.push_str(&sentence(help));
    }
    text
}

/// `text` trimmed and ending with a full stop (unless it already ends with `.`, `!` or `?`).
fn sentence(text: &str) -> String {
    let mut text = text.trim().to_string();
    if !text.is_empty() && !text.ends_with(['.', '!', '?']) {
        text.push('.');
    }
    text
}

/// The most lines a snippet shows; a longer region or context gets none.
const MAX_SNIPPET_LINES: usize = 12;

/// The physical location of `span` in `report`'s file, with the text of the span and of the
/// whole lines around it when they are short.
fn physical_location<'a>(report: &'a FileReport, artifact: &ArtifactLocation, span: Span) -> PhysicalLocation<'a> {
    let text = report.text.as_str();
    let start = report.lines.line_col(text, span.start);
    // A span never ends before it starts; clamp so that the region is never inverted.
    let end = report.lines.line_col(text, span.end.max(span.start));
    let short = end.line - start.line < MAX_SNIPPET_LINES;
    let snippet = text.get(span.start..span.end).filter(|snippet| short && !snippet.is_empty());
    let context = short.then(|| line_bounds(text, span)).flatten().and_then(|(from, to)| text.get(from..to));
    PhysicalLocation {
        artifact_location: artifact.clone(),
        region: Region {
            start_line: start.line,
            start_column: start.column,
            end_line: end.line,
            end_column: end.column,
            snippet: snippet.map(|text| Snippet { text }),
        },
        context_region: context.filter(|context| !context.is_empty()).map(|context| ContextRegion {
            start_line: start.line,
            end_line: start.line + context.matches('\n').count() - usize::from(context.ends_with('\n')),
            snippet: Snippet { text: context },
        }),
    }
}

/// The byte range of the whole lines `span` touches (the last one with its line break), or
/// `None` when the span does not lie on character boundaries of `text`.
fn line_bounds(text: &str, span: Span) -> Option<(usize, usize)> {
    let (start, end) = (span.start, span.end.max(span.start));
    let before = text.get(..start)?;
    let from = before.rfind('\n').map_or(0, |i| i + 1);
    // An empty span, or one that ends right after a line break, still shows the line it is on.
    let last = if end > start && text.get(..end)?.ends_with('\n') { end - 1 } else { end };
    let after = text.get(last..)?;
    let to = after.find('\n').map_or(text.len(), |i| last + i + 1);
    Some((from, to.max(from)))
}

/// The spellings of the current directory: as given by the system and with symbolic links
/// resolved, with `/` separators; empty when it cannot be read.
pub(super) fn current_dirs() -> Vec<String> {
    let Ok(cwd) = std::env::current_dir() else {
        return Vec::new();
    };
    let mut dirs = vec![cwd.to_string_lossy().replace('\\', "/")];
    if let Ok(canonical) = cwd.canonicalize() {
        let canonical = canonical.to_string_lossy().replace('\\', "/");
        if !dirs.contains(&canonical) {
            dirs.push(canonical);
        }
    }
    dirs
}

/// A report's path (with `/` separators) relative to the current directory when it can be:
/// `Ok` with a relative path (a relative path as given, without a leading `./`, or an absolute
/// path under one of `cwd`, the current directory's spellings), `Err` with an absolute path
/// that is not under it.
pub(super) fn relative_path<'a>(path: &'a str, cwd: &[&str]) -> Result<&'a str, &'a str> {
    let path = path.strip_prefix("./").unwrap_or(path);
    if !is_absolute(path) {
        return Ok(path);
    }
    for dir in cwd {
        let relative = path.strip_prefix(dir.trim_end_matches('/')).and_then(|rest| rest.strip_prefix('/'));
        if let Some(relative) = relative.filter(|rest| !rest.is_empty()) {
            return Ok(relative);
        }
    }
    Err(path)
}

/// The URI reference of a report's path: relative to the current directory when it can be
/// (see [`relative_path`]), else a `file:` URI. Characters a URI reference cannot hold are
/// percent-encoded.
fn artifact_uri(path: &str, cwd: &[&str]) -> String {
    match relative_path(path, cwd) {
        Ok(relative) => percent_encode(relative),
        Err(absolute) => file_uri(absolute),
    }
}

/// Whether `path` (with `/` separators) is absolute: `/…`, or a Windows drive `C:/…`.
fn is_absolute(path: &str) -> bool {
    path.starts_with('/') || drive(path).is_some()
}

/// The drive prefix (`C:`) of a Windows path `C:/…`.
fn drive(path: &str) -> Option<&str> {
    let bytes = path.as_bytes();
    let is_drive = bytes.len() >= 2
        && bytes[0].is_ascii_alphabetic()
        && bytes[1] == b':'
        && (bytes.len() == 2 || bytes[2] == b'/');
    if is_drive {
        path.get(..2)
    } else {
        None
    }
}

/// A `file:` URI for an absolute path.
fn file_uri(path: &str) -> String {
    match drive(path) {
        Some(drive) => format!("file:///{drive}{}", percent_encode(&path[drive.len()..])),
        None if path.starts_with("//") => format!("file:{}", percent_encode(path)),
        None => format!("file://{}", percent_encode(path)),
    }
}

/// Percent-encodes every byte that may not stand for itself in a URI path: everything but the
/// unreserved characters, `/` and the sub-delimiters of RFC 3986. A colon is encoded too, so a
/// relative reference never looks like a scheme.
fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        let keep = byte.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=@".contains(&byte);
        if keep {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_stay_relative_and_are_encoded() {
        assert_eq!(artifact_uri("a/b.salesproc", &[]), "a/b.salesproc");
        assert_eq!(artifact_uri("./a/b.salesproc", &[]), "a/b.salesproc");
        assert_eq!(artifact_uri("my dir/a b.salesproc", &[]), "my%20dir/a%20b.salesproc");
        assert_eq!(artifact_uri("c:x/50%,#?.salesproc", &[]), "c%3Ax/50%25,%23%3F.salesproc");
        assert_eq!(artifact_uri("../é.salesproc", &[]), "../%C3%A9.salesproc");
    }

    #[test]
    fn absolute_paths_under_the_current_directory_become_relative() {
        let cwd = ["/home/me/repo", "/real/repo/"];
        assert_eq!(artifact_uri("/home/me/repo/p/a.salesproc", &cwd), "p/a.salesproc");
        assert_eq!(artifact_uri("/real/repo/a b.salesproc", &cwd), "a%20b.salesproc");
        // A sibling whose name only starts like the current directory is not under it.
        assert_eq!(artifact_uri("/home/me/repository/a.salesproc", &cwd), "file:///home/me/repository/a.salesproc");
        assert_eq!(artifact_uri("/tmp/x y.salesproc", &cwd), "file:///tmp/x%20y.salesproc");
        assert_eq!(artifact_uri("/a.salesproc", &["/"]), "a.salesproc");
        assert_eq!(artifact_uri("C:/work/a.salesproc", &[]), "file:///C:/work/a.salesproc");
        assert_eq!(artifact_uri("C:/work/a.salesproc", &["C:/work"]), "a.salesproc");
    }

    #[test]
    fn names_and_uris() {
        assert_eq!(pascal_case("duplicate-definition"), "DuplicateDefinition");
        assert_eq!(pascal_case("stale-review"), "StaleReview");
        assert_eq!(help_uri("", "x"), None);
        assert_eq!(help_uri("https://h.example/p/", "x"), Some("https://h.example/p/blob/main/docs/rules/x.md".into()));
        assert_eq!(absolute_uri("not a uri"), None);
        assert_eq!(absolute_uri("1x:y"), None);
    }

    #[test]
    fn messages_are_sentences_with_their_help() {
        assert_eq!(result_message("the role `ae` is defined twice", None), "the role `ae` is defined twice.");
        assert_eq!(result_message("done.", Some("rename it")), "done. Help: rename it.");
        assert_eq!(result_message("what?", Some("  ")), "what?");
    }

    #[test]
    fn sections_and_plain_text() {
        let doc = "## What it does\n\nFinds **bad** `x`\nin two lines:\n\n1. one\n   more\n2. two\n\n```salesproc\n## not a heading\n\n```\n\n## Why it matters\n\nBecause.\n";
        assert_eq!(
            section(doc, "What it does"),
            Some(
                "Finds **bad** `x`\nin two lines:\n\n1. one\n   more\n2. two\n\n```salesproc\n## not a heading\n\n```"
            )
        );
        assert_eq!(section(doc, "Why it matters"), Some("Because."));
        assert_eq!(section(doc, "Nothing"), None);
        assert_eq!(
            plain_text(doc),
            "What it does\n\nFinds bad x in two lines:\n\n1. one more\n2. two\n\n    ## not a heading\n\n\nWhy it matters\n\nBecause."
        );
    }

    #[test]
    fn every_rule_is_described() {
        let rules = driver_rules("https://h.example/salesproc");
        assert_eq!(rules.len(), front_end::ALL.len() + RULES.len());
        for rule in &rules {
            assert!(!rule.full_description.text.is_empty(), "{}", rule.id);
            assert!(!rule.full_description.text.contains("```"), "{}", rule.id);
            assert!(rule.help_uri.as_deref().is_some_and(|uri| uri.ends_with(".md")), "{}", rule.id);
        }
    }
}
