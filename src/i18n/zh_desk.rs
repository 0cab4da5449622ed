//! 中文：一站式写入接口的拒绝与冲突说明，审计日志的语句与字段。

use super::audit::{Change, Said};
use crate::desk::error::{Conflict, DeskError, Field, Refusal, Thing};
use crate::domain::audit::AuditAction;
use crate::domain::patient::Vocabulary;
use crate::store::StoreError;

pub fn error(e: &DeskError) -> String {
    match e {
        DeskError::UnknownOperator { login } => {
            format!("操作员“{login}”未登记，请中心管理员先用 operator add 登记。未作任何改动。")
        }
        DeskError::Disabled { login } => {
            format!("操作员“{login}”已停用，不能再写入。未作任何改动。")
        }
        DeskError::NotAllowed { login } => format!("操作员“{login}”无权执行此操作。未作任何改动。"),
        DeskError::NotFound(t) => format!("{}（或不在本辖区）。", thing(t)),
        DeskError::Conflict(c) => conflict(c),
        DeskError::Refused(r) => format!("{}。未作任何改动。", refusal(r)),
        DeskError::Store(StoreError::Busy) => {
            "数据库正被其他程序写入，请稍后重试（未作任何改动）。".into()
        }
        DeskError::Store(e) => format!("数据库错误：{e}"),
    }
}

fn thing(t: &Thing) -> String {
    match t {
        Thing::Patient(_) => "未找到该患者".into(),
        Thing::PatientIdNumber(n) => format!("未找到身份证号为 {n} 的患者"),
        Thing::Alert(id) => format!("未找到预警 #{id}"),
        Thing::Incident(id) => format!("未找到案事件 #{id}"),
        Thing::Step { incident, step } => format!("案事件 #{incident} 没有第{step}步"),
        Thing::Person(_) => "未找到该人员".into(),
        Thing::PersonNamed(n) => format!("未找到人员“{n}”"),
        Thing::Operator(l) => format!("未找到操作员“{l}”"),
        Thing::Key(f) => format!("未找到公钥 {f}"),
        Thing::Shift => "未找到班次".into(),
        Thing::ControlOrder(id) => format!("未找到管控 #{id}"),
    }
}

fn conflict(c: &Conflict) -> String {
    match c {
        Conflict::Alert { status, by, at } => {
            let when = at
                .map(|t| {
                    t.with_timezone(&crate::domain::clock::beijing())
                        .format(" %H:%M:%S")
                        .to_string()
                })
                .unwrap_or_default();
            format!(
                "该预警已由 {by}{when} 处理，现为“{}”。未作任何改动。",
                super::zh::alert_status(*status)
            )
        }
        Conflict::Step {
            step,
            actor,
            recorded_by,
        } => format!("第{step}步已由 {recorded_by} 记录（处置人：{actor}）。未作任何改动。"),
        Conflict::Assignment { role, holder, by } => match holder {
            Some(h) => format!(
                "{}已由 {by} 改为 {h}，请确认后重试。未作任何改动。",
                role.zh()
            ),
            None => format!("{}已由 {by} 撤销，请确认后重试。未作任何改动。", role.zh()),
        },
        Conflict::IncidentClosed { by } => format!("该案事件已由 {by} 结案。未作任何改动。"),
        Conflict::AlreadyOnShift => "已在班上，无需再次接班。".into(),
        Conflict::NotOnShift => "当前不在班上，请先接班。".into(),
        Conflict::StepSkipped { step, reason, by } => {
            format!("第{step}步已由 {by} 标为跳过（原因：{reason}）。未作任何改动。")
        }
        Conflict::StepChanged { step, actor, by } => {
            format!("第{step}步已由 {by} 改过（现为 {actor}），请看过后再更正。未作任何改动。")
        }
    }
}

fn refusal(r: &Refusal) -> String {
    match r {
        Refusal::Assignment(a) => super::zh::text(&super::Msg::Assignment(a.clone())),
        Refusal::PersonKind { person, kind, role } => {
            format!("{person} 登记为“{}”，不能担任{}", kind.zh(), role.zh())
        }
        Refusal::ReplaceUnconfirmed { role, holder } => {
            format!(
                "{}现由 {holder} 担任；替换须确认（命令行加 --replace）",
                role.zh()
            )
        }
        Refusal::FollowUp(f) => super::zh::text(&super::Msg::FollowUpRefused(f.clone())),
        Refusal::SameDayFollowUp { date } => format!(
            "{date} 已有该患者的随访：同一天再记即为更正（替换原记录，两者都留在日志中），须确认后保存（命令行加 --correct）"
        ),
        Refusal::Closing(c) => super::zh::text(&super::Msg::ClosingRefused(*c)),
        Refusal::UnknownPlace { kind, name } => format!(
            "{}“{name}”不在登记册中（请检查拼写，或由中心用 place add 登记）",
            kind.zh()
        ),
        Refusal::PlaceExists { kind, name } => format!("{}“{name}”已登记", kind.zh()),
        Refusal::AlertTransition { from, to } => format!(
            "预警现为“{}”，不能改为“{}”",
            super::zh::alert_status(*from),
            super::zh::alert_status(*to)
        ),
        Refusal::ConditionHolds { kind } => format!(
            "“{}”预警的情形仍然存在，不能办结：{}；或选择暂缓（z）至某日并说明原因",
            super::zh::alert_kind(*kind),
            what_clears(*kind)
        ),
        Refusal::NoWrittenReport { kind } => format!(
            "书面报告只用于失访、拒访预警，“{}”预警不适用",
            super::zh::alert_kind(*kind)
        ),
        Refusal::WrittenReportLater => "书面报告时间不能晚于现在".into(),
        Refusal::SnoozeNotAfterToday { until } => format!("暂缓日期 {until} 须晚于今天"),
        Refusal::IncidentClosed => "该案事件已结案".into(),
        Refusal::StepBeforeOpening => "步骤时间不能早于开案时间".into(),
        Refusal::Missing(f) => format!("请填写{}", field(*f)),
        Refusal::OperatorExists(l) => format!("操作员“{l}”已存在"),
        Refusal::StationRequired => "派出所值班员（station）须指定派出所".into(),
        Refusal::PersonExists { name, phone } => {
            format!(
                "已有人员 {name}（{}）",
                crate::domain::id_number::mask_phone(phone)
            )
        }
        Refusal::AsOfOnLiveDatabase => {
            "--as-of 只能用于演练库（dutydesk drill 生成的副本），不能改写真实记录的时间".into()
        }
        Refusal::SelfDisable => "不能停用自己".into(),
        Refusal::Control(crate::domain::control::ControlRefusal::EndsBeforeStart) => {
            "管控结束日期早于开始日期".into()
        }
        Refusal::ControlEnded => "该管控已结束".into(),
        Refusal::StepOutOfOrder { step, earlier } => format!(
            "步骤须按顺序记录：第{earlier}步尚未完成，请先记录第{earlier}步，或将其标为跳过并说明原因，再记录第{step}步"
        ),
        Refusal::StepNotRecorded { step } => format!("第{step}步尚未记录，无可更正"),
        Refusal::StepAfterNow => "步骤时间不能晚于现在或结案时间".into(),
        Refusal::NoTeam => "身份不明人员没有五位一体人员".into(),
    }
}

fn what_clears(kind: crate::domain::alert::AlertKind) -> &'static str {
    use crate::domain::alert::AlertKind::*;
    match kind {
        Missing => {
            "录入向政法、公安的书面报告（报送单位、时间）即可办结；找到患者后在随访中记录见到患者"
        }
        LeftArea => "患者返回后记录面访，或更改管理状态",
        Unstable => "随访评估病情好转，或患者住院",
        FollowupOverdue => "记录一次随访",
        VisitOverdue => "记录一次门诊或入户面访",
        TeamIncomplete => "指定缺少的五位一体人员",
        Guardianship => "指定监护人",
        GuidanceNeeded => "随访中记录已获精神科医师指导",
        Reported => "",
        Refused => {
            "录入向政法、公安的书面报告（报送单位、时间）即可办结；患者接受随访后在随访中记录"
        }
        AwayLong => "患者返回后记录面访，或更改管理状态",
        ReassessmentDue => "记录一次随访，重新评估危险性",
        TransferredIn => "",
    }
}

fn field(f: Field) -> &'static str {
    match f {
        Field::Location => "地点",
        Field::Actor => "处置人",
        Field::Note => "说明",
        Field::Reason => "原因",
        Field::Name => "姓名",
        Field::DisplayName => "显示名称",
        Field::Station => "地点所属派出所",
        Field::ReportedTo => "书面报告的报送单位",
    }
}

/// 审计动作的名称（统计“今日操作”用）。
pub fn action(a: AuditAction) -> &'static str {
    use AuditAction::*;
    match a {
        AlertAcknowledged => "签收预警",
        AlertInProgress => "预警转处置",
        AlertResolved => "办结预警",
        AlertSnoozed => "暂缓预警",
        AlertReported => "上报异常",
        AlertsReconciled => "系统更新预警",
        TeamAssigned => "指定五位一体人员",
        TeamUnassigned => "撤销五位一体人员",
        PersonCreated => "登记人员",
        PlaceAdded => "登记地名",
        FollowUpRecorded => "记录随访",
        PatientRevealed => "查看完整证件号",
        PatientImported => "导入新患者",
        PatientReimported => "导入更新患者",
        RosterImported => "导入名册",
        IncidentOpened => "快反开案",
        IncidentStepDone => "记录快反步骤",
        IncidentNoted => "案事件备注",
        IncidentClosed => "结案",
        ShiftTakenOver => "接班",
        ShiftHandedOver => "交班",
        OperatorAdded => "登记操作员",
        OperatorDisabled => "停用操作员",
        OperatorEnabled => "启用操作员",
        KeyAdded => "登记公钥",
        KeyRemoved => "删除公钥",
        ControlSet => "设置管控等级",
        ControlEnded => "结束管控",
        ReportExported => "导出报表",
        IncidentStepSkipped => "跳过快反步骤",
        IncidentStepCorrected => "更正快反步骤",
        IncidentTeamRevealed => "查看五位一体电话",
        DatabaseRestored => "恢复数据库",
        FollowUpCorrected => "更正随访",
    }
}

fn level_zh(n: Option<i64>) -> &'static str {
    match n {
        Some(1) => "一级",
        Some(2) => "二级",
        Some(3) => "三级",
        _ => "",
    }
}

fn kind(s: &Said) -> &'static str {
    s.kind.map(super::zh::alert_kind).unwrap_or("")
}

fn patient(s: &Said) -> &str {
    s.patient.as_deref().unwrap_or("某患者")
}

fn vocab(code: Option<&str>) -> String {
    code.map(label).unwrap_or_default()
}

/// 一行审计记录的一句话。
pub fn sentence(s: &Said) -> String {
    use AuditAction::*;
    let who = &s.who;
    let Some(action) = s.action else {
        return format!("{who} 执行了本版本无法识别的操作");
    };
    match action {
        AlertAcknowledged => format!("{who} 签收了 {} 的 {} 预警", patient(s), kind(s)),
        AlertInProgress => format!("{who} 将 {} 的 {} 预警转为处置中", patient(s), kind(s)),
        AlertResolved => {
            let note = s
                .text
                .as_deref()
                .map(|n| format!("：{n}"))
                .unwrap_or_default();
            let report = s
                .person
                .as_deref()
                .map(|to| {
                    format!(
                        "，已书面报告 {to}（{}）",
                        s.date.as_deref().unwrap_or_default()
                    )
                })
                .unwrap_or_default();
            format!(
                "{who} 办结了 {} 的 {} 预警{report}{note}",
                patient(s),
                kind(s)
            )
        }
        AlertSnoozed => format!(
            "{who} 将 {} 的 {} 预警暂缓至 {}（{}）",
            patient(s),
            kind(s),
            s.date.as_deref().unwrap_or(""),
            s.text.as_deref().unwrap_or("")
        ),
        AlertReported => format!(
            "{who} 为 {} 上报异常（{}）：{}",
            patient(s),
            s.role.as_deref().unwrap_or(""),
            s.text.as_deref().unwrap_or("")
        ),
        AlertsReconciled => {
            let about = s
                .patient
                .as_deref()
                .map(|p| format!(" {p} 的"))
                .unwrap_or_default();
            format!(
                "系统 更新了{about}预警：新增 {}，自动关闭 {}，调整 {}",
                s.counts[0], s.counts[1], s.counts[2]
            )
        }
        TeamAssigned => {
            let replaced = s
                .replaced
                .as_deref()
                .map(|r| format!("（替换 {r}）"))
                .unwrap_or_default();
            format!(
                "{who} 指定 {} 为 {} 的{}{replaced}",
                s.person.as_deref().unwrap_or("某人员"),
                patient(s),
                vocab(s.role.as_deref())
            )
        }
        TeamUnassigned => format!(
            "{who} 撤销了 {} 作为 {} 的{}",
            s.person.as_deref().unwrap_or("某人员"),
            patient(s),
            vocab(s.role.as_deref())
        ),
        PersonCreated | PlaceAdded => format!(
            "{who} 登记了{} {}",
            vocab(s.role.as_deref()),
            s.person.as_deref().unwrap_or("")
        ),
        FollowUpRecorded => format!(
            "{who} 记录了 {} 的随访（{}，{}）",
            patient(s),
            s.date.as_deref().unwrap_or(""),
            vocab(s.role.as_deref())
        ),
        PatientRevealed => format!("{who} 查看了 {} 的完整身份证号与电话", patient(s)),
        PatientImported => match (&s.text, s.number) {
            (Some(file), Some(line)) => {
                format!(
                    "{who} 从名册 {file} 第 {line} 行导入了新患者 {}",
                    patient(s)
                )
            }
            _ => format!("{who} 导入了新患者 {}", patient(s)),
        },
        RosterImported => format!(
            "{who} 导入了名册 {}：{} 行，新增 {}，更新 {}，未变 {}",
            s.text.as_deref().unwrap_or(""),
            s.number.unwrap_or(0),
            s.counts[0],
            s.counts[1],
            s.counts[2]
        ),
        PatientReimported => match (&s.text, s.step) {
            (Some(file), Some(line)) => format!(
                "{who} 按名册 {file} 第 {line} 行导入更新了 {}（{} 项变化）",
                patient(s),
                s.number.unwrap_or(0)
            ),
            _ => format!(
                "{who} 导入更新了 {}（{} 项变化）",
                patient(s),
                s.number.unwrap_or(0)
            ),
        },
        IncidentOpened => format!(
            "{who} 开案 #{}（{}，{}）",
            s.number.unwrap_or(0),
            s.patient.as_deref().unwrap_or("身份不明人员"),
            s.text.as_deref().unwrap_or("")
        ),
        IncidentStepDone => format!(
            "{who} 记录案事件 #{} 第{}步（{}）由 {} 完成",
            s.number.unwrap_or(0),
            s.step.unwrap_or(0),
            s.text.as_deref().unwrap_or(""),
            s.person.as_deref().unwrap_or("")
        ),
        IncidentNoted => format!(
            "{who} 为案事件 #{} 追加备注：{}",
            s.number.unwrap_or(0),
            s.text.as_deref().unwrap_or("")
        ),
        IncidentClosed => format!(
            "{who} 结案 #{}：{}",
            s.number.unwrap_or(0),
            // An outcome's code (hospital) is also a treatment place's: read it as the outcome.
            s.role
                .as_deref()
                .and_then(crate::domain::incident::Outcome::parse)
                .map(|o| o.zh().to_string())
                .unwrap_or_else(|| vocab(s.role.as_deref()))
        ),
        ShiftTakenOver => format!("{who} 接班"),
        ShiftHandedOver => format!("{who} 交班"),
        OperatorAdded => format!(
            "{who} 登记了操作员 {}（{}）",
            s.person.as_deref().unwrap_or(""),
            vocab(s.role.as_deref())
        ),
        OperatorDisabled => format!("{who} 停用了操作员 {}", s.person.as_deref().unwrap_or("")),
        OperatorEnabled => format!("{who} 启用了操作员 {}", s.person.as_deref().unwrap_or("")),
        KeyAdded => format!(
            "{who} 为 {} 登记了 SSH 公钥 {}",
            s.person.as_deref().unwrap_or(""),
            s.text.as_deref().unwrap_or("")
        ),
        KeyRemoved => format!(
            "{who} 删除了 {} 的 SSH 公钥 {}",
            s.person.as_deref().unwrap_or(""),
            s.text.as_deref().unwrap_or("")
        ),
        ControlSet => format!(
            "{who} 设置了{}管控（{}，{}）：{}",
            level_zh(s.number),
            s.date.as_deref().unwrap_or(""),
            s.person.as_deref().unwrap_or("全辖区"),
            s.text.as_deref().unwrap_or("")
        ),
        ControlEnded => format!(
            "{who} 结束了{}管控（{}，{}）",
            level_zh(s.number),
            s.date.as_deref().unwrap_or(""),
            s.person.as_deref().unwrap_or("全辖区")
        ),
        DatabaseRestored => format!(
            "{who} 用备份 {} 恢复了数据库",
            s.text.as_deref().unwrap_or("")
        ),
        FollowUpCorrected => format!(
            "{who} 更正了 {} 当日的随访（{}，{}），原记录保留在本条日志中",
            patient(s),
            s.date.as_deref().unwrap_or(""),
            vocab(s.role.as_deref())
        ),
        ReportExported => format!(
            "{who} 导出了{}（{} 行{}）",
            vocab(s.role.as_deref()),
            s.number.unwrap_or(0),
            if s.flag {
                "，含完整身份证号与电话"
            } else {
                ""
            }
        ),
        IncidentStepSkipped => format!(
            "{who} 将案事件 #{}（{}）第{}步（{}）标为跳过：{}",
            s.number.unwrap_or(0),
            s.patient.as_deref().unwrap_or("身份不明人员"),
            s.step.unwrap_or(0),
            s.role.as_deref().unwrap_or(""),
            s.text.as_deref().unwrap_or("")
        ),
        IncidentStepCorrected => format!(
            "{who} 更正了案事件 #{}（{}）第{}步：处置人 {}",
            s.number.unwrap_or(0),
            s.patient.as_deref().unwrap_or("身份不明人员"),
            s.step.unwrap_or(0),
            s.person.as_deref().unwrap_or("")
        ),
        IncidentTeamRevealed => format!(
            "{who} 在案事件 #{} 处置中查看了 {} 的五位一体人员电话",
            s.number.unwrap_or(0),
            patient(s)
        ),
    }
}

/// 代码的中文名：角色、人员类别、地名类别、处置结果、报表、随访形式、字段值。
pub fn label(code: &str) -> String {
    use crate::domain::patient::*;
    use crate::domain::team::{PersonKind, Role};
    use crate::store::places::PlaceKind;
    fn find<T: Vocabulary>(code: &str) -> Option<&'static str> {
        T::from_code(code).map(|v| v.zh())
    }
    let known = find::<Role>(code)
        .or_else(|| find::<PersonKind>(code))
        .or_else(|| find::<PlaceKind>(code))
        .or_else(|| find::<Condition>(code))
        .or_else(|| find::<Status>(code))
        .or_else(|| find::<Guardianship>(code))
        .or_else(|| find::<Diagnosis>(code))
        .or_else(|| find::<Gender>(code))
        .or_else(|| find::<TreatmentPlace>(code))
        .or_else(|| find::<Medication>(code))
        .or_else(|| find::<Compliance>(code))
        .or_else(|| find::<crate::domain::followup::TreatmentEffect>(code))
        .or_else(|| find::<crate::domain::followup::LockUp>(code))
        .or_else(|| find::<crate::domain::followup::HospitalStay>(code))
        .or_else(|| find::<crate::domain::followup::Symptom>(code))
        .or_else(|| crate::domain::incident::Outcome::parse(code).map(|o| o.zh()));
    if let Some(k) = known {
        return k.to_string();
    }
    match code {
        "center" => "中心值班员",
        "station" => "派出所值班员",
        "auditor" => "督导（只读）",
        "clinic" => "门诊",
        "home" => "家庭访视",
        "home_visit" => "家庭访视",
        "phone" => "电话",
        "stats" => "统计表",
        "exchange" => "信息交换名单",
        "rewards" => "以奖代补名单",
        "handover" => "交班记录",
        "quick_response" => "快反达标率",
        "console_report" => "值班台报表",
        "kept_roster" => "已存名册",
        "patient" => "患者本人",
        "working_away" => "外出务工",
        "moved_away" => "迁居他处",
        "wandered" => "走失",
        "three_misses" => "连续3次未访到",
        "gone" => "基本消失",
        "present" => "存在",
        "marked" => "明显",
        "full" => "完全",
        "partial" => "不全",
        "lacking" => "缺失",
        "good" => "良好",
        "fair" => "一般",
        "poor" => "较差",
        "mild" => "轻度",
        "severe" => "严重",
        other => return other.to_string(),
    }
    .to_string()
}

fn field_label(key: &str) -> String {
    let last = key.rsplit('.').next().unwrap_or(key);
    match last {
        "name" => "姓名",
        "id_number" => "身份证号",
        "gender" => "性别",
        "phone" => "电话",
        "address" => "住址",
        "township" => "乡镇街道",
        "village" => "村居",
        "station" => "派出所",
        "diagnosis" => "诊断",
        "risk_level" => "危险性",
        "risk_highest" => "既往最高危险性",
        "condition" => "病情",
        "guardianship" => "监护情况",
        "status" => "状态",
        "away_destination" => "外出去向",
        "treatment_place" => "治疗方式",
        "medication" => "用药方式",
        "compliance" => "服药依从性",
        "police_listed" => "公安列管",
        "incident_history" => "肇事肇祸史",
        "floating" => "流动人口",
        "vagrant" => "流浪乞讨",
        "special_team" => "重症专班",
        "ever_missing" => "曾失访",
        "last_followup" => "末次随访",
        "last_visit" => "末次面访",
        "registered_on" => "登记日期",
        "basic_stable_streak" => "连续基本稳定次数",
        "not_reached_streak" => "连续未访到次数",
        "relapses" => "复发次数",
        "note" => "说明",
        "kind" => "类别",
        "role" => "角色",
        "person" => "人员",
        "disabled" => "已停用",
        "snoozed_until" => "暂缓至",
        "reported_to" => "书面报告报送单位",
        "reported_at" => "书面报告时间",
        "reason" => "原因",
        "location" => "地点",
        "description" => "情况",
        "actor" => "处置人",
        "step" => "步骤",
        "label" => "步骤名称",
        "outcome" => "处置结果",
        "rows" => "行数",
        "unmasked" => "完整证件号",
        "file" => "文件",
        "report" => "报表",
        "severity" => "级别",
        "fingerprint" => "公钥指纹",
        "login" => "登录名",
        "unit" => "单位",
        "level" => "管控等级",
        "from" => "开始日期",
        "to" => "结束日期",
        "townships" => "乡镇街道",
        "stations" => "派出所",
        "away_since" => "外出日期",
        "discharged_on" => "出院日期",
        "earlier_missing" => "此前失访",
        "reassess_since" => "待重新评估",
        "patient_record" => "患者档案",
        "done_at" => "完成时间",
        "persons" => "人员",
        "date" => "日期",
        "form" => "随访方式",
        "by_whom" => "随访人",
        "joint_visitors" => "联合随访人",
        "next_date" => "下次随访日期",
        "doctor" => "指导医师",
        "informant" => "随访对象",
        "symptoms" => "目前症状",
        "symptom_state" => "精神症状",
        "insight" => "自知力",
        "sleep" => "睡眠",
        "diet" => "饮食",
        "social_function" => "社会功能",
        "minor_trouble" => "轻度滋事",
        "trouble" => "肇事",
        "disaster" => "肇祸",
        "other_harm" => "其他危害行为",
        "self_harm" => "自伤",
        "attempted_suicide" => "自杀未遂",
        "locked_up" => "关锁",
        "hospitalised" => "住院",
        "drug_reaction" => "药物不良反应",
        "serious_physical_illness" => "严重躯体疾病",
        "treatment_effect" => "治疗效果",
        "referral" => "转诊",
        "class" => "本次随访分类",
        "risk_override_reason" => "低于所示等级的理由",
        "guardian_refuses_admission" => "监护人拒绝住院",
        "destination" => "去向",
        "departed_on" => "外出日期",
        "cause" => "死亡原因",
        other => return other.to_string(),
    }
    .to_string()
}

fn value(key: &str, v: &Option<serde_json::Value>) -> String {
    use serde_json::Value;
    let last = key.rsplit('.').next().unwrap_or(key);
    match v {
        None | Some(Value::Null) => "（空）".into(),
        Some(Value::Bool(true)) => "是".into(),
        Some(Value::Bool(false)) => "否".into(),
        Some(Value::String(s)) if last == "id_number" => crate::domain::id_number::mask_id_text(s),
        Some(Value::String(s)) if last == "phone" => crate::domain::id_number::mask_phone(s),
        Some(Value::String(s)) if last == "status" => {
            match serde_json::from_value::<crate::domain::alert::AlertStatus>(Value::String(
                s.clone(),
            )) {
                Ok(st) => super::zh::alert_status(st).to_string(),
                Err(_) => label(s),
            }
        }
        Some(Value::String(s)) if last == "kind" => {
            match serde_json::from_value::<crate::domain::alert::AlertKind>(Value::String(
                s.clone(),
            )) {
                Ok(k) => super::zh::alert_kind(k).to_string(),
                Err(_) => label(s),
            }
        }
        Some(Value::String(s)) => label(s),
        Some(Value::Number(n)) if last.starts_with("risk") => format!("{n}级"),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|x| value(key, &Some(x.clone())))
            .collect::<Vec<_>>()
            .join("、"),
        Some(other) => other.to_string(),
    }
}

/// 一项变化：“危险性：1级 → 3级”。
pub fn change(c: &Change) -> String {
    format!(
        "{}：{} → {}",
        field_label(&c.field),
        value(&c.field, &c.before),
        value(&c.field, &c.after)
    )
}
