//! Syntax tree → typed model: names resolved, criteria type-checked, the graph built.
//!
//! Reports `duplicate-definition`, `undefined-reference`, `type-mismatch` and
//! `invalid-terminal`. Resolution goes on past every error so that all of them are reported;
//! the model it returns is only meaningful when it reports none.

use std::collections::HashMap;

use crate::diagnostic::{rules, Diagnostic, Loc, Span};
use crate::model::*;
use crate::suggest::closest;
use crate::syntax::*;

/// The model and the resolution diagnostics.
#[derive(Debug)]
pub struct Resolved {
    /// The model; complete only when `diagnostics` is empty.
    pub model: Option<Model>,
    /// What resolution found wrong.
    pub diagnostics: Vec<Diagnostic>,
}

/// The roles and fields another file contributes through `use`.
#[derive(Clone, Debug)]
pub struct ImportedFile {
    /// The file as shown in messages (`roles.salesproc`).
    pub name: String,
    /// The `use` string in the importing file that brought it in (directly or through another
    /// import), where a conflict with it is reported.
    pub use_span: Span,
    /// Its roles.
    pub roles: Vec<RoleDecl>,
    /// Its fields.
    pub fields: Vec<FieldDecl>,
}

/// Resolves a syntax tree into the typed model.
pub fn resolve(file: &SourceFile) -> Resolved {
    resolve_with_imports(file, &[])
}

/// Resolves a syntax tree with the roles and fields of the files it imports. Imported names are
/// declared first; a local declaration of the same name is a `duplicate-definition`.
pub fn resolve_with_imports(file: &SourceFile, imports: &[ImportedFile]) -> Resolved {
    let mut resolver = Resolver {
        diagnostics: Vec::new(),
        roles: Vec::new(),
        role_index: HashMap::new(),
        fields: Vec::new(),
        field_index: HashMap::new(),
        stage_index: HashMap::new(),
        damaged: file,
    };
    for import in imports {
        for role in &import.roles {
            resolver.declare_imported(Namespace::Role, &role.name, import, |r| r.declare_role_from(role, Some(import)));
        }
        for field in &import.fields {
            resolver
                .declare_imported(Namespace::Field, &field.name, import, |r| r.declare_field_from(field, Some(import)));
        }
    }
    for role in &file.roles {
        resolver.declare_role(role);
    }
    for field in &file.fields {
        resolver.declare_field(field);
    }
    let mut processes = file.processes.iter();
    let process = processes.next().map(|p| resolver.process(p));
    if let Some(first) = file.processes.first() {
        for extra in processes {
            resolver.diagnostics.push(
                Diagnostic::error(
                    rules::DUPLICATE_DEFINITION,
                    extra.header_span,
                    "this file defines a second process; a file holds one process",
                )
                .with_label(first.header_span, "the first process is defined here")
                .with_help("move the second process into a file of its own"),
            );
        }
    }
    let model = Model { roles: resolver.roles, fields: resolver.fields, process };
    Resolved { model: Some(model), diagnostics: resolver.diagnostics }
}

/// The namespaces an import contributes to.
#[derive(Clone, Copy)]
enum Namespace {
    Role,
    Field,
}

impl Namespace {
    fn noun(self) -> &'static str {
        match self {
            Namespace::Role => "role",
            Namespace::Field => "field",
        }
    }
}

struct Resolver<'f> {
    diagnostics: Vec<Diagnostic>,
    roles: Vec<Role>,
    role_index: HashMap<String, RoleId>,
    fields: Vec<Field>,
    field_index: HashMap<String, FieldId>,
    stage_index: HashMap<String, (StageId, Span)>,
    damaged: &'f SourceFile,
}

/// Tracks once-only statements of one block, to report the second one.
#[derive(Default)]
struct Once(HashMap<&'static str, Span>);

impl Once {
    /// Records `keyword` at `span`; returns the first one's span when it was already seen.
    fn see(&mut self, keyword: &'static str, span: Span) -> Option<Span> {
        match self.0.get(keyword) {
            Some(first) => Some(*first),
            None => {
                self.0.insert(keyword, span);
                None
            }
        }
    }
}

impl Resolver<'_> {
    fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    fn twice(&mut self, once: &mut Once, keyword: &'static str, span: Span, block: &str) -> bool {
        match once.see(keyword, span) {
            Some(first) => {
                self.push(
                    Diagnostic::error(
                        rules::DUPLICATE_DEFINITION,
                        span,
                        format!("{block} has a second `{keyword}` statement"),
                    )
                    .with_label(first, format!("the first `{keyword}` is here"))
                    .with_help(format!("keep one `{keyword}` statement and remove the other")),
                );
                true
            }
            None => false,
        }
    }

    /// Declares a name from an imported file, unless an earlier import already declared it.
    fn declare_imported(
        &mut self,
        namespace: Namespace,
        name: &Name,
        import: &ImportedFile,
        declare: impl FnOnce(&mut Self),
    ) {
        let earlier = match namespace {
            Namespace::Role => {
                self.role_index.get(&name.text).map(|id| self.roles[id.0 as usize].imported_from.clone())
            }
            Namespace::Field => {
                self.field_index.get(&name.text).map(|id| self.fields[id.0 as usize].imported_from.clone())
            }
        };
        match earlier {
            None => declare(self),
            // The same declaration reached twice (two imports share a third file) is no conflict.
            Some(Some(from)) if from == import.name => {}
            Some(from) => {
                let what = namespace.noun();
                let from = from.unwrap_or_else(|| "this file".to_string());
                self.push(
                    Diagnostic::error(
                        rules::DUPLICATE_DEFINITION,
                        import.use_span,
                        format!(
                            "`{}` defines the {what} `{}` again: it is already defined in `{from}`",
                            import.name, name.text
                        ),
                    )
                    .with_help(format!("keep one definition of the {what} `{}`", name.text)),
                );
            }
        }
    }

    fn declare_role(&mut self, role: &RoleDecl) {
        self.declare_role_from(role, None);
    }

    fn declare_role_from(&mut self, role: &RoleDecl, import: Option<&ImportedFile>) {
        if let Some(first) = self.role_index.get(&role.name.text) {
            let first = &self.roles[first.0 as usize];
            if let Some(from) = first.imported_from.clone() {
                self.duplicate_of_import("role", &role.name, &from);
                return;
            }
            let first = first.name_loc.0;
            self.duplicate("role", &role.name, first);
            return;
        }
        let id = RoleId(self.roles.len() as u32);
        self.role_index.insert(role.name.text.clone(), id);
        self.roles.push(Role {
            name: role.name.text.clone(),
            title: role.title.as_ref().and_then(text_of),
            loc: role.span.into(),
            name_loc: role.name.span.into(),
            imported_from: import.map(|i| i.name.clone()),
        });
    }

    fn declare_field(&mut self, field: &FieldDecl) {
        self.declare_field_from(field, None);
    }

    fn declare_field_from(&mut self, field: &FieldDecl, import: Option<&ImportedFile>) {
        if let Some(first) = self.field_index.get(&field.name.text) {
            let first = &self.fields[first.0 as usize];
            if let Some(from) = first.imported_from.clone() {
                self.duplicate_of_import("field", &field.name, &from);
                return;
            }
            let first = first.name_loc.0;
            self.duplicate("field", &field.name, first);
            return;
        }
        let ty = match &field.ty {
            TypeSyntax::Enum { members, .. } => {
                let mut seen: HashMap<&str, Span> = HashMap::new();
                for member in members {
                    if let Some(first) = seen.insert(&member.text, member.span) {
                        self.push(
                            Diagnostic::error(
                                rules::DUPLICATE_DEFINITION,
                                member.span,
                                format!("the field `{}` lists the member `{}` twice", field.name.text, member.text),
                            )
                            .with_label(first, "first listed here")
                            .with_help("remove the repeated member"),
                        );
                    }
                }
                FieldType::Enum(members.iter().map(|m| m.text.clone()).collect())
            }
            TypeSyntax::Builtin(name) => match name.text.as_str() {
                "bool" => FieldType::Bool,
                "int" => FieldType::Int,
                "number" => FieldType::Number,
                "money" => FieldType::Money,
                "percent" => FieldType::Percent,
                "duration" => FieldType::Duration,
                "date" => FieldType::Date,
                _ => FieldType::Text,
            },
        };
        let id = FieldId(self.fields.len() as u32);
        self.field_index.insert(field.name.text.clone(), id);
        self.fields.push(Field {
            name: field.name.text.clone(),
            ty,
            title: field.title.as_ref().and_then(text_of),
            loc: field.span.into(),
            name_loc: field.name.span.into(),
            imported_from: import.map(|i| i.name.clone()),
        });
    }

    fn duplicate_of_import(&mut self, what: &str, name: &Name, from: &str) {
        self.push(
            Diagnostic::error(
                rules::DUPLICATE_DEFINITION,
                name.span,
                format!("the {what} `{}` is already defined in `{from}`, which this file imports", name.text),
            )
            .with_help(format!("remove this {what}, or rename it if it means something else")),
        );
    }

    fn duplicate(&mut self, what: &str, name: &Name, first: Span) {
        self.push(
            Diagnostic::error(
                rules::DUPLICATE_DEFINITION,
                name.span,
                format!("the {what} `{}` is defined twice", name.text),
            )
            .with_label(first, "first defined here")
            .with_help(format!("rename one of the two {what}s, or remove the repeated one")),
        );
    }

    fn undefined(&mut self, what: &str, name: &Name, candidates: Vec<&str>, declare: &str) {
        if self.damaged.damaged_names.contains(&name.text) {
            return;
        }
        let help = match closest(&name.text, candidates) {
            Some(suggestion) => format!("did you mean `{suggestion}`?"),
            None => format!("declare it with `{declare}`, or correct the name"),
        };
        self.push(
            Diagnostic::error(
                rules::UNDEFINED_REFERENCE,
                name.span,
                format!("there is no {what} named `{}`", name.text),
            )
            .with_help(help),
        );
    }

    fn role_ref(&mut self, name: &Name) -> Option<RoleRef> {
        match self.role_index.get(&name.text) {
            Some(role) => Some(RoleRef { role: *role, loc: name.span.into() }),
            None => {
                let names: Vec<String> = self.roles.iter().map(|r| r.name.clone()).collect();
                let declare = format!("role {} \"...\"", name.text);
                self.undefined("role", name, names.iter().map(String::as_str).collect(), &declare);
                None
            }
        }
    }

    fn field_ref(&mut self, name: &Name) -> Option<FieldRef> {
        match self.field_index.get(&name.text) {
            Some(field) => Some(FieldRef { field: *field, loc: name.span.into() }),
            None => {
                let names: Vec<String> = self.fields.iter().map(|f| f.name.clone()).collect();
                let declare = format!("field {}: type", name.text);
                self.undefined("field", name, names.iter().map(String::as_str).collect(), &declare);
                None
            }
        }
    }

    fn process(&mut self, decl: &ProcessDecl) -> Process {
        let mut once = Once::default();
        let block = "the process";
        // Roles and fields first: a stage may use a field declared after it.
        for item in &decl.items {
            match item {
                ProcessItem::Role(role) => self.declare_role(role),
                ProcessItem::Field(field) => self.declare_field(field),
                _ => {}
            }
        }
        // Stage names next: a transition may go to a stage declared after it.
        let mut stage_decls = Vec::new();
        for item in &decl.items {
            if let ProcessItem::Stage(stage) = item {
                if let Some((_, first)) = self.stage_index.get(&stage.name.text) {
                    let first = *first;
                    self.duplicate("stage", &stage.name, first);
                    continue;
                }
                let id = StageId(stage_decls.len() as u32);
                self.stage_index.insert(stage.name.text.clone(), (id, stage.name.span));
                stage_decls.push(stage);
            }
        }
        let mut process = Process {
            name: text_of(&decl.name).unwrap_or_default(),
            name_loc: decl.name.span.into(),
            owner: None,
            version: None,
            description: None,
            review_every: None,
            reviewed: None,
            stages: Vec::new(),
            starts: Vec::new(),
            graph: ProcessGraph::default(),
            loc: decl.span.into(),
        };
        for item in &decl.items {
            match item {
                ProcessItem::Owner(owner) => {
                    if !self.twice(&mut once, "owner", owner.span, block) {
                        process.owner = self.role_ref(&owner.value);
                    }
                }
                ProcessItem::Version(version) => {
                    if !self.twice(&mut once, "version", version.span, block) {
                        process.version = text_of(&version.value);
                    }
                }
                ProcessItem::Description(description) => {
                    if !self.twice(&mut once, "description", description.span, block) {
                        process.description = text_of(&description.value);
                    }
                }
                ProcessItem::ReviewEvery(review) => {
                    if !self.twice(&mut once, "review", review.span, block) {
                        process.review_every =
                            minutes_of(&review.value).map(|value| Timed { value, loc: review.span.into() });
                    }
                }
                ProcessItem::Reviewed(reviewed) => {
                    if !self.twice(&mut once, "reviewed", reviewed.span, block) {
                        if let LiteralValue::Date(date) = reviewed.value.value {
                            process.reviewed = Some(Timed { value: date, loc: reviewed.span.into() });
                        }
                    }
                }
                ProcessItem::Role(_) | ProcessItem::Field(_) | ProcessItem::Stage(_) => {}
            }
        }
        // Duplicated stages are checked for errors of their own but not added to the model.
        let mut pending = Vec::new();
        for item in &decl.items {
            if let ProcessItem::Stage(stage) = item {
                // The first declarations come in source order: the next one is the next in
                // `stage_decls` (a search of the whole list here made resolution quadratic).
                let is_first = stage_decls.get(process.stages.len()).is_some_and(|d| std::ptr::eq(*d, stage));
                let (stage_model, transitions) = self.stage(stage, StageId(process.stages.len() as u32));
                if is_first {
                    process.stages.push(stage_model);
                    pending.extend(transitions);
                }
            }
        }
        // Every node first, so that node index == stage index; then the edges in source order.
        for stage in &process.stages {
            process.graph.0.add_node(stage.id);
        }
        for transition in pending {
            let from = transition.from;
            let edge = process.graph.0.add_edge(from.node(), transition.to.node(), transition);
            if let Some(stage) = process.stages.get_mut(from.index()) {
                stage.transitions.push(TransitionId(edge));
            }
        }
        process.starts = process.stages.iter().filter(|s| s.marked_start).map(|s| s.id).collect();
        if process.starts.is_empty() {
            process.starts.extend(process.stages.first().map(|s| s.id));
        }
        process
    }

    fn stage(&mut self, decl: &StageDecl, id: StageId) -> (Stage, Vec<Transition>) {
        let mut once = Once::default();
        let block = format!("the stage `{}`", decl.name.text);
        let mut stage = Stage {
            id,
            name: decl.name.text.clone(),
            title: decl.title.as_ref().and_then(text_of),
            marked_start: decl.start.is_some(),
            owner: None,
            probability: None,
            goal: None,
            entry: None,
            sla: None,
            requires: Vec::new(),
            exits: Vec::new(),
            terminal: None,
            terminal_loc: None,
            activities: Vec::new(),
            transitions: Vec::new(),
            loc: decl.span.into(),
            name_loc: decl.name.span.into(),
        };
        let mut transitions = Vec::new();
        let mut activity_names: HashMap<&str, Span> = HashMap::new();
        for item in &decl.items {
            match item {
                StageItem::Owner(owner) => {
                    if !self.twice(&mut once, "owner", owner.span, &block) {
                        stage.owner = self.role_ref(&owner.value);
                    }
                }
                StageItem::Probability(p) => {
                    if !self.twice(&mut once, "probability", p.span, &block) {
                        if let LiteralValue::Percent(value) = p.value.value {
                            stage.probability = Some(Timed { value, loc: p.value.span.into() });
                        }
                    }
                }
                StageItem::Goal(goal) => {
                    if !self.twice(&mut once, "goal", goal.span, &block) {
                        stage.goal = text_of(&goal.value);
                    }
                }
                StageItem::Entry(entry) => {
                    if !self.twice(&mut once, "entry", entry.span, &block) {
                        stage.entry = Some(Entry {
                            trigger: entry.trigger.as_ref().and_then(text_of),
                            when: entry.when.as_ref().and_then(|e| self.expr(e)),
                            loc: entry.span.into(),
                        });
                    }
                }
                StageItem::Sla(sla) => {
                    if !self.twice(&mut once, "sla", sla.span, &block) {
                        stage.sla = minutes_of(&sla.value).map(|value| Timed { value, loc: sla.span.into() });
                    }
                }
                StageItem::Requires(requires) => {
                    for name in &requires.value {
                        if let Some(field) = self.field_ref(name) {
                            stage.requires.push(field);
                        }
                    }
                }
                StageItem::Exit(exit) => {
                    if let Some(when) = self.expr(&exit.when) {
                        stage.exits.push(Criterion {
                            label: exit.label.as_ref().and_then(text_of),
                            when,
                            loc: exit.span.into(),
                        });
                    }
                }
                StageItem::Terminal(terminal) => {
                    if !self.twice(&mut once, "terminal", terminal.span, &block) {
                        stage.terminal =
                            Some(if terminal.value.text == "won" { TerminalKind::Won } else { TerminalKind::Lost });
                        stage.terminal_loc = Some(terminal.span.into());
                    }
                }
                StageItem::Activity(activity) => {
                    if let Some(first) = activity_names.insert(&activity.name.text, activity.name.span) {
                        self.push(
                            Diagnostic::error(
                                rules::DUPLICATE_DEFINITION,
                                activity.name.span,
                                format!(
                                    "the stage `{}` has two activities named `{}`",
                                    decl.name.text, activity.name.text
                                ),
                            )
                            .with_label(first, "first defined here")
                            .with_help("rename one of the two activities"),
                        );
                        continue;
                    }
                    let activity = self.activity(activity);
                    stage.activities.push(activity);
                }
                StageItem::Transition(transition) => {
                    if let Some(transition) = self.transition(transition, id) {
                        transitions.push(transition);
                    }
                }
            }
        }
        if let (Some(kind), Some(terminal_loc)) = (stage.terminal, stage.terminal_loc) {
            self.check_terminal(decl, kind, terminal_loc.0);
        }
        (stage, transitions)
    }

    fn check_terminal(&mut self, decl: &StageDecl, kind: TerminalKind, terminal: Span) {
        let word = match kind {
            TerminalKind::Won => "won",
            TerminalKind::Lost => "lost",
        };
        for item in &decl.items {
            let (span, what, remove) = match item {
                StageItem::Transition(t) => (t.span, "transitions", format!("`{}`", t.kind.keyword())),
                StageItem::Exit(e) => (e.span, "exit criteria", "`exit`".to_string()),
                StageItem::Requires(r) => (r.span, "required fields", "`requires`".to_string()),
                _ => continue,
            };
            self.push(
                Diagnostic::error(
                    rules::INVALID_TERMINAL,
                    span,
                    format!("`{}` is a terminal stage, so it cannot have {what}", decl.name.text),
                )
                .with_label(terminal, format!("marked `terminal {word}` here"))
                .with_help(format!("remove this {remove}, or remove `terminal {word}` if deals go on from this stage")),
            );
        }
    }

    fn activity(&mut self, decl: &ActivityDecl) -> Activity {
        let mut once = Once::default();
        let block = format!("the activity `{}`", decl.name.text);
        let mut activity = Activity {
            name: decl.name.text.clone(),
            title: decl.title.as_ref().and_then(text_of),
            owner: None,
            outcome: None,
            captures: Vec::new(),
            optional: false,
            loc: decl.span.into(),
            name_loc: decl.name.span.into(),
        };
        for item in &decl.items {
            match item {
                ActivityItem::Owner(owner) => {
                    if !self.twice(&mut once, "owner", owner.span, &block) {
                        activity.owner = self.role_ref(&owner.value);
                    }
                }
                ActivityItem::Outcome(outcome) => {
                    if !self.twice(&mut once, "outcome", outcome.span, &block) {
                        activity.outcome =
                            text_of(&outcome.value).map(|value| Timed { value, loc: outcome.span.into() });
                    }
                }
                ActivityItem::Captures(captures) => {
                    for name in &captures.value {
                        if let Some(field) = self.field_ref(name) {
                            activity.captures.push(field);
                        }
                    }
                }
                ActivityItem::Optional(span) => {
                    self.twice(&mut once, "optional", *span, &block);
                    activity.optional = true;
                }
            }
        }
        activity
    }

    fn transition(&mut self, decl: &TransitionDecl, from: StageId) -> Option<Transition> {
        let mut once = Once::default();
        let block = format!("this `{}`", decl.kind.keyword());
        let mut owner = None;
        let mut within = None;
        let mut when = None;
        for clause in &decl.clauses {
            match clause {
                Clause::Owner(o) => {
                    if !self.twice(&mut once, "owner", o.span, &block) {
                        owner = self.role_ref(&o.value);
                    }
                }
                Clause::Within(w) => {
                    if !self.twice(&mut once, "within", w.span, &block) {
                        within = minutes_of(&w.value).map(|value| Timed { value, loc: w.span.into() });
                    }
                }
                Clause::When(w) => {
                    if !self.twice(&mut once, "when", w.span, &block) {
                        when = self.expr(&w.value);
                    }
                }
            }
        }
        let to = match self.stage_index.get(&decl.target.text) {
            Some((id, _)) => *id,
            None => {
                let names: Vec<String> = self.stage_index.keys().cloned().collect();
                let declare = format!("stage {} {{", decl.target.text);
                self.undefined("stage", &decl.target, names.iter().map(String::as_str).collect(), &declare);
                return None;
            }
        };
        Some(Transition {
            kind: decl.kind,
            from,
            to,
            to_loc: decl.target.span.into(),
            owner,
            within,
            when,
            loc: decl.span.into(),
        })
    }

    /// Resolves and type-checks a criterion; `None` when it has an error (already reported).
    fn expr(&mut self, expr: &ExprSyntax) -> Option<Expr> {
        let loc: Loc = expr.span().into();
        match expr {
            ExprSyntax::Or(operands, _) | ExprSyntax::And(operands, _) => {
                // Check every operand, even after one fails, to report all errors.
                let resolved: Vec<Option<Expr>> = operands.iter().map(|o| self.expr(o)).collect();
                let operands: Option<Vec<Expr>> = resolved.into_iter().collect();
                let operands = operands?;
                Some(if matches!(expr, ExprSyntax::Or(..)) {
                    Expr::Or { operands, loc }
                } else {
                    Expr::And { operands, loc }
                })
            }
            ExprSyntax::Not(count, operand, _) => {
                let operand = self.expr(operand)?;
                // `not not e` is `e`: folding keeps the model shallow whatever the input.
                Some(if count % 2 == 0 { operand } else { Expr::Not { operand: Box::new(operand), loc } })
            }
            ExprSyntax::Paren(inner, _) => self.expr(inner),
            ExprSyntax::Bool(value, _) => Some(Expr::Const { value: *value, loc }),
            ExprSyntax::IsSet { field, negated, .. } => {
                let field = self.field_ref(field)?;
                Some(Expr::IsSet { field: field.field, negated: *negated, loc })
            }
            ExprSyntax::Field(name) => {
                let field = self.field_ref(name)?;
                let ty = &self.fields[field.field.0 as usize].ty;
                if *ty != FieldType::Bool {
                    let kind = ty.keyword();
                    self.push(
                        Diagnostic::error(
                            rules::TYPE_MISMATCH,
                            name.span,
                            format!(
                                "`{}` is {} field, not a bool: on its own it is not a criterion",
                                name.text,
                                a(kind)
                            ),
                        )
                        .with_help(format!(
                            "compare it with a value, as in `{} {}`, or test `{} is set`",
                            name.text,
                            example_comparison(ty),
                            name.text
                        )),
                    );
                    return None;
                }
                Some(Expr::Compare {
                    field: field.field,
                    cmp: CmpOp::Eq,
                    value: Value { kind: ValueKind::Bool(true), raw: String::new() },
                    loc,
                })
            }
            ExprSyntax::Compare { field, op, op_span, value, .. } => {
                let field_ref = self.field_ref(field);
                let field_ref = field_ref?;
                let ty = self.fields[field_ref.field.0 as usize].ty.clone();
                let ordered = matches!(
                    ty,
                    FieldType::Int
                        | FieldType::Number
                        | FieldType::Money
                        | FieldType::Percent
                        | FieldType::Duration
                        | FieldType::Date
                );
                if !ordered && !matches!(op, CmpOp::Eq | CmpOp::Ne) {
                    let help = match ty {
                        FieldType::Bool => {
                            format!("use `{0} == true`, `{0} == false`, or `{0}` on its own", field.text)
                        }
                        FieldType::Enum(_) => {
                            format!("use `==`, `!=`, `in {{ ... }}` or `not in {{ ... }}` with `{}`", field.text)
                        }
                        _ => format!("use `==` or `!=` with `{}`", field.text),
                    };
                    self.push(
                        Diagnostic::error(
                            rules::TYPE_MISMATCH,
                            *op_span,
                            format!("`{}` does not apply to `{}`, {} field", op.as_str(), field.text, a(ty.keyword())),
                        )
                        .with_help(help),
                    );
                    return None;
                }
                let value = self.value(&field.text, &ty, value)?;
                Some(Expr::Compare { field: field_ref.field, cmp: *op, value, loc })
            }
            ExprSyntax::In { field, negated, values, span } => {
                let field_ref = self.field_ref(field)?;
                let ty = self.fields[field_ref.field.0 as usize].ty.clone();
                if !matches!(ty, FieldType::Enum(_)) {
                    self.push(
                        Diagnostic::error(
                            rules::TYPE_MISMATCH,
                            *span,
                            format!(
                                "`in` applies only to enum fields, and `{}` is a {} field",
                                field.text,
                                ty.keyword()
                            ),
                        )
                        .with_help(format!("compare `{}` with `==` or `!=`, joined with `or`", field.text)),
                    );
                    return None;
                }
                let mut members = Vec::new();
                let mut ok = true;
                for value in values {
                    match self.value(&field.text, &ty, value) {
                        Some(Value { kind: ValueKind::Member(m), .. }) => members.push(m),
                        _ => ok = false,
                    }
                }
                ok.then_some(Expr::In { field: field_ref.field, negated: *negated, members, loc })
            }
        }
    }

    /// Checks that `value` fits a field of type `ty` and turns it into a model value.
    fn value(&mut self, field: &str, ty: &FieldType, value: &ValueSyntax) -> Option<Value> {
        let raw = value.raw().to_string();
        let kind = match (ty, value) {
            (_, ValueSyntax::Literal(Literal { value: LiteralValue::Invalid, .. })) => return None,
            (FieldType::Enum(members), ValueSyntax::Name(name)) => match members.iter().position(|m| *m == name.text) {
                Some(index) => ValueKind::Member(index as u32),
                None => {
                    let help = match closest(&name.text, members.iter().map(String::as_str)) {
                        Some(suggestion) => {
                            format!("did you mean `{suggestion}`? The members are: {}", members.join(", "))
                        }
                        None => format!("the members of `{field}` are: {}", members.join(", ")),
                    };
                    self.push(
                        Diagnostic::error(
                            rules::TYPE_MISMATCH,
                            name.span,
                            format!("`{}` is not a member of the enum field `{field}`", name.text),
                        )
                        .with_help(help),
                    );
                    return None;
                }
            },
            (FieldType::Bool, ValueSyntax::Literal(Literal { value: LiteralValue::Bool(b), .. })) => {
                ValueKind::Bool(*b)
            }
            (FieldType::Int, ValueSyntax::Literal(Literal { value: LiteralValue::Number(n), .. }))
                if n.fract() == 0.0 =>
            {
                ValueKind::Number(*n)
            }
            (
                FieldType::Number | FieldType::Money,
                ValueSyntax::Literal(Literal { value: LiteralValue::Number(n), .. }),
            ) => ValueKind::Number(*n),
            (FieldType::Percent, ValueSyntax::Literal(Literal { value: LiteralValue::Percent(p), .. })) => {
                ValueKind::Percent(*p)
            }
            (FieldType::Duration, ValueSyntax::Literal(Literal { value: LiteralValue::Duration(d), .. })) => {
                ValueKind::Duration(*d)
            }
            (FieldType::Date, ValueSyntax::Literal(Literal { value: LiteralValue::Date(d), .. })) => {
                ValueKind::Date(*d)
            }
            (FieldType::Text, ValueSyntax::Literal(Literal { value: LiteralValue::Text(t), .. })) => {
                ValueKind::Text(t.clone())
            }
            _ => {
                let expected = expected_value(ty);
                let found = describe_value(value);
                let mut diagnostic = Diagnostic::error(
                    rules::TYPE_MISMATCH,
                    value.span(),
                    format!("`{field}` is {} field: expected {expected}, found {found}", a(ty.keyword())),
                );
                let help = value_help(ty, value).unwrap_or_else(|| {
                    format!("compare `{field}` with {expected}, as in `{field} {}`", example_comparison(ty))
                });
                diagnostic = diagnostic.with_help(help);
                self.push(diagnostic);
                return None;
            }
        };
        Some(Value { kind, raw })
    }
}

fn expected_value(ty: &FieldType) -> String {
    match ty {
        FieldType::Bool => "`true` or `false`".into(),
        FieldType::Int => "a whole number".into(),
        FieldType::Number | FieldType::Money => "a number".into(),
        FieldType::Percent => "a percentage such as `20%`".into(),
        FieldType::Duration => "a duration such as `2d`".into(),
        FieldType::Date => "a date such as `2026-10-01`".into(),
        FieldType::Text => "a string in double quotes".into(),
        FieldType::Enum(members) => format!("one of its members ({})", members.join(", ")),
    }
}

fn describe_value(value: &ValueSyntax) -> String {
    match value {
        ValueSyntax::Name(name) => format!("the name `{}`", name.text),
        ValueSyntax::Literal(literal) => {
            let what = match literal.value {
                LiteralValue::Number(n) if n.fract() != 0.0 => "the fractional number",
                LiteralValue::Number(_) => "the number",
                LiteralValue::Percent(_) => "the percentage",
                LiteralValue::Duration(_) => "the duration",
                LiteralValue::Date(_) => "the date",
                LiteralValue::Text(_) => "the string",
                LiteralValue::Bool(_) => "the value",
                LiteralValue::Invalid => "the literal",
            };
            format!("{what} `{}`", literal.raw)
        }
    }
}

fn value_help(ty: &FieldType, value: &ValueSyntax) -> Option<String> {
    let ValueSyntax::Literal(literal) = value else {
        return Some("a bare name on the right of a comparison can only be a member of an enum field".into());
    };
    match (ty, &literal.value) {
        (FieldType::Percent, LiteralValue::Number(_)) => Some(format!("write `{}%`", literal.raw)),
        (FieldType::Int, LiteralValue::Number(_)) => {
            Some("an `int` field holds whole numbers; declare it `number` for fractions".into())
        }
        (FieldType::Text, _) => Some(format!("put the text in double quotes: `\"{}\"`", literal.raw)),
        _ => None,
    }
}

fn example_comparison(ty: &FieldType) -> String {
    match ty {
        FieldType::Int | FieldType::Number | FieldType::Money => ">= 1".into(),
        FieldType::Percent => "<= 20%".into(),
        FieldType::Duration => "<= 30d".into(),
        FieldType::Date => ">= 2026-01-01".into(),
        FieldType::Text => "== \"...\"".into(),
        FieldType::Enum(members) => format!("== {}", members.first().map_or("member", String::as_str)),
        FieldType::Bool => "== true".into(),
    }
}

fn text_of(literal: &Literal) -> Option<String> {
    match &literal.value {
        LiteralValue::Text(text) => Some(text.clone()),
        _ => None,
    }
}

fn minutes_of(literal: &Literal) -> Option<u64> {
    match literal.value {
        LiteralValue::Duration(minutes) => Some(minutes),
        _ => None,
    }
}

/// "a money", "an int": the type name with its article.
fn a(word: &str) -> String {
    let article = if word.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
    format!("{article} {word}")
}
