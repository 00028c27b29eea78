//! The typed process model: every reference resolved, every item with its [`Loc`], the stages
//! and transitions as a petgraph graph. Checks, formatters, exporters and the command line all
//! read this one model.
//!
//! Equality ignores locations, so a file and its reformatted version have equal models.

use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;
use serde::{Serialize, Serializer};

use crate::diagnostic::Loc;
use crate::syntax::{CmpOp, Date, TransitionKind};

/// Index of a role in [`Model::roles`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct RoleId(pub u32);

/// Index of a field in [`Model::fields`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct FieldId(pub u32);

/// Index of a stage in [`Process::stages`]; also its node in [`Process::graph`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct StageId(pub u32);

/// A transition: an edge of [`Process::graph`]. Edges are added in source order and never
/// removed, so the index is stable and orders transitions as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TransitionId(pub EdgeIndex);

impl Serialize for TransitionId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u32(self.0.index() as u32)
    }
}

impl StageId {
    /// The stage's node in the graph.
    pub fn node(self) -> NodeIndex {
        NodeIndex::new(self.0 as usize)
    }

    /// The stage of a graph node.
    pub fn of_node(node: NodeIndex) -> StageId {
        StageId(node.index() as u32)
    }

    /// The index into [`Process::stages`].
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A resolved file: the roles and fields in scope and, unless the file only declares roles and
/// fields for others to `use`, its process.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Model {
    /// Every role in scope, in declaration order.
    pub roles: Vec<Role>,
    /// Every field in scope, in declaration order.
    pub fields: Vec<Field>,
    /// The process, absent in a file made to be imported.
    pub process: Option<Process>,
}

impl Model {
    /// The role with this id.
    pub fn role(&self, id: RoleId) -> &Role {
        &self.roles[id.0 as usize]
    }

    /// The field with this id.
    pub fn field(&self, id: FieldId) -> &Field {
        &self.fields[id.0 as usize]
    }
}

/// `role id "Title"`
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Role {
    /// The identifier.
    pub name: String,
    /// The title.
    pub title: Option<String>,
    /// The declaration.
    pub loc: Loc,
    /// The identifier as written.
    pub name_loc: Loc,
    /// The file it was imported from with `use`, as shown in diagnostics; `None` when it is
    /// declared in the file itself (then `loc` and `name_loc` are in that file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub imported_from: Option<String>,
}

/// `field id: type "Title"`
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Field {
    /// The identifier.
    pub name: String,
    /// The type.
    #[serde(rename = "type")]
    pub ty: FieldType,
    /// The title.
    pub title: Option<String>,
    /// The declaration.
    pub loc: Loc,
    /// The identifier as written.
    pub name_loc: Loc,
    /// The file it was imported from with `use`; `None` when declared in the file itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub imported_from: Option<String>,
}

/// The type of a field.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "lowercase", tag = "kind", content = "members")]
pub enum FieldType {
    /// `true` / `false`.
    Bool,
    /// Whole numbers.
    Int,
    /// Real numbers.
    Number,
    /// Amounts of money (real numbers).
    Money,
    /// Percentages in [0, 100].
    Percent,
    /// Non-negative durations.
    Duration,
    /// Calendar dates.
    Date,
    /// Any string.
    Text,
    /// One of the listed members.
    Enum(Vec<String>),
}

impl FieldType {
    /// The type as written in a `field` statement (`enum` without its members).
    pub fn keyword(&self) -> &'static str {
        match self {
            FieldType::Bool => "bool",
            FieldType::Int => "int",
            FieldType::Number => "number",
            FieldType::Money => "money",
            FieldType::Percent => "percent",
            FieldType::Duration => "duration",
            FieldType::Date => "date",
            FieldType::Text => "text",
            FieldType::Enum(_) => "enum",
        }
    }
}

/// A process: its stages, and the transitions between them as a graph.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Process {
    /// The process name.
    pub name: String,
    /// The process name as written.
    pub name_loc: Loc,
    /// The process owner.
    pub owner: Option<RoleRef>,
    /// `version "..."`
    pub version: Option<String>,
    /// `description "..."`
    pub description: Option<String>,
    /// `review every ...`: the review cadence, in minutes.
    pub review_every: Option<Timed<u64>>,
    /// `reviewed ...`: the last review.
    pub reviewed: Option<Timed<Date>>,
    /// Every stage, in declaration order.
    pub stages: Vec<Stage>,
    /// The start stages: those marked `start`, or else the first stage.
    pub starts: Vec<StageId>,
    /// Stages as nodes, transitions as edges.
    pub graph: ProcessGraph,
    /// From `process` to the closing `}`.
    pub loc: Loc,
}

/// A value with the statement that set it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Timed<T> {
    /// The value.
    pub value: T,
    /// The statement.
    pub loc: Loc,
}

impl Process {
    /// The stage with this id.
    pub fn stage(&self, id: StageId) -> &Stage {
        &self.stages[id.index()]
    }

    /// The transition with this id.
    pub fn transition(&self, id: TransitionId) -> &Transition {
        &self.graph.0[id.0]
    }

    /// Every transition in source order.
    pub fn transitions(&self) -> impl Iterator<Item = (TransitionId, &Transition)> {
        self.graph.0.edge_references().map(|e| (TransitionId(e.id()), e.weight()))
    }

    /// The owner of a transition (the next owner): its own `owner` clause, else the target
    /// stage's owner, else, when the target is terminal, the owner of the stage it leaves.
    pub fn transition_owner(&self, transition: &Transition) -> Option<RoleId> {
        let target = self.stage(transition.to);
        transition
            .owner
            .or(target.owner)
            .map(|r| r.role)
            .or_else(|| target.terminal.and(self.stage(transition.from).owner.map(|r| r.role)))
    }

    /// Whether a transition is a handoff: its owner differs from the owner of the stage it
    /// leaves.
    pub fn is_handoff(&self, transition: &Transition) -> bool {
        self.transition_owner(transition) != self.stage(transition.from).owner.map(|r| r.role)
    }
}

/// The process graph: a node per stage (weighted with its id), an edge per transition.
#[derive(Clone, Debug, Default)]
pub struct ProcessGraph(pub DiGraph<StageId, Transition>);

impl PartialEq for ProcessGraph {
    fn eq(&self, other: &Self) -> bool {
        self.0.node_count() == other.0.node_count()
            && self.0.edge_count() == other.0.edge_count()
            && self
                .0
                .edge_references()
                .zip(other.0.edge_references())
                .all(|(a, b)| a.source() == b.source() && a.target() == b.target() && a.weight() == b.weight())
    }
}

impl Serialize for ProcessGraph {
    /// The transitions in source order (the nodes are the stages, listed beside).
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.edge_weights())
    }
}

/// A reference to a role, with where it was written.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct RoleRef {
    /// The role.
    pub role: RoleId,
    /// The name as written.
    pub loc: Loc,
}

/// A reference to a field, with where it was written.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct FieldRef {
    /// The field.
    pub field: FieldId,
    /// The name as written.
    pub loc: Loc,
}

/// `terminal won` or `terminal lost`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TerminalKind {
    /// The deal is won.
    Won,
    /// The deal is lost.
    Lost,
}

/// A stage.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Stage {
    /// Its id.
    pub id: StageId,
    /// The identifier.
    pub name: String,
    /// The title.
    pub title: Option<String>,
    /// Marked `start`.
    pub marked_start: bool,
    /// Who owns deals while they sit here.
    pub owner: Option<RoleRef>,
    /// The forecast probability as written, in percent.
    pub probability: Option<Timed<f64>>,
    /// `goal "..."`
    pub goal: Option<String>,
    /// `entry ...`
    pub entry: Option<Entry>,
    /// `sla ...`: the longest a deal may sit here, in minutes.
    pub sla: Option<Timed<u64>>,
    /// Fields that must be set before a deal advances, from every `requires` statement.
    pub requires: Vec<FieldRef>,
    /// The exit criteria.
    pub exits: Vec<Criterion>,
    /// `terminal won|lost`
    pub terminal: Option<TerminalKind>,
    /// The `terminal` statement.
    pub terminal_loc: Option<Loc>,
    /// The activities.
    pub activities: Vec<Activity>,
    /// Transitions out of this stage, in source order.
    pub transitions: Vec<TransitionId>,
    /// From the first keyword to the closing `}`.
    pub loc: Loc,
    /// The identifier as written.
    pub name_loc: Loc,
}

impl Stage {
    /// The probability used for forecasting: as written, else 100% for a won stage and 0% for a
    /// lost one.
    pub fn effective_probability(&self) -> Option<f64> {
        self.probability.map(|p| p.value).or(match self.terminal {
            Some(TerminalKind::Won) => Some(100.0),
            Some(TerminalKind::Lost) => Some(0.0),
            None => None,
        })
    }

    /// The fields this stage captures: its `requires` and its activities' `captures`.
    pub fn captured_fields(&self) -> impl Iterator<Item = FieldId> + '_ {
        self.requires
            .iter()
            .map(|f| f.field)
            .chain(self.activities.iter().flat_map(|a| a.captures.iter().map(|f| f.field)))
    }

    /// A display name: the identifier.
    pub fn label(&self) -> &str {
        &self.name
    }
}

/// `entry "trigger" when criterion`
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Entry {
    /// The trigger text.
    pub trigger: Option<String>,
    /// The entry criterion.
    pub when: Option<Expr>,
    /// The statement.
    pub loc: Loc,
}

/// An exit criterion: `exit "label" when criterion`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Criterion {
    /// The label.
    pub label: Option<String>,
    /// The criterion.
    pub when: Expr,
    /// The statement.
    pub loc: Loc,
}

/// An activity of a stage.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Activity {
    /// The identifier.
    pub name: String,
    /// The title.
    pub title: Option<String>,
    /// Its own owner (else the stage's).
    pub owner: Option<RoleRef>,
    /// What must be true or recorded when it is done.
    pub outcome: Option<Timed<String>>,
    /// Fields it records.
    pub captures: Vec<FieldRef>,
    /// Not mandatory.
    pub optional: bool,
    /// From `activity` to the closing `}`.
    pub loc: Loc,
    /// The identifier as written.
    pub name_loc: Loc,
}

/// A transition: an edge of the graph.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Transition {
    /// `advance` or `route`.
    pub kind: TransitionKind,
    /// The stage it leaves.
    pub from: StageId,
    /// The stage it goes to.
    pub to: StageId,
    /// The target as written.
    pub to_loc: Loc,
    /// Its `owner` clause.
    pub owner: Option<RoleRef>,
    /// Its `within` clause, in minutes.
    pub within: Option<Timed<u64>>,
    /// Its `when` clause.
    pub when: Option<Expr>,
    /// The statement.
    pub loc: Loc,
}

/// A resolved criterion. Its depth is bounded by the parser's parenthesis limit, and chains of
/// `not` are folded, so recursive walks are safe.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Expr {
    /// `true` or `false`.
    Const {
        /// The value.
        value: bool,
        /// Where.
        loc: Loc,
    },
    /// `field op value`; a bare bool field is `field == true`.
    Compare {
        /// The field.
        field: FieldId,
        /// The operator.
        cmp: CmpOp,
        /// The value, of the field's type.
        value: Value,
        /// Where.
        loc: Loc,
    },
    /// `field in { ... }` / `field not in { ... }` on an enum field.
    In {
        /// The field.
        field: FieldId,
        /// `not in`.
        negated: bool,
        /// Indexes of the listed members in the field's enum.
        members: Vec<u32>,
        /// Where.
        loc: Loc,
    },
    /// `field is set` / `field is not set`.
    IsSet {
        /// The field.
        field: FieldId,
        /// `is not set`.
        negated: bool,
        /// Where.
        loc: Loc,
    },
    /// `not e`.
    Not {
        /// The operand.
        operand: Box<Expr>,
        /// Where.
        loc: Loc,
    },
    /// `a and b and ...`.
    And {
        /// The operands.
        operands: Vec<Expr>,
        /// Where.
        loc: Loc,
    },
    /// `a or b or ...`.
    Or {
        /// The operands.
        operands: Vec<Expr>,
        /// Where.
        loc: Loc,
    },
}

impl Expr {
    /// Where the criterion was written.
    pub fn loc(&self) -> Loc {
        match self {
            Expr::Const { loc, .. }
            | Expr::Compare { loc, .. }
            | Expr::In { loc, .. }
            | Expr::IsSet { loc, .. }
            | Expr::Not { loc, .. }
            | Expr::And { loc, .. }
            | Expr::Or { loc, .. } => *loc,
        }
    }

    /// Calls `f` on every field the criterion reads, with where it is read.
    pub fn for_each_field(&self, f: &mut impl FnMut(FieldId, Loc)) {
        match self {
            Expr::Const { .. } => {}
            Expr::Compare { field, loc, .. } | Expr::In { field, loc, .. } | Expr::IsSet { field, loc, .. } => {
                f(*field, *loc)
            }
            Expr::Not { operand, .. } => operand.for_each_field(f),
            Expr::And { operands, .. } | Expr::Or { operands, .. } => {
                operands.iter().for_each(|o| o.for_each_field(f));
            }
        }
    }

    /// The criterion written out in canonical form, with field names from `model`.
    pub fn display<'m>(&'m self, model: &'m Model) -> DisplayExpr<'m> {
        DisplayExpr { expr: self, model }
    }
}

/// A criterion written out; see [`Expr::display`].
pub struct DisplayExpr<'m> {
    expr: &'m Expr,
    model: &'m Model,
}

impl std::fmt::Display for DisplayExpr<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write_expr(f, self.expr, self.model, 0)
    }
}

fn write_expr(f: &mut std::fmt::Formatter<'_>, expr: &Expr, model: &Model, parent: u8) -> std::fmt::Result {
    // Precedence: or 1, and 2, not 3.
    let field_name = |id: &FieldId| model.fields.get(id.0 as usize).map_or("?", |field| field.name.as_str());
    match expr {
        Expr::Const { value, .. } => write!(f, "{value}"),
        Expr::Compare { field, cmp, value, .. } => {
            if *cmp == CmpOp::Eq && value.kind == ValueKind::Bool(true) && value.raw.is_empty() {
                write!(f, "{}", field_name(field))
            } else {
                write!(f, "{} {} {}", field_name(field), cmp.as_str(), value.raw)
            }
        }
        Expr::In { field, negated, members, .. } => {
            let names: Vec<&str> = match model.fields.get(field.0 as usize).map(|field| &field.ty) {
                Some(FieldType::Enum(all)) => {
                    members.iter().filter_map(|m| all.get(*m as usize)).map(String::as_str).collect()
                }
                _ => Vec::new(),
            };
            let not = if *negated { "not " } else { "" };
            write!(f, "{} {not}in {{ {} }}", field_name(field), names.join(", "))
        }
        Expr::IsSet { field, negated, .. } => {
            write!(f, "{} is {}set", field_name(field), if *negated { "not " } else { "" })
        }
        Expr::Not { operand, .. } => {
            f.write_str("not ")?;
            write_expr(f, operand, model, 3)
        }
        Expr::And { operands, .. } | Expr::Or { operands, .. } => {
            let (level, word) = if matches!(expr, Expr::And { .. }) { (2, " and ") } else { (1, " or ") };
            if parent > level {
                f.write_str("(")?;
            }
            for (i, operand) in operands.iter().enumerate() {
                if i > 0 {
                    f.write_str(word)?;
                }
                write_expr(f, operand, model, level + 1)?;
            }
            if parent > level {
                f.write_str(")")?;
            }
            Ok(())
        }
    }
}

/// A constant in a criterion, of its field's type, with its spelling.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Value {
    /// What it means.
    pub kind: ValueKind,
    /// As written (`10_000`), for messages; empty for the implicit `true` of a bare bool field.
    pub raw: String,
}

/// What a constant means.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "lowercase")]
pub enum ValueKind {
    /// For a bool field.
    Bool(bool),
    /// For an int, number or money field.
    Number(f64),
    /// For a percent field, in percent.
    Percent(f64),
    /// For a duration field, in minutes.
    Duration(u64),
    /// For a date field.
    Date(Date),
    /// For a text field.
    Text(String),
    /// For an enum field: the member's index.
    Member(u32),
}
