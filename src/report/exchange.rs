//! The monthly police exchange list (信息交换 [003]): high-risk (≥3) and unstable patients with
//! their status, last follow-up, the written report of a 失访/拒访 episode (*r2*: to whom, when)
//! and the five responsible persons with phones.

use crate::domain::patient::{Condition, Vocabulary};
use crate::domain::team::Role;
use crate::export::Sheet;
use crate::store::patients::PatientQuery;
use crate::store::{Result, Scope, Store};

/// The list's column headings.
pub fn headers() -> Vec<String> {
    let mut headers: Vec<String> = [
        "姓名",
        "身份证号",
        "性别",
        "危险性评估",
        "病情",
        "管理状态",
        "外出去向",
        "末次随访日期",
        "乡镇街道",
        "村居",
        "派出所",
        "书面报告",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for r in Role::ALL {
        headers.push(r.zh().to_string());
        headers.push(format!("{}电话", r.zh()));
    }
    headers
}

/// The list's name as a sheet.
pub const SHEET_NAME: &str = "信息交换";

/// The list; ID numbers and phones are masked unless `unmasked` (which the caller audits).
pub fn list(store: &Store, scope: &Scope, unmasked: bool) -> Result<Sheet> {
    let mut rows = Vec::new();
    for_each_row(store, scope, unmasked, |row| {
        rows.push(row.to_vec());
        Ok(())
    })?;
    Ok(Sheet {
        name: SHEET_NAME.into(),
        headers: headers(),
        rows,
    })
}

/// Each row of the list in the register's order, handed to `f` as it is read (an export of
/// a province's list never holds it whole); returns how many there were.
pub fn for_each_row(
    store: &Store,
    scope: &Scope,
    unmasked: bool,
    mut f: impl FnMut(&[String]) -> Result<()>,
) -> Result<usize> {
    let reports = store.written_reports(scope)?;
    let mut count = 0;
    let query = PatientQuery {
        scope: scope.clone(),
        ..Default::default()
    };
    store.for_each_patient(&query, |p| {
        if !p.status.is_active() || !(p.is_high_risk() || p.condition == Condition::Unstable) {
            return Ok(());
        }
        let phone = |s: &str| {
            if unmasked {
                s.to_string()
            } else {
                crate::domain::id_number::mask_phone(s)
            }
        };
        let mut row = vec![
            p.name.clone(),
            if unmasked {
                p.id_number.to_string()
            } else {
                p.id_number.masked()
            },
            p.gender.zh().to_string(),
            format!("{}级", p.risk_level),
            p.condition.zh().to_string(),
            p.status.zh().to_string(),
            p.away_destination.clone(),
            p.last_followup.map(|d| d.to_string()).unwrap_or_default(),
            p.jurisdiction.township.clone(),
            p.jurisdiction.village.clone(),
            p.jurisdiction.station.clone(),
            reports
                .get(&p.id)
                .map(|r| {
                    format!(
                        "{}：已报送{}（{}）",
                        if r.kind == crate::domain::alert::AlertKind::Refused {
                            "拒访"
                        } else {
                            "失访"
                        },
                        r.to,
                        r.at.with_timezone(&crate::domain::clock::beijing())
                            .format("%Y-%m-%d %H:%M")
                    )
                })
                .unwrap_or_default(),
        ];
        let team = store.team(p.id, scope)?;
        for r in Role::ALL {
            match team.iter().find(|m| m.role == *r) {
                Some(m) => {
                    row.push(m.person.name.clone());
                    row.push(phone(&m.person.phone));
                }
                None => {
                    row.push("（未指定）".into());
                    row.push(String::new());
                }
            }
        }
        count += 1;
        f(&row)
    })?;
    Ok(count)
}
