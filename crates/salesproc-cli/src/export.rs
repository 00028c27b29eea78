//! `salesproc export`: a file's typed model as JSON or YAML, for other tools.
//!
//! The document is a view of [`salesproc_parser::model::Model`] made for readers outside this
//! code base: references are names rather than indexes, durations carry both the text as
//! written and minutes, dates are `YYYY-MM-DD`, criteria carry their canonical text beside
//! their tree, and every item has its location (1-based line and column) in the file. What the
//! language leaves implicit is spelled out too: the start stages, each transition's next owner
//! and whether it is a handoff, effective probabilities and activity owners. Every key is
//! always present (`null` when there is nothing), in a fixed order.
//!
//! The shape is documented in `docs/export.md` and by the JSON Schema `docs/export.schema.json`;
//! it is versioned by [`FORMAT_VERSION`].

use std::io::{Read, Write};

use serde::Serialize;

use salesproc_parser::model::{self, Model, Process, TerminalKind};
use salesproc_parser::source::LineIndex;
use salesproc_parser::syntax::{CmpOp, TransitionKind};
use salesproc_parser::Loc;

use crate::args::{ExportArgs, ExportFormat};
use crate::load::{load_model, stderr_color};
use crate::{EXIT_FAILURE, EXIT_OK};

/// The version of the export document's shape. It changes only when a key is removed or its
/// meaning changes; new keys may be added within a version.
pub const FORMAT_VERSION: u32 = 1;

/// Runs `export`: 0 on success, 1 when the file has errors that stop its model from being
/// built, 2 when it cannot be read.
pub fn run(args: &ExportArgs, input: &mut dyn Read, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let loaded = match load_model(&args.file, input, err, stderr_color(args.color)) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let document = Export::new(&loaded.shown, &loaded.text, &loaded.model);
    let text = match args.format {
        ExportFormat::Json => to_json(&document),
        ExportFormat::Yaml => match crate::yaml::to_string(&document) {
            Ok(text) => text,
            Err(e) => {
                let _ = writeln!(err, "salesproc: cannot write YAML: {}", e.message);
                return EXIT_FAILURE;
            }
        },
    };
    match out.write_all(text.as_bytes()) {
        Ok(()) => EXIT_OK,
        Err(_) => EXIT_FAILURE,
    }
}

/// The document as pretty-printed JSON, with a final line end.
pub fn to_json(document: &Export) -> String {
    let mut text = serde_json::to_string_pretty(document).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

/// The export document.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Export {
    /// [`FORMAT_VERSION`].
    pub format_version: u32,
    /// The file, as given on the command line.
    pub file: String,
    /// Every role in scope, in declaration order (imported ones first, in import order).
    pub roles: Vec<Role>,
    /// Every field in scope, in declaration order (imported ones first).
    pub fields: Vec<Field>,
    /// The process; `null` for a file that only declares roles and fields for others to `use`.
    pub process: Option<ProcessView>,
}

/// Where something is written: 1-based lines and columns (columns count Unicode scalar
/// values), the end exclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Location {
    /// Line of the first character.
    pub line: usize,
    /// Column of the first character.
    pub column: usize,
    /// Line of the end.
    pub end_line: usize,
    /// Column just past the last character.
    pub end_column: usize,
}

/// `role id "Title"`
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Role {
    /// The identifier.
    pub name: String,
    /// The display name.
    pub title: Option<String>,
    /// The file it was imported from with `use`, or `null` when declared in this file.
    pub imported_from: Option<String>,
    /// Where it is declared in this file (`null` when imported).
    pub location: Option<Location>,
}

/// `field id: type "Title"`
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Field {
    /// The identifier.
    pub name: String,
    /// `bool`, `int`, `number`, `money`, `percent`, `duration`, `date`, `text` or `enum`.
    #[serde(rename = "type")]
    pub ty: &'static str,
    /// An enum's members, in order; `null` for other types.
    pub members: Option<Vec<String>>,
    /// The description.
    pub title: Option<String>,
    /// The file it was imported from with `use`, or `null` when declared in this file.
    pub imported_from: Option<String>,
    /// Where it is declared in this file (`null` when imported).
    pub location: Option<Location>,
}

/// A duration: as written and in minutes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Duration {
    /// As written: `90d`, `4h`.
    pub text: String,
    /// In minutes.
    pub minutes: u64,
}

/// The process.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProcessView {
    /// The process name.
    pub name: String,
    /// The role accountable for the process.
    pub owner: Option<String>,
    /// `version "..."`
    pub version: Option<String>,
    /// `description "..."`
    pub description: Option<String>,
    /// `review every ...`
    pub review_every: Option<Duration>,
    /// `reviewed ...`, as `YYYY-MM-DD`.
    pub reviewed: Option<String>,
    /// The start stages: those marked `start`, or else the first stage.
    pub starts: Vec<String>,
    /// Every stage, in source order.
    pub stages: Vec<Stage>,
    /// Every transition, in source order; `id` is the index in this list.
    pub transitions: Vec<Transition>,
    /// From `process` to its closing `}`.
    pub location: Location,
}

/// A stage.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Stage {
    /// The identifier.
    pub name: String,
    /// The display name.
    pub title: Option<String>,
    /// A start stage (marked, or the first stage when none is marked).
    pub start: bool,
    /// Marked `start` in the file.
    pub marked_start: bool,
    /// Who owns deals while they sit here.
    pub owner: Option<String>,
    /// The probability as written, in percent.
    pub probability: Option<f64>,
    /// The probability used for forecasting: as written, else 100 for a won stage and 0 for a
    /// lost one.
    pub effective_probability: Option<f64>,
    /// `goal "..."`
    pub goal: Option<String>,
    /// `entry ...`
    pub entry: Option<Entry>,
    /// `sla ...`: the longest a deal may sit here.
    pub sla: Option<Duration>,
    /// Fields that must be set before a deal advances, from every `requires` line.
    pub requires: Vec<String>,
    /// Fields this stage captures: its `requires` and its activities' `captures`, each once.
    pub captures: Vec<String>,
    /// The exit criteria.
    pub exits: Vec<Exit>,
    /// `won`, `lost`, or `null` for an open stage.
    pub terminal: Option<&'static str>,
    /// The activities.
    pub activities: Vec<Activity>,
    /// The ids of the transitions out of this stage, in source order.
    pub transitions: Vec<usize>,
    /// From the first keyword to the closing `}`.
    pub location: Location,
}

/// `entry "trigger" when criterion`
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Entry {
    /// The trigger, in words.
    pub trigger: Option<String>,
    /// The criterion every incoming deal must meet.
    pub when: Option<Criterion>,
}

/// `exit "label" when criterion`
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Exit {
    /// The label.
    pub label: Option<String>,
    /// The criterion.
    pub when: Criterion,
    /// The statement.
    pub location: Location,
}

/// An activity.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Activity {
    /// The identifier (unique within its stage).
    pub name: String,
    /// The display name.
    pub title: Option<String>,
    /// Its own `owner`, as written.
    pub owner: Option<String>,
    /// Who does it: its own owner, else the stage's.
    pub effective_owner: Option<String>,
    /// What is true or recorded once it is done.
    pub outcome: Option<String>,
    /// The fields it records.
    pub captures: Vec<String>,
    /// Not mandatory.
    pub optional: bool,
    /// From `activity` to the closing `}`.
    pub location: Location,
}

/// A transition.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Transition {
    /// Its index in `process.transitions`.
    pub id: usize,
    /// `advance` or `route`.
    pub kind: TransitionKind,
    /// The stage it leaves.
    pub from: String,
    /// The stage it goes to.
    pub to: String,
    /// Its own `owner` clause, as written.
    pub owner: Option<String>,
    /// Who takes the next action: its `owner`, else the target's owner, else (into a terminal
    /// stage) the owner of the stage it leaves; `null` when none of these exists.
    pub next_owner: Option<String>,
    /// Whether the next owner differs from the owner of the stage it leaves.
    pub handoff: bool,
    /// `within ...`: how fast the next owner must act.
    pub within: Option<Duration>,
    /// Its own `when` criterion.
    pub when: Option<Criterion>,
    /// The statement.
    pub location: Location,
}

/// A criterion: its canonical text and its tree.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Criterion {
    /// The criterion written out canonically (`budget >= 10_000 and authority`).
    pub text: String,
    /// Its tree.
    pub expr: Expr,
}

/// A criterion's tree. `op` tells the node's kind.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Expr {
    /// `true` or `false`.
    Const {
        /// The value.
        value: bool,
    },
    /// `field cmp value`; a bool field on its own is `field == true` with `value.text` `null`.
    Compare {
        /// The field's name.
        field: String,
        /// `==`, `!=`, `<`, `<=`, `>` or `>=`.
        cmp: CmpOp,
        /// The value compared with.
        value: Value,
    },
    /// `field in { ... }` or `field not in { ... }`, on an enum field.
    In {
        /// The field's name.
        field: String,
        /// `not in`.
        negated: bool,
        /// The members listed.
        members: Vec<String>,
    },
    /// `field is set` or `field is not set`.
    IsSet {
        /// The field's name.
        field: String,
        /// `is not set`.
        negated: bool,
    },
    /// `not operand`.
    Not {
        /// The negated criterion.
        operand: Box<Expr>,
    },
    /// All operands hold.
    And {
        /// Two or more criteria.
        operands: Vec<Expr>,
    },
    /// At least one operand holds.
    Or {
        /// Two or more criteria.
        operands: Vec<Expr>,
    },
}

/// A constant in a criterion.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Value {
    /// `bool`, `number`, `percent`, `duration`, `date`, `text` or `member`.
    #[serde(rename = "type")]
    pub ty: &'static str,
    /// The meaning: a boolean; a number (percent in percent, a duration in minutes); a date as
    /// `YYYY-MM-DD`; a text; an enum member's name.
    pub value: Scalar,
    /// As written (`10_000`), or `null` for the implicit `true` of a bool field on its own.
    pub text: Option<String>,
}

/// A value's meaning.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Scalar {
    /// A boolean.
    Bool(bool),
    /// A number, percentage, or duration in minutes.
    Number(f64),
    /// A whole number of minutes.
    Minutes(u64),
    /// A date, a text or a member name.
    Text(String),
}

/// Builds the document: everything it needs is in the model and the file's text.
struct Builder<'m> {
    model: &'m Model,
    text: &'m str,
    lines: LineIndex,
}

impl Export {
    /// The export document of `model`, built from the file `text` shown as `file`.
    pub fn new(file: &str, text: &str, model: &Model) -> Export {
        let builder = Builder { model, text, lines: LineIndex::new(text) };
        Export {
            format_version: FORMAT_VERSION,
            file: file.to_string(),
            roles: model.roles.iter().map(|role| builder.role(role)).collect(),
            fields: model.fields.iter().map(|field| builder.field(field)).collect(),
            process: model.process.as_ref().map(|process| builder.process(process)),
        }
    }
}

impl Builder<'_> {
    fn location(&self, loc: Loc) -> Location {
        let start = self.lines.line_col(self.text, loc.start);
        let end = self.lines.line_col(self.text, loc.end);
        Location { line: start.line, column: start.column, end_line: end.line, end_column: end.column }
    }

    fn role_name(&self, id: model::RoleId) -> String {
        self.model.role(id).name.clone()
    }

    fn field_name(&self, id: model::FieldId) -> String {
        self.model.field(id).name.clone()
    }

    /// A duration with its text as written: the last word of the statement or clause at `loc`.
    fn duration(&self, timed: model::Timed<u64>) -> Duration {
        let text = self
            .text
            .get(timed.loc.start..timed.loc.end)
            .and_then(|s| s.split_whitespace().last())
            .map_or_else(|| format!("{}m", timed.value), str::to_string);
        Duration { text, minutes: timed.value }
    }

    fn role(&self, role: &model::Role) -> Role {
        let imported = role.imported_from.is_some();
        Role {
            name: role.name.clone(),
            title: role.title.clone(),
            imported_from: role.imported_from.clone(),
            location: (!imported).then(|| self.location(role.loc)),
        }
    }

    fn field(&self, field: &model::Field) -> Field {
        let imported = field.imported_from.is_some();
        Field {
            name: field.name.clone(),
            ty: field.ty.keyword(),
            members: match &field.ty {
                model::FieldType::Enum(members) => Some(members.clone()),
                _ => None,
            },
            title: field.title.clone(),
            imported_from: field.imported_from.clone(),
            location: (!imported).then(|| self.location(field.loc)),
        }
    }

    fn process(&self, process: &Process) -> ProcessView {
        ProcessView {
            name: process.name.clone(),
            owner: process.owner.map(|o| self.role_name(o.role)),
            version: process.version.clone(),
            description: process.description.clone(),
            review_every: process.review_every.map(|d| self.duration(d)),
            reviewed: process.reviewed.map(|d| d.value.to_string()),
            starts: process.starts.iter().map(|s| process.stage(*s).name.clone()).collect(),
            stages: process.stages.iter().map(|stage| self.stage(process, stage)).collect(),
            transitions: process.transitions().map(|(id, t)| self.transition(process, id, t)).collect(),
            location: self.location(process.loc),
        }
    }

    fn stage(&self, process: &Process, stage: &model::Stage) -> Stage {
        let mut captures: Vec<String> = Vec::new();
        for field in stage.captured_fields() {
            let name = self.field_name(field);
            if !captures.contains(&name) {
                captures.push(name);
            }
        }
        Stage {
            name: stage.name.clone(),
            title: stage.title.clone(),
            start: process.starts.contains(&stage.id),
            marked_start: stage.marked_start,
            owner: stage.owner.map(|o| self.role_name(o.role)),
            probability: stage.probability.map(|p| p.value),
            effective_probability: stage.effective_probability(),
            goal: stage.goal.clone(),
            entry: stage.entry.as_ref().map(|entry| Entry {
                trigger: entry.trigger.clone(),
                when: entry.when.as_ref().map(|w| self.criterion(w)),
            }),
            sla: stage.sla.map(|d| self.duration(d)),
            requires: stage.requires.iter().map(|f| self.field_name(f.field)).collect(),
            captures,
            exits: stage
                .exits
                .iter()
                .map(|exit| Exit {
                    label: exit.label.clone(),
                    when: self.criterion(&exit.when),
                    location: self.location(exit.loc),
                })
                .collect(),
            terminal: stage.terminal.map(|t| match t {
                TerminalKind::Won => "won",
                TerminalKind::Lost => "lost",
            }),
            activities: stage
                .activities
                .iter()
                .map(|activity| Activity {
                    name: activity.name.clone(),
                    title: activity.title.clone(),
                    owner: activity.owner.map(|o| self.role_name(o.role)),
                    effective_owner: activity.owner.or(stage.owner).map(|o| self.role_name(o.role)),
                    outcome: activity.outcome.as_ref().map(|o| o.value.clone()),
                    captures: activity.captures.iter().map(|f| self.field_name(f.field)).collect(),
                    optional: activity.optional,
                    location: self.location(activity.loc),
                })
                .collect(),
            transitions: stage.transitions.iter().map(|t| t.0.index()).collect(),
            location: self.location(stage.loc),
        }
    }

    fn transition(&self, process: &Process, id: model::TransitionId, t: &model::Transition) -> Transition {
        Transition {
            id: id.0.index(),
            kind: t.kind,
            from: process.stage(t.from).name.clone(),
            to: process.stage(t.to).name.clone(),
            owner: t.owner.map(|o| self.role_name(o.role)),
            next_owner: process.transition_owner(t).map(|r| self.role_name(r)),
            handoff: process.is_handoff(t),
            within: t.within.map(|d| self.duration(d)),
            when: t.when.as_ref().map(|w| self.criterion(w)),
            location: self.location(t.loc),
        }
    }

    fn criterion(&self, expr: &model::Expr) -> Criterion {
        Criterion { text: expr.display(self.model).to_string(), expr: self.expr(expr) }
    }

    /// The tree of a criterion. Its depth is bounded by the parser's parenthesis limit.
    fn expr(&self, expr: &model::Expr) -> Expr {
        match expr {
            model::Expr::Const { value, .. } => Expr::Const { value: *value },
            model::Expr::Compare { field, cmp, value, .. } => {
                Expr::Compare { field: self.field_name(*field), cmp: *cmp, value: self.value(*field, value) }
            }
            model::Expr::In { field, negated, members, .. } => Expr::In {
                field: self.field_name(*field),
                negated: *negated,
                members: members.iter().map(|m| self.member(*field, *m)).collect(),
            },
            model::Expr::IsSet { field, negated, .. } => {
                Expr::IsSet { field: self.field_name(*field), negated: *negated }
            }
            model::Expr::Not { operand, .. } => Expr::Not { operand: Box::new(self.expr(operand)) },
            model::Expr::And { operands, .. } => {
                Expr::And { operands: operands.iter().map(|o| self.expr(o)).collect() }
            }
            model::Expr::Or { operands, .. } => Expr::Or { operands: operands.iter().map(|o| self.expr(o)).collect() },
        }
    }

    fn member(&self, field: model::FieldId, index: u32) -> String {
        match &self.model.field(field).ty {
            model::FieldType::Enum(members) => members.get(index as usize).cloned().unwrap_or_default(),
            _ => String::new(),
        }
    }

    fn value(&self, field: model::FieldId, value: &model::Value) -> Value {
        let (ty, scalar) = match &value.kind {
            model::ValueKind::Bool(b) => ("bool", Scalar::Bool(*b)),
            model::ValueKind::Number(n) => ("number", Scalar::Number(*n)),
            model::ValueKind::Percent(p) => ("percent", Scalar::Number(*p)),
            model::ValueKind::Duration(m) => ("duration", Scalar::Minutes(*m)),
            model::ValueKind::Date(d) => ("date", Scalar::Text(d.to_string())),
            model::ValueKind::Text(t) => ("text", Scalar::Text(t.clone())),
            model::ValueKind::Member(m) => ("member", Scalar::Text(self.member(field, *m))),
        };
        Value { ty, value: scalar, text: (!value.raw.is_empty()).then(|| value.raw.clone()) }
    }
}
