//! Assigning the five responsible persons: choosing the role, picking a person (the jurisdiction
//! rules checked before anything is sent, a workload warning to confirm), or creating one.

use tui_input::Input;

use super::super::action::{Edit, Effect, Event, Request};
use super::super::data::PersonRow;
use super::super::state::*;
use crate::domain::patient::Vocabulary;
use crate::domain::team::{Role, check_assignment, fits_role, home_jurisdiction, workload_warning};
use crate::i18n::{Msg, T};

/// How many people the assignment picker lists at most.
const PICKER_ROWS: usize = 200;

pub(super) fn dialog(
    s: &mut AppState,
    d: Dialog,
    ev: Event,
    fx: &mut Vec<Effect>,
) -> Option<Dialog> {
    match d {
        Dialog::AssignRole { patient_id } => match ev {
            Event::Char(c) => match role_from_digit(c) {
                Some(role) => Some(Dialog::AssignPerson {
                    patient_id,
                    role,
                    search: Input::default(),
                    cursor: Cursor::default(),
                    error: None,
                }),
                None => Some(Dialog::AssignRole { patient_id }),
            },
            Event::Edit(Edit::Cancel) => None,
            _ => Some(Dialog::AssignRole { patient_id }),
        },
        Dialog::UnassignRole { patient_id } => match ev {
            Event::Char(c) => match role_from_digit(c) {
                // Removing a person is confirmed, naming them; an empty role has no one to remove.
                Some(role) => holder_of(s, patient_id, role).map(|(person_id, name)| {
                    Dialog::ConfirmTeamChange {
                        question: s.lang.text(&Msg::ConfirmUnassign {
                            person: name,
                            patient: patient_name(s, patient_id),
                            role: s.lang.label(role).to_string(),
                        }),
                        request: Box::new(Request::Unassign {
                            patient_id,
                            role,
                            person_id,
                        }),
                    }
                }),
                None => Some(Dialog::UnassignRole { patient_id }),
            },
            Event::Edit(Edit::Cancel) => None,
            _ => Some(Dialog::UnassignRole { patient_id }),
        },
        Dialog::AssignPerson {
            patient_id,
            role,
            mut search,
            mut cursor,
            error,
        } => match ev {
            Event::Text(r) => {
                search.handle(r);
                Some(Dialog::AssignPerson {
                    patient_id,
                    role,
                    search,
                    cursor: Cursor::default(),
                    error: None,
                })
            }
            Event::Edit(Edit::Up) | Event::Edit(Edit::Down) => {
                let len = assign_candidates(s, patient_id, role, search.value()).len();
                cursor.step(
                    if matches!(ev, Event::Edit(Edit::Up)) {
                        -1
                    } else {
                        1
                    },
                    len,
                    10,
                );
                Some(Dialog::AssignPerson {
                    patient_id,
                    role,
                    search,
                    cursor,
                    error,
                })
            }
            Event::Edit(Edit::New) => Some(Dialog::NewPerson {
                patient_id,
                role,
                fields: [
                    Input::new(search.value().to_string()),
                    Input::default(),
                    Input::default(),
                ],
                focus: 0,
                error: None,
            }),
            Event::Edit(Edit::Submit) => choose_person(s, patient_id, role, search, cursor, fx),
            Event::Edit(Edit::Cancel) => None,
            _ => Some(Dialog::AssignPerson {
                patient_id,
                role,
                search,
                cursor,
                error,
            }),
        },
        Dialog::NewPerson {
            patient_id,
            role,
            mut fields,
            mut focus,
            error,
        } => match ev {
            Event::Text(r) => {
                fields[focus].handle(r);
                Some(Dialog::NewPerson {
                    patient_id,
                    role,
                    fields,
                    focus,
                    error: None,
                })
            }
            Event::Edit(Edit::Up) => {
                focus = (focus + 2) % 3;
                Some(Dialog::NewPerson {
                    patient_id,
                    role,
                    fields,
                    focus,
                    error,
                })
            }
            Event::Edit(Edit::Down) => {
                focus = (focus + 1) % 3;
                Some(Dialog::NewPerson {
                    patient_id,
                    role,
                    fields,
                    focus,
                    error,
                })
            }
            Event::Edit(Edit::Submit) => {
                let name = fields[0].value().trim().to_string();
                let phone = crate::import::values::normalize(fields[1].value());
                let unit = fields[2].value().trim().to_string();
                let patient = s
                    .snapshot
                    .as_ref()
                    .and_then(|x| x.patient(patient_id))
                    .map(|p| p.jurisdiction().clone());
                match patient {
                    Some(j) if !name.is_empty() => {
                        let (jurisdiction, default_unit) = home_jurisdiction(role, &j);
                        let unit = if unit.is_empty() { default_unit } else { unit };
                        let request = Request::CreateAndAssign {
                            patient_id,
                            role,
                            name: name.clone(),
                            phone,
                            unit,
                            jurisdiction,
                            replacing: holder_of(s, patient_id, role).map(|(id, _)| id),
                        };
                        confirm_replacing(s, patient_id, role, &name, request, fx)
                    }
                    _ => {
                        let error = Some(format!(
                            "{}: {}",
                            s.t(T::PersonName),
                            s.t(T::FormProblemMissing)
                        ));
                        Some(Dialog::NewPerson {
                            patient_id,
                            role,
                            fields,
                            focus,
                            error,
                        })
                    }
                }
            }
            Event::Edit(Edit::Cancel) => None,
            _ => Some(Dialog::NewPerson {
                patient_id,
                role,
                fields,
                focus,
                error,
            }),
        },
        Dialog::ConfirmTeamChange { question, request } => match ev {
            Event::Char('y' | 'Y') => {
                fx.push(Effect::Request(*request));
                None
            }
            Event::Char(_) | Event::Edit(Edit::Cancel) => None,
            _ => Some(Dialog::ConfirmTeamChange { question, request }),
        },
        Dialog::ConfirmWorkload {
            patient_id,
            role,
            person_id,
            after,
            threshold,
        } => match ev {
            Event::Char('y' | 'Y') => {
                let request = Request::Assign {
                    patient_id,
                    role,
                    person_id,
                    replacing: holder_of(s, patient_id, role).map(|(id, _)| id),
                };
                let name = person_name(s, person_id);
                confirm_replacing(s, patient_id, role, &name, request, fx)
            }
            Event::Char(_) | Event::Edit(Edit::Cancel) => None,
            _ => Some(Dialog::ConfirmWorkload {
                patient_id,
                role,
                person_id,
                after,
                threshold,
            }),
        },
        other => Some(other),
    }
}

/// People who could fill `role` for the patient, matching the search, most loaded last.
pub fn assign_candidates<'a>(
    s: &'a AppState,
    patient_id: i64,
    role: Role,
    search: &str,
) -> Vec<&'a PersonRow> {
    let Some(snap) = &s.snapshot else {
        return Vec::new();
    };
    let Some(p) = snap.patient(patient_id) else {
        return Vec::new();
    };
    let words = super::super::search::words(search);
    let mut found: Vec<&PersonRow> = snap
        .persons
        .iter()
        .filter(|r| fits_role(role, &r.person, p.jurisdiction()))
        .filter(|r| words.is_empty() || super::super::search::matches(&r.haystack, &words))
        .collect();
    // People who already serve in this role come first.
    found.sort_by_key(|r| !r.roles.contains(&role));
    found.truncate(PICKER_ROWS);
    found
}

fn role_from_digit(c: char) -> Option<Role> {
    let n = c.to_digit(10)? as usize;
    (1..=5).contains(&n).then(|| Role::ALL[n - 1])
}

/// against the workload threshold (a warning to confirm), then assigned.
fn choose_person(
    s: &mut AppState,
    patient_id: i64,
    role: Role,
    search: Input,
    cursor: Cursor,
    fx: &mut Vec<Effect>,
) -> Option<Dialog> {
    let candidates = assign_candidates(s, patient_id, role, search.value());
    let Some(person) = candidates
        .get(cursor.index)
        .map(|r| (r.person.clone(), r.high_risk))
    else {
        return Some(Dialog::AssignPerson {
            patient_id,
            role,
            search,
            cursor,
            error: None,
        });
    };
    let patient = s.snapshot.as_ref().and_then(|x| x.patient(patient_id))?;
    if let Err(refusal) = check_assignment(patient.jurisdiction(), role, &person.0) {
        let error = Some(s.lang.text(&Msg::Assignment(refusal)));
        return Some(Dialog::AssignPerson {
            patient_id,
            role,
            search,
            cursor,
            error,
        });
    }
    match workload_warning(person.1, patient.is_high_risk(), &s.config.team) {
        Some(w) => Some(Dialog::ConfirmWorkload {
            patient_id,
            role,
            person_id: person.0.id,
            after: w.high_risk_after,
            threshold: w.threshold,
        }),
        None => {
            let request = Request::Assign {
                patient_id,
                role,
                person_id: person.0.id,
                replacing: holder_of(s, patient_id, role).map(|(id, _)| id),
            };
            confirm_replacing(s, patient_id, role, &person.0.name, request, fx)
        }
    }
}

/// Who holds `role` for the patient as this console last saw it (id and name): the store
/// refuses the change if someone else changed the role meanwhile.
fn holder_of(s: &AppState, patient_id: i64, role: Role) -> Option<(i64, String)> {
    let detail = s.detail().filter(|d| d.patient_id == patient_id);
    match detail.and_then(|d| d.data.as_ref()) {
        Some(d) => d
            .team
            .iter()
            .find(|m| m.role == role)
            .map(|m| (m.person.id, m.person.name.clone())),
        // From a list, the persons directory says who serves whom.
        None => s.snapshot.as_ref().and_then(|x| {
            x.persons
                .iter()
                .find(|p| p.serves.contains(&(patient_id, role)))
                .map(|p| (p.person.id, p.person.name.clone()))
        }),
    }
}

fn patient_name(s: &AppState, patient_id: i64) -> String {
    s.snapshot
        .as_ref()
        .and_then(|x| x.patient(patient_id))
        .map(|p| p.name().to_string())
        .unwrap_or_default()
}

fn person_name(s: &AppState, person_id: i64) -> String {
    s.snapshot
        .as_ref()
        .and_then(|x| x.persons.iter().find(|p| p.person.id == person_id))
        .map(|p| p.person.name.clone())
        .unwrap_or_default()
}

/// Sends an assignment at once when the role is empty; when someone holds it, asks first,
/// naming both persons.
fn confirm_replacing(
    s: &AppState,
    patient_id: i64,
    role: Role,
    new: &str,
    request: Request,
    fx: &mut Vec<Effect>,
) -> Option<Dialog> {
    match holder_of(s, patient_id, role) {
        Some((_, old)) if old != new => Some(Dialog::ConfirmTeamChange {
            question: s.lang.text(&Msg::ConfirmReplace {
                old,
                new: new.to_string(),
                patient: patient_name(s, patient_id),
                role: s.lang.label(role).to_string(),
            }),
            request: Box::new(request),
        }),
        _ => {
            fx.push(Effect::Request(request));
            None
        }
    }
}
