//! Reports from the command line: printed, as JSON, or written to xlsx/csv.

use chrono::NaiveDate;
use std::path::Path;

use super::{Context, Failure, emit};
use crate::desk::records::ExportKind;
use crate::domain::clock::beijing_date;
use crate::files::{Existing, FileError};
use crate::i18n::{Lang, Msg};
use crate::report::rewards::{Month, RewardDecision};
use crate::report::{self, write};

/// `--force` asks for an existing file to be replaced (atomically); otherwise it is refused.
pub(super) fn existing(force: bool) -> Existing {
    if force {
        Existing::Replace
    } else {
        Existing::Refuse
    }
}

pub(super) fn written(ctx: &Context, path: &Path, r: Result<(), FileError>) -> Result<(), Failure> {
    r.map_err(|e| {
        let mut text = ctx.lang.text(&Msg::file_refused(&e));
        if matches!(e, FileError::Exists(_)) {
            text.push(' ');
            text.push_str(&ctx.lang.text(&Msg::ForceHint));
        }
        Failure::BadInput(text)
    })?;
    ctx.say(&Msg::ReportWritten {
        path: path.display().to_string(),
    });
    Ok(())
}

/// Writes an export, then audits it (what, how many rows, masked or not, where) and says
/// the audit log's head, which pins the history the report was made from. If the audit
/// cannot be written, the file is removed again: no export leaves unrecorded.
#[allow(clippy::too_many_arguments)]
pub(super) fn export(
    ctx: &Context,
    store: &mut crate::store::Store,
    session: &crate::desk::Session,
    kind: ExportKind,
    rows: usize,
    unmasked: bool,
    path: &Path,
    write: Result<(), FileError>,
) -> Result<(), Failure> {
    written(ctx, path, write)?;
    let recorded = ctx.desk(store, session, None).and_then(|mut d| {
        d.record_export(kind, rows, unmasked, Some(&path.display().to_string()))
            .map_err(|e| ctx.desk_failure(e))
    });
    match recorded {
        Ok((row, hash)) => {
            ctx.say(&Msg::AuditHead { row, hash });
            Ok(())
        }
        Err(f) => {
            let _ = std::fs::remove_file(path);
            Err(f)
        }
    }
}

pub fn stats(
    ctx: &Context,
    from: NaiveDate,
    to: NaiveDate,
    out: Option<&Path>,
    force: bool,
    json: bool,
) -> Result<(), Failure> {
    if to < from {
        return Err(Failure::Usage(ctx.lang.text(&Msg::BadPeriod)));
    }
    let mut store = ctx.open_store()?;
    let session = ctx.session(&store)?;
    let rows = report::statistics(&store, &session.scope(), from, to, &ctx.config)
        .map_err(|e| ctx.store_failure(e))?;
    if let Some(path) = out {
        let title = format!(
            "{}严重精神障碍患者肇事肇祸专项行动统计（{from}至{to}）",
            ctx.config.area.name
        );
        // The paper copy names the audit log's head the report was made from, which pins the
        // history behind its figures.
        let (head, hash) = store.audit_head().map_err(|e| ctx.store_failure(e))?;
        let date = format!(
            "{}  {}",
            beijing_date(ctx.clock.now()),
            ctx.lang.text(&Msg::AuditHead { row: head, hash })
        );
        let n = rows.len();
        return export(
            ctx,
            &mut store,
            &session,
            ExportKind::Stats,
            n,
            false,
            path,
            write::stats(
                &rows,
                &title,
                &ctx.config.area.name,
                &date,
                path,
                existing(force),
            ),
        );
    }
    if json {
        emit(&serde_json::to_string_pretty(&rows).unwrap_or_default());
        return Ok(());
    }
    for r in &rows {
        let value = if r.is_manual() {
            write::MANUAL_MARK.to_string()
        } else {
            r.value_text()
        };
        let def = if ctx.lang == Lang::En {
            r.definition_en
        } else {
            r.definition_zh
        };
        emit(&format!(
            "{} {} {} {value}    ({def})",
            r.section, r.label, r.sub
        ));
    }
    Ok(())
}

pub fn exchange(
    ctx: &Context,
    out: Option<&Path>,
    force: bool,
    unmasked: bool,
    json: bool,
) -> Result<(), Failure> {
    let mut store = ctx.open_store()?;
    let session = ctx.session(&store)?;
    if let Some(path) = out {
        // Row by row from the register into the file; the count is known once it is written.
        let mut n = 0;
        let write = crate::export::write_rows_file(
            report::exchange::SHEET_NAME,
            &report::exchange::headers(),
            path,
            existing(force),
            |put| {
                let mut failed = None;
                let read =
                    report::exchange::for_each_row(&store, &session.scope(), unmasked, |r| {
                        put(r).map_err(|e| {
                            failed = Some(e);
                            crate::store::StoreError::Refused(String::new())
                        })
                    });
                match (read, failed) {
                    (_, Some(e)) => Err(e),
                    (Err(e), None) => Err(e.to_string()),
                    (Ok(count), None) => {
                        n = count;
                        Ok(())
                    }
                }
            },
        );
        return export(
            ctx,
            &mut store,
            &session,
            ExportKind::Exchange,
            n,
            unmasked,
            path,
            write,
        );
    }
    let sheet = report::exchange::list(&store, &session.scope(), unmasked)
        .map_err(|e| ctx.store_failure(e))?;
    if unmasked {
        // Full ID numbers leave the system: who did it and when goes in the audit log.
        ctx.desk(&mut store, &session, None)?
            .record_export(ExportKind::Exchange, sheet.rows.len(), true, None)
            .map_err(|e| ctx.desk_failure(e))?;
    }
    if json {
        let v: Vec<serde_json::Value> = sheet
            .rows
            .iter()
            .map(|r| {
                serde_json::Value::Object(
                    sheet
                        .headers
                        .iter()
                        .cloned()
                        .zip(r.iter().map(|c| c.clone().into()))
                        .collect(),
                )
            })
            .collect();
        emit(&serde_json::to_string_pretty(&v).unwrap_or_default());
        return Ok(());
    }
    emit(&sheet.headers.join(","));
    for r in &sheet.rows {
        emit(&r.join(","));
    }
    Ok(())
}

pub fn rewards(
    ctx: &Context,
    month: Month,
    out: Option<&Path>,
    force: bool,
    json: bool,
) -> Result<(), Failure> {
    let mut store = ctx.open_store()?;
    let session = ctx.session(&store)?;
    let lines = report::reward_lines(&store, &session.scope(), month, month, &ctx.config)
        .map_err(|e| ctx.store_failure(e))?;
    if json {
        emit(&serde_json::to_string_pretty(&lines).unwrap_or_default());
        return Ok(());
    }
    let sheet = crate::export::Sheet {
        name: "以奖代补".into(),
        headers: [
            "月份",
            "患者",
            "危险性",
            "监护人",
            "监护人电话",
            "结果",
            "金额(元)",
            "原因",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        rows: lines
            .iter()
            .map(|l| {
                let (result, reason) = match l.decision {
                    RewardDecision::Due => (ctx.lang.text(&Msg::RewardDue), String::new()),
                    other => (
                        ctx.lang.text(&Msg::RewardNotDue),
                        ctx.lang.text(&Msg::RewardReason(other)),
                    ),
                };
                vec![
                    l.month.to_string(),
                    l.patient_name.clone(),
                    format!("{}级", l.risk_level),
                    l.guardian
                        .as_ref()
                        .map(|g| g.name.clone())
                        .unwrap_or_default(),
                    l.guardian
                        .as_ref()
                        .map(|g| crate::domain::id_number::mask_phone(&g.phone))
                        .unwrap_or_default(),
                    result,
                    l.amount_yuan.to_string(),
                    reason,
                ]
            })
            .collect(),
    };
    if let Some(path) = out {
        let write = write::sheet(&sheet, path, existing(force));
        let n = lines.len();
        return export(
            ctx,
            &mut store,
            &session,
            ExportKind::Rewards,
            n,
            false,
            path,
            write,
        );
    }
    let due: u32 = lines.iter().map(|l| l.amount_yuan).sum();
    for r in &sheet.rows {
        emit(&r.join("  "));
    }
    ctx.say(&Msg::RewardTotal {
        month: month.to_string(),
        guardians: lines
            .iter()
            .filter(|l| l.decision == RewardDecision::Due)
            .count(),
        yuan: due,
    });
    Ok(())
}
