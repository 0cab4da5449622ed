//! The store thread: owns the console's database connection so that no query ever runs on
//! the input path. It answers requests, watches `PRAGMA data_version` for other processes'
//! commits, re-derives time-based alerts once a minute, and sends fresh snapshots.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedSender;

use crate::app::action::{Reply, Request};
use crate::app::data::{load_detail, load_first, load_snapshot};
use crate::config::Config;
use crate::domain::alert::AlertStatus;
use crate::domain::clock::{Clock, beijing_date};
use crate::domain::team::check_assignment;
use crate::i18n::{Lang, Msg, T};
use crate::store::followups::FollowUpError;
use crate::store::operators::Operator;
use crate::store::{Store, StoreError, persons};

/// How often the thread looks for other processes' commits.
const WATCH_EVERY: Duration = Duration::from_millis(200);
/// How often time-based alerts (overdue, escalation) are re-derived and stored.
const REFRESH_EVERY: Duration = Duration::from_secs(60);

pub struct Worker {
    store: Store,
    operator: Operator,
    config: Config,
    lang: Lang,
    clock: Arc<dyn Clock>,
    replies: UnboundedSender<Reply>,
    detail: Option<(i64, bool)>,
    watch_report: bool,
}

/// Starts the thread; requests go in through the returned sender.
pub fn spawn(
    db: PathBuf,
    operator: Operator,
    config: Config,
    lang: Lang,
    clock: Arc<dyn Clock>,
    replies: UnboundedSender<Reply>,
) -> Sender<Request> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("store".into())
        .spawn(move || match Store::open(&db) {
            Ok(store) => Worker {
                store,
                operator,
                config,
                lang,
                clock,
                replies,
                detail: None,
                watch_report: false,
            }
            .run(rx),
            Err(e) => {
                let _ = replies.send(Reply::Failed(e.to_string()));
            }
        })
        .expect("a thread can be started");
    tx
}

impl Worker {
    fn run(mut self, rx: Receiver<Request>) {
        // The alerts view first, as fast as the store can say it; the register follows.
        match load_first(&self.store, &self.operator, self.clock.now()) {
            Ok(s) => {
                let _ = self.replies.send(Reply::Snapshot(Box::new(s)));
            }
            Err(e) => {
                let _ = self.replies.send(Reply::Failed(self.describe(e)));
            }
        }
        self.refresh_alerts();
        self.send_snapshot();
        let mut seen = self.store.data_version().unwrap_or(0);
        let mut last_refresh = Instant::now();
        loop {
            match rx.recv_timeout(WATCH_EVERY) {
                Ok(req) => {
                    let wrote = self.handle(req);
                    // Drain what queued meanwhile before reloading once.
                    let mut more = false;
                    while let Ok(req) = rx.try_recv() {
                        more |= self.handle(req);
                    }
                    if wrote || more {
                        self.send_snapshot();
                    }
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => break,
            }
            if last_refresh.elapsed() >= REFRESH_EVERY {
                last_refresh = Instant::now();
                if self.refresh_alerts() {
                    self.send_snapshot();
                }
            }
            match self.store.data_version() {
                Ok(v) if v != seen => {
                    seen = v;
                    self.send_snapshot();
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "data_version"),
            }
        }
    }

    /// Re-derives every alert; an auditor's console only reads.
    fn refresh_alerts(&mut self) -> bool {
        if !self.operator.can_write() {
            return false;
        }
        match self.store.refresh_alerts(self.clock.now(), &self.config) {
            Ok(s) => !s.is_empty(),
            Err(e) => {
                tracing::warn!(error = %e, "alert refresh");
                false
            }
        }
    }

    fn send_snapshot(&mut self) {
        let now = self.clock.now();
        let started = Instant::now();
        match load_snapshot(&self.store, &self.operator, &self.config, now) {
            Ok(s) => {
                tracing::debug!(ms = started.elapsed().as_millis() as u64, "snapshot");
                let _ = self.replies.send(Reply::Snapshot(Box::new(s)));
            }
            Err(e) => {
                let _ = self.replies.send(Reply::Failed(self.describe(e)));
            }
        }
        self.send_detail();
        self.send_report();
    }

    fn send_report(&mut self) {
        if !self.watch_report {
            return;
        }
        match crate::app::data::load_report(
            &self.store,
            &self.operator,
            &self.config,
            self.clock.now(),
        ) {
            Ok(r) => {
                let _ = self.replies.send(Reply::Report(Box::new(r)));
            }
            Err(e) => {
                let _ = self.replies.send(Reply::Failed(self.describe(e)));
            }
        }
    }

    /// Writes the statistical report (xlsx), the shift figures and the compliance (csv) into
    /// the data directory's `reports/`, named by date.
    fn export_report(&mut self) -> Result<String, String> {
        let now = self.clock.now();
        let r = crate::app::data::load_report(&self.store, &self.operator, &self.config, now)
            .map_err(|e| self.describe(e))?;
        let dir = crate::commands::default_data_dir().join("reports");
        crate::files::private_dir(&dir).map_err(|e| e.to_string())?;
        let stamp = now
            .with_timezone(&crate::domain::clock::beijing())
            .format("%Y%m%d-%H%M%S");
        let stats = dir.join(format!("统计表-{stamp}.xlsx"));
        let title = format!(
            "{}严重精神障碍患者肇事肇祸专项行动统计（{}至{}）",
            self.config.area.name, r.from, r.to
        );
        crate::report::write::stats(
            &r.stats,
            &title,
            &self.config.area.name,
            &r.to.to_string(),
            &stats,
            crate::files::Existing::Refuse,
        )
        .map_err(|e| self.lang.text(&crate::i18n::Msg::file_refused(&e)))?;
        let figures = dir.join(format!("值班与快反-{stamp}.csv"));
        let mut rows: Vec<Vec<String>> = r
            .today
            .iter()
            .map(|(a, n)| vec!["today".into(), a.clone(), n.to_string(), String::new()])
            .collect();
        for c in &r.compliance {
            rows.push(vec![
                "quick_response".into(),
                format!("step {}", c.step),
                format!("{}/{}", c.met, c.counted),
                c.median_seconds
                    .map(|m| format!("{m:.0}"))
                    .unwrap_or_default(),
            ]);
        }
        let sheet = crate::export::Sheet {
            name: "figures".into(),
            headers: ["kind", "item", "count", "median_seconds"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            rows,
        };
        crate::report::write::sheet(&sheet, &figures, crate::files::Existing::Refuse)
            .map_err(|e| self.lang.text(&crate::i18n::Msg::file_refused(&e)))?;
        Ok(format!(
            "{} {} · {}",
            self.lang.t(T::ExportedTo),
            stats.display(),
            figures.display()
        ))
    }

    fn send_detail(&mut self) {
        let Some((id, revealed)) = self.detail else {
            return;
        };
        let now = self.clock.now();
        match load_detail(&self.store, &self.operator, &self.config, id, revealed, now) {
            Ok(Some(d)) => {
                let _ = self.replies.send(Reply::Detail(Box::new(d)));
            }
            Ok(None) => {}
            Err(e) => {
                let _ = self.replies.send(Reply::Failed(self.describe(e)));
            }
        }
    }

    fn describe(&self, e: StoreError) -> String {
        match e {
            StoreError::Busy => self.lang.t(T::StoreBusy).to_string(),
            StoreError::StepAlreadyDone { step, actor } => {
                self.lang.text(&Msg::StepAlreadyDone { step, actor })
            }
            other => self.lang.text(&Msg::StoreOther(other.to_string())),
        }
    }

    /// Carries out one request; true when it wrote (so the snapshot must be reloaded).
    fn handle(&mut self, req: Request) -> bool {
        let now = self.clock.now();
        let scope = self.operator.scope();
        let login = self.operator.login.clone();
        let writes = !matches!(
            req,
            Request::Reload | Request::OpenDetail(_) | Request::CloseDetail
        );
        if writes && !self.operator.can_write() && !matches!(req, Request::Reveal(_)) {
            let _ = self
                .replies
                .send(Reply::Failed(self.lang.t(T::ReadOnly).into()));
            return false;
        }
        let result: Result<Option<T>, String> = match req {
            Request::Reload => {
                self.send_snapshot();
                Ok(None)
            }
            Request::OpenDetail(id) => {
                self.detail = Some((id, false));
                self.send_detail();
                Ok(None)
            }
            Request::CloseDetail => {
                self.detail = None;
                Ok(None)
            }
            Request::Reveal(id) => self
                .store
                .record_reveal(id, &login, &scope, now)
                .map(|_| {
                    self.detail = Some((id, true));
                    None
                })
                .map_err(|e| self.describe(e)),
            Request::Acknowledge(id) => {
                self.status(id, AlertStatus::Acknowledged, None, T::AcknowledgedMsg)
            }
            Request::InProgress(id) => {
                self.status(id, AlertStatus::InProgress, None, T::InProgressMsg)
            }
            Request::Resolve(id, note) => {
                self.status(id, AlertStatus::Resolved, Some(note), T::ResolvedMsg)
            }
            Request::Report {
                patient_id,
                severity,
                note,
            } => self
                .store
                .raise_reported_alert(patient_id, severity, &note, &login, &scope, now)
                .map(|_| Some(T::ReportedMsg))
                .map_err(|e| self.describe(e)),
            Request::Assign {
                patient_id,
                role,
                person_id,
            } => {
                let config = self.config.clone();
                let mut refusal = None;
                let r = self.store.write(|tx| {
                    let p = crate::store::patients::load(tx, patient_id)?;
                    if !scope.admits_station(&p.jurisdiction.station) {
                        return Err(StoreError::NotFound(format!("patient {patient_id}")));
                    }
                    let person = persons::load(tx, person_id)?;
                    if let Err(e) = check_assignment(&p, role, &person) {
                        refusal = Some(e);
                        return Err(StoreError::Refused("assignment".into()));
                    }
                    persons::assign(tx, patient_id, role, person_id, now, &login)?;
                    Store::refresh_patient_alerts(tx, patient_id, now, &config)?;
                    Ok(())
                });
                match (r, refusal) {
                    (_, Some(e)) => Err(self.lang.text(&Msg::Assignment(e))),
                    (Ok(()), None) => Ok(Some(T::AssignedMsg)),
                    (Err(e), None) => Err(self.describe(e)),
                }
            }
            Request::CreateAndAssign {
                patient_id,
                role,
                name,
                phone,
                unit,
                jurisdiction,
            } => {
                let config = self.config.clone();
                let r = self
                    .store
                    .create_and_assign(
                        patient_id,
                        role,
                        &name,
                        &phone,
                        &unit,
                        &jurisdiction,
                        &login,
                        now,
                    )
                    .and_then(|_| {
                        self.store
                            .write(|tx| Store::refresh_patient_alerts(tx, patient_id, now, &config))
                    });
                r.map(|_| Some(T::AssignedMsg))
                    .map_err(|e| self.describe(e))
            }
            Request::Unassign { patient_id, role } => {
                let config = self.config.clone();
                self.store
                    .write(|tx| {
                        let p = crate::store::patients::load(tx, patient_id)?;
                        if !scope.admits_station(&p.jurisdiction.station) {
                            return Err(StoreError::NotFound(format!("patient {patient_id}")));
                        }
                        persons::unassign(tx, patient_id, role, now, &login)?;
                        Store::refresh_patient_alerts(tx, patient_id, now, &config)
                    })
                    .map(|_| Some(T::UnassignedMsg))
                    .map_err(|e| self.describe(e))
            }
            Request::TakeOver => {
                let last = self
                    .store
                    .last_handover(&self.operator)
                    .map_err(|e| self.describe(e));
                match (last, self.store.take_over(&self.operator, now)) {
                    (Ok(last), Ok(_)) => {
                        let handover = last.and_then(|r| r.handover).map(Box::new);
                        let _ = self.replies.send(Reply::Handover {
                            taking_over: true,
                            handover,
                        });
                        Ok(None)
                    }
                    (Err(e), _) => Err(e),
                    (_, Err(e)) => Err(self.describe(e)),
                }
            }
            Request::HandOver(note) => match self.store.hand_over(&self.operator, &note, now) {
                Ok(h) => {
                    let _ = self.replies.send(Reply::Handover {
                        taking_over: false,
                        handover: Some(Box::new(h)),
                    });
                    Ok(None)
                }
                Err(e) => Err(self.describe(e)),
            },
            Request::WatchReport(on) => {
                self.watch_report = on;
                self.send_report();
                Ok(None)
            }
            Request::ExportReport => match self.export_report() {
                Ok(text) => {
                    let _ = self.replies.send(Reply::Info(text));
                    Ok(None)
                }
                Err(e) => Err(e),
            },
            Request::OpenIncident {
                patient_id,
                alert_id,
                location,
            } => {
                let qr = self.config.quick_response.clone();
                match self.store.open_incident(
                    patient_id, alert_id, &location, "", &login, &scope, &qr, now,
                ) {
                    Ok(id) => {
                        let _ = self.replies.send(Reply::IncidentOpened(id));
                        // A write: the snapshot that follows carries the new incident.
                        Ok(None)
                    }
                    Err(e) => Err(self.describe(e)),
                }
            }
            Request::MarkStep {
                incident_id,
                step,
                actor,
            } => {
                let own = vec![login.clone()];
                self.store
                    .mark_step(incident_id, step, &actor, &login, &scope, &own, now)
                    .map(|_| Some(T::StepRecordedMsg))
                    .map_err(|e| self.describe(e))
            }
            Request::IncidentNote { incident_id, text } => {
                let own = vec![login.clone()];
                self.store
                    .add_incident_note(incident_id, &text, &login, &scope, &own, now)
                    .map(|_| Some(T::NoteAddedMsg))
                    .map_err(|e| self.describe(e))
            }
            Request::CloseIncident {
                incident_id,
                closing,
                resolve_alert,
            } => {
                let own = vec![login.clone()];
                self.store
                    .close_incident(
                        incident_id,
                        &closing,
                        resolve_alert,
                        &login,
                        &scope,
                        &own,
                        now,
                    )
                    .map(|_| Some(T::IncidentClosedMsg))
                    .map_err(|e| self.describe(e))
            }
            Request::FollowUp {
                patient_id,
                followup,
            } => {
                let today = beijing_date(now);
                let config = self.config.clone();
                match self
                    .store
                    .record_followup(patient_id, &followup, &login, &scope, &config, today, now)
                {
                    Ok(_) => Ok(Some(T::Saved)),
                    Err(FollowUpError::Refused(r)) => Err(self.lang.text(&Msg::FollowUpRefused(r))),
                    Err(FollowUpError::Store(e)) => Err(self.describe(e)),
                }
            }
        };
        match result {
            Ok(Some(t)) => {
                let _ = self.replies.send(Reply::Done(t));
                true
            }
            Ok(None) => writes,
            Err(text) => {
                let _ = self.replies.send(Reply::Failed(text));
                false
            }
        }
    }

    fn status(
        &mut self,
        id: i64,
        next: AlertStatus,
        note: Option<String>,
        done: T,
    ) -> Result<Option<T>, String> {
        let now = self.clock.now();
        let scope = self.operator.scope();
        let login = self.operator.login.clone();
        self.store
            .set_alert_status(id, next, note.as_deref(), &login, &scope, now)
            .map(|_| Some(done))
            .map_err(|e| self.describe(e))
    }
}
