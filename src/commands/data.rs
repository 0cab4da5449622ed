//! Commands that create, fill, check and copy the database.

use chrono::NaiveDate;
use std::path::Path;

use super::{Context, Failure};
use crate::demo;
use crate::domain::clock::beijing_date;
use crate::i18n::Msg;
use crate::import::rows::{Level, Problem};
use crate::import::table::TableError;
use crate::import::{Import, ImportError, ImportReport};

pub fn console(ctx: &Context) -> Result<(), Failure> {
    let login = ctx
        .console_login
        .clone()
        .unwrap_or_else(|| ctx.operator.clone());
    open_console(ctx, &login)
}

/// Opens the console as `login`, which must be a registered, enabled operator.
fn open_console(ctx: &Context, login: &str) -> Result<(), Failure> {
    let store = ctx.open_store()?;
    let operator = store.operator(login).map_err(|e| ctx.store_failure(e))?;
    drop(store);
    let operator = match operator {
        Some(op) if op.disabled => {
            return Err(ctx.fail(&Msg::OperatorDisabled {
                login: login.into(),
            }));
        }
        Some(op) => op,
        None => {
            return Err(ctx.fail(&Msg::UnknownOperator {
                login: login.into(),
            }));
        }
    };
    tracing::info!(operator = %operator.login, "console opened");
    crate::console::run(crate::console::ConsoleSetup {
        db: ctx.db.clone(),
        lang: ctx.lang,
        config: ctx.config.clone(),
        operator,
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
            .map_err(|e| ctx.store_failure(e))?;
        ctx.say(&Msg::DemoBuilt {
            path,
            patients: s.patients,
            alerts: s.alerts,
        });
    }
    drop(store);
    // The demo is a training desk: it opens as the center's duty operator unless told.
    let login = ctx.console_login.clone().unwrap_or_else(|| "center".into());
    open_console(ctx, &login)
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
    ctx.say(&Msg::ImportSummary {
        file: file.display().to_string(),
        rows: r.rows,
        added: r.counts.added,
        updated: r.counts.updated,
        unchanged: r.counts.unchanged,
        persons_created: r.counts.persons_created,
        warnings: r.warnings,
    });
    if r.errors > 0 {
        ctx.say(&Msg::ImportRefused {
            errors: r.errors,
            warnings: r.warnings,
        });
    } else if r.dry_run {
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
    ctx.fail(&match e {
        TableError::Unreadable { path, reason } => Msg::TableUnreadable { path, reason },
        TableError::NoSheet { path } | TableError::Empty { path } => Msg::TableEmpty { path },
        TableError::UnsupportedType { path } => Msg::TableUnsupported { path },
    })
}

pub fn import_roster(ctx: &Context, file: &Path, dry_run: bool, json: bool) -> Result<(), Failure> {
    // Read and check the file before touching the database, so a bad path creates nothing.
    let table = crate::import::table::read(file).map_err(|e| table_failure(ctx, e))?;
    let mut store = ctx.open_store()?;
    ctx.center_only(&store)?;
    let now = ctx.clock.now();
    let report = Import {
        store: &mut store,
        config: &ctx.config,
        operator: &ctx.operator,
        today: beijing_date(now),
        now,
        dry_run,
    }
    .table(&table)
    .map_err(|e| match ImportError::from(e) {
        ImportError::Store(e) => ctx.store_failure(e),
        ImportError::Table(e) => table_failure(ctx, e),
    })?;
    print_report(ctx, file, &report, json);
    if report.errors > 0 {
        Err(Failure::BadInput(String::new()))
    } else {
        Ok(())
    }
}

pub fn check(ctx: &Context) -> Result<(), Failure> {
    let store = ctx.open_store()?;
    let f = |e| ctx.store_failure(e);
    let version = store.schema_version().map_err(f)?;
    let problems = store.integrity_problems().map_err(f)?;
    if problems.is_empty() {
        let patients = store.patient_count(&Default::default()).map_err(f)?;
        let audit_rows = store.audit_count().map_err(f)?;
        ctx.say(&Msg::CheckOk {
            version,
            patients,
            audit_rows,
        });
        Ok(())
    } else {
        Err(ctx.fail(&Msg::CheckProblems { version, problems }))
    }
}

pub fn backup(ctx: &Context, file: &Path) -> Result<(), Failure> {
    let path = file.display().to_string();
    if file.exists() {
        return Err(ctx.fail(&Msg::BackupExists { path }));
    }
    let store = ctx.open_store()?;
    ctx.center_only(&store)?;
    store.backup_to(file).map_err(|e| ctx.store_failure(e))?;
    ctx.say(&Msg::BackupDone { path });
    Ok(())
}

pub fn synth_roster(
    ctx: &Context,
    count: usize,
    seed: u64,
    anchor: NaiveDate,
    out: &Path,
) -> Result<(), Failure> {
    let sheet = demo::roster(count, seed, anchor);
    let is_xlsx = out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    let written = if is_xlsx {
        crate::export::write_xlsx_file(&sheet, out).map_err(|e| e.to_string())
    } else {
        crate::export::write_csv_file(&sheet, out).map_err(|e| e.to_string())
    };
    written.map_err(|reason| {
        ctx.fail(&Msg::TableUnreadable {
            path: out.display().to_string(),
            reason,
        })
    })
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
    if role == OperatorRole::Station && station.as_deref().is_none_or(|s| s.trim().is_empty()) {
        return Err(ctx.fail(&Msg::StationRequired));
    }
    let op = Operator {
        login: login.trim().to_string(),
        display_name: name.trim().to_string(),
        role,
        station: if role == OperatorRole::Station {
            station.map(|s| s.trim().to_string())
        } else {
            None
        },
        disabled: false,
    };
    let mut store = ctx.open_store()?;
    ctx.center_only(&store)?;
    store
        .add_operator(&op, &ctx.operator, ctx.clock.now())
        .map_err(|e| ctx.store_failure(e))?;
    ctx.say(&Msg::OperatorAdded { login: op.login });
    Ok(())
}

pub fn operator_list(ctx: &Context, json: bool) -> Result<(), Failure> {
    let store = ctx.open_store()?;
    let ops = store.operators().map_err(|e| ctx.store_failure(e))?;
    if json {
        super::emit(&serde_json::to_string_pretty(&ops).unwrap_or_default());
        return Ok(());
    }
    for o in ops {
        super::emit(&format!(
            "{}{}{}{}{}",
            super::lists::fit(&o.login, 14),
            super::lists::fit(&o.display_name, 20),
            super::lists::fit(o.role.code(), 9),
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

pub fn operator_disable(ctx: &Context, login: &str) -> Result<(), Failure> {
    let mut store = ctx.open_store()?;
    ctx.center_only(&store)?;
    store
        .disable_operator(login, &ctx.operator, ctx.clock.now())
        .map_err(|e| ctx.store_failure(e))?;
    ctx.say(&Msg::OperatorDisabled {
        login: login.into(),
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
    ctx.center_only(&store)?;
    store
        .add_key(operator, &fp, text.trim(), &ctx.operator, ctx.clock.now())
        .map_err(|e| ctx.store_failure(e))?;
    ctx.say(&Msg::KeyAdded {
        login: operator.into(),
        fingerprint: fp,
    });
    Ok(())
}

pub fn key_list(ctx: &Context) -> Result<(), Failure> {
    let store = ctx.open_store()?;
    for (login, fp) in store.keys().map_err(|e| ctx.store_failure(e))? {
        super::emit(&format!("{login}  {fp}"));
    }
    Ok(())
}

pub fn serve(
    ctx: &Context,
    addr: String,
    host_key: Option<std::path::PathBuf>,
    max_sessions: usize,
) -> Result<(), Failure> {
    // Opening here creates and migrates the database before any session arrives.
    drop(ctx.open_store()?);
    let host_key =
        host_key.unwrap_or_else(|| super::default_data_dir().join("ssh_host_ed25519_key"));
    crate::ssh::serve(crate::ssh::ServeSetup {
        db: ctx.db.clone(),
        addr,
        host_key,
        lang: ctx.lang,
        max_sessions,
        config_path: ctx.config_path.clone(),
    })
    .map_err(Failure::BadInput)
}
