//! Applying suppression comments to a file's diagnostics, after every rule has run, and
//! reporting the ones that suppressed nothing (`unused-suppression`) or name no rule.

use std::collections::HashMap;

use salesproc_parser::diagnostic::rules as front_end;
use salesproc_parser::suggest::closest;
use salesproc_parser::suppression::{Suppression, SuppressionScope};
use salesproc_parser::{Diagnostic, Severity};

use crate::rules::unused_suppression;
use crate::{Options, RULES};

/// Removes the diagnostics that `suppressions` cover and adds a diagnostic for each name in a
/// suppression that is not a process rule (`undefined-reference`) and, when the model was built
/// (so every rule had its chance to fire), for each one that suppressed nothing.
/// `line_of` maps a byte offset to its 1-based line.
pub fn apply(
    diagnostics: Vec<Diagnostic>,
    suppressions: &[Suppression],
    model_built: bool,
    options: &Options,
    line_of: &dyn Fn(usize) -> usize,
) -> Vec<Diagnostic> {
    // used[s][r]: whether rule r of suppression s suppressed something.
    let mut used: Vec<Vec<bool>> = suppressions.iter().map(|s| vec![false; s.rules.len()]).collect();
    // The suppressions that can cover a diagnostic: the file-wide ones and those of its line
    // (looking through every suppression for every diagnostic was quadratic).
    let mut file_wide: Vec<usize> = Vec::new();
    let mut by_line: HashMap<usize, Vec<usize>> = HashMap::new();
    for (s, suppression) in suppressions.iter().enumerate() {
        match suppression.scope {
            SuppressionScope::File => file_wide.push(s),
            SuppressionScope::Line(line) => by_line.entry(line).or_default().push(s),
        }
    }
    let mut kept = Vec::with_capacity(diagnostics.len());
    for diagnostic in diagnostics {
        let line = line_of(diagnostic.span.start);
        let mut suppressed = false;
        let of_line = by_line.get(&line).map(Vec::as_slice).unwrap_or_default();
        for &s in file_wide.iter().chain(of_line) {
            let Some(suppression) = suppressions.get(s) else { continue };
            if !suppressible(diagnostic.rule) {
                continue;
            }
            for (r, name) in suppression.rules.iter().enumerate() {
                if name.text == diagnostic.rule {
                    suppressed = true;
                    if let Some(flag) = used.get_mut(s).and_then(|u| u.get_mut(r)) {
                        *flag = true;
                    }
                }
            }
        }
        if !suppressed {
            kept.push(diagnostic);
        }
    }
    let unused_severity = options.severity(&unused_suppression::RULE);
    // `allow-file(unused-suppression)` silences these too.
    let silenced = suppressions.iter().any(|other| {
        other.scope == SuppressionScope::File && other.rules.iter().any(|n| n.text == unused_suppression::RULE.name)
    });
    for (s, suppression) in suppressions.iter().enumerate() {
        for (r, name) in suppression.rules.iter().enumerate() {
            if !suppressible(&name.text) {
                kept.push(unknown_rule(&name.text, name.span));
                continue;
            }
            let was_used = used.get(s).and_then(|u| u.get(r)).copied().unwrap_or(true);
            if was_used || !model_built || name.text == unused_suppression::RULE.name {
                continue;
            }
            let Some(severity) = unused_severity else { continue };
            let mut finding =
                unused_suppression::unused(&name.text, name.span, suppression.scope == SuppressionScope::File);
            finding.rule = unused_suppression::RULE.name;
            finding.severity = severity;
            if !silenced {
                kept.push(finding);
            }
        }
    }
    kept
}

/// Process rules can be suppressed; the front-end errors cannot.
fn suppressible(rule: &str) -> bool {
    RULES.iter().any(|r| r.name == rule)
}

fn unknown_rule(name: &str, span: salesproc_parser::Span) -> Diagnostic {
    let is_front_end = front_end::ALL.iter().any(|(n, _)| *n == name);
    let diagnostic = if is_front_end {
        Diagnostic::error(
            front_end::UNDEFINED_REFERENCE,
            span,
            format!("`{name}` cannot be suppressed: errors that stop the model from being built are always reported"),
        )
        .with_help("fix the error instead, and remove it from the suppression")
    } else {
        let help = match closest(name, RULES.iter().map(|r| r.name)) {
            Some(suggestion) => format!("did you mean `{suggestion}`?"),
            None => "`salesproc rules` lists the rule names".to_string(),
        };
        Diagnostic::error(front_end::UNDEFINED_REFERENCE, span, format!("there is no rule named `{name}`"))
            .with_help(help)
    };
    diagnostic.with_severity(Severity::Error)
}
