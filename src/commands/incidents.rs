//! The quick response from the command line: listing incidents with their step states, and
//! opening, stepping, noting and closing them (for scripts and drills at a given `--as-of`).

use chrono::{DateTime, NaiveDate, Utc};

use super::json_list::{JsonList, ListFormat, closed_pipe_ends_quietly};
use super::{Context, Failure, emit};
use crate::cli::IncidentCommand;
use crate::desk::incidents::Subject;
use crate::domain::clock::{beijing, beijing_midnight};
use crate::domain::incident::{self, Closing, Outcome, StepState, SyncChecklist, SyncItem};
use crate::i18n::{Lang, Msg};
use crate::store::incidents::IncidentRow;

pub fn parse_as_of(ctx: &Context, s: Option<&str>) -> Result<DateTime<Utc>, Failure> {
    match s {
        None => Ok(ctx.clock.now()),
        Some(s) => DateTime::parse_from_rfc3339(s)
            .map(|t| t.to_utc())
            .map_err(|_| Failure::Usage(ctx.lang.text(&Msg::BadAsOf(s.into())))),
    }
}

fn label(lang: Lang, zh: &str, en: &str) -> String {
    match lang {
        Lang::Zh => zh.to_string(),
        Lang::En if !en.is_empty() => en.to_string(),
        Lang::En => zh.to_string(),
    }
}

pub fn incident_json(lang: Lang, i: &IncidentRow, at: DateTime<Utc>) -> serde_json::Value {
    let steps: Vec<serde_json::Value> = i
        .steps
        .iter()
        .map(|s| {
            let state = s.state(at);
            let mut v = serde_json::json!({
                "step": s.step,
                "label": label(lang, &s.label_zh, &s.label_en),
                "deadline": s.deadline.with_timezone(&beijing()).to_rfc3339(),
                "done_at": s.done_at.map(|d| d.with_timezone(&beijing()).to_rfc3339()),
                "actor": s.actor,
                "state": state.code(),
            });
            match state {
                StepState::Pending { seconds_left } => v["seconds_left"] = seconds_left.into(),
                StepState::Late { seconds_late } | StepState::Overdue { seconds_late } => {
                    v["seconds_late"] = seconds_late.into()
                }
                StepState::Met { seconds_early } => v["seconds_early"] = seconds_early.into(),
                StepState::Skipped => v["skip_reason"] = s.skip_reason.clone().into(),
                StepState::Unfinished { seconds_left } => {
                    v["seconds_left_at_closing"] = seconds_left.into()
                }
            }
            if s.corrected_at.is_some() {
                v["corrected"] = true.into();
            }
            v
        })
        .collect();
    serde_json::json!({
        "id": i.id,
        "opened_at": i.opened_at.with_timezone(&beijing()).to_rfc3339(),
        "opened_by": i.opened_by,
        "patient_name": i.patient_name,
        "station": i.station,
        "alert_id": i.alert_id,
        "location": i.location,
        "description": i.description,
        "state": if i.is_open() { "open" } else { "closed" },
        // The clock stops when the incident is closed.
        "elapsed_seconds": (i.closed_at.unwrap_or(at).min(at) - i.opened_at).num_seconds(),
        "closed_at": i.closed_at.map(|d| d.with_timezone(&beijing()).to_rfc3339()),
        "closing": i.closing,
        "steps": steps,
        "notes": i.notes,
    })
}

pub fn list(
    ctx: &Context,
    open_only: bool,
    json: Option<ListFormat>,
    as_of: Option<&str>,
) -> Result<(), Failure> {
    let at = parse_as_of(ctx, as_of)?;
    let store = ctx.open_store()?;
    let session = ctx.session(&store)?;
    if let Some(format) = json {
        // One incident at a time from the query to the pipe.
        let mut out = JsonList::new(std::io::stdout().lock(), format);
        store
            .for_each_incident(&session.scope(), |i| {
                if !open_only || i.is_open() {
                    out.push(&incident_json(ctx.lang, &i, at))
                        .map_err(closed_pipe_ends_quietly)?;
                }
                Ok(())
            })
            .map_err(|e| ctx.store_failure(e))?;
        return out
            .finish()
            .map_err(closed_pipe_ends_quietly)
            .map_err(|e| ctx.store_failure(e.into()));
    }
    let mut rows = store
        .incidents(&session.scope())
        .map_err(|e| ctx.store_failure(e))?;
    rows.retain(|i| !open_only || i.is_open());
    if rows.is_empty() {
        ctx.say(&Msg::NoIncidents);
    }
    for i in &rows {
        let steps: Vec<String> = i
            .steps
            .iter()
            .map(|s| format!("{}:{}", s.step, ctx.lang.text(&Msg::StepState(s.state(at)))))
            .collect();
        emit(&format!(
            "#{} {} {} {} [{}] {}",
            i.id,
            i.opened_at
                .with_timezone(&beijing())
                .format("%m-%d %H:%M:%S"),
            i.patient_name.as_deref().unwrap_or("—"),
            i.location,
            steps.join(" "),
            if i.is_open() { "" } else { "✓" }
        ));
    }
    Ok(())
}

/// An optional `--as-of` for a write: only a drill database takes one.
fn drill_at(ctx: &Context, as_of: Option<&str>) -> Result<Option<DateTime<Utc>>, Failure> {
    as_of.map(|s| parse_as_of(ctx, Some(s))).transpose()
}

pub fn run(ctx: &Context, c: IncidentCommand) -> Result<(), Failure> {
    let mut store = ctx.open_store()?;
    let session = ctx.session(&store)?;
    let scope = session.scope();
    let f = |e| ctx.desk_failure(e);
    match c {
        IncidentCommand::Open {
            patient,
            unknown: _,
            station,
            alert,
            location,
            description,
            as_of,
            json,
        } => {
            let at = drill_at(ctx, as_of.as_deref())?;
            let subject = match (alert, patient) {
                (Some(aid), _) => Subject::Alert(aid),
                (None, Some(idn)) => {
                    let p = store
                        .patient_by_id_number(idn.trim(), &scope)
                        .map_err(|e| ctx.store_failure(e))?;
                    Subject::Patient(p.ok_or_else(|| ctx.fail(&Msg::NotFound(idn.clone())))?.id)
                }
                (None, None) => Subject::Unknown { station },
            };
            let id = ctx
                .desk(&mut store, &session, at)?
                .open_incident(&subject, &location, &description)
                .map_err(f)?;
            if json {
                let row = store
                    .incident(id, &scope)
                    .map_err(|e| ctx.store_failure(e))?
                    .ok_or_else(|| ctx.fail(&Msg::NotFound(format!("#{id}"))))?;
                let shown = at.unwrap_or_else(|| ctx.clock.now());
                emit(
                    &serde_json::to_string_pretty(&incident_json(ctx.lang, &row, shown))
                        .unwrap_or_default(),
                );
            } else {
                ctx.say(&Msg::IncidentOpened { id });
            }
        }
        IncidentCommand::Step {
            id,
            step,
            by,
            as_of,
        } => {
            let at = drill_at(ctx, as_of.as_deref())?;
            let s = ctx
                .desk(&mut store, &session, at)?
                .mark_step(id, step, &by)
                .map_err(f)?;
            ctx.say(&Msg::StepRecorded {
                step,
                state: s.state(at.unwrap_or_else(|| ctx.clock.now())),
            });
        }
        IncidentCommand::Skip { id, step, reason } => {
            ctx.desk(&mut store, &session, None)?
                .skip_step(id, step, &reason)
                .map_err(f)?;
            ctx.say(&Msg::StepSkipped { step });
        }
        IncidentCommand::Correct { id, step, by, at } => {
            let done_at = at
                .as_deref()
                .map(|s| parse_as_of(ctx, Some(s)))
                .transpose()?;
            // The entry as it stands now is what is corrected.
            let row = store
                .incident(id, &scope)
                .map_err(|e| ctx.store_failure(e))?
                .ok_or_else(|| ctx.fail(&Msg::NotFound(format!("#{id}"))))?;
            let seen = row
                .steps
                .iter()
                .find(|s| s.step == step)
                .and_then(|s| Some((s.actor.clone()?, s.done_at?)));
            let Some((was_actor, was_at)) = seen else {
                return Err(f(crate::desk::DeskError::Refused(
                    crate::desk::Refusal::StepNotRecorded { step },
                )));
            };
            let s = ctx
                .desk(&mut store, &session, None)?
                .correct_step(id, step, (&was_actor, was_at), by.as_deref(), done_at)
                .map_err(f)?;
            ctx.say(&Msg::StepCorrected {
                step,
                actor: s.actor.unwrap_or_default(),
                at: s
                    .done_at
                    .map(|d| d.with_timezone(&beijing()).format("%H:%M:%S").to_string())
                    .unwrap_or_default(),
            });
        }
        IncidentCommand::Team { id, reveal } => {
            let team = if reveal {
                ctx.desk(&mut store, &session, None)?
                    .reveal_incident_team(id)
                    .map_err(f)?
            } else {
                let row = store
                    .incident(id, &scope)
                    .map_err(|e| ctx.store_failure(e))?
                    .ok_or_else(|| ctx.fail(&Msg::NotFound(format!("#{id}"))))?;
                let pid = row.patient_id.ok_or_else(|| {
                    f(crate::desk::DeskError::Refused(
                        crate::desk::Refusal::NoTeam,
                    ))
                })?;
                store.team(pid, &scope).map_err(|e| ctx.store_failure(e))?
            };
            for role in <crate::domain::team::Role as crate::domain::patient::Vocabulary>::ALL {
                let role_name = ctx.lang.label(*role).to_string();
                match team.iter().find(|m| m.role == *role) {
                    Some(m) => emit(&ctx.lang.text(&Msg::TeamSeat {
                        role: role_name,
                        name: m.person.name.clone(),
                        phone: if reveal {
                            m.person.phone.clone()
                        } else {
                            crate::domain::id_number::mask_phone(&m.person.phone)
                        },
                    })),
                    None => emit(&ctx.lang.text(&Msg::TeamSeatEmpty { role: role_name })),
                }
            }
        }
        IncidentCommand::Note { id, text } => {
            ctx.desk(&mut store, &session, None)?
                .add_incident_note(id, &text)
                .map_err(f)?;
            ctx.say(&Msg::NoteAdded);
        }
        IncidentCommand::Close {
            id,
            outcome,
            legal,
            legal_reason,
            opinion,
            opinion_reason,
            social,
            social_reason,
            persons,
            injured,
            dead,
            reported_upward,
            resolve_alert,
            as_of,
        } => {
            let at = drill_at(ctx, as_of.as_deref())?;
            let outcome = Outcome::parse(&outcome)
                .ok_or_else(|| ctx.fail(&Msg::BadOutcome(outcome.clone())))?;
            let item = |done: bool, reason: Option<String>| SyncItem {
                done,
                reason: reason.unwrap_or_default(),
            };
            let closing = Closing {
                outcome,
                sync: SyncChecklist {
                    legal: item(legal, legal_reason),
                    opinion: item(opinion, opinion_reason),
                    social: item(social, social_reason),
                },
                persons_involved: persons,
                injured,
                dead,
                reported_upward,
            };
            ctx.desk(&mut store, &session, at)?
                .close_incident(id, &closing, resolve_alert)
                .map_err(f)?;
            ctx.say(&Msg::IncidentClosed { id });
        }
    }
    Ok(())
}

pub fn compliance_report(
    ctx: &Context,
    store: &crate::store::Store,
    scope: &crate::store::Scope,
    from: NaiveDate,
    to: NaiveDate,
    at: DateTime<Utc>,
) -> Result<(usize, Vec<crate::domain::incident::StepCompliance>), Failure> {
    let start = beijing_midnight(from);
    let end = beijing_midnight(to + chrono::Days::new(1));
    let rows = store
        .incidents_opened_between(start, end, scope)
        .map_err(|e| ctx.store_failure(e))?;
    let data: Vec<_> = rows
        .iter()
        .map(|i| {
            (
                i.opened_at,
                i.steps.iter().map(|s| (s.deadline, s.done_at)).collect(),
            )
        })
        .collect();
    let steps = rows
        .iter()
        .map(|i| i.steps.len())
        .max()
        .unwrap_or(ctx.config.quick_response.steps.len());
    Ok((rows.len(), incident::compliance(&data, steps, at)))
}

pub fn compliance(
    ctx: &Context,
    from: NaiveDate,
    to: NaiveDate,
    json: bool,
    as_of: Option<&str>,
) -> Result<(), Failure> {
    let at = parse_as_of(ctx, as_of)?;
    let store = ctx.open_store()?;
    let session = ctx.session(&store)?;
    let (n, steps) = compliance_report(ctx, &store, &session.scope(), from, to, at)?;
    if json {
        let v = serde_json::json!({"from": from, "to": to, "incidents": n, "steps": steps});
        emit(&serde_json::to_string_pretty(&v).unwrap_or_default());
        return Ok(());
    }
    ctx.say(&Msg::ComplianceHeader {
        from: from.to_string(),
        to: to.to_string(),
        incidents: n,
    });
    for (s, cfg) in steps.iter().zip(
        ctx.config
            .quick_response
            .steps
            .iter()
            .chain(std::iter::repeat(&ctx.config.quick_response.steps[0])),
    ) {
        ctx.say(&Msg::ComplianceLine {
            step: s.step,
            label: label(ctx.lang, &cfg.label_zh, &cfg.label_en),
            met: s.met,
            counted: s.counted,
            share: s.share_met,
            median: s.median_seconds,
        });
    }
    Ok(())
}
