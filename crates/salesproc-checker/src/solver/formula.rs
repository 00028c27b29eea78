//! Criteria in negation normal form over field literals, stored in one arena per question.

use std::collections::HashMap;

use salesproc_parser::model::{Expr, Field, FieldId, FieldType, Value, ValueKind};
use salesproc_parser::syntax::CmpOp;

use super::domain::{Bits, Cons, Domain, Lit, LitKind, Range, TextSet, Values};

/// A node of the arena. Children always have smaller ids than their parent.
#[derive(Clone, Debug)]
pub(super) enum Node {
    /// A literal.
    Lit(Lit),
    /// All of the children (at least two, none of them an `And`).
    And(Vec<usize>),
    /// One of the children (at least two, none of them an `Or`).
    Or(Vec<usize>),
}

/// One criterion after translation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Root {
    /// Always holds.
    True,
    /// Never holds.
    False,
    /// Holds when this node does.
    Node(usize),
    /// Uses something the solver does not model (a value of the wrong type for its field, a
    /// field or member out of range: resolution never builds these). It takes no part in a
    /// proof, and a question that needs it is answered `Unknown`.
    Opaque,
}

/// The criteria of one question, translated.
#[derive(Debug)]
pub(super) struct Formula {
    /// The arena.
    pub(super) nodes: Vec<Node>,
    /// Per criterion.
    pub(super) roots: Vec<Root>,
    /// Per node: the fields it mentions, sorted and distinct.
    pub(super) node_fields: Vec<Vec<usize>>,
    /// Per node: how many nodes its subtree has.
    pub(super) node_size: Vec<usize>,
    /// Per field: the `Or` nodes whose subtree mentions it.
    pub(super) occurs: Vec<Vec<usize>>,
    /// Per field: every state of the field (unset, or any value of its type).
    ///
    /// "Field" here and in [`Lit::field`] is the question's own numbering of the fields its
    /// criteria mention, in order of first mention, not the model's `FieldId`: a question costs
    /// what its criteria cost, not what the model's number of fields does.
    pub(super) initial: Vec<Domain>,
}

/// A criterion the solver does not model.
struct Opaque;

/// A formula before it gets an arena node of its own (so that `and` inside `and` flattens).
enum Part {
    True,
    False,
    Lit(Lit),
    And(Vec<usize>),
    Or(Vec<usize>),
    /// A node already in the arena.
    Node(usize),
}

struct Builder<'e> {
    fields: &'e [Field],
    nodes: Vec<Node>,
    strings: HashMap<&'e str, u32>,
    /// Model field index → the question's own field number.
    local: HashMap<usize, usize>,
    /// The question's field numbers → the model's fields.
    mentioned: Vec<&'e Field>,
}

impl Formula {
    /// Translates `criteria` over `fields`.
    pub(super) fn build(fields: &[Field], criteria: &[&Expr]) -> Formula {
        let mut builder = Builder {
            fields,
            nodes: Vec::new(),
            strings: HashMap::new(),
            local: HashMap::new(),
            mentioned: Vec::new(),
        };
        let roots = criteria
            .iter()
            .map(|expr| match builder.part(expr, true) {
                Ok(part) => builder.root(part),
                Err(Opaque) => Root::Opaque,
            })
            .collect();
        let nodes = builder.nodes;
        let mentioned = builder.mentioned;
        let mut node_fields: Vec<Vec<usize>> = Vec::with_capacity(nodes.len());
        let mut node_size: Vec<usize> = Vec::with_capacity(nodes.len());
        for node in &nodes {
            let (mut mentioned, size) = match node {
                Node::Lit(lit) => (vec![lit.field], 1),
                Node::And(children) | Node::Or(children) => {
                    let mut mentioned = Vec::new();
                    let mut size = 1usize;
                    for child in children {
                        mentioned.extend(node_fields.get(*child).into_iter().flatten().copied());
                        size = size.saturating_add(node_size.get(*child).copied().unwrap_or(0));
                    }
                    (mentioned, size)
                }
            };
            mentioned.sort_unstable();
            mentioned.dedup();
            node_fields.push(mentioned);
            node_size.push(size);
        }
        let mut occurs = vec![Vec::new(); mentioned.len()];
        for (id, node) in nodes.iter().enumerate() {
            if let Node::Or(_) = node {
                for field in node_fields.get(id).into_iter().flatten() {
                    if let Some(list) = occurs.get_mut(*field) {
                        list.push(id);
                    }
                }
            }
        }
        let initial = mentioned.iter().map(|field| Domain::new(values_of(&field.ty))).collect();
        Formula { nodes, roots, node_fields, node_size, occurs, initial }
    }

    /// The fields criterion `index` mentions.
    pub(super) fn root_fields(&self, index: usize) -> &[usize] {
        match self.roots.get(index) {
            Some(Root::Node(node)) => self.node_fields.get(*node).map_or(&[], Vec::as_slice),
            _ => &[],
        }
    }

    /// The size of criterion `index`, in nodes.
    pub(super) fn root_size(&self, index: usize) -> usize {
        match self.roots.get(index) {
            Some(Root::Node(node)) => self.node_size.get(*node).copied().unwrap_or(0),
            _ => 0,
        }
    }
}

/// Every value of a type.
fn values_of(ty: &FieldType) -> Values {
    match ty {
        FieldType::Bool => Values::Members(Bits::all(2)),
        FieldType::Int | FieldType::Date => Values::Int(Range::unbounded()),
        FieldType::Duration => Values::Int(Range::between(Some(0), None)),
        FieldType::Number | FieldType::Money => Values::Real(Range::unbounded()),
        FieldType::Percent => Values::Real(Range::between(Some(0.0), Some(100.0))),
        FieldType::Text => Values::Text(TextSet::Except(Vec::new())),
        FieldType::Enum(members) => Values::Members(Bits::all(members.len())),
    }
}

/// Whole numbers this large never come from resolution (15 significant digits at most); the
/// limit keeps `as i128` exact.
const MAX_WHOLE: f64 = 1e30;

impl<'e> Builder<'e> {
    /// The node of a part, or its constant.
    fn root(&mut self, part: Part) -> Root {
        match part {
            Part::True => Root::True,
            Part::False => Root::False,
            other => Root::Node(self.alloc(other)),
        }
    }

    fn alloc(&mut self, part: Part) -> usize {
        let node = match part {
            Part::Node(id) => return id,
            Part::Lit(lit) => Node::Lit(lit),
            Part::And(children) => Node::And(children),
            Part::Or(children) => Node::Or(children),
            // Constants are folded away before they reach the arena; an empty `and` is true.
            Part::True => Node::And(Vec::new()),
            Part::False => Node::Or(Vec::new()),
        };
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    /// `expr` (when `positive`) or `not expr`, in negation normal form. Recursion depth is the
    /// expression's, which the parser bounds.
    fn part(&mut self, expr: &'e Expr, positive: bool) -> Result<Part, Opaque> {
        match expr {
            Expr::Const { value, .. } => Ok(if *value == positive { Part::True } else { Part::False }),
            Expr::Not { operand, .. } => self.part(operand, !positive),
            Expr::And { operands, .. } => self.junction(operands, positive, positive),
            Expr::Or { operands, .. } => self.junction(operands, positive, !positive),
            Expr::Compare { .. } | Expr::In { .. } | Expr::IsSet { .. } => {
                let lit = self.literal(expr)?;
                Ok(Part::Lit(if positive { lit } else { Lit { field: lit.field, kind: lit.kind.negated() } }))
            }
        }
    }

    /// The conjunction (`conjunction`) or disjunction of `operands`, each taken positively or
    /// negated (`positive`).
    fn junction(&mut self, operands: &'e [Expr], positive: bool, conjunction: bool) -> Result<Part, Opaque> {
        let mut children = Vec::with_capacity(operands.len());
        for operand in operands {
            match (self.part(operand, positive)?, conjunction) {
                // The neutral element drops out; the absorbing one decides.
                (Part::True, true) | (Part::False, false) => {}
                (Part::False, true) => return Ok(Part::False),
                (Part::True, false) => return Ok(Part::True),
                // The same operator inside: flatten.
                (Part::And(inner), true) | (Part::Or(inner), false) => {
                    children.extend(inner.into_iter().map(Part::Node))
                }
                (other, _) => children.push(other),
            }
        }
        if children.len() <= 1 {
            let neutral = if conjunction { Part::True } else { Part::False };
            return Ok(children.pop().unwrap_or(neutral));
        }
        let ids = children.into_iter().map(|child| self.alloc(child)).collect();
        Ok(if conjunction { Part::And(ids) } else { Part::Or(ids) })
    }

    /// The literal of an atom, taken positively.
    fn literal(&mut self, expr: &'e Expr) -> Result<Lit, Opaque> {
        match expr {
            Expr::IsSet { field, negated, .. } => {
                let field = self.field(*field)?.0;
                Ok(Lit { field, kind: LitKind::Set(!negated) })
            }
            Expr::In { field, negated, members, .. } => {
                let (index, ty) = self.field(*field)?;
                let FieldType::Enum(all) = ty else { return Err(Opaque) };
                let mut bits = Bits::none(all.len());
                for member in members {
                    if !bits.insert(*member as usize) {
                        return Err(Opaque);
                    }
                }
                let bits = if *negated { bits.complement() } else { bits };
                Ok(Lit { field: index, kind: LitKind::Has { guard: false, cons: Cons::Members(bits) } })
            }
            Expr::Compare { field, cmp, value, .. } => {
                let (index, ty) = self.field(*field)?;
                let cons = self.comparison(ty, *cmp, value)?;
                Ok(Lit { field: index, kind: LitKind::Has { guard: false, cons } })
            }
            Expr::Const { .. } | Expr::Not { .. } | Expr::And { .. } | Expr::Or { .. } => Err(Opaque),
        }
    }

    /// The question's number for field `id`, and its type.
    fn field(&mut self, id: FieldId) -> Result<(usize, &'e FieldType), Opaque> {
        let index = id.0 as usize;
        let field = self.fields.get(index).ok_or(Opaque)?;
        let next = self.mentioned.len();
        let local = *self.local.entry(index).or_insert(next);
        if local == next {
            self.mentioned.push(field);
        }
        Ok((local, &field.ty))
    }

    /// The constraint `v cmp value` on a field of type `ty`.
    fn comparison(&mut self, ty: &FieldType, cmp: CmpOp, value: &'e Value) -> Result<Cons, Opaque> {
        let equality = matches!(cmp, CmpOp::Eq | CmpOp::Ne);
        let members = |n: usize, member: usize| {
            let mut bits = Bits::none(n);
            if !bits.insert(member) {
                return Err(Opaque);
            }
            Ok(Cons::Members(if cmp == CmpOp::Eq { bits } else { bits.complement() }))
        };
        match (ty, &value.kind) {
            (FieldType::Bool, ValueKind::Bool(b)) if equality => members(2, usize::from(*b)),
            (FieldType::Enum(all), ValueKind::Member(m)) if equality => members(all.len(), *m as usize),
            (FieldType::Text, ValueKind::Text(s)) if equality => {
                let next = u32::try_from(self.strings.len()).map_err(|_| Opaque)?;
                let id = *self.strings.entry(s.as_str()).or_insert(next);
                Ok(Cons::Text(cmp == CmpOp::Eq, id))
            }
            (FieldType::Int, ValueKind::Number(c)) if c.is_finite() && c.fract() == 0.0 && c.abs() < MAX_WHOLE => {
                Ok(Cons::Int(cmp, *c as i128))
            }
            (FieldType::Number | FieldType::Money, ValueKind::Number(c))
            | (FieldType::Percent, ValueKind::Percent(c))
                if c.is_finite() =>
            {
                Ok(Cons::Real(cmp, *c))
            }
            (FieldType::Duration, ValueKind::Duration(minutes)) => Ok(Cons::Int(cmp, i128::from(*minutes))),
            (FieldType::Date, ValueKind::Date(date)) => Ok(Cons::Int(cmp, i128::from(date.days_since_epoch()))),
            _ => Err(Opaque),
        }
    }
}
