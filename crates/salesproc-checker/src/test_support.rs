//! Helpers for the checker's unit tests: small processes written from a table, and one rule run
//! on them.

use salesproc_parser::{analyze, Diagnostic};

use crate::context::Context;
use crate::Options;

/// A process from `(stage, statements)` pairs after the `declarations` (roles and fields):
/// `won` and `lost` are terminal, the first stage is the start, every other stage is owned by
/// the role `r`, which is declared here.
pub(crate) fn process_text(declarations: &str, stages: &[(&str, &[&str])]) -> String {
    let mut text = format!("process \"p\" {{\n  role r\n{declarations}");
    for (i, (name, statements)) in stages.iter().enumerate() {
        match *name {
            "won" | "lost" => text.push_str(&format!("  stage {name} {{ terminal {name} }}\n")),
            _ => {
                let start = if i == 0 { "start " } else { "" };
                text.push_str(&format!("  {start}stage {name} {{\n    owner r\n"));
                for statement in *statements {
                    text.push_str(&format!("    {statement}\n"));
                }
                text.push_str("  }\n");
            }
        }
    }
    text.push_str("}\n");
    text
}

/// Runs one rule's `check` on `text`, which must have no front-end diagnostic.
pub(crate) fn run_rule(text: &str, check: fn(&Context, &mut Vec<Diagnostic>)) -> Vec<Diagnostic> {
    let analysis = analyze(text);
    assert!(analysis.diagnostics.is_empty(), "{:?}\n{text}", analysis.diagnostics);
    let model = analysis.model.expect("a model");
    let process = model.process.as_ref().expect("a process");
    let options = Options::default();
    let cx = Context::new(&model, process, &options);
    let mut out = Vec::new();
    check(&cx, &mut out);
    out
}
