//! Control orders (管控) as stored: set, ended early, listed. The center's one-door methods
//! write them; alert derivation and the consoles' headers read them.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::{Result, Store, from_millis, millis};
use crate::domain::control::{ControlOrder, in_force_for_desk};
use crate::domain::schedule::{ControlLevel, ControlWindow};

const SELECT: &str = "SELECT id, level, starts_at, ends_at, townships, stations, reason, set_by,
    ended_at FROM control_orders";

fn order(r: &rusqlite::Row) -> rusqlite::Result<ControlOrder> {
    let level: u8 = r.get(1)?;
    let list = |i: usize| -> rusqlite::Result<Vec<String>> {
        let s: String = r.get(i)?;
        Ok(serde_json::from_str(&s).unwrap_or_default())
    };
    Ok(ControlOrder {
        id: r.get(0)?,
        level: ControlLevel::from_number(level).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                1,
                rusqlite::types::Type::Integer,
                "unknown control level".into(),
            )
        })?,
        starts_at: from_millis(r.get(2)?),
        ends_at: from_millis(r.get(3)?),
        townships: list(4)?,
        stations: list(5)?,
        reason: r.get(6)?,
        set_by: r.get(7)?,
        ended_at: r.get::<_, Option<i64>>(8)?.map(from_millis),
    })
}

/// Every control order, newest first.
pub(crate) fn orders_in(conn: &Connection) -> Result<Vec<ControlOrder>> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT} ORDER BY id DESC"))?;
    Ok(stmt
        .query_map([], order)?
        .collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn load_in(tx: &Transaction, id: i64) -> Result<Option<ControlOrder>> {
    Ok(tx
        .prepare_cached(&format!("{SELECT} WHERE id = ?1"))?
        .query_row([id], order)
        .optional()?)
}

/// Stores a new order (its `id` is ignored); returns its id.
pub(crate) fn insert_in(tx: &Transaction, o: &ControlOrder, now: DateTime<Utc>) -> Result<i64> {
    tx.prepare_cached(
        "INSERT INTO control_orders (level, starts_at, ends_at, townships, stations, reason,
            set_by, set_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        o.level.number(),
        millis(o.starts_at),
        millis(o.ends_at),
        serde_json::to_string(&o.townships).expect("serialisable"),
        serde_json::to_string(&o.stations).expect("serialisable"),
        o.reason,
        o.set_by,
        millis(now),
    ])?;
    Ok(tx.last_insert_rowid())
}

/// Ends an order at `at` if it has not been ended; true when it was.
pub(crate) fn end_in(tx: &Transaction, id: i64, login: &str, at: DateTime<Utc>) -> Result<bool> {
    Ok(tx
        .prepare_cached(
            "UPDATE control_orders SET ended_at = ?1, ended_by = ?2
             WHERE id = ?3 AND ended_at IS NULL",
        )?
        .execute(params![millis(at), login, id])?
        == 1)
}

impl Store {
    /// Every control order, newest first (every operator may read them: the level in force is
    /// shown to all).
    pub fn control_orders(&self) -> Result<Vec<ControlOrder>> {
        orders_in(self.conn())
    }

    /// The level a desk's header shows at `at` (`None`: the center).
    pub fn control_for_desk(
        &self,
        station: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<Option<ControlWindow>> {
        Ok(in_force_for_desk(&self.control_orders()?, station, at))
    }
}
