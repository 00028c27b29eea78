use salesproc_parser::Diagnostic;

use crate::context::Context;
use crate::registry::{declare_rule, finding};

declare_rule! {
    /// ## What it does
    ///
    /// Finds stages, other than `terminal` ones, that a deal can enter but never leave: the
    /// stage has no `advance` or `route` at all, or none of its transitions can ever fire
    /// because their criteria contradict each other (see `unsatisfiable-criteria`).
    ///
    /// Only stages that deals can reach are checked; a stage no deal reaches is reported once,
    /// by `unreachable-stage`.
    ///
    /// ## Why it matters
    ///
    /// A deal that lands in a dead end stays open forever. It is never won and never lost: the
    /// pipeline report keeps counting it, the forecast keeps weighting it by the stage's
    /// probability, and nobody is told to move it on. Dead ends usually come from a stage that
    /// was added without its transitions, or from a transition whose target was renamed and
    /// removed instead of fixed.
    ///
    /// ## Example
    ///
    /// ```salesproc
    /// stage legal_review "Legal review" {
    ///   owner legal
    ///   probability 70%
    ///   activity redlines "Contract redlines" {
    ///     outcome "All redlines agreed or escalated"
    ///     captures contract_approved
    ///   }
    ///   exit when contract_approved
    /// }
    /// ```
    ///
    /// ## How to fix
    ///
    /// Say where a deal goes next, and how it leaves when the deal falls through:
    ///
    /// ```salesproc
    /// stage legal_review "Legal review" {
    ///   owner legal
    ///   probability 70%
    ///   activity redlines "Contract redlines" {
    ///     outcome "All redlines agreed or escalated"
    ///     captures contract_approved
    ///   }
    ///   exit when contract_approved
    ///   advance to closing owner ae within 1d
    ///   route to closed_lost
    /// }
    /// ```
    ///
    /// If the stage has transitions that can never fire, fix their criteria; the labels say
    /// why each one is blocked. If deals really end here, make it a `terminal won` or
    /// `terminal lost` stage.
    pub(crate) static RULE = {
        name: "dead-end-stage",
        severity: Error,
        summary: "A non-terminal stage has no transition that can fire: deals that enter it can never leave.",
        check: check,
    };
}

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for stage in cx.reachable_stages() {
        if stage.terminal.is_some() || cx.live_transitions(stage).next().is_some() {
            continue;
        }
        let name = &stage.name;
        if stage.transitions.is_empty() {
            out.push(
                finding(*stage.name_loc, format!("deals that enter `{name}` can never leave: it has no transition"))
                    .with_help(format!(
                        "add `advance to <next stage>` and a `route to` a lost stage to `{name}`, \
                         or make it `terminal won` or `terminal lost` if deals end here"
                    )),
            );
            continue;
        }
        let message = match stage.transitions.as_slice() {
            [_] => format!("deals that enter `{name}` can never leave: its only transition can never fire"),
            _ => format!("deals that enter `{name}` can never leave: none of its transitions can ever fire"),
        };
        let mut diagnostic = finding(*stage.name_loc, message);
        for id in &stage.transitions {
            let transition = cx.process.transition(*id);
            let text = match cx.why_dead(*id) {
                Some(why) => format!("this can never fire: {why}"),
                None => "this can never fire".to_string(),
            };
            diagnostic = diagnostic.with_label(*transition.loc, text);
        }
        out.push(diagnostic.with_help(
            "fix the criteria of the labelled transitions so that they can hold (see `unsatisfiable-criteria`), \
             or add a transition that can fire",
        ));
    }
}
