use salesproc_parser::model::TerminalKind;
use salesproc_parser::Diagnostic;

use crate::context::Context;
use crate::registry::{declare_rule, finding};

declare_rule! {
    /// ## What it does
    ///
    /// Finds a `terminal won` stage whose written `probability` is not 100%, or a
    /// `terminal lost` stage whose written `probability` is not 0%. A closed stage without a
    /// `probability` line is fine: won counts as 100% and lost as 0%.
    ///
    /// ## Why it matters
    ///
    /// A closed deal is decided. A won stage at 90% takes a tenth of every signed deal out of
    /// the forecast; a lost stage at 10% keeps a tenth of every lost deal in it. Forecasts and
    /// win-rate reports built on these numbers are quietly wrong.
    ///
    /// ## Example
    ///
    /// ```salesproc
    /// stage closed_won "Closed Won" {
    ///   terminal won
    ///   probability 90%
    /// }
    /// ```
    ///
    /// ## How to fix
    ///
    /// Delete the `probability` line, since closed stages get the right value on their own,
    /// or write the exact one:
    ///
    /// ```salesproc
    /// stage closed_won "Closed Won" { terminal won }
    /// ```
    ///
    /// If deals in the stage are not really decided yet (a verbal yes, paperwork pending), it
    /// is an open stage: remove `terminal` and give it a way forward.
    pub(crate) static RULE = {
        name: "terminal-probability",
        severity: Warning,
        summary: "A won stage's probability is not 100%, or a lost stage's is not 0%.",
        check: check,
    };
}

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for stage in cx.stages() {
        let (Some(kind), Some(probability)) = (stage.terminal, stage.probability) else { continue };
        let (word, expected) = match kind {
            TerminalKind::Won => ("won", 100.0),
            TerminalKind::Lost => ("lost", 0.0),
        };
        if probability.value == expected {
            continue;
        }
        let mut diagnostic = finding(
            *probability.loc,
            format!(
                "stage `{}` is terminal {word} but has probability {}% instead of {expected}%",
                stage.name, probability.value
            ),
        );
        if let Some(terminal) = stage.terminal_loc {
            diagnostic = diagnostic.with_label(*terminal, format!("deals here are {word}"));
        }
        out.push(diagnostic.with_help(format!(
            "remove the `probability` line (a {word} stage counts as {expected}%), or write `probability {expected}%`"
        )));
    }
}
