//! Shifts from the command line: take over, hand over, and print or export the last handover.

use super::{Context, Failure, emit};
use crate::cli::ShiftCommand;
use crate::domain::clock::beijing;
use crate::i18n::Msg;
use crate::report::handover;

pub fn run(ctx: &Context, c: ShiftCommand) -> Result<(), Failure> {
    let mut store = ctx.open_store()?;
    let f = |e| ctx.store_failure(e);
    if let ShiftCommand::List { json } = c {
        return list(ctx, &store, json);
    }
    // A shift belongs to a registered operator.
    let op = match store.operator(&ctx.operator).map_err(f)? {
        Some(op) if !op.disabled => op,
        Some(op) => return Err(ctx.fail(&Msg::OperatorDisabled { login: op.login })),
        None => {
            return Err(ctx.fail(&Msg::UnknownOperator {
                login: ctx.operator.clone(),
            }));
        }
    };
    match c {
        ShiftCommand::TakeOver => {
            if !op.can_write() {
                return Err(ctx.fail(&Msg::NotAllowed { login: op.login }));
            }
            let last = store.last_handover(&op).map_err(f)?;
            store.take_over(&op, ctx.clock.now()).map_err(f)?;
            ctx.say(&Msg::ShiftTaken);
            match last.and_then(|r| r.handover) {
                Some(h) => handover::lines(ctx.lang, &h).iter().for_each(|l| emit(l)),
                None => ctx.say(&Msg::NoHandover),
            }
        }
        ShiftCommand::HandOver { note } => {
            let h = store.hand_over(&op, &note, ctx.clock.now()).map_err(f)?;
            ctx.say(&Msg::ShiftHandedOver);
            handover::lines(ctx.lang, &h).iter().for_each(|l| emit(l));
        }
        ShiftCommand::Last { json, out, force } => {
            let Some(h) = store
                .last_handover(&op)
                .map_err(f)?
                .and_then(|r| r.handover)
            else {
                ctx.say(&Msg::NoHandover);
                return Ok(());
            };
            if let Some(path) = out {
                let sheet = handover::sheet(&h);
                let w = crate::report::write::sheet(&sheet, &path, super::reports::existing(force));
                super::reports::written(ctx, &path, w)?;
            } else if json {
                emit(&serde_json::to_string_pretty(&h).unwrap_or_default());
            } else {
                handover::lines(ctx.lang, &h).iter().for_each(|l| emit(l));
            }
        }
        ShiftCommand::List { .. } => unreachable!("handled above"),
    }
    Ok(())
}

fn list(ctx: &Context, store: &crate::store::Store, json: bool) -> Result<(), Failure> {
    let rows = store.shifts(50).map_err(|e| ctx.store_failure(e))?;
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
