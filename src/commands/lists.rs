//! Listing alerts and patients, as JSON for scripts or as aligned text for a person.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::json_list::{JsonList, ListFormat, StreamError, closed_pipe_ends_quietly};
use super::{Context, Failure};
use crate::cli::{AlertsArgs, PatientsArgs};
use crate::config::Config;
use crate::domain::clock::{beijing, beijing_date};
use crate::domain::control::in_force_for;
use crate::domain::id_number::IdNumber;
use crate::domain::key_population::{KeyCategory, categories};
use crate::domain::patient::{Patient, PatientFlags, Vocabulary};
use crate::domain::schedule::ControlWindow;
use crate::domain::schedule::{days_overdue, followup_due, visit_due};
use crate::i18n::{Msg, T};
use crate::store::alerts::{AlertRow, sort_alerts};

use crate::store::patients::PatientQuery;

/// Pads (or cuts, ending in `…`) `s` to `width` terminal columns, counting CJK characters
/// as two, so columns line up whatever the script.
pub fn fit(s: &str, width: usize) -> String {
    crate::ui::text::fit(s, width)
}

/// One table line: each cell fitted to its width, one space between columns, the last cell
/// as it is.
fn table_line(cells: &[(&str, usize)], last: &str) -> String {
    let mut out = String::new();
    for (text, w) in cells {
        out.push_str(&fit(text, *w));
        out.push(' ');
    }
    out.push_str(last);
    out.trim_end().to_string()
}

fn masked(id: &str) -> String {
    IdNumber::parse(id)
        .map(|i| i.masked())
        .unwrap_or_else(|_| "******************".into())
}

/// One alert as `alerts --json` writes it.
#[derive(Serialize)]
struct AlertJson<'a> {
    id: Option<i64>,
    kind: &'static str,
    kind_label: &'a str,
    severity: &'static str,
    status: &'static str,
    patient_id: i64,
    patient_name: &'a str,
    id_number: String,
    risk_level: u8,
    condition: &'static str,
    village: &'a str,
    station: &'a str,
    raised_at: String,
    raised_by: &'a str,
    acknowledged_by: Option<&'a str>,
    in_progress_by: Option<&'a str>,
    note: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    days_overdue: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    due_date: Option<chrono::NaiveDate>,
}

impl<'a> AlertJson<'a> {
    fn new(ctx: &'a Context, a: &'a AlertRow, today: chrono::NaiveDate) -> Self {
        let days_overdue = a.days_overdue(today);
        AlertJson {
            id: (a.id != 0).then_some(a.id),
            kind: a.kind.code(),
            kind_label: ctx.lang.alert_kind(a.kind),
            severity: a.severity.code(),
            status: a.status.code(),
            patient_id: a.patient_id,
            patient_name: &a.patient_name,
            id_number: masked(&a.id_number),
            risk_level: a.risk_level,
            condition: a.condition.code(),
            village: &a.village,
            station: &a.station,
            raised_at: a.raised_at.with_timezone(&beijing()).to_rfc3339(),
            raised_by: &a.raised_by,
            acknowledged_by: a.acknowledged_by.as_deref(),
            in_progress_by: a.in_progress_by.as_deref(),
            note: &a.note,
            days_overdue,
            due_date: days_overdue.and(a.since),
        }
    }
}

/// Where `alerts` reads from: stored alerts, or alerts derived at an instant without writing.
enum Source {
    Stored,
    DerivedAt,
}

pub fn alerts(ctx: &Context, args: &AlertsArgs) -> Result<(), Failure> {
    let mut store = ctx.open_store()?;
    let session = ctx.session(&store)?;
    let scope = session.scope();
    let can_write = session.operator.can_write();
    let f = |e| ctx.store_failure(e);
    let (at, source) = match &args.as_of {
        Some(s) => {
            let at = DateTime::parse_from_rfc3339(s)
                .map_err(|_| Failure::Usage(ctx.lang.text(&Msg::BadAsOf(s.clone()))))?
                .to_utc();
            (at, Source::DerivedAt)
        }
        None if can_write => {
            // The patients whose time has come are derived first (the deriver's own
            // incremental step), so the stored alerts are current.
            let now = ctx.clock.now();
            store.derive_due(now, &ctx.config).map_err(f)?;
            (now, Source::Stored)
        }
        // An auditor reads: derive without storing.
        None => (ctx.clock.now(), Source::DerivedAt),
    };
    let today = beijing_date(at);
    store.use_small_cache().map_err(f)?;
    let each = |g: &mut dyn FnMut(&AlertRow) -> Result<(), StreamError>| match source {
        Source::Stored => store.each_alert(&scope, true, g),
        Source::DerivedAt => store.each_alert_as_of(at, &ctx.config, &scope, g),
    };
    if let Some(format) = ListFormat::chosen(args.json, args.jsonl) {
        let mut out = JsonList::new(std::io::stdout().lock(), format);
        let written = each(&mut |a: &AlertRow| Ok(out.push(&AlertJson::new(ctx, a, today))?))
            .and_then(|()| Ok(out.finish()?));
        return match written {
            Ok(()) => Ok(()),
            Err(StreamError::Store(e)) => Err(f(e)),
            Err(StreamError::Write(e)) => Err(closed_pipe_ends_quietly(e)).map_err(|e| {
                tracing::warn!(error = %e, "cannot write to standard output");
                Failure::BadInput(e.to_string())
            }),
        };
    }
    // A table is read by a person: the rows are gathered and, for derived ones, sorted.
    let mut rows = Vec::new();
    each(&mut |a: &AlertRow| {
        rows.push(a.clone());
        Ok(())
    })
    .map_err(|e| match e {
        StreamError::Store(e) => f(e),
        StreamError::Write(e) => Failure::BadInput(e.to_string()),
    })?;
    if matches!(source, Source::DerivedAt) {
        sort_alerts(&mut rows);
    }
    if rows.is_empty() {
        ctx.say(&Msg::NoAlerts);
        return Ok(());
    }
    let t = |x: T| ctx.lang.t(x);
    let widths = [4, 14, 10, 6, 12, 12, 10];
    let titles = [
        T::ColSeverity,
        T::ColKind,
        T::ColPatient,
        T::ColRisk,
        T::ColVillage,
        T::ColStation,
        T::ColStatus,
    ];
    let head: Vec<(&str, usize)> = titles.iter().map(|x| t(*x)).zip(widths).collect();
    super::emit(&table_line(&head, t(T::Overdue)));
    for a in &rows {
        let overdue = a
            .days_overdue(today)
            .map(|d| ctx.lang.text(&Msg::DaysOverdue(d)));
        let risk = a.risk_level.to_string();
        let cells = [
            a.severity.code(),
            ctx.lang.alert_kind(a.kind),
            a.patient_name.as_str(),
            risk.as_str(),
            a.village.as_str(),
            a.station.as_str(),
            ctx.lang.alert_status(a.status),
        ];
        let cells: Vec<(&str, usize)> = cells.into_iter().zip(widths).collect();
        super::emit(&table_line(&cells, &overdue.unwrap_or_default()));
    }
    Ok(())
}

/// One patient as `patients --json` writes it. The fields are in the alphabetical order the
/// list had when it was built as JSON values, so the output reads as it always has.
#[derive(Serialize)]
struct PatientJson<'a> {
    condition: &'static str,
    diagnosis: &'static str,
    flags: FlagsJson,
    followup_days_overdue: i64,
    followup_due: NaiveDate,
    gender: &'static str,
    guardianship: &'static str,
    id: i64,
    id_number: String,
    key_population: Vec<KeyCategory>,
    last_followup: Option<NaiveDate>,
    last_visit: Option<NaiveDate>,
    name: &'a str,
    risk_highest: u8,
    risk_level: u8,
    station: &'a str,
    status: &'static str,
    township: &'a str,
    village: &'a str,
    visit_due: NaiveDate,
}

/// A patient's marks, in alphabetical order as above.
#[derive(Serialize)]
struct FlagsJson {
    ever_missing: bool,
    floating: bool,
    incident_history: bool,
    police_listed: bool,
    special_team: bool,
    vagrant: bool,
}

impl FlagsJson {
    fn of(f: &PatientFlags) -> FlagsJson {
        FlagsJson {
            ever_missing: f.ever_missing,
            floating: f.floating,
            incident_history: f.incident_history,
            police_listed: f.police_listed,
            special_team: f.special_team,
            vagrant: f.vagrant,
        }
    }
}

impl<'a> PatientJson<'a> {
    fn of(
        p: &'a Patient,
        now: DateTime<Utc>,
        control: Option<&ControlWindow>,
        config: &Config,
    ) -> PatientJson<'a> {
        let today = beijing_date(now);
        let due = followup_due(p, &config.followup);
        PatientJson {
            condition: p.condition.code(),
            diagnosis: p.diagnosis.code(),
            flags: FlagsJson::of(&p.flags),
            followup_days_overdue: days_overdue(due, today).max(0),
            followup_due: due,
            gender: p.gender.code(),
            guardianship: p.guardianship.code(),
            id: p.id,
            id_number: p.id_number.masked(),
            key_population: categories(p),
            last_followup: p.last_followup,
            last_visit: p.last_visit,
            name: &p.name,
            risk_highest: p.risk_highest.value(),
            risk_level: p.risk_level.value(),
            station: &p.jurisdiction.station,
            status: p.status.code(),
            township: &p.jurisdiction.township,
            village: &p.jurisdiction.village,
            visit_due: visit_due(p, now, control, &config.followup, &config.control).date,
        }
    }
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
    let orders = store.control_orders().map_err(f)?;
    let now = ctx.clock.now();
    if args.json || args.jsonl {
        // Row by row from the query to the pipe: the register is never held whole.
        let mut out = JsonList::new(std::io::stdout().lock(), ListFormat::new(args.jsonl));
        store
            .for_each_patient(&query, |p| {
                let control = in_force_for(&orders, &p.jurisdiction, now);
                let row = PatientJson::of(p, now, control.as_ref(), &ctx.config);
                out.push(&row).map_err(closed_pipe_ends_quietly)?;
                Ok(())
            })
            .map_err(f)?;
        out.finish()
            .map_err(closed_pipe_ends_quietly)
            .map_err(|e| f(e.into()))?;
        return Ok(());
    }
    let list = store.patients(&query).map_err(f)?;
    if list.is_empty() {
        ctx.say(&Msg::NoPatients);
        return Ok(());
    }
    let t = |x: T| ctx.lang.t(x);
    let widths = [10, 18, 6, 10, 8, 12];
    let titles = [
        T::ColName,
        T::ColIdNumber,
        T::ColRisk,
        T::ColCondition,
        T::ColStatus,
        T::ColVillage,
    ];
    let head: Vec<(&str, usize)> = titles.iter().map(|x| t(*x)).zip(widths).collect();
    super::emit(&table_line(&head, t(T::ColStation)));
    for p in &list {
        let masked = p.id_number.masked();
        let risk = p.risk_level.to_string();
        let cells = [
            p.name.as_str(),
            masked.as_str(),
            risk.as_str(),
            ctx.lang.label(p.condition),
            ctx.lang.label(p.status),
            p.jurisdiction.village.as_str(),
        ];
        let cells: Vec<(&str, usize)> = cells.into_iter().zip(widths).collect();
        super::emit(&table_line(&cells, &p.jurisdiction.station));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthStr;

    #[test]
    fn cli_table_columns_align_by_display_width_and_cut_with_an_ellipsis() {
        let a = table_line(&[("P1", 4), ("病情不稳定", 14), ("欧阳娜仁花", 8)], "新");
        let b = table_line(&[("P2", 4), ("unstable", 14), ("Li", 8)], "new");
        // The last column starts at the same display column in both lines.
        let at = |l: &str, last: &str| l[..l.rfind(last).unwrap()].width();
        assert_eq!(at(&a, "新"), at(&b, "new"));
        assert!(a.contains("欧阳娜…"), "{a}");
    }

    /// The list as it was written before it was streamed: a JSON value per patient, whose
    /// keys serde_json orders alphabetically.
    fn as_value(p: &Patient, now: DateTime<Utc>, config: &Config) -> serde_json::Value {
        let today = beijing_date(now);
        let due = followup_due(p, &config.followup);
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
            "visit_due": visit_due(p, now, None, &config.followup, &config.control).date,
            "flags": p.flags,
        })
    }

    #[test]
    fn a_streamed_patient_reads_byte_for_byte_as_the_json_value_it_replaced() {
        let config = Config::default();
        let now = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 11, 2, 1, 0, 0).unwrap();
        let mut p = crate::domain::testing::patient();
        p.flags.police_listed = true;
        p.flags.vagrant = true;
        p.last_followup = NaiveDate::from_ymd_opt(2026, 8, 1);
        for risk in [0u8, 3, 5] {
            p.risk_level = crate::domain::risk::RiskLevel::new(risk).unwrap();
            p.risk_highest = p.risk_level;
            let streamed = serde_json::to_string_pretty(&PatientJson::of(&p, now, None, &config));
            let before = serde_json::to_string_pretty(&as_value(&p, now, &config));
            assert_eq!(streamed.unwrap(), before.unwrap(), "risk {risk}");
        }
    }
}
