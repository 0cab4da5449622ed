//! The one list of what works now: for each screen the commands it takes (action, whether the
//! footer names it) and when each is enabled; for every other input mode the fixed keys of
//! `keys::fixed_keys`. Key handling, the footer and help are all built from here, so they
//! cannot disagree.

use super::action::{Action, InputMode, ScreenKind};
use super::keys::{KeyMap, fixed_keys};
use super::state::{AppState, View};
use crate::domain::alert::AlertStatus;
use crate::i18n::T;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Command {
    pub action: Action,
    /// Named in the footer when enabled (the rest are in help).
    pub footer: bool,
}

const fn c(action: Action, footer: bool) -> Command {
    Command { action, footer }
}

const VIEWS: [Action; 6] = [
    Action::ShowAlerts,
    Action::ShowPatients,
    Action::ShowIncidents,
    Action::ShowPersons,
    Action::ShowReports,
    Action::ShowAudit,
];
const STEPS: [Action; 6] = [
    Action::Step1,
    Action::Step2,
    Action::Step3,
    Action::Step4,
    Action::Step5,
    Action::Step6,
];
const MOVES: [Action; 6] = [
    Action::Up,
    Action::Down,
    Action::PageUp,
    Action::PageDown,
    Action::Home,
    Action::End,
];

/// The commands of a screen, what it does first (so a narrow footer keeps them) then moving
/// around, help, shift, quit.
pub fn screen_commands(screen: ScreenKind) -> Vec<Command> {
    use Action::*;
    let mut v: Vec<Command> = match screen {
        ScreenKind::List(View::Alerts) => vec![
            c(OpenIncident, true),
            c(Acknowledge, true),
            c(InProgress, true),
            c(Resolve, true),
            c(Snooze, true),
            c(FollowUp, true),
            c(Open, true),
            c(Report, true),
            c(QuickFilter, true),
            c(Filter, true),
            c(Assign, false),
            c(Unassign, false),
        ],
        ScreenKind::List(View::Patients) => vec![
            c(OpenIncident, true),
            c(Open, true),
            c(Filter, true),
            c(QuickFilter, true),
            c(Sort, true),
            c(FollowUp, true),
            c(Assign, true),
            c(Unassign, false),
            c(Report, false),
        ],
        ScreenKind::List(View::Incidents) => {
            vec![c(OpenIncident, true), c(Open, true), c(Filter, true)]
        }
        ScreenKind::List(View::Persons) => vec![c(Open, true), c(Filter, true)],
        ScreenKind::List(View::Reports) => {
            vec![c(Export, true), c(SetControl, true), c(EndControl, true)]
        }
        ScreenKind::List(View::Audit) => vec![c(Open, true), c(Filter, true)],
        ScreenKind::Detail => vec![
            c(Back, true),
            c(FollowUp, true),
            c(Assign, true),
            c(Unassign, true),
            c(Reveal, true),
            c(Report, true),
            c(OpenIncident, false),
        ],
        ScreenKind::Incident => {
            let mut v: Vec<Command> = STEPS.iter().map(|a| c(*a, true)).collect();
            v.extend([
                c(SkipStep, true),
                c(Reveal, true),
                c(GoToPatient, true),
                c(Note, true),
                c(CloseIncident, true),
                c(CorrectStep, true),
                c(Back, true),
            ]);
            v
        }
    };
    if let ScreenKind::List(_) = screen {
        v.push(c(Back, false));
    }
    // The new-P1 banner offers `a` on every screen (`check` allows it only for the banner's
    // alert away from the alerts list).
    if screen != ScreenKind::List(View::Alerts) {
        v.push(c(Acknowledge, false));
    }
    // Views by digit only where digits do not record steps.
    if screen != ScreenKind::Incident {
        v.extend(VIEWS.iter().map(|a| c(*a, true)));
    }
    v.extend([c(NextView, false), c(PrevView, false)]);
    v.extend(MOVES.iter().map(|a| c(*a, false)));
    v.extend([
        c(Shift, false),
        c(LastMessage, false),
        c(Help, false),
        c(Quit, true),
        c(Suspend, false),
    ]);
    v
}

pub fn screen_actions(screen: ScreenKind) -> Vec<Action> {
    screen_commands(screen)
        .into_iter()
        .map(|c| c.action)
        .collect()
}

/// Whether two actions are ever commands of the same screen (then one key cannot do both).
pub fn share_a_screen(a: Action, b: Action) -> bool {
    let screens = View::ALL
        .iter()
        .map(|v| ScreenKind::List(*v))
        .chain([ScreenKind::Detail, ScreenKind::Incident]);
    for sc in screens {
        let here = screen_actions(sc);
        if here.contains(&a) && here.contains(&b) {
            return true;
        }
    }
    false
}

fn writer(s: &AppState) -> Result<(), T> {
    if s.operator.can_write() {
        Ok(())
    } else {
        Err(T::ReadOnly)
    }
}

/// Whether a command of the current screen can run now, or why not.
pub fn check(s: &AppState, a: Action) -> Result<(), T> {
    use Action::*;
    match a {
        Acknowledge if s.banner().is_some() => writer(s),
        // Away from the alerts list, the highlighted alert is not on screen: `a` is only for
        // the banner's.
        Acknowledge if s.screen() != ScreenKind::List(View::Alerts) => Err(T::NothingSelected),
        Acknowledge | InProgress | Resolve => {
            writer(s)?;
            let alert = s.selected_alert().ok_or(T::NothingSelected)?;
            let next = match a {
                Acknowledge => AlertStatus::Acknowledged,
                InProgress => AlertStatus::InProgress,
                _ => AlertStatus::Resolved,
            };
            if alert.status.can_move_to(next) {
                Ok(())
            } else {
                Err(T::NotNow)
            }
        }
        Snooze => {
            writer(s)?;
            let alert = s.selected_alert().ok_or(T::NothingSelected)?;
            if alert.status == AlertStatus::Resolved {
                Err(T::NotNow)
            } else {
                Ok(())
            }
        }
        FollowUp | Assign | Unassign | Report => {
            writer(s)?;
            let id = s.focused_patient_id().ok_or(T::NothingSelected)?;
            if a == FollowUp && s.snapshot.as_ref().and_then(|x| x.patient(id)).is_none() {
                return Err(T::Loading);
            }
            Ok(())
        }
        OpenIncident | Shift | Note => writer(s),
        CloseIncident => {
            writer(s)?;
            match s.open_incident() {
                Some(i) if i.is_open() => Ok(()),
                _ => Err(T::NotNow),
            }
        }
        Step1 | Step2 | Step3 | Step4 | Step5 | Step6 => {
            writer(s)?;
            let n = a.step().unwrap_or(0);
            let inc = s.open_incident().ok_or(T::NothingSelected)?;
            if !inc.is_open() {
                return Err(T::NotNow);
            }
            match inc.steps.iter().find(|st| st.step == n) {
                Some(st) if st.done_at.is_none() && st.skip_reason.is_none() => {
                    // Said at once, not after the actor has been typed.
                    if first_unsettled(inc, s.now).is_some_and(|f| f < n) {
                        Err(T::StepsInOrder)
                    } else {
                        Ok(())
                    }
                }
                Some(_) => Err(T::StepAlreadyDone),
                None => Err(T::NotNow),
            }
        }
        SkipStep => {
            writer(s)?;
            let inc = s.open_incident().ok_or(T::NothingSelected)?;
            if inc.is_open() && first_unsettled(inc, s.now).is_some() {
                Ok(())
            } else {
                Err(T::NotNow)
            }
        }
        CorrectStep => {
            writer(s)?;
            let inc = s.open_incident().ok_or(T::NothingSelected)?;
            if inc.steps.iter().any(|st| st.done_at.is_some()) {
                Ok(())
            } else {
                Err(T::NoStepRecorded)
            }
        }
        LastMessage => {
            if s.message.is_some() || s.last_message.is_some() {
                Ok(())
            } else {
                Err(T::NoMessage)
            }
        }
        GoToPatient => match s.open_incident() {
            Some(i) if i.patient_id.is_some() => Ok(()),
            Some(_) => Err(T::NoTeamUnknown),
            None => Err(T::NothingSelected),
        },
        Open => match s.screen() {
            ScreenKind::List(_) if s.current_list().is_some_and(|l| l.visible.is_empty()) => {
                Err(T::NothingSelected)
            }
            _ => Ok(()),
        },
        SetControl | EndControl => {
            writer(s)?;
            if s.operator.station.is_some() {
                return Err(T::CenterOnly);
            }
            match &s.report {
                None => Err(T::Loading),
                Some(r) if a == EndControl && r.controls.iter().all(|o| !o.is_open(s.now)) => {
                    Err(T::NothingSelected)
                }
                Some(_) => Ok(()),
            }
        }
        Export => {
            if s.report.is_some() {
                Ok(())
            } else {
                Err(T::Loading)
            }
        }
        Reveal => match s.screen() {
            ScreenKind::Incident => match s.open_incident() {
                Some(i) if i.patient_id.is_some() => Ok(()),
                Some(_) => Err(T::NoTeamUnknown),
                None => Err(T::NothingSelected),
            },
            _ if s.detail().is_some() => Ok(()),
            _ => Err(T::NothingSelected),
        },
        _ => Ok(()),
    }
}

/// The first step of an incident neither done nor skipped: the one `s` skips, and the one
/// before which no later step can be recorded.
pub fn first_unsettled(
    inc: &crate::store::incidents::IncidentRow,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<u8> {
    inc.steps
        .iter()
        .find(|st| !st.state(now).is_settled())
        .map(|st| st.step)
}

/// One line of help or one footer entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    pub keys: String,
    pub label: T,
    /// The kebab-case name a configuration binds keys to; empty for fixed keys.
    pub name: String,
    pub enabled: bool,
}

fn action_name(a: Action) -> String {
    serde_json::to_value(a)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

/// The fixed keys of a mode, merged by what they show (↑ and ↓ are one entry).
fn fixed_shown(mode: InputMode) -> Vec<Shown> {
    let mut out: Vec<Shown> = Vec::new();
    for f in fixed_keys(mode) {
        if f.shown.is_empty() {
            continue;
        }
        out.push(Shown {
            keys: f.shown.to_string(),
            label: f.label,
            name: String::new(),
            enabled: true,
        });
    }
    out
}

/// Every command of the screen under the overlays, with its keys, for help.
pub fn help(s: &AppState, keys: &KeyMap) -> Vec<Shown> {
    let mut out: Vec<Shown> = screen_commands(s.screen())
        .into_iter()
        .filter(|c| {
            // Steps the incident does not have are not commands at all.
            c.action.step().is_none_or(|n| {
                s.open_incident()
                    .is_some_and(|i| i.steps.iter().any(|st| st.step == n))
            })
        })
        .map(|c| Shown {
            keys: keys.all(c.action),
            label: c.action.label(),
            name: action_name(c.action),
            enabled: check(s, c.action).is_ok(),
        })
        .collect();
    // Help itself: its own keys first.
    out.splice(0..0, fixed_shown(InputMode::Help));
    out
}

/// The keys that work now, in order, as (keys, label); help is added by the footer itself.
pub fn footer(s: &AppState, keys: &KeyMap) -> Vec<(String, T)> {
    let mode = s.input_mode();
    let InputMode::Normal(screen) = mode else {
        return fixed_shown(mode)
            .into_iter()
            .map(|x| (x.keys, x.label))
            .collect();
    };
    let mut out = Vec::new();
    let mut grouped_views = false;
    let mut grouped_steps = false;
    for cmd in screen_commands(screen) {
        if !cmd.footer || cmd.action == Action::Help {
            continue;
        }
        if VIEWS.contains(&cmd.action) {
            if !grouped_views {
                grouped_views = true;
                out.push((
                    format!(
                        "{}-{}",
                        keys.first(Action::ShowAlerts),
                        keys.first(Action::ShowAudit)
                    ),
                    T::KeySwitch,
                ));
            }
            continue;
        }
        if let Some(_n) = cmd.action.step() {
            if !grouped_steps {
                grouped_steps = true;
                let open: Vec<Action> = STEPS
                    .iter()
                    .copied()
                    .filter(|a| check(s, *a).is_ok())
                    .collect();
                if let (Some(first), Some(last)) = (open.first(), open.last()) {
                    let k = if first == last {
                        keys.first(*first)
                    } else {
                        format!("{}-{}", keys.first(*first), keys.first(*last))
                    };
                    out.push((k, T::KeyStep));
                }
            }
            continue;
        }
        if check(s, cmd.action).is_ok() {
            out.push((keys.first(cmd.action), cmd.action.label()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn screens() -> Vec<ScreenKind> {
        View::ALL
            .iter()
            .map(|v| ScreenKind::List(*v))
            .chain([ScreenKind::Detail, ScreenKind::Incident])
            .collect()
    }

    #[test]
    fn every_command_of_every_screen_has_a_key_and_no_key_means_two_commands() {
        let keys = KeyMap::new(&Default::default()).unwrap();
        for sc in screens() {
            let here = screen_actions(sc);
            for a in &here {
                assert!(!keys.all(*a).is_empty(), "{a:?} on {sc:?} has no key");
            }
            for a in &here {
                for b in &here {
                    if a == b {
                        continue;
                    }
                    let ka = keys.by_action.get(a).cloned().unwrap_or_default();
                    let kb = keys.by_action.get(b).cloned().unwrap_or_default();
                    assert!(
                        ka.iter().all(|k| !kb.contains(k)),
                        "{a:?} and {b:?} share a key on {sc:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn every_fixed_key_of_every_mode_parses_and_means_one_thing() {
        use super::super::action::FormKind;
        use super::super::keys::Key;
        let modes = [
            InputMode::Text,
            InputMode::Line,
            InputMode::Picker,
            InputMode::Actor,
            InputMode::Editor,
            InputMode::Choice,
            InputMode::Form {
                kind: FormKind::Close,
                on_choice: true,
            },
            InputMode::Form {
                kind: FormKind::FollowUp,
                on_choice: false,
            },
            InputMode::Form {
                kind: FormKind::FollowUp,
                on_choice: true,
            },
            InputMode::Form {
                kind: FormKind::Person,
                on_choice: false,
            },
            InputMode::Confirm,
            InputMode::Read,
            InputMode::Help,
        ];
        for m in modes {
            let mut seen = Vec::new();
            for f in fixed_keys(m) {
                for name in f.keys {
                    let k = Key::parse(name).unwrap_or_else(|| panic!("{name} in {m:?}"));
                    assert!(!seen.contains(&k), "{name} twice in {m:?}");
                    seen.push(k);
                }
            }
        }
    }
}
