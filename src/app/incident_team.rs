//! The five responsible persons of an incident's patient, as the incident screen shows them
//! during a response (phones masked until one audited reveal), and the persons an operator
//! picks a step's actor from: the patient's team first, then the persons of the incident's
//! station and the patient's township. Loaded on the store thread; the console only reads it.

use crate::domain::id_number::mask_phone;
use crate::domain::team::{PersonKind, Role};
use crate::store::operators::Operator;
use crate::store::{Result, Store};

use super::search;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamSeat {
    pub role: Role,
    pub name: String,
    /// Masked unless revealed.
    pub phone: String,
}

/// A person an actor can be picked from, with the search key built once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorCandidate {
    pub name: String,
    /// The role held for this patient, if on the team.
    pub role: Option<Role>,
    pub kind: PersonKind,
    pub unit: String,
    pub haystack: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentTeam {
    pub incident_id: i64,
    /// In the order of the five roles; empty for an unknown person.
    pub seats: Vec<TeamSeat>,
    /// Roles no one holds.
    pub missing: Vec<Role>,
    pub revealed: bool,
    pub candidates: Vec<ActorCandidate>,
}

impl IncidentTeam {
    /// The candidates whose name, unit or pinyin match every word typed, team first.
    pub fn matching(&self, typed: &str) -> Vec<&ActorCandidate> {
        let words = search::words(typed);
        self.candidates
            .iter()
            .filter(|c| search::matches(&c.haystack, &words))
            .collect()
    }
}

/// The team and candidates of incident `incident_id` in the operator's scope; `None` when the
/// scope does not see it. Phones are full only when `revealed` (after the audited reveal).
pub fn load_incident_team(
    store: &Store,
    operator: &Operator,
    incident_id: i64,
    revealed: bool,
) -> Result<Option<IncidentTeam>> {
    let scope = operator.scope();
    let Some(incident) = store.incident(incident_id, &scope)? else {
        return Ok(None);
    };
    let patient = match incident.patient_id {
        Some(id) => store.patient(id, &scope)?,
        None => None,
    };
    let team = match &patient {
        Some(p) => store.team(p.id, &scope)?,
        None => Vec::new(),
    };
    let seats: Vec<TeamSeat> = team
        .iter()
        .map(|m| TeamSeat {
            role: m.role,
            name: m.person.name.clone(),
            phone: if revealed {
                m.person.phone.clone()
            } else {
                mask_phone(&m.person.phone)
            },
        })
        .collect();
    let missing = match &patient {
        Some(_) => <Role as crate::domain::patient::Vocabulary>::ALL
            .iter()
            .copied()
            .filter(|r| !team.iter().any(|m| m.role == *r))
            .collect(),
        None => Vec::new(),
    };
    let candidate = |p: &crate::domain::team::Person, role: Option<Role>| ActorCandidate {
        haystack: search::key([p.name.as_str(), p.unit.as_str()]),
        name: p.name.clone(),
        role,
        kind: p.kind,
        unit: p.unit.clone(),
    };
    let mut candidates: Vec<ActorCandidate> = team
        .iter()
        .map(|m| candidate(&m.person, Some(m.role)))
        .collect();
    // Then the station's officers and the township's cadres and doctors: those who can be
    // on the spot first.
    let station = incident.station.clone().unwrap_or_default();
    let township = patient
        .as_ref()
        .map(|p| p.jurisdiction.township.clone())
        .unwrap_or_default();
    let mut near: Vec<(String, ActorCandidate)> = store
        .persons(&scope)?
        .iter()
        .filter(|p| !team.iter().any(|m| m.person.id == p.id))
        .filter(|p| {
            let j = &p.jurisdiction;
            (!station.is_empty() && j.station == station)
                || (!township.is_empty() && j.township == township)
        })
        .filter(|p| p.kind != PersonKind::Guardian)
        .map(|p| (search::sort_key(&p.name), candidate(p, None)))
        .collect();
    near.sort_by(|a, b| a.0.cmp(&b.0));
    candidates.extend(near.into_iter().map(|(_, c)| c));
    Ok(Some(IncidentTeam {
        incident_id,
        seats,
        missing,
        revealed,
        candidates,
    }))
}
