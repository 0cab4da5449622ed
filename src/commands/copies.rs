//! Backup and restore from the command line: `backup FILE [--verify]` and `restore FILE`,
//! both the center's (or the database administrator's) to run.

use std::path::Path;

use super::{Context, Failure};
use crate::domain::clock::beijing;
use crate::files::FileError;
use crate::i18n::Msg;
use crate::store::StoreError;
use crate::store::backup::{self, CopyError};

fn copy_failure(ctx: &Context, e: CopyError) -> Failure {
    tracing::warn!(error = %e, "backup or restore refused");
    let path = |p: &Path| p.display().to_string();
    match e {
        CopyError::File(FileError::Exists(p)) => ctx.fail(&Msg::BackupExists { path: path(&p) }),
        CopyError::File(f) => ctx.fail(&Msg::file_refused(&f)),
        CopyError::Store(s) => ctx.store_failure(s),
        CopyError::NotRegular(p) => ctx.fail(&Msg::OutputNotRegular { path: path(&p) }),
        CopyError::NotDatabase(p) => ctx.fail(&Msg::CopyNotDatabase { path: path(&p) }),
        CopyError::SameFile(p) => ctx.fail(&Msg::CopySameFile { path: path(&p) }),
        CopyError::Unsound { path: p, problems } => ctx.fail(&Msg::CopyUnsound {
            path: path(&p),
            problems,
        }),
        CopyError::InUse(p) => ctx.fail(&Msg::CopyInUse { path: path(&p) }),
    }
}

pub fn backup(ctx: &Context, file: &Path, verify: bool) -> Result<(), Failure> {
    let store = ctx.open_store()?;
    ctx.center_or_administrator(&store)?;
    let verified = store
        .backup_to(file, verify)
        .map_err(|e| copy_failure(ctx, e))?;
    let path = file.display().to_string();
    tracing::info!(path = %path, verified = verify, "backup written");
    ctx.say(&Msg::BackupDone { path: path.clone() });
    if let Some(v) = verified {
        ctx.say(&Msg::CopyVerified {
            path,
            version: v.version,
            patients: v.patients,
            audit_rows: v.audit_rows,
        });
    }
    Ok(())
}

pub fn restore(ctx: &Context, file: &Path) -> Result<(), Failure> {
    if ctx.db.exists() {
        // The center decides; a database too broken to open is the administrator's, who can
        // open its file (that is checked when it is locked).
        match crate::store::Store::open(&ctx.db) {
            Ok(store) => {
                ctx.center_or_administrator(&store)?;
            }
            Err(StoreError::Busy) => {
                return Err(ctx.fail(&Msg::CopyInUse {
                    path: ctx.db.display().to_string(),
                }));
            }
            Err(e) => tracing::warn!(error = %e, "restoring over a database that does not open"),
        }
    }
    let stamp = ctx
        .clock
        .now()
        .with_timezone(&beijing())
        .format("%Y%m%d-%H%M%S")
        .to_string();
    let r = backup::restore(&ctx.db, file, &stamp).map_err(|e| copy_failure(ctx, e))?;
    tracing::info!(from = %file.display(), kept = ?r.kept, "database restored");
    let mut store = ctx.open_store()?;
    let login = ctx
        .console_login
        .clone()
        .unwrap_or_else(|| ctx.os_user.clone());
    crate::desk::admin::record_restore(
        &mut store,
        &login,
        &ctx.identity(),
        &file.display().to_string(),
        r.kept.as_ref().map(|k| k.display().to_string()).as_deref(),
        ctx.clock.now(),
    )
    .map_err(|e| ctx.desk_failure(e))?;
    ctx.say(&Msg::CopyVerified {
        path: file.display().to_string(),
        version: r.verified.version,
        patients: r.verified.patients,
        audit_rows: r.verified.audit_rows,
    });
    ctx.say(&Msg::RestoreDone {
        path: ctx.db.display().to_string(),
        kept: r.kept.map(|k| k.display().to_string()),
    });
    Ok(())
}
