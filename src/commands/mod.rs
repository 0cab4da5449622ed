//! Carrying out a parsed command line: where the database and configuration are, which
//! language speaks, and turning every failure into a message and an exit code
//! (0 ok, 1 bad input, 2 usage).

mod completions;
mod copies;
mod data;
pub mod incidents;
mod init;
mod json_list;
use json_list::ListFormat;
mod lists;
mod reports;
mod shifts;
mod verbs;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::cli::{Cli, Command, ImportCommand, OperatorCommand};
use crate::config::{Config, ConfigError};
use crate::desk::{Desk, DeskError, Session};
use crate::domain::clock::{Clock, SystemClock};
use crate::i18n::{Lang, Msg};
use crate::store::{Store, StoreError};
pub use incidents::parse_as_of;

/// What every command needs to know.
pub struct Context {
    pub lang: Lang,
    pub db: PathBuf,
    pub config: Config,
    pub clock: Box<dyn Clock>,
    /// The OS user running the program.
    pub os_user: String,
    /// The operator login given with `--operator`, if any.
    pub console_login: Option<String>,
    /// The configuration file given on the command line, passed on to SSH sessions.
    pub config_path: Option<PathBuf>,
    pub color: bool,
}

impl Context {
    /// Whether the person running the program administers this database: the OS user who
    /// owns the file (who created it, or the service account), or root. Only they may act as
    /// another operator with `--operator`.
    pub fn is_administrator(&self) -> bool {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let uid = nix_uid();
            uid == 0 || std::fs::metadata(&self.db).is_ok_and(|m| m.uid() == uid)
        }
        #[cfg(not(unix))]
        {
            true
        }
    }

    /// Who runs this command: the registered operator whose login is the OS user, or the one
    /// named by `--operator`, which only the database's administrator may name for another
    /// login. The identity behind it (the OS user, or the SSH key a desk logged in with) is
    /// recorded with every write.
    pub fn session(&self, store: &Store) -> Result<Session, Failure> {
        let login = self.console_login.as_deref().unwrap_or(&self.os_user);
        if login != self.os_user && !self.is_administrator() {
            return Err(self.fail(&Msg::NotAllowed {
                login: self.os_user.clone(),
            }));
        }
        match store.operator(login).map_err(|e| self.store_failure(e))? {
            Some(op) if op.disabled => Err(self.fail(&Msg::OperatorDisabled { login: op.login })),
            Some(op) => Ok(Session::new(op, self.identity())),
            None => Err(self.fail(&Msg::UnknownOperator {
                login: login.to_string(),
            })),
        }
    }

    /// For what concerns the database as a whole (check, backup): a center operator, or the
    /// database's administrator.
    pub fn center_or_administrator(&self, store: &Store) -> Result<(), Failure> {
        if self.console_login.is_none() && self.is_administrator() {
            return Ok(());
        }
        let session = self.session(store)?;
        if session.operator.role == crate::store::operators::OperatorRole::Center {
            Ok(())
        } else {
            Err(self.fail(&Msg::NotAllowed {
                login: session.operator.login,
            }))
        }
    }

    /// For reading the database's own proof (`check`, `audit verify`): a center operator, an
    /// auditor, or the administrator.
    pub fn center_auditor_or_administrator(&self, store: &Store) -> Result<(), Failure> {
        if self.console_login.is_none() && self.is_administrator() {
            return Ok(());
        }
        let session = self.session(store)?;
        use crate::store::operators::OperatorRole;
        match session.operator.role {
            OperatorRole::Center | OperatorRole::Auditor => Ok(()),
            OperatorRole::Station => Err(self.fail(&Msg::NotAllowed {
                login: session.operator.login,
            })),
        }
    }

    /// The scope for lists about the database itself (operators, keys): the operator's, or
    /// everything for the database's administrator who is not a registered operator (the
    /// service account that runs `serve`).
    pub fn admin_scope(&self, store: &Store) -> Result<crate::store::Scope, Failure> {
        if self.console_login.is_none()
            && self.is_administrator()
            && store
                .operator(&self.os_user)
                .map_err(|e| self.store_failure(e))?
                .is_none()
        {
            return Ok(crate::store::Scope::All);
        }
        Ok(self.session(store)?.scope())
    }

    /// The identity the audit records behind the operator.
    pub fn identity(&self) -> String {
        match std::env::var("DUTYDESK_SSH_KEY") {
            // Set by the embedded SSH server for the console it starts for a desk's key.
            Ok(fp) if !fp.is_empty() && self.is_administrator() => format!("ssh:{fp}"),
            _ => self.os_user.clone(),
        }
    }

    /// The one-door API for this command, acting at `as_of` when given (a drill database
    /// only).
    pub fn desk<'a>(
        &'a self,
        store: &'a mut Store,
        session: &'a Session,
        as_of: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<Desk<'a>, Failure> {
        let desk = Desk::new(store, session, &self.config, self.clock.as_ref());
        match as_of {
            Some(at) => desk.drill_at(at).map_err(|e| self.desk_failure(e)),
            None => Ok(desk),
        }
    }

    pub fn desk_failure(&self, e: DeskError) -> Failure {
        if let DeskError::Store(ref s) = e {
            tracing::warn!(error = %s, "store error");
        }
        Failure::BadInput(self.lang.desk_error(&e))
    }
}

#[cfg(unix)]
fn nix_uid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// A command that did not succeed: the message is already in the operator's language.
#[derive(Debug)]
pub enum Failure {
    BadInput(String),
    Usage(String),
}

impl Context {
    pub fn say(&self, m: &Msg) {
        emit(&self.lang.text(m));
    }

    pub fn fail(&self, m: &Msg) -> Failure {
        Failure::BadInput(self.lang.text(m))
    }

    pub fn store_failure(&self, e: StoreError) -> Failure {
        tracing::warn!(error = %e, "store error");
        let m = match e {
            StoreError::Busy => Msg::StoreBusy,
            StoreError::Open { path, reason } => Msg::StoreOpen {
                path: path.display().to_string(),
                reason,
            },
            StoreError::TooNew { found, known } => Msg::StoreTooNew { found, known },
            StoreError::NotFound(s) => Msg::NotFound(s),
            StoreError::StepAlreadyDone { step, actor } => Msg::StepAlreadyDone { step, actor },
            other => Msg::StoreOther(other.to_string()),
        };
        self.fail(&m)
    }

    pub fn open_store(&self) -> Result<Store, Failure> {
        Store::open(&self.db).map_err(|e| self.store_failure(e))
    }
}

/// Writes a line to standard output. A reader that went away (`dutydesk alerts | head`) ends
/// the output quietly: whatever the command wrote to the database is already committed.
pub fn emit(line: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{line}") {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        tracing::warn!(error = %e, "cannot write to standard output");
    }
}

/// Writes a message to standard error; a closed stderr is not worth a panic.
fn complain(m: &str) {
    use std::io::Write;
    if !m.is_empty() {
        let _ = writeln!(std::io::stderr().lock(), "{m}");
    }
}

use crate::paths::default_config_path;
/// The per-user directories; falls back to the working directory where there is no home.
pub use crate::paths::default_data_dir;

fn load_config(explicit: Option<&Path>, lang: Lang) -> Result<Config, Failure> {
    let render = |e: ConfigError| {
        Failure::BadInput(lang.text(&Msg::ConfigError {
            path: e.path,
            line: e.line,
            column: e.column,
            reason: e.reason,
        }))
    };
    match explicit {
        Some(p) => Config::load(p).map_err(render),
        None => match default_config_path().filter(|p| p.exists()) {
            Some(p) => Config::load(&p).map_err(render),
            None => Ok(Config::default()),
        },
    }
}

/// The login name of the user running the program: $USER, $LOGNAME, else the password entry.
fn os_user() -> String {
    if let Ok(u) = std::env::var("USER").or_else(|_| std::env::var("LOGNAME"))
        && !u.is_empty()
    {
        return u;
    }
    #[cfg(unix)]
    // SAFETY: getpwuid returns a pointer into static storage or null; the name is copied out
    // at once, before any other call could overwrite it.
    unsafe {
        let pw = libc::getpwuid(libc::geteuid());
        if !pw.is_null() && !(*pw).pw_name.is_null() {
            return std::ffi::CStr::from_ptr((*pw).pw_name)
                .to_string_lossy()
                .into_owned();
        }
    }
    "local".to_string()
}

/// Runs `cli`; `name` ("incident open") is what the log says about it.
pub fn run(cli: Cli, name: &str) -> ExitCode {
    let lang = cli.lang.unwrap_or_default();
    let outcome = load_config(cli.config.as_deref(), lang).and_then(|config| {
        let command = cli.command.unwrap_or(Command::Console);
        let demo_db = matches!(command, Command::Demo { .. });
        let db = cli.db.clone().unwrap_or_else(|| {
            default_data_dir().join(if demo_db { "demo.db" } else { "dutydesk.db" })
        });
        let color = !cli.no_color && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        let ctx = Context {
            lang,
            db,
            config,
            clock: Box::new(SystemClock),
            os_user: os_user(),
            console_login: cli.operator.clone(),
            config_path: cli.config.clone(),
            color,
        };
        // The command's name only: its arguments carry ID numbers, notes and places.
        tracing::info!(command = name, db = %ctx.db.display(), "command");
        dispatch(&ctx, command)
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::BadInput(m)) => {
            complain(&m);
            ExitCode::from(1)
        }
        Err(Failure::Usage(m)) => {
            complain(&m);
            ExitCode::from(2)
        }
    }
}

fn dispatch(ctx: &Context, command: Command) -> Result<(), Failure> {
    match command {
        Command::Console => data::console(ctx),
        Command::Demo { fresh } => data::demo(ctx, fresh),
        Command::Init { demo, admin, name } => init::init(ctx, demo, admin, name),
        Command::Import(ImportCommand::Roster {
            file,
            dry_run,
            json,
        }) => data::import_roster(ctx, &file, dry_run, json),
        Command::Alerts(args) => lists::alerts(ctx, &args),
        Command::Patients(args) => lists::patients(ctx, &args),
        Command::Check => data::check(ctx),
        Command::Incidents {
            open,
            json,
            jsonl,
            as_of,
        } => incidents::list(ctx, open, ListFormat::chosen(json, jsonl), as_of.as_deref()),
        Command::Incident(c) => incidents::run(ctx, c),
        Command::Shift(c) => shifts::run(ctx, c),
        Command::Key(crate::cli::KeyCommand::Add { login, pubkey_file }) => {
            data::key_add(ctx, &login, &pubkey_file)
        }
        Command::Key(crate::cli::KeyCommand::List) => data::key_list(ctx),
        Command::Key(crate::cli::KeyCommand::Remove { fingerprint }) => {
            data::key_remove(ctx, &fingerprint)
        }
        Command::Alert(c) => verbs::alert(ctx, c),
        Command::Assign(a) => verbs::assign(ctx, a),
        Command::Unassign {
            patient,
            role,
            json,
        } => verbs::unassign(ctx, &patient, &role, json),
        Command::Followup(crate::cli::FollowupCommand::Record(a)) => {
            verbs::followup_record(ctx, &a)
        }
        Command::Followup(crate::cli::FollowupCommand::List { patient, json }) => {
            verbs::followup_list(ctx, &patient, json)
        }
        Command::Person(c) => verbs::person(ctx, c),
        Command::Place(c) => verbs::place(ctx, c),
        Command::Control(c) => verbs::control(ctx, c),
        Command::Audit(c) => verbs::audit(ctx, c),
        Command::Drill { file } => verbs::drill(ctx, &file),
        Command::Serve {
            ssh,
            host_key,
            max_sessions,
        } => data::serve(ctx, ssh, host_key, max_sessions),
        Command::Report(crate::cli::ReportCommand::QuickResponse {
            from,
            to,
            json,
            as_of,
        }) => incidents::compliance(ctx, from, to, json, as_of.as_deref()),
        Command::Report(crate::cli::ReportCommand::Stats {
            from,
            to,
            out,
            force,
            json,
        }) => reports::stats(ctx, from, to, out.as_deref(), force, json),
        Command::Report(crate::cli::ReportCommand::Exchange {
            out,
            force,
            unmasked,
            json,
        }) => reports::exchange(ctx, out.as_deref(), force, unmasked, json),
        Command::Report(crate::cli::ReportCommand::Rewards {
            month,
            out,
            force,
            json,
        }) => reports::rewards(
            ctx,
            crate::report::rewards::Month::of(month),
            out.as_deref(),
            force,
            json,
        ),
        Command::Operator(OperatorCommand::Add {
            login,
            name,
            role,
            station,
        }) => data::operator_add(ctx, &login, &name, &role, station),
        Command::Operator(OperatorCommand::List { json }) => data::operator_list(ctx, json),
        Command::Operator(OperatorCommand::Disable { login }) => {
            data::operator_enable(ctx, &login, false)
        }
        Command::Operator(OperatorCommand::Enable { login }) => {
            data::operator_enable(ctx, &login, true)
        }
        Command::Backup { file, verify } => copies::backup(ctx, &file, verify),
        Command::Restore { file } => copies::restore(ctx, &file),
        Command::Completions { shell } => completions::print(ctx, &shell),
        Command::SynthRoster {
            count,
            seed,
            anchor,
            out,
        } => data::synth_roster(
            ctx,
            count,
            seed.unwrap_or(crate::demo::DEMO_SEED),
            anchor.unwrap_or_else(|| {
                crate::demo::DEMO_ANCHOR
                    .parse()
                    .expect("the demo's anchor is a date")
            }),
            &out,
        ),
    }
}
