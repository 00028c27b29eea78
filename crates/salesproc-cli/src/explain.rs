//! `salesproc rules` and `salesproc explain`: the rule registry, printed for a terminal.

use std::io::Write;

use salesproc_checker::{docs, registry, RULES};
use salesproc_parser::diagnostic::rules::ALL as FRONT_END;
use salesproc_parser::suggest::closest;

use crate::{EXIT_FAILURE, EXIT_OK};

/// Prints the table of rules: name, default severity, summary.
pub fn rules(out: &mut dyn Write) -> u8 {
    let width =
        FRONT_END.iter().map(|(name, _)| name.len()).chain(RULES.iter().map(|r| r.name.len())).max().unwrap_or(0);
    let mut text = String::new();
    for (name, summary) in FRONT_END {
        text.push_str(&format!("{name:width$}  {:7}  {summary}\n", "error"));
    }
    for rule in RULES {
        text.push_str(&format!("{:width$}  {:7}  {}\n", rule.name, rule.default_severity.as_str(), rule.summary));
    }
    match out.write_all(text.as_bytes()) {
        Ok(()) => EXIT_OK,
        Err(_) => EXIT_FAILURE,
    }
}

/// Prints one rule's documentation, or an error with the closest rule name.
pub fn explain(name: &str, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let text = if let Some(rule) = registry::find(name) {
        docs::explain(rule)
    } else if let Some((name, summary)) = FRONT_END.iter().find(|(n, _)| *n == name) {
        format!(
            "{name} (always an error)\n\n{summary}\n\nThis error comes from reading the file, before any process rule runs, and \
             cannot be switched off. The message says what was expected; docs/language.md describes the language.\n"
        )
    } else {
        let names = FRONT_END.iter().map(|(n, _)| *n).chain(RULES.iter().map(|r| r.name));
        let hint = closest(name, names).map(|s| format!("; did you mean `{s}`?")).unwrap_or_default();
        let _ = writeln!(err, "salesproc: there is no rule named `{name}`{hint} (`salesproc rules` lists them)");
        return EXIT_FAILURE;
    };
    match out.write_all(text.as_bytes()) {
        Ok(()) => EXIT_OK,
        Err(_) => EXIT_FAILURE,
    }
}
