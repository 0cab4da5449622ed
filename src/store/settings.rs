//! Settings that belong to the whole center rather than a file: the active control level.

use rusqlite::{OptionalExtension, Transaction};

use super::{Result, Store};
use crate::domain::schedule::ControlWindow;

const CONTROL_KEY: &str = "control_window";
/// Set on a drill copy of the database (`dutydesk drill`): only there may writes take `--as-of`.
pub(crate) const DRILL_KEY: &str = "drill";

pub(crate) fn flag_in(conn: &rusqlite::Connection, key: &str) -> Result<bool> {
    let v: Option<String> = conn
        .query_row("SELECT value FROM settings WHERE key=?1", [key], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(v.as_deref() == Some("1"))
}

pub(crate) fn set_flag_in(tx: &Transaction, key: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO settings (key, value) VALUES (?1, '1')
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key],
    )?;
    Ok(())
}

pub(crate) fn control_window_in(conn: &rusqlite::Connection) -> Result<Option<ControlWindow>> {
    let v: Option<String> = conn
        .query_row(
            "SELECT value FROM settings WHERE key=?1",
            [CONTROL_KEY],
            |r| r.get(0),
        )
        .optional()?;
    Ok(v.and_then(|s| serde_json::from_str(&s).ok()))
}

impl Store {
    /// The control window last set, active or not.
    pub fn control_window(&self) -> Result<Option<ControlWindow>> {
        control_window_in(self.conn())
    }
}
