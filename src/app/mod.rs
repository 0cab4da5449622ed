//! The console's application layer: state, actions and `update`, and the data it shows.
//! Knows no terminal: keys arrive as `Event`s, drawing reads `AppState`.

pub mod action;
pub mod close_form;
pub mod data;
pub mod followup_form;
pub mod state;
pub mod update;

pub use action::{Action, Effect, Event, InputMode, Reply, Request};
pub use state::{AppState, View};
pub use update::update;
