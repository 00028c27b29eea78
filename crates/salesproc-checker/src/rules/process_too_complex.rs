use std::collections::BTreeSet;

use salesproc_parser::Diagnostic;

use crate::context::Context;
use crate::registry::{declare_rule, finding};

declare_rule! {
    /// ## What it does
    ///
    /// Fires when the process is bigger than a team can follow:
    ///
    /// - more open (non-terminal) stages than `max-stages` (default 12);
    /// - more activities in one stage than `max-activities-per-stage` (default 7), optional
    ///   activities included;
    /// - more required fields in one stage than `max-required-fields-per-stage` (default 10),
    ///   counting each field once however many `requires` lines name it.
    ///
    /// The limits can be changed in `salesproc.yaml`:
    ///
    /// ```yaml
    /// limits:
    ///   max-stages: 15
    ///   max-activities-per-stage: 9
    ///   max-required-fields-per-stage: 12
    /// ```
    ///
    /// ## Why it matters
    ///
    /// A process exists to be followed. One that tries to describe everything that could happen
    /// in a sale ends up as a checklist nobody reads: reps skip steps, fill required fields with
    /// placeholders to get past them, and the process stops describing what the team really
    /// does. A short process with clear milestones is followed; a long one is worked around.
    ///
    /// ## Example
    ///
    /// ```salesproc
    /// stage discovery "Discovery" {
    ///   owner ae
    ///   probability 20%
    ///   requires pain, budget, authority, need, timeline, champion, competitors, tech_stack, legal_contact, procurement_steps, security_contact
    /// }
    /// ```
    ///
    /// ## How to fix
    ///
    /// Split an overloaded stage in two at a real buyer milestone, move nice-to-have fields
    /// from `requires` to an activity's `captures`, merge activities that are really one
    /// conversation, and fold stages that nobody forecasts separately into their neighbours.
    /// If the size is deliberate, raise the limit under `limits:` in `salesproc.yaml`.
    pub(crate) static RULE = {
        name: "process-too-complex",
        severity: Warning,
        summary: "The process has too many stages, or a stage has too many activities or required fields.",
        check: check,
    };
}

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let limits = cx.options.limits;
    let open = cx.stages().iter().filter(|s| s.terminal.is_none()).count();
    if open > limits.max_stages {
        out.push(
            finding(
                *cx.process.name_loc,
                format!(
                    "the process `{}` has {open} open stages, more than the limit of {}",
                    cx.process.name, limits.max_stages
                ),
            )
            .with_help(
                "merge stages that nobody forecasts separately, or move a separate motion into its own process; \
                 to allow more, raise `max-stages` under `limits:` in salesproc.yaml",
            ),
        );
    }
    for stage in cx.stages() {
        let activities = stage.activities.len();
        if activities > limits.max_activities_per_stage {
            out.push(
                finding(
                    *stage.name_loc,
                    format!(
                        "stage `{}` has {activities} activities, more than the limit of {}",
                        stage.name, limits.max_activities_per_stage
                    ),
                )
                .with_help(format!(
                    "merge activities that are one conversation, or split `{}` in two at a buyer milestone; \
                     to allow more, raise `max-activities-per-stage` under `limits:` in salesproc.yaml",
                    stage.name
                )),
            );
        }
        let required: BTreeSet<_> = stage.requires.iter().map(|f| f.field).collect();
        if required.len() > limits.max_required_fields_per_stage {
            out.push(
                finding(
                    *stage.name_loc,
                    format!(
                        "stage `{}` requires {} fields, more than the limit of {}",
                        stage.name,
                        required.len(),
                        limits.max_required_fields_per_stage
                    ),
                )
                .with_help(format!(
                    "keep in `requires` only what must be known before `{}` is left, and record the rest with an activity's `captures`; \
                     to allow more, raise `max-required-fields-per-stage` under `limits:` in salesproc.yaml",
                    stage.name
                )),
            );
        }
    }
}
