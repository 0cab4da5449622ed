//! The register of places: townships (with their villages) and police stations. A place comes
//! into it from a roster import or by an explicit `place add`; a name typed anywhere else
//! (an operator's station, a new person's jurisdiction) must already be in it, so that a typo
//! cannot create a desk that sees nobody or a person who fits no patient.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};

use super::{Result, Store, millis};
use crate::domain::patient::{Jurisdiction, Vocabulary, vocabulary};

vocabulary!(PlaceKind {
    Township => "township", "乡镇街道", ["乡镇", "街道"];
    Village => "village", "村居", ["村", "社区", "村社区"];
    Station => "station", "派出所";
});

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Place {
    pub kind: PlaceKind,
    pub name: String,
    /// A village's township; empty otherwise.
    pub parent: String,
}

pub(crate) fn exists_in(
    conn: &Connection,
    kind: PlaceKind,
    name: &str,
    parent: &str,
) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM places WHERE kind = ?1 AND name = ?2 AND parent = ?3")?
        .query_row(params![kind.code(), name, parent], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Adds a place unless it is there; true when it was added.
pub(crate) fn add_in(
    tx: &Transaction,
    kind: PlaceKind,
    name: &str,
    parent: &str,
    now: DateTime<Utc>,
    by: &str,
) -> Result<bool> {
    let n = tx
        .prepare_cached(
            "INSERT OR IGNORE INTO places (kind, name, parent, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![kind.code(), name, parent, millis(now), by])?;
    Ok(n > 0)
}

/// Registers every place a jurisdiction names (an import's rows); returns how many were new.
pub(crate) fn register_jurisdiction(
    tx: &Transaction,
    j: &Jurisdiction,
    now: DateTime<Utc>,
    by: &str,
) -> Result<usize> {
    let mut added = 0;
    if !j.township.is_empty() {
        added += usize::from(add_in(tx, PlaceKind::Township, &j.township, "", now, by)?);
        if !j.village.is_empty() {
            added += usize::from(add_in(
                tx,
                PlaceKind::Village,
                &j.village,
                &j.township,
                now,
                by,
            )?);
        }
    }
    if !j.station.is_empty() {
        added += usize::from(add_in(tx, PlaceKind::Station, &j.station, "", now, by)?);
    }
    Ok(added)
}

/// The first place of a jurisdiction that is not registered (empty parts are not checked).
pub(crate) fn first_unknown(
    conn: &Connection,
    j: &Jurisdiction,
) -> Result<Option<(PlaceKind, String)>> {
    if !j.township.is_empty() && !exists_in(conn, PlaceKind::Township, &j.township, "")? {
        return Ok(Some((PlaceKind::Township, j.township.clone())));
    }
    if !j.village.is_empty() && !exists_in(conn, PlaceKind::Village, &j.village, &j.township)? {
        return Ok(Some((PlaceKind::Village, j.village.clone())));
    }
    if !j.station.is_empty() && !exists_in(conn, PlaceKind::Station, &j.station, "")? {
        return Ok(Some((PlaceKind::Station, j.station.clone())));
    }
    Ok(None)
}

impl Store {
    /// Every registered place, by kind then name.
    pub fn places(&self, kind: Option<PlaceKind>) -> Result<Vec<Place>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT kind, name, parent FROM places WHERE ?1 IS NULL OR kind = ?1
             ORDER BY kind, parent, name",
        )?;
        let rows = stmt.query_map([kind.map(|k| k.code())], |r| {
            let code: String = r.get(0)?;
            Ok((code, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (code, name, parent) = row?;
            if let Some(kind) = PlaceKind::from_code(&code) {
                out.push(Place { kind, name, parent });
            }
        }
        Ok(out)
    }

    pub fn place_exists(&self, kind: PlaceKind, name: &str, parent: &str) -> Result<bool> {
        exists_in(self.conn(), kind, name, parent)
    }
}
