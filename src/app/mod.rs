//! The console's application layer: state, actions and `update`, and the data it shows.
//! Knows no terminal: keys arrive as `Event`s (`keys` turns terminal events into them, by the
//! input mode the state derives), drawing reads `AppState`.

pub mod action;
pub mod alert_entry;
pub mod close_form;
pub mod commands;
pub mod control_form;
pub mod data;
pub mod followup_form;
pub mod form;
pub mod incident_team;
pub mod keys;
pub mod one_line;
pub mod search;
pub mod state;
pub mod subject;
pub mod update;

pub use action::{Action, Edit, Effect, Event, InputMode, Reply, Request, ScreenKind};
pub use state::{AppState, View};
pub use update::update;
