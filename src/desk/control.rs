//! Control orders (管控) through the one door: a center operator sets a level for a window
//! over the whole area or some townships and stations, with a reason, or ends one early. Both
//! are audited in words and re-derive every alert in the same transaction (the cap changes
//! who is overdue).

use chrono::NaiveDate;
use serde_json::json;

use super::error::Field;
use super::{Desk, DeskError, Need, Refusal, Result, Thing};
use crate::domain::audit::AuditAction;
use crate::domain::clock::beijing_date;
use crate::domain::control::{ControlOrder, window_of_days};
use crate::domain::schedule::ControlLevel;
use crate::store::audit::AuditEvent;
use crate::store::control as stored;
use crate::store::places::{self, PlaceKind};

/// What a center asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewControl {
    pub level: ControlLevel,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Empty townships and stations: the whole area.
    pub townships: Vec<String>,
    pub stations: Vec<String>,
    pub reason: String,
}

fn describe(o: &ControlOrder) -> serde_json::Value {
    let last = beijing_date(o.ends_at - chrono::Duration::milliseconds(1));
    json!({
        "level": o.level.number(), "from": beijing_date(o.starts_at), "to": last,
        "townships": o.townships, "stations": o.stations, "reason": o.reason,
    })
}

impl Desk<'_> {
    /// Sets a control order; returns its id.
    pub fn set_control(&mut self, new: &NewControl) -> Result<i64> {
        let reason = new.reason.trim().to_string();
        if reason.is_empty() {
            return Err(DeskError::Refused(Refusal::Missing(Field::Reason)));
        }
        let (starts_at, ends_at) = window_of_days(new.from, new.to)
            .map_err(|r| DeskError::Refused(Refusal::Control(r)))?;
        let tidy = |v: &[String]| -> Vec<String> {
            let mut out: Vec<String> = v
                .iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            out.dedup();
            out
        };
        let townships = tidy(&new.townships);
        let stations = tidy(&new.stations);
        self.act(Need::Center, |act| {
            for (kind, names) in [
                (PlaceKind::Township, &townships),
                (PlaceKind::Station, &stations),
            ] {
                for name in names {
                    if !places::exists_in(act.tx, kind, name, "")? {
                        return Err(DeskError::Refused(Refusal::UnknownPlace {
                            kind,
                            name: name.clone(),
                        }));
                    }
                }
            }
            let order = ControlOrder {
                id: 0,
                level: new.level,
                starts_at,
                ends_at,
                townships: townships.clone(),
                stations: stations.clone(),
                reason: reason.clone(),
                set_by: act.operator.login.clone(),
                ended_at: None,
            };
            let id = stored::insert_in(act.tx, &order, act.now)?;
            act.audit(
                AuditEvent::new(AuditAction::ControlSet, "control", id).after(describe(&order)),
            )?;
            crate::store::alerts::refresh_in(act.tx, act.now, act.config)?;
            Ok(id)
        })
    }

    /// Ends a control order now.
    pub fn end_control(&mut self, id: i64) -> Result<()> {
        self.act(Need::Center, |act| {
            let order =
                stored::load_in(act.tx, id)?.ok_or(DeskError::NotFound(Thing::ControlOrder(id)))?;
            let login = act.operator.login.clone();
            if !stored::end_in(act.tx, id, &login, act.now)? {
                return Err(DeskError::Refused(Refusal::ControlEnded));
            }
            act.audit(
                AuditEvent::new(AuditAction::ControlEnded, "control", id).before(describe(&order)),
            )?;
            crate::store::alerts::refresh_in(act.tx, act.now, act.config)?;
            Ok(())
        })
    }
}
