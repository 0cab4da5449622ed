//! Roster import: a file (xlsx or csv) → checked rows → one transaction. Every problem is
//! reported by row, column, value and reason; any error writes nothing at all.

pub mod columns;
pub mod phone;
pub mod rows;
pub mod table;
pub mod values;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use std::path::Path;

use crate::config::Config;
use crate::store::alerts::{self, ReconcileSummary};
use crate::store::roster::{self, RosterCounts};
use crate::store::{Store, StoreError};
use rows::{Level, Problem};
use table::{Table, TableError};

#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub rows: usize,
    #[serde(flatten)]
    pub counts: RosterCounts,
    pub errors: usize,
    pub warnings: usize,
    /// Problems counted but not listed (only the first `MAX_LISTED_PROBLEMS` are).
    pub problems_omitted: usize,
    pub dry_run: bool,
    pub committed: bool,
    pub alerts: Option<ReconcileSummary>,
    #[serde(skip)]
    pub problems: Vec<Problem>,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Table(#[from] TableError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Whatever happens, the store is either fully updated from the file or untouched.
pub struct Import<'a> {
    pub store: &'a mut Store,
    pub config: &'a Config,
    pub operator: &'a str,
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
    pub dry_run: bool,
}

impl Import<'_> {
    pub fn file(&mut self, path: &Path) -> Result<ImportReport, ImportError> {
        let table = table::read(path)?;
        Ok(self.table(&table)?)
    }

    pub fn table(&mut self, table: &Table) -> Result<ImportReport, StoreError> {
        let started = std::time::Instant::now();
        let (rows, mut problems) = rows::check(table, self.today);
        let checked = started.elapsed();
        let mut report = ImportReport {
            rows: table.rows.len(),
            counts: RosterCounts::default(),
            errors: 0,
            warnings: 0,
            problems_omitted: 0,
            dry_run: self.dry_run,
            committed: false,
            alerts: None,
            problems: Vec::new(),
        };
        let has_errors = |p: &[Problem]| p.iter().any(|p| p.level == Level::Error);
        if !problems.has_errors() {
            // Writing can still find problems (a team member who belongs elsewhere); the
            // transaction is rolled back then, and on a dry run.
            let (today, now, operator, dry_run) =
                (self.today, self.now, self.operator, self.dry_run);
            let config = self.config;
            let ((counts, more, alerts), committed) = self.store.write_or_roll_back(|tx| {
                let applied = roster::apply(tx, &rows, today, now, operator)?;
                let keep = !dry_run && !has_errors(&applied.problems);
                // The alerts of the patients the file changed move with them, in the same
                // commit; everyone else's are as they were.
                let alerts = if keep {
                    Some(alerts::refresh_patients_in(
                        tx,
                        &applied.touched,
                        now,
                        config,
                    )?)
                } else {
                    None
                };
                Ok(((applied.counts, applied.problems, alerts), keep))
            })?;
            report.counts = counts;
            report.committed = committed;
            report.alerts = alerts;
            for p in more {
                problems.push(p);
            }
        }
        problems
            .listed
            .sort_by_key(|p| (p.row, p.level == Level::Warning));
        report.errors = problems.errors;
        report.warnings = problems.warnings;
        report.problems_omitted = problems.omitted();
        report.problems = problems.listed;
        tracing::info!(
            rows = report.rows,
            errors = report.errors,
            committed = report.committed,
            check_ms = checked.as_millis() as u64,
            write_ms = (started.elapsed() - checked).as_millis() as u64,
            "roster import"
        );
        Ok(report)
    }
}
