//! Carrying out a parsed command line: where the database and configuration are, which
//! language speaks, and turning every failure into a message and an exit code
//! (0 ok, 1 bad input, 2 usage).

mod completions;
mod data;
mod incidents;
mod init;
mod lists;
mod reports;
mod shifts;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::cli::{Cli, Command, ImportCommand, OperatorCommand};
use crate::config::{Config, ConfigError};
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
    /// Who the audit log names for what this command writes.
    pub operator: String,
    /// The console's operator login, when given.
    pub console_login: Option<String>,
    /// The configuration file given on the command line, passed on to SSH sessions.
    pub config_path: Option<PathBuf>,
    pub color: bool,
}

/// What the person running a command may see and do.
pub struct Access {
    pub login: String,
    pub scope: crate::store::Scope,
    pub can_write: bool,
    /// Logins whose unknown-person incidents this access sees (its own).
    pub own: Vec<String>,
    /// True for the center's operators and for the local administrator.
    pub center: bool,
}

impl Context {
    /// The operator running this command: `--operator`, else the OS user. A registered operator
    /// gets their scope and role. An OS user who is not registered but can open the database
    /// file (mode 0600) is its administrator and sees everything; a named `--operator` that is
    /// not registered is refused.
    pub fn access(&self, store: &Store) -> Result<Access, Failure> {
        use crate::store::operators::OperatorRole;
        match store
            .operator(&self.operator)
            .map_err(|e| self.store_failure(e))?
        {
            Some(op) if op.disabled => Err(self.fail(&Msg::OperatorDisabled { login: op.login })),
            Some(op) => Ok(Access {
                scope: op.scope(),
                can_write: op.can_write(),
                own: vec![op.login.clone()],
                center: op.role == OperatorRole::Center,
                login: op.login,
            }),
            None if self.console_login.is_some() => Err(self.fail(&Msg::UnknownOperator {
                login: self.operator.clone(),
            })),
            None => Ok(Access {
                login: self.operator.clone(),
                scope: crate::store::Scope::All,
                can_write: true,
                own: vec![self.operator.clone()],
                center: true,
            }),
        }
    }

    /// Refuses what only the center may do (import, backup, operators).
    pub fn center_only(&self, store: &Store) -> Result<Access, Failure> {
        let a = self.access(store)?;
        if a.center && a.can_write {
            Ok(a)
        } else {
            Err(self.fail(&Msg::NotAllowed { login: a.login }))
        }
    }

    /// Refuses writes for auditors.
    pub fn writer(&self, store: &Store) -> Result<Access, Failure> {
        let a = self.access(store)?;
        if a.can_write {
            Ok(a)
        } else {
            Err(self.fail(&Msg::NotAllowed { login: a.login }))
        }
    }
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

/// The per-user directories; falls back to the working directory where there is no home.
fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("cn", "dutydesk", "dutydesk")
}

pub fn default_data_dir() -> PathBuf {
    project_dirs()
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from("."))
}

fn default_config_path() -> Option<PathBuf> {
    project_dirs().map(|d| d.config_dir().join("dutydesk.toml"))
}

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
            operator: cli.operator.clone().unwrap_or_else(os_user),
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
        Command::Incidents { open, json, as_of } => {
            incidents::list(ctx, open, json, as_of.as_deref())
        }
        Command::Incident(c) => incidents::run(ctx, c),
        Command::Shift(c) => shifts::run(ctx, c),
        Command::Key(crate::cli::KeyCommand::Add { login, pubkey_file }) => {
            data::key_add(ctx, &login, &pubkey_file)
        }
        Command::Key(crate::cli::KeyCommand::List) => data::key_list(ctx),
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
            json,
        }) => reports::stats(ctx, from, to, out.as_deref(), json),
        Command::Report(crate::cli::ReportCommand::Exchange {
            out,
            unmasked,
            json,
        }) => reports::exchange(ctx, out.as_deref(), unmasked, json),
        Command::Report(crate::cli::ReportCommand::Rewards { month, out, json }) => {
            reports::rewards(
                ctx,
                crate::report::rewards::Month::of(month),
                out.as_deref(),
                json,
            )
        }
        Command::Operator(OperatorCommand::Add {
            login,
            name,
            role,
            station,
        }) => data::operator_add(ctx, &login, &name, &role, station),
        Command::Operator(OperatorCommand::List { json }) => data::operator_list(ctx, json),
        Command::Operator(OperatorCommand::Disable { login }) => {
            data::operator_disable(ctx, &login)
        }
        Command::Backup { file } => data::backup(ctx, &file),
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
