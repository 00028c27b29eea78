//! One file per rule. Each declares its metadata and documentation with `declare_rule!` and
//! holds its check; [`ALL`] is the registry's list.

mod activity_without_outcome;
mod ambiguous_routing;
mod dead_end_stage;
mod missing_exit_criteria;
mod missing_handoff_sla;
mod missing_terminal_lost;
mod no_path_to_close;
mod no_won_stage;
mod open_stage_certainty;
mod ownerless_activity;
mod ownerless_transition;
mod probability_regression;
mod process_too_complex;
mod stale_review;
mod terminal_probability;
mod thin_handoff;
mod uncaptured_field;
mod unreachable_stage;
mod unsatisfiable_criteria;
mod unused_field;
mod unused_role;
pub(crate) mod unused_suppression;

use crate::registry::Rule;

/// Every rule, in the order of the contract's table.
pub(crate) static ALL: &[&Rule] = &[
    &unreachable_stage::RULE,
    &ownerless_transition::RULE,
    &activity_without_outcome::RULE,
    &unsatisfiable_criteria::RULE,
    &dead_end_stage::RULE,
    &no_path_to_close::RULE,
    &no_won_stage::RULE,
    &missing_terminal_lost::RULE,
    &missing_exit_criteria::RULE,
    &missing_handoff_sla::RULE,
    &thin_handoff::RULE,
    &uncaptured_field::RULE,
    &ambiguous_routing::RULE,
    &probability_regression::RULE,
    &open_stage_certainty::RULE,
    &terminal_probability::RULE,
    &ownerless_activity::RULE,
    &unused_role::RULE,
    &unused_field::RULE,
    &process_too_complex::RULE,
    &stale_review::RULE,
    &unused_suppression::RULE,
];
