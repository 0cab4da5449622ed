//! What the center administers: operators, their SSH keys, the register of places, and drill
//! copies of the database. Center operators only (the first operator is registered by `init`
//! through `bootstrap_operator`).

use serde_json::json;

use super::error::Field;
use super::{Desk, DeskError, Need, Refusal, Result, Thing};
use crate::domain::audit::AuditAction;
use crate::domain::patient::Vocabulary;
use crate::store::audit::{self, AuditEvent, Author};
use crate::store::operators::{self, Operator, OperatorRole};
use crate::store::places::{self, PlaceKind};
use crate::store::{Store, keys};

impl Desk<'_> {
    /// Registers an operator. A station operator's station must be in the register.
    pub fn add_operator(&mut self, op: &Operator) -> Result<()> {
        let op = checked_operator(op)?;
        self.act(Need::Center, |act| {
            insert_operator(act.tx, &op, act.now)?;
            act.audit(operator_event(AuditAction::OperatorAdded, &op))?;
            Ok(())
        })
    }

    /// Disables (`enabled == false`) or enables an operator. Their open consoles and SSH
    /// sessions can no longer write from the next action on.
    pub fn set_operator_enabled(&mut self, login: &str, enabled: bool) -> Result<()> {
        if !enabled && login == self.session().operator.login {
            return Err(DeskError::Refused(Refusal::SelfDisable));
        }
        self.act(Need::Center, |act| {
            let op = operators::load_in(act.tx, login)?
                .ok_or_else(|| DeskError::NotFound(Thing::Operator(login.to_string())))?;
            if operators::set_disabled_in(act.tx, login, !enabled)? {
                let action = if enabled {
                    AuditAction::OperatorEnabled
                } else {
                    AuditAction::OperatorDisabled
                };
                act.audit(
                    operator_event(action, &op)
                        .before(json!({"disabled": op.disabled}))
                        .after(json!({"disabled": !enabled})),
                )?;
            }
            Ok(())
        })
    }

    /// Stores an operator's SSH public key under its fingerprint.
    pub fn add_key(&mut self, login: &str, fingerprint: &str, key_text: &str) -> Result<()> {
        self.act(Need::Center, |act| {
            let op = operators::load_in(act.tx, login)?
                .ok_or_else(|| DeskError::NotFound(Thing::Operator(login.to_string())))?;
            keys::insert_in(act.tx, login, fingerprint, key_text, act.now)?;
            act.audit(
                operator_event(AuditAction::KeyAdded, &op)
                    .after(json!({"fingerprint": fingerprint, "operator": op.display_name})),
            )?;
            Ok(())
        })
    }

    /// Removes an SSH key; the sessions it opened end.
    pub fn remove_key(&mut self, fingerprint: &str) -> Result<()> {
        self.act(Need::Center, |act| {
            let login = keys::owner_in(act.tx, fingerprint)?
                .ok_or_else(|| DeskError::NotFound(Thing::Key(fingerprint.to_string())))?;
            keys::remove_in(act.tx, fingerprint)?;
            let op = operators::load_in(act.tx, &login)?;
            let mut e = AuditEvent::new(AuditAction::KeyRemoved, "operator", &login)
                .before(json!({"fingerprint": fingerprint}));
            if let Some(op) = op {
                e = e.station(op.station.as_deref());
            }
            act.audit(e)?;
            Ok(())
        })
    }

    /// Adds a township, village (with its township) or station to the register.
    pub fn add_place(&mut self, kind: PlaceKind, name: &str, township: Option<&str>) -> Result<()> {
        let name = name.trim().to_string();
        if name.is_empty() {
            return Err(DeskError::Refused(Refusal::Missing(Field::Name)));
        }
        let parent = match kind {
            PlaceKind::Village => township.unwrap_or("").trim().to_string(),
            _ => String::new(),
        };
        self.act(Need::Center, |act| {
            if kind == PlaceKind::Village
                && !places::exists_in(act.tx, PlaceKind::Township, &parent, "")?
            {
                return Err(DeskError::Refused(Refusal::UnknownPlace {
                    kind: PlaceKind::Township,
                    name: parent.clone(),
                }));
            }
            let login = act.operator.login.clone();
            if !places::add_in(act.tx, kind, &name, &parent, act.now, &login)? {
                return Err(DeskError::Refused(Refusal::PlaceExists {
                    kind,
                    name: name.clone(),
                }));
            }
            let station = (kind == PlaceKind::Station).then_some(name.as_str());
            act.audit(
                AuditEvent::new(AuditAction::PlaceAdded, "place", &name)
                    .station(station)
                    .after(json!({"kind": kind.code(), "name": name, "township": parent})),
            )?;
            Ok(())
        })
    }
}

fn checked_operator(op: &Operator) -> Result<Operator> {
    let mut op = op.clone();
    op.login = op.login.trim().to_string();
    op.display_name = op.display_name.trim().to_string();
    op.station = op
        .station
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    if op.login.is_empty() {
        return Err(DeskError::Refused(Refusal::Missing(Field::Name)));
    }
    if op.display_name.is_empty() {
        return Err(DeskError::Refused(Refusal::Missing(Field::DisplayName)));
    }
    match op.role {
        OperatorRole::Station if op.station.is_none() => {
            Err(DeskError::Refused(Refusal::StationRequired))
        }
        OperatorRole::Station => Ok(op),
        // Only a station desk is bound to a station.
        _ => Ok(Operator {
            station: None,
            ..op
        }),
    }
}

fn insert_operator(
    tx: &rusqlite::Transaction,
    op: &Operator,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    if let Some(station) = &op.station
        && !places::exists_in(tx, PlaceKind::Station, station, "")?
    {
        return Err(DeskError::Refused(Refusal::UnknownPlace {
            kind: PlaceKind::Station,
            name: station.clone(),
        }));
    }
    if !operators::insert_in(tx, op, now)? {
        return Err(DeskError::Refused(Refusal::OperatorExists(
            op.login.clone(),
        )));
    }
    Ok(())
}

fn operator_event(action: AuditAction, op: &Operator) -> AuditEvent {
    AuditEvent::new(action, "operator", &op.login)
        .station(op.station.as_deref())
        .after(json!({
            "login": op.login, "name": op.display_name, "role": op.role,
            "station": op.station,
        }))
}

/// Registers the first center operator of a database that has none (`init`): there is no
/// operator yet to act, so the row names the OS user who ran it. Refused once any operator
/// exists.
pub fn bootstrap_operator(
    store: &mut Store,
    op: &Operator,
    os_user: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool> {
    let op = checked_operator(op)?;
    store.transact(|tx| {
        if operators::count_in(tx)? > 0 {
            return Ok(false);
        }
        insert_operator(tx, &op, now)?;
        audit::append(
            tx,
            now,
            &Author::new(&op.login, os_user),
            &operator_event(AuditAction::OperatorAdded, &op),
        )?;
        Ok(true)
    })
}

/// Records, in the restored database's own log, who restored it from which file and what
/// was kept. The restorer is the database's administrator, who may not be a registered
/// operator of the restored copy: the row names their OS identity.
pub fn record_restore(
    store: &mut Store,
    login: &str,
    os_user: &str,
    from: &str,
    kept: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    store.transact(|tx| {
        audit::append(
            tx,
            now,
            &Author::new(login, os_user),
            &AuditEvent::new(AuditAction::DatabaseRestored, "database", from)
                .after(json!({"from": from, "kept": kept})),
        )?;
        Ok(())
    })
}

/// The session of `login` on a database: registered first as its center operator when the
/// database has no operator yet (a fresh benchmark or script database).
pub fn first_center_session(
    store: &mut Store,
    login: &str,
    os_user: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<super::Session> {
    let op = Operator {
        login: login.to_string(),
        display_name: login.to_string(),
        role: OperatorRole::Center,
        station: None,
        disabled: false,
    };
    bootstrap_operator(store, &op, os_user, now)?;
    let op = store
        .operator(login)?
        .ok_or_else(|| DeskError::UnknownOperator {
            login: login.to_string(),
        })?;
    Ok(super::Session::new(op, os_user))
}

/// Makes a drill copy of the database at `dest`: an online backup marked as a drill, where
/// writes may be dated with `--as-of`. Center operators only.
pub fn make_drill_copy(desk: &mut Desk, dest: &std::path::Path) -> Result<()> {
    if desk.session().operator.role != OperatorRole::Center || desk.session().operator.disabled {
        return Err(DeskError::NotAllowed {
            login: desk.session().operator.login.clone(),
        });
    }
    desk.store()
        .backup_to(dest, true)
        .map_err(|e| DeskError::Store(crate::store::StoreError::Refused(e.to_string())))?;
    let mut copy = Store::open(dest)?;
    copy.mark_drill()?;
    Ok(())
}
