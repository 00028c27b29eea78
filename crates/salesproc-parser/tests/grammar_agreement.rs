//! The whole-file rule `file` of `grammar/salesproc.pest` and the statement-by-statement parser
//! must agree: `file` accepts a text exactly when the parser finds no syntax error in it.
//! (The one exception is a file with no statement at all, which the grammar accepts and the
//! parser reports as holding no process.)

use std::path::{Path, PathBuf};

use pest::Parser as _;
use salesproc_parser::grammar::{Rule, SalesprocGrammar};
use salesproc_parser::parse;

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn salesproc_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            salesproc_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "salesproc") {
            out.push(path);
        }
    }
}

fn agree(name: &str, text: &str) -> Result<(), String> {
    let parsed = parse(text);
    // Suppression comments are comments to the grammar; a malformed one is the parser's concern.
    let syntax_errors: Vec<_> = parsed
        .diagnostics
        .iter()
        .filter(|d| d.rule == "syntax-error" && !parsed.tree.comments.contains(&d.span))
        .collect();
    let empty = parsed.tree.processes.is_empty()
        && parsed.tree.roles.is_empty()
        && parsed.tree.fields.is_empty()
        && parsed.tree.uses.is_empty();
    let grammar_accepts = SalesprocGrammar::parse(Rule::file, text).is_ok();
    let parser_accepts = syntax_errors.is_empty() || (empty && syntax_errors.len() == 1 && grammar_accepts);
    if grammar_accepts == parser_accepts {
        Ok(())
    } else {
        Err(format!("{name}: grammar accepts: {grammar_accepts}, parser's syntax errors: {syntax_errors:?}"))
    }
}

const SNIPPETS: &[&str] = &[
    "process \"P\" {\n}\n",
    "process \"P\" {}",
    "process \"P\" { role a; role b }",
    "process \"P\" {\n  stage a { owner x\n  }\n}\n",
    "process \"P\" {\n  stage a {\n    owner x }\n}\n",
    "process \"P\" {\n  stage a {\n    terminal won\n  } role x\n}\n",
    "process \"P\" {\n  stage a {\n    terminal won\n  };\n}\n",
    "process \"P\" {\n  field f: enum { a, b }\n}\n",
    "process \"P\" {\n  field f: enum {\n a, b }\n}\n",
    "process \"P\" {\n  stage a {\n    exit when (x and\n  y)\n  }\n}\n",
    "process \"P\" {\n  stage a {\n    exit when (x and\n  y\n  }\n}\n",
    "process \"P\" {\n  stage a {\n    exit when x and\n  y\n  }\n}\n",
    "process \"P\" {\n  stage a {\n    exit when f in { a,\n b }\n  }\n}\n",
    "process \"P\" {\n  stage a {\n    exit when (f in { a,\n b })\n  }\n}\n",
    "process \"P\" { stage a { terminal won } }",
    "process \"P\" { stage a {\n terminal won } }",
    "use \"x\"\nprocess \"P\" {\n}\n",
    "role a\nfield b: bool\n",
    "role a \"A\"; field b: bool \"B\"",
    "process \"P\" {\n}\nprocess \"Q\" {\n}\n",
    "process \"P\" {\n  }}\n",
    "}",
    "process \"P\" {\n  stage a {\n    goal \"unterminated\n  }\n}\n",
    "process \"P\" {\n  stage a {\n    advance to b within 2d within 3d\n  }\n}\n",
    "process \"P\" {\n  stage a {\n    exit when x # c\n  }\n}\n",
    "\u{FEFF}process \"P\" {\n}\n",
    "process \"P\" {\r\n  role a\r\n}\r\n",
    "process \"P\" {\n  stage a {\n    exit when ((x)\n)\n  }\n}\n",
    "process \"P\" {\n  stage a {\n    exit when x)\n  }\n}\n",
    "process \"P\" {\n  stage a {\n    activity b {\n      optional; outcome \"o\"\n    }\n  }\n}\n",
    "process \"P\" {\n  stage a {\n    activity b { optional\n    }\n  }\n}\n",
    "process \"P\" {\n  stage a {\n    activity b {\n      optional\n    } }\n}\n",
    "process \"P\" {\n  start stage a {\n  }\n}\n",
    "process \"P\" {\n  start a {\n  }\n}\n",
    "process \"P\" {\n  stage a {\n    entry when x\n    entry \"t\"\n    entry \"t\" when x\n    entry\n  }\n}\n",
];

#[test]
fn grammar_and_recovering_parser_agree() {
    let mut files = Vec::new();
    for dir in ["examples", "tests/fixtures", "tests/corpus", "docs"] {
        salesproc_files(&repository().join(dir), &mut files);
    }
    files.sort();
    let mut failures = Vec::new();
    for file in &files {
        let Ok(text) = std::fs::read_to_string(file) else { continue };
        if let Err(failure) = agree(&file.display().to_string(), &text) {
            failures.push(failure);
        }
    }
    for (i, snippet) in SNIPPETS.iter().enumerate() {
        if let Err(failure) = agree(&format!("snippet {i} {snippet:?}"), snippet) {
            failures.push(failure);
        }
    }
    assert!(files.len() >= 10, "expected the repository's .salesproc files, found {}", files.len());
    assert!(failures.is_empty(), "{} disagreements:\n{}", failures.len(), failures.join("\n"));
}
