//! A handover (交班记录) as text for the screen and the terminal, and as a sheet to export.

use crate::domain::clock::beijing;
use crate::export::Sheet;
use crate::i18n::Lang;
use crate::store::shifts::{Handover, HandoverAlert};

/// The handover to read, the operator's own note first: then open alerts (counts by
/// severity, every unacknowledged P1 by patient), open incidents (patient, place, steps),
/// what was done on the shift in words, the counts of actions, and the audit head.
pub fn lines(lang: Lang, h: &Handover) -> Vec<String> {
    let t = |d: chrono::DateTime<chrono::Utc>| {
        d.with_timezone(&beijing())
            .format("%m-%d %H:%M")
            .to_string()
    };
    let zh = lang == Lang::Zh;
    let w = |z: &str, e: &str| if zh { z.to_string() } else { e.to_string() };
    let mut out = vec![if zh {
        format!(
            "{} {} 至 {}",
            h.display_name,
            t(h.started_at),
            t(h.ended_at)
        )
    } else {
        format!(
            "{} {} to {}",
            h.display_name,
            t(h.started_at),
            t(h.ended_at)
        )
    }];
    out.push(w("交班说明：", "Note:"));
    if h.note.trim().is_empty() {
        out.push(w("  （无）", "  (none)"));
    } else {
        out.extend(h.note.lines().map(|l| format!("  {l}")));
    }
    out.push(String::new());
    out.push(if zh {
        format!(
            "未办结预警：P1 {}  P2 {}  P3 {}",
            h.open_alerts[0], h.open_alerts[1], h.open_alerts[2]
        )
    } else {
        format!(
            "Open alerts: P1 {}  P2 {}  P3 {}",
            h.open_alerts[0], h.open_alerts[1], h.open_alerts[2]
        )
    });
    // Handovers written before the list was kept: the new P1s among the most urgent.
    let unacknowledged: Vec<&HandoverAlert> = if h.unacknowledged_p1.is_empty() {
        h.urgent
            .iter()
            .filter(|a| a.severity == "P1" && a.status == "new")
            .collect()
    } else {
        h.unacknowledged_p1.iter().collect()
    };
    out.push(if zh {
        format!("未签收的P1：{} 条", unacknowledged.len())
    } else {
        format!("Unacknowledged P1: {}", unacknowledged.len())
    });
    for a in &unacknowledged {
        let kind = crate::domain::alert::AlertKind::from_code(&a.kind)
            .map(|k| lang.alert_kind(k))
            .unwrap_or(&a.kind);
        out.push(format!("  {} {kind}", a.patient));
    }
    out.push(if zh {
        format!("进行中的快反：{} 起", h.open_incidents.len())
    } else {
        format!("Open incidents: {}", h.open_incidents.len())
    });
    for i in &h.open_incidents {
        out.push(format!(
            "  #{} {} {} [{}]",
            i.id,
            i.patient.as_deref().unwrap_or(if zh {
                "身份不明人员"
            } else {
                "unknown person"
            }),
            i.location,
            step_words(lang, &i.steps)
        ));
    }
    if h.done.is_empty() && !h.actions.is_empty() {
        // An older handover kept only the counts.
        out.push(w("本班操作：", "This shift's actions:"));
        for (a, n) in &h.actions {
            out.push(format!("  {} {n}", action_words(lang, a)));
        }
    } else {
        out.push(if zh {
            format!("本班所做：{} 项", h.done.len())
        } else {
            format!("Done on this shift: {}", h.done.len())
        });
        for e in &h.done {
            out.push(format!(
                "  {} {}",
                e.at.with_timezone(&beijing()).format("%H:%M"),
                lang.audit_sentence(e)
            ));
        }
        if h.done.is_empty() {
            out.push("  —".into());
        }
    }
    if let Some((row, hash)) = &h.audit_head {
        out.push(if zh {
            format!("审计日志至 #{row}，哈希 {hash}")
        } else {
            format!("Audit log up to #{row}, hash {hash}")
        });
    }
    out
}

/// An audited action's name in words (a code this build does not know stays as it is).
fn action_words(lang: Lang, code: &str) -> String {
    crate::domain::audit::AuditAction::from_code(code)
        .map(|a| lang.audit_action(a).to_string())
        .unwrap_or_else(|| code.to_string())
}

/// "1:met 2:overdue" as words: "第1步 按时 · 第2步 超时未完成".
fn step_words(lang: Lang, steps: &str) -> String {
    let zh = lang == Lang::Zh;
    steps
        .split_whitespace()
        .filter_map(|s| s.split_once(':'))
        .map(|(n, state)| {
            let word = match (state, zh) {
                ("met", true) => "按时",
                ("late", true) => "超时完成",
                ("overdue", true) => "超时未完成",
                ("pending", true) => "计时中",
                ("met", false) => "on time",
                ("late", false) => "done late",
                ("overdue", false) => "overdue",
                ("pending", false) => "running",
                ("skipped", true) => "已跳过",
                ("skipped", false) => "skipped",
                (other, _) => other,
            };
            if zh {
                format!("第{n}步 {word}")
            } else {
                format!("step {n} {word}")
            }
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The handover as a sheet (headings in Chinese, as the paper record is kept; values in the
/// operator's language).
pub fn sheet(lang: Lang, h: &Handover) -> Sheet {
    let mut rows = vec![
        vec!["交班人".into(), h.display_name.clone()],
        vec!["交班说明".into(), h.note.clone()],
        vec![
            "接班时间".into(),
            h.started_at.with_timezone(&beijing()).to_rfc3339(),
        ],
        vec![
            "交班时间".into(),
            h.ended_at.with_timezone(&beijing()).to_rfc3339(),
        ],
        vec![
            "未办结预警 P1/P2/P3".into(),
            format!(
                "{}/{}/{}",
                h.open_alerts[0], h.open_alerts[1], h.open_alerts[2]
            ),
        ],
    ];
    for a in &h.urgent {
        let kind = crate::domain::alert::AlertKind::from_code(&a.kind)
            .map(|k| lang.alert_kind(k))
            .unwrap_or(&a.kind);
        let status = crate::domain::alert::AlertStatus::from_code(&a.status)
            .map(|s| lang.alert_status(s))
            .unwrap_or(&a.status);
        rows.push(vec![
            "预警".into(),
            format!("{} {kind} {} {status}", a.severity, a.patient),
        ]);
    }
    for i in &h.open_incidents {
        rows.push(vec![
            "进行中的快反".into(),
            format!(
                "#{} {} {} [{}]",
                i.id,
                i.patient.as_deref().unwrap_or("—"),
                i.location,
                step_words(lang, &i.steps)
            ),
        ]);
    }
    for a in &h.unacknowledged_p1 {
        rows.push(vec!["未签收的P1".into(), a.patient.clone()]);
    }
    for e in &h.done {
        rows.push(vec![
            "本班所做".into(),
            format!(
                "{} {}",
                e.at.with_timezone(&beijing()).format("%H:%M"),
                lang.audit_sentence(e)
            ),
        ]);
    }
    for (a, n) in &h.actions {
        rows.push(vec![
            "本班操作".into(),
            format!("{} {n}", action_words(lang, a)),
        ]);
    }
    if let Some((row, hash)) = &h.audit_head {
        rows.push(vec!["审计日志".into(), format!("#{row} {hash}")]);
    }
    Sheet {
        name: "交班记录".into(),
        headers: vec!["项目".into(), "内容".into()],
        rows,
    }
}
