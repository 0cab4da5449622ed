//! Writing many rows with one statement. A bulk write (an import of 100k patients writes a
//! million rows) pays a statement's own cost, opening and closing its cursors and looking
//! the parents' keys up afresh, once for a group of rows instead of once per row.

use rusqlite::{Statement, Transaction};

use super::Result;

/// Bound parameters per statement: well under SQLite's limit (32,766), and groups of a few
/// hundred rows already pay the statement's own cost a hundredth as often.
const PARAMETERS: usize = 1024;

/// Inserts `rows` into `into` (`t (a, b, c)`, `columns` of them), as many to a statement as
/// fit. `bind` binds one row's values starting at the 1-based parameter index it is given.
///
/// `OR FAIL`: a statement that fails keeps the rows it wrote before, so SQLite keeps no
/// statement journal for it (a copy of every page it touches; with foreign keys unenforced,
/// as a bulk import has them, nothing else asks for one). Any error rolls the caller's whole
/// transaction back.
pub(crate) fn insert<T>(
    tx: &Transaction,
    into: &str,
    columns: usize,
    rows: &[T],
    bind: impl Fn(&mut Statement, usize, &T) -> rusqlite::Result<()>,
) -> Result<()> {
    insert_then(tx, into, columns, rows, "", bind)
}

/// `insert` with a clause after the values (`ON CONFLICT … DO UPDATE …`, an upsert).
pub(crate) fn insert_then<T>(
    tx: &Transaction,
    into: &str,
    columns: usize,
    rows: &[T],
    then: &str,
    bind: impl Fn(&mut Statement, usize, &T) -> rusqlite::Result<()>,
) -> Result<()> {
    let per = (PARAMETERS / columns).max(1);
    let placeholders = format!("({})", vec!["?"; columns].join(", "));
    for group in rows.chunks(per) {
        // The full group's statement is cached across calls; so is a batch's shorter last one
        // (a roster's batches share their size, so it is the same one).
        let values = vec![placeholders.as_str(); group.len()].join(", ");
        let sql = format!("INSERT OR FAIL INTO {into} VALUES {values} {then}");
        let mut stmt = tx.prepare_cached(&sql)?;
        for (i, row) in group.iter().enumerate() {
            bind(&mut stmt, i * columns + 1, row)?;
        }
        stmt.raw_execute()?;
    }
    Ok(())
}

/// The next id a row of `table` may take, for rows written with the ids their writer gave
/// them (past every id in use: the caller holds the write transaction).
pub(crate) fn next_id(tx: &Transaction, table: &str) -> Result<i64> {
    let sql = format!("SELECT COALESCE(max(id), 0) + 1 FROM {table}");
    Ok(tx.query_row(&sql, [], |r| r.get(0))?)
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    #[test]
    fn every_row_is_written_in_order_across_statements_and_a_short_last_one() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (a INTEGER, b TEXT)")
            .unwrap();
        let rows: Vec<(i64, String)> = (0..1300).map(|i| (i, format!("r{i}"))).collect();
        let tx = conn.transaction().unwrap();
        super::insert(&tx, "t (a, b)", 2, &rows, |stmt, at, (a, b)| {
            stmt.raw_bind_parameter(at, a)?;
            stmt.raw_bind_parameter(at + 1, b)
        })
        .unwrap();
        tx.commit().unwrap();
        let back: Vec<(i64, String)> = conn
            .prepare("SELECT a, b FROM t ORDER BY rowid")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(back, rows);
    }
}
