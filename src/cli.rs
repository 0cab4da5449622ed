//! The command line (clap). Help is bilingual; messages follow `--lang`.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "dutydesk",
    version,
    about = "严重精神障碍患者管理值班台 · duty console for severe mental disorder management",
    long_about = "严重精神障碍患者管理值班台：预警、五位一体、1-3-5分钟快反。\n\
                  A terminal duty console: alerts, five responsible persons, 1-3-5 minute quick \
                  response. Without a command it opens the console."
)]
pub struct Cli {
    /// 数据库文件 · database file [default: per-user data directory]
    #[arg(long, env = "DUTYDESK_DB", global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// 界面语言 zh | en · language of messages
    #[arg(long, env = "DUTYDESK_LANG", global = true, value_name = "LANG",
          value_parser = parse_lang)]
    pub lang: Option<crate::i18n::Lang>,

    /// 配置文件 · configuration file (TOML) [default: per-user config directory, if present]
    #[arg(long, env = "DUTYDESK_CONFIG", global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// 以该操作员身份打开控制台（默认：系统用户名；演示库默认 center）· operator login for the console
    #[arg(long, env = "DUTYDESK_OPERATOR", global = true, value_name = "LOGIN")]
    pub operator: Option<String>,

    /// 不使用颜色（也可设置 NO_COLOR）· no colours (also NO_COLOR)
    #[arg(long, global = true)]
    pub no_color: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

fn parse_month(s: &str) -> Result<crate::report::rewards::Month, String> {
    crate::report::rewards::Month::parse(s).ok_or_else(|| format!("'{s}' is not a month (YYYY-MM)"))
}

fn parse_lang(s: &str) -> Result<crate::i18n::Lang, String> {
    crate::i18n::Lang::parse(s).ok_or_else(|| format!("unknown language '{s}' (zh | en)"))
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 打开值班控制台（默认）· open the console (default)
    Console,
    /// 打开演示库（不存在则生成）· open the demo database, building it if absent
    Demo {
        /// 重新生成演示库 · rebuild the demo database from data/
        #[arg(long)]
        fresh: bool,
    },
    /// 创建数据库 · create the database
    Init {
        /// 同时写入演示数据 · fill it with the demo roster and operators
        #[arg(long)]
        demo: bool,
    },
    /// 导入 · import
    #[command(subcommand)]
    Import(ImportCommand),
    /// 列出预警 · list alerts, most urgent first
    Alerts(AlertsArgs),
    /// 列出患者 · list patients
    Patients(PatientsArgs),
    /// 列出案事件与快反步骤 · incidents and their quick-response steps
    Incidents {
        /// 只列进行中的 · open ones only
        #[arg(long)]
        open: bool,
        #[arg(long)]
        json: bool,
        /// 以该时刻计算步骤状态 · step states at this instant (RFC 3339)
        #[arg(long, value_name = "RFC3339")]
        as_of: Option<String>,
    },
    /// 快反：开案、记录步骤、备注、结案（可用于演练）· open, step, note, close an incident
    #[command(subcommand)]
    Incident(IncidentCommand),
    /// 报表 · reports
    #[command(subcommand)]
    Report(ReportCommand),
    /// 接班、交班与交班记录 · shifts and handovers
    #[command(subcommand)]
    Shift(ShiftCommand),
    /// 操作员管理 · operators
    #[command(subcommand)]
    Operator(OperatorCommand),
    /// 操作员的 SSH 公钥 · operators' SSH public keys
    #[command(subcommand)]
    Key(KeyCommand),
    /// 通过内置 SSH 服务提供控制台（仅公钥登录）· serve the console over the embedded SSH server
    Serve {
        /// 监听地址，如 0.0.0.0:2222 · address to listen on
        #[arg(long, value_name = "ADDR")]
        ssh: String,
        /// 主机密钥（不存在则生成，权限 0600）· host key file, created on first start
        #[arg(long, value_name = "PATH")]
        host_key: Option<PathBuf>,
        /// 同时会话上限（默认取配置 [ssh] max_sessions，64）· most sessions at once (default: the
        /// configuration's [ssh] max_sessions, 64)
        #[arg(long)]
        max_sessions: Option<usize>,
    },
    /// 完整性检查与架构版本 · integrity check and schema version
    Check,
    /// 在线备份（其他终端可继续写入）· online backup, safe while others write
    Backup {
        /// 备份文件（不得已存在）· backup file (must not exist)
        file: PathBuf,
    },
    /// 生成虚构花名册（开发与基准测试用）· write a synthetic roster
    #[command(hide = true)]
    SynthRoster {
        #[arg(long, default_value_t = 1000)]
        count: usize,
        #[arg(long, default_value_t = crate::demo::DEMO_SEED)]
        seed: u64,
        /// dates are written relative to this day
        #[arg(long, default_value = crate::demo::DEMO_ANCHOR)]
        anchor: chrono::NaiveDate,
        /// .csv or .xlsx
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// 导入患者花名册（xlsx 或 csv）· import a patient roster (xlsx or csv)
    Roster {
        file: PathBuf,
        /// 只检查，不写入 · check only, write nothing
        #[arg(long)]
        dry_run: bool,
        /// 以 JSON 输出结果 · report as JSON
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum IncidentCommand {
    /// 开案，计时从此刻开始 · open an incident; its clock starts now (or at --as-of)
    Open {
        /// 患者身份证号（与 --unknown 二选一）· the patient's ID number
        #[arg(long, value_name = "ID_NUMBER", required_unless_present = "unknown")]
        patient: Option<String>,
        /// 身份不明人员 · an unknown person
        #[arg(long, conflicts_with = "patient")]
        unknown: bool,
        /// 由该预警开案 · opened from this alert
        #[arg(long)]
        alert: Option<i64>,
        /// 地点 · location
        #[arg(long)]
        location: String,
        /// 情况描述 · what happened
        #[arg(long, default_value = "")]
        description: String,
        #[arg(long, value_name = "RFC3339")]
        as_of: Option<String>,
    },
    /// 记录第 N 步已完成 · record step N done
    Step {
        id: i64,
        #[arg(value_parser = clap::value_parser!(u8).range(1..=9))]
        step: u8,
        /// 处置人 · who acted
        #[arg(long)]
        by: String,
        #[arg(long, value_name = "RFC3339")]
        as_of: Option<String>,
    },
    /// 追加备注 · append a note
    Note { id: i64, text: String },
    /// 结案 · close with the outcome and the 三同步 checklist
    Close {
        id: i64,
        /// 送医 | 居家 | 移交公安 | 其他
        #[arg(long)]
        outcome: String,
        /// 依法处置已完成 · legal handling done
        #[arg(long)]
        legal: bool,
        #[arg(long, value_name = "TEXT")]
        legal_reason: Option<String>,
        /// 舆论引导已完成 · public-opinion guidance done
        #[arg(long)]
        opinion: bool,
        #[arg(long, value_name = "TEXT")]
        opinion_reason: Option<String>,
        /// 社会面管控已完成 · social control done
        #[arg(long)]
        social: bool,
        #[arg(long, value_name = "TEXT")]
        social_reason: Option<String>,
        #[arg(long, default_value_t = 1)]
        persons: u32,
        #[arg(long, default_value_t = 0)]
        injured: u32,
        #[arg(long, default_value_t = 0)]
        dead: u32,
        /// 已向上级报告 · reported upward
        #[arg(long)]
        reported_upward: bool,
        /// 同时办结来源预警 · also resolve the alert it came from
        #[arg(long)]
        resolve_alert: bool,
        #[arg(long, value_name = "RFC3339")]
        as_of: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// 专项行动统计表（附件2）· the statistical report of the special action
    #[command(long_about = crate::report::stats::HELP)]
    Stats {
        /// 起始日期（含）· from (inclusive), YYYY-MM-DD
        #[arg(long)]
        from: chrono::NaiveDate,
        /// 截止日期（含）· to (inclusive), YYYY-MM-DD
        #[arg(long)]
        to: chrono::NaiveDate,
        /// 导出到 .xlsx 或 .csv · write to .xlsx or .csv
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// 公安信息交换名单：3级以上及病情不稳定患者与五位一体 · police exchange list
    Exchange {
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// 导出完整身份证号与电话（记入审计日志）· full ID numbers and phones (audited)
        #[arg(long)]
        unmasked: bool,
        #[arg(long)]
        json: bool,
    },
    /// 以奖代补：某月应发的监护人与金额，不发的说明原因 · guardian reward for a month
    Rewards {
        /// YYYY-MM
        #[arg(long, value_parser = parse_month)]
        month: crate::report::rewards::Month,
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// 快反达标率：各步按时完成比例与中位用时 · quick-response compliance per step
    QuickResponse {
        /// 起始日期（含）· from (inclusive), YYYY-MM-DD
        #[arg(long)]
        from: chrono::NaiveDate,
        /// 截止日期（含）· to (inclusive), YYYY-MM-DD
        #[arg(long)]
        to: chrono::NaiveDate,
        #[arg(long)]
        json: bool,
        #[arg(long, value_name = "RFC3339")]
        as_of: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ShiftCommand {
    /// 接班（显示上一班交班记录）· take over, showing the last handover
    TakeOver,
    /// 交班（生成并保存交班记录）· hand over, storing the summary
    HandOver {
        #[arg(long, default_value = "")]
        note: String,
    },
    /// 上一班交班记录 · the last handover for this desk
    Last {
        #[arg(long)]
        json: bool,
        /// 导出到 .xlsx 或 .csv · write to .xlsx or .csv
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// 班次列表 · shifts, newest first
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// 为操作员登记公钥（OpenSSH 格式的 .pub 文件）· add an OpenSSH public key for an operator
    Add {
        #[arg(value_name = "OPERATOR")]
        login: String,
        pubkey_file: PathBuf,
    },
    /// 列出公钥指纹 · list key fingerprints
    List,
    /// 删除公钥（用它登录的会话随即结束）· remove a key; its sessions end
    Remove {
        /// SHA256:… 指纹 · the key's fingerprint
        fingerprint: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum OperatorCommand {
    /// 登记操作员 · register an operator
    Add {
        /// 登录名（本地模式下为系统用户名）· login (the OS user name in local mode)
        login: String,
        /// 显示名称 · display name
        #[arg(long)]
        name: String,
        /// center | station | auditor
        #[arg(long, value_parser = ["center", "station", "auditor"])]
        role: String,
        /// 派出所（station 角色必填）· police station (required for station)
        #[arg(long)]
        station: Option<String>,
    },
    /// 列出操作员 · list operators
    List {
        #[arg(long)]
        json: bool,
    },
    /// 停用操作员 · disable an operator
    Disable { login: String },
}

#[derive(Debug, Args)]
pub struct AlertsArgs {
    /// 以该时刻计算（RFC 3339），不写入 · derive at this instant (RFC 3339), writing nothing
    #[arg(long, value_name = "RFC3339")]
    pub as_of: Option<String>,
    /// JSON 输出 · JSON output
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct PatientsArgs {
    /// JSON 输出 · JSON output
    #[arg(long)]
    pub json: bool,
    /// 只列该派出所 · only this police station
    #[arg(long, value_name = "NAME")]
    pub station: Option<String>,
    /// 最低危险性等级 · minimum risk level
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(0..=5))]
    pub risk_min: Option<u8>,
}
