//! `docs/rules/` is generated from the rules' doc comments. This test fails when a page is
//! stale; `SALESPROC_UPDATE_DOCS=1 cargo test -p salesproc-tests --test docs` rewrites them
//! (never set it in CI).

use salesproc_checker::{docs, RULES};
use salesproc_tests::repository;

#[test]
fn rule_pages_are_up_to_date() {
    let dir = repository().join("docs/rules");
    let update = std::env::var_os("SALESPROC_UPDATE_DOCS").is_some_and(|v| v == "1");
    let mut pages: Vec<(String, String)> =
        RULES.iter().map(|rule| (format!("{}.md", rule.name), docs::rule_page(rule))).collect();
    pages.push(("README.md".to_string(), docs::index_page(salesproc_parser::diagnostic::rules::ALL)));
    let mut stale = Vec::new();
    for (file, expected) in &pages {
        let path = dir.join(file);
        let actual = std::fs::read_to_string(&path).unwrap_or_default();
        if actual != *expected {
            if update {
                std::fs::create_dir_all(&dir).expect("create docs/rules");
                std::fs::write(&path, expected).expect("write a rule page");
            } else {
                stale.push(file.clone());
            }
        }
    }
    // A page for a rule that no longer exists is stale too.
    for entry in std::fs::read_dir(&dir).into_iter().flatten().filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !pages.iter().any(|(file, _)| *file == name) {
            stale.push(format!("{name} (no such rule)"));
        }
    }
    assert!(
        stale.is_empty(),
        "docs/rules is stale: {stale:?}\nrun `SALESPROC_UPDATE_DOCS=1 cargo test -p salesproc-tests --test docs`"
    );
}

#[test]
fn every_rule_doc_has_the_four_sections() {
    for rule in RULES {
        let text = docs::doc_text(rule);
        let headings: Vec<&str> = text.lines().filter(|l| l.starts_with("## ")).collect();
        assert_eq!(
            headings,
            ["## What it does", "## Why it matters", "## Example", "## How to fix"],
            "{} has the wrong sections",
            rule.name
        );
        assert!(text.contains("```salesproc"), "{} has no example", rule.name);
        assert!(!rule.summary.is_empty() && rule.summary.ends_with('.'), "{}: summary", rule.name);
    }
}
