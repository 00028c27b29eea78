use salesproc_parser::Diagnostic;

use crate::context::Context;
use crate::registry::{declare_rule, finding};

declare_rule! {
    /// ## What it does
    ///
    /// Finds roles that are declared but never used. A role is used when it is the process
    /// `owner`, a stage's `owner`, an activity's `owner`, or the `owner` clause of an `advance`
    /// or `route`.
    ///
    /// ## Why it matters
    ///
    /// Roles say who does what. A role nobody refers to is usually a leftover from a
    /// reorganisation, or a sign that the team it stands for was meant to own something and
    /// was forgotten: a deal desk that is declared but never approves a discount, or a sales
    /// engineer who never shows up in a demo. Either way readers are misled about who is
    /// involved.
    ///
    /// ## Example
    ///
    /// ```salesproc
    /// role ae "Account Executive"
    /// role se "Sales Engineer"
    ///
    /// stage presentation "Presentation" {
    ///   owner ae
    ///   activity demo "Tailored demo" {
    ///     outcome "Demo mapped to the buyer's success criteria"
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    ///
    /// Give the role the work it was meant to own, or delete it:
    ///
    /// ```salesproc
    /// stage presentation "Presentation" {
    ///   owner ae
    ///   activity demo "Tailored demo" {
    ///     owner se
    ///     outcome "Demo mapped to the buyer's success criteria"
    ///   }
    /// }
    /// ```
    pub(crate) static RULE = {
        name: "unused-role",
        severity: Warning,
        summary: "A role is declared but owns nothing: no process, stage, activity or transition names it.",
        check: check,
    };
}

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let process = cx.process;
    let mut used = vec![false; cx.model.roles.len()];
    let mut mark = |role: salesproc_parser::model::RoleId| {
        if let Some(slot) = used.get_mut(role.0 as usize) {
            *slot = true;
        }
    };
    let stage_owners = process.stages.iter().filter_map(|s| s.owner);
    let activity_owners = process.stages.iter().flat_map(|s| s.activities.iter().filter_map(|a| a.owner));
    let transition_owners = process.transitions().filter_map(|(_, t)| t.owner);
    for owner in process.owner.into_iter().chain(stage_owners).chain(activity_owners).chain(transition_owners) {
        mark(owner.role);
    }
    for (role, used) in cx.model.roles.iter().zip(used) {
        // A shared file of roles serves many processes: one process not using all of them is
        // expected, and the declaration is not in this file to point at.
        if used || role.imported_from.is_some() {
            continue;
        }
        out.push(finding(*role.name_loc, format!("the role `{}` is declared but owns nothing", role.name)).with_help(
            format!(
                "make `{}` the `owner` of the stage, activity or transition it is responsible for, or delete the role",
                role.name
            ),
        ));
    }
}
