//! The one door for every change. Each action an operator can take (from the console, the
//! command line or an SSH session) is one method here that takes the acting operator, the
//! configuration and the clock, and does in one `BEGIN IMMEDIATE` transaction: the role
//! check, the scope check, the domain rules, the write, its audit row and the refresh of the
//! alerts it affects. Callers only dispatch and render; nothing else writes.
//!
//! Reads for an operator go through `Desk::reader`, whose station filter is part of the SQL.

mod added;
pub mod admin;
pub mod alerts;
pub mod control;
pub mod error;
pub mod followups;
pub mod incidents;
pub mod read;
pub mod records;
pub mod roster;
pub mod shifts;
pub mod team;

use chrono::{DateTime, Utc};
use rusqlite::Transaction;

pub use error::{Conflict, DeskError, Refusal, Thing};
pub use read::Reader;

use crate::config::Config;
use crate::domain::clock::Clock;
use crate::domain::patient::Patient;
use crate::store::audit::{self, AuditEvent, AuditLog, Author};
use crate::store::operators::{Operator, OperatorRole};
use crate::store::{Scope, Store, StoreError, operators, patients};

pub type Result<T> = std::result::Result<T, DeskError>;

/// Who is acting: the registered operator, and the identity the system saw behind them (the
/// OS user in local mode, `ssh:SHA256:…` for a desk's key over SSH).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub operator: Operator,
    pub os_user: String,
}

impl Session {
    pub fn new(operator: Operator, os_user: impl Into<String>) -> Session {
        Session {
            operator,
            os_user: os_user.into(),
        }
    }

    pub fn scope(&self) -> Scope {
        self.operator.scope()
    }

    pub fn author(&self) -> Author {
        Author::new(&self.operator.login, &self.os_user)
    }
}

/// What an action needs of the operator's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Need {
    /// Any enabled operator, auditors included (an audited read such as revealing a number).
    Read,
    /// A center or station operator.
    Write,
    /// A center operator (import, operators, keys, places, control levels).
    Center,
}

pub struct Desk<'a> {
    store: &'a mut Store,
    session: &'a Session,
    config: &'a Config,
    clock: &'a dyn Clock,
    /// A drill's instant for the action itself; the audit always records the clock's.
    as_of: Option<DateTime<Utc>>,
}

impl<'a> Desk<'a> {
    pub fn new(
        store: &'a mut Store,
        session: &'a Session,
        config: &'a Config,
        clock: &'a dyn Clock,
    ) -> Desk<'a> {
        Desk {
            store,
            session,
            config,
            clock,
            as_of: None,
        }
    }

    /// Acts as at `at` (a drill). Allowed only on a drill database, to a center operator;
    /// the audit rows still carry the real instant.
    pub fn drill_at(mut self, at: DateTime<Utc>) -> Result<Desk<'a>> {
        if !self.store.is_drill()? {
            return Err(DeskError::Refused(Refusal::AsOfOnLiveDatabase));
        }
        if self.session.operator.role != OperatorRole::Center {
            return Err(DeskError::NotAllowed {
                login: self.session.operator.login.clone(),
            });
        }
        self.as_of = Some(at);
        Ok(self)
    }

    pub fn session(&self) -> &Session {
        self.session
    }

    pub fn config(&self) -> &Config {
        self.config
    }

    /// The instant the action takes effect.
    pub fn now(&self) -> DateTime<Utc> {
        self.as_of.unwrap_or_else(|| self.clock.now())
    }

    /// Scoped reads for this operator.
    pub fn reader(&self) -> Reader<'_> {
        Reader::new(self.store, self.session.scope())
    }

    pub fn store(&self) -> &Store {
        self.store
    }

    /// Runs `f` as one write transaction after checking, inside it, that the operator is still
    /// registered, enabled and of a role that may do this. Rolls back on any error.
    pub(crate) fn act<T>(
        &mut self,
        need: Need,
        f: impl FnOnce(&mut Act) -> Result<T>,
    ) -> Result<T> {
        self.act_or_roll_back(need, |act| f(act).map(|v| (v, true)))
            .map(|(v, _)| v)
    }

    /// Like `act`, but `f` decides whether its work stays: `(value, false)` rolls back (a dry
    /// run, or problems found half-way).
    pub(crate) fn act_or_roll_back<T>(
        &mut self,
        need: Need,
        f: impl FnOnce(&mut Act) -> Result<(T, bool)>,
    ) -> Result<(T, bool)> {
        let now = self.now();
        let audit_at = self.clock.now();
        let session = self.session;
        let config = self.config;
        self.store.transact_or_roll_back(|tx| {
            let fresh = operators::load_in(tx, &session.operator.login)?.ok_or_else(|| {
                DeskError::UnknownOperator {
                    login: session.operator.login.clone(),
                }
            })?;
            if fresh.disabled {
                return Err(DeskError::Disabled { login: fresh.login });
            }
            let allowed = match need {
                Need::Read => true,
                Need::Write => fresh.role != OperatorRole::Auditor,
                Need::Center => fresh.role == OperatorRole::Center,
            };
            if !allowed {
                return Err(DeskError::NotAllowed { login: fresh.login });
            }
            let mut act = Act {
                tx,
                scope: fresh.scope(),
                operator: fresh,
                author: Author::new(&session.operator.login, &session.os_user),
                now,
                audit_at,
                config,
            };
            f(&mut act)
        })
    }
}

/// What a roster's row adds to the database, about (a patient with its team, history and
/// alerts: 100k patients make 94 MB).
const BULK_BYTES_PER_ROW: u64 = 1000;

/// The share of the database a bulk write's page cache holds.
const BULK_CACHE_SHARE: u64 = 16;

impl<'a> Desk<'a> {
    /// `act_or_roll_back` for a bulk import, whose transaction does not have SQLite look up
    /// the parent of every row it writes (a patient and a person for each of half a million
    /// seats): foreign keys are not enforced for it, and enforced again afterwards whatever
    /// happens. Every reference such a write makes is to a row it wrote itself or read
    /// inside the same transaction, which holds the only write lock; the writer checks that
    /// every id it handed out was written before it commits (`RosterWriter::check_written`).
    ///
    /// The page cache grows with the register the write leaves (`BULK_CACHE_SHARE` of it,
    /// between the connection's 16 MB and 64 MB) and is set back afterwards: the indexes a
    /// large import inserts into at random (ID numbers, persons) grow with the register; at a
    /// million patients a 64 MB cache imported in nine tenths of the time, with half the
    /// system time of reading pages back.
    pub(crate) fn act_bulk<T>(
        &mut self,
        adds_rows: usize,
        f: impl FnOnce(&mut Self) -> Result<T>,
    ) -> Result<T> {
        let cache = self.store.page_cache()?;
        let leaves = self.store.bytes()? + adds_rows as u64 * BULK_BYTES_PER_ROW;
        let kib = (leaves / BULK_CACHE_SHARE / 1024).clamp(16 * 1024, 64 * 1024);
        self.store.set_page_cache_kib(kib as u32)?;
        self.store.enforce_foreign_keys(false)?;
        let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(self)));
        let restored = self
            .store
            .enforce_foreign_keys(true)
            .and_then(|()| self.store.set_page_cache(cache));
        let out = out.unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
        restored?;
        Ok(out)
    }
}

/// One action's transaction, with the operator as it stands inside it.
pub struct Act<'t> {
    pub(crate) tx: &'t Transaction<'t>,
    pub(crate) operator: Operator,
    pub(crate) scope: Scope,
    author: Author,
    pub(crate) now: DateTime<Utc>,
    audit_at: DateTime<Utc>,
    pub(crate) config: &'t Config,
}

impl Act<'_> {
    /// The patient, if the operator's scope holds it; otherwise not found (an operator is not
    /// told that a patient outside their jurisdiction exists).
    pub(crate) fn patient(&self, id: i64) -> Result<Patient> {
        match patients::load(self.tx, id) {
            Ok(p) if self.scope.admits_station(&p.jurisdiction.station) => Ok(p),
            Ok(_) | Err(StoreError::NotFound(_)) => Err(DeskError::NotFound(Thing::Patient(id))),
            Err(e) => Err(e.into()),
        }
    }

    pub(crate) fn audit(&mut self, e: AuditEvent) -> Result<i64> {
        Ok(audit::append(self.tx, self.audit_at, &self.author, &e)?)
    }

    /// A bulk writer continuing the chain (an import appends thousands of rows).
    pub(crate) fn audit_log(&self) -> Result<AuditLog> {
        Ok(AuditLog::open(self.tx)?)
    }

    pub(crate) fn author(&self) -> &Author {
        &self.author
    }

    pub(crate) fn audit_at(&self) -> DateTime<Utc> {
        self.audit_at
    }

    /// Re-derives one patient's alerts after a change to it.
    pub(crate) fn refresh(&self, patient_id: i64) -> Result<()> {
        crate::store::alerts::refresh_patient_in(self.tx, patient_id, self.now, self.config)?;
        Ok(())
    }
}
