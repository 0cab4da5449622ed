//! Reading an audit row as words: the row's JSON is turned into a `Said` (who did what to
//! whom, with names), which each language's catalogue writes as a sentence; and its before and
//! after are turned into field-by-field changes with labels and values in words. Rows written
//! by earlier versions (ids instead of names) read as well as they can, never as raw codes.

use serde_json::Value;

use crate::domain::alert::{AlertKind, AlertStatus};
use crate::domain::audit::AuditAction;
use crate::store::audit::AuditEntry;

/// What a row says, with everything a sentence needs as words or typed values.
#[derive(Debug, Clone, PartialEq)]
pub struct Said {
    pub who: String,
    pub action: Option<AuditAction>,
    pub patient: Option<String>,
    pub kind: Option<AlertKind>,
    pub status: Option<AlertStatus>,
    pub person: Option<String>,
    pub replaced: Option<String>,
    /// A vocabulary code (role, person kind, place kind, outcome, report) for the catalogue.
    pub role: Option<String>,
    pub text: Option<String>,
    pub number: Option<i64>,
    pub step: Option<i64>,
    pub date: Option<String>,
    pub counts: [i64; 3],
    pub flag: bool,
}

fn s(v: Option<&Value>, key: &str) -> Option<String> {
    v.and_then(|v| v.get(key))
        .and_then(|x| match x {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
        .filter(|s| !s.is_empty())
}

fn i(v: Option<&Value>, key: &str) -> Option<i64> {
    v.and_then(|v| v.get(key)).and_then(Value::as_i64)
}

fn typed<T: serde::de::DeserializeOwned>(v: Option<&Value>, key: &str) -> Option<T> {
    v.and_then(|v| v.get(key))
        .and_then(|x| serde_json::from_value(x.clone()).ok())
}

pub fn said(e: &AuditEntry) -> Said {
    let b = e.before.as_ref();
    let a = e.after.as_ref();
    let entity_number = e.entity_id.as_deref().and_then(|x| x.parse::<i64>().ok());
    let mut out = Said {
        who: e.who().to_string(),
        action: e.action,
        patient: e.patient_name.clone(),
        kind: typed(a, "kind").or_else(|| typed(b, "kind")),
        status: typed(a, "status"),
        person: s(a, "person").or_else(|| s(b, "person")),
        replaced: None,
        role: s(a, "role").or_else(|| s(b, "role")),
        text: None,
        number: None,
        step: None,
        date: None,
        counts: [0; 3],
        flag: false,
    };
    match e.action {
        Some(AuditAction::AlertResolved) => {
            out.text = s(a, "note");
            out.person = s(a, "reported_to");
            out.date = s(a, "reported_at");
        }
        Some(AuditAction::AlertSnoozed) => {
            out.date = s(a, "snoozed_until");
            out.text = s(a, "reason");
        }
        Some(AuditAction::AlertReported) => {
            out.text = s(a, "note");
            out.role = s(a, "severity");
        }
        Some(AuditAction::AlertsReconciled) => {
            out.counts = [
                i(a, "opened").unwrap_or(0),
                i(a, "closed").unwrap_or(0),
                i(a, "updated").unwrap_or(0),
            ];
        }
        Some(AuditAction::TeamAssigned) => {
            out.replaced = b.and_then(|_| s(b, "person"));
            out.person = s(a, "person");
        }
        Some(AuditAction::PersonCreated) => {
            out.person = s(a, "name");
            out.role = s(a, "kind");
        }
        Some(AuditAction::ControlSet) | Some(AuditAction::ControlEnded) => {
            let order = a.or(b);
            out.number = i(order, "level");
            out.date = match (s(order, "from"), s(order, "to")) {
                (Some(f), Some(t)) => Some(format!("{f}～{t}")),
                _ => None,
            };
            out.text = s(order, "reason");
            let names: Vec<String> = ["townships", "stations"]
                .iter()
                .filter_map(|k| order.and_then(|v| v.get(*k)).and_then(Value::as_array))
                .flatten()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect();
            out.person = (!names.is_empty()).then(|| names.join("、"));
        }
        Some(AuditAction::PlaceAdded) => {
            out.person = s(a, "name");
            out.role = s(a, "kind");
        }
        Some(AuditAction::FollowUpRecorded | AuditAction::FollowUpCorrected) => {
            let rec = a.and_then(|a| a.get("record"));
            out.date = s(rec, "date");
            out.role = s(rec, "form");
        }
        Some(AuditAction::PatientImported) => {
            out.text = s(a, "file");
            out.number = i(a, "line");
        }
        Some(AuditAction::RosterImported) => {
            out.text = s(a, "file");
            out.number = i(a, "rows");
            out.counts = [
                i(a, "added").unwrap_or(0),
                i(a, "updated").unwrap_or(0),
                i(a, "unchanged").unwrap_or(0),
            ];
        }
        Some(AuditAction::PatientReimported) => {
            out.number = a.and_then(Value::as_object).map(|m| {
                m.keys()
                    .filter(|k| *k != "persons_created" && *k != "source")
                    .count() as i64
            });
            let source = a.and_then(|a| a.get("source"));
            out.text = s(source, "file");
            out.step = i(source, "line");
        }
        Some(AuditAction::IncidentOpened) => {
            out.number = entity_number;
            out.text = s(a, "location");
        }
        Some(AuditAction::IncidentStepDone) => {
            out.number = entity_number;
            out.step = i(a, "step");
            out.person = s(a, "actor");
            out.text = s(a, "label");
        }
        Some(AuditAction::IncidentStepSkipped) => {
            out.number = entity_number;
            out.step = i(a, "step");
            out.role = s(a, "label");
            out.text = s(a, "reason");
        }
        Some(AuditAction::IncidentStepCorrected) => {
            out.number = entity_number;
            out.step = i(a, "step");
            out.person = s(a, "actor");
        }
        Some(AuditAction::IncidentTeamRevealed) => out.number = entity_number,
        Some(AuditAction::IncidentNoted) => {
            out.number = entity_number;
            out.text = s(a, "note");
        }
        Some(AuditAction::IncidentClosed) => {
            out.number = entity_number;
            out.role = s(a, "outcome");
        }
        Some(
            AuditAction::OperatorAdded
            | AuditAction::OperatorDisabled
            | AuditAction::OperatorEnabled,
        ) => {
            out.person = s(a, "name")
                .or_else(|| s(b, "display_name"))
                .or_else(|| e.entity_id.clone());
            out.role = s(a, "role");
        }
        Some(AuditAction::KeyAdded | AuditAction::KeyRemoved) => {
            out.person = s(a, "operator").or_else(|| e.entity_id.clone());
            out.text = s(a, "fingerprint").or_else(|| s(b, "fingerprint"));
        }
        Some(AuditAction::DatabaseRestored) => out.text = s(a, "from"),
        Some(AuditAction::ReportExported) => {
            out.role = s(a, "report");
            out.number = i(a, "rows");
            out.flag = a
                .and_then(|a| a.get("unmasked"))
                .and_then(Value::as_bool)
                .unwrap_or(false);
        }
        _ => {}
    }
    out
}

/// One field that changed, as codes and JSON values for the catalogue to put in words.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub field: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// The fields a row changed (flattening one level of nesting: `flags.floating`), leaving out
/// what the sentence already says and the machinery (ids, hashes).
pub fn changes(e: &AuditEntry) -> Vec<Change> {
    fn flatten(prefix: &str, v: Option<&Value>, out: &mut Vec<(String, Value)>) {
        if let Some(Value::Object(m)) = v {
            for (k, x) in m {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                match x {
                    Value::Object(_) if prefix.is_empty() && k != "record" => {
                        flatten(&key, Some(x), out)
                    }
                    _ => out.push((key, x.clone())),
                }
            }
        }
    }
    // A row that creates something has no "before": its sentence already says what it is.
    if e.before.is_none() {
        return Vec::new();
    }
    // A correction says what was corrected: the answers of the replaced record against the new.
    if e.action == Some(AuditAction::FollowUpCorrected) {
        return record_changes(e);
    }
    let mut b = Vec::new();
    let mut a = Vec::new();
    flatten("", e.before.as_ref(), &mut b);
    flatten("", e.after.as_ref(), &mut a);
    let hidden = |k: &str| {
        k == "id"
            || k.ends_with("_id")
            || k.ends_with(".id")
            || k == "record"
            || k == "patient"
            || k == "persons_created"
            || k == "source"
            || k.starts_with("source.")
    };
    let mut keys: Vec<String> = b.iter().chain(a.iter()).map(|(k, _)| k.clone()).collect();
    keys.dedup();
    let mut seen = std::collections::HashSet::new();
    keys.retain(|k| seen.insert(k.clone()) && !hidden(k));
    let find = |list: &[(String, Value)], k: &str| {
        list.iter()
            .find(|(x, _)| x == k)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_null())
    };
    keys.into_iter()
        .map(|k| Change {
            before: find(&b, &k),
            after: find(&a, &k),
            field: k,
        })
        .filter(|c| c.before != c.after)
        .collect()
}

/// The answers that differ between the replaced follow-up record (`before.record`) and the new
/// one (`after.record`), nested answers by their own name (`record.outcome.risk_level`).
fn record_changes(e: &AuditEntry) -> Vec<Change> {
    fn flatten(prefix: &str, v: &Value, out: &mut Vec<(String, Value)>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    flatten(&format!("{prefix}.{k}"), x, out);
                }
            }
            other => out.push((prefix.to_string(), other.clone())),
        }
    }
    let mut b = Vec::new();
    let mut a = Vec::new();
    if let Some(r) = e.before.as_ref().and_then(|v| v.get("record")) {
        flatten("record", r, &mut b);
    }
    if let Some(r) = e.after.as_ref().and_then(|v| v.get("record")) {
        flatten("record", r, &mut a);
    }
    let find = |list: &[(String, Value)], k: &str| {
        list.iter()
            .find(|(x, _)| x == k)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_null() && v.as_array().is_none_or(|l| !l.is_empty()))
    };
    let mut keys: Vec<String> = a.iter().chain(b.iter()).map(|(k, _)| k.clone()).collect();
    let mut seen = std::collections::HashSet::new();
    keys.retain(|k| seen.insert(k.clone()) && !k.ends_with(".outcome.outcome"));
    keys.into_iter()
        .map(|k| Change {
            before: find(&b, &k),
            after: find(&a, &k),
            field: k,
        })
        .filter(|c| c.before != c.after)
        .collect()
}
