//! Reads for one operator: every query carries the operator's scope, and the station filter is
//! in the SQL (patients by station, alerts and teams through their patient, incidents by the
//! station that sees them, audit rows by their own station or their patient's).

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::domain::followup::FollowUp;
use crate::domain::patient::Patient;
use crate::domain::team::Person;
use crate::store::alerts::AlertRow;
use crate::store::audit::{AuditEntry, AuditQuery};
use crate::store::incidents::IncidentRow;
use crate::store::operators::Operator;
use crate::store::patients::PatientQuery;
use crate::store::persons::{Seat, TeamMember};
use crate::store::shifts::ShiftRow;
use crate::store::{Result, Scope, Store};

pub struct Reader<'a> {
    store: &'a Store,
    scope: Scope,
}

impl<'a> Reader<'a> {
    pub fn new(store: &'a Store, scope: Scope) -> Reader<'a> {
        Reader { store, scope }
    }

    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    pub fn patient(&self, id: i64) -> Result<Option<Patient>> {
        self.store.patient(id, &self.scope)
    }

    pub fn patient_by_id_number(&self, id_number: &str) -> Result<Option<Patient>> {
        self.store.patient_by_id_number(id_number, &self.scope)
    }

    /// Patients in scope, optionally one station's within it and from a minimum risk.
    pub fn patients(&self, station: Option<String>, risk_min: Option<u8>) -> Result<Vec<Patient>> {
        self.store.patients(&PatientQuery {
            scope: self.scope.clone(),
            station,
            risk_min,
        })
    }

    pub fn patient_count(&self) -> Result<i64> {
        self.store.patient_count(&self.scope)
    }

    pub fn alerts(&self, open_only: bool) -> Result<Vec<AlertRow>> {
        self.store.alerts(&self.scope, open_only)
    }

    pub fn alerts_as_of(&self, at: DateTime<Utc>, config: &Config) -> Result<Vec<AlertRow>> {
        self.store.alerts_as_of(at, config, &self.scope)
    }

    pub fn alert(&self, id: i64) -> Result<Option<AlertRow>> {
        self.store.alert(id, &self.scope)
    }

    pub fn patient_alerts(&self, patient_id: i64) -> Result<Vec<AlertRow>> {
        self.store.patient_alerts(patient_id, &self.scope)
    }

    pub fn team(&self, patient_id: i64) -> Result<Vec<TeamMember>> {
        self.store.team(patient_id, &self.scope)
    }

    pub fn followups(&self, patient_id: i64) -> Result<Vec<FollowUp>> {
        self.store.followups(patient_id, &self.scope)
    }

    pub fn incidents(&self) -> Result<Vec<IncidentRow>> {
        self.store.incidents(&self.scope)
    }

    pub fn incident(&self, id: i64) -> Result<Option<IncidentRow>> {
        self.store.incident(id, &self.scope)
    }

    pub fn incidents_opened_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<IncidentRow>> {
        self.store.incidents_opened_between(from, to, &self.scope)
    }

    pub fn persons(&self) -> Result<Vec<Person>> {
        self.store.persons(&self.scope)
    }

    pub fn seats(&self) -> Result<Vec<Seat>> {
        self.store.seats(&self.scope)
    }

    /// Audit rows in scope matching `q` (its own scope is replaced by the reader's).
    pub fn audit(&self, q: AuditQuery) -> Result<Vec<AuditEntry>> {
        self.store.audit(&AuditQuery {
            scope: self.scope.clone(),
            ..q
        })
    }

    pub fn shifts(&self, limit: usize) -> Result<Vec<ShiftRow>> {
        self.store.shifts(&self.scope, limit)
    }

    pub fn operators(&self) -> Result<Vec<Operator>> {
        self.store.operators(&self.scope)
    }

    pub fn keys(&self) -> Result<Vec<(String, String)>> {
        self.store.keys(&self.scope)
    }
}
