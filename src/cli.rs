//! The command line (clap). Every help text is written once as "中文 · english" (a line without
//! "· " is the same in both languages); `cli_help.rs` shows the half `--lang` asks for.
//! The build script compiles this file too, for the manual pages and completions: use clap,
//! chrono, std and `crate::i18n::Lang` only, and turn other values into domain types in
//! `commands/`.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "dutydesk",
    version,
    about = "严重精神障碍患者管理值班台 · duty console for severe mental disorder management",
    long_about = "严重精神障碍患者管理值班台：预警、五位一体、1-3-5分钟快反；不带命令时打开控制台。\
                  · A terminal duty console: alerts, the five responsible persons, the 1-3-5 \
                  minute quick response. Without a command it opens the console."
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

    /// 以该操作员身份操作（默认：系统用户名；`demo` 命令以 center 打开演示库）· act as this operator [default: your OS user name; `demo` opens as center]
    #[arg(long, env = "DUTYDESK_OPERATOR", global = true, value_name = "LOGIN")]
    pub operator: Option<String>,

    /// 不使用颜色（也可设置 NO_COLOR）· no colours (also NO_COLOR)
    #[arg(long, global = true)]
    pub no_color: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// `2025-03` → the first day of that month.
fn parse_month(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(&format!("{}-01", s.trim()), "%Y-%m-%d")
        .map_err(|_| format!("'{s}' 不是月份 · is not a month (YYYY-MM)"))
}

fn parse_lang(s: &str) -> Result<crate::i18n::Lang, String> {
    crate::i18n::Lang::parse(s)
        .ok_or_else(|| format!("未知语言 · unknown language '{s}' (zh | en)"))
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
    /// 创建数据库并登记第一位中心操作员 · create the database and register its first center operator
    Init {
        /// 同时写入演示数据（含演示操作员）· fill it with the demo roster and its operators
        #[arg(long)]
        demo: bool,
        /// 第一位中心操作员的登录名（默认：当前系统用户）· login of the first center operator [default: the OS user]
        #[arg(long, value_name = "LOGIN", conflicts_with = "demo")]
        admin: Option<String>,
        /// 第一位中心操作员的显示名称（默认：登录名）· display name of the first center operator [default: the login]
        #[arg(long, value_name = "NAME", conflicts_with = "demo")]
        name: Option<String>,
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
        /// JSON 输出 · JSON output
        #[arg(long)]
        json: bool,
        /// JSON Lines 输出，每行一起事件 · JSON Lines, one incident per line
        #[arg(long, conflicts_with = "json")]
        jsonl: bool,
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
    /// 预警：签收、处置、办结、暂缓、上报 · take alerts in hand
    #[command(subcommand)]
    Alert(AlertCommand),
    /// 指定五位一体人员（替换须 --replace）· assign one of a patient's five responsible persons
    Assign(AssignArgs),
    /// 撤销五位一体人员 · remove a responsible person from a role
    Unassign {
        /// 患者身份证号 · the patient's ID number
        #[arg(value_name = "PATIENT")]
        patient: String,
        /// 角色：township_cadre | station_officer | village_cadre | doctor | guardian（或中文名）· the role
        role: String,
        /// JSON 输出 · JSON output
        #[arg(long)]
        json: bool,
    },
    /// 随访记录 · follow-ups
    #[command(subcommand)]
    Followup(FollowupCommand),
    /// 人员名录（五位一体人员）· the persons directory
    #[command(subcommand)]
    Person(PersonCommand),
    /// 地名登记册：乡镇街道、村居、派出所 · the register of townships, villages and stations
    #[command(subcommand)]
    Place(PlaceCommand),
    /// 管控等级：设置、列出、结束（中心）· control levels: set, list, end (center)
    #[command(subcommand)]
    Control(ControlCommand),
    /// 审计日志：查询与哈希链核验 · the audit log: read it, verify its hash chain
    #[command(subcommand)]
    Audit(AuditCommand),
    /// 生成演练库（在线备份并标记为演练，可用 --as-of）· make a drill copy of the database
    Drill {
        /// 演练库文件（不得已存在）· the drill database file (must not exist)
        file: PathBuf,
    },
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
        /// 备份后打开副本做完整性检查，通过后才生成备份文件 · check the copy before it is kept
        #[arg(long)]
        verify: bool,
    },
    /// 从备份恢复（仅中心；先校验，原库保留为 .before-restore-时间）· restore from a backup
    Restore {
        /// 备份文件 · the backup file
        file: PathBuf,
    },
    /// 输出 shell 补全脚本 · print a shell completion script
    Completions {
        /// 哪种 shell · which shell
        #[arg(value_parser = ["bash", "zsh", "fish", "powershell"])]
        shell: String,
    },
    /// 生成虚构花名册（开发与基准测试用）· write a synthetic roster
    #[command(hide = true)]
    SynthRoster {
        /// 患者人数 · how many patients
        #[arg(long, default_value_t = 1000)]
        count: usize,
        /// 随机种子（默认：演示库的种子）· random seed [default: the demo's]
        #[arg(long)]
        seed: Option<u64>,
        /// 各日期以此日为基准（默认：演示库的基准日）· dates are written relative to this day [default: the demo's]
        #[arg(long)]
        anchor: Option<chrono::NaiveDate>,
        /// 输出文件，.csv 或 .xlsx · output file, .csv or .xlsx
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// 导入患者花名册（xlsx 或 csv）· import a patient roster (xlsx or csv)
    Roster {
        /// 花名册文件 · the roster file
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
        /// 身份不明人员所在地的派出所（中心开案时指定，该所值班室可见）· the station of the location, for an unknown person
        #[arg(long, value_name = "NAME", requires = "unknown")]
        station: Option<String>,
        /// 由该预警开案 · opened from this alert
        #[arg(long)]
        alert: Option<i64>,
        /// 地点 · location
        #[arg(long)]
        location: String,
        /// 情况描述 · what happened
        #[arg(long, default_value = "")]
        description: String,
        /// 以该时刻开案（仅限演练库）· open at this instant (drill databases only)
        #[arg(long, value_name = "RFC3339")]
        as_of: Option<String>,
        /// 以 JSON 输出新案事件 · print the new incident as JSON
        #[arg(long)]
        json: bool,
    },
    /// 记录第 N 步已完成 · record step N done
    Step {
        /// 案件编号 · incident number
        id: i64,
        /// 第几步 · step number
        #[arg(value_parser = clap::value_parser!(u8).range(1..=9))]
        step: u8,
        /// 处置人 · who acted
        #[arg(long)]
        by: String,
        /// 以该时刻记录（RFC 3339）· record at this instant (RFC 3339)
        #[arg(long, value_name = "RFC3339")]
        as_of: Option<String>,
    },
    /// 将第 N 步标为跳过（须说明原因），以便记录后面的步骤 · mark step N skipped, with a reason
    Skip {
        /// 案件编号 · incident number
        id: i64,
        /// 第几步 · step number
        #[arg(value_parser = clap::value_parser!(u8).range(1..=9))]
        step: u8,
        /// 跳过的原因 · why it is skipped
        #[arg(long)]
        reason: String,
    },
    /// 更正已记录的第 N 步：处置人或完成时间（原记录保留在日志中）· correct step N's actor or time
    Correct {
        /// 案件编号 · incident number
        id: i64,
        /// 第几步 · step number
        #[arg(value_parser = clap::value_parser!(u8).range(1..=9))]
        step: u8,
        /// 正确的处置人 · who really acted
        #[arg(long)]
        by: Option<String>,
        /// 正确的完成时间（RFC 3339）· when it was really done (RFC 3339)
        #[arg(long, value_name = "RFC3339")]
        at: Option<String>,
    },
    /// 患者的五位一体人员；--reveal 显示完整电话（记入日志）· the patient's five persons; --reveal shows their phones (audited)
    Team {
        /// 案件编号 · incident number
        id: i64,
        /// 显示完整电话（记入审计日志）· show full phones (written to the audit log)
        #[arg(long)]
        reveal: bool,
    },
    /// 追加备注 · append a note
    Note {
        /// 案件编号 · incident number
        id: i64,
        /// 备注内容 · the note
        text: String,
    },
    /// 结案：处置结果与三同步清单 · close with the outcome and the checklist of the three parallel actions
    Close {
        /// 案件编号 · incident number
        id: i64,
        /// 处置结果：送医 | 居家 | 移交公安 | 其他 · outcome: hospital | home | police | other
        #[arg(long)]
        outcome: String,
        /// 依法处置已完成 · legal handling done
        #[arg(long)]
        legal: bool,
        /// 未完成依法处置的原因 · why legal handling was not done
        #[arg(long, value_name = "TEXT")]
        legal_reason: Option<String>,
        /// 舆论引导已完成 · public-opinion guidance done
        #[arg(long)]
        opinion: bool,
        /// 未完成舆论引导的原因 · why opinion guidance was not done
        #[arg(long, value_name = "TEXT")]
        opinion_reason: Option<String>,
        /// 社会面管控已完成 · social control done
        #[arg(long)]
        social: bool,
        /// 未完成社会面管控的原因 · why social control was not done
        #[arg(long, value_name = "TEXT")]
        social_reason: Option<String>,
        /// 涉及人数 · persons involved
        #[arg(long, default_value_t = 1)]
        persons: u32,
        /// 受伤人数 · persons injured
        #[arg(long, default_value_t = 0)]
        injured: u32,
        /// 死亡人数 · persons killed
        #[arg(long, default_value_t = 0)]
        dead: u32,
        /// 已向上级报告 · reported upward
        #[arg(long)]
        reported_upward: bool,
        /// 同时办结来源预警 · also resolve the alert it came from
        #[arg(long)]
        resolve_alert: bool,
        /// 以该时刻结案（RFC 3339）· close at this instant (RFC 3339)
        #[arg(long, value_name = "RFC3339")]
        as_of: Option<String>,
    },
}

/// Each figure's definition, as `report stats --help` prints it. Row names are the form's own,
/// so the English half quotes them.
const STATS_HELP: &str = "\
统计口径（“期末”指 --to 当日结束时，取自患者历史，与运行日期无关；患者均指期末在册：在管、住院、外出、失访、拒访）· Definitions (\"at the end\" is the close of --to, read from the patients' history whatever day this runs; patients are those on the register then: managed, in hospital, away, missing, refusing):
  患者总数(≤系统中在册患者总数)：期末在册患者数 · `患者总数`: patients on the register at the end
  0级/1～2级患者数：期末危险性等级 · `0级/1～2级患者数`: by risk level at the end
  3～5级 目前新发：期末3级以上，且在统计期内经随访或再次导入首次达到3级以上（首次导入为基线，计入既往）· `3～5级 目前新发`: risk ≥3 at the end, first reached ≥3 inside the period by a follow-up or a later import (a first import is the baseline and counts as previous)
  3～5级 既往人数：期末3级以上且不属目前新发 · `3～5级 既往人数`: risk ≥3 at the end and not newly so
  住院治疗人数(3～6月期间)：统计期内任何一天管理状态为住院 · `住院治疗人数`: in hospital on any day of the period
  居家治疗人数：期末在册、不在住院、未失访 · `居家治疗人数`: on the register at the end, not in hospital, not missing
  长效针剂/口服药治疗人数：期末用药方式 · `长效针剂/口服药治疗人数`: by medication at the end
  流动人口/流浪乞讨人员患者数：对应标记为是 · `流动人口/流浪乞讨人员患者数`: flagged
  易肇事肇祸患者人数：有肇事肇祸史或期末3级以上 · `易肇事肇祸患者人数`: incident history or risk ≥3 at the end
  列入公安机关重点管控人数 / 列入重症患者管理专班人数：对应标记为是 · `列入公安机关重点管控人数` / `列入重症患者管理专班人数`: flagged
  行动期间肇事肇祸人数/起数/伤人数/死亡人数：统计期内开案的案事件涉及患者数（身份不明者每起计1人）、起数、结案记录的伤亡 · `行动期间肇事肇祸人数/起数/伤人数/死亡人数`: incidents opened in the period: patients involved (an unknown person counts 1 per incident), incidents, casualties recorded at closing
  随访患者数：统计期内至少有一次见到患者或知情人的随访（未访到不计）的患者 · `随访患者数`: patients with a follow-up in the period that reached the patient or an informant (not-reached attempts do not count)
  参加随访的工作人员数：统计期内随访记录中的随访人（去重），不含系统操作员 · `参加随访的工作人员数`: distinct people named as the visitor on those follow-ups, never console operators
  奖补监护人数/奖补金额：统计期内各月应发以奖代补的监护人（去重）与金额（万元），按患者等级0～2级/3～5级；患者当月有任何一天失访则该月不发 · `奖补监护人数/奖补金额`: guardians due the reward in the period's months (distinct) and amounts (10,000 yuan), by the patient's level 0-2 / 3-5; no reward for a month with any day missing
  奖补标准 2400元 / >2400元：按每年不超过或高于2400元标准奖补的监护人数 · `奖补标准 2400元 / >2400元`: guardians rewarded at up to / above 2400 yuan a year
  其余各行由相关部门手工填报 · the other rows are filled in by hand";

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// 专项行动统计表（附件2）· the statistical report of the special action
    #[command(long_about = STATS_HELP)]
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
        /// 目标文件已存在时原子替换 · replace an existing --out file (atomically)
        #[arg(long, requires = "out")]
        force: bool,
        /// JSON 输出 · JSON output
        #[arg(long)]
        json: bool,
    },
    /// 公安信息交换名单：3级以上及病情不稳定患者与五位一体 · police exchange list
    Exchange {
        /// 导出到 .xlsx 或 .csv · write to .xlsx or .csv
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// 目标文件已存在时原子替换 · replace an existing --out file (atomically)
        #[arg(long, requires = "out")]
        force: bool,
        /// 导出完整身份证号与电话（记入审计日志）· full ID numbers and phones (audited)
        #[arg(long)]
        unmasked: bool,
        /// JSON 输出 · JSON output
        #[arg(long)]
        json: bool,
    },
    /// 以奖代补：某月应发的监护人与金额，不发的说明原因 · guardian reward for a month
    Rewards {
        /// 月份 YYYY-MM · month, YYYY-MM
        #[arg(long, value_parser = parse_month, value_name = "YYYY-MM")]
        month: chrono::NaiveDate,
        /// 导出到 .xlsx 或 .csv · write to .xlsx or .csv
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// 目标文件已存在时原子替换 · replace an existing --out file (atomically)
        #[arg(long, requires = "out")]
        force: bool,
        /// JSON 输出 · JSON output
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
        /// JSON 输出 · JSON output
        #[arg(long)]
        json: bool,
        /// 按某一时刻计算（RFC 3339）· as they stood at this instant (RFC 3339)
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
        /// 交班备注 · a note for the next shift
        #[arg(long, default_value = "")]
        note: String,
    },
    /// 上一班交班记录 · the last handover for this desk
    Last {
        /// JSON 输出 · JSON output
        #[arg(long)]
        json: bool,
        /// 导出到 .xlsx 或 .csv · write to .xlsx or .csv
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// 目标文件已存在时原子替换 · replace an existing --out file (atomically)
        #[arg(long, requires = "out")]
        force: bool,
    },
    /// 班次列表 · shifts, newest first
    List {
        /// JSON 输出 · JSON output
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// 为操作员登记公钥（OpenSSH 格式的 .pub 文件）· add an OpenSSH public key for an operator
    Add {
        /// 操作员登录名 · the operator's login
        #[arg(value_name = "OPERATOR")]
        login: String,
        /// 公钥文件 · the public key file
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
        /// 角色：center 中心，station 派出所，auditor 审计（只读）· role: center, station desk, or auditor (read-only)
        #[arg(long, value_parser = ["center", "station", "auditor"])]
        role: String,
        /// 派出所（station 角色必填）· police station (required for station)
        #[arg(long)]
        station: Option<String>,
    },
    /// 列出操作员 · list operators
    List {
        /// JSON 输出 · JSON output
        #[arg(long)]
        json: bool,
    },
    /// 停用操作员（其已打开的控制台与 SSH 会话随即结束）· disable an operator
    Disable {
        /// 登录名 · login
        login: String,
    },
    /// 重新启用操作员 · enable an operator again
    Enable {
        /// 登录名 · login
        login: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum AlertCommand {
    /// 签收 · acknowledge
    Ack {
        /// 预警编号（alerts --json 的 id）· the alert's number
        id: i64,
        /// JSON 输出 · JSON output
        #[arg(long)]
        json: bool,
    },
    /// 转为处置中 · take in hand (in progress)
    Progress {
        /// 预警编号（alerts --json 的 id）· the alert's number
        id: i64,
        /// JSON 输出 · JSON output
        #[arg(long)]
        json: bool,
    },
    /// 办结（情形仍存在的预警不能办结；失访、拒访以书面报告办结）· resolve with a note;
    /// missing and refusing alerts are resolved by their written report (--reported-to, --reported-at)
    Resolve {
        /// 预警编号（alerts --json 的 id）· the alert's number
        id: i64,
        /// 办结说明 · what was done
        #[arg(long, default_value = "")]
        note: String,
        /// 书面报告报送单位（失访、拒访）· to whom the written report went (missing, refusing)
        #[arg(long, requires = "reported_at")]
        reported_to: Option<String>,
        /// 书面报告时间，北京时间，如 "2026-11-22 23:40" · when (Beijing time)
        #[arg(long, requires = "reported_to")]
        reported_at: Option<String>,
        /// JSON 输出 · JSON output
        #[arg(long)]
        json: bool,
    },
    /// 暂缓至某日（含），须说明原因 · snooze until a date, with a reason
    Snooze {
        /// 预警编号（alerts --json 的 id）· the alert's number
        id: i64,
        /// YYYY-MM-DD
        #[arg(long)]
        until: chrono::NaiveDate,
        /// 暂缓理由 · why it is silenced
        #[arg(long)]
        reason: String,
        /// JSON 输出 · JSON output
        #[arg(long)]
        json: bool,
    },
    /// 上报异常（来电、网格报告）· raise a reported alert for a patient
    Report {
        /// 患者身份证号 · the patient's ID number
        #[arg(long, value_name = "ID_NUMBER")]
        patient: String,
        /// P1 | P2 | P3
        #[arg(long, value_parser = ["P1", "P2", "P3"])]
        severity: String,
        /// 说明（来电内容、网格员所见）· what was reported
        #[arg(long)]
        note: String,
        /// JSON 输出 · JSON output
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct AssignArgs {
    /// 患者身份证号 · the patient's ID number
    #[arg(value_name = "PATIENT")]
    pub patient: String,
    /// 角色：township_cadre | station_officer | village_cadre | doctor | guardian（或中文名）· the role
    pub role: String,
    /// 人员姓名（同名时加 --phone）· the person's name
    #[arg(value_name = "PERSON")]
    pub person: String,
    /// 人员电话，用于区分同名人员 · the person's phone, to tell namesakes apart
    #[arg(long)]
    pub phone: Option<String>,
    /// 确认替换现任人员 · confirm replacing whoever holds the role now
    #[arg(long)]
    pub replace: bool,
    /// JSON 输出 · JSON output
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum FollowupCommand {
    /// 记录一次随访（随访服务记录表）· record a follow-up
    Record(Box<FollowupArgs>),
    /// 列出患者的随访 · list a patient's follow-ups
    List {
        /// 患者身份证号 · the patient's ID number
        #[arg(value_name = "PATIENT")]
        patient: String,
        /// JSON 输出 · JSON output
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct FollowupArgs {
    /// 患者身份证号 · the patient's ID number
    #[arg(value_name = "PATIENT")]
    pub patient: String,
    /// 随访日期 YYYY-MM-DD · date of the follow-up
    #[arg(long)]
    pub date: chrono::NaiveDate,
    /// 随访方式：clinic（门诊）| home（家庭访视）| phone（电话）· form
    #[arg(long, value_parser = ["clinic", "home", "phone"])]
    pub form: String,
    /// 随访人 · who did the visit
    #[arg(long = "by")]
    pub by: String,
    /// 见到：patient（患者）| guardian（监护人）| other（其他知情人）· who was seen
    #[arg(long, value_parser = ["patient", "guardian", "other"],
          conflicts_with_all = ["not_reached", "died"],
          required_unless_present_any = ["not_reached", "died"])]
    pub seen: Option<String>,
    /// 未访到，原因：working_away | moved_away | wandered | three_misses | other · not reached
    #[arg(long, value_parser = ["working_away", "moved_away", "wandered", "three_misses", "other"],
          conflicts_with = "died")]
    pub not_reached: Option<String>,
    /// 外出去向（未访到时）· destination, when not reached
    #[arg(long, default_value = "")]
    pub destination: String,
    /// 外出日期（外出务工时必填）· departure date (required for working_away)
    #[arg(long, value_name = "DATE")]
    pub departed: Option<chrono::NaiveDate>,
    /// 死亡日期 · date of death
    #[arg(long)]
    pub died: Option<chrono::NaiveDate>,
    /// 死亡原因 · cause of death
    #[arg(long, default_value = "")]
    pub cause: String,
    /// 危险性 0-5 · risk level
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=5))]
    pub risk: Option<u8>,
    /// 症状：gone（消失）| present（存在）| marked（明显）· symptoms
    #[arg(long, value_parser = ["gone", "present", "marked"])]
    pub symptoms: Option<String>,
    /// 目前症状（可重复）：幻觉 交流困难 猜疑 喜怒无常 行为怪异 兴奋话多 伤人毁物 悲观厌世 无故外走 自语自笑 孤僻懒散 其他 · a symptom (repeatable)
    #[arg(long = "symptom")]
    pub symptom_list: Vec<String>,
    /// 自知力：full | partial | lacking · insight
    #[arg(long, value_parser = ["full", "partial", "lacking"])]
    pub insight: Option<String>,
    /// 睡眠：good | fair | poor · sleep
    #[arg(long, value_parser = ["good", "fair", "poor"])]
    pub sleep: Option<String>,
    /// 饮食：good | fair | poor · diet
    #[arg(long, value_parser = ["good", "fair", "poor"])]
    pub diet: Option<String>,
    /// 社会功能：good | fair | poor · social function
    #[arg(long, value_parser = ["good", "fair", "poor"])]
    pub social: Option<String>,
    /// 服药依从性：regular | intermittent | not_taking | not_needed · compliance
    #[arg(long, value_parser = ["regular", "intermittent", "not_taking", "not_needed"])]
    pub compliance: Option<String>,
    /// 用药：long_acting_injection | oral | none · medication
    #[arg(long, value_parser = ["long_acting_injection", "oral", "none"])]
    pub medication: Option<String>,
    /// 药物不良反应：none | mild | severe · drug reaction
    #[arg(long, value_parser = ["none", "mild", "severe"])]
    pub drug_reaction: Option<String>,
    /// 治疗效果：cured（痊愈）| improved（好转）| unchanged（无变化）| worse（加重）· treatment effect
    #[arg(long, value_parser = ["cured", "improved", "unchanged", "worse", "good", "fair", "poor"])]
    pub effect: Option<String>,
    /// 本次随访分类：stable | basically_stable | unstable（不填则按回答判定）· class
    #[arg(long, value_parser = ["stable", "basically_stable", "unstable"])]
    pub class: Option<String>,
    /// 轻度滋事次数 · minor trouble (count)
    #[arg(long, default_value_t = 0)]
    pub minor_trouble: u32,
    /// 肇事次数 · trouble (count)
    #[arg(long, default_value_t = 0)]
    pub trouble: u32,
    /// 肇祸次数 · disaster (count)
    #[arg(long, default_value_t = 0)]
    pub disaster: u32,
    /// 其他危害行为次数 · other harm (count)
    #[arg(long, default_value_t = 0)]
    pub other_harm: u32,
    /// 自伤次数 · self-harm (count)
    #[arg(long, default_value_t = 0)]
    pub self_harm: u32,
    /// 自杀未遂次数 · attempted suicide (count)
    #[arg(long, default_value_t = 0)]
    pub suicide_attempt: u32,
    /// 关锁（同 --lock locked）· locked up (same as --lock locked)
    #[arg(long, conflicts_with = "lock")]
    pub locked_up: bool,
    /// 关锁情况：not_locked（无关锁）| locked（关锁）| lock_released（关锁已解除）· lock-up
    #[arg(long, value_parser = ["not_locked", "locked", "lock_released"])]
    pub lock: Option<String>,
    /// 目前正在住院（同 --hospital admitted_now）· in hospital now (same as --hospital admitted_now)
    #[arg(long, conflicts_with = "hospital")]
    pub hospitalised: bool,
    /// 住院情况：never_admitted（从未住院）| admitted_now（目前正在住院）| admitted_before（既往住院，现未住院）· hospital stay
    #[arg(long, value_parser = ["never_admitted", "admitted_now", "admitted_before"])]
    pub hospital: Option<String>,
    /// 严重躯体疾病 · serious physical illness
    #[arg(long)]
    pub serious_illness: bool,
    /// 转诊 · referred
    #[arg(long)]
    pub referral: bool,
    /// 下次随访日期 · next follow-up date
    #[arg(long)]
    pub next: Option<chrono::NaiveDate>,
    /// 联合随访人（可重复，如村干部、民警）· a joint visitor (repeatable: village cadre, officer, …)
    #[arg(long = "joint", value_name = "NAME")]
    pub joint: Vec<String>,
    /// 危险性低于行为所示等级的理由（不给则拒绝）· why the risk is below what the behaviour implies (refused without one)
    #[arg(long, value_name = "TEXT")]
    pub risk_reason: Option<String>,
    /// 监护人拒绝住院（病情不稳定时，2周内联合随访）· the guardian refuses admission (unstable: joint visit within 2 weeks)
    #[arg(long)]
    pub guardian_refuses_admission: bool,
    /// 已获精神科医师技术指导：指导医师 · guidance obtained from this psychiatrist
    #[arg(long, value_name = "DOCTOR")]
    pub guidance_by: Option<String>,
    /// 技术指导日期（默认随访日期）· date of that guidance (default: the follow-up's date)
    #[arg(long, value_name = "DATE", requires = "guidance_by")]
    pub guidance_date: Option<chrono::NaiveDate>,
    /// 更正当日已有的随访（同一天只算一次，新记录替换原记录）· correct the day's follow-up (replaces it)
    #[arg(long)]
    pub correct: bool,
    /// JSON 输出 · JSON output
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum PersonCommand {
    /// 登记人员 · register a person
    Add {
        /// 姓名 · name
        name: String,
        /// 类别：cadre（干部）| officer（民警）| doctor（医生）| guardian（监护人）| other · kind
        #[arg(long, value_parser = ["cadre", "officer", "doctor", "guardian", "other"])]
        kind: String,
        /// 电话 · phone
        #[arg(long, default_value = "")]
        phone: String,
        /// 单位 · unit
        #[arg(long, default_value = "")]
        unit: String,
        /// 乡镇街道（须已登记）· township (must be registered)
        #[arg(long, default_value = "")]
        township: String,
        /// 村居（须已登记）· village (must be registered)
        #[arg(long, default_value = "")]
        village: String,
        /// 派出所（须已登记）· police station (must be registered)
        #[arg(long, default_value = "")]
        station: String,
        /// 县级医院医生，可服务全县 · a county hospital's doctor, may serve any township
        #[arg(long)]
        county_wide: bool,
        /// JSON 输出 · JSON output
        #[arg(long)]
        json: bool,
    },
    /// 列出本辖区人员 · list the persons in scope
    List {
        /// JSON 输出 · JSON output
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum PlaceCommand {
    /// 登记地名（中心）· register a place (center)
    Add {
        /// township | village | station
        #[arg(value_parser = ["township", "village", "station"])]
        kind: String,
        /// 地名 · the place's name
        name: String,
        /// 村居所属乡镇街道 · a village's township
        #[arg(long)]
        township: Option<String>,
    },
    /// 列出登记的地名 · list the register
    List {
        /// JSON 输出 · JSON output
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ControlCommand {
    /// 设置管控等级（中心）· set a control level (center)
    Set {
        /// 等级 1 | 2 | 3（一级最严）· the level, 1 | 2 | 3 (1 is the strictest)
        #[arg(long, value_parser = clap::value_parser!(u8).range(1..=3))]
        level: u8,
        /// 开始日期（含）· first day (inclusive), YYYY-MM-DD
        #[arg(long)]
        from: chrono::NaiveDate,
        /// 结束日期（含）· last day (inclusive), YYYY-MM-DD
        #[arg(long)]
        to: chrono::NaiveDate,
        /// 限于该乡镇街道（可重复；不指定乡镇和派出所则全辖区）· only this township (repeatable; none and no station: the whole area)
        #[arg(long, value_name = "NAME")]
        township: Vec<String>,
        /// 限于该派出所辖区（可重复）· only this station's jurisdiction (repeatable)
        #[arg(long, value_name = "NAME")]
        station: Vec<String>,
        /// 原因（如重大活动）· the reason (a major event, …)
        #[arg(long)]
        reason: String,
    },
    /// 列出管控（新的在前）· list control orders, newest first
    List {
        /// JSON 输出 · JSON output
        #[arg(long)]
        json: bool,
    },
    /// 提前结束管控（中心）· end a control order now (center)
    End {
        /// 管控编号（见 control list）· the order's number (see control list)
        id: i64,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// 列出审计记录（新的在前）· list audit entries, newest first
    List {
        /// 只看该操作员的操作 · actions by this operator only
        #[arg(long = "by", value_name = "LOGIN")]
        by: Option<String>,
        /// 只看该患者（身份证号）· about this patient only (ID number)
        #[arg(long, value_name = "ID_NUMBER")]
        patient: Option<String>,
        /// 起始日期（含）· from (inclusive), YYYY-MM-DD
        #[arg(long)]
        from: Option<chrono::NaiveDate>,
        /// 截止日期（含）· to (inclusive), YYYY-MM-DD
        #[arg(long)]
        to: Option<chrono::NaiveDate>,
        /// 最多条数 · at most this many
        #[arg(long, default_value_t = 200)]
        limit: usize,
        /// JSON 输出 · JSON output
        #[arg(long)]
        json: bool,
    },
    /// 已存名册：列出每次导入保存的名册，或用 --sha 与 --out 取出一份（中心或督导）· kept rosters: list what each import kept, or write one out with --sha and --out
    Rosters {
        /// 名册的 SHA-256，前几位即可（见列表）· the roster's SHA-256; a prefix will do (see the list)
        #[arg(long, value_name = "SHA256", requires = "out")]
        sha: Option<String>,
        /// 写入该文件（仅本人可读，含完整身份证号，记入审计）· write it to this file (owner-only; holds full ID numbers; audited)
        #[arg(long, value_name = "FILE", requires = "sha")]
        out: Option<std::path::PathBuf>,
        /// 覆盖已有文件 · replace an existing file
        #[arg(long)]
        force: bool,
    },
    /// 核验哈希链（中心或数据库管理员）· verify the hash chain
    Verify {
        /// 从该日期起核验 · from this date on (YYYY-MM-DD)
        #[arg(long)]
        from: Option<chrono::NaiveDate>,
        /// JSON 输出 · JSON output
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct AlertsArgs {
    /// 以该时刻计算（RFC 3339），不写入 · derive at this instant (RFC 3339), writing nothing
    #[arg(long, value_name = "RFC3339")]
    pub as_of: Option<String>,
    /// JSON 输出 · JSON output
    #[arg(long)]
    pub json: bool,
    /// 每行一条 JSON（大量输出时用）· JSON Lines, one alert a line (for very large outputs)
    #[arg(long, conflicts_with = "json")]
    pub jsonl: bool,
}

#[derive(Debug, Args)]
pub struct PatientsArgs {
    /// JSON 输出 · JSON output
    #[arg(long)]
    pub json: bool,
    /// JSON Lines 输出，每行一名患者（适合很大的名册）· JSON Lines, one patient per line (for very large registers)
    #[arg(long, conflicts_with = "json")]
    pub jsonl: bool,
    /// 只列该派出所 · only this police station
    #[arg(long, value_name = "NAME")]
    pub station: Option<String>,
    /// 最低危险性等级 · minimum risk level
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(0..=5))]
    pub risk_min: Option<u8>,
}
