//! The console's reports view written to files: the statistical report (xlsx) and the shift
//! figures with quick-response compliance (csv), named by the moment of export.

use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};

use crate::app::data::ReportData;
use crate::config::Config;
use crate::files::{Existing, FileError};
use crate::i18n::{Lang, Msg};

/// Writes both files into `dir` (created 0700 if absent), never over an existing file: a
/// second export within the same second takes the next free suffix. Returns their paths.
pub fn export(
    r: &ReportData,
    dir: &Path,
    config: &Config,
    lang: Lang,
    now: DateTime<Utc>,
) -> Result<Vec<PathBuf>, String> {
    let refused = |e: &FileError| lang.text(&Msg::file_refused(e));
    crate::files::private_dir(dir).map_err(|e| e.to_string())?;
    let stamp = now
        .with_timezone(&crate::domain::clock::beijing())
        .format("%Y%m%d-%H%M%S")
        .to_string();
    let title = format!(
        "{}严重精神障碍患者肇事肇祸专项行动统计（{}至{}）",
        config.area.name, r.from, r.to
    );
    let mut n = 1;
    let (stats, suffix) = loop {
        let suffix = if n == 1 {
            String::new()
        } else {
            format!("-{n}")
        };
        let path = dir.join(format!("统计表-{stamp}{suffix}.xlsx"));
        match crate::report::write::stats(
            &r.stats,
            &title,
            &config.area.name,
            &r.to.to_string(),
            &path,
            Existing::Refuse,
        ) {
            Ok(()) => break (path, suffix),
            Err(FileError::Exists(_)) if n < 100 => n += 1,
            Err(e) => return Err(refused(&e)),
        }
    };
    let figures = dir.join(format!("值班与快反-{stamp}{suffix}.csv"));
    let mut rows: Vec<Vec<String>> = r
        .today
        .iter()
        .map(|(a, n)| {
            vec![
                "today".into(),
                lang.audit_action(*a).to_string(),
                n.to_string(),
                String::new(),
            ]
        })
        .collect();
    for c in &r.compliance {
        rows.push(vec![
            "quick_response".into(),
            format!("step {}", c.step),
            format!("{}/{}", c.met, c.counted),
            c.median_seconds
                .map(|m| format!("{m:.0}"))
                .unwrap_or_default(),
        ]);
    }
    let sheet = crate::export::Sheet {
        name: "figures".into(),
        headers: ["kind", "item", "count", "median_seconds"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        rows,
    };
    crate::report::write::sheet(&sheet, &figures, Existing::Refuse).map_err(|e| refused(&e))?;
    Ok(vec![stats, figures])
}
