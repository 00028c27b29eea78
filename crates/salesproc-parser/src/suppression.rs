//! Suppression comments: `# salesproc: allow(rule-a, rule-b) reason` and
//! `# salesproc: allow-file(rule-a)`, read from the comments the layout pass found.
//!
//! The parser only reads them; applying them to diagnostics is the checker's `suppress` step.

use crate::diagnostic::{rules, Diagnostic, Span};
use crate::source::LineIndex;
use crate::syntax::Name;

/// What a suppression covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SuppressionScope {
    /// `allow-file(...)`: the whole file.
    File,
    /// `allow(...)`: diagnostics whose primary span starts on this 1-based line, the line of the
    /// statement the comment ends, or of the statement after an own-line comment.
    Line(usize),
}

/// One suppression comment.
#[derive(Clone, Debug, PartialEq)]
pub struct Suppression {
    /// The rules named, with where each is written.
    pub rules: Vec<Name>,
    /// What it covers.
    pub scope: SuppressionScope,
    /// The whole comment.
    pub span: Span,
}

/// Reads the suppression comments among `comments`. `statement_starts` are the offsets where
/// statements begin, in order, to find the statement an own-line comment stands before.
pub(crate) fn extract(
    text: &str,
    comments: &[Span],
    statement_starts: &[usize],
) -> (Vec<Suppression>, Vec<Diagnostic>) {
    let mut suppressions = Vec::new();
    let mut diagnostics = Vec::new();
    let mut lines: Option<LineIndex> = None;
    for comment in comments {
        let Some(body) = text.get(comment.start..comment.end) else { continue };
        let Some(directive_at) = directive_offset(body) else { continue };
        let lines = lines.get_or_insert_with(|| LineIndex::new(text));
        match parse_directive(&body[directive_at..], comment.start + directive_at) {
            Ok((file_wide, names)) => {
                let scope = if file_wide {
                    SuppressionScope::File
                } else if own_line(text, comment.start) {
                    let next = statement_starts.partition_point(|start| *start < comment.end);
                    let line = statement_starts.get(next).map_or(lines.line(comment.end) + 1, |s| lines.line(*s));
                    SuppressionScope::Line(line)
                } else {
                    SuppressionScope::Line(lines.line(comment.start))
                };
                suppressions.push(Suppression { rules: names, scope, span: *comment });
            }
            Err(message) => diagnostics.push(Diagnostic::error(rules::SYNTAX_ERROR, *comment, message).with_help(
                "write `# salesproc: allow(rule-name, ...) reason` or `# salesproc: allow-file(rule-name)`",
            )),
        }
    }
    (suppressions, diagnostics)
}

/// Where `salesproc:` starts in a comment that is a directive, if it is one.
fn directive_offset(comment: &str) -> Option<usize> {
    let after_hash = comment.strip_prefix('#')?;
    let trimmed = after_hash.trim_start();
    trimmed.starts_with("salesproc:").then(|| comment.len() - trimmed.len())
}

/// Reads `salesproc: allow(a, b) reason`; `offset` is where `directive` starts in the file.
fn parse_directive(directive: &str, offset: usize) -> Result<(bool, Vec<Name>), String> {
    let rest = directive.trim_start_matches("salesproc:");
    let consumed = directive.len() - rest.len();
    let trimmed = rest.trim_start();
    let mut at = consumed + (rest.len() - trimmed.len());
    let (file_wide, keyword) = if trimmed.starts_with("allow-file(") {
        (true, "allow-file(")
    } else if trimmed.starts_with("allow(") {
        (false, "allow(")
    } else {
        let word: String = trimmed.chars().take_while(|c| !c.is_whitespace() && *c != '(').collect();
        return Err(format!("unknown salesproc directive `{word}`: expected `allow(...)` or `allow-file(...)`"));
    };
    at += keyword.len();
    let inner_and_rest = &directive[at..];
    let Some(close) = inner_and_rest.find(')') else {
        return Err("this suppression has no closing `)`".to_string());
    };
    let mut names = Vec::new();
    let mut cursor = 0;
    for part in inner_and_rest[..close].split(',') {
        let leading = part.len() - part.trim_start().len();
        let name = part.trim();
        let start = offset + at + cursor + leading;
        cursor += part.len() + 1;
        if name.is_empty() {
            continue;
        }
        names.push(Name { text: name.to_string(), span: Span::new(start, start + name.len()) });
    }
    if names.is_empty() {
        return Err("this suppression names no rule".to_string());
    }
    Ok((file_wide, names))
}

/// Whether only white space precedes `offset` on its line.
fn own_line(text: &str, offset: usize) -> bool {
    let before = text.get(..offset).unwrap_or("");
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    before[line_start..].trim_start_matches('\u{FEFF}').chars().all(|c| c == ' ' || c == '\t')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Vec<Suppression>, Vec<Diagnostic>) {
        let layout = crate::layout::layout(text);
        let starts: Vec<usize> = layout
            .pieces
            .iter()
            .filter_map(|p| match p {
                crate::layout::Piece::Statement { span, .. } => Some(span.start),
                crate::layout::Piece::Close(_) => None,
            })
            .collect();
        extract(text, &layout.comments, &starts)
    }

    #[test]
    fn own_line_comments_cover_the_next_statement() {
        let text = "process \"P\" {\n  # salesproc: allow(unused-role, thin-handoff) kept for the pilot\n\n  role ae\n  role se # salesproc: allow(unused-role)\n}\n# salesproc: allow-file(missing-terminal-lost)\n";
        let (found, errors) = read(text);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(found.len(), 3);
        assert_eq!(found[0].scope, SuppressionScope::Line(4));
        let names: Vec<&str> = found[0].rules.iter().map(|n| n.text.as_str()).collect();
        assert_eq!(names, ["unused-role", "thin-handoff"]);
        assert_eq!(&text[found[0].rules[1].span.start..found[0].rules[1].span.end], "thin-handoff");
        assert_eq!(found[1].scope, SuppressionScope::Line(5));
        assert_eq!(found[2].scope, SuppressionScope::File);
    }

    #[test]
    fn malformed_directives_are_reported_and_ordinary_comments_ignored() {
        let (found, errors) = read(
            "# salesproc: alow(x)\n# salesproc: allow(\n# salesproc: allow()\n# a comment about salesproc: allow(x)\n",
        );
        assert!(found.is_empty());
        assert_eq!(errors.len(), 3);
    }
}
