//! The five responsible persons (五位一体): registering a person, assigning one to a role,
//! replacing or removing them. Every assignment is checked against the person's kind and the
//! patient's jurisdiction inside the transaction that writes it, whichever path asked (the
//! picker, a new person typed in the console, the command line), and is compare-and-set on
//! the holder the operator saw, so a replacement is always one the operator confirmed.

use serde::Serialize;
use serde_json::json;

use super::error::Field;
use super::{Act, Conflict, Desk, DeskError, Need, Refusal, Result, Thing};
use crate::domain::audit::AuditAction;
use crate::domain::patient::{Patient, Vocabulary};
use crate::domain::team::{Person, Role, WorkloadWarning, check_assignment, workload_warning};
use crate::store::audit::AuditEvent;
use crate::store::persons::{self, NewPerson};
use crate::store::places;

/// Whom the operator saw in the role when they chose to assign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holder {
    /// The role was empty: assigning must not replace anyone.
    Empty,
    /// This person held it, and the operator confirmed replacing (or removing) them.
    Person(i64),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assigned {
    pub patient: String,
    pub role: Role,
    pub person: Person,
    pub replaced: Option<Person>,
    /// The person now serves more high-risk patients than the threshold.
    #[serde(skip)]
    pub workload: Option<WorkloadWarning>,
    pub person_created: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unassigned {
    pub patient: String,
    pub role: Role,
    pub person: Person,
}

impl Desk<'_> {
    /// Registers a person. Their township, village and station must be in the register; a
    /// station desk registers persons of its own station only.
    pub fn add_person(&mut self, new: &NewPerson) -> Result<Person> {
        let new = tidy(new)?;
        self.act(Need::Write, |act| {
            if let Some(p) = persons::find_in(act.tx, &new.name, &new.phone)? {
                return Err(DeskError::Refused(Refusal::PersonExists {
                    name: p.name,
                    phone: p.phone,
                }));
            }
            create_person(act, &new)
        })
    }

    /// Puts a registered person in `role` for the patient.
    pub fn assign(
        &mut self,
        patient_id: i64,
        role: Role,
        person_id: i64,
        holder: Holder,
    ) -> Result<Assigned> {
        self.act(Need::Write, |act| {
            let patient = act.patient(patient_id)?;
            let person = persons::load(act.tx, person_id)
                .map_err(|_| DeskError::NotFound(Thing::Person(person_id)))?;
            seat(act, &patient, role, person, holder, false)
        })
    }

    /// Assigns the person with this name and phone, registering them first when new, in one
    /// transaction: an existing person found by name and phone is held to the same checks as
    /// one picked from the list.
    pub fn assign_new(
        &mut self,
        patient_id: i64,
        role: Role,
        new: &NewPerson,
        holder: Holder,
    ) -> Result<Assigned> {
        let new = tidy(new)?;
        self.act(Need::Write, |act| {
            let patient = act.patient(patient_id)?;
            let (person, created) = match persons::find_in(act.tx, &new.name, &new.phone)? {
                Some(p) => (p, false),
                None => (create_person(act, &new)?, true),
            };
            seat(act, &patient, role, person, holder, created)
        })
    }

    /// Empties `role` for the patient, if `person_id` still holds it.
    pub fn unassign(&mut self, patient_id: i64, role: Role, person_id: i64) -> Result<Unassigned> {
        self.act(Need::Write, |act| {
            let patient = act.patient(patient_id)?;
            let current = persons::holder(act.tx, patient_id, role)?;
            if current != Some(person_id) {
                return Err(assignment_conflict(act, &patient, role, current));
            }
            let person = persons::load(act.tx, person_id)?;
            persons::remove_assignment(act.tx, patient_id, role, person_id)?;
            act.audit(
                AuditEvent::new(AuditAction::TeamUnassigned, "patient", patient_id)
                    .patient(patient_id, &patient.jurisdiction.station)
                    .before(json!({"role": role, "person_id": person.id, "person": person.name})),
            )?;
            act.refresh(patient_id)?;
            Ok(Unassigned {
                patient: patient.name.clone(),
                role,
                person,
            })
        })
    }
}

/// Trims the text fields and refuses an empty name.
fn tidy(new: &NewPerson) -> Result<NewPerson> {
    let mut n = new.clone();
    n.name = n.name.trim().to_string();
    n.phone = n.phone.trim().to_string();
    n.unit = n.unit.trim().to_string();
    n.jurisdiction.township = n.jurisdiction.township.trim().to_string();
    n.jurisdiction.village = n.jurisdiction.village.trim().to_string();
    n.jurisdiction.station = n.jurisdiction.station.trim().to_string();
    if n.name.is_empty() {
        return Err(DeskError::Refused(Refusal::Missing(Field::Name)));
    }
    Ok(n)
}

fn create_person(act: &mut Act, new: &NewPerson) -> Result<Person> {
    if let Some((kind, name)) = places::first_unknown(act.tx, &new.jurisdiction)? {
        return Err(DeskError::Refused(Refusal::UnknownPlace { kind, name }));
    }
    if let Some(own) = act.scope.station()
        && !new.jurisdiction.station.is_empty()
        && new.jurisdiction.station != own
    {
        return Err(DeskError::Refused(Refusal::UnknownPlace {
            kind: places::PlaceKind::Station,
            name: new.jurisdiction.station.clone(),
        }));
    }
    let person = persons::insert(act.tx, new, act.now)?;
    act.audit(
        AuditEvent::new(AuditAction::PersonCreated, "person", person.id)
            .station(act.scope.station())
            .after(json!({
                "name": person.name, "kind": person.kind, "unit": person.unit,
                "township": person.jurisdiction.township, "village": person.jurisdiction.village,
                "station": person.jurisdiction.station,
            })),
    )?;
    Ok(person)
}

/// The assignment itself: the holder is the one the operator saw, the person's kind and
/// jurisdiction fit, then the row, the audit naming both persons, and the alerts.
fn seat(
    act: &mut Act,
    patient: &Patient,
    role: Role,
    person: Person,
    holder: Holder,
    created: bool,
) -> Result<Assigned> {
    // The person must fit the role first: a refusal for who they are comes before any
    // question of whom they would replace.
    check_assignment(&patient.jurisdiction, role, &person)
        .map_err(|r| DeskError::Refused(Refusal::Assignment(r)))?;
    let current = persons::holder(act.tx, patient.id, role)?;
    match (holder, current) {
        (Holder::Empty, Some(id)) if id != person.id => {
            let held = persons::load(act.tx, id)?;
            return Err(DeskError::Refused(Refusal::ReplaceUnconfirmed {
                role,
                holder: held.name,
            }));
        }
        (Holder::Person(seen), now) if now != Some(seen) => {
            return Err(assignment_conflict(act, patient, role, now));
        }
        _ => {}
    }
    check_assignment(&patient.jurisdiction, role, &person)
        .map_err(|r| DeskError::Refused(Refusal::Assignment(r)))?;
    let replaced = match current {
        Some(id) if id != person.id => Some(persons::load(act.tx, id)?),
        _ => None,
    };
    let workload = if current == Some(person.id) {
        None
    } else {
        let high_risk = high_risk_workload(act, person.id)?;
        persons::put_assignment(
            act.tx,
            patient.id,
            role,
            person.id,
            act.now,
            &act.operator.login.clone(),
        )?;
        act.audit(
            AuditEvent::new(AuditAction::TeamAssigned, "patient", patient.id)
                .patient(patient.id, &patient.jurisdiction.station)
                .before(match &replaced {
                    Some(r) => json!({"role": role, "person_id": r.id, "person": r.name}),
                    None => json!({"role": role}),
                })
                .after(json!({"role": role, "person_id": person.id, "person": person.name})),
        )?;
        act.refresh(patient.id)?;
        workload_warning(high_risk, patient.is_high_risk(), &act.config.team)
    };
    Ok(Assigned {
        patient: patient.name.clone(),
        role,
        person,
        replaced,
        workload,
        person_created: created,
    })
}

fn high_risk_workload(act: &Act, person_id: i64) -> Result<u32> {
    Ok(persons::high_risk_workload_in(act.tx, person_id)?)
}

/// The role's holder is not the one the operator saw: say who holds it now and who put them.
fn assignment_conflict(act: &Act, patient: &Patient, role: Role, now: Option<i64>) -> DeskError {
    let holder = now
        .and_then(|id| persons::load(act.tx, id).ok())
        .map(|p| p.name);
    let by = persons::assigned_by(act.tx, patient.id, role)
        .ok()
        .flatten()
        .map(|login| super::alerts::display_name(act, &login))
        .unwrap_or_default();
    DeskError::Conflict(Conflict::Assignment { role, holder, by })
}

/// Role names for messages; kept here so the CLI and console agree on the code form.
pub fn role_from_code(code: &str) -> Option<Role> {
    Role::from_code(code).or_else(|| Role::parse_zh(code))
}
