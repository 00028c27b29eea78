use salesproc_parser::model::{Expr, FieldId, FieldType, ValueKind};
use salesproc_parser::syntax::CmpOp;
use salesproc_parser::{Diagnostic, Span};

use crate::context::{Conjunct, Context, Origin};
use crate::registry::{declare_rule, finding};
use crate::solver::Answer;

declare_rule! {
    /// ## What it does
    ///
    /// Finds criteria that no deal can ever meet, because they contradict each other. It looks
    /// at three places, from the smallest to the largest:
    ///
    /// 1. a stage's `exit` criteria together with its `requires` fields: if they can never all
    ///    hold, no `advance` out of the stage can ever fire;
    /// 2. a stage's `entry when` criterion: if it can never hold, no deal can ever enter the
    ///    stage;
    /// 3. each transition's full condition: for an `advance`, the stage's exit criteria and
    ///    `requires`, the transition's own `when` and the target's `entry when`; for a `route`,
    ///    its own `when` and the target's `entry when`.
    ///
    /// Each contradiction is reported once, at the smallest of these places that already
    /// contains it: contradictory exit criteria are reported on the stage, not again on each of
    /// its `advance` transitions. The report points at the smallest set of criteria that
    /// conflict with each other, so you know exactly which ones to look at.
    ///
    /// The check is exact: it knows what values each field can take, and it never reports a
    /// contradiction that isn't one. Two rules of the language are worth knowing, because they
    /// make criteria contradict each other in ways that are easy to miss.
    ///
    /// **An unset field fails every comparison.** Until a field is recorded, `budget >= 10_000`,
    /// `segment == smb`, `segment != smb` and `segment not in { smb }` are all false. Only
    /// `is not set`, and a `not` in front of a comparison, hold for an unset field. So these two
    /// exit criteria contradict each other, because `partner != reseller` is false when
    /// `partner` is not set:
    ///
    /// ```salesproc
    /// exit "Direct deal" when partner is not set
    /// exit "Not a reseller deal" when partner != reseller
    /// ```
    ///
    /// while `not (partner == reseller)` holds for an unset `partner` and would not conflict.
    /// In the same way, a `requires partner` on the stage contradicts `partner is not set`.
    ///
    /// **Whole numbers stay whole.** An `int` field only takes whole numbers, so
    /// `seats > 3 and seats < 4` can never hold for `field seats: int`, while it can for
    /// `field seats: number` (3.5 would do). Likewise a `percent` lies between 0% and 100%, so
    /// `discount > 100%` never holds, and a `duration` is never negative.
    ///
    /// If a criterion is too large to decide within the checker's budget, nothing is reported.
    ///
    /// ## Why it matters
    ///
    /// A contradiction is a door that can never open. Contradictory exit criteria trap every deal
    /// in the stage until someone overrides the process; a transition that can never fire quietly
    /// removes a path the team believes exists, and deals pile up in front of it. The CRM shows
    /// the deals as open and the forecast counts them, but the process gives them no way
    /// forward. These mistakes usually come from edits made months apart: someone raises one
    /// threshold and forgets the other, or adds an entry criterion that the stage before never
    /// guarantees.
    ///
    /// ## Example
    ///
    /// ```salesproc
    /// stage qualification "Qualification" {
    ///   owner sdr
    ///   requires budget
    ///   exit "Budget confirmed" when budget >= 10_000
    ///   exit "Small deals go to the fast track" when budget < 5_000
    ///   advance to discovery
    ///   route to closed_lost
    /// }
    /// ```
    ///
    /// No budget is both at least 10,000 and below 5,000, so no deal can ever advance out of
    /// `qualification`. The same happens across a transition, when what one stage lets out can
    /// never meet what the next one lets in:
    ///
    /// ```salesproc
    /// stage discovery "Discovery" {
    ///   owner ae
    ///   exit when stakeholders <= 1
    ///   advance to presentation
    /// }
    ///
    /// stage presentation "Presentation" {
    ///   owner ae
    ///   entry when stakeholders >= 2
    /// }
    /// ```
    ///
    /// ## How to fix
    ///
    /// Read the labelled criteria together and decide which one is wrong; usually one of them is
    /// an old threshold or a typo. Change or remove it so that a real deal can meet them all:
    ///
    /// ```salesproc
    /// stage qualification "Qualification" {
    ///   owner sdr
    ///   requires budget
    ///   exit "Budget confirmed" when budget >= 10_000
    ///   advance to discovery
    ///   route to fast_track when budget < 5_000
    ///   route to closed_lost
    /// }
    /// ```
    ///
    /// When two sets of deals need different criteria, give each its own transition with its
    /// own `when`, as above, rather than putting both into the same stage's exit criteria. When
    /// an unset field is the cause, decide what an unrecorded value should mean: write
    /// `not (partner == reseller)` if an unset `partner` should pass, and `partner != reseller`
    /// only if it must be recorded. When an `int` field is the cause, use bounds that leave room
    /// for a whole number (`seats >= 4`).
    pub(crate) static RULE = {
        name: "unsatisfiable-criteria",
        severity: Error,
        summary: "Criteria contradict each other, so a stage can never be left or entered, or a transition can never fire.",
        check: check,
    };
}

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for stage in cx.stages() {
        if let Some(Answer::Unsatisfiable { core }) = cx.exits_answer.get(stage.id.index()) {
            let conjuncts = cx.exit_conjuncts(stage);
            let members = core_members(&conjuncts, core);
            let first_exit = members.iter().find_map(|c| match c.origin {
                Origin::Exit(_, i) => stage.exits.get(i),
                _ => None,
            });
            // The `exit` keyword of the first conflicting statement: the criteria themselves
            // carry the labels, and a primary span around them would hide where they are.
            let span = first_exit.or(stage.exits.first()).map_or(*stage.name_loc, |e| keyword(*e.loc, "exit"));
            let single = single_origin(&members).and_then(|origin| match origin {
                Origin::Exit(_, i) => stage.exits.get(i),
                _ => None,
            });
            let what = match single {
                Some(exit) => {
                    format!("the exit criterion `{}` of `{}` can never hold", exit.when.display(cx.model), stage.name)
                }
                None if members.iter().any(|c| matches!(c.origin, Origin::Requires(..))) => {
                    format!("the exit criteria and required fields of `{}` can never all hold together", stage.name)
                }
                None => format!("the exit criteria of `{}` can never all hold together", stage.name),
            };
            let message = format!("{what}, so the stage `{}` can never be left forward", stage.name);
            let help = with_hints(
                cx,
                &members,
                "change or remove one of the labelled criteria so that a deal can meet them all".to_string(),
            );
            out.push(labelled(finding(span, message), &members, |c| stage_phrase(cx, c)).with_help(help));
        }

        if let (Some(Answer::Unsatisfiable { core }), Some(entry)) =
            (cx.entry_answer.get(stage.id.index()), stage.entry.as_ref())
        {
            let conjuncts = cx.entry_conjuncts(stage);
            let members = core_members(&conjuncts, core);
            let shown = entry.when.as_ref().map(|w| format!(" `{}`", w.display(cx.model))).unwrap_or_default();
            let message = format!(
                "the entry criterion{shown} of `{}` can never hold, so no deal can ever enter `{}`",
                stage.name, stage.name
            );
            let help = with_hints(
                cx,
                &members,
                "change the entry criterion so that the deals meant for this stage can meet it, or remove it"
                    .to_string(),
            );
            // A lone criterion is the entry statement itself: the primary span says it all.
            let labels = if conjuncts.len() > 1 { members.as_slice() } else { &[] };
            let span = if labels.is_empty() { *entry.loc } else { keyword(*entry.loc, "entry") };
            out.push(labelled(finding(span, message), labels, |c| stage_phrase(cx, c)).with_help(help));
        }
    }

    for (id, transition) in cx.process.transitions() {
        // An empty core means a smaller scope (the stage's exits, the target's entry) is
        // already contradictory and reported above.
        let Some(Answer::Unsatisfiable { core }) = cx.guard_answer.get(id.0.index()) else { continue };
        if core.is_empty() {
            continue;
        }
        let conjuncts = cx.guard(id);
        let members = core_members(&conjuncts, core);
        let from = cx.process.stage(transition.from);
        let to = cx.process.stage(transition.to);
        let has = |pred: fn(&Origin) -> bool| members.iter().any(|c| pred(&c.origin));
        let exits = has(|o| matches!(o, Origin::Exit(..) | Origin::Requires(..)));
        let when = has(|o| matches!(o, Origin::When(_)));
        let entry = has(|o| matches!(o, Origin::Entry(_)));
        let reason = match (exits, when, entry) {
            (false, true, false) => "its `when` condition can never hold".to_string(),
            (true, false, true) => format!(
                "a deal that meets the exit criteria of `{}` can never meet the entry criterion of `{}`",
                from.name, to.name
            ),
            (false, true, true) => format!("its `when` condition contradicts the entry criterion of `{}`", to.name),
            (true, true, false) => format!("its `when` condition contradicts the exit criteria of `{}`", from.name),
            (true, true, true) => format!(
                "its `when` condition, the exit criteria of `{}` and the entry criterion of `{}` can never all hold together",
                from.name, to.name
            ),
            _ => "its conditions can never all hold together".to_string(),
        };
        let message = format!("the transition `{}` can never fire: {reason}", cx.describe_transition(transition));
        let base = match (exits, when, entry) {
            (true, false, true) => format!(
                "make the exit criteria of `{}` guarantee what `{}` expects on entry, or relax its entry criterion",
                from.name, to.name
            ),
            (false, true, false) => {
                "fix the `when` condition so that some deal can meet it, or remove the transition".to_string()
            }
            _ => "change one of the labelled criteria so that they can hold together, or remove the transition"
                .to_string(),
        };
        let help = with_hints(cx, &members, base);
        // `advance to presentation`: the head of the statement, so that a label on its own
        // `when` stays visible.
        let head =
            Span::new(transition.loc.start, transition.to_loc.end.clamp(transition.loc.start, transition.loc.end));
        out.push(labelled(finding(head, message), &members, |c| guard_phrase(cx, c)).with_help(help));
    }
}

/// The span of the keyword that starts a statement.
fn keyword(statement: Span, word: &str) -> Span {
    Span::new(statement.start, statement.start.saturating_add(word.len()).min(statement.end))
}

/// The conjuncts named by a solver core (indices out of range are skipped).
fn core_members(conjuncts: &[Conjunct], core: &[usize]) -> Vec<Conjunct> {
    core.iter().filter_map(|i| conjuncts.get(*i)).cloned().collect()
}

/// The one origin all members share, if they share one (one criterion contradicting itself).
fn single_origin(members: &[Conjunct]) -> Option<Origin> {
    let first = members.first()?.origin;
    members.iter().all(|c| c.origin == first).then_some(first)
}

/// Labels each member of a conflict: the first "… here", the second "contradicts … here", any
/// further ones "and … here"; a lone member "… can never hold".
fn labelled(mut diagnostic: Diagnostic, members: &[Conjunct], phrase: impl Fn(&Conjunct) -> String) -> Diagnostic {
    if let [only] = members {
        return diagnostic.with_label(*only.loc(), format!("{} can never hold", phrase(only)));
    }
    for (i, member) in members.iter().enumerate() {
        let text = match i {
            0 => format!("{} here", phrase(member)),
            1 if members.len() == 2 => format!("contradicts {} here", phrase(member)),
            _ => format!("and {} here", phrase(member)),
        };
        diagnostic = diagnostic.with_label(*member.loc(), text);
    }
    diagnostic
}

/// A criterion named within its own stage or entry.
fn stage_phrase(cx: &Context, conjunct: &Conjunct) -> String {
    match conjunct.origin {
        Origin::Requires(_, field) => format!("the requirement that `{}` is set", cx.model.field(field.field).name),
        _ => cx.describe_conjunct(conjunct),
    }
}

/// A criterion named within a transition's guard, which gathers criteria from several places.
fn guard_phrase(cx: &Context, conjunct: &Conjunct) -> String {
    let expr = conjunct.expr.display(cx.model);
    match conjunct.origin {
        Origin::Exit(stage, _) => format!("the exit criterion `{expr}` of `{}`", cx.process.stage(stage).name),
        Origin::Requires(stage, field) => format!(
            "the requirement of `{}` that `{}` is set",
            cx.process.stage(stage).name,
            cx.model.field(field.field).name
        ),
        Origin::When(_) => format!("this transition's condition `{expr}`"),
        Origin::Entry(stage) => format!("the entry criterion `{expr}` of `{}`", cx.process.stage(stage).name),
    }
}

/// The help line, with a note when the conflict comes from one of the two easily missed rules:
/// an unset field failing a comparison, or an `int` field with no whole number in range.
fn with_hints(cx: &Context, members: &[Conjunct], base: String) -> String {
    let mut help = base;
    if let Some(hint) = unset_hint(cx, members) {
        help.push_str("; ");
        help.push_str(&hint);
    }
    if let Some(hint) = int_hint(cx, members) {
        help.push_str("; ");
        help.push_str(&hint);
    }
    help
}

/// `x is not set` (or `not (x is set)`) against a comparison on `x`, which is false for an
/// unset `x`.
fn unset_hint(cx: &Context, members: &[Conjunct]) -> Option<String> {
    let unset_fields: Vec<FieldId> = members
        .iter()
        .filter_map(|c| match &c.expr {
            Expr::IsSet { field, negated: true, .. } => Some(*field),
            Expr::Not { operand, .. } => match operand.as_ref() {
                Expr::IsSet { field, negated: false, .. } => Some(*field),
                _ => None,
            },
            _ => None,
        })
        .collect();
    let compared = members.iter().find(|c| match &c.expr {
        Expr::Compare { field, .. } | Expr::In { field, .. } => unset_fields.contains(field),
        _ => false,
    })?;
    let field = match &compared.expr {
        Expr::Compare { field, .. } | Expr::In { field, .. } => *field,
        _ => return None,
    };
    let name = &cx.model.field(field).name;
    let mut hint = format!(
        "`{name}` must stay unset here, and every comparison on an unset field is false, `!=` and `not in` included"
    );
    match &compared.expr {
        Expr::Compare { cmp: CmpOp::Ne, value, .. } => {
            hint.push_str(&format!(" (write `not ({name} == {})` to accept an unset `{name}`)", value.raw));
        }
        Expr::In { negated: true, .. } => {
            let positive = compared.expr.display(cx.model).to_string().replacen(" not in ", " in ", 1);
            hint.push_str(&format!(" (write `not ({positive})` to accept an unset `{name}`)"));
        }
        _ => {}
    }
    Some(hint)
}

/// Bounds on an `int` field that leave room for a real number but for no whole number.
fn int_hint(cx: &Context, members: &[Conjunct]) -> Option<String> {
    // (value, strict, raw text) of the tightest lower and upper bound per field.
    type Bound<'a> = Option<(f64, bool, String)>;
    let mut bounds: Vec<(FieldId, Bound, Bound)> = Vec::new();
    for member in members {
        let Expr::Compare { field, cmp, value, .. } = &member.expr else { continue };
        if cx.model.fields.get(field.0 as usize).map(|f| &f.ty) != Some(&FieldType::Int) {
            continue;
        }
        let ValueKind::Number(v) = value.kind else { continue };
        let text = member.expr.display(cx.model).to_string();
        let (lower, strict) = match cmp {
            CmpOp::Gt => (true, true),
            CmpOp::Ge => (true, false),
            CmpOp::Lt => (false, true),
            CmpOp::Le => (false, false),
            CmpOp::Eq | CmpOp::Ne => continue,
        };
        let index = match bounds.iter().position(|(f, _, _)| f == field) {
            Some(index) => index,
            None => {
                bounds.push((*field, None, None));
                bounds.len() - 1
            }
        };
        let Some(entry) = bounds.get_mut(index) else { continue };
        let slot = if lower { &mut entry.1 } else { &mut entry.2 };
        let tighter = match slot {
            None => true,
            Some((old, old_strict, _)) => {
                if lower {
                    v > *old || (v == *old && strict && !*old_strict)
                } else {
                    v < *old || (v == *old && strict && !*old_strict)
                }
            }
        };
        if tighter {
            *slot = Some((v, strict, text));
        }
    }
    bounds.into_iter().find_map(|(field, lower, upper)| {
        let (lo, lo_strict, lo_text) = lower?;
        let (hi, hi_strict, hi_text) = upper?;
        let real_room = lo < hi || (lo == hi && !lo_strict && !hi_strict);
        let least = if lo_strict { lo.floor() + 1.0 } else { lo.ceil() };
        let most = if hi_strict { hi.ceil() - 1.0 } else { hi.floor() };
        (real_room && least > most).then(|| {
            format!(
                "`{}` is an `int` field and no whole number meets both `{lo_text}` and `{hi_text}`",
                cx.model.field(field).name
            )
        })
    })
}
