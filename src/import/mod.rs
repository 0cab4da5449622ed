//! Roster import: a file (xlsx or csv) → a table → checked rows (`rows::check`). Every problem
//! is reported by row, column, value and reason. Writing them is `desk::roster`'s, in one
//! transaction: any error writes nothing at all.

pub mod columns;
pub mod phone;
pub mod rows;
pub mod table;
pub mod values;

use std::path::Path;

pub use table::{Roster, RosterRows, Table, TableError};

/// Opens a roster file (xlsx or csv) for the import; checking and writing its rows is the
/// one-door API's (`Desk::import_roster`), which reads a CSV's rows as it writes them.
pub fn read(path: &Path) -> Result<Roster, TableError> {
    table::open(path)
}
