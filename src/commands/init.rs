//! `init`: create the database and register its first center operator, so that the next
//! `dutydesk` opens the console instead of refusing an unknown login.

use super::{Context, Failure};
use crate::demo;
use crate::i18n::Msg;
use crate::store::Store;
use crate::store::operators::{Operator, OperatorRole};

/// Accounts below this uid are system accounts (Debian's `FIRST_UID`): a service user such as
/// `dutydesk` creates the database, but a person must be named as its first operator.
const FIRST_PERSON_UID: u32 = 1000;

pub fn init(
    ctx: &Context,
    with_demo: bool,
    admin: Option<String>,
    name: Option<String>,
) -> Result<(), Failure> {
    if with_demo {
        return init_demo(ctx);
    }
    // Decide who the first operator is before touching anything, so a refusal creates nothing.
    let login = match admin.as_deref().map(str::trim) {
        Some(l) if !l.is_empty() && !l.contains(char::is_whitespace) => l.to_string(),
        Some(l) => return Err(ctx.fail(&Msg::AdminNeeded { user: l.into() })),
        None if running_as_system_account() => {
            return Err(ctx.fail(&Msg::AdminNeeded {
                user: ctx.os_user.clone(),
            }));
        }
        None => ctx.os_user.clone(),
    };
    let existed = ctx.db.exists();
    let mut store = ctx.open_store()?;
    let path = ctx.db.display().to_string();
    let has_operators = !store
        .operators(&crate::store::Scope::All)
        .map_err(|e| ctx.store_failure(e))?
        .is_empty();
    if has_operators {
        return if admin.is_some() {
            Err(ctx.fail(&Msg::OperatorsExist { path }))
        } else {
            ctx.say(&Msg::DatabaseExists { path });
            Ok(())
        };
    }
    let display_name = name
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| login.clone());
    register_first_operator(ctx, &mut store, &login, &display_name)?;
    ctx.say(&Msg::FirstOperator {
        path,
        login,
        created: !existed,
    });
    Ok(())
}

/// The one place `init` writes an operator: the one-door API's bootstrap, which registers a
/// database's first center operator and audits it under the OS user who ran `init`.
fn register_first_operator(
    ctx: &Context,
    store: &mut Store,
    login: &str,
    display_name: &str,
) -> Result<(), Failure> {
    let op = Operator {
        login: login.to_string(),
        display_name: display_name.to_string(),
        role: OperatorRole::Center,
        station: None,
        disabled: false,
    };
    crate::desk::admin::bootstrap_operator(store, &op, &ctx.os_user, ctx.clock.now())
        .map_err(|e| ctx.desk_failure(e))
        .map(|_| ())
}

/// A service account: not root, not a person's account.
fn is_system_uid(uid: u32) -> bool {
    uid != 0 && uid < FIRST_PERSON_UID
}

/// True when this process runs as a system account (the owner of `/proc/self` is the
/// effective user); false where that cannot be read.
fn running_as_system_account() -> bool {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata("/proc/self").is_ok_and(|m| is_system_uid(m.uid()))
    }
    #[cfg(not(target_os = "linux"))]
    false
}

/// `init --demo`: the demo roster and its own operators (`center`, a station desk, an auditor).
fn init_demo(ctx: &Context) -> Result<(), Failure> {
    let mut store = ctx.open_store()?;
    let path = ctx.db.display().to_string();
    let count = store
        .patient_count(&Default::default())
        .map_err(|e| ctx.store_failure(e))?;
    if count > 0 {
        // Never mix fictional patients into a register that already holds people.
        return Err(ctx.fail(&Msg::DatabaseExists { path }));
    }
    let s =
        demo::build(&mut store, &ctx.config, ctx.clock.now()).map_err(|e| ctx.desk_failure(e))?;
    ctx.say(&Msg::DemoBuilt {
        path,
        patients: s.patients,
        alerts: s.alerts,
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::is_system_uid;

    #[test]
    fn a_service_account_must_name_the_first_operator_but_root_and_people_need_not() {
        assert!(is_system_uid(999));
        assert!(is_system_uid(101));
        assert!(!is_system_uid(0));
        assert!(!is_system_uid(1000));
        assert!(!is_system_uid(60_000));
    }
}
