use salesproc_parser::Diagnostic;

use crate::context::Context;
use crate::registry::{declare_rule, finding};

declare_rule! {
    /// ## What it does
    ///
    /// Finds open (non-terminal) stages whose `probability` is 0% or 100%.
    ///
    /// ## Why it matters
    ///
    /// The forecast weights every open deal by its stage's probability. At 100% a deal that has
    /// not signed is counted as revenue already won; at 0% a deal someone is still working is
    /// counted as already lost and vanishes from the forecast. Either way the number the
    /// business plans on is wrong. Certainty belongs to the closed stages only.
    ///
    /// ## Example
    ///
    /// ```salesproc
    /// stage verbal_commit "Verbal commit" {
    ///   owner ae
    ///   probability 100%
    ///   requires contract_sent
    ///   advance to closed_won
    ///   route to closed_lost
    /// }
    /// ```
    ///
    /// ## How to fix
    ///
    /// Use a probability strictly between 0% and 100% that matches how often deals in this
    /// stage actually close:
    ///
    /// ```salesproc
    /// stage verbal_commit "Verbal commit" {
    ///   owner ae
    ///   probability 90%
    ///   requires contract_sent
    ///   advance to closed_won
    ///   route to closed_lost
    /// }
    /// ```
    ///
    /// If deals in the stage really are decided, make it a `terminal won` or `terminal lost`
    /// stage instead.
    pub(crate) static RULE = {
        name: "open-stage-certainty",
        severity: Warning,
        summary: "An open stage has a probability of 0% or 100%, so the forecast treats its deals as already decided.",
        check: check,
    };
}

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for stage in cx.stages() {
        if stage.terminal.is_some() {
            continue;
        }
        let Some(probability) = stage.probability else { continue };
        let (counted_as, example) = if probability.value <= 0.0 {
            ("already lost", "1%")
        } else if probability.value >= 100.0 {
            ("already won", "95%")
        } else {
            continue;
        };
        out.push(
            finding(
                *probability.loc,
                format!(
                    "stage `{}` is open but has probability {}%: the forecast counts its deals as {counted_as}",
                    stage.name, probability.value
                ),
            )
            .with_help(format!(
                "use a probability between 0% and 100% (for example `probability {example}`), or make `{}` a terminal stage if its deals are decided",
                stage.name
            )),
        );
    }
}
