//! Commands that create, fill, check and copy the database.

use chrono::NaiveDate;
use std::path::Path;

use super::{Context, Failure};
use crate::demo;
use crate::desk::roster::ImportReport;
use crate::i18n::Msg;
use crate::import::rows::{Level, Problem};
use crate::import::table::TableError;

pub fn console(ctx: &Context) -> Result<(), Failure> {
    let store = ctx.open_store()?;
    let session = ctx.session(&store)?;
    drop(store);
    open_console(ctx, session)
}

/// Opens the console for a registered, enabled operator.
fn open_console(ctx: &Context, session: crate::desk::Session) -> Result<(), Failure> {
    tracing::info!(operator = %session.operator.login, "console opened");
    crate::console::run(crate::console::ConsoleSetup {
        db: ctx.db.clone(),
        lang: ctx.lang,
        config: ctx.config.clone(),
        operator: session.operator,
        os_user: session.os_user,
        clock: std::sync::Arc::new(crate::domain::clock::SystemClock),
        color: ctx.color,
    })
    .map_err(Failure::BadInput)
}

pub fn demo(ctx: &Context, fresh: bool) -> Result<(), Failure> {
    if fresh {
        for suffix in ["", "-wal", "-shm"] {
            let mut p = ctx.db.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(p);
        }
    }
    let existed = ctx.db.exists();
    let mut store = ctx.open_store()?;
    let empty = store
        .patient_count(&Default::default())
        .map_err(|e| ctx.store_failure(e))?
        == 0;
    let path = ctx.db.display().to_string();
    if existed && !empty {
        ctx.say(&Msg::DemoExists { path });
    } else {
        let s = demo::build(&mut store, &ctx.config, ctx.clock.now())
            .map_err(|e| ctx.desk_failure(e))?;
        ctx.say(&Msg::DemoBuilt {
            path,
            patients: s.patients,
            alerts: s.alerts,
        });
    }
    // The demo is a training desk: it opens as the center's duty operator unless told.
    let login = ctx.console_login.clone().unwrap_or_else(|| "center".into());
    let operator = store
        .operator(&login)
        .map_err(|e| ctx.store_failure(e))?
        .filter(|o| !o.disabled)
        .ok_or_else(|| ctx.fail(&Msg::UnknownOperator { login }))?;
    drop(store);
    open_console(ctx, crate::desk::Session::new(operator, ctx.identity()))
}

fn problem_json(ctx: &Context, p: &Problem) -> serde_json::Value {
    serde_json::json!({
        "row": p.row,
        "column": p.column,
        "value": p.value,
        "level": p.level,
        "reason": ctx.lang.text(&Msg::Reason(p.reason.clone())),
    })
}

fn print_report(ctx: &Context, file: &Path, r: &ImportReport, json: bool) {
    if json {
        let mut v = serde_json::to_value(r).unwrap_or_default();
        v["file"] = serde_json::json!(file.display().to_string());
        v["problems"] = r.problems.iter().map(|p| problem_json(ctx, p)).collect();
        super::emit(&serde_json::to_string_pretty(&v).unwrap_or_default());
        return;
    }
    for p in &r.problems {
        ctx.say(&Msg::ProblemLine {
            row: p.row,
            column: p.column.clone(),
            value: p.value.clone(),
            reason: ctx.lang.text(&Msg::Reason(p.reason.clone())),
            warning: p.level == Level::Warning,
        });
    }
    if r.problems_omitted > 0 {
        ctx.say(&Msg::ProblemsOmitted {
            count: r.problems_omitted,
        });
    }
    // A refused file wrote nothing: its counts of zero would read as a result.
    if r.errors > 0 {
        ctx.say(&Msg::ImportRefused {
            file: file.display().to_string(),
            rows: r.rows,
            errors: r.errors,
            warnings: r.warnings,
        });
        return;
    }
    ctx.say(&Msg::ImportSummary {
        file: file.display().to_string(),
        rows: r.rows,
        added: r.counts.added,
        updated: r.counts.updated,
        unchanged: r.counts.unchanged,
        persons_created: r.counts.persons_created,
        warnings: r.warnings,
    });
    if r.dry_run {
        ctx.say(&Msg::ImportDryRun);
    }
    if let Some(a) = r.alerts {
        ctx.say(&Msg::ImportAlerts {
            opened: a.opened,
            closed: a.closed,
        });
    }
}

fn table_failure(ctx: &Context, e: TableError) -> Failure {
    ctx.fail(&Msg::Table(e))
}

pub fn import_roster(ctx: &Context, file: &Path, dry_run: bool, json: bool) -> Result<(), Failure> {
    // Read and check the file before touching the database, so a bad path creates nothing.
    let table = crate::import::read(file).map_err(|e| table_failure(ctx, e))?;
    let mut store = ctx.open_store()?;
    let session = ctx.session(&store)?;
    let report = ctx
        .desk(&mut store, &session, None)?
        .import_roster(&table, dry_run)
        .map_err(|e| ctx.desk_failure(e))?;
    print_report(ctx, file, &report, json);
    if report.errors > 0 {
        Err(Failure::BadInput(String::new()))
    } else {
        Ok(())
    }
}

pub fn check(ctx: &Context) -> Result<(), Failure> {
    let store = ctx.open_store()?;
    ctx.center_auditor_or_administrator(&store)?;
    let f = |e| ctx.store_failure(e);
    let version = store.schema_version().map_err(f)?;
    let mut problems = store.integrity_problems().map_err(f)?;
    for name in store.missing_audit_triggers().map_err(f)? {
        problems.push(
            ctx.lang
                .text(&Msg::AuditTriggerMissing { name: name.into() }),
        );
    }
    let chain = store.verify_audit_chain(None).map_err(f)?;
    if let Some(b) = &chain.first_break {
        problems.push(ctx.lang.text(&Msg::AuditChainBroken { row: b.id() }));
    }
    if problems.is_empty() {
        let patients = store.patient_count(&Default::default()).map_err(f)?;
        let audit_rows = store.audit_count().map_err(f)?;
        ctx.say(&Msg::CheckOk {
            version,
            patients,
            audit_rows,
        });
        ctx.say(&Msg::AuditHead {
            row: chain.head_id,
            hash: chain.head_hash,
        });
        Ok(())
    } else {
        Err(ctx.fail(&Msg::CheckProblems { version, problems }))
    }
}

pub fn synth_roster(
    ctx: &Context,
    count: usize,
    seed: u64,
    anchor: NaiveDate,
    out: &Path,
) -> Result<(), Failure> {
    let sheet = demo::roster(count, seed, anchor);
    // A synthetic roster is fictional: it may replace an earlier one, never a database.
    crate::report::write::sheet(&sheet, out, crate::files::Existing::Replace)
        .map_err(|e| ctx.fail(&Msg::file_refused(&e)))
}

pub fn operator_add(
    ctx: &Context,
    login: &str,
    name: &str,
    role: &str,
    station: Option<String>,
) -> Result<(), Failure> {
    use crate::store::operators::{Operator, OperatorRole};
    let role = OperatorRole::from_code(role).ok_or_else(|| Failure::Usage(role.to_string()))?;
    let op = Operator {
        login: login.to_string(),
        display_name: name.to_string(),
        role,
        station,
        disabled: false,
    };
    let mut store = ctx.open_store()?;
    // A database with no operator yet (made before `init` registered one) takes its first
    // center operator from its administrator.
    let first = store
        .operators(&Default::default())
        .map_err(|e| ctx.store_failure(e))?
        .is_empty();
    if first && role == OperatorRole::Center && ctx.is_administrator() {
        crate::desk::admin::bootstrap_operator(&mut store, &op, &ctx.os_user, ctx.clock.now())
            .map_err(|e| ctx.desk_failure(e))?;
    } else {
        let session = ctx.session(&store)?;
        ctx.desk(&mut store, &session, None)?
            .add_operator(&op)
            .map_err(|e| ctx.desk_failure(e))?;
    }
    ctx.say(&Msg::OperatorAdded {
        login: op.login.trim().to_string(),
    });
    Ok(())
}

pub fn operator_list(ctx: &Context, json: bool) -> Result<(), Failure> {
    let store = ctx.open_store()?;
    let scope = ctx.admin_scope(&store)?;
    let ops = store.operators(&scope).map_err(|e| ctx.store_failure(e))?;
    if json {
        super::emit(&serde_json::to_string_pretty(&ops).unwrap_or_default());
        return Ok(());
    }
    for o in ops {
        super::emit(&format!(
            "{}{}{}{}{}",
            super::lists::fit(&o.login, 14),
            super::lists::fit(&o.display_name, 20),
            super::lists::fit(&ctx.lang.code_label(o.role.code()), 16),
            super::lists::fit(o.station.as_deref().unwrap_or(""), 14),
            if o.disabled {
                ctx.lang.text(&Msg::Disabled)
            } else {
                String::new()
            }
        ));
    }
    Ok(())
}

pub fn operator_enable(ctx: &Context, login: &str, enabled: bool) -> Result<(), Failure> {
    let mut store = ctx.open_store()?;
    let session = ctx.session(&store)?;
    ctx.desk(&mut store, &session, None)?
        .set_operator_enabled(login, enabled)
        .map_err(|e| ctx.desk_failure(e))?;
    ctx.say(&if enabled {
        Msg::OperatorEnabled {
            login: login.into(),
        }
    } else {
        Msg::OperatorDisabled {
            login: login.into(),
        }
    });
    Ok(())
}

pub fn key_add(ctx: &Context, operator: &str, file: &Path) -> Result<(), Failure> {
    let text = std::fs::read_to_string(file).map_err(|e| {
        ctx.fail(&Msg::TableUnreadable {
            path: file.display().to_string(),
            reason: e.to_string(),
        })
    })?;
    let key = crate::ssh::parse_public_key(&text).map_err(|reason| {
        ctx.fail(&Msg::BadKeyFile {
            path: file.display().to_string(),
            reason,
        })
    })?;
    let fp = crate::ssh::fingerprint(&key);
    let mut store = ctx.open_store()?;
    let session = ctx.session(&store)?;
    ctx.desk(&mut store, &session, None)?
        .add_key(operator, &fp, text.trim())
        .map_err(|e| ctx.desk_failure(e))?;
    ctx.say(&Msg::KeyAdded {
        login: operator.into(),
        fingerprint: fp,
    });
    Ok(())
}

pub fn key_remove(ctx: &Context, fingerprint: &str) -> Result<(), Failure> {
    let mut store = ctx.open_store()?;
    let session = ctx.session(&store)?;
    ctx.desk(&mut store, &session, None)?
        .remove_key(fingerprint.trim())
        .map_err(|e| ctx.desk_failure(e))?;
    ctx.say(&Msg::KeyRemoved {
        fingerprint: fingerprint.trim().into(),
    });
    Ok(())
}

pub fn key_list(ctx: &Context) -> Result<(), Failure> {
    let store = ctx.open_store()?;
    let scope = ctx.admin_scope(&store)?;
    for (login, fp) in store.keys(&scope).map_err(|e| ctx.store_failure(e))? {
        super::emit(&format!("{login}  {fp}"));
    }
    Ok(())
}

/// Removes a key (center only, audited); the SSH server ends the sessions it opened.
pub fn serve(
    ctx: &Context,
    addr: String,
    host_key: Option<std::path::PathBuf>,
    max_sessions: Option<usize>,
) -> Result<(), Failure> {
    // Opening here creates and migrates the database before any session arrives.
    drop(ctx.open_store()?);
    let host_key =
        host_key.unwrap_or_else(|| super::default_data_dir().join("ssh_host_ed25519_key"));
    let lang = ctx.lang;
    // The server derives time-based alerts while it runs, taking the lease over from a
    // console that is gone; a console closing hands it back here within the lease's length.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let deriver = crate::console::deriver::spawn(
        ctx.db.clone(),
        ctx.os_user.clone(),
        ctx.config.clone(),
        std::sync::Arc::new(crate::domain::clock::SystemClock),
        stop.clone(),
    )
    .map_err(|e| Failure::BadInput(e.to_string()))?;
    let served = crate::ssh::serve(crate::ssh::ServeSetup {
        db: ctx.db.clone(),
        addr,
        host_key,
        lang,
        limits: ctx.config.ssh.clone(),
        max_sessions,
        config_path: ctx.config_path.clone(),
        say: Box::new(move |t| super::emit(&lang.text(&Msg::Ssh(t)))),
    });
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let _ = deriver.join();
    served.map_err(Failure::BadInput)
}
