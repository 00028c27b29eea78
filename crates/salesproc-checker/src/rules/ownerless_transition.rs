use salesproc_parser::Diagnostic;

use crate::context::Context;
use crate::registry::{declare_rule, finding};

declare_rule! {
    /// ## What it does
    ///
    /// Finds transitions that nobody owns. A transition's owner (the next owner, who takes the
    /// next action) is its own `owner` clause; otherwise the owner of the stage it goes to;
    /// otherwise, when it goes to a terminal stage, the owner of the stage it leaves, since
    /// whoever holds the deal closes it out. The rule fires when none of these gives an owner.
    ///
    /// Every transition is checked, including ones in stages no deal can reach yet.
    ///
    /// ## Why it matters
    ///
    /// Revenue leaks in the transitions. When a deal moves and nobody is named to take the next
    /// step, everyone assumes someone else has it: the buyer waits, the deal goes cold, and no
    /// one can be asked why.
    ///
    /// ## Example
    ///
    /// ```salesproc
    /// stage qualification "Qualification" {
    ///   owner sdr
    ///   probability 10%
    ///   requires budget
    ///   advance to discovery
    ///   route to closed_lost
    /// }
    ///
    /// stage discovery "Discovery" {
    ///   probability 20%
    ///   # no owner: who picks the deal up after qualification?
    /// }
    /// ```
    ///
    /// ## How to fix
    ///
    /// Give the target stage an owner, so every way into it has one:
    ///
    /// ```salesproc
    /// stage discovery "Discovery" {
    ///   owner ae
    ///   probability 20%
    /// }
    /// ```
    ///
    /// or name the next owner on the transition itself, which is also how one way into a stage
    /// can go to someone other than the stage's usual owner:
    ///
    /// ```salesproc
    /// advance to discovery owner ae within 1d
    /// ```
    pub(crate) static RULE = {
        name: "ownerless-transition",
        severity: Error,
        summary: "A transition has no next owner: no `owner` clause, and the stage it goes to has no owner.",
        check: check,
    };
}

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let process = cx.process;
    for (_, transition) in process.transitions() {
        if process.transition_owner(transition).is_some() {
            continue;
        }
        let from = process.stage(transition.from);
        let to = process.stage(transition.to);
        let why = if to.terminal.is_some() {
            format!("neither `{}` nor `{}` has an owner", from.name, to.name)
        } else {
            format!("stage `{}` has no owner", to.name)
        };
        let mut diagnostic = finding(
            *transition.loc,
            format!("nobody owns the transition `{}`: {why}", cx.describe_transition(transition)),
        )
        .with_label(*to.name_loc, format!("`{}` has no owner", to.name));
        if to.terminal.is_some() && from.id != to.id {
            diagnostic = diagnostic.with_label(*from.name_loc, format!("`{}` has no owner either", from.name));
        }
        let help = if to.terminal.is_some() {
            format!(
                "give stage `{}` an `owner` (whoever holds the deal there closes it out), or add `owner <role>` to the transition",
                from.name
            )
        } else {
            format!("add `owner <role>` to stage `{}`, or to this transition to name who takes the deal next", to.name)
        };
        out.push(diagnostic.with_help(help));
    }
}
