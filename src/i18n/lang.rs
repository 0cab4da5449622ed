//! The interface language. Kept free of the rest of the crate so that the build script, which
//! renders the manual from the command-line definitions, can include it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// `zh`, `zh-CN`, `zh_CN.UTF-8` → Chinese; `en…` → English.
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        if s.starts_with("zh") {
            Some(Lang::Zh)
        } else if s.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }
}
