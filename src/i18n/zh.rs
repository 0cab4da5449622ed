//! 简体中文文本目录（默认语言）。

use super::Msg;
use crate::domain::alert::{AlertKind, AlertStatus};
use crate::domain::followup::{ClassReason, FollowUpRefusal};
use crate::domain::id_number::IdNumberError;
use crate::domain::patient::Vocabulary;
use crate::domain::team::AssignmentRefusal;
use crate::import::rows::Reason;

pub fn text(m: &Msg) -> String {
    match m {
        Msg::ImportSummary {
            file,
            rows,
            added,
            updated,
            unchanged,
            persons_created,
            warnings,
        } => {
            format!(
                "{file}：共 {rows} 行，新增 {added}，更新 {updated}，未变 {unchanged}，\
                 新建责任人 {persons_created}，警告 {warnings}"
            )
        }
        Msg::ImportDryRun => "试导入（--dry-run）：以上为检查结果，数据库未作任何改动。".into(),
        Msg::ImportRefused {
            file,
            rows,
            errors,
            warnings,
        } => format!(
            "{file}：共 {rows} 行，导入被拒绝：发现 {errors} 个错误（另有 {warnings} 个警告），\
             一行也没有写入，数据库未作任何改动。请修正后重新导入。"
        ),
        Msg::ImportAlerts { opened, closed } => {
            format!("预警已更新：新增 {opened} 条，自动办结 {closed} 条。")
        }
        Msg::ProblemLine {
            row,
            column,
            value,
            reason,
            warning,
        } => {
            let tag = if *warning { "警告" } else { "错误" };
            if value.is_empty() {
                format!("{tag} 第{row}行 [{column}]：{reason}")
            } else {
                format!("{tag} 第{row}行 [{column}] “{value}”：{reason}")
            }
        }
        Msg::Reason(r) => reason(r),
        Msg::IdNumber(e) => id_number(e),
        Msg::Assignment(a) => assignment(a),
        Msg::ConfigError {
            path,
            line,
            column,
            reason,
        } => match (line, column) {
            (Some(l), Some(c)) => format!("配置文件 {path} 第{l}行第{c}列有误：{reason}"),
            (Some(l), None) => format!("配置文件 {path} 第{l}行有误：{reason}"),
            _ => format!("配置文件 {path} 有误：{reason}"),
        },
        Msg::StoreBusy => "数据库正被其他程序写入，请稍后重试（未作任何改动）。".into(),
        Msg::StoreOpen { path, reason } => format!("无法打开数据库 {path}：{reason}"),
        Msg::StoreTooNew { found, known } => {
            format!("数据库版本（{found}）比本程序（{known}）新，请升级 dutydesk 后再打开。")
        }
        Msg::StoreOther(s) => format!("数据库错误：{s}"),
        Msg::NotFound(s) => format!("未找到：{s}"),
        Msg::TableUnreadable { path, reason } => format!("无法读取 {path}：{reason}"),
        Msg::TableEmpty { path } => format!("{path} 中没有表头或数据。"),
        Msg::TableUnsupported { path } => {
            format!("不支持的文件类型：{path}（请使用 .xlsx 或 .csv）")
        }
        Msg::DatabaseCreated { path } => format!("已创建数据库：{path}"),
        Msg::DatabaseExists { path } => format!("数据库已存在，未改动：{path}"),
        Msg::FirstOperator {
            path,
            login,
            created,
        } => format!(
            "{}：{path}；已登记 {login} 为第一位中心操作员，其他操作员用 dutydesk operator add 登记。",
            if *created {
                "已创建数据库"
            } else {
                "数据库已存在"
            }
        ),
        Msg::AdminNeeded { user } => format!(
            "{user} 是系统账户，不能作为操作员：请用 --admin 登录名 指定第一位中心操作员\
             （如 dutydesk init --admin zhangsan --name 张三）。未作任何改动。"
        ),
        Msg::OperatorsExist { path } => {
            format!("数据库已有操作员，未改动：{path}。请用 dutydesk operator add 登记新的操作员。")
        }
        Msg::DemoBuilt {
            path,
            patients,
            alerts,
        } => {
            format!("已生成演示数据库：{path}（{patients} 名虚构患者，{alerts} 条预警）")
        }
        Msg::DemoExists { path } => format!("使用已有的演示数据库：{path}"),
        Msg::CheckOk {
            version,
            patients,
            audit_rows,
        } => format!(
            "完整性检查：正常。架构版本 {version}，患者 {patients} 名，审计记录 {audit_rows} 条。"
        ),
        Msg::CheckProblems { version, problems } => format!(
            "完整性检查发现问题（架构版本 {version}）：\n{}",
            problems.join("\n")
        ),
        Msg::BackupDone { path } => format!("已备份到：{path}"),
        Msg::BackupExists { path } => format!("备份目标已存在，未覆盖：{path}"),
        Msg::BadTime(s) => {
            format!("无法识别时间“{s}”：请按北京时间填写，如 23:40 或 2026-11-22 23:40")
        }
        Msg::BadAsOf(s) => {
            format!("时间格式不对：“{s}”，应为 RFC 3339，如 2025-03-05T08:00:00+08:00")
        }
        Msg::NoAlerts => "当前没有预警。".into(),
        Msg::NoPatients => "没有符合条件的患者。".into(),
        Msg::AlertHeader => {
            "级别  类型          患者      危险性  村居          派出所        状态    逾期".into()
        }
        Msg::PatientHeader => {
            "姓名      身份证号            危险性  病情      状态  村居          派出所".into()
        }
        Msg::FollowUpRefused(r) => followup_refusal(r),
        Msg::ClassReason(r) => class_reason(*r).into(),
        Msg::UnknownOperator { login } => format!(
            "操作员“{login}”未登记。请由中心操作员用 dutydesk operator add 登记；数据库管理员可用 --operator 指定已登记的账号。"
        ),
        Msg::OperatorDisabled { login } => format!("操作员“{login}”已停用。"),
        Msg::StepAlreadyDone { step, actor } => {
            format!("第{step}步已由“{actor}”记录，未重复记录。")
        }
        Msg::ReportWritten { path } => format!("已导出：{path}"),
        Msg::BadPeriod => "截止日期早于起始日期".into(),
        Msg::RewardDue => "应发".into(),
        Msg::RewardNotDue => "不发".into(),
        Msg::RewardReason(d) => match d {
            crate::domain::reward::RewardDecision::Due => String::new(),
            crate::domain::reward::RewardDecision::IncidentThisMonth => "本月发生肇事肇祸".into(),
            crate::domain::reward::RewardDecision::Suspended { until } => {
                format!("此前发生肇事肇祸，停发至{until}")
            }
            crate::domain::reward::RewardDecision::NoGuardian => "未指定监护人".into(),
            crate::domain::reward::RewardDecision::MissingThisMonth => {
                "本月有失访，未履行监护协议".into()
            }
        },
        Msg::RewardTotal {
            month,
            guardians,
            yuan,
        } => {
            format!("{month}：应发监护人 {guardians} 名，合计 {yuan} 元")
        }
        Msg::NotAllowed { login } => format!("操作员“{login}”无权执行此操作。"),
        Msg::ShiftTaken => "已接班。上一班交班记录：".into(),
        Msg::ShiftHandedOver => "已交班，交班记录已保存：".into(),
        Msg::NoHandover => "没有上一班的交班记录。".into(),
        Msg::BadKeyFile { path, reason } => format!("{path} 不是 OpenSSH 公钥：{reason}"),
        Msg::KeyAdded { login, fingerprint } => format!("已为 {login} 登记公钥 {fingerprint}"),
        Msg::NoIncidents => "没有案事件。".into(),
        Msg::NoFollowups => "没有随访记录。".into(),
        Msg::StepState(st) => step_state(*st),
        Msg::IncidentOpened { id } => format!("已开案 #{id}，计时开始。"),
        Msg::StepRecorded { step, state } => format!("第{step}步已记录：{}", step_state(*state)),
        Msg::NoteAdded => "已追加备注。".into(),
        Msg::BadOutcome(s) => format!("处置结果“{s}”无法识别，应为 送医、居家、移交公安 或 其他"),
        Msg::ClosingRefused(r) => match r {
            crate::domain::incident::ClosingRefusal::SyncItemUnanswered(p) => format!(
                "三同步中“{}”未勾选也未说明原因，不能结案",
                match p {
                    crate::domain::incident::SyncPart::Legal => "依法处置",
                    crate::domain::incident::SyncPart::Opinion => "舆论引导",
                    crate::domain::incident::SyncPart::Social => "社会面管控",
                }
            ),
            crate::domain::incident::ClosingRefusal::CasualtiesExceedPersons => {
                "伤亡人数多于涉及人数".into()
            }
        },
        Msg::IncidentClosed { id } => format!("已结案 #{id}。"),
        Msg::ComplianceHeader {
            from,
            to,
            incidents,
        } => {
            format!("快反达标率 {from} 至 {to}：共 {incidents} 起")
        }
        Msg::ComplianceLine {
            step,
            label,
            met,
            counted,
            share,
            median,
        } => format!(
            "第{step}步 {label}：按时 {met}/{counted}（{}），中位用时 {}",
            share
                .map(|x| format!("{:.0}%", x * 100.0))
                .unwrap_or_else(|| "—".into()),
            median
                .map(|m| format!("{m:.0}秒"))
                .unwrap_or_else(|| "—".into())
        ),
        Msg::StationRequired => "station 角色必须用 --station 指定派出所。".into(),
        Msg::OperatorAdded { login } => format!("已登记操作员：{login}"),
        Msg::OperatorEnabled { login } => format!("已启用操作员“{login}”。"),
        Msg::KeyRemoved { fingerprint } => {
            format!("已删除公钥 {fingerprint}；用它登录的会话将在数秒内结束。")
        }
        Msg::AuditTriggerMissing { name } => {
            format!("审计日志的保护触发器 {name} 已被删除：日志可能被改写")
        }
        Msg::AuditChainBroken { row } => {
            format!("审计日志第 {row} 行与哈希链不符：该行或其前一行被改动、删除或替换")
        }
        Msg::RosterNotKept { sha } => {
            format!("没有唯一以 {sha} 开头的已存名册：请用 audit rosters 查看列表，多给几位")
        }
        Msg::NoKeptRosters => "还没有导入保存过名册。".into(),
        Msg::KeptRosterRows {
            rows,
            added,
            updated,
            unchanged,
        } => format!("{rows} 行：新增 {added}，更新 {updated}，未变 {unchanged}"),
        Msg::AuditChainOk { rows, rosters: 0 } => format!("审计日志哈希链完整（核验 {rows} 行）。"),
        Msg::AuditChainOk { rows, rosters } => format!(
            "审计日志哈希链完整（核验 {rows} 行，含 {rosters} 次导入所存的名册及每位新增患者所出自的行）。"
        ),
        Msg::AuditHead { row, hash } => format!("审计日志末行 #{row}，哈希 {hash}"),
        Msg::ConfirmReplace {
            old,
            new,
            patient,
            role,
        } => format!("将 {patient} 的{role}由 {old} 改为 {new}？"),
        Msg::ConfirmUnassign {
            person,
            patient,
            role,
        } => format!("撤销 {person} 作为 {patient} 的{role}？"),
        Msg::BadRole(r) => format!(
            "角色“{r}”无法识别，应为 township_cadre、station_officer、village_cadre、doctor、guardian 或其中文名"
        ),
        Msg::NoSuchPerson(n) => format!("人员名录中没有“{n}”（可先用 person add 登记）"),
        Msg::AmbiguousPerson(n) => format!("有多位“{n}”，请用 --phone 指明是哪一位"),
        Msg::WorkloadWarning {
            person,
            after,
            threshold,
        } => format!("提醒：{person} 现包联 {after} 名3级以上患者，超过 {threshold} 名"),
        Msg::RoleEmpty(r) => format!("该患者的{r}目前无人担任"),
        Msg::FlagRequired(f) => format!("缺少 {f}：见到患者或知情人时，随访表的这一项必须填写"),
        Msg::RiskLevel(n) => format!("危险性{n}级"),
        Msg::PersonAdded { name, kind } => format!("已登记人员：{name}（{kind}）"),
        Msg::PlaceAdded { kind, name } => format!("已登记{kind}：{name}"),
        Msg::ControlSet {
            id,
            level,
            from,
            to,
        } => format!(
            "已设置{}管控 #{id}：{from} 至 {to}；期间高风险患者的面访间隔不超过该等级的上限",
            level_zh(*level)
        ),
        Msg::ControlEnded { id } => format!("已结束管控 #{id}"),
        Msg::ControlLine {
            id,
            level,
            from,
            to,
            area,
            reason,
            in_force,
            ended,
        } => {
            let state = if *ended {
                "已提前结束"
            } else if *in_force {
                "生效中"
            } else {
                "未生效"
            };
            let area = if area.is_empty() { "全辖区" } else { area };
            format!(
                "#{id} {}管控 {from} 至 {to} {area} {state}：{reason}",
                level_zh(*level)
            )
        }
        Msg::DrillMade { path } => format!(
            "已生成演练库：{path}。在演练库上可用 --as-of 指定时刻写入（审计仍记录真实时间）。"
        ),
        Msg::Disabled => "已停用".into(),
        Msg::ConsoleNeedsTerminal => {
            "控制台需要在终端中运行（标准输入输出不是终端）。脚本请使用 alerts、patients 等命令。"
                .into()
        }
        Msg::BadKey { action, key } => format!("配置 [keys] 中 {action} 的按键“{key}”无法识别"),
        Msg::Ssh(t) => super::zh_ssh::text(t),
        Msg::UnknownSymptom(w, all) => {
            format!("--symptom {w}：不是随访表上的症状，可选：{all}")
        }
        Msg::DaysOverdue(d) => format!("{d}天"),
        Msg::OutputExists { path } => format!("{path} 已存在，未覆盖。"),
        Msg::ForceHint => "确需替换请加 --force（整体替换，不会留下半个文件）。".into(),
        Msg::OutputSymlink { path } => {
            format!("{path} 是符号链接，为防止数据被写到别处，已拒绝写入。")
        }
        Msg::OutputDatabase { path } => {
            format!("{path} 是数据库文件（或其 -wal/-shm 文件），不能用导出内容覆盖。")
        }
        Msg::OutputNotRegular { path } => format!("{path} 不是普通文件（是目录或设备），未写入。"),
        Msg::OutputFailed { path, reason } => format!("无法写入 {path}：{reason}"),
        Msg::Table(e) => table_error(e),
        Msg::ProblemsOmitted { count } => format!(
            "……另有 {count} 个问题未列出（只列出前 {} 个），请先修正以上问题后再检查。",
            crate::import::rows::MAX_LISTED_PROBLEMS
        ),
        Msg::CopyVerified {
            path,
            version,
            patients,
            audit_rows,
        } => format!(
            "校验通过：{path}（架构版本 {version}，患者 {patients} 名，审计记录 {audit_rows} 条）"
        ),
        Msg::CopyNotDatabase { path } => format!("{path} 不是 dutydesk 数据库文件，未作任何改动。"),
        Msg::CopySameFile { path } => format!("{path} 就是当前数据库本身，无需恢复。"),
        Msg::CopyUnsound { path, problems } => {
            format!("{path} 未通过校验，未作任何改动：\n{}", problems.join("\n"))
        }
        Msg::CopyInUse { path } => format!(
            "数据库 {path} 正被其他程序（控制台、SSH 服务或命令）使用。请先全部退出（停止 serve），\
             再恢复；未作任何改动。"
        ),
        Msg::RestoreDone { path, kept } => match kept {
            Some(k) => format!("已恢复到 {path}；原数据库保留为 {k}"),
            None => format!("已恢复到 {path}"),
        },
        Msg::StepSkipped { step } => format!("第{step}步已标为跳过。"),
        Msg::StepCorrected { step, actor, at } => {
            format!("第{step}步已更正为 {actor} {at} 完成（原记录保留在日志中）。")
        }
        Msg::TeamSeat { role, name, phone } => format!("{role}\t{name}\t{phone}"),
        Msg::TeamSeatEmpty { role } => format!("{role}\t（未指定）"),
    }
}

fn table_error(e: &crate::import::table::TableError) -> String {
    use crate::import::table::{ForeignEncoding, TableError as E};
    let save_as = "请在 Excel 中“另存为”“CSV UTF-8（逗号分隔）”或 .xlsx 后再导入";
    match e {
        E::Unreadable { path, reason } => format!("无法读取 {path}：{reason}"),
        E::NoSheet { path } | E::Empty { path } => format!("{path} 中没有表头或数据。"),
        E::NoRows { path, header_row } => {
            format!("{path} 只有表头（第{header_row}行），没有任何患者行，未导入。")
        }
        E::UnsupportedType { path } => {
            format!("不支持的文件类型：{path}（请使用 .xlsx 或 .csv）")
        }
        E::OldWorkbook { path } => {
            format!(
                "{path} 是旧版 Excel（.xls）或其他表格格式，请在 Excel/WPS 中另存为 .xlsx 后再导入。"
            )
        }
        E::NotRegular { path } => {
            format!("{path} 不是普通文件（是目录、管道或设备），未读取。")
        }
        E::TooLarge { path, max } => format!(
            "{path} 太大（超过 {} MB），不像是花名册，未读取。",
            max / (1024 * 1024)
        ),
        E::TooManyRows { path, max } => {
            format!("{path} 超过 {max} 行，超出一次导入的上限；请按乡镇街道拆分后分批导入。")
        }
        E::TooManyColumns {
            path,
            row,
            column,
            max,
        } => format!(
            "{path} 第{row}行 {column} 列有内容，超出前 {max} 列的范围；请删除表格右侧多余的内容后再导入。"
        ),
        E::Delimiter { path, delimiter } => {
            let name = match delimiter {
                ';' => "分号（;）",
                '\t' => "制表符（Tab）",
                _ => "竖线（|）",
            };
            format!("{path} 用{name}分隔各列，而不是逗号。{save_as}。")
        }
        E::Encoding { path, encoding } => match encoding {
            ForeignEncoding::Utf16 => {
                format!("{path} 是 UTF-16 编码（Excel 的“Unicode 文本”）。{save_as}。")
            }
            ForeignEncoding::Big5 => format!("{path} 是繁体中文 Big5 编码。{save_as}。"),
            ForeignEncoding::Other => format!(
                "{path} 既不是 UTF-8 也不是 GBK 编码（可能是 Latin-1 等西文编码）。{save_as}。"
            ),
        },
    }
}

fn step_state(s: crate::domain::incident::StepState) -> String {
    use crate::domain::incident::StepState::*;
    match s {
        Pending { seconds_left } => format!("剩{seconds_left}秒"),
        Met { .. } => "按时".into(),
        Late { seconds_late } => format!("超时{seconds_late}秒完成"),
        Overdue { seconds_late } => format!("已超时{seconds_late}秒"),
        Skipped => "已跳过".into(),
        Unfinished { seconds_left } => format!("结案时未完成（剩{seconds_left}秒）"),
    }
}

fn followup_refusal(r: &FollowUpRefusal) -> String {
    match r {
        FollowUpRefusal::Contradiction(c) => {
            let reasons: Vec<&str> = c.reasons.iter().map(|r| class_reason(*r)).collect();
            format!(
                "随访分类矛盾：记为“{}”，但按回答应为“{}”（{}）",
                c.recorded.zh(),
                c.required.zh(),
                reasons.join("、")
            )
        }
        FollowUpRefusal::DateInFuture => "随访日期晚于今天".into(),
        FollowUpRefusal::DateBeforeLastFollowUp => "随访日期早于末次随访".into(),
        FollowUpRefusal::NextDateNotAfterVisit => "下次随访日期应晚于本次".into(),
        FollowUpRefusal::PatientInactive => "患者已迁出、死亡或销案，不再随访".into(),
        FollowUpRefusal::RiskBelowBehaviour { minimum } => format!(
            "所填危险行为对应危险性至少{}级，所填等级更低；如确需更低，请说明理由",
            minimum.value()
        ),
        FollowUpRefusal::AwayWithoutDestination => "外出务工须填写外出去向".into(),
        FollowUpRefusal::AwayWithoutDepartureDate => "外出务工须填写外出日期".into(),
        FollowUpRefusal::DepartureAfterVisit => "外出日期不能晚于随访日期".into(),
    }
}

fn class_reason(r: ClassReason) -> &'static str {
    match r {
        ClassReason::RiskThreeToFive => "危险性3～5级",
        ClassReason::MarkedSymptoms => "精神症状明显",
        ClassReason::NoInsight => "自知力缺失",
        ClassReason::SevereDrugReaction => "严重药物不良反应",
        ClassReason::SeriousPhysicalIllness => "严重躯体疾病",
        ClassReason::RiskOneToTwo => "危险性1～2级",
        ClassReason::SymptomsPresent => "仍有精神症状",
        ClassReason::InsightPartial => "自知力不全",
        ClassReason::SocialFunctionPoor => "社会功能较差",
    }
}

fn phone(p: &crate::import::phone::PhoneProblem) -> String {
    use crate::import::phone::PhoneProblem as P;
    let rule = "手机为1开头的11位数字，固话须带区号（0开头）";
    match p {
        P::BadCharacter(c) => format!("“{c}”不是电话号码中的字符（{rule}）"),
        P::MobileLength(n) => format!("共 {n} 位数字，手机号应为11位"),
        P::LandlineLength(n) => format!("共 {n} 位数字，带区号的固话应为10～12位"),
        P::NoAreaCode => format!("固话缺少区号（{rule}）"),
        P::NotAPhone => format!("不是电话号码（{rule}）"),
    }
}

fn reason(r: &Reason) -> String {
    match r {
        Reason::MissingColumn => "缺少必填列".into(),
        Reason::UnknownColumn => "无法识别的列，已忽略".into(),
        Reason::DuplicateColumn => "该列重复出现".into(),
        Reason::Required => "必填项为空".into(),
        Reason::IdNumber(e) => id_number(e),
        Reason::GenderMismatch { from_id } => {
            format!("性别与身份证号不符（身份证号显示为{}）", from_id.zh())
        }
        Reason::UnknownGender => "性别应为 男 或 女".into(),
        Reason::BadDate => "无法识别的日期（可写 2025-03-05、2025/3/5 或 2025年3月5日）".into(),
        Reason::FutureDate => "日期晚于今天".into(),
        Reason::UnknownDiagnosis => "诊断不在六类严重精神障碍之内".into(),
        Reason::UnknownLevel => "危险性等级应为 0～5 级".into(),
        Reason::HighestBelowCurrent => "既往最高危险性低于目前危险性".into(),
        Reason::UnknownCondition => "病情应为 稳定、基本稳定 或 不稳定".into(),
        Reason::UnknownStatus => {
            "管理状态应为 在管、住院、外出、失访、拒访、迁出、死亡 或 销案".into()
        }
        Reason::UnknownGuardianship => "监护情况应为 有、弱 或 无".into(),
        Reason::UnknownTreatment => "治疗方式应为 居家 或 住院".into(),
        Reason::UnknownMedication => "用药方式应为 长效针剂、口服 或 未服药".into(),
        Reason::UnknownCompliance => "服药依从性应为 规律、间断 或 不服药".into(),
        Reason::BadFlag => "应填 是 或 否".into(),
        Reason::DuplicateId { first_row } => format!("身份证号与第{first_row}行重复"),
        Reason::RiskConditionMismatch { risk, condition } => format!(
            "危险性{risk}级与病情“{}”不符（3级以上应为不稳定，1～2级不应为稳定），已按原样导入",
            condition.zh()
        ),
        Reason::PhoneWithoutName => "有电话但没有姓名，已忽略".into(),
        Reason::AwayWithoutDestination => "外出但未填外出去向，无法通知接收地".into(),
        Reason::AwayWithoutDate => "外出但未填外出日期，无法判断外出是否超期".into(),
        Reason::OutsideJurisdiction(a) => assignment(a),
        Reason::ControlCharacter(c) => format!(
            "含有{}（U+{:04X}），花名册文字中不能有控制字符、终端转义序列或文字方向控制符",
            if c.is_control() {
                "控制字符"
            } else {
                "不可见的格式控制符（文字方向或分行符）"
            },
            *c as u32
        ),
        Reason::TooLong { max, length } => format!("共 {length} 个字，超过该列上限 {max} 个字"),
        Reason::DateBeforeBirth { birth } => {
            format!("日期早于患者出生日期（身份证号显示为 {birth}）")
        }
        Reason::SerialNumberDate { as_date } => format!(
            "这是 Excel 日期序号（相当于 {as_date}），请写成 {as_date}，或在另存 CSV 前把该列设为日期格式"
        ),
        Reason::BadPhone(p) => phone(p),
    }
}

fn id_number(e: &IdNumberError) -> String {
    match e {
        IdNumberError::WrongLength(n) => format!("身份证号应为18位，此处为{n}位"),
        IdNumberError::BadCharacter { position, found } => {
            format!("身份证号第{position}位“{found}”不是数字（只有末位可以是X）")
        }
        IdNumberError::BadBirthDate(s) => format!("身份证号中的出生日期 {s} 不存在"),
        IdNumberError::BirthDateInFuture(d) => format!("身份证号中的出生日期 {d} 晚于今天"),
        IdNumberError::BadChecksum { expected, found } => {
            format!("身份证号校验位错误：末位应为 {expected}，实为 {found}")
        }
    }
}

fn assignment(a: &AssignmentRefusal) -> String {
    match a {
        AssignmentRefusal::OfficerOutsideStation {
            person_station,
            patient_station,
        } => format!(
            "包村民警属于{person_station}，而患者属于{patient_station}，民警须来自患者所属派出所"
        ),
        AssignmentRefusal::CadreOutsideTownship {
            person_township,
            patient_township,
        } => format!(
            "包村干部属于{person_township}，而患者属于{patient_township}，须来自患者所在乡镇街道"
        ),
        AssignmentRefusal::CadreOutsideVillage {
            person_village,
            patient_village,
        } => format!(
            "村干部属于{person_village}，而患者属于{patient_village}，须来自患者所在村（社区）"
        ),
        AssignmentRefusal::DoctorOutsideTownship {
            person_township,
            patient_township,
        } => format!(
            "精防医生属于{person_township}，而患者属于{patient_township}，须来自患者所在乡镇街道的卫生机构（县级医院医生须标为全县通用）"
        ),
        AssignmentRefusal::WrongKind { kind, role } => format!(
            "此人登记为“{}”，不能担任{}（须为{}）",
            kind.zh(),
            role.zh(),
            role.kind().zh()
        ),
    }
}

pub fn alert_kind(k: AlertKind) -> &'static str {
    match k {
        AlertKind::Missing => "失访",
        AlertKind::LeftArea => "离开属地",
        AlertKind::Unstable => "病情不稳定",
        AlertKind::FollowupOverdue => "随访逾期",
        AlertKind::VisitOverdue => "面访逾期",
        AlertKind::TeamIncomplete => "五位一体不全",
        AlertKind::Guardianship => "监护人未落实",
        AlertKind::GuidanceNeeded => "需精神科医师技术指导",
        AlertKind::Reported => "异常报告",
        AlertKind::Refused => "拒访",
        AlertKind::AwayLong => "外出超期",
        AlertKind::ReassessmentDue => "事后重新评估",
        AlertKind::TransferredIn => "新迁入",
    }
}

pub fn alert_status(s: AlertStatus) -> &'static str {
    match s {
        AlertStatus::New => "新",
        AlertStatus::Acknowledged => "已签收",
        AlertStatus::InProgress => "处置中",
        AlertStatus::Resolved => "已办结",
    }
}

fn level_zh(n: u8) -> &'static str {
    match n {
        1 => "一级",
        2 => "二级",
        _ => "三级",
    }
}
