//! The pure domain core: the rules of SPEC.md §2 as functions over values. No I/O; time is
//! passed in as a `Clock` or an instant.

pub mod alert;
pub mod alert_due;
pub mod audit;
pub mod clock;
pub mod control;
pub mod followup;
pub mod history;
pub mod id_number;
pub mod incident;
pub mod key_population;
pub mod lease;
pub mod patient;
pub mod policy;
pub mod reward;
pub mod risk;
pub mod schedule;
pub mod team;
#[cfg(test)]
pub(crate) mod testing;
pub mod vocabulary;
