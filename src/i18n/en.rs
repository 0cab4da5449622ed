//! The English catalogue.

use super::Msg;
use crate::domain::alert::{AlertKind, AlertStatus};
use crate::domain::followup::{ClassReason, FollowUpRefusal};
use crate::domain::id_number::IdNumberError;
use crate::domain::patient::Vocabulary;
use crate::domain::team::AssignmentRefusal;
use crate::import::rows::Reason;

pub fn text(m: &Msg) -> String {
    match m {
        Msg::ImportSummary {
            file,
            rows,
            added,
            updated,
            unchanged,
            persons_created,
            warnings,
        } => {
            format!(
                "{file}: {rows} rows, {added} added, {updated} updated, {unchanged} unchanged, \
                 {persons_created} responsible persons created, {warnings} warnings"
            )
        }
        Msg::ImportDryRun => "Dry run (--dry-run): the database was not changed.".into(),
        Msg::ImportRefused {
            file,
            rows,
            errors,
            warnings,
        } => format!(
            "{file}: {rows} rows. Import refused: {errors} errors (and {warnings} warnings); no \
             row was written and the database was not changed. Correct the file and import it \
             again."
        ),
        Msg::ImportAlerts { opened, closed } => {
            format!("Alerts updated: {opened} raised, {closed} closed by themselves.")
        }
        Msg::ProblemLine {
            row,
            column,
            value,
            reason,
            warning,
        } => {
            let tag = if *warning { "warning" } else { "error" };
            if value.is_empty() {
                format!("{tag} row {row} [{column}]: {reason}")
            } else {
                format!("{tag} row {row} [{column}] \"{value}\": {reason}")
            }
        }
        Msg::Reason(r) => reason(r),
        Msg::IdNumber(e) => id_number(e),
        Msg::Assignment(a) => assignment(a),
        Msg::ConfigError {
            path,
            line,
            column,
            reason,
        } => match (line, column) {
            (Some(l), Some(c)) => format!("configuration {path}, line {l}, column {c}: {reason}"),
            (Some(l), None) => format!("configuration {path}, line {l}: {reason}"),
            _ => format!("configuration {path}: {reason}"),
        },
        Msg::StoreBusy => {
            "The database is busy with another program's write; try again (nothing was changed)."
                .into()
        }
        Msg::StoreOpen { path, reason } => format!("Cannot open the database {path}: {reason}"),
        Msg::StoreTooNew { found, known } => format!(
            "The database schema ({found}) is newer than this program ({known}); upgrade dutydesk."
        ),
        Msg::StoreOther(s) => format!("Database error: {s}"),
        Msg::NotFound(s) => format!("Not found: {s}"),
        Msg::TableUnreadable { path, reason } => format!("Cannot read {path}: {reason}"),
        Msg::TableEmpty { path } => format!("{path} has no header row or data."),
        Msg::TableUnsupported { path } => {
            format!("Unsupported file type: {path} (use .xlsx or .csv)")
        }
        Msg::DatabaseCreated { path } => format!("Database created: {path}"),
        Msg::DatabaseExists { path } => format!("Database exists, left as it is: {path}"),
        Msg::FirstOperator {
            path,
            login,
            created,
        } => format!(
            "{}: {path}; {login} is registered as its first center operator (add others with \
             dutydesk operator add).",
            if *created {
                "Database created"
            } else {
                "Database exists"
            }
        ),
        Msg::AdminNeeded { user } => format!(
            "{user} is a system account and cannot be an operator: name the first center \
             operator with --admin LOGIN (e.g. dutydesk init --admin zhangsan --name \"Zhang San\"). \
             Nothing was changed."
        ),
        Msg::OperatorsExist { path } => format!(
            "The database already has operators, left as it is: {path}. Register new operators \
             with dutydesk operator add."
        ),
        Msg::DemoBuilt {
            path,
            patients,
            alerts,
        } => {
            format!("Demo database built: {path} ({patients} fictional patients, {alerts} alerts)")
        }
        Msg::DemoExists { path } => format!("Using the existing demo database: {path}"),
        Msg::CheckOk {
            version,
            patients,
            audit_rows,
        } => format!(
            "Integrity check: ok. Schema version {version}, {patients} patients, {audit_rows} \
             audit rows."
        ),
        Msg::CheckProblems { version, problems } => format!(
            "Integrity check found problems (schema version {version}):\n{}",
            problems.join("\n")
        ),
        Msg::BackupDone { path } => format!("Backed up to {path}"),
        Msg::BackupExists { path } => format!("Backup target exists, not overwritten: {path}"),
        Msg::BadTime(s) => format!(
            "Cannot read the time \"{s}\": type Beijing time, e.g. 23:40 or 2026-11-22 23:40"
        ),
        Msg::BadAsOf(s) => {
            format!("Bad time \"{s}\": use RFC 3339, e.g. 2025-03-05T08:00:00+08:00")
        }
        Msg::NoAlerts => "No alerts.".into(),
        Msg::NoPatients => "No patients match.".into(),
        Msg::AlertHeader => {
            "Sev Kind              Patient   Risk   Village       Station       Status    Overdue"
                .into()
        }
        Msg::PatientHeader => {
            "Name      ID number           Risk   Condition Status Village       Station".into()
        }
        Msg::FollowUpRefused(r) => followup_refusal(r),
        Msg::ClassReason(r) => class_reason(*r).into(),
        Msg::UnknownOperator { login } => format!(
            "operator '{login}' is not registered: a center operator registers operators with \
             'dutydesk operator add'; the database's administrator may name a registered one \
             with --operator."
        ),
        Msg::OperatorDisabled { login } => format!("Operator \"{login}\" is disabled."),
        Msg::StepAlreadyDone { step, actor } => {
            format!("Step {step} was already recorded ({actor}); not recorded twice.")
        }
        Msg::ReportWritten { path } => format!("Written: {path}"),
        Msg::BadPeriod => "the end date is before the start date".into(),
        Msg::RewardDue => "due".into(),
        Msg::RewardNotDue => "not due".into(),
        Msg::RewardReason(d) => match d {
            crate::domain::reward::RewardDecision::Due => String::new(),
            crate::domain::reward::RewardDecision::IncidentThisMonth => {
                "an incident this month".into()
            }
            crate::domain::reward::RewardDecision::Suspended { until } => {
                format!("suspended after an incident, until {until}")
            }
            crate::domain::reward::RewardDecision::NoGuardian => "no guardian assigned".into(),
            crate::domain::reward::RewardDecision::MissingThisMonth => {
                "missing on some day this month: supervision agreement not kept".into()
            }
        },
        Msg::RewardTotal {
            month,
            guardians,
            yuan,
        } => {
            format!("{month}: {guardians} guardians due, {yuan} yuan in all")
        }
        Msg::NotAllowed { login } => format!("Operator \"{login}\" may not do this."),
        Msg::ShiftTaken => "Shift taken over. The last handover:".into(),
        Msg::ShiftHandedOver => "Handed over; the handover is stored:".into(),
        Msg::NoHandover => "No earlier handover.".into(),
        Msg::BadKeyFile { path, reason } => {
            format!("{path} is not an OpenSSH public key: {reason}")
        }
        Msg::KeyAdded { login, fingerprint } => format!("Key {fingerprint} added for {login}"),
        Msg::NoIncidents => "No incidents.".into(),
        Msg::NoFollowups => "No follow-ups.".into(),
        Msg::StepState(st) => step_state(*st),
        Msg::IncidentOpened { id } => format!("Incident #{id} opened; its clock is running."),
        Msg::StepRecorded { step, state } => {
            format!("Step {step} recorded: {}", step_state(*state))
        }
        Msg::NoteAdded => "Note added.".into(),
        Msg::BadOutcome(s) => {
            format!("Outcome \"{s}\" not understood: use hospital, home, police or other")
        }
        Msg::ClosingRefused(r) => match r {
            crate::domain::incident::ClosingRefusal::SyncItemUnanswered(p) => format!(
                "the checklist item \"{}\" is neither ticked nor explained; cannot close",
                match p {
                    crate::domain::incident::SyncPart::Legal => "legal handling",
                    crate::domain::incident::SyncPart::Opinion => "public-opinion guidance",
                    crate::domain::incident::SyncPart::Social => "social control",
                }
            ),
            crate::domain::incident::ClosingRefusal::CasualtiesExceedPersons => {
                "more injured and dead than persons involved".into()
            }
        },
        Msg::IncidentClosed { id } => format!("Incident #{id} closed."),
        Msg::ComplianceHeader {
            from,
            to,
            incidents,
        } => {
            format!("Quick-response compliance {from} to {to}: {incidents} incidents")
        }
        Msg::ComplianceLine {
            step,
            label,
            met,
            counted,
            share,
            median,
        } => format!(
            "step {step} {label}: on time {met}/{counted} ({}), median {}",
            share
                .map(|x| format!("{:.0}%", x * 100.0))
                .unwrap_or_else(|| "-".into()),
            median
                .map(|m| format!("{m:.0}s"))
                .unwrap_or_else(|| "-".into())
        ),
        Msg::StationRequired => "A station operator needs --station.".into(),
        Msg::OperatorAdded { login } => format!("Operator registered: {login}"),
        Msg::OperatorEnabled { login } => format!("Operator '{login}' enabled."),
        Msg::KeyRemoved { fingerprint } => {
            format!("Key {fingerprint} removed; sessions opened with it end within seconds.")
        }
        Msg::AuditTriggerMissing { name } => {
            format!(
                "the audit log's protecting trigger {name} was dropped: the log may have been rewritten"
            )
        }
        Msg::AuditChainBroken { row } => format!(
            "audit log row {row} does not fit the hash chain: it or the row before it was \
             changed, removed or replaced"
        ),
        Msg::RosterNotKept { sha } => format!(
            "no single kept roster's SHA-256 starts with {sha}: see audit rosters and give more \
             of it"
        ),
        Msg::NoKeptRosters => "No import has kept a roster yet.".into(),
        Msg::KeptRosterRows {
            rows,
            added,
            updated,
            unchanged,
        } => format!("{rows} rows: {added} added, {updated} updated, {unchanged} unchanged"),
        Msg::AuditChainOk { rows, rosters: 0 } => {
            format!("The audit log's hash chain is whole ({rows} rows checked).")
        }
        Msg::AuditChainOk { rows, rosters } => format!(
            "The audit log's hash chain is whole ({rows} rows checked, with the rosters \
             {rosters} imports kept and the rows each new patient came from)."
        ),
        Msg::AuditHead { row, hash } => format!("Audit log head: row #{row}, hash {hash}"),
        Msg::ConfirmReplace {
            old,
            new,
            patient,
            role,
        } => format!("Replace {old} with {new} as the {role} of {patient}?"),
        Msg::ConfirmUnassign {
            person,
            patient,
            role,
        } => format!("Remove {person} as the {role} of {patient}?"),
        Msg::BadRole(r) => format!(
            "unknown role '{r}': township_cadre, station_officer, village_cadre, doctor or guardian"
        ),
        Msg::NoSuchPerson(n) => {
            format!("no '{n}' in the persons directory (register them with 'person add')")
        }
        Msg::AmbiguousPerson(n) => format!("there are several '{n}': say which with --phone"),
        Msg::WorkloadWarning {
            person,
            after,
            threshold,
        } => format!(
            "note: {person} now serves {after} high-risk patients, above the threshold of {threshold}"
        ),
        Msg::RoleEmpty(r) => format!("nobody is the patient's {r} now"),
        Msg::FlagRequired(f) => format!(
            "{f} is required: when the patient or an informant was seen, the form's answer must be given"
        ),
        Msg::RiskLevel(n) => format!("risk level {n}"),
        Msg::PersonAdded { name, kind } => format!("Person registered: {name} ({kind})"),
        Msg::PlaceAdded { kind, name } => format!("Registered the {kind} {name}"),
        Msg::ControlSet {
            id,
            level,
            from,
            to,
        } => format!(
            "Control level {level} set (#{id}): {from} to {to}; high-risk patients are visited \
             within that level's cap meanwhile"
        ),
        Msg::ControlEnded { id } => format!("Control order #{id} ended"),
        Msg::ControlLine {
            id,
            level,
            from,
            to,
            area,
            reason,
            in_force,
            ended,
        } => {
            let state = if *ended {
                "ended early"
            } else if *in_force {
                "in force"
            } else {
                "not in force"
            };
            let area = if area.is_empty() { "whole area" } else { area };
            format!("#{id} level {level} {from} to {to} {area} {state}: {reason}")
        }
        Msg::DrillMade { path } => format!(
            "Drill database made: {path}. On it, writes may take --as-of (the audit still \
             records the real time)."
        ),
        Msg::Disabled => "disabled".into(),
        Msg::ConsoleNeedsTerminal => "The console needs a terminal (standard input/output is not \
             one). Scripts can use alerts, patients and the other commands."
            .into(),
        Msg::BadKey { action, key } => {
            format!("configuration [keys]: key \"{key}\" for {action} is not understood")
        }
        Msg::Ssh(t) => super::en_ssh::text(t),
        Msg::UnknownSymptom(w, all) => {
            format!("--symptom {w}: not a symptom of the follow-up record; one of: {all}")
        }
        Msg::DaysOverdue(d) => format!("{d}d"),
        Msg::OutputExists { path } => format!("{path} already exists and was not overwritten."),
        Msg::ForceHint => "Add --force to replace it (atomically: never half a file).".into(),
        Msg::OutputSymlink { path } => {
            format!("{path} is a symbolic link; refused, so that nothing is written elsewhere.")
        }
        Msg::OutputDatabase { path } => format!(
            "{path} is a database file (or its -wal/-shm file); an export cannot overwrite it."
        ),
        Msg::OutputNotRegular { path } => {
            format!("{path} is not a regular file (a folder or a device); nothing written.")
        }
        Msg::OutputFailed { path, reason } => format!("Cannot write {path}: {reason}"),
        Msg::Table(e) => table_error(e),
        Msg::ProblemsOmitted { count } => format!(
            "… and {count} more problems not listed (the first {} are shown); fix these and \
             check again.",
            crate::import::rows::MAX_LISTED_PROBLEMS
        ),
        Msg::CopyVerified {
            path,
            version,
            patients,
            audit_rows,
        } => format!(
            "Verified: {path} (schema version {version}, {patients} patients, \
             {audit_rows} audit entries)"
        ),
        Msg::CopyNotDatabase { path } => {
            format!("{path} is not a dutydesk database; nothing was changed.")
        }
        Msg::CopySameFile { path } => {
            format!("{path} is the current database itself; nothing to restore.")
        }
        Msg::CopyUnsound { path, problems } => format!(
            "{path} failed the check; nothing was changed:\n{}",
            problems.join("\n")
        ),
        Msg::CopyInUse { path } => format!(
            "The database {path} is in use by another program (a console, the SSH server or a \
             command). Close them all (stop serve) and restore again; nothing was changed."
        ),
        Msg::RestoreDone { path, kept } => match kept {
            Some(k) => format!("Restored {path}; the previous database is kept as {k}"),
            None => format!("Restored {path}"),
        },
        Msg::StepSkipped { step } => format!("Step {step} marked skipped."),
        Msg::StepCorrected { step, actor, at } => {
            format!(
                "Step {step} corrected: done by {actor} at {at} (the original stays in the log)."
            )
        }
        Msg::TeamSeat { role, name, phone } => format!("{role}\t{name}\t{phone}"),
        Msg::TeamSeatEmpty { role } => format!("{role}\t(not assigned)"),
    }
}

fn table_error(e: &crate::import::table::TableError) -> String {
    use crate::import::table::{ForeignEncoding, TableError as E};
    let save_as = "In Excel, use Save As \"CSV UTF-8 (Comma delimited)\" or .xlsx and import again";
    match e {
        E::Unreadable { path, reason } => format!("Cannot read {path}: {reason}"),
        E::NoSheet { path } | E::Empty { path } => format!("{path} has no header and no data."),
        E::NoRows { path, header_row } => format!(
            "{path} has only a header (row {header_row}) and no patient rows; nothing imported."
        ),
        E::UnsupportedType { path } => format!("Unsupported file type: {path} (use .xlsx or .csv)"),
        E::OldWorkbook { path } => format!(
            "{path} is an old Excel (.xls) or other spreadsheet format; save it as .xlsx in \
             Excel or WPS and import again."
        ),
        E::NotRegular { path } => {
            format!("{path} is not a regular file (a folder, pipe or device); not read.")
        }
        E::TooLarge { path, max } => format!(
            "{path} is too large (over {} MB) to be a roster; not read.",
            max / (1024 * 1024)
        ),
        E::TooManyRows { path, max } => format!(
            "{path} has more than {max} rows, the most one import takes; split it by township."
        ),
        E::TooManyColumns {
            path,
            row,
            column,
            max,
        } => format!(
            "{path}: row {row} has a value in column {column}, beyond the first {max} columns; \
             delete what lies to the right of the roster and import again."
        ),
        E::Delimiter { path, delimiter } => {
            let name = match delimiter {
                ';' => "semicolons (;)",
                '\t' => "tabs",
                _ => "vertical bars (|)",
            };
            format!("{path} separates its columns with {name}, not commas. {save_as}.")
        }
        E::Encoding { path, encoding } => match encoding {
            ForeignEncoding::Utf16 => {
                format!("{path} is UTF-16 (Excel's \"Unicode Text\"). {save_as}.")
            }
            ForeignEncoding::Big5 => format!("{path} is in Big5 (traditional Chinese). {save_as}."),
            ForeignEncoding::Other => format!(
                "{path} is neither UTF-8 nor GBK (perhaps Latin-1 or another Western code \
                 page). {save_as}."
            ),
        },
    }
}

fn step_state(s: crate::domain::incident::StepState) -> String {
    use crate::domain::incident::StepState::*;
    match s {
        Pending { seconds_left } => format!("{seconds_left}s left"),
        Met { .. } => "met".into(),
        Late { seconds_late } => format!("late by {seconds_late}s"),
        Overdue { seconds_late } => format!("overdue {seconds_late}s"),
        Skipped => "skipped".into(),
        Unfinished { seconds_left } => format!("not done at closing ({seconds_left}s left)"),
    }
}

fn followup_refusal(r: &FollowUpRefusal) -> String {
    match r {
        FollowUpRefusal::Contradiction(c) => {
            let reasons: Vec<&str> = c.reasons.iter().map(|r| class_reason(*r)).collect();
            format!(
                "class contradicts the answers: recorded {}, the answers give {} ({})",
                vocabulary(crate::domain::patient::Vocabulary::code(c.recorded)),
                vocabulary(crate::domain::patient::Vocabulary::code(c.required)),
                reasons.join(", ")
            )
        }
        FollowUpRefusal::DateInFuture => "the follow-up date is after today".into(),
        FollowUpRefusal::DateBeforeLastFollowUp => "the date is before the last follow-up".into(),
        FollowUpRefusal::NextDateNotAfterVisit => "the next date must be after this one".into(),
        FollowUpRefusal::PatientInactive => {
            "the patient moved out, died or was closed; no follow-up".into()
        }
        FollowUpRefusal::RiskBelowBehaviour { minimum } => format!(
            "the dangerous behaviour recorded means risk level {} at least; give a reason to record a lower one",
            minimum.value()
        ),
        FollowUpRefusal::AwayWithoutDestination => "working away needs a destination".into(),
        FollowUpRefusal::AwayWithoutDepartureDate => "working away needs the departure date".into(),
        FollowUpRefusal::DepartureAfterVisit => {
            "the departure date is after the day of the follow-up".into()
        }
    }
}

fn class_reason(r: ClassReason) -> &'static str {
    match r {
        ClassReason::RiskThreeToFive => "risk level 3-5",
        ClassReason::MarkedSymptoms => "marked symptoms",
        ClassReason::NoInsight => "no insight",
        ClassReason::SevereDrugReaction => "severe drug reaction",
        ClassReason::SeriousPhysicalIllness => "serious physical illness",
        ClassReason::RiskOneToTwo => "risk level 1-2",
        ClassReason::SymptomsPresent => "symptoms present",
        ClassReason::InsightPartial => "partial insight",
        ClassReason::SocialFunctionPoor => "poor social function",
    }
}

fn phone(p: &crate::import::phone::PhoneProblem) -> String {
    use crate::import::phone::PhoneProblem as P;
    let rule = "a mobile has 11 digits starting with 1; a landline starts with its area code (0…)";
    match p {
        P::BadCharacter(c) => format!("“{c}” is no part of a phone number ({rule})"),
        P::MobileLength(n) => format!("{n} digits; a mobile number has 11"),
        P::LandlineLength(n) => {
            format!("{n} digits; a landline with its area code has 10 to 12")
        }
        P::NoAreaCode => format!("a local number without its area code ({rule})"),
        P::NotAPhone => format!("not a phone number ({rule})"),
    }
}

fn reason(r: &Reason) -> String {
    match r {
        Reason::MissingColumn => "required column missing".into(),
        Reason::UnknownColumn => "unknown column, ignored".into(),
        Reason::DuplicateColumn => "column appears twice".into(),
        Reason::Required => "required value is empty".into(),
        Reason::IdNumber(e) => id_number(e),
        Reason::GenderMismatch { from_id } => {
            format!(
                "gender disagrees with the ID number (which says {})",
                vocabulary(crate::domain::patient::Vocabulary::code(*from_id))
            )
        }
        Reason::UnknownGender => "gender must be 男 or 女".into(),
        Reason::BadDate => "unreadable date (write 2025-03-05, 2025/3/5 or 2025年3月5日)".into(),
        Reason::FutureDate => "date is after today".into(),
        Reason::UnknownDiagnosis => {
            "diagnosis is not one of the six severe mental disorders".into()
        }
        Reason::UnknownLevel => "risk level must be 0 to 5".into(),
        Reason::HighestBelowCurrent => "highest risk ever is below the current risk".into(),
        Reason::UnknownCondition => "condition must be 稳定, 基本稳定 or 不稳定".into(),
        Reason::UnknownStatus => {
            "status must be 在管, 住院, 外出, 失访, 拒访, 迁出, 死亡 or 销案".into()
        }
        Reason::UnknownGuardianship => "guardianship must be 有, 弱 or 无".into(),
        Reason::UnknownTreatment => "treatment must be 居家 or 住院".into(),
        Reason::UnknownMedication => "medication must be 长效针剂, 口服 or 未服药".into(),
        Reason::UnknownCompliance => "compliance must be 规律, 间断 or 不服药".into(),
        Reason::BadFlag => "must be 是 or 否".into(),
        Reason::DuplicateId { first_row } => format!("ID number repeats row {first_row}"),
        Reason::RiskConditionMismatch { risk, condition } => format!(
            "risk level {risk} disagrees with condition {} (3+ must be unstable, 1-2 cannot be \
             stable); imported as written",
            vocabulary(crate::domain::patient::Vocabulary::code(*condition))
        ),
        Reason::PhoneWithoutName => "phone without a name, ignored".into(),
        Reason::AwayWithoutDestination => {
            "away with no destination: the receiving area cannot be told".into()
        }
        Reason::AwayWithoutDate => {
            "away with no departure date: a long absence cannot be seen".into()
        }
        Reason::OutsideJurisdiction(a) => assignment(a),
        Reason::ControlCharacter(c) => format!(
            "contains {} (U+{:04X}); roster text may not hold control characters, terminal \
             escapes or direction overrides",
            if c.is_control() {
                "a control character"
            } else {
                "an invisible formatting character (text direction or line separator)"
            },
            *c as u32
        ),
        Reason::TooLong { max, length } => {
            format!("{length} characters, more than the {max} this column takes")
        }
        Reason::DateBeforeBirth { birth } => {
            format!("date is before the patient's birth ({birth}, from the ID number)")
        }
        Reason::SerialNumberDate { as_date } => format!(
            "an Excel date serial number (it would be {as_date}); write the date as {as_date}, \
             or format the column as a date before saving the CSV"
        ),
        Reason::BadPhone(p) => phone(p),
    }
}

fn id_number(e: &IdNumberError) -> String {
    match e {
        IdNumberError::WrongLength(n) => format!("ID number must have 18 characters, not {n}"),
        IdNumberError::BadCharacter { position, found } => {
            format!(
                "ID number character {position} '{found}' is not a digit (only the last may be X)"
            )
        }
        IdNumberError::BadBirthDate(s) => format!("birth date {s} in the ID number does not exist"),
        IdNumberError::BirthDateInFuture(d) => {
            format!("birth date {d} in the ID number is after today")
        }
        IdNumberError::BadChecksum { expected, found } => {
            format!("ID number check character is {found}, should be {expected}")
        }
    }
}

fn assignment(a: &AssignmentRefusal) -> String {
    match a {
        AssignmentRefusal::OfficerOutsideStation {
            person_station,
            patient_station,
        } => format!(
            "the officer belongs to {person_station} but the patient to {patient_station}; the \
             officer must come from the patient's station"
        ),
        AssignmentRefusal::CadreOutsideTownship {
            person_township,
            patient_township,
        } => {
            format!("the cadre belongs to {person_township} but the patient to {patient_township}")
        }
        AssignmentRefusal::CadreOutsideVillage {
            person_village,
            patient_village,
        } => format!(
            "the village cadre belongs to {person_village} but the patient to {patient_village}"
        ),
        AssignmentRefusal::DoctorOutsideTownship {
            person_township,
            patient_township,
        } => format!(
            "the doctor belongs to {person_township} but the patient to {patient_township}; the \
             doctor must come from a health unit of the patient's township (a county hospital's \
             doctor must be marked county-wide)"
        ),
        AssignmentRefusal::WrongKind { kind, role } => format!(
            "this person is registered as {}, and cannot serve as {} (needs a {})",
            vocabulary(kind.code()),
            vocabulary(role.code()),
            vocabulary(role.kind().code())
        ),
    }
}

/// English names of the vocabulary codes (diagnoses, statuses, roles…).
pub fn vocabulary(code: &str) -> &'static str {
    match code {
        "male" => "male",
        "female" => "female",
        "schizophrenia" => "schizophrenia",
        "schizoaffective" => "schizoaffective disorder",
        "delusional_disorder" => "persistent delusional disorder",
        "bipolar" => "bipolar disorder",
        "epilepsy_psychosis" => "mental disorder due to epilepsy",
        "intellectual_disability_psychosis" => "intellectual disability with mental disorder",
        "stable" => "stable",
        "basically_stable" => "basically stable",
        "unstable" => "unstable",
        "normal" => "normal",
        "weak" => "weak",
        "none" => "none",
        "managed" => "managed",
        "in_hospital" => "in hospital",
        "away" => "away",
        "missing" => "missing",
        "refuses" => "refuses",
        "moved_out" => "moved out",
        "deceased" => "deceased",
        "closed" => "closed",
        "home" => "at home",
        "hospital" => "in hospital",
        "long_acting_injection" => "long-acting injection",
        "oral" => "oral",
        "regular" => "regular",
        "intermittent" => "intermittent",
        "not_taking" => "not taking",
        "not_needed" => "not needed",
        "cured" => "cured",
        "improved" => "improved",
        "unchanged" => "unchanged",
        "worse" => "worse",
        "not_locked" => "never locked up",
        "locked" => "locked up",
        "lock_released" => "lock-up ended",
        "never_admitted" => "never in hospital",
        "admitted_now" => "in hospital now",
        "admitted_before" => "in hospital before, not now",
        "hallucination" => "hallucinations",
        "communication" => "difficulty communicating",
        "suspicion" => "suspiciousness",
        "moody" => "moodiness",
        "bizarre" => "bizarre behaviour",
        "talkative" => "excited, talkative",
        "violence" => "hurting people, breaking things",
        "pessimism" => "pessimism, weariness of life",
        "wandering" => "wandering off for no reason",
        "self_talk" => "talking or laughing to self",
        "withdrawn" => "withdrawn, idle",
        "township_cadre" => "township cadre",
        "station_officer" => "station officer",
        "village_cadre" => "village cadre",
        "doctor" => "mental-health doctor",
        "guardian" => "guardian",
        "cadre" => "cadre",
        "officer" => "police officer",
        "other" => "other",
        "township" => "township",
        "village" => "village",
        "station" => "police station",
        _ => "?",
    }
}

pub fn alert_kind(k: AlertKind) -> &'static str {
    match k {
        AlertKind::Missing => "missing (whereabouts unknown)",
        AlertKind::LeftArea => "left area",
        AlertKind::Unstable => "unstable",
        AlertKind::FollowupOverdue => "follow-up overdue",
        AlertKind::VisitOverdue => "visit overdue",
        AlertKind::TeamIncomplete => "team incomplete",
        AlertKind::Guardianship => "guardian not designated",
        AlertKind::GuidanceNeeded => "needs a psychiatrist's guidance",
        AlertKind::Reported => "reported",
        AlertKind::Refused => "refuses follow-up",
        AlertKind::AwayLong => "away too long",
        AlertKind::ReassessmentDue => "reassessment after incident",
        AlertKind::TransferredIn => "newly transferred in",
    }
}

pub fn alert_status(s: AlertStatus) -> &'static str {
    match s {
        AlertStatus::New => "new",
        AlertStatus::Acknowledged => "acknowledged",
        AlertStatus::InProgress => "in progress",
        AlertStatus::Resolved => "resolved",
    }
}
