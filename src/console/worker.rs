//! The store thread: owns the console's database connection so that no query ever runs on
//! the input path. It dispatches each request to the one-door API (`desk`) or to a scoped
//! read, watches `PRAGMA data_version` for other processes' commits, derives time-based
//! alerts once a minute while it holds the deriver's lease, and sends what changed: a delta of
//! the touched rows read from the store's change sequence, or a whole snapshot when the change
//! is large. No SQL and no rules live here.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedSender;

use super::deriver::Deriver;
use crate::app::action::{Reply, Request};
use crate::app::data::{
    load_delta_with, load_detail, load_first, load_persons_for, load_snapshot_with,
};
use crate::config::Config;
use crate::desk::incidents::Subject;
use crate::desk::records::ExportKind;
use crate::desk::team::Holder;
use crate::desk::{Desk, DeskError, Session};
use crate::domain::clock::Clock;
use crate::domain::lease::HolderKind;
use crate::i18n::{Lang, Msg, T};
use crate::store::changes::Since;
use crate::store::persons::NewPerson;
use crate::store::{Store, StoreError};

/// How often the thread looks for other processes' commits.
const WATCH_EVERY: Duration = Duration::from_millis(200);
/// How often the console asks for the deriver's lease and, holding it, derives.
const REFRESH_EVERY: Duration = super::deriver::DERIVE_EVERY;
/// The console connection's page cache, KiB (SQLite's own default): the register is read in
/// one scan, then rows by index.
const PAGE_CACHE_KIB: u32 = 2048;
/// Above this many change rows since the last look (an import), reloading whole is cheaper
/// than patching row by row.
const DELTA_LIMIT: usize = 5_000;

pub struct Worker {
    store: Store,
    session: Session,
    config: Config,
    lang: Lang,
    clock: Arc<dyn Clock>,
    replies: UnboundedSender<Reply>,
    detail: Option<(i64, bool)>,
    /// The incident on screen, and whether its team's phones were revealed.
    incident: Option<(i64, bool)>,
    watch_report: bool,
    /// Whether the console holds the persons directory: snapshots and team changes carry it
    /// only then.
    watch_persons: bool,
    /// Present when the operator may write: this console may become the deriver.
    deriver: Option<Deriver>,
    /// The last change sequence the console has: the next look reads what came after it.
    seq: i64,
}

/// Starts the thread; requests go in through the returned sender.
pub fn spawn(
    db: PathBuf,
    session: Session,
    config: Config,
    lang: Lang,
    clock: Arc<dyn Clock>,
    replies: UnboundedSender<Reply>,
) -> Sender<Request> {
    spawn_joinable(db, session, config, lang, clock, replies).0
}

/// As `spawn`, with the thread's handle: the console waits on it when it ends, so requests
/// still queued are written and the deriver's lease is given back before the process exits.
pub fn spawn_joinable(
    db: PathBuf,
    session: Session,
    config: Config,
    lang: Lang,
    clock: Arc<dyn Clock>,
    replies: UnboundedSender<Reply>,
) -> (Sender<Request>, std::thread::JoinHandle<()>) {
    let (tx, rx) = std::sync::mpsc::channel();
    let handle = std::thread::Builder::new()
        .name("store".into())
        .spawn(move || {
            match Store::open(&db).and_then(|s| {
                s.set_page_cache_kib(PAGE_CACHE_KIB)?;
                Ok(s)
            }) {
                Ok(store) => Worker {
                    deriver: session
                        .operator
                        .can_write()
                        .then(|| Deriver::new(&session.operator.login, HolderKind::Console)),
                    store,
                    session,
                    config,
                    lang,
                    clock,
                    replies,
                    detail: None,
                    incident: None,
                    watch_report: false,
                    watch_persons: false,
                    seq: 0,
                }
                .run(rx),
                Err(e) => {
                    let _ = replies.send(Reply::Failed(e.to_string()));
                }
            }
        })
        .expect("a thread can be started");
    (tx, handle)
}

impl Worker {
    fn run(mut self, rx: Receiver<Request>) {
        // The alerts view first, as fast as the store can say it; the register follows.
        let started = Instant::now();
        match load_first(&self.store, &self.session.operator, self.clock.now()) {
            Ok(s) => {
                tracing::debug!(
                    ms = started.elapsed().as_millis() as u64,
                    alerts = s.alerts.len(),
                    "first load"
                );
                let _ = self.replies.send(Reply::Snapshot(Box::new(s)));
            }
            Err(e) => {
                let _ = self.replies.send(Reply::Failed(self.store_text(e)));
            }
        }
        self.refresh_alerts();
        // Taken before the load: a commit made during it is looked at on the first turn.
        let mut seen = self.store.data_version().unwrap_or(0);
        self.send_snapshot();
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
                        self.send_changes();
                    }
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => break,
            }
            if last_refresh.elapsed() >= REFRESH_EVERY {
                last_refresh = Instant::now();
                if self.refresh_alerts() {
                    self.send_changes();
                }
            }
            match self.store.data_version() {
                Ok(v) if v != seen => {
                    seen = v;
                    if !self.still_allowed() {
                        break;
                    }
                    self.send_changes();
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "data_version"),
            }
        }
        if let Some(d) = &self.deriver {
            d.release(&mut self.store, self.clock.now());
        }
    }

    /// Whether the operator is still registered and enabled; when not, the console is told
    /// to end (a disabled desk's open session must not go on reading either).
    fn still_allowed(&mut self) -> bool {
        match self.store.operator(&self.session.operator.login) {
            Ok(Some(op)) if !op.disabled => {
                self.session.operator = op;
                true
            }
            Ok(_) => {
                let text = self.lang.text(&Msg::OperatorDisabled {
                    login: self.session.operator.login.clone(),
                });
                let _ = self.replies.send(Reply::Ended(text));
                false
            }
            Err(_) => true,
        }
    }

    /// Derives the patients now due if this console holds (or can take) the deriver's lease;
    /// an auditor's console only reads. True when alerts changed.
    fn refresh_alerts(&mut self) -> bool {
        let Some(d) = &self.deriver else {
            return false;
        };
        d.tick(&mut self.store, self.clock.now(), &self.config)
            .is_some_and(|run| !run.alerts.is_empty())
    }

    /// Sends what changed since the last sequence the console has: a delta, or the whole
    /// snapshot when the change is large, was pruned, or moves every row (a control order).
    fn send_changes(&mut self) {
        let started = Instant::now();
        let set = match self.store.changes_since(self.seq, DELTA_LIMIT) {
            Ok(Since::Changes(set)) if !set.control => set,
            Ok(_) => return self.send_snapshot(),
            Err(e) => {
                tracing::warn!(error = %e, "changes");
                return self.send_snapshot();
            }
        };
        if set.is_empty() {
            self.seq = set.upto;
            return;
        }
        let now = self.clock.now();
        match load_delta_with(
            &self.store,
            &self.session.operator,
            &self.config,
            &set,
            now,
            self.watch_persons,
        ) {
            Ok(d) => {
                tracing::debug!(
                    ms = started.elapsed().as_millis() as u64,
                    patients = set.patients.len(),
                    alerts = set.alerts.len(),
                    incidents = set.incidents.len(),
                    "delta"
                );
                self.seq = set.upto;
                let _ = self.replies.send(Reply::Delta(Box::new(d)));
            }
            Err(e) => {
                let _ = self.replies.send(Reply::Failed(self.store_text(e)));
            }
        }
        self.send_detail();
        self.send_incident_team();
        self.send_report();
    }

    fn send_snapshot(&mut self) {
        let now = self.clock.now();
        let started = Instant::now();
        // Read before loading: a change committed meanwhile is read again by the next look,
        // never missed.
        let seq = self.store.last_change();
        match load_snapshot_with(
            &self.store,
            &self.session.operator,
            &self.config,
            now,
            self.watch_persons,
        ) {
            Ok(s) => {
                tracing::debug!(ms = started.elapsed().as_millis() as u64, "snapshot");
                match seq {
                    Ok(seq) => self.seq = seq,
                    Err(e) => tracing::warn!(error = %e, "last change"),
                }
                let _ = self.replies.send(Reply::Snapshot(Box::new(s)));
            }
            Err(e) => {
                let _ = self.replies.send(Reply::Failed(self.store_text(e)));
            }
        }
        self.send_detail();
        self.send_incident_team();
        self.send_report();
    }

    fn send_incident_team(&mut self) {
        let Some((id, revealed)) = self.incident else {
            return;
        };
        match crate::app::incident_team::load_incident_team(
            &self.store,
            &self.session.operator,
            id,
            revealed,
        ) {
            Ok(Some(t)) => {
                let _ = self.replies.send(Reply::IncidentTeam(Box::new(t)));
            }
            Ok(None) => {}
            Err(e) => {
                let _ = self.replies.send(Reply::Failed(self.store_text(e)));
            }
        }
    }

    fn send_report(&mut self) {
        if !self.watch_report {
            return;
        }
        match crate::app::data::load_report(
            &self.store,
            &self.session.operator,
            &self.config,
            self.clock.now(),
        ) {
            Ok(r) => {
                let _ = self.replies.send(Reply::Report(Box::new(r)));
            }
            Err(e) => {
                let _ = self.replies.send(Reply::Failed(self.store_text(e)));
            }
        }
    }

    /// Writes the statistical report (xlsx), the shift figures and the compliance (csv) into
    /// the data directory's `reports/`, named by date, and audits the export.
    fn export_report(&mut self) -> Result<String, String> {
        let now = self.clock.now();
        let r =
            crate::app::data::load_report(&self.store, &self.session.operator, &self.config, now)
                .map_err(|e| self.store_text(e))?;
        let dir = crate::paths::default_data_dir().join("reports");
        let written = super::export::export(&r, &dir, &self.config, self.lang, now)?;
        let rows = r.stats.len() + r.today.len() + r.compliance.len();
        let paths = written
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(" · ");
        self.desk()
            .record_export(ExportKind::ConsoleReport, rows, false, Some(&paths))
            .map_err(|e| self.lang.desk_error(&e))?;
        Ok(format!("{} {paths}", self.lang.t(T::ExportedTo)))
    }

    fn send_detail(&mut self) {
        let Some((id, revealed)) = self.detail else {
            return;
        };
        let now = self.clock.now();
        match load_detail(
            &self.store,
            &self.session.operator,
            &self.config,
            id,
            revealed,
            now,
        ) {
            Ok(Some(d)) => {
                let _ = self.replies.send(Reply::Detail(Box::new(d)));
            }
            Ok(None) => {}
            Err(e) => {
                let _ = self.replies.send(Reply::Failed(self.store_text(e)));
            }
        }
    }

    /// Says what was done to which patient's alert ("已签收 冯国 · 异常报告").
    fn said(&self, t: T, m: &crate::desk::alerts::AlertMoved) {
        let _ = self.replies.send(Reply::Info(format!(
            "{} {} · {}",
            self.lang.t(t),
            m.patient,
            self.lang.alert_kind(m.kind)
        )));
    }

    fn store_text(&self, e: StoreError) -> String {
        self.lang.desk_error(&DeskError::Store(e))
    }

    fn desk(&mut self) -> Desk<'_> {
        Desk::new(&mut self.store, &self.session, &self.config, &*self.clock)
    }

    /// Carries out one request; true when it wrote (so the snapshot must be reloaded).
    fn handle(&mut self, req: Request) -> bool {
        let result: Result<Option<T>, DeskError> = match req {
            Request::Reload => {
                self.send_snapshot();
                return false;
            }
            Request::OpenDetail(id) => {
                self.detail = Some((id, false));
                self.send_detail();
                return false;
            }
            Request::CloseDetail => {
                self.detail = None;
                return false;
            }
            Request::WatchPersons(on) => {
                self.watch_persons = on;
                if on {
                    let reply = match load_persons_for(&self.store, &self.session.operator) {
                        Ok(rows) => Reply::Persons(Box::new(rows)),
                        Err(e) => Reply::Failed(self.store_text(e)),
                    };
                    let _ = self.replies.send(reply);
                }
                return false;
            }
            Request::WatchReport(on) => {
                self.watch_report = on;
                self.send_report();
                return false;
            }
            Request::ExportReport => {
                let reply = match self.export_report() {
                    Ok(text) => Reply::Info(text),
                    Err(text) => Reply::Failed(text),
                };
                let _ = self.replies.send(reply);
                return true;
            }
            Request::CheckResolvable(id) => {
                match self.desk().check_resolvable(id) {
                    Ok(()) => {
                        let _ = self.replies.send(Reply::Resolvable(id));
                    }
                    Err(e) => {
                        let _ = self.replies.send(Reply::Failed(self.lang.desk_error(&e)));
                    }
                }
                return false;
            }
            Request::WatchIncident(id) => {
                // The phones stay shown while the same incident is on screen.
                let revealed =
                    id.is_some() && self.incident.is_some_and(|(i, r)| Some(i) == id && r);
                self.incident = id.map(|i| (i, revealed));
                self.send_incident_team();
                return false;
            }
            Request::RevealTeam(id) => self.desk().reveal_incident_team(id).map(|_| {
                self.incident = Some((id, true));
                Some(T::TeamRevealedMsg)
            }),
            Request::SkipStep {
                incident_id,
                step,
                reason,
            } => self
                .desk()
                .skip_step(incident_id, step, &reason)
                .map(|_| Some(T::StepSkippedMsg)),
            Request::CorrectStep {
                incident_id,
                step,
                seen,
                actor,
                done_at,
            } => self
                .desk()
                .correct_step(
                    incident_id,
                    step,
                    (&seen.0, seen.1),
                    Some(&actor),
                    Some(done_at),
                )
                .map(|_| Some(T::StepCorrectedMsg)),
            Request::Reveal(id) => self.desk().reveal(id).map(|_| {
                self.detail = Some((id, true));
                None
            }),
            Request::Acknowledge(id) => self.desk().acknowledge(id).map(|m| {
                self.said(T::AcknowledgedMsg, &m);
                None
            }),
            Request::InProgress(id) => self.desk().take_in_hand(id).map(|m| {
                self.said(T::InProgressMsg, &m);
                None
            }),
            Request::Snooze {
                alert_id,
                until,
                reason,
            } => self
                .desk()
                .snooze(alert_id, until, &reason)
                .map(|_| Some(T::SnoozedMsg)),
            Request::Resolve(id, note) => {
                self.desk().resolve(id, &note).map(|_| Some(T::ResolvedMsg))
            }
            Request::SetControl(c) => self.desk().set_control(&c).map(|_| Some(T::ControlSetMsg)),
            Request::EndControl(id) => self
                .desk()
                .end_control(id)
                .map(|_| Some(T::ControlEndedMsg)),
            Request::ResolveWithReport { alert_id, to, at } => self
                .desk()
                .resolve_with_written_report(alert_id, &to, at, "")
                .map(|_| Some(T::ResolvedMsg)),
            Request::Report {
                patient_id,
                severity,
                note,
            } => self
                .desk()
                .report_alert(patient_id, severity, &note)
                .map(|_| Some(T::ReportedMsg)),
            Request::Assign {
                patient_id,
                role,
                person_id,
                replacing,
            } => self
                .desk()
                .assign(patient_id, role, person_id, holder(replacing))
                .map(|_| Some(T::AssignedMsg)),
            Request::CreateAndAssign {
                patient_id,
                role,
                name,
                phone,
                unit,
                jurisdiction,
                replacing,
            } => {
                let new = NewPerson {
                    name,
                    phone,
                    unit,
                    jurisdiction,
                    kind: role.kind(),
                    county_wide: false,
                };
                self.desk()
                    .assign_new(patient_id, role, &new, holder(replacing))
                    .map(|_| Some(T::AssignedMsg))
            }
            Request::Unassign {
                patient_id,
                role,
                person_id,
            } => self
                .desk()
                .unassign(patient_id, role, person_id)
                .map(|_| Some(T::UnassignedMsg)),
            Request::TakeOver => self.desk().take_over().map(|last| {
                let handover = last.and_then(|r| r.handover).map(Box::new);
                let _ = self.replies.send(Reply::Handover {
                    taking_over: true,
                    handover,
                });
                None
            }),
            Request::HandOver(note) => self.desk().hand_over(&note).map(|h| {
                let _ = self.replies.send(Reply::Handover {
                    taking_over: false,
                    handover: Some(Box::new(h)),
                });
                None
            }),
            Request::OpenIncident {
                patient_id,
                alert_id,
                location,
                station,
            } => {
                let subject = match (alert_id, patient_id) {
                    (Some(a), _) => Subject::Alert(a),
                    (None, Some(p)) => Subject::Patient(p),
                    (None, None) => Subject::Unknown { station },
                };
                self.desk()
                    .open_incident(&subject, &location, "")
                    .map(|id| {
                        let _ = self.replies.send(Reply::IncidentOpened(id));
                        None
                    })
            }
            Request::MarkStep {
                incident_id,
                step,
                actor,
            } => self
                .desk()
                .mark_step(incident_id, step, &actor)
                .map(|_| Some(T::StepRecordedMsg)),
            Request::IncidentNote { incident_id, text } => self
                .desk()
                .add_incident_note(incident_id, &text)
                .map(|_| Some(T::NoteAddedMsg)),
            Request::CloseIncident {
                incident_id,
                closing,
                resolve_alert,
            } => self
                .desk()
                .close_incident(incident_id, &closing, resolve_alert)
                .map(|_| Some(T::IncidentClosedMsg)),
            Request::FollowUp {
                patient_id,
                followup,
                correct,
            } => if correct {
                self.desk().correct_followup(patient_id, &followup)
            } else {
                self.desk().record_followup(patient_id, &followup)
            }
            .map(|_| Some(T::Saved)),
        };
        match result {
            Ok(Some(t)) => {
                let _ = self.replies.send(Reply::Done(t));
                true
            }
            Ok(None) => true,
            Err(e) => {
                let ended = matches!(
                    e,
                    DeskError::Disabled { .. } | DeskError::UnknownOperator { .. }
                );
                let _ = self.replies.send(Reply::Failed(self.lang.desk_error(&e)));
                if ended {
                    self.still_allowed();
                }
                false
            }
        }
    }
}

fn holder(replacing: Option<i64>) -> Holder {
    replacing.map(Holder::Person).unwrap_or(Holder::Empty)
}
