//! English: refusals and conflicts of the one-door API, audit sentences and fields.

use super::audit::{Change, Said};
use super::en::vocabulary;
use crate::desk::error::{Conflict, DeskError, Field, Refusal, Thing};
use crate::domain::audit::AuditAction;
use crate::domain::patient::Vocabulary;
use crate::store::StoreError;

pub fn error(e: &DeskError) -> String {
    match e {
        DeskError::UnknownOperator { login } => format!(
            "operator '{login}' is not registered: a center administrator registers operators \
             with 'operator add'. Nothing was changed."
        ),
        DeskError::Disabled { login } => {
            format!("operator '{login}' is disabled and can no longer write. Nothing was changed.")
        }
        DeskError::NotAllowed { login } => {
            format!("operator '{login}' may not do this. Nothing was changed.")
        }
        DeskError::NotFound(t) => format!("{} (or outside your jurisdiction).", thing(t)),
        DeskError::Conflict(c) => conflict(c),
        DeskError::Refused(r) => format!("{}. Nothing was changed.", refusal(r)),
        DeskError::Store(StoreError::Busy) => {
            "the database is busy with another program's write; try again (nothing was changed)."
                .into()
        }
        DeskError::Store(e) => format!("database error: {e}"),
    }
}

fn thing(t: &Thing) -> String {
    match t {
        Thing::Patient(_) => "no such patient".into(),
        Thing::PatientIdNumber(n) => format!("no patient with ID number {n}"),
        Thing::Alert(id) => format!("no alert #{id}"),
        Thing::Incident(id) => format!("no incident #{id}"),
        Thing::Step { incident, step } => format!("incident #{incident} has no step {step}"),
        Thing::Person(_) => "no such person".into(),
        Thing::PersonNamed(n) => format!("no person '{n}'"),
        Thing::Operator(l) => format!("no operator '{l}'"),
        Thing::Key(f) => format!("no key {f}"),
        Thing::Shift => "no such shift".into(),
        Thing::ControlOrder(id) => format!("no control order #{id}"),
    }
}

fn conflict(c: &Conflict) -> String {
    match c {
        Conflict::Alert { status, by, at } => {
            let when = at
                .map(|t| {
                    t.with_timezone(&crate::domain::clock::beijing())
                        .format(" at %H:%M:%S")
                        .to_string()
                })
                .unwrap_or_default();
            format!(
                "{by} already took this alert{when}; it is now '{}'. Nothing was changed.",
                super::en::alert_status(*status)
            )
        }
        Conflict::Step {
            step,
            actor,
            recorded_by,
        } => format!(
            "step {step} was already recorded by {recorded_by} (acted: {actor}). Nothing was \
             changed."
        ),
        Conflict::Assignment { role, holder, by } => match holder {
            Some(h) => format!(
                "{by} has meanwhile made {h} the {}; check and try again. Nothing was changed.",
                vocabulary(role.code())
            ),
            None => format!(
                "{by} has meanwhile removed the {}; check and try again. Nothing was changed.",
                vocabulary(role.code())
            ),
        },
        Conflict::IncidentClosed { by } => {
            format!("{by} has already closed this incident. Nothing was changed.")
        }
        Conflict::AlreadyOnShift => "already on shift.".into(),
        Conflict::NotOnShift => "not on shift: take over first.".into(),
        Conflict::StepSkipped { step, reason, by } => format!(
            "{by} already marked step {step} skipped (reason: {reason}). Nothing was changed."
        ),
        Conflict::StepChanged { step, actor, by } => format!(
            "{by} already changed step {step} (now {actor}); look again before correcting. Nothing was changed."
        ),
    }
}

fn refusal(r: &Refusal) -> String {
    match r {
        Refusal::Assignment(a) => super::en::text(&super::Msg::Assignment(a.clone())),
        Refusal::PersonKind { person, kind, role } => format!(
            "{person} is registered as {} and cannot serve as {}",
            vocabulary(kind.code()),
            vocabulary(role.code())
        ),
        Refusal::ReplaceUnconfirmed { role, holder } => format!(
            "{holder} is the {} now; replacing them must be confirmed (--replace on the command \
             line)",
            vocabulary(role.code())
        ),
        Refusal::FollowUp(f) => super::en::text(&super::Msg::FollowUpRefused(f.clone())),
        Refusal::SameDayFollowUp { date } => format!(
            "this patient already has a follow-up on {date}: another one that day corrects (replaces) it, both kept in the log; confirm to save (on the command line add --correct)"
        ),
        Refusal::Closing(c) => super::en::text(&super::Msg::ClosingRefused(*c)),
        Refusal::UnknownPlace { kind, name } => format!(
            "{} '{name}' is not in the register (check the spelling, or have the center register \
             it with 'place add')",
            vocabulary(kind.code())
        ),
        Refusal::PlaceExists { kind, name } => {
            format!("{} '{name}' is already registered", vocabulary(kind.code()))
        }
        Refusal::AlertTransition { from, to } => format!(
            "the alert is '{}' and cannot become '{}'",
            super::en::alert_status(*from),
            super::en::alert_status(*to)
        ),
        Refusal::ConditionHolds { kind } => format!(
            "what raised the '{}' alert still holds, so it cannot be resolved: {}; or snooze it \
             (z) until a date with a reason",
            super::en::alert_kind(*kind),
            what_clears(*kind)
        ),
        Refusal::NoWrittenReport { kind } => format!(
            "a written report resolves only missing and refusing alerts, not '{}'",
            super::en::alert_kind(*kind)
        ),
        Refusal::WrittenReportLater => "a written report cannot be dated after now".into(),
        Refusal::SnoozeNotAfterToday { until } => {
            format!("the snooze date {until} must be after today")
        }
        Refusal::IncidentClosed => "the incident is closed".into(),
        Refusal::StepBeforeOpening => "a step cannot be before the incident was opened".into(),
        Refusal::Missing(f) => format!("{} is required", field(*f)),
        Refusal::OperatorExists(l) => format!("operator '{l}' exists already"),
        Refusal::StationRequired => "a station operator needs a police station".into(),
        Refusal::PersonExists { name, phone } => format!(
            "{name} ({}) is already registered",
            crate::domain::id_number::mask_phone(phone)
        ),
        Refusal::AsOfOnLiveDatabase => "--as-of is for drill databases only (a copy made by \
                                        'dutydesk drill'): real records are never back-dated"
            .into(),
        Refusal::SelfDisable => "you cannot disable yourself".into(),
        Refusal::Control(crate::domain::control::ControlRefusal::EndsBeforeStart) => {
            "the control window ends before it starts".into()
        }
        Refusal::ControlEnded => "that control order has already ended".into(),
        Refusal::StepOutOfOrder { step, earlier } => format!(
            "steps are recorded in order: step {earlier} is not done; record step {earlier} or mark it skipped with a reason before step {step}"
        ),
        Refusal::StepNotRecorded { step } => {
            format!("step {step} has not been recorded, so there is nothing to correct")
        }
        Refusal::StepAfterNow => "a step's time cannot be later than now or the closing".into(),
        Refusal::NoTeam => "an unknown person has no five responsible persons".into(),
    }
}

fn what_clears(kind: crate::domain::alert::AlertKind) -> &'static str {
    use crate::domain::alert::AlertKind::*;
    match kind {
        Missing => {
            "record the written report to the political-legal committee or police (to \
                    whom, when) to resolve it; or record a follow-up that saw the patient"
        }
        LeftArea => "record a face-to-face visit after the return, or change the status",
        Unstable => "a follow-up that finds the condition better, or admission to hospital",
        FollowupOverdue => "record a follow-up",
        VisitOverdue => "record a clinic or home visit",
        TeamIncomplete => "assign the missing responsible persons",
        Guardianship => "assign a guardian",
        GuidanceNeeded => "record the psychiatrist's guidance on a follow-up",
        Reported => "",
        Refused => {
            "record the written report to the political-legal committee or police (to \
                    whom, when) to resolve it; or record a follow-up once the patient accepts it"
        }
        AwayLong => "record a face-to-face visit after the return, or change the status",
        ReassessmentDue => "record a follow-up that reassesses the risk",
        TransferredIn => "",
    }
}

fn field(f: Field) -> &'static str {
    match f {
        Field::Location => "the location",
        Field::Actor => "who acted",
        Field::Note => "a note",
        Field::Reason => "a reason",
        Field::Name => "a name",
        Field::DisplayName => "a display name",
        Field::Station => "the police station of the location",
        Field::ReportedTo => "to whom the written report went",
    }
}

pub fn action(a: AuditAction) -> &'static str {
    use AuditAction::*;
    match a {
        AlertAcknowledged => "alerts acknowledged",
        AlertInProgress => "alerts taken in hand",
        AlertResolved => "alerts resolved",
        AlertSnoozed => "alerts snoozed",
        AlertReported => "reports raised",
        AlertsReconciled => "alert updates by the system",
        TeamAssigned => "responsible persons assigned",
        TeamUnassigned => "responsible persons removed",
        PersonCreated => "persons registered",
        PlaceAdded => "places registered",
        FollowUpRecorded => "follow-ups recorded",
        PatientRevealed => "full ID numbers viewed",
        PatientImported => "patients imported",
        PatientReimported => "patients updated by import",
        RosterImported => "rosters imported",
        IncidentOpened => "incidents opened",
        IncidentStepDone => "quick-response steps recorded",
        IncidentNoted => "incident notes",
        IncidentClosed => "incidents closed",
        ShiftTakenOver => "shifts taken over",
        ShiftHandedOver => "shifts handed over",
        OperatorAdded => "operators registered",
        OperatorDisabled => "operators disabled",
        OperatorEnabled => "operators enabled",
        KeyAdded => "SSH keys added",
        KeyRemoved => "SSH keys removed",
        ControlSet => "control levels set",
        ControlEnded => "control levels ended",
        ReportExported => "reports exported",
        IncidentStepSkipped => "quick-response steps skipped",
        IncidentStepCorrected => "quick-response steps corrected",
        IncidentTeamRevealed => "team phones viewed",
        DatabaseRestored => "database restores",
        FollowUpCorrected => "follow-ups corrected",
    }
}

fn kind(s: &Said) -> &'static str {
    s.kind.map(super::en::alert_kind).unwrap_or("")
}

fn patient(s: &Said) -> &str {
    s.patient.as_deref().unwrap_or("a patient")
}

fn vocab(code: Option<&str>) -> String {
    code.map(label).unwrap_or_default()
}

pub fn sentence(s: &Said) -> String {
    use AuditAction::*;
    let who = &s.who;
    let Some(action) = s.action else {
        return format!("{who} did something this version cannot read");
    };
    match action {
        AlertAcknowledged => format!("{who} acknowledged {}'s {} alert", patient(s), kind(s)),
        AlertInProgress => format!("{who} took {}'s {} alert in hand", patient(s), kind(s)),
        AlertResolved => {
            let note = s
                .text
                .as_deref()
                .map(|n| format!(": {n}"))
                .unwrap_or_default();
            let report = s
                .person
                .as_deref()
                .map(|to| {
                    format!(
                        ", reported in writing to {to} ({})",
                        s.date.as_deref().unwrap_or_default()
                    )
                })
                .unwrap_or_default();
            format!(
                "{who} resolved {}'s {} alert{report}{note}",
                patient(s),
                kind(s)
            )
        }
        AlertSnoozed => format!(
            "{who} snoozed {}'s {} alert until {} ({})",
            patient(s),
            kind(s),
            s.date.as_deref().unwrap_or(""),
            s.text.as_deref().unwrap_or("")
        ),
        AlertReported => format!(
            "{who} raised a report ({}) for {}: {}",
            s.role.as_deref().unwrap_or(""),
            patient(s),
            s.text.as_deref().unwrap_or("")
        ),
        AlertsReconciled => {
            let about = s
                .patient
                .as_deref()
                .map(|p| format!(" of {p}"))
                .unwrap_or_default();
            format!(
                "the system updated the alerts{about}: {} raised, {} cleared, {} changed",
                s.counts[0], s.counts[1], s.counts[2]
            )
        }
        TeamAssigned => {
            let replaced = s
                .replaced
                .as_deref()
                .map(|r| format!(" (replacing {r})"))
                .unwrap_or_default();
            format!(
                "{who} made {} the {} of {}{replaced}",
                s.person.as_deref().unwrap_or("a person"),
                vocab(s.role.as_deref()),
                patient(s)
            )
        }
        TeamUnassigned => format!(
            "{who} removed {} as the {} of {}",
            s.person.as_deref().unwrap_or("a person"),
            vocab(s.role.as_deref()),
            patient(s)
        ),
        PersonCreated | PlaceAdded => format!(
            "{who} registered the {} {}",
            vocab(s.role.as_deref()),
            s.person.as_deref().unwrap_or("")
        ),
        FollowUpRecorded => format!(
            "{who} recorded a follow-up of {} ({}, {})",
            patient(s),
            s.date.as_deref().unwrap_or(""),
            vocab(s.role.as_deref())
        ),
        PatientRevealed => format!("{who} viewed {}'s full ID number and phone", patient(s)),
        PatientImported => match (&s.text, s.number) {
            (Some(file), Some(line)) => format!(
                "{who} imported a new patient, {}, from row {line} of {file}",
                patient(s)
            ),
            _ => format!("{who} imported a new patient, {}", patient(s)),
        },
        RosterImported => format!(
            "{who} imported the roster {}: {} rows, {} added, {} updated, {} unchanged",
            s.text.as_deref().unwrap_or(""),
            s.number.unwrap_or(0),
            s.counts[0],
            s.counts[1],
            s.counts[2]
        ),
        PatientReimported => match (&s.text, s.step) {
            (Some(file), Some(line)) => format!(
                "{who} updated {} by import from row {line} of {file} ({} changes)",
                patient(s),
                s.number.unwrap_or(0)
            ),
            _ => format!(
                "{who} updated {} by import ({} changes)",
                patient(s),
                s.number.unwrap_or(0)
            ),
        },
        IncidentOpened => format!(
            "{who} opened incident #{} ({}, {})",
            s.number.unwrap_or(0),
            s.patient.as_deref().unwrap_or("unknown person"),
            s.text.as_deref().unwrap_or("")
        ),
        IncidentStepDone => format!(
            "{who} recorded step {} ({}) of incident #{} done by {}",
            s.step.unwrap_or(0),
            s.text.as_deref().unwrap_or(""),
            s.number.unwrap_or(0),
            s.person.as_deref().unwrap_or("")
        ),
        IncidentNoted => format!(
            "{who} added a note to incident #{}: {}",
            s.number.unwrap_or(0),
            s.text.as_deref().unwrap_or("")
        ),
        IncidentClosed => format!(
            "{who} closed incident #{}: {}",
            s.number.unwrap_or(0),
            // An outcome's code (hospital) is also a treatment place's: read it as the outcome.
            match s
                .role
                .as_deref()
                .and_then(crate::domain::incident::Outcome::parse)
            {
                Some(crate::domain::incident::Outcome::Hospital) => "sent to hospital".into(),
                Some(crate::domain::incident::Outcome::Home) => "stays at home".into(),
                Some(crate::domain::incident::Outcome::Police) => "handed to the police".into(),
                Some(crate::domain::incident::Outcome::Other) => "other".into(),
                None => vocab(s.role.as_deref()),
            }
        ),
        ShiftTakenOver => format!("{who} took over the shift"),
        ShiftHandedOver => format!("{who} handed over the shift"),
        OperatorAdded => format!(
            "{who} registered operator {} ({})",
            s.person.as_deref().unwrap_or(""),
            vocab(s.role.as_deref())
        ),
        OperatorDisabled => format!(
            "{who} disabled operator {}",
            s.person.as_deref().unwrap_or("")
        ),
        OperatorEnabled => format!(
            "{who} enabled operator {}",
            s.person.as_deref().unwrap_or("")
        ),
        KeyAdded => format!(
            "{who} added SSH key {} for {}",
            s.text.as_deref().unwrap_or(""),
            s.person.as_deref().unwrap_or("")
        ),
        KeyRemoved => format!(
            "{who} removed SSH key {} of {}",
            s.text.as_deref().unwrap_or(""),
            s.person.as_deref().unwrap_or("")
        ),
        ControlSet => format!(
            "{who} set control level {} ({}, {}): {}",
            s.number.unwrap_or(0),
            s.date.as_deref().unwrap_or(""),
            s.person.as_deref().unwrap_or("whole area"),
            s.text.as_deref().unwrap_or("")
        ),
        ControlEnded => format!(
            "{who} ended control level {} ({}, {})",
            s.number.unwrap_or(0),
            s.date.as_deref().unwrap_or(""),
            s.person.as_deref().unwrap_or("whole area")
        ),
        DatabaseRestored => format!(
            "{who} restored the database from the backup {}",
            s.text.as_deref().unwrap_or("")
        ),
        FollowUpCorrected => format!(
            "{who} corrected the day's follow-up of {} ({}, {}); the replaced record is kept in this entry",
            patient(s),
            s.date.as_deref().unwrap_or(""),
            vocab(s.role.as_deref())
        ),
        ReportExported => format!(
            "{who} exported the {} ({} rows{})",
            vocab(s.role.as_deref()),
            s.number.unwrap_or(0),
            if s.flag {
                ", with full ID numbers and phones"
            } else {
                ""
            }
        ),
        IncidentStepSkipped => format!(
            "{who} marked step {} ({}) of incident #{} ({}) skipped: {}",
            s.step.unwrap_or(0),
            s.role.as_deref().unwrap_or(""),
            s.number.unwrap_or(0),
            s.patient.as_deref().unwrap_or("unknown person"),
            s.text.as_deref().unwrap_or("")
        ),
        IncidentStepCorrected => format!(
            "{who} corrected step {} of incident #{} ({}): done by {}",
            s.step.unwrap_or(0),
            s.number.unwrap_or(0),
            s.patient.as_deref().unwrap_or("unknown person"),
            s.person.as_deref().unwrap_or("")
        ),
        IncidentTeamRevealed => format!(
            "{who} viewed the phones of {}'s five responsible persons during incident #{}",
            patient(s),
            s.number.unwrap_or(0)
        ),
    }
}

pub fn label(code: &str) -> String {
    let v = vocabulary(code);
    if v != "?" {
        return v.to_string();
    }
    if let Some(o) = crate::domain::incident::Outcome::parse(code) {
        return vocabulary(o.code()).to_string();
    }
    match code {
        "center" => "center operator",
        "auditor" => "auditor (read-only)",
        "clinic" => "clinic visit",
        "home_visit" => "home visit",
        "phone" => "phone call",
        "stats" => "statistical report",
        "exchange" => "police exchange list",
        "rewards" => "guardian reward list",
        "handover" => "handover",
        "quick_response" => "quick-response compliance",
        "console_report" => "console report",
        "kept_roster" => "kept roster",
        "patient" => "the patient",
        "working_away" => "working away",
        "moved_away" => "moved away",
        "three_misses" => "3 misses in a row",
        other => return other.to_string(),
    }
    .to_string()
}

fn field_label(key: &str) -> String {
    let last = key.rsplit('.').next().unwrap_or(key);
    last.replace('_', " ")
}

fn value(key: &str, v: &Option<serde_json::Value>) -> String {
    use serde_json::Value;
    let last = key.rsplit('.').next().unwrap_or(key);
    match v {
        None | Some(Value::Null) => "(empty)".into(),
        Some(Value::Bool(true)) => "yes".into(),
        Some(Value::Bool(false)) => "no".into(),
        Some(Value::String(s)) if last == "id_number" => crate::domain::id_number::mask_id_text(s),
        Some(Value::String(s)) if last == "phone" => crate::domain::id_number::mask_phone(s),
        Some(Value::String(s)) if last == "status" => {
            match serde_json::from_value::<crate::domain::alert::AlertStatus>(Value::String(
                s.clone(),
            )) {
                Ok(st) => super::en::alert_status(st).to_string(),
                Err(_) => label(s),
            }
        }
        Some(Value::String(s)) if last == "kind" => {
            match serde_json::from_value::<crate::domain::alert::AlertKind>(Value::String(
                s.clone(),
            )) {
                Ok(k) => super::en::alert_kind(k).to_string(),
                Err(_) => label(s),
            }
        }
        Some(Value::String(s)) => label(s),
        Some(Value::Number(n)) if last.starts_with("risk") => format!("level {n}"),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|x| value(key, &Some(x.clone())))
            .collect::<Vec<_>>()
            .join(", "),
        Some(other) => other.to_string(),
    }
}

pub fn change(c: &Change) -> String {
    format!(
        "{}: {} → {}",
        field_label(&c.field),
        value(&c.field, &c.before),
        value(&c.field, &c.after)
    )
}
