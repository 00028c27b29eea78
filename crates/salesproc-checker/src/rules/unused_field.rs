use salesproc_parser::model::{Expr, FieldId};
use salesproc_parser::Diagnostic;

use crate::context::Context;
use crate::registry::{declare_rule, finding};

declare_rule! {
    /// ## What it does
    ///
    /// Finds fields that are declared but never used: no stage `requires` them, no activity
    /// `captures` them, and no criterion reads them (an `exit`, an `entry when`, or the `when`
    /// of an `advance` or `route`).
    ///
    /// ## Why it matters
    ///
    /// Every field is a question somebody will be asked to answer in the CRM. A field the
    /// process never collects and never decides on is clutter at best; at worst it is data the
    /// team believes it tracks but nobody records. Usually a criterion or a `captures` was
    /// forgotten, or the field outlived the stage that used it.
    ///
    /// ## Example
    ///
    /// ```salesproc
    /// field budget: money
    /// field competitor: text "Who else the buyer is talking to"
    ///
    /// stage qualification "Qualification" {
    ///   owner sdr
    ///   requires budget
    ///   activity call "Qualification call" {
    ///     outcome "Budget confirmed"
    ///     captures budget
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    ///
    /// Collect the field where the team learns it, or delete it:
    ///
    /// ```salesproc
    /// activity call "Qualification call" {
    ///   outcome "Budget confirmed and competing vendors named"
    ///   captures budget, competitor
    /// }
    /// ```
    pub(crate) static RULE = {
        name: "unused-field",
        severity: Warning,
        summary: "A field is declared but never required, captured or read by a criterion.",
        check: check,
    };
}

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let process = cx.process;
    let mut used = vec![false; cx.model.fields.len()];
    let mut mark = |field: FieldId| {
        if let Some(slot) = used.get_mut(field.0 as usize) {
            *slot = true;
        }
    };
    let mut criteria: Vec<&Expr> = Vec::new();
    for stage in &process.stages {
        stage.captured_fields().for_each(&mut mark);
        criteria.extend(stage.exits.iter().map(|exit| &exit.when));
        criteria.extend(stage.entry.as_ref().and_then(|entry| entry.when.as_ref()));
    }
    criteria.extend(process.transitions().filter_map(|(_, t)| t.when.as_ref()));
    for criterion in criteria {
        criterion.for_each_field(&mut |field, _| mark(field));
    }
    for (field, used) in cx.model.fields.iter().zip(used) {
        // A shared file of fields serves many processes: one process not using all of them is
        // expected, and the declaration is not in this file to point at.
        if used || field.imported_from.is_some() {
            continue;
        }
        out.push(
            finding(*field.name_loc, format!("the field `{}` is declared but never required, captured or read by a criterion", field.name))
                .with_help(format!(
                    "add `captures {0}` to the activity that records it, `requires {0}` to a stage, or use it in a criterion; otherwise delete it",
                    field.name
                )),
        );
    }
}
