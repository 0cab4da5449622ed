//! Shifts from the command line: take over, hand over, and print or export the last handover.

use super::{Context, Failure, emit};
use crate::cli::ShiftCommand;
use crate::domain::clock::beijing;
use crate::i18n::Msg;
use crate::report::handover;

pub fn run(ctx: &Context, c: ShiftCommand) -> Result<(), Failure> {
    let mut store = ctx.open_store()?;
    let session = ctx.session(&store)?;
    let f = |e| ctx.store_failure(e);
    match c {
        ShiftCommand::List { json } => return list(ctx, &store, &session, json),
        ShiftCommand::TakeOver => {
            let last = ctx
                .desk(&mut store, &session, None)?
                .take_over()
                .map_err(|e| ctx.desk_failure(e))?;
            ctx.say(&Msg::ShiftTaken);
            match last.and_then(|r| r.handover) {
                Some(h) => handover::lines(ctx.lang, &h).iter().for_each(|l| emit(l)),
                None => ctx.say(&Msg::NoHandover),
            }
        }
        ShiftCommand::HandOver { note } => {
            let h = ctx
                .desk(&mut store, &session, None)?
                .hand_over(&note)
                .map_err(|e| ctx.desk_failure(e))?;
            ctx.say(&Msg::ShiftHandedOver);
            handover::lines(ctx.lang, &h).iter().for_each(|l| emit(l));
        }
        ShiftCommand::Last { json, out, force } => {
            let Some(h) = store
                .last_handover(&session.operator)
                .map_err(f)?
                .and_then(|r| r.handover)
            else {
                ctx.say(&Msg::NoHandover);
                return Ok(());
            };
            if let Some(path) = out {
                let sheet = handover::sheet(ctx.lang, &h);
                let w = crate::report::write::sheet(&sheet, &path, super::reports::existing(force));
                super::reports::export(
                    ctx,
                    &mut store,
                    &session,
                    crate::desk::records::ExportKind::Handover,
                    1,
                    false,
                    &path,
                    w,
                )?;
            } else if json {
                emit(&serde_json::to_string_pretty(&h).unwrap_or_default());
            } else {
                handover::lines(ctx.lang, &h).iter().for_each(|l| emit(l));
            }
        }
    }
    Ok(())
}

/// Shifts of the desks in the operator's scope (a station sees its own).
fn list(
    ctx: &Context,
    store: &crate::store::Store,
    session: &crate::desk::Session,
    json: bool,
) -> Result<(), Failure> {
    let rows = store
        .shifts(&session.scope(), 50)
        .map_err(|e| ctx.store_failure(e))?;
    if json {
        emit(&serde_json::to_string_pretty(&rows).unwrap_or_default());
        return Ok(());
    }
    for r in rows {
        emit(&format!(
            "#{} {} {} → {}",
            r.id,
            r.operator,
            r.started_at.with_timezone(&beijing()).format("%m-%d %H:%M"),
            r.ended_at
                .map(|d| d
                    .with_timezone(&beijing())
                    .format("%m-%d %H:%M")
                    .to_string())
                .unwrap_or_default()
        ));
    }
    Ok(())
}
