//! A command-line verb for every console action (alerts, assignments, follow-ups, persons,
//! places, the audit log, drills), so that scripts, drills and load tests can do what a desk
//! does. Each one goes through the same one-door API as the console and says the same
//! messages; `--json` prints what was done as one JSON document.

use chrono::NaiveDate;
use serde_json::json;

use super::{Context, Failure, emit};
use crate::cli::{
    AlertCommand, AssignArgs, AuditCommand, ControlCommand, FollowupArgs, PersonCommand,
    PlaceCommand,
};
use crate::desk::Session;
use crate::desk::alerts::AlertMoved;
use crate::desk::team::{Holder, role_from_code};
use crate::domain::alert::Severity;
use crate::domain::clock::{beijing, beijing_date, beijing_midnight};
use crate::domain::followup::*;
use crate::domain::patient::{Compliance, Condition, Medication, Vocabulary};
use crate::domain::risk::RiskLevel;
use crate::domain::team::{PersonKind, Role};
use crate::i18n::{Msg, T};
use crate::store::audit::AuditQuery;
use crate::store::persons::NewPerson;
use crate::store::places::PlaceKind;
use crate::store::{Scope, Store};

/// A line saying what was done, or the JSON of it.
fn done(json: bool, text: String, value: serde_json::Value) {
    if json {
        emit(&serde_json::to_string_pretty(&value).unwrap_or_default());
    } else {
        emit(&text);
    }
}

fn moved_json(m: &AlertMoved) -> serde_json::Value {
    json!({"alert": m.alert_id, "patient": m.patient, "kind": m.kind, "from": m.from, "to": m.to})
}

pub fn alert(ctx: &Context, c: AlertCommand) -> Result<(), Failure> {
    let mut store = ctx.open_store()?;
    let session = ctx.session(&store)?;
    let mut desk = ctx.desk(&mut store, &session, None)?;
    let f = |e| ctx.desk_failure(e);
    let (json, said, moved) = match c {
        AlertCommand::Ack { id, json } => {
            (json, T::AcknowledgedMsg, desk.acknowledge(id).map_err(f)?)
        }
        AlertCommand::Progress { id, json } => {
            (json, T::InProgressMsg, desk.take_in_hand(id).map_err(f)?)
        }
        AlertCommand::Resolve {
            id,
            note,
            reported_to: Some(to),
            reported_at: Some(at),
            json,
        } => {
            let today = crate::domain::clock::beijing_date(ctx.clock.now());
            let at = crate::domain::clock::parse_beijing_time(&at, today)
                .ok_or_else(|| Failure::Usage(ctx.lang.text(&Msg::BadTime(at.clone()))))?;
            let moved = desk
                .resolve_with_written_report(id, &to, at, &note)
                .map_err(f)?;
            (json, T::ResolvedMsg, moved)
        }
        AlertCommand::Resolve { id, note, json, .. } => {
            (json, T::ResolvedMsg, desk.resolve(id, &note).map_err(f)?)
        }
        AlertCommand::Snooze {
            id,
            until,
            reason,
            json,
        } => (
            json,
            T::SnoozedMsg,
            desk.snooze(id, until, &reason).map_err(f)?,
        ),
        AlertCommand::Report {
            patient,
            severity,
            note,
            json,
        } => {
            let severity = Severity::from_code(&severity).unwrap_or(Severity::P2);
            let pid = patient_id(ctx, desk.store(), &session, &patient)?;
            let id = desk.report_alert(pid, severity, &note).map_err(f)?;
            done(
                json,
                ctx.lang.t(T::ReportedMsg).to_string(),
                json!({"alert": id, "severity": severity}),
            );
            return Ok(());
        }
    };
    let text = format!(
        "{} {} · {}",
        ctx.lang.t(said),
        moved.patient,
        ctx.lang.alert_kind(moved.kind)
    );
    done(json, text, moved_json(&moved));
    Ok(())
}

/// The store id of a patient in the operator's scope, by ID number.
fn patient_id(
    ctx: &Context,
    store: &Store,
    session: &Session,
    id_number: &str,
) -> Result<i64, Failure> {
    // What is not an ID number at all is said so, not reported as a patient not found.
    if let Err(e) = crate::domain::id_number::IdNumber::parse(id_number.trim()) {
        return Err(ctx.fail(&Msg::IdNumber(e)));
    }
    store
        .patient_by_id_number(id_number.trim(), &session.scope())
        .map_err(|e| ctx.store_failure(e))?
        .map(|p| p.id)
        .ok_or_else(|| {
            ctx.fail(&Msg::NotFound(crate::domain::id_number::mask_id_text(
                id_number.trim(),
            )))
        })
}

fn role(ctx: &Context, code: &str) -> Result<Role, Failure> {
    role_from_code(code.trim())
        .ok_or_else(|| Failure::Usage(ctx.lang.text(&Msg::BadRole(code.into()))))
}

pub fn assign(ctx: &Context, a: AssignArgs) -> Result<(), Failure> {
    let mut store = ctx.open_store()?;
    let session = ctx.session(&store)?;
    let role = role(ctx, &a.role)?;
    let pid = patient_id(ctx, &store, &session, &a.patient)?;
    let scope = session.scope();
    // The person by name (and phone, when given) among those the operator can see, or any
    // registered person of the role's kind with that name (a new officer of the station).
    let candidates: Vec<_> = store
        .persons(&Scope::All)
        .map_err(|e| ctx.store_failure(e))?
        .into_iter()
        .filter(|p| p.name == a.person.trim())
        .filter(|p| a.phone.as_deref().is_none_or(|ph| p.phone == ph.trim()))
        .filter(|p| p.kind == role.kind() || a.phone.is_some())
        .collect();
    let person = match candidates.as_slice() {
        [one] => one.clone(),
        [] => return Err(ctx.fail(&Msg::NoSuchPerson(a.person.clone()))),
        _ => return Err(ctx.fail(&Msg::AmbiguousPerson(a.person.clone()))),
    };
    let holder = store
        .team(pid, &scope)
        .map_err(|e| ctx.store_failure(e))?
        .into_iter()
        .find(|m| m.role == role)
        .map(|m| m.person.id);
    let holder = match (holder, a.replace) {
        (Some(h), true) => Holder::Person(h),
        _ => Holder::Empty,
    };
    let done_ = ctx
        .desk(&mut store, &session, None)?
        .assign(pid, role, person.id, holder)
        .map_err(|e| ctx.desk_failure(e))?;
    if let Some(w) = done_.workload {
        ctx.say(&Msg::WorkloadWarning {
            person: done_.person.name.clone(),
            after: w.high_risk_after,
            threshold: w.threshold,
        });
    }
    let text = format!(
        "{} {} → {} · {}",
        ctx.lang.t(T::AssignedMsg),
        done_.person.name,
        done_.patient,
        ctx.lang.label(role)
    );
    done(
        a.json,
        text,
        json!({"patient": done_.patient, "role": role, "person": done_.person.name,
               "replaced": done_.replaced.as_ref().map(|p| &p.name)}),
    );
    Ok(())
}

pub fn unassign(ctx: &Context, patient: &str, role_code: &str, json: bool) -> Result<(), Failure> {
    let mut store = ctx.open_store()?;
    let session = ctx.session(&store)?;
    let role = role(ctx, role_code)?;
    let pid = patient_id(ctx, &store, &session, patient)?;
    let holder = store
        .team(pid, &session.scope())
        .map_err(|e| ctx.store_failure(e))?
        .into_iter()
        .find(|m| m.role == role)
        .map(|m| m.person.id)
        .ok_or_else(|| ctx.fail(&Msg::RoleEmpty(ctx.lang.label(role).to_string())))?;
    let out = ctx
        .desk(&mut store, &session, None)?
        .unassign(pid, role, holder)
        .map_err(|e| ctx.desk_failure(e))?;
    let text = format!(
        "{} {} · {} · {}",
        ctx.lang.t(T::UnassignedMsg),
        out.person.name,
        out.patient,
        ctx.lang.label(role)
    );
    done(
        json,
        text,
        json!({"patient": out.patient, "role": role, "person": out.person.name}),
    );
    Ok(())
}

fn need<'a>(ctx: &Context, flag: &str, v: &'a Option<String>) -> Result<&'a str, Failure> {
    v.as_deref()
        .ok_or_else(|| Failure::Usage(ctx.lang.text(&Msg::FlagRequired(flag.into()))))
}

/// 治疗效果 as the national record has it; the first releases' good/fair/poor still read.
fn effect(s: &str) -> TreatmentEffect {
    match s {
        "good" => TreatmentEffect::Improved,
        "poor" => TreatmentEffect::Worse,
        "fair" => TreatmentEffect::Unchanged,
        other => TreatmentEffect::from_code(other).unwrap_or(TreatmentEffect::Unchanged),
    }
}

/// The symptoms named by `--symptom`, each a word of the national list (or its code).
fn symptoms(ctx: &Context, words: &[String]) -> Result<Vec<Symptom>, Failure> {
    let mut out = Vec::new();
    for w in words {
        let s = Symptom::parse_zh(w).ok_or_else(|| {
            let all: Vec<&str> = Symptom::ALL.iter().map(|s| s.zh()).collect();
            Failure::Usage(
                ctx.lang
                    .text(&Msg::UnknownSymptom(w.clone(), all.join(" "))),
            )
        })?;
        if !out.contains(&s) {
            out.push(s);
        }
    }
    Ok(out)
}

fn grade(s: &str) -> Grade {
    match s {
        "good" => Grade::Good,
        "poor" => Grade::Poor,
        _ => Grade::Fair,
    }
}

/// The follow-up as the flags give it. The date, form, who did it and who was seen (or why
/// not reached) must be given; when someone was seen, every answer of the assessment must be
/// given too. Nothing is filled in that was not said, except the class, which the rules
/// propose from the answers when `--class` is absent.
fn followup_of(ctx: &Context, a: &FollowupArgs) -> Result<FollowUp, Failure> {
    let form = match a.form.as_str() {
        "clinic" => FollowUpForm::Clinic,
        "home" => FollowUpForm::HomeVisit,
        _ => FollowUpForm::Phone,
    };
    let outcome = if let Some(date) = a.died {
        FollowUpOutcome::Died {
            date,
            cause: a.cause.trim().to_string(),
        }
    } else if let Some(r) = &a.not_reached {
        let reason = match r.as_str() {
            "working_away" => NotReachedReason::WorkingAway,
            "moved_away" => NotReachedReason::MovedAway,
            "wandered" => NotReachedReason::Wandered,
            "three_misses" => NotReachedReason::ThreeMisses,
            _ => NotReachedReason::Other,
        };
        FollowUpOutcome::NotReached {
            reason,
            destination: a.destination.trim().to_string(),
            departed_on: a.departed,
        }
    } else {
        let informant = match need(ctx, "--seen", &a.seen)? {
            "patient" => Informant::Patient,
            "guardian" => Informant::Guardian,
            _ => Informant::Other,
        };
        let risk = a
            .risk
            .ok_or_else(|| Failure::Usage(ctx.lang.text(&Msg::FlagRequired("--risk".into()))))?;
        let mut assessment = Assessment {
            informant,
            risk_level: RiskLevel::new(risk).expect("checked by clap"),
            symptoms: symptoms(ctx, &a.symptom_list)?,
            symptoms_other: Vec::new(),
            symptom_state: match need(ctx, "--symptoms", &a.symptoms)? {
                "gone" => SymptomState::Gone,
                "marked" => SymptomState::Marked,
                _ => SymptomState::Present,
            },
            insight: match need(ctx, "--insight", &a.insight)? {
                "full" => Insight::Full,
                "lacking" => Insight::Lacking,
                _ => Insight::Partial,
            },
            sleep: grade(need(ctx, "--sleep", &a.sleep)?),
            diet: grade(need(ctx, "--diet", &a.diet)?),
            social_function: grade(need(ctx, "--social", &a.social)?),
            dangerous: DangerousBehaviour {
                minor_trouble: a.minor_trouble,
                trouble: a.trouble,
                disaster: a.disaster,
                other_harm: a.other_harm,
                self_harm: a.self_harm,
                attempted_suicide: a.suicide_attempt,
            },
            locked_up: match a.lock.as_deref() {
                Some(code) => LockUp::from_code(code).unwrap_or(LockUp::NotLocked),
                None if a.locked_up => LockUp::Locked,
                None => LockUp::NotLocked,
            },
            hospitalised: match a.hospital.as_deref() {
                Some(code) => HospitalStay::from_code(code).unwrap_or(HospitalStay::NeverAdmitted),
                None if a.hospitalised => HospitalStay::AdmittedNow,
                None => HospitalStay::NeverAdmitted,
            },
            compliance: Compliance::from_code(need(ctx, "--compliance", &a.compliance)?)
                .unwrap_or(Compliance::Regular),
            drug_reaction: match need(ctx, "--drug-reaction", &a.drug_reaction)? {
                "severe" => DrugReaction::Severe,
                "mild" => DrugReaction::Mild,
                _ => DrugReaction::None,
            },
            serious_physical_illness: a.serious_illness,
            treatment_effect: effect(need(ctx, "--effect", &a.effect)?),
            referral: a.referral,
            medication: Medication::from_code(need(ctx, "--medication", &a.medication)?)
                .unwrap_or(Medication::None),
            class: Condition::Stable,
            risk_override_reason: a
                .risk_reason
                .as_deref()
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(str::to_string),
            guardian_refuses_admission: a.guardian_refuses_admission,
        };
        assessment.class = match &a.class {
            Some(c) => Condition::from_code(c).unwrap_or(Condition::BasicallyStable),
            None => propose_class(&assessment).0,
        };
        FollowUpOutcome::Reached(Box::new(assessment))
    };
    if a.by.trim().is_empty() {
        return Err(Failure::Usage(
            ctx.lang.text(&Msg::FlagRequired("--by".into())),
        ));
    }
    Ok(FollowUp {
        date: a.date,
        form,
        outcome,
        next_date: a.next,
        by_whom: a.by.trim().to_string(),
        joint_visitors: a
            .joint
            .iter()
            .map(|j| j.trim().to_string())
            .filter(|j| !j.is_empty())
            .collect(),
        guidance: a
            .guidance_by
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(|d| Guidance {
                date: a.guidance_date.unwrap_or(a.date),
                doctor: d.to_string(),
            }),
    })
}

pub fn followup_record(ctx: &Context, a: &FollowupArgs) -> Result<(), Failure> {
    let f = followup_of(ctx, a)?;
    let mut store = ctx.open_store()?;
    let session = ctx.session(&store)?;
    let pid = patient_id(ctx, &store, &session, &a.patient)?;
    let mut desk = ctx.desk(&mut store, &session, None)?;
    let saved = if a.correct {
        desk.correct_followup(pid, &f)
    } else {
        desk.record_followup(pid, &f)
    }
    .map_err(|e| ctx.desk_failure(e))?;
    let p = &saved.patient;
    let text = format!(
        "{} {} · {} · {}",
        ctx.lang.t(T::Saved),
        p.name,
        ctx.lang.label(p.condition),
        ctx.lang.label(p.status)
    );
    done(
        a.json,
        text,
        json!({"patient": p.name, "condition": p.condition, "risk_level": p.risk_level.value(),
               "status": p.status, "record": f}),
    );
    Ok(())
}

pub fn followup_list(ctx: &Context, patient: &str, json: bool) -> Result<(), Failure> {
    let store = ctx.open_store()?;
    let session = ctx.session(&store)?;
    let pid = patient_id(ctx, &store, &session, patient)?;
    let list = store
        .followups(pid, &session.scope())
        .map_err(|e| ctx.store_failure(e))?;
    if json {
        emit(&serde_json::to_string_pretty(&list).unwrap_or_default());
        return Ok(());
    }
    if list.is_empty() {
        ctx.say(&Msg::NoFollowups);
    }
    for f in &list {
        let what = match &f.outcome {
            FollowUpOutcome::Reached(a) => format!(
                "{} · {}",
                ctx.lang.label(a.class),
                ctx.lang.text(&Msg::RiskLevel(a.risk_level.value()))
            ),
            FollowUpOutcome::NotReached { .. } => ctx.lang.t(T::NotReachedShort).to_string(),
            FollowUpOutcome::Died { .. } => ctx
                .lang
                .label(crate::domain::patient::Status::Deceased)
                .to_string(),
        };
        emit(&format!(
            "{} {} {what} ({})",
            f.date,
            ctx.lang.code_label(form_code(f.form)),
            f.by_whom
        ));
    }
    Ok(())
}

fn form_code(f: FollowUpForm) -> &'static str {
    match f {
        FollowUpForm::Clinic => "clinic",
        FollowUpForm::HomeVisit => "home_visit",
        FollowUpForm::Phone => "phone",
    }
}

pub fn person(ctx: &Context, c: PersonCommand) -> Result<(), Failure> {
    let mut store = ctx.open_store()?;
    let session = ctx.session(&store)?;
    match c {
        PersonCommand::Add {
            name,
            kind,
            phone,
            unit,
            township,
            village,
            station,
            county_wide,
            json,
        } => {
            let new = NewPerson {
                name,
                phone: crate::import::values::normalize(&phone),
                unit,
                jurisdiction: crate::domain::patient::Jurisdiction {
                    township,
                    village,
                    station,
                },
                kind: PersonKind::from_code(&kind).unwrap_or(PersonKind::Other),
                county_wide,
            };
            let p = ctx
                .desk(&mut store, &session, None)?
                .add_person(&new)
                .map_err(|e| ctx.desk_failure(e))?;
            let text = ctx.lang.text(&Msg::PersonAdded {
                name: p.name.clone(),
                kind: ctx.lang.label(p.kind).to_string(),
            });
            done(
                json,
                text,
                json!({"name": p.name, "kind": p.kind, "unit": p.unit}),
            );
        }
        PersonCommand::List { json } => {
            let list = store
                .persons(&session.scope())
                .map_err(|e| ctx.store_failure(e))?;
            if json {
                let v: Vec<_> = list
                    .iter()
                    .map(|p| {
                        json!({"name": p.name, "phone": crate::domain::id_number::mask_phone(&p.phone),
                               "kind": p.kind, "unit": p.unit,
                               "township": p.jurisdiction.township, "village": p.jurisdiction.village,
                               "station": p.jurisdiction.station, "county_wide": p.county_wide})
                    })
                    .collect();
                emit(&serde_json::to_string_pretty(&v).unwrap_or_default());
                return Ok(());
            }
            for p in &list {
                emit(&format!(
                    "{}{}{}{}",
                    super::lists::fit(&p.name, 10),
                    super::lists::fit(ctx.lang.label(p.kind), 10),
                    super::lists::fit(&crate::domain::id_number::mask_phone(&p.phone), 14),
                    [
                        &p.unit,
                        &p.jurisdiction.township,
                        &p.jurisdiction.village,
                        &p.jurisdiction.station
                    ]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(" ")
                ));
            }
        }
    }
    Ok(())
}

pub fn control(ctx: &Context, c: ControlCommand) -> Result<(), Failure> {
    use crate::desk::control::NewControl;
    use crate::domain::schedule::ControlLevel;
    let mut store = ctx.open_store()?;
    let session = ctx.session(&store)?;
    match c {
        ControlCommand::Set {
            level,
            from,
            to,
            township,
            station,
            reason,
        } => {
            let new = NewControl {
                level: ControlLevel::from_number(level).unwrap_or(ControlLevel::Level3),
                from,
                to,
                townships: township,
                stations: station,
                reason,
            };
            let id = ctx
                .desk(&mut store, &session, None)?
                .set_control(&new)
                .map_err(|e| ctx.desk_failure(e))?;
            ctx.say(&Msg::ControlSet {
                id,
                level,
                from,
                to,
            });
        }
        ControlCommand::End { id } => {
            ctx.desk(&mut store, &session, None)?
                .end_control(id)
                .map_err(|e| ctx.desk_failure(e))?;
            ctx.say(&Msg::ControlEnded { id });
        }
        ControlCommand::List { json } => {
            let orders = store.control_orders().map_err(|e| ctx.store_failure(e))?;
            let now = ctx.clock.now();
            if json {
                let out: Vec<_> = orders
                    .iter()
                    .map(|o| {
                        let w = o.window();
                        serde_json::json!({
                            "id": o.id,
                            "level": o.level.number(),
                            "from": beijing_date(o.starts_at),
                            "to": beijing_date(o.ends_at - chrono::Duration::milliseconds(1)),
                            "townships": o.townships,
                            "stations": o.stations,
                            "reason": o.reason,
                            "set_by": o.set_by,
                            "ended_at": o.ended_at,
                            "in_force": w.is_active(now),
                        })
                    })
                    .collect();
                emit(&serde_json::to_string_pretty(&out).unwrap_or_default());
                return Ok(());
            }
            for o in &orders {
                emit(
                    &ctx.lang.text(&Msg::ControlLine {
                        id: o.id,
                        level: o.level.number(),
                        from: beijing_date(o.starts_at),
                        to: beijing_date(o.ends_at - chrono::Duration::milliseconds(1)),
                        area: [o.townships.clone(), o.stations.clone()]
                            .concat()
                            .join("、"),
                        reason: o.reason.clone(),
                        in_force: o.window().is_active(now),
                        ended: o.ended_at.is_some(),
                    }),
                );
            }
        }
    }
    Ok(())
}

pub fn place(ctx: &Context, c: PlaceCommand) -> Result<(), Failure> {
    let mut store = ctx.open_store()?;
    let session = ctx.session(&store)?;
    match c {
        PlaceCommand::Add {
            kind,
            name,
            township,
        } => {
            let kind = PlaceKind::from_code(&kind).unwrap_or(PlaceKind::Station);
            ctx.desk(&mut store, &session, None)?
                .add_place(kind, &name, township.as_deref())
                .map_err(|e| ctx.desk_failure(e))?;
            ctx.say(&Msg::PlaceAdded {
                kind: ctx.lang.label(kind).to_string(),
                name: name.trim().to_string(),
            });
        }
        PlaceCommand::List { json } => {
            let list = store.places(None).map_err(|e| ctx.store_failure(e))?;
            if json {
                emit(&serde_json::to_string_pretty(&list).unwrap_or_default());
                return Ok(());
            }
            for p in &list {
                let parent = if p.parent.is_empty() {
                    String::new()
                } else {
                    format!("（{}）", p.parent)
                };
                emit(&format!("{} {}{parent}", ctx.lang.label(p.kind), p.name));
            }
        }
    }
    Ok(())
}

pub fn audit(ctx: &Context, c: AuditCommand) -> Result<(), Failure> {
    let store = ctx.open_store()?;
    match c {
        AuditCommand::List {
            by,
            patient,
            from,
            to,
            limit,
            json,
        } => {
            let session = ctx.session(&store)?;
            let patient_id = match &patient {
                Some(p) => Some(patient_id(ctx, &store, &session, p)?),
                None => None,
            };
            let rows = store
                .audit(&AuditQuery {
                    scope: session.scope(),
                    operator: by,
                    patient_id,
                    from: from.map(beijing_midnight),
                    to: to.map(|d: NaiveDate| beijing_midnight(d + chrono::Days::new(1))),
                    limit,
                    ..Default::default()
                })
                .map_err(|e| ctx.store_failure(e))?;
            if json {
                let v: Vec<_> = rows
                    .iter()
                    .map(|e| {
                        json!({
                            "at": e.at.with_timezone(&beijing()).to_rfc3339(),
                            "operator": e.who(),
                            "login": e.operator,
                            "identity": e.os_user,
                            "action": e.action.map(|a| ctx.lang.audit_action(a)),
                            "text": ctx.lang.audit_sentence(e),
                            "patient": e.patient_name,
                            "changes": ctx.lang.audit_changes(e),
                            "hash": e.hash,
                        })
                    })
                    .collect();
                emit(&serde_json::to_string_pretty(&v).unwrap_or_default());
                return Ok(());
            }
            for e in &rows {
                let changes = ctx.lang.audit_changes(e);
                emit(&format!(
                    "{}  {}{}",
                    e.at.with_timezone(&beijing()).format("%Y-%m-%d %H:%M:%S"),
                    ctx.lang.audit_sentence(e),
                    if changes.is_empty() {
                        String::new()
                    } else {
                        format!("（{}）", changes.join("；"))
                    }
                ));
            }
        }
        AuditCommand::Rosters { sha, out, force } => {
            ctx.center_auditor_or_administrator(&store)?;
            let (Some(sha), Some(out)) = (sha, out) else {
                let kept = store.kept_rosters().map_err(|e| ctx.store_failure(e))?;
                if kept.is_empty() {
                    ctx.say(&Msg::NoKeptRosters);
                }
                for k in kept {
                    emit(&format!(
                        "{}  {}  {}  {}  {}",
                        k.at.with_timezone(&beijing()).format("%Y-%m-%d %H:%M"),
                        k.operator_name.as_deref().unwrap_or(&k.operator),
                        k.name,
                        ctx.lang.text(&Msg::KeptRosterRows {
                            rows: k.rows,
                            added: k.added,
                            updated: k.updated,
                            unchanged: k.unchanged,
                        }),
                        &k.sha256[..k.sha256.len().min(12)],
                    ));
                }
                return Ok(());
            };
            let Some((_, text)) = store.kept_roster(&sha).map_err(|e| ctx.store_failure(e))? else {
                return Err(ctx.fail(&Msg::RosterNotKept { sha }));
            };
            let rows = text
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                .saturating_sub(1);
            let write = crate::files::write_private(&out, super::reports::existing(force), |f| {
                use std::io::Write;
                f.write_all(&text).map_err(|e| e.to_string())
            });
            let mut store = store;
            let session = ctx.session(&store)?;
            super::reports::export(
                ctx,
                &mut store,
                &session,
                crate::desk::records::ExportKind::KeptRoster,
                rows,
                true,
                &out,
                write,
            )?;
        }
        AuditCommand::Verify { from, json } => {
            // Reading the proof is an auditor's work too.
            ctx.center_auditor_or_administrator(&store)?;
            let report = store
                .verify_audit_chain(from.map(beijing_midnight))
                .map_err(|e| ctx.store_failure(e))?;
            let missing = store
                .missing_audit_triggers()
                .map_err(|e| ctx.store_failure(e))?;
            if json {
                emit(
                    &serde_json::to_string_pretty(&json!({
                        "rows_checked": report.rows_checked,
                        "head_id": report.head_id,
                        "head_hash": report.head_hash,
                        "first_break": report.first_break.as_ref().map(|b| b.id()),
                        "missing_triggers": missing,
                    }))
                    .unwrap_or_default(),
                );
            }
            let mut problems = Vec::new();
            for name in missing {
                problems.push(
                    ctx.lang
                        .text(&Msg::AuditTriggerMissing { name: name.into() }),
                );
            }
            if let Some(b) = &report.first_break {
                problems.push(ctx.lang.text(&Msg::AuditChainBroken { row: b.id() }));
            }
            if !problems.is_empty() {
                return Err(Failure::BadInput(problems.join("\n")));
            }
            if !json {
                ctx.say(&Msg::AuditChainOk {
                    rows: report.rows_checked,
                    rosters: report.rosters_checked,
                });
                ctx.say(&Msg::AuditHead {
                    row: report.head_id,
                    hash: report.head_hash,
                });
            }
        }
    }
    Ok(())
}

pub fn drill(ctx: &Context, file: &std::path::Path) -> Result<(), Failure> {
    let path = file.display().to_string();
    if file.exists() {
        return Err(ctx.fail(&Msg::BackupExists { path }));
    }
    let mut store = ctx.open_store()?;
    let session = ctx.session(&store)?;
    let mut desk = ctx.desk(&mut store, &session, None)?;
    crate::desk::admin::make_drill_copy(&mut desk, file).map_err(|e| ctx.desk_failure(e))?;
    ctx.say(&Msg::DrillMade { path });
    Ok(())
}
