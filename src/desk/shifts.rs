//! Shifts: taking over (接班) and handing over (交班) with the summary the next operator reads.
//! The summary is computed inside the transaction that ends the shift, so it is the state the
//! operator handed over, and it carries the audit log's head hash.

use serde_json::json;

use super::{Conflict, Desk, DeskError, Need, Result};
use crate::domain::audit::AuditAction;
use crate::store::audit::AuditEvent;
use crate::store::shifts::{self, Handover, ShiftRow};

impl Desk<'_> {
    /// Starts the operator's shift; returns the last handover left for this desk, if any.
    pub fn take_over(&mut self) -> Result<Option<ShiftRow>> {
        let last = self.store().last_handover(&self.session().operator)?;
        self.act(Need::Write, |act| {
            if shifts::current_in(act.tx, &act.operator.login)?.is_some() {
                return Err(DeskError::Conflict(Conflict::AlreadyOnShift));
            }
            let login = act.operator.login.clone();
            let id = shifts::start_in(act.tx, &login, act.now)?;
            let station = act.operator.station.clone();
            act.audit(
                AuditEvent::new(AuditAction::ShiftTakenOver, "shift", id)
                    .station(station.as_deref())
                    .after(json!({"last_handover": last.as_ref().map(|s| s.id)})),
            )?;
            Ok(())
        })?;
        Ok(last)
    }

    /// Ends the operator's shift with its summary and the note they leave.
    pub fn hand_over(&mut self, note: &str) -> Result<Handover> {
        self.act(Need::Write, |act| {
            let shift = shifts::current_in(act.tx, &act.operator.login)?
                .ok_or(DeskError::Conflict(Conflict::NotOnShift))?;
            let mut handover = shifts::summary_in(act.tx, &act.operator, &shift, note, act.now)?;
            let station = act.operator.station.clone();
            let id = act.audit(
                AuditEvent::new(AuditAction::ShiftHandedOver, "shift", shift.id)
                    .station(station.as_deref())
                    .after(json!({
                        "open_alerts": handover.open_alerts,
                        "open_incidents": handover.open_incidents.len(),
                        "note": handover.note,
                    })),
            )?;
            // The head is the hand-over's own audit row: the paper copy pins everything up to
            // and including it.
            let (_, hash) = crate::store::audit::head_in_tx(act.tx)?;
            handover.audit_head = Some((id, hash));
            if !shifts::end_in(act.tx, shift.id, &handover, act.now)? {
                return Err(DeskError::Conflict(Conflict::NotOnShift));
            }
            Ok(handover)
        })
    }
}
