//! Listing alerts and patients, as JSON for scripts or as aligned text for a person.

use chrono::DateTime;

use super::{Context, Failure};
use crate::cli::{AlertsArgs, PatientsArgs};
use crate::domain::clock::{beijing, beijing_date};
use crate::domain::id_number::IdNumber;
use crate::domain::key_population::categories;
use crate::domain::patient::Vocabulary;
use crate::domain::schedule::{days_overdue, followup_due, visit_due};
use crate::i18n::Msg;
use crate::store::alerts::AlertRow;
use crate::store::patients::PatientQuery;

/// Pads (or cuts) `s` to `width` terminal columns, counting CJK characters as two.
pub fn fit(s: &str, width: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push_str(&" ".repeat(width - used));
    out
}

fn masked(id: &str) -> String {
    IdNumber::parse(id)
        .map(|i| i.masked())
        .unwrap_or_else(|_| "******************".into())
}

fn alert_json(ctx: &Context, a: &AlertRow, today: chrono::NaiveDate) -> serde_json::Value {
    let mut v = serde_json::json!({
        "id": if a.id == 0 { serde_json::Value::Null } else { a.id.into() },
        "kind": a.kind.code(),
        "kind_label": ctx.lang.alert_kind(a.kind),
        "severity": a.severity.code(),
        "status": a.status.code(),
        "patient_id": a.patient_id,
        "patient_name": a.patient_name,
        "id_number": masked(&a.id_number),
        "risk_level": a.risk_level,
        "condition": a.condition.code(),
        "village": a.village,
        "station": a.station,
        "raised_at": a.raised_at.with_timezone(&beijing()).to_rfc3339(),
        "raised_by": a.raised_by,
        "acknowledged_by": a.acknowledged_by,
        "in_progress_by": a.in_progress_by,
        "note": a.note,
    });
    if let Some(d) = a.days_overdue(today) {
        v["days_overdue"] = d.into();
        v["due_date"] = a.since.map(|s| s.to_string()).into();
    }
    v
}

pub fn alerts(ctx: &Context, args: &AlertsArgs) -> Result<(), Failure> {
    let mut store = ctx.open_store()?;
    let session = ctx.session(&store)?;
    let scope = session.scope();
    let can_write = session.operator.can_write();
    let f = |e| ctx.store_failure(e);
    let (at, rows) = match &args.as_of {
        Some(s) => {
            let at = DateTime::parse_from_rfc3339(s)
                .map_err(|_| Failure::Usage(ctx.lang.text(&Msg::BadAsOf(s.clone()))))?
                .to_utc();
            (at, store.alerts_as_of(at, &ctx.config, &scope).map_err(f)?)
        }
        None => {
            let now = ctx.clock.now();
            if can_write {
                store.refresh_alerts(now, &ctx.config).map_err(f)?;
                (now, store.alerts(&scope, true).map_err(f)?)
            } else {
                // An auditor reads: derive without storing.
                (
                    now,
                    store.alerts_as_of(now, &ctx.config, &scope).map_err(f)?,
                )
            }
        }
    };
    let today = beijing_date(at);
    if args.json {
        let list: Vec<_> = rows.iter().map(|a| alert_json(ctx, a, today)).collect();
        super::emit(&serde_json::to_string_pretty(&list).unwrap_or_default());
        return Ok(());
    }
    if rows.is_empty() {
        ctx.say(&Msg::NoAlerts);
        return Ok(());
    }
    ctx.say(&Msg::AlertHeader);
    for a in &rows {
        let overdue = a
            .days_overdue(today)
            .map(|d| ctx.lang.text(&Msg::DaysOverdue(d)));
        super::emit(&format!(
            "{}{}{}{}{}{}{}{}",
            fit(a.severity.code(), 4),
            fit(ctx.lang.alert_kind(a.kind), 14),
            fit(&a.patient_name, 10),
            fit(&a.risk_level.to_string(), 6),
            fit(&a.village, 14),
            fit(&a.station, 14),
            fit(ctx.lang.alert_status(a.status), 10),
            overdue.unwrap_or_default(),
        ));
    }
    Ok(())
}

pub fn patients(ctx: &Context, args: &PatientsArgs) -> Result<(), Failure> {
    let store = ctx.open_store()?;
    let session = ctx.session(&store)?;
    let f = |e| ctx.store_failure(e);
    let query = PatientQuery {
        scope: session.scope(),
        station: args.station.clone(),
        risk_min: args.risk_min,
    };
    let list = store.patients(&query).map_err(f)?;
    let control = store.control_window().map_err(f)?;
    let now = ctx.clock.now();
    let today = beijing_date(now);
    if args.json {
        let out: Vec<_> = list
            .iter()
            .map(|p| {
                let due = followup_due(
                    p,
                    now,
                    control.as_ref(),
                    &ctx.config.followup,
                    &ctx.config.control,
                );
                serde_json::json!({
                    "id": p.id,
                    "name": p.name,
                    "id_number": p.id_number.masked(),
                    "gender": p.gender.code(),
                    "diagnosis": p.diagnosis.code(),
                    "risk_level": p.risk_level.value(),
                    "risk_highest": p.risk_highest.value(),
                    "condition": p.condition.code(),
                    "status": p.status.code(),
                    "guardianship": p.guardianship.code(),
                    "township": p.jurisdiction.township,
                    "village": p.jurisdiction.village,
                    "station": p.jurisdiction.station,
                    "key_population": categories(p),
                    "last_followup": p.last_followup,
                    "followup_due": due,
                    "followup_days_overdue": days_overdue(due, today).max(0),
                    "last_visit": p.last_visit,
                    "visit_due": visit_due(p, &ctx.config.followup),
                    "flags": p.flags,
                })
            })
            .collect();
        super::emit(&serde_json::to_string_pretty(&out).unwrap_or_default());
        return Ok(());
    }
    if list.is_empty() {
        ctx.say(&Msg::NoPatients);
        return Ok(());
    }
    ctx.say(&Msg::PatientHeader);
    for p in &list {
        super::emit(&format!(
            "{}{}{}{}{}{}{}",
            fit(&p.name, 10),
            fit(&p.id_number.masked(), 20),
            fit(&p.risk_level.to_string(), 6),
            fit(ctx.lang.label(p.condition), 10),
            fit(ctx.lang.label(p.status), 6),
            fit(&p.jurisdiction.village, 14),
            p.jurisdiction.station,
        ));
    }
    Ok(())
}
