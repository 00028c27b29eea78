//! Comparing two typed models: every semantic change between an old and a new version of a
//! process, each with its old and new value, and the risky ones flagged.
//!
//! Items are matched by identity, never by position, so reordering or reformatting a file
//! changes nothing:
//!
//! - roles, fields, activities: by identifier;
//! - stages: by identifier, and an identifier that disappears while another with the same
//!   title appears is a **rename** (see [`match_stages`]);
//! - transitions: by kind, stage it leaves and target stage (through renames), the n-th of a
//!   kind to a target in one stage matching the n-th on the other side;
//! - criteria: by their canonical text ([`Expr::display`]).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use salesproc_parser::model::{
    Activity, Criterion, Expr, Field, FieldType, Model, Process, Role, Stage, StageId, TerminalKind, Transition,
    ValueKind,
};
use salesproc_parser::syntax::TransitionKind;
use serde::Serialize;

/// What a change is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Subject {
    /// The process itself (its name, owner, version, review cadence).
    Process {
        /// The process name (the new one when both exist).
        name: String,
    },
    /// A role.
    Role {
        /// Its identifier.
        role: String,
    },
    /// A field.
    Field {
        /// Its identifier.
        field: String,
    },
    /// A stage.
    Stage {
        /// Its identifier (the new one for a renamed stage).
        stage: String,
        /// Its title.
        stage_title: Option<String>,
    },
    /// An activity of a stage.
    Activity {
        /// The stage's identifier.
        stage: String,
        /// The stage's title.
        stage_title: Option<String>,
        /// The activity's identifier.
        activity: String,
    },
    /// A transition.
    Transition {
        /// The stage it leaves.
        stage: String,
        /// That stage's title.
        stage_title: Option<String>,
        /// `advance` or `route`.
        transition: TransitionKind,
        /// The stage it goes to.
        to: String,
    },
}

impl Subject {
    /// The subject as a reader names it: "stage `discovery` (Discovery)",
    /// "transition `advance qualification → discovery`".
    pub fn describe(&self) -> String {
        let stage = |stage: &str, title: &Option<String>| match title {
            Some(title) => format!("stage `{stage}` ({title})"),
            None => format!("stage `{stage}`"),
        };
        match self {
            Subject::Process { name } => format!("process \"{name}\""),
            Subject::Role { role } => format!("role `{role}`"),
            Subject::Field { field } => format!("field `{field}`"),
            Subject::Stage { stage: name, stage_title } => stage(name, stage_title),
            Subject::Activity { stage: name, activity, .. } => format!("activity `{activity}` of stage `{name}`"),
            Subject::Transition { stage, transition, to, .. } => {
                format!("transition `{} {stage} → {to}`", transition.keyword())
            }
        }
    }

    /// The stage the subject belongs to, if any.
    pub fn stage(&self) -> Option<&str> {
        match self {
            Subject::Stage { stage, .. } | Subject::Activity { stage, .. } | Subject::Transition { stage, .. } => {
                Some(stage)
            }
            _ => None,
        }
    }
}

/// Every kind of change, with a stable kebab-case name used in the JSON output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    /// A process block appeared.
    ProcessAdded,
    /// The process block disappeared.
    ProcessRemoved,
    /// `process "Name"` changed.
    ProcessRenamed,
    /// The process `owner` changed.
    ProcessOwnerChanged,
    /// `version` changed.
    VersionChanged,
    /// `description` changed.
    DescriptionChanged,
    /// `review every` changed.
    ReviewCadenceChanged,
    /// `reviewed` changed.
    ReviewedChanged,
    /// A role was declared.
    RoleAdded,
    /// A role was removed.
    RoleRemoved,
    /// A role's title changed.
    RoleTitleChanged,
    /// A field was declared.
    FieldAdded,
    /// A field was removed.
    FieldRemoved,
    /// A field's type changed (other than enum members).
    FieldRetyped,
    /// A field's title changed.
    FieldTitleChanged,
    /// An enum field gained a member.
    EnumMemberAdded,
    /// An enum field lost a member.
    EnumMemberRemoved,
    /// An enum member was renamed: criteria that used the old member now use the new one.
    EnumMemberRenamed,
    /// A stage was added.
    StageAdded,
    /// A stage was removed.
    StageRemoved,
    /// A stage's identifier changed, its title kept.
    StageRenamed,
    /// A stage's title changed.
    StageTitleChanged,
    /// Whether the stage is a start stage changed.
    StartChanged,
    /// A stage's `owner` changed.
    StageOwnerChanged,
    /// A stage's `probability` changed.
    ProbabilityChanged,
    /// A stage's `goal` changed.
    GoalChanged,
    /// A stage's `sla` changed.
    SlaChanged,
    /// The trigger text of `entry` changed.
    EntryTriggerChanged,
    /// `entry ... when` gained a criterion.
    EntryCriterionAdded,
    /// `entry ... when` lost its criterion.
    EntryCriterionRemoved,
    /// `entry ... when` changed its criterion.
    EntryCriterionChanged,
    /// An `exit` criterion was added.
    ExitCriterionAdded,
    /// An `exit` criterion was removed.
    ExitCriterionRemoved,
    /// An `exit` criterion changed (same label, or the only one changed).
    ExitCriterionChanged,
    /// The label of an `exit` criterion changed.
    ExitLabelChanged,
    /// A field was added to `requires`.
    RequiresAdded,
    /// A field was removed from `requires`.
    RequiresRemoved,
    /// `terminal` changed.
    TerminalChanged,
    /// An activity was added.
    ActivityAdded,
    /// An activity was removed.
    ActivityRemoved,
    /// An activity's title changed.
    ActivityTitleChanged,
    /// An activity's `owner` changed.
    ActivityOwnerChanged,
    /// An activity's `outcome` changed.
    OutcomeChanged,
    /// An activity captures a further field.
    CapturesAdded,
    /// An activity no longer captures a field.
    CapturesRemoved,
    /// An activity became optional or mandatory.
    OptionalChanged,
    /// A transition was added.
    TransitionAdded,
    /// A transition was removed.
    TransitionRemoved,
    /// A transition's `owner` clause changed.
    TransitionOwnerChanged,
    /// A transition's `within` changed.
    WithinChanged,
    /// A transition gained a `when` criterion.
    WhenCriterionAdded,
    /// A transition lost its `when` criterion.
    WhenCriterionRemoved,
    /// A transition's `when` criterion changed.
    WhenCriterionChanged,
}

impl ChangeKind {
    /// Every kind, in the order of the enum.
    pub const ALL: &'static [ChangeKind] = &[
        ChangeKind::ProcessAdded,
        ChangeKind::ProcessRemoved,
        ChangeKind::ProcessRenamed,
        ChangeKind::ProcessOwnerChanged,
        ChangeKind::VersionChanged,
        ChangeKind::DescriptionChanged,
        ChangeKind::ReviewCadenceChanged,
        ChangeKind::ReviewedChanged,
        ChangeKind::RoleAdded,
        ChangeKind::RoleRemoved,
        ChangeKind::RoleTitleChanged,
        ChangeKind::FieldAdded,
        ChangeKind::FieldRemoved,
        ChangeKind::FieldRetyped,
        ChangeKind::FieldTitleChanged,
        ChangeKind::EnumMemberAdded,
        ChangeKind::EnumMemberRemoved,
        ChangeKind::EnumMemberRenamed,
        ChangeKind::StageAdded,
        ChangeKind::StageRemoved,
        ChangeKind::StageRenamed,
        ChangeKind::StageTitleChanged,
        ChangeKind::StartChanged,
        ChangeKind::StageOwnerChanged,
        ChangeKind::ProbabilityChanged,
        ChangeKind::GoalChanged,
        ChangeKind::SlaChanged,
        ChangeKind::EntryTriggerChanged,
        ChangeKind::EntryCriterionAdded,
        ChangeKind::EntryCriterionRemoved,
        ChangeKind::EntryCriterionChanged,
        ChangeKind::ExitCriterionAdded,
        ChangeKind::ExitCriterionRemoved,
        ChangeKind::ExitCriterionChanged,
        ChangeKind::ExitLabelChanged,
        ChangeKind::RequiresAdded,
        ChangeKind::RequiresRemoved,
        ChangeKind::TerminalChanged,
        ChangeKind::ActivityAdded,
        ChangeKind::ActivityRemoved,
        ChangeKind::ActivityTitleChanged,
        ChangeKind::ActivityOwnerChanged,
        ChangeKind::OutcomeChanged,
        ChangeKind::CapturesAdded,
        ChangeKind::CapturesRemoved,
        ChangeKind::OptionalChanged,
        ChangeKind::TransitionAdded,
        ChangeKind::TransitionRemoved,
        ChangeKind::TransitionOwnerChanged,
        ChangeKind::WithinChanged,
        ChangeKind::WhenCriterionAdded,
        ChangeKind::WhenCriterionRemoved,
        ChangeKind::WhenCriterionChanged,
    ];

    /// Whether the change is to a value that is set or not (an owner, a probability, an SLA),
    /// rather than an item added to or removed from a list.
    pub fn is_attribute(self) -> bool {
        use ChangeKind::*;
        !matches!(
            self,
            ProcessAdded
                | ProcessRemoved
                | RoleAdded
                | RoleRemoved
                | FieldAdded
                | FieldRemoved
                | EnumMemberAdded
                | EnumMemberRemoved
                | StageAdded
                | StageRemoved
                | EntryCriterionAdded
                | EntryCriterionRemoved
                | ExitCriterionAdded
                | ExitCriterionRemoved
                | RequiresAdded
                | RequiresRemoved
                | ActivityAdded
                | ActivityRemoved
                | CapturesAdded
                | CapturesRemoved
                | TransitionAdded
                | TransitionRemoved
                | WhenCriterionAdded
                | WhenCriterionRemoved
        )
    }

    /// What changed, in a reader's words ("probability", "exit criterion added").
    pub fn what(self) -> &'static str {
        use ChangeKind::*;
        match self {
            ProcessAdded => "added",
            ProcessRemoved => "removed",
            ProcessRenamed => "name",
            ProcessOwnerChanged => "owner",
            VersionChanged => "version",
            DescriptionChanged => "description",
            ReviewCadenceChanged => "review cadence (`review every`)",
            ReviewedChanged => "last review (`reviewed`)",
            RoleAdded => "added",
            RoleRemoved => "removed",
            RoleTitleChanged => "title",
            FieldAdded => "added",
            FieldRemoved => "removed",
            FieldRetyped => "type",
            FieldTitleChanged => "title",
            EnumMemberAdded => "enum member added",
            EnumMemberRemoved => "enum member removed",
            EnumMemberRenamed => "enum member renamed",
            StageAdded => "added",
            StageRemoved => "removed",
            StageRenamed => "renamed",
            StageTitleChanged => "title",
            StartChanged => "start stage",
            StageOwnerChanged => "owner",
            ProbabilityChanged => "probability",
            GoalChanged => "goal",
            SlaChanged => "SLA (`sla`)",
            EntryTriggerChanged => "entry trigger",
            EntryCriterionAdded => "entry criterion added",
            EntryCriterionRemoved => "entry criterion removed",
            EntryCriterionChanged => "entry criterion",
            ExitCriterionAdded => "exit criterion added",
            ExitCriterionRemoved => "exit criterion removed",
            ExitCriterionChanged => "exit criterion",
            ExitLabelChanged => "exit label",
            RequiresAdded => "required field added",
            RequiresRemoved => "required field removed",
            TerminalChanged => "terminal",
            ActivityAdded => "added",
            ActivityRemoved => "removed",
            ActivityTitleChanged => "title",
            ActivityOwnerChanged => "owner",
            OutcomeChanged => "outcome",
            CapturesAdded => "captured field added",
            CapturesRemoved => "captured field removed",
            OptionalChanged => "optional",
            TransitionAdded => "added",
            TransitionRemoved => "removed",
            TransitionOwnerChanged => "next owner (`owner` clause)",
            WithinChanged => "handoff SLA (`within`)",
            WhenCriterionAdded => "`when` criterion added",
            WhenCriterionRemoved => "`when` criterion removed",
            WhenCriterionChanged => "`when` criterion",
        }
    }
}

/// One semantic change between two versions.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Change {
    /// What kind of change.
    pub kind: ChangeKind,
    /// What it is about.
    pub subject: Subject,
    /// The old value as written in the language (`20%`, `2d`, a criterion), absent for an
    /// addition.
    pub old: Option<String>,
    /// The new value, absent for a removal.
    pub new: Option<String>,
    /// Why the change is risky, when it is: what happens to deals, what to do before merging.
    pub risk: Option<String>,
}

impl Change {
    fn new(kind: ChangeKind, subject: &Subject, old: Option<String>, new: Option<String>) -> Change {
        Change { kind, subject: subject.clone(), old, new, risk: None }
    }

    fn risky(mut self, risk: Option<String>) -> Change {
        self.risk = risk;
        self
    }

    /// The change in one line: "stage `discovery` (Discovery): probability 20% → 15%". Values
    /// are shown between backticks.
    pub fn describe(&self) -> String {
        let subject = self.subject.describe();
        let what = self.kind.what();
        let (old, new) = (self.old.as_deref().map(code), self.new.as_deref().map(code));
        match self.kind {
            ChangeKind::ProcessAdded | ChangeKind::StageAdded | ChangeKind::RoleAdded | ChangeKind::ActivityAdded => {
                format!("{subject} added")
            }
            ChangeKind::ProcessRemoved
            | ChangeKind::StageRemoved
            | ChangeKind::RoleRemoved
            | ChangeKind::ActivityRemoved => {
                format!("{subject} removed")
            }
            ChangeKind::StageRenamed => {
                format!(
                    "stage `{}` renamed to `{}`{}",
                    self.old.as_deref().unwrap_or("?"),
                    self.new.as_deref().unwrap_or("?"),
                    match &self.subject {
                        Subject::Stage { stage_title: Some(title), .. } => format!(" (title kept: {title})"),
                        _ => String::new(),
                    }
                )
            }
            kind if kind.is_attribute() => {
                format!("{subject}: {what} {} → {}", old.as_deref().unwrap_or("none"), new.as_deref().unwrap_or("none"))
            }
            _ => match (old, new) {
                (Some(old), Some(new)) => format!("{subject}: {what} {old} → {new}"),
                (None, Some(new)) if what == "added" => format!("{subject} added: {new}"),
                (Some(old), None) if what == "removed" => format!("{subject} removed: {old}"),
                (None, Some(new)) => format!("{subject}: {what}: {new}"),
                (Some(old), None) => format!("{subject}: {what}: {old}"),
                (None, None) => format!("{subject}: {what}"),
            },
        }
    }
}

/// How the stages of two versions correspond.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StageMatching {
    /// For each old stage, the new stage it became, if any.
    pub old_to_new: Vec<Option<usize>>,
    /// For each new stage, the old stage it was, if any.
    pub new_to_old: Vec<Option<usize>>,
    /// For each old stage, whether it was matched by title under a new identifier.
    pub renamed: Vec<bool>,
}

/// Matches stages given as (identifier, title): first by identifier; then, among the stages
/// left over on both sides, an old and a new stage with the same title are the same stage
/// renamed, when that title is unique among the leftovers of each side (an ambiguous title
/// renames nothing: those stages are shown as removed and added).
pub fn match_stages(old: &[(&str, Option<&str>)], new: &[(&str, Option<&str>)]) -> StageMatching {
    let mut matching = StageMatching {
        old_to_new: vec![None; old.len()],
        new_to_old: vec![None; new.len()],
        renamed: vec![false; old.len()],
    };
    let mut new_by_name: HashMap<&str, usize> = HashMap::new();
    for (index, (name, _)) in new.iter().enumerate() {
        new_by_name.entry(name).or_insert(index);
    }
    for (index, (name, _)) in old.iter().enumerate() {
        if let Some(&found) = new_by_name.get(name) {
            if matching.new_to_old[found].is_none() {
                matching.old_to_new[index] = Some(found);
                matching.new_to_old[found] = Some(index);
            }
        }
    }
    let leftover_titles = |stages: &[(&str, Option<&str>)], matched: &[Option<usize>]| {
        let mut titles: HashMap<String, Vec<usize>> = HashMap::new();
        for (index, (_, title)) in stages.iter().enumerate() {
            if let (None, Some(title)) = (matched[index], title) {
                titles.entry(title.trim().to_lowercase()).or_default().push(index);
            }
        }
        titles
    };
    let old_titles = leftover_titles(old, &matching.old_to_new);
    let new_titles = leftover_titles(new, &matching.new_to_old);
    for (title, olds) in &old_titles {
        if let (Some(news), [old_index]) = (new_titles.get(title), olds.as_slice()) {
            if let [new_index] = news.as_slice() {
                matching.old_to_new[*old_index] = Some(*new_index);
                matching.new_to_old[*new_index] = Some(*old_index);
                matching.renamed[*old_index] = true;
            }
        }
    }
    matching
}

/// A minutes value as the language writes durations: the largest unit that divides it.
pub fn duration(minutes: u64) -> String {
    const WEEK: u64 = 7 * 24 * 60;
    match minutes {
        0 => "0m".into(),
        m if m % WEEK == 0 => format!("{}w", m / WEEK),
        m if m % (24 * 60) == 0 => format!("{}d", m / (24 * 60)),
        m if m % 60 == 0 => format!("{}h", m / 60),
        m => format!("{m}m"),
    }
}

/// A percentage as written: `10%`, `12.5%`.
pub fn percent(value: f64) -> String {
    format!("{value}%")
}

/// `text` between backticks.
fn code(text: &str) -> String {
    format!("`{text}`")
}

fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n").replace('\t', "\\t"))
}

fn type_text(ty: &FieldType) -> String {
    match ty {
        FieldType::Enum(members) => format!("enum {{ {} }}", members.join(", ")),
        other => other.keyword().to_string(),
    }
}

fn terminal_text(kind: Option<TerminalKind>) -> String {
    match kind {
        Some(TerminalKind::Won) => "won".into(),
        Some(TerminalKind::Lost) => "lost".into(),
        None => "open (not terminal)".into(),
    }
}

/// One side of the comparison: a model, or nothing (a file that does not exist on that side).
struct Side<'m> {
    model: &'m Model,
    process: Option<&'m Process>,
}

impl<'m> Side<'m> {
    fn stages(&self) -> &'m [Stage] {
        self.process.map_or(&[], |p| p.stages.as_slice())
    }

    fn role_name(&self, role: Option<salesproc_parser::model::RoleRef>) -> Option<String> {
        role.and_then(|r| self.model.roles.get(r.role.0 as usize)).map(|r| r.name.clone())
    }

    fn field_name(&self, field: salesproc_parser::model::FieldId) -> String {
        self.model.fields.get(field.0 as usize).map_or_else(|| "?".into(), |f| f.name.clone())
    }

    fn criterion(&self, expr: &Expr) -> String {
        expr.display(self.model).to_string()
    }

    /// Every criterion of the process in canonical form.
    fn criteria(&self) -> BTreeSet<String> {
        let mut all = BTreeSet::new();
        for stage in self.stages() {
            all.extend(stage.entry.as_ref().and_then(|e| e.when.as_ref()).map(|e| self.criterion(e)));
            all.extend(stage.exits.iter().map(|c| self.criterion(&c.when)));
            all.extend(self.transitions_of(stage).iter().filter_map(|t| t.when.as_ref()).map(|e| self.criterion(e)));
        }
        all
    }

    fn stage_name(&self, id: StageId) -> &'m str {
        self.stages().get(id.index()).map_or("?", |s| s.name.as_str())
    }

    fn transitions_of(&self, stage: &Stage) -> Vec<&'m Transition> {
        let Some(process) = self.process else { return Vec::new() };
        stage.transitions.iter().filter_map(|id| process.graph.0.edge_weight(id.0)).collect()
    }

    /// A transition written out as a statement, in canonical form.
    fn transition_text(&self, transition: &Transition, to: &str) -> String {
        let mut text = format!("{} to {to}", transition.kind.keyword());
        if let Some(owner) = self.role_name(transition.owner) {
            text.push_str(&format!(" owner {owner}"));
        }
        if let Some(within) = transition.within {
            text.push_str(&format!(" within {}", duration(within.value)));
        }
        if let Some(when) = &transition.when {
            text.push_str(&format!(" when {}", self.criterion(when)));
        }
        text
    }
}

/// Every change from `old` to `new`. `None` stands for a file that does not exist on that side:
/// everything in the other one is added (or removed).
pub fn compare(old: Option<&Model>, new: Option<&Model>) -> Vec<Change> {
    let empty = Model { roles: Vec::new(), fields: Vec::new(), process: None };
    let old_model = old.unwrap_or(&empty);
    let new_model = new.unwrap_or(&empty);
    let old = Side { model: old_model, process: old_model.process.as_ref() };
    let new = Side { model: new_model, process: new_model.process.as_ref() };
    let mut changes = Vec::new();
    compare_process(&old, &new, &mut changes);
    compare_roles(&old, &new, &mut changes);
    compare_fields(&old, &new, &mut changes);
    compare_stages(&old, &new, &mut changes);
    changes
}

fn compare_process(old: &Side, new: &Side, changes: &mut Vec<Change>) {
    match (old.process, new.process) {
        (None, None) => {}
        (Some(process), None) => changes.push(Change::new(
            ChangeKind::ProcessRemoved,
            &Subject::Process { name: process.name.clone() },
            Some(quoted(&process.name)),
            None,
        )),
        (None, Some(process)) => changes.push(Change::new(
            ChangeKind::ProcessAdded,
            &Subject::Process { name: process.name.clone() },
            None,
            Some(quoted(&process.name)),
        )),
        (Some(a), Some(b)) => {
            let subject = Subject::Process { name: b.name.clone() };
            let mut field = |kind, x: Option<String>, y: Option<String>| {
                if x != y {
                    changes.push(Change::new(kind, &subject, x, y));
                }
            };
            field(ChangeKind::ProcessRenamed, Some(quoted(&a.name)), Some(quoted(&b.name)));
            field(ChangeKind::ProcessOwnerChanged, old.role_name(a.owner), new.role_name(b.owner));
            field(ChangeKind::VersionChanged, a.version.as_deref().map(quoted), b.version.as_deref().map(quoted));
            field(
                ChangeKind::DescriptionChanged,
                a.description.as_deref().map(quoted),
                b.description.as_deref().map(quoted),
            );
            field(
                ChangeKind::ReviewCadenceChanged,
                a.review_every.map(|t| duration(t.value)),
                b.review_every.map(|t| duration(t.value)),
            );
            field(
                ChangeKind::ReviewedChanged,
                a.reviewed.map(|t| t.value.to_string()),
                b.reviewed.map(|t| t.value.to_string()),
            );
        }
    }
}

fn compare_roles(old: &Side, new: &Side, changes: &mut Vec<Change>) {
    let by_name = |roles: &'_ [Role]| -> BTreeMap<String, usize> {
        roles.iter().enumerate().map(|(i, r)| (r.name.clone(), i)).collect()
    };
    let (old_roles, new_roles) = (by_name(&old.model.roles), by_name(&new.model.roles));
    let local = |role: &Role| role.imported_from.is_none();
    for role in &new.model.roles {
        let subject = Subject::Role { role: role.name.clone() };
        match old_roles.get(&role.name).map(|&i| &old.model.roles[i]) {
            None if local(role) => {
                changes.push(Change::new(ChangeKind::RoleAdded, &subject, None, Some(role.name.clone())))
            }
            Some(before) if (local(role) || local(before)) && before.title != role.title => changes.push(Change::new(
                ChangeKind::RoleTitleChanged,
                &subject,
                before.title.as_deref().map(quoted),
                role.title.as_deref().map(quoted),
            )),
            _ => {}
        }
    }
    for role in &old.model.roles {
        if local(role) && !new_roles.contains_key(&role.name) {
            let subject = Subject::Role { role: role.name.clone() };
            changes.push(Change::new(ChangeKind::RoleRemoved, &subject, Some(role.name.clone()), None));
        }
    }
}

fn compare_fields(old: &Side, new: &Side, changes: &mut Vec<Change>) {
    let new_fields: BTreeMap<&str, &Field> = new.model.fields.iter().map(|f| (f.name.as_str(), f)).collect();
    let old_fields: BTreeMap<&str, &Field> = old.model.fields.iter().map(|f| (f.name.as_str(), f)).collect();
    let local = |field: &Field| field.imported_from.is_none();
    for field in &new.model.fields {
        let subject = Subject::Field { field: field.name.clone() };
        let Some(before) = old_fields.get(field.name.as_str()) else {
            if local(field) {
                changes.push(Change::new(ChangeKind::FieldAdded, &subject, None, Some(type_text(&field.ty))));
            }
            continue;
        };
        let shown_here = local(field) || local(before);
        if let (FieldType::Enum(a), FieldType::Enum(b)) = (&before.ty, &field.ty) {
            compare_members(old, new, before, a, b, &subject, shown_here, changes);
        } else if before.ty != field.ty && shown_here {
            changes.push(Change::new(
                ChangeKind::FieldRetyped,
                &subject,
                Some(type_text(&before.ty)),
                Some(type_text(&field.ty)),
            ));
        }
        if shown_here && before.title != field.title {
            changes.push(Change::new(
                ChangeKind::FieldTitleChanged,
                &subject,
                before.title.as_deref().map(quoted),
                field.title.as_deref().map(quoted),
            ));
        }
    }
    for field in &old.model.fields {
        if local(field) && !new_fields.contains_key(field.name.as_str()) {
            let subject = Subject::Field { field: field.name.clone() };
            let used = member_uses(old, field, None);
            let risk = (!used.is_empty()).then(|| {
                format!(
                    "criteria read `{}` in {}: deals keep the values recorded in it, but no criterion can use them any more",
                    field.name,
                    used.join(", ")
                )
            });
            changes.push(Change::new(ChangeKind::FieldRemoved, &subject, Some(type_text(&field.ty)), None).risky(risk));
        }
    }
}

/// Compares the members of an enum field. Members are a set: reordering them changes nothing.
/// A member removed while another is added is a rename when a criterion that compared the
/// field with the old member now reads exactly the same with the new one; failing that, when
/// it is the only member removed and the only one added, at the same position.
#[allow(clippy::too_many_arguments)]
fn compare_members(
    old: &Side,
    new: &Side,
    field: &Field,
    before: &[String],
    after: &[String],
    subject: &Subject,
    shown_here: bool,
    changes: &mut Vec<Change>,
) {
    let removed: Vec<(usize, &String)> = before.iter().enumerate().filter(|(_, m)| !after.contains(m)).collect();
    let mut added: Vec<&String> = after.iter().filter(|m| !before.contains(m)).collect();
    let (old_criteria, new_criteria) = (old.criteria(), new.criteria());
    let only_one = removed.len() == 1 && added.len() == 1;
    for (index, member) in removed {
        let used = member_uses(old, field, Some(member));
        let rewritten = |candidate: &&String| {
            let renames = HashMap::from([(member.clone(), (*candidate).clone())]);
            old_criteria.iter().any(|c| {
                let words = c.split(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_')).collect::<Vec<_>>();
                words.contains(&member.as_str())
                    && words.contains(&field.name.as_str())
                    && new_criteria.contains(&super::identity::rename_words(c, &renames))
            })
        };
        let renamed_to: Option<&String> = added
            .iter()
            .copied()
            .find(|candidate| rewritten(candidate))
            .or_else(|| after.get(index).filter(|candidate| only_one && added.contains(candidate)));
        // Members used by this file's criteria are reported even for an imported field.
        if !shown_here && used.is_empty() {
            continue;
        }
        let deals = format!("deals whose `{}` is `{member}`", field.name);
        match renamed_to {
            Some(new_name) => {
                added.retain(|m| *m != new_name);
                let risk = (!used.is_empty()).then(|| {
                    format!(
                        "`{member}` is used by criteria in {}: {deals} must be migrated to `{new_name}` in your CRM \
                         before this ships, or they stop meeting those criteria",
                        used.join(", ")
                    )
                });
                changes.push(
                    Change::new(ChangeKind::EnumMemberRenamed, subject, Some(member.clone()), Some(new_name.clone()))
                        .risky(risk),
                );
            }
            None => {
                let risk = (!used.is_empty()).then(|| {
                    format!(
                        "`{member}` was used by criteria in {}: {deals} hold a value that no longer exists; \
                         decide which member they become and migrate them before this ships",
                        used.join(", ")
                    )
                });
                changes
                    .push(Change::new(ChangeKind::EnumMemberRemoved, subject, Some(member.clone()), None).risky(risk));
            }
        }
    }
    if shown_here {
        for member in added {
            changes.push(Change::new(ChangeKind::EnumMemberAdded, subject, None, Some(member.clone())));
        }
    }
}

/// Where the criteria of `side` read `field` (compared with `member`, when given): "the exit
/// criteria of `qualification`", "transition `advance a → b`".
fn member_uses(side: &Side, field: &Field, member: Option<&String>) -> Vec<String> {
    let Some(field_index) = side.model.fields.iter().position(|f| std::ptr::eq(f, field)) else { return Vec::new() };
    let member_index = match (&field.ty, member) {
        (FieldType::Enum(members), Some(member)) => members.iter().position(|m| m == member).map(|i| i as u32),
        _ => None,
    };
    let reads = |expr: &Expr| {
        let mut found = false;
        visit(expr, &mut |e| match e {
            Expr::Compare { field, value, .. } if field.0 as usize == field_index => {
                found |= match member_index {
                    Some(index) => value.kind == ValueKind::Member(index),
                    None => member.is_none(),
                };
            }
            Expr::In { field, members, .. } if field.0 as usize == field_index => {
                found |= match member_index {
                    Some(index) => members.contains(&index),
                    None => member.is_none(),
                };
            }
            Expr::IsSet { field, .. } if field.0 as usize == field_index => found |= member.is_none(),
            _ => {}
        });
        found
    };
    let mut places = Vec::new();
    for stage in side.stages() {
        if stage.entry.as_ref().and_then(|e| e.when.as_ref()).is_some_and(reads) {
            places.push(format!("the entry criterion of `{}`", stage.name));
        }
        if stage.exits.iter().any(|c| reads(&c.when)) {
            places.push(format!("the exit criteria of `{}`", stage.name));
        }
        for transition in side.transitions_of(stage) {
            if transition.when.as_ref().is_some_and(reads) {
                places.push(format!(
                    "the transition `{} {} → {}`",
                    transition.kind.keyword(),
                    stage.name,
                    side.stage_name(transition.to)
                ));
            }
        }
    }
    places
}

/// Calls `f` on `expr` and every sub-criterion. Criteria nest at most `MAX_PAREN_DEPTH` deep
/// and `not` chains are folded, so the recursion is bounded.
fn visit(expr: &Expr, f: &mut impl FnMut(&Expr)) {
    f(expr);
    match expr {
        Expr::Not { operand, .. } => visit(operand, f),
        Expr::And { operands, .. } | Expr::Or { operands, .. } => operands.iter().for_each(|o| visit(o, f)),
        _ => {}
    }
}

fn compare_stages(old: &Side, new: &Side, changes: &mut Vec<Change>) {
    let names = |side: &Side<'_>| -> Vec<(String, Option<String>)> {
        side.stages().iter().map(|s| (s.name.clone(), s.title.clone())).collect()
    };
    let (old_names, new_names) = (names(old), names(new));
    let old_pairs: Vec<(&str, Option<&str>)> = old_names.iter().map(|(n, t)| (n.as_str(), t.as_deref())).collect();
    let new_pairs: Vec<(&str, Option<&str>)> = new_names.iter().map(|(n, t)| (n.as_str(), t.as_deref())).collect();
    let matching = match_stages(&old_pairs, &new_pairs);
    // The name an old stage has on the new side: transitions are matched through renames.
    let renamed_name = |old_id: StageId| -> String {
        match matching.old_to_new.get(old_id.index()).copied().flatten() {
            Some(index) => new.stages()[index].name.clone(),
            None => old.stage_name(old_id).to_string(),
        }
    };
    for (new_index, stage) in new.stages().iter().enumerate() {
        let subject = Subject::Stage { stage: stage.name.clone(), stage_title: stage.title.clone() };
        match matching.new_to_old[new_index] {
            None => {
                changes.push(Change::new(ChangeKind::StageAdded, &subject, None, Some(stage.name.clone())));
                for transition in new.transitions_of(stage) {
                    let to = new.stage_name(transition.to);
                    changes.push(Change::new(
                        ChangeKind::TransitionAdded,
                        &transition_subject(stage, transition.kind, to),
                        None,
                        Some(new.transition_text(transition, to)),
                    ));
                }
            }
            Some(old_index) => {
                let before = &old.stages()[old_index];
                if matching.renamed[old_index] {
                    let risk = format!(
                        "deals sitting in `{}` must be moved to `{}` in your CRM before this ships: reports, \
                         integrations and forecasts key on the stage identifier",
                        before.name, stage.name
                    );
                    changes.push(
                        Change::new(
                            ChangeKind::StageRenamed,
                            &subject,
                            Some(before.name.clone()),
                            Some(stage.name.clone()),
                        )
                        .risky(Some(risk)),
                    );
                }
                compare_stage(old, new, before, stage, &subject, &matching, changes);
                compare_transitions(old, new, before, stage, &renamed_name, changes);
            }
        }
    }
    for (old_index, stage) in old.stages().iter().enumerate() {
        if matching.old_to_new[old_index].is_some() {
            continue;
        }
        let subject = Subject::Stage { stage: stage.name.clone(), stage_title: stage.title.clone() };
        let risk = removal_risk(old, new, stage, &renamed_name);
        changes.push(Change::new(ChangeKind::StageRemoved, &subject, Some(stage.name.clone()), None).risky(Some(risk)));
        for transition in old.transitions_of(stage) {
            let to = renamed_name(transition.to);
            changes.push(Change::new(
                ChangeKind::TransitionRemoved,
                &transition_subject(stage, transition.kind, &to),
                Some(old.transition_text(transition, &to)),
                None,
            ));
        }
    }
}

fn transition_subject(stage: &Stage, kind: TransitionKind, to: &str) -> Subject {
    Subject::Transition {
        stage: stage.name.clone(),
        stage_title: stage.title.clone(),
        transition: kind,
        to: to.to_string(),
    }
}

/// What a removed stage means for the deals in it, and where they could go: the stage it
/// advanced to, else a stage it routed to, else a stage that led into it, as long as that stage
/// still exists.
fn removal_risk(old: &Side, new: &Side, stage: &Stage, renamed_name: &dyn Fn(StageId) -> String) -> String {
    let exists = |name: &str| new.stages().iter().any(|s| s.name == name && s.terminal.is_none());
    let transitions = old.transitions_of(stage);
    let forward = transitions
        .iter()
        .filter(|t| t.kind == TransitionKind::Advance)
        .chain(transitions.iter().filter(|t| t.kind == TransitionKind::Route))
        .map(|t| (renamed_name(t.to), "where it advanced or routed deals"))
        .find(|(name, _)| exists(name));
    let backward = || {
        old.process.and_then(|process| {
            process
                .transitions()
                .filter(|(_, t)| t.to == stage.id && t.from != stage.id)
                .map(|(_, t)| (renamed_name(t.from), "where its deals came from"))
                .find(|(name, _)| exists(name))
        })
    };
    let shown = match &stage.title {
        Some(title) => format!("`{}` ({title})", stage.name),
        None => format!("`{}`", stage.name),
    };
    match forward.or_else(backward) {
        Some((target, why)) => format!(
            "deals sitting in {shown} lose their stage: move them before this ships, for example to `{target}` ({why})"
        ),
        None => format!(
            "deals sitting in {shown} lose their stage: move them to another stage, or close them, before this ships"
        ),
    }
}

fn compare_stage(
    old: &Side,
    new: &Side,
    a: &Stage,
    b: &Stage,
    subject: &Subject,
    matching: &StageMatching,
    changes: &mut Vec<Change>,
) {
    let push = |changes: &mut Vec<Change>, kind, x: Option<String>, y: Option<String>| {
        if x != y {
            changes.push(Change::new(kind, subject, x, y));
        }
    };
    let was_renamed = matching.renamed.get(a.id.index()).copied().unwrap_or(false);
    if !was_renamed {
        push(changes, ChangeKind::StageTitleChanged, a.title.as_deref().map(quoted), b.title.as_deref().map(quoted));
    }
    let is_start = |side: &Side, stage: &Stage| side.process.is_some_and(|p| p.starts.contains(&stage.id));
    let yes_no = |v: bool| if v { "yes" } else { "no" }.to_string();
    push(changes, ChangeKind::StartChanged, Some(yes_no(is_start(old, a))), Some(yes_no(is_start(new, b))));
    push(changes, ChangeKind::StageOwnerChanged, old.role_name(a.owner), new.role_name(b.owner));
    let (pa, pb) = (a.probability.map(|p| p.value), b.probability.map(|p| p.value));
    if pa != pb {
        let lowered = match (a.effective_probability(), b.effective_probability()) {
            (Some(x), Some(y)) if y < x => Some(format!(
                "the forecast of every open deal in `{}` drops from {} to {}: tell whoever owns the forecast before this ships",
                b.name,
                percent(x),
                percent(y)
            )),
            _ => None,
        };
        changes.push(
            Change::new(ChangeKind::ProbabilityChanged, subject, pa.map(percent), pb.map(percent)).risky(lowered),
        );
    }
    push(changes, ChangeKind::GoalChanged, a.goal.as_deref().map(quoted), b.goal.as_deref().map(quoted));
    let (sa, sb) = (a.sla.map(|s| s.value), b.sla.map(|s| s.value));
    if sa != sb {
        let tightened = match (sa, sb) {
            (Some(x), Some(y)) if y < x => Some(format!(
                "the SLA of `{}` tightens from {} to {}: deals already in it for longer than {} breach it as soon as this ships",
                b.name,
                duration(x),
                duration(y),
                duration(y)
            )),
            _ => None,
        };
        changes.push(Change::new(ChangeKind::SlaChanged, subject, sa.map(duration), sb.map(duration)).risky(tightened));
    }
    // Entry.
    let trigger = |stage: &Stage| stage.entry.as_ref().and_then(|e| e.trigger.as_deref()).map(quoted);
    push(changes, ChangeKind::EntryTriggerChanged, trigger(a), trigger(b));
    let entry_a = a.entry.as_ref().and_then(|e| e.when.as_ref()).map(|e| old.criterion(e));
    let entry_b = b.entry.as_ref().and_then(|e| e.when.as_ref()).map(|e| new.criterion(e));
    let entry_kind = match (&entry_a, &entry_b) {
        (None, Some(_)) => ChangeKind::EntryCriterionAdded,
        (Some(_), None) => ChangeKind::EntryCriterionRemoved,
        _ => ChangeKind::EntryCriterionChanged,
    };
    push(changes, entry_kind, entry_a, entry_b);
    compare_exits(old, new, &a.exits, &b.exits, subject, changes);
    // Requires.
    let required = |side: &Side, stage: &Stage| -> BTreeSet<String> {
        stage.requires.iter().map(|f| side.field_name(f.field)).collect()
    };
    let (ra, rb) = (required(old, a), required(new, b));
    for field in rb.difference(&ra) {
        changes.push(Change::new(ChangeKind::RequiresAdded, subject, None, Some(field.clone())));
    }
    for field in ra.difference(&rb) {
        changes.push(Change::new(ChangeKind::RequiresRemoved, subject, Some(field.clone()), None));
    }
    if a.terminal != b.terminal {
        let risk = match (a.terminal, b.terminal) {
            (Some(x), Some(_)) => format!(
                "deals closed in `{}` were counted as {} and now count as {}: won/lost reports and win rates change \
                 for deals already closed there",
                b.name,
                terminal_text(Some(x)),
                terminal_text(b.terminal)
            ),
            (Some(_), None) => {
                format!("deals closed in `{}` become open deals again: decide what happens to them", b.name)
            }
            _ => format!(
                "deals sitting in `{}` are now closed as {}: check that this is what they are",
                b.name,
                terminal_text(b.terminal)
            ),
        };
        changes.push(
            Change::new(
                ChangeKind::TerminalChanged,
                subject,
                Some(terminal_text(a.terminal)),
                Some(terminal_text(b.terminal)),
            )
            .risky(Some(risk)),
        );
    }
    compare_activities(old, new, a, b, changes);
}

/// Exit criteria: the same canonical criterion is the same exit (its label may change); of the
/// rest, two with the same label, or the only one left on each side, are one changed exit.
fn compare_exits(
    old: &Side,
    new: &Side,
    a: &[Criterion],
    b: &[Criterion],
    subject: &Subject,
    changes: &mut Vec<Change>,
) {
    let text_a: Vec<String> = a.iter().map(|c| old.criterion(&c.when)).collect();
    let text_b: Vec<String> = b.iter().map(|c| new.criterion(&c.when)).collect();
    let mut used_b = vec![false; b.len()];
    let mut left_a = Vec::new();
    for (i, text) in text_a.iter().enumerate() {
        match (0..b.len()).find(|&j| !used_b[j] && text_b[j] == *text) {
            Some(j) => {
                used_b[j] = true;
                if a[i].label != b[j].label {
                    changes.push(Change::new(
                        ChangeKind::ExitLabelChanged,
                        subject,
                        a[i].label.as_deref().map(quoted),
                        b[j].label.as_deref().map(quoted),
                    ));
                }
            }
            None => left_a.push(i),
        }
    }
    let mut left_b: Vec<usize> = (0..b.len()).filter(|&j| !used_b[j]).collect();
    let mut paired = Vec::new();
    left_a.retain(|&i| {
        let label = &a[i].label;
        match left_b.iter().position(|&j| label.is_some() && b[j].label == *label) {
            Some(position) => {
                paired.push((i, left_b.remove(position)));
                false
            }
            None => true,
        }
    });
    if let ([i], [j]) = (left_a.as_slice(), left_b.as_slice()) {
        paired.push((*i, *j));
        left_a.clear();
        left_b.clear();
    }
    let with_label = |criterion: &Criterion, text: &str| match &criterion.label {
        Some(label) => format!("{} when {text}", quoted(label)),
        None => text.to_string(),
    };
    for (i, j) in paired {
        changes.push(Change::new(
            ChangeKind::ExitCriterionChanged,
            subject,
            Some(text_a[i].clone()),
            Some(text_b[j].clone()),
        ));
        if a[i].label != b[j].label {
            changes.push(Change::new(
                ChangeKind::ExitLabelChanged,
                subject,
                a[i].label.as_deref().map(quoted),
                b[j].label.as_deref().map(quoted),
            ));
        }
    }
    for j in left_b {
        changes.push(Change::new(ChangeKind::ExitCriterionAdded, subject, None, Some(with_label(&b[j], &text_b[j]))));
    }
    for i in left_a {
        changes.push(Change::new(ChangeKind::ExitCriterionRemoved, subject, Some(with_label(&a[i], &text_a[i])), None));
    }
}

fn compare_activities(old: &Side, new: &Side, a: &Stage, b: &Stage, changes: &mut Vec<Change>) {
    let activity_subject = |activity: &Activity| Subject::Activity {
        stage: b.name.clone(),
        stage_title: b.title.clone(),
        activity: activity.name.clone(),
    };
    for activity in &b.activities {
        let subject = activity_subject(activity);
        let Some(before) = a.activities.iter().find(|x| x.name == activity.name) else {
            changes.push(Change::new(ChangeKind::ActivityAdded, &subject, None, Some(activity.name.clone())));
            continue;
        };
        let mut push = |kind, x: Option<String>, y: Option<String>| {
            if x != y {
                changes.push(Change::new(kind, &subject, x, y));
            }
        };
        push(
            ChangeKind::ActivityTitleChanged,
            before.title.as_deref().map(quoted),
            activity.title.as_deref().map(quoted),
        );
        push(ChangeKind::ActivityOwnerChanged, old.role_name(before.owner), new.role_name(activity.owner));
        push(
            ChangeKind::OutcomeChanged,
            before.outcome.as_ref().map(|o| quoted(&o.value)),
            activity.outcome.as_ref().map(|o| quoted(&o.value)),
        );
        let yes_no = |v: bool| Some(if v { "yes" } else { "no" }.to_string());
        push(ChangeKind::OptionalChanged, yes_no(before.optional), yes_no(activity.optional));
        let captured = |side: &Side, activity: &Activity| -> BTreeSet<String> {
            activity.captures.iter().map(|f| side.field_name(f.field)).collect()
        };
        let (ca, cb) = (captured(old, before), captured(new, activity));
        for field in cb.difference(&ca) {
            changes.push(Change::new(ChangeKind::CapturesAdded, &subject, None, Some(field.clone())));
        }
        for field in ca.difference(&cb) {
            changes.push(Change::new(ChangeKind::CapturesRemoved, &subject, Some(field.clone()), None));
        }
    }
    for activity in &a.activities {
        if !b.activities.iter().any(|x| x.name == activity.name) {
            let subject = Subject::Activity {
                stage: b.name.clone(),
                stage_title: b.title.clone(),
                activity: activity.name.clone(),
            };
            changes.push(Change::new(ChangeKind::ActivityRemoved, &subject, Some(activity.name.clone()), None));
        }
    }
}

/// Transitions out of one stage, matched by kind and target (through renames); the n-th
/// `advance` to a stage matches the n-th on the other side.
fn compare_transitions(
    old: &Side,
    new: &Side,
    a: &Stage,
    b: &Stage,
    renamed_name: &dyn Fn(StageId) -> String,
    changes: &mut Vec<Change>,
) {
    let old_transitions: Vec<(TransitionKind, String, &Transition)> =
        old.transitions_of(a).into_iter().map(|t| (t.kind, renamed_name(t.to), t)).collect();
    let new_transitions: Vec<(TransitionKind, String, &Transition)> =
        new.transitions_of(b).into_iter().map(|t| (t.kind, new.stage_name(t.to).to_string(), t)).collect();
    let mut used = vec![false; old_transitions.len()];
    for (kind, to, transition) in &new_transitions {
        let subject = transition_subject(b, *kind, to);
        let found = old_transitions.iter().enumerate().find(|(i, (k, t, _))| !used[*i] && k == kind && t == to);
        let Some((index, (_, _, before))) = found else {
            changes.push(Change::new(
                ChangeKind::TransitionAdded,
                &subject,
                None,
                Some(new.transition_text(transition, to)),
            ));
            continue;
        };
        used[index] = true;
        if old.role_name(before.owner) != new.role_name(transition.owner) {
            changes.push(Change::new(
                ChangeKind::TransitionOwnerChanged,
                &subject,
                old.role_name(before.owner),
                new.role_name(transition.owner),
            ));
        }
        let (wa, wb) = (before.within.map(|w| w.value), transition.within.map(|w| w.value));
        if wa != wb {
            let tightened = match (wa, wb) {
                (Some(x), Some(y)) if y < x => Some(format!(
                    "the next owner must now act within {} instead of {} after `{} {} → {to}`: deals handed off \
                     more than {} ago breach it as soon as this ships, so tell the team that picks them up",
                    duration(y),
                    duration(x),
                    kind.keyword(),
                    b.name,
                    duration(y)
                )),
                _ => None,
            };
            changes.push(
                Change::new(ChangeKind::WithinChanged, &subject, wa.map(duration), wb.map(duration)).risky(tightened),
            );
        }
        let when_a = before.when.as_ref().map(|e| old.criterion(e));
        let when_b = transition.when.as_ref().map(|e| new.criterion(e));
        if when_a != when_b {
            let kind = match (&when_a, &when_b) {
                (None, Some(_)) => ChangeKind::WhenCriterionAdded,
                (Some(_), None) => ChangeKind::WhenCriterionRemoved,
                _ => ChangeKind::WhenCriterionChanged,
            };
            changes.push(Change::new(kind, &subject, when_a, when_b));
        }
    }
    for (index, (kind, to, transition)) in old_transitions.iter().enumerate() {
        if !used[index] {
            changes.push(Change::new(
                ChangeKind::TransitionRemoved,
                &transition_subject(b, *kind, to),
                Some(old.transition_text(transition, to)),
                None,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_use_the_largest_unit() {
        assert_eq!(duration(2880), "2d");
        assert_eq!(duration(240), "4h");
        assert_eq!(duration(90), "90m");
        assert_eq!(duration(10080), "1w");
        assert_eq!(percent(12.5), "12.5%");
        assert_eq!(percent(10.0), "10%");
    }

    #[test]
    fn renames_need_a_unique_title() {
        let old = [("qualify", Some("Qualification")), ("a", Some("Same")), ("b", Some("Same"))];
        let new = [("qualification", Some("Qualification")), ("c", Some("Same"))];
        let matching = match_stages(&old, &new);
        assert_eq!(matching.old_to_new, vec![Some(0), None, None]);
        assert_eq!(matching.renamed, vec![true, false, false]);
    }
}
