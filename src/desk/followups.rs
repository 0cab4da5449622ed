//! Recording a follow-up: checked against the patient as stored at that moment, then the
//! record, the patient it changes, the audit row and the patient's alerts, in one transaction.

use serde::Serialize;
use serde_json::json;

use super::{Desk, DeskError, Need, Refusal, Result};
use crate::domain::audit::AuditAction;
use crate::domain::clock::beijing_date;
use crate::domain::followup::{self, FollowUp};
use crate::domain::patient::Patient;
use crate::store::audit::AuditEvent;
use crate::store::{followups, patients};

#[derive(Debug, Clone, Serialize)]
pub struct FollowUpSaved {
    pub followup_id: i64,
    pub patient: Patient,
}

impl Desk<'_> {
    /// Records a follow-up. A day that already has one is refused: only one follow-up per
    /// patient per day counts, and a second one is a correction (`correct_followup`), which
    /// the operator must ask for (*r2*).
    pub fn record_followup(&mut self, patient_id: i64, f: &FollowUp) -> Result<FollowUpSaved> {
        self.save_followup(patient_id, f, false)
    }

    /// Replaces the patient's follow-up of the same day with `f`: the patient is taken back to
    /// how they were before that day's follow-up and `f` applied instead; the audit row holds
    /// the replaced record and the new one. A day with none is recorded as usual.
    pub fn correct_followup(&mut self, patient_id: i64, f: &FollowUp) -> Result<FollowUpSaved> {
        self.save_followup(patient_id, f, true)
    }

    fn save_followup(
        &mut self,
        patient_id: i64,
        f: &FollowUp,
        correct: bool,
    ) -> Result<FollowUpSaved> {
        self.act(Need::Write, |act| {
            let current = act.patient(patient_id)?;
            let earlier = followups::on_day_in(act.tx, patient_id, f.date)?;
            if earlier.is_some() && !correct {
                return Err(DeskError::Refused(Refusal::SameDayFollowUp {
                    date: f.date,
                }));
            }
            // The patient before the day's follow-up: its audit row's `before` laid over now.
            let before = match &earlier {
                Some((id, _)) => match followups::patient_before_in(act.tx, patient_id, *id)? {
                    Some(b) => restore(&current, &b),
                    None => current.clone(),
                },
                None => current.clone(),
            };
            followup::validate(&before, f, beijing_date(act.now))
                .map_err(|r| DeskError::Refused(Refusal::FollowUp(r)))?;
            let after = followup::apply(&before, f, &act.config.followup);
            patients::save(act.tx, &after, act.now, f.date)?;
            let login = act.operator.login.clone();
            let (followup_id, action) = match &earlier {
                Some((id, _)) => {
                    followups::replace_in(act.tx, *id, f, &login, act.now)?;
                    (*id, AuditAction::FollowUpCorrected)
                }
                None => (
                    followups::insert_in(act.tx, patient_id, f, &login, act.now)?,
                    AuditAction::FollowUpRecorded,
                ),
            };
            // `before` is always the patient before the day's first follow-up, so a second
            // correction restores the same starting point.
            let (mut b, mut a) = changed_fields(&before, &after);
            if let Some(m) = a.as_object_mut() {
                m.insert("followup_id".into(), json!(followup_id));
                m.insert("record".into(), serde_json::to_value(f).unwrap_or_default());
            }
            if let (Some((_, old)), Some(m)) = (&earlier, b.as_object_mut()) {
                m.insert(
                    "record".into(),
                    serde_json::to_value(old).unwrap_or_default(),
                );
            }
            act.audit(
                AuditEvent::new(action, "patient", patient_id)
                    .patient(patient_id, &after.jurisdiction.station)
                    .before(b)
                    .after(a),
            )?;
            act.refresh(patient_id)?;
            Ok(FollowUpSaved {
                followup_id,
                patient: after,
            })
        })
    }
}

/// `current` with the fields of an audit row's `before` laid over it (one level into nested
/// objects, as `diff` writes them); keys that are not the patient's are ignored.
fn restore(current: &Patient, before: &serde_json::Value) -> Patient {
    use serde_json::Value;
    let mut p = serde_json::to_value(current).unwrap_or_default();
    if let (Some(pm), Some(bm)) = (p.as_object_mut(), before.as_object()) {
        for (k, v) in bm {
            match (pm.get_mut(k), v) {
                (Some(Value::Object(inner)), Value::Object(bv)) => {
                    for (k2, v2) in bv {
                        inner.insert(k2.clone(), v2.clone());
                    }
                }
                (Some(slot), _) => *slot = v.clone(),
                (None, _) => {}
            }
        }
    }
    serde_json::from_value(p).unwrap_or_else(|_| current.clone())
}

/// The fields of a patient that differ, as two JSON objects (before, after): an audit row
/// holds what changed, not the whole record.
pub(crate) fn changed_fields(
    before: &Patient,
    after: &Patient,
) -> (serde_json::Value, serde_json::Value) {
    let b = serde_json::to_value(before).unwrap_or_default();
    let a = serde_json::to_value(after).unwrap_or_default();
    diff(&b, &a)
}

/// Field-level difference of two JSON objects, one level deep into nested objects.
pub(crate) fn diff(
    b: &serde_json::Value,
    a: &serde_json::Value,
) -> (serde_json::Value, serde_json::Value) {
    use serde_json::{Map, Value};
    match (b, a) {
        (Value::Object(bm), Value::Object(am)) => {
            let mut before = Map::new();
            let mut after = Map::new();
            for (k, av) in am {
                let bv = bm.get(k).unwrap_or(&Value::Null);
                if bv != av {
                    match (bv, av) {
                        (Value::Object(_), Value::Object(_)) => {
                            let (x, y) = diff(bv, av);
                            before.insert(k.clone(), x);
                            after.insert(k.clone(), y);
                        }
                        _ => {
                            before.insert(k.clone(), bv.clone());
                            after.insert(k.clone(), av.clone());
                        }
                    }
                }
            }
            (Value::Object(before), Value::Object(after))
        }
        _ if b == a => (Value::Null, Value::Null),
        _ => (b.clone(), a.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_audit_row_holds_only_the_fields_that_changed() {
        let b =
            json!({"name": "甲", "risk_level": 1, "flags": {"floating": false, "vagrant": false}});
        let a =
            json!({"name": "甲", "risk_level": 3, "flags": {"floating": true, "vagrant": false}});
        let (x, y) = diff(&b, &a);
        assert_eq!(x, json!({"risk_level": 1, "flags": {"floating": false}}));
        assert_eq!(y, json!({"risk_level": 3, "flags": {"floating": true}}));
    }
}
