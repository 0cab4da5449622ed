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
        Msg::ImportRefused { errors, warnings } => format!(
            "导入被拒绝：发现 {errors} 个错误（另有 {warnings} 个警告），数据库未作任何改动。\
             请修正后重新导入。"
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
        Msg::BadAsOf(s) => {
            format!("时间格式不对：“{s}”，应为 RFC 3339，如 2025-03-05T08:00:00+08:00")
        }
        Msg::NoAlerts => "当前没有预警。".into(),
        Msg::NoPatients => "没有符合条件的患者。".into(),
        Msg::AlertHeader => {
            "级别  类型          患者      风险  村居          派出所        状态    逾期".into()
        }
        Msg::PatientHeader => {
            "姓名      身份证号            风险  病情      状态  村居          派出所".into()
        }
        Msg::FollowUpRefused(r) => followup_refusal(r),
        Msg::ClassReason(r) => class_reason(*r).into(),
        Msg::UnknownOperator { login } => format!(
            "操作员“{login}”未登记，不能打开控制台。请由中心管理员登记，或用 --operator 指定已登记的账号。"
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
            crate::report::rewards::RewardDecision::Due => String::new(),
            crate::report::rewards::RewardDecision::IncidentThisMonth => "本月发生肇事肇祸".into(),
            crate::report::rewards::RewardDecision::Suspended { until } => {
                format!("此前发生肇事肇祸，停发至{until}")
            }
            crate::report::rewards::RewardDecision::NoGuardian => "未指定监护人".into(),
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
        Msg::Disabled => "已停用".into(),
        Msg::ConsoleNeedsTerminal => {
            "控制台需要在终端中运行（标准输入输出不是终端）。脚本请使用 alerts、patients 等命令。"
                .into()
        }
        Msg::BadKey { action, key } => format!("配置 [keys] 中 {action} 的按键“{key}”无法识别"),
        Msg::DaysOverdue(d) => format!("{d}天"),
    }
}

fn step_state(s: crate::domain::incident::StepState) -> String {
    use crate::domain::incident::StepState::*;
    match s {
        Pending { seconds_left } => format!("剩{seconds_left}秒"),
        Met { .. } => "按时".into(),
        Late { seconds_late } => format!("超时{seconds_late}秒完成"),
        Overdue { seconds_late } => format!("已超时{seconds_late}秒"),
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
        Reason::OutsideJurisdiction(a) => assignment(a),
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
    }
}

pub fn alert_kind(k: AlertKind) -> &'static str {
    match k {
        AlertKind::Missing => "失联",
        AlertKind::LeftArea => "离开属地",
        AlertKind::Unstable => "病情不稳定",
        AlertKind::FollowupOverdue => "随访逾期",
        AlertKind::VisitOverdue => "面访逾期",
        AlertKind::TeamIncomplete => "五位一体不全",
        AlertKind::Guardianship => "监护缺失",
        AlertKind::GuidanceNeeded => "需专科指导",
        AlertKind::Reported => "异常报告",
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
