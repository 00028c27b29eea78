//! The pest parser generated from `grammar/salesproc.pest`.

// pest_derive generates the `Rule` enum without doc comments on some variants.
#![allow(missing_docs)]

/// The parser generated from `grammar/salesproc.pest`; its [`Rule`] enum names every rule.
#[derive(pest_derive::Parser)]
#[grammar = "../../grammar/salesproc.pest"]
pub struct SalesprocGrammar;
