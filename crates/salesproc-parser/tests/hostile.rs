//! Hostile inputs give diagnostics, never panics or stack overflows.

use salesproc_parser::{analyze, MAX_PAREN_DEPTH};

fn rules(text: &str) -> Vec<&'static str> {
    analyze(text).diagnostics.iter().map(|d| d.rule).collect()
}

#[test]
fn empty_and_comment_only_files() {
    assert_eq!(rules(""), ["syntax-error"]);
    assert_eq!(rules("# just a comment\n"), ["syntax-error"]);
    assert_eq!(rules("\n\n   \n"), ["syntax-error"]);
}

#[test]
fn unclosed_braces() {
    assert_eq!(rules("process \"P\" {\n  stage a {\n    terminal won\n"), ["syntax-error"]);
    assert_eq!(rules("}\n}\n"), ["syntax-error", "syntax-error"]);
    assert!(!rules("process \"P\" {").is_empty());
    assert!(!rules("{{{{{{{{").is_empty());
}

#[test]
fn ten_thousand_nested_parentheses() {
    let depth = 10_000;
    let text = format!(
        "process \"P\" {{\n  field ok: bool\n  stage a {{\n    exit when {}ok{}\n    advance to won\n  }}\n  stage won {{ terminal won }}\n}}\n",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    let found = analyze(&text).diagnostics;
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].message.contains(&MAX_PAREN_DEPTH.to_string()));
    // Unbalanced the other way too.
    assert!(
        !rules(&format!("process \"P\" {{\n  stage a {{\n    exit when {}\n  }}\n}}\n", "(".repeat(depth))).is_empty()
    );
}

#[test]
fn nesting_at_the_limit_is_accepted() {
    let depth = MAX_PAREN_DEPTH;
    let text = format!(
        "process \"P\" {{\n  field ok: bool\n  stage a {{\n    exit when {}ok{}\n    advance to won\n  }}\n  stage won {{ terminal won }}\n}}\n",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    assert_eq!(rules(&text), Vec::<&str>::new());
}

#[test]
fn a_hundred_thousand_nots() {
    let text = format!(
        "process \"P\" {{\n  field ok: bool\n  stage a {{\n    exit when {}ok\n    advance to won\n  }}\n  stage won {{ terminal won }}\n}}\n",
        "not ".repeat(100_000)
    );
    assert_eq!(rules(&text), Vec::<&str>::new());
}

#[test]
fn nul_bytes_and_control_characters() {
    assert_eq!(rules("process \"P\" {\n  role \0ae\n}\n"), ["syntax-error"]);
    assert_eq!(rules("\0"), ["syntax-error"]);
    assert_eq!(rules("process \"P\u{0}\" {\n}\n"), Vec::<&str>::new());
}

#[test]
fn long_lines_and_strings() {
    let long = "x".repeat(1_000_000);
    let text = format!("process \"{long}\" {{\n  role ae \"{long}\"\n}}\n");
    assert_eq!(rules(&text), Vec::<&str>::new());
    assert!(!rules(&format!("process \"P\" {{\n  {long}\n}}\n")).is_empty());
}

#[test]
fn stray_multibyte_characters() {
    assert_eq!(rules("process \"P\" {\n  rôle ae\n}\n"), ["syntax-error"]);
    assert_eq!(rules("process \"P\" {\n  role ae é\n}\n"), ["syntax-error"]);
    assert_eq!(rules("é"), ["syntax-error"]);
}
