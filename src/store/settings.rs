//! Settings that belong to the whole center rather than a file: the drill mark. (Control
//! levels are orders of their own, in `control`.)

use rusqlite::{OptionalExtension, Transaction};

use super::Result;
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
