//! Roster import: a file (xlsx or csv) → a table → checked rows (`rows::check`). Every problem
//! is reported by row, column, value and reason. Writing them is `desk::roster`'s, in one
//! transaction: any error writes nothing at all.

pub mod columns;
pub mod phone;
pub mod rows;
pub mod table;
pub mod values;

use std::path::Path;

pub use table::{Table, TableError};

/// Reads a roster file (xlsx or csv) into a table; checking and writing its rows is the
/// one-door API's (`Desk::import_roster`).
pub fn read(path: &Path) -> Result<Table, TableError> {
    table::read(path)
}
