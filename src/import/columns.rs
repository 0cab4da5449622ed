//! The roster's columns: SPEC's header table with its aliases, in free order.

use crate::domain::team::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Name,
    IdNumber,
    Gender,
    Phone,
    Diagnosis,
    RiskLevel,
    RiskHighest,
    Condition,
    Status,
    AwayDestination,
    AwayDate,
    DischargeDate,
    Guardianship,
    Address,
    Township,
    Village,
    Station,
    LastFollowUp,
    LastVisit,
    TreatmentPlace,
    Medication,
    Compliance,
    PoliceListed,
    IncidentHistory,
    Floating,
    Vagrant,
    SpecialTeam,
    EverMissing,
    MemberName(Role),
    MemberPhone(Role),
}

/// Header words for each field; the first is the canonical one used in reports.
const HEADERS: &[(Field, &[&str])] = &[
    (Field::Name, &["姓名"]),
    (Field::IdNumber, &["身份证号", "身份证号码", "公民身份号码"]),
    (Field::Gender, &["性别"]),
    (Field::Phone, &["联系电话", "电话"]),
    (Field::Diagnosis, &["诊断", "疾病诊断"]),
    (Field::RiskLevel, &["危险性评估", "危险性等级"]),
    (Field::RiskHighest, &["既往最高危险性"]),
    (Field::Condition, &["病情", "病情评估", "本次随访分类"]),
    (Field::Status, &["管理状态"]),
    (Field::AwayDestination, &["外出去向"]),
    (Field::AwayDate, &["外出日期"]),
    (Field::DischargeDate, &["出院日期"]),
    (Field::Guardianship, &["监护情况"]),
    (Field::Address, &["住址", "现住址"]),
    (Field::Township, &["乡镇街道", "乡镇", "街道"]),
    (Field::Village, &["村居", "村社区", "村", "社区"]),
    (Field::Station, &["派出所"]),
    (Field::LastFollowUp, &["末次随访日期"]),
    (Field::LastVisit, &["末次面访日期"]),
    (Field::TreatmentPlace, &["治疗方式"]),
    (Field::Medication, &["用药方式"]),
    (Field::Compliance, &["服药依从性"]),
    (Field::PoliceListed, &["公安列管"]),
    (Field::IncidentHistory, &["肇事肇祸史"]),
    (Field::Floating, &["流动人口"]),
    (Field::Vagrant, &["流浪乞讨"]),
    (Field::SpecialTeam, &["重症专班"]),
    (Field::EverMissing, &["曾失访"]),
    (Field::MemberName(Role::Guardian), &["监护人"]),
    (Field::MemberPhone(Role::Guardian), &["监护人电话"]),
    (Field::MemberName(Role::Doctor), &["精防医生"]),
    (Field::MemberPhone(Role::Doctor), &["精防医生电话"]),
    (Field::MemberName(Role::TownshipCadre), &["包村干部"]),
    (Field::MemberPhone(Role::TownshipCadre), &["包村干部电话"]),
    (Field::MemberName(Role::StationOfficer), &["包村民警"]),
    (Field::MemberPhone(Role::StationOfficer), &["包村民警电话"]),
    (Field::MemberName(Role::VillageCadre), &["村干部"]),
    (Field::MemberPhone(Role::VillageCadre), &["村干部电话"]),
];

pub const REQUIRED: &[Field] = &[
    Field::Name,
    Field::IdNumber,
    Field::Diagnosis,
    Field::RiskLevel,
    Field::Condition,
    Field::Township,
    Field::Village,
    Field::Station,
];

impl Field {
    pub fn header(self) -> &'static str {
        HEADERS
            .iter()
            .find(|(f, _)| *f == self)
            .map(|(_, h)| h[0])
            .expect("every field has a header")
    }

    /// The field a header names, ignoring spaces, a `*` marking required columns, and
    /// full-width parentheses around a note such as `（必填）`.
    pub fn from_header(raw: &str) -> Option<Field> {
        let mut s: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '*')
            .collect();
        for note in ["（必填）", "(必填)", "（选填）", "(选填)"] {
            s = s.replace(note, "");
        }
        HEADERS
            .iter()
            .find(|(_, names)| names.contains(&s.as_str()))
            .map(|(f, _)| *f)
    }
}

/// Where each known field sits in a table, and the headers nobody knows.
#[derive(Debug, Clone, Default)]
pub struct ColumnMap {
    pub positions: Vec<(Field, usize)>,
    pub unknown: Vec<(usize, String)>,
    pub duplicated: Vec<(usize, String)>,
}

impl ColumnMap {
    pub fn new(headers: &[String]) -> ColumnMap {
        let mut map = ColumnMap::default();
        for (i, h) in headers.iter().enumerate() {
            if h.trim().is_empty() {
                continue;
            }
            match Field::from_header(h) {
                Some(f) if map.position(f).is_some() => map.duplicated.push((i, h.clone())),
                Some(f) => map.positions.push((f, i)),
                None => map.unknown.push((i, h.clone())),
            }
        }
        map
    }

    pub fn position(&self, f: Field) -> Option<usize> {
        self.positions
            .iter()
            .find(|(g, _)| *g == f)
            .map(|(_, i)| *i)
    }

    pub fn missing_required(&self) -> Vec<Field> {
        REQUIRED
            .iter()
            .copied()
            .filter(|f| self.position(*f).is_none())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_and_aliases_map_to_fields() {
        assert_eq!(Field::from_header("公民身份号码"), Some(Field::IdNumber));
        assert_eq!(Field::from_header(" 身份证号码 "), Some(Field::IdNumber));
        assert_eq!(Field::from_header("*姓名"), Some(Field::Name));
        assert_eq!(Field::from_header("本次随访分类"), Some(Field::Condition));
        assert_eq!(Field::from_header("社区"), Some(Field::Village));
        assert_eq!(
            Field::from_header("包村民警电话"),
            Some(Field::MemberPhone(Role::StationOfficer))
        );
        assert_eq!(Field::from_header("备注"), None);
    }

    #[test]
    fn header_order_is_free_and_unknown_columns_are_listed() {
        let h: Vec<String> = ["备注", "派出所", "姓名"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let m = ColumnMap::new(&h);
        assert_eq!(m.position(Field::Station), Some(1));
        assert_eq!(m.position(Field::Name), Some(2));
        assert_eq!(m.unknown, vec![(0, "备注".to_string())]);
        assert!(m.missing_required().contains(&Field::IdNumber));
    }
}
