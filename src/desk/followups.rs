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
    pub fn record_followup(&mut self, patient_id: i64, f: &FollowUp) -> Result<FollowUpSaved> {
        self.act(Need::Write, |act| {
            let before = act.patient(patient_id)?;
            followup::validate(&before, f, beijing_date(act.now))
                .map_err(|r| DeskError::Refused(Refusal::FollowUp(r)))?;
            let after = followup::apply(&before, f, &act.config.followup);
            patients::save(act.tx, &after, act.now, f.date)?;
            let login = act.operator.login.clone();
            let followup_id = followups::insert_in(act.tx, patient_id, f, &login, act.now)?;
            let (b, mut a) = changed_fields(&before, &after);
            if let Some(m) = a.as_object_mut() {
                m.insert("followup_id".into(), json!(followup_id));
                m.insert("record".into(), serde_json::to_value(f).unwrap_or_default());
            }
            act.audit(
                AuditEvent::new(AuditAction::FollowUpRecorded, "patient", patient_id)
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
