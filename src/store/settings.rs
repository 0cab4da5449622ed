//! Settings that belong to the whole center rather than a file: the active control level.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction, params};

use super::{Result, Store, audit};
use crate::domain::schedule::ControlWindow;

const CONTROL_KEY: &str = "control_window";

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

    /// Switches a control level on for a window, or off with `None`; audited.
    pub fn set_control_window(
        &mut self,
        window: Option<ControlWindow>,
        operator: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.write(|tx: &Transaction| {
            let before = control_window_in(tx)?.and_then(|w| serde_json::to_value(w).ok());
            match &window {
                Some(w) => {
                    let text = serde_json::to_string(w).expect("serialisable");
                    tx.execute(
                        "INSERT INTO settings (key, value) VALUES (?1, ?2)
                         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        params![CONTROL_KEY, text],
                    )?;
                }
                None => {
                    tx.execute("DELETE FROM settings WHERE key=?1", [CONTROL_KEY])?;
                }
            }
            let after = window.and_then(|w| serde_json::to_value(w).ok());
            audit::record(
                tx,
                now,
                operator,
                "control.set",
                "settings",
                Some(CONTROL_KEY),
                before.as_ref(),
                after.as_ref(),
            )
        })
    }
}
