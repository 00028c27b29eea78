//! What a diagnostic is about, independent of where it was written: the key that matches a
//! finding of one version of a file with the same finding in another version.
//!
//! An [`Identity`] is made of
//!
//! 1. the rule;
//! 2. the **subject**: the item of the syntax tree that encloses the diagnostic's primary span,
//!    named by identifiers, never by position: `stage discovery`, `stage discovery activity
//!    demo`, `stage qualification advance to discovery`, `stage closing exit discount<=20%`
//!    (an exit is named by its criterion with whitespace and comments removed), `field budget`,
//!    `role ae`, `use "roles.salesproc"`, `process`;
//! 3. the names the message quotes between backticks, in order (`budget >= 10_000`, `sdr`).
//!    The process rules build their messages from the model, never from positions, so these
//!    names do not change when code moves. (`import-error` messages quote file-system paths,
//!    which differ between a checkout and a revision, so that rule is keyed by its subject only.)
//!
//! The syntax tree exists even when a file has syntax errors, so front-end errors have an
//! identity too. Moving statements, reordering stages, re-indenting or re-wrapping criteria
//! leaves every identity unchanged; a stage renamed (same title, new identifier, see
//! [`super::compare::match_stages`]) keeps the identities of its findings through
//! [`Identity::renaming`].

use std::collections::HashMap;

use salesproc_parser::syntax::{LiteralValue, ProcessItem, SourceFile, StageDecl, StageItem};
use salesproc_parser::{Diagnostic, Span};

use super::compare::match_stages;

/// The identity of a diagnostic; see the module documentation.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Identity {
    /// The rule.
    pub rule: String,
    /// The enclosing item, as identifiers.
    pub subject: String,
    /// The names the message quotes.
    pub names: Vec<String>,
}

impl Identity {
    /// The identity of `diagnostic` in the file whose text is `text` and syntax tree `tree`.
    pub fn of(diagnostic: &Diagnostic, tree: &SourceFile, text: &str) -> Identity {
        let names = if diagnostic.rule == salesproc_parser::diagnostic::rules::IMPORT_ERROR {
            Vec::new()
        } else {
            diagnostic.message.split('`').skip(1).step_by(2).map(str::to_string).collect()
        };
        Identity { rule: diagnostic.rule.to_string(), subject: subject(tree, text, diagnostic.span), names }
    }

    /// The same identity with stage identifiers renamed (`old` → `new`), so that the findings of
    /// a renamed stage keep their identity.
    pub fn renaming(&self, renames: &HashMap<String, String>) -> Identity {
        if renames.is_empty() {
            return self.clone();
        }
        Identity {
            rule: self.rule.clone(),
            subject: rename_words(&self.subject, renames),
            names: self.names.iter().map(|n| rename_words(n, renames)).collect(),
        }
    }
}

/// The stage renames from the file `old` to the file `new` (old identifier → new one), by the
/// same rule as the semantic diff: an identifier that disappears while another with the same
/// title appears.
pub fn stage_renames(old: &SourceFile, new: &SourceFile) -> HashMap<String, String> {
    let stages = |tree: &SourceFile| -> Vec<(String, Option<String>)> {
        tree.processes
            .iter()
            .flat_map(|p| &p.items)
            .filter_map(|item| match item {
                ProcessItem::Stage(stage) => Some((stage.name.text.clone(), title(stage))),
                _ => None,
            })
            .collect()
    };
    let (old_stages, new_stages) = (stages(old), stages(new));
    let old_refs: Vec<(&str, Option<&str>)> = old_stages.iter().map(|(n, t)| (n.as_str(), t.as_deref())).collect();
    let new_refs: Vec<(&str, Option<&str>)> = new_stages.iter().map(|(n, t)| (n.as_str(), t.as_deref())).collect();
    let matching = match_stages(&old_refs, &new_refs);
    let mut renames = HashMap::new();
    for (index, renamed) in matching.renamed.iter().enumerate() {
        if let (true, Some(Some(new_index))) = (*renamed, matching.old_to_new.get(index)) {
            renames.insert(old_refs[index].0.to_string(), new_refs[*new_index].0.to_string());
        }
    }
    renames
}

fn title(stage: &StageDecl) -> Option<String> {
    match stage.title.as_ref().map(|t| &t.value) {
        Some(LiteralValue::Text(text)) => Some(text.clone()),
        _ => None,
    }
}

/// Which of `new` have no counterpart in `old`, as indexes into `new`. Identities are counted:
/// when `old` has k findings with an identity and `new` has n > k, the first k of `new` are
/// matched and the other n − k are new.
pub fn unmatched(new: &[Identity], old: &[Identity]) -> Vec<usize> {
    let mut remaining: HashMap<&Identity, usize> = HashMap::new();
    for identity in old {
        *remaining.entry(identity).or_default() += 1;
    }
    let mut fresh = Vec::new();
    for (index, identity) in new.iter().enumerate() {
        match remaining.get_mut(identity) {
            Some(count) if *count > 0 => *count -= 1,
            _ => fresh.push(index),
        }
    }
    fresh
}

fn within(span: Span, offset: usize) -> bool {
    span.start <= offset && offset < span.end.max(span.start + 1)
}

fn slice(text: &str, span: Span) -> &str {
    text.get(span.start..span.end).unwrap_or("")
}

/// The enclosing item of `span` in `tree`, named by identifiers.
fn subject(tree: &SourceFile, text: &str, span: Span) -> String {
    let offset = span.start;
    if let Some(used) = tree.uses.iter().find(|u| within(u.span, offset)) {
        return format!("use {}", used.raw);
    }
    if let Some(role) = tree.roles.iter().find(|r| within(r.span, offset)) {
        return format!("role {}", role.name.text);
    }
    if let Some(field) = tree.fields.iter().find(|f| within(f.span, offset)) {
        return format!("field {}", field.name.text);
    }
    let Some(process) = tree.processes.iter().find(|p| within(p.span, offset)) else {
        return "file".into();
    };
    for item in &process.items {
        let found = match item {
            ProcessItem::Owner(s) if within(s.span, offset) => "process owner".to_string(),
            ProcessItem::Version(s) if within(s.span, offset) => "process version".to_string(),
            ProcessItem::Description(s) if within(s.span, offset) => "process description".to_string(),
            ProcessItem::ReviewEvery(s) if within(s.span, offset) => "process review".to_string(),
            ProcessItem::Reviewed(s) if within(s.span, offset) => "process reviewed".to_string(),
            ProcessItem::Role(r) if within(r.span, offset) => format!("role {}", r.name.text),
            ProcessItem::Field(f) if within(f.span, offset) => format!("field {}", f.name.text),
            ProcessItem::Stage(s) if within(s.span, offset) => stage_subject(s, text, offset),
            _ => continue,
        };
        return found;
    }
    "process".into()
}

fn stage_subject(stage: &StageDecl, text: &str, offset: usize) -> String {
    let base = format!("stage {}", stage.name.text);
    for item in &stage.items {
        let found = match item {
            StageItem::Activity(a) if within(a.span, offset) => format!("{base} activity {}", a.name.text),
            StageItem::Transition(t) if within(t.span, offset) => {
                format!("{base} {} to {}", t.kind.keyword(), t.target.text)
            }
            StageItem::Exit(e) if within(e.span, offset) => {
                format!("{base} exit {}", compact(slice(text, e.when.span())))
            }
            StageItem::Entry(e) if within(e.span, offset) => format!("{base} entry"),
            StageItem::Requires(s) if within(s.span, offset) => format!("{base} requires"),
            StageItem::Owner(s) if within(s.span, offset) => format!("{base} owner"),
            StageItem::Probability(s) if within(s.span, offset) => format!("{base} probability"),
            StageItem::Goal(s) if within(s.span, offset) => format!("{base} goal"),
            StageItem::Sla(s) if within(s.span, offset) => format!("{base} sla"),
            StageItem::Terminal(s) if within(s.span, offset) => format!("{base} terminal"),
            _ => continue,
        };
        return found;
    }
    base
}

/// Source text without whitespace and comments (strings kept as written), so that re-wrapping
/// or re-indenting a criterion does not change it.
fn compact(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut chars = source.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push(c);
                while let Some(inner) = chars.next() {
                    out.push(inner);
                    match inner {
                        '\\' => out.extend(chars.next()),
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '#' => {
                for skipped in chars.by_ref() {
                    if skipped == '\n' {
                        break;
                    }
                }
            }
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

/// `text` with every identifier-like word found in `renames` replaced.
pub(crate) fn rename_words(text: &str, renames: &HashMap<String, String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        match renames.get(word.as_str()) {
            Some(new) => out.push_str(new),
            None => out.push_str(word),
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_drops_layout_but_keeps_strings() {
        assert_eq!(compact("(budget >= 10_000 # big\n   and  need == \"a  b\")"), "(budget>=10_000andneed==\"a  b\")");
    }

    #[test]
    fn counting_reports_only_the_extra_ones() {
        let id = |s: &str| Identity { rule: "r".into(), subject: s.into(), names: Vec::new() };
        let old = [id("a"), id("b")];
        let new = [id("a"), id("a"), id("b"), id("c")];
        assert_eq!(unmatched(&new, &old), vec![1, 3]);
    }

    #[test]
    fn renaming_replaces_whole_words_only() {
        let renames = HashMap::from([("qualify".to_string(), "qualification".to_string())]);
        assert_eq!(rename_words("qualify → qualify_x", &renames), "qualification → qualify_x");
    }
}
