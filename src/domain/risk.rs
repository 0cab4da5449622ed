//! Risk levels 0–5 of the national follow-up norm. Levels 3 and above are "high risk" (3级以上)
//! and shared with the police.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct RiskLevel(u8);

impl RiskLevel {
    pub const MAX: u8 = 5;
    pub const HIGH_FROM: u8 = 3;
    pub const ZERO: RiskLevel = RiskLevel(0);

    pub fn new(level: u8) -> Option<Self> {
        (level <= Self::MAX).then_some(RiskLevel(level))
    }

    pub fn value(self) -> u8 {
        self.0
    }

    pub fn is_high(self) -> bool {
        self.0 >= Self::HIGH_FROM
    }

    /// Reads `3`, `3级`, `三级`, `３`, `3 级` and `Ⅲ级`-free forms rosters carry.
    pub fn parse(raw: &str) -> Option<Self> {
        let s: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        let s = s.strip_suffix('级').unwrap_or(&s);
        let n = match s {
            "0" | "０" | "零" | "〇" => 0,
            "1" | "１" | "一" => 1,
            "2" | "２" | "二" => 2,
            "3" | "３" | "三" => 3,
            "4" | "４" | "四" => 4,
            "5" | "５" | "五" => 5,
            _ => {
                // Excel hands whole numbers over as "3.0".
                let f: f64 = s.parse().ok()?;
                if f.fract() != 0.0 || !(0.0..=5.0).contains(&f) {
                    return None;
                }
                f as u8
            }
        };
        RiskLevel::new(n)
    }
}

impl TryFrom<u8> for RiskLevel {
    type Error = String;
    fn try_from(v: u8) -> Result<Self, Self::Error> {
        RiskLevel::new(v).ok_or_else(|| format!("risk level {v} is outside 0-5"))
    }
}

impl From<RiskLevel> for u8 {
    fn from(r: RiskLevel) -> u8 {
        r.0
    }
}

impl fmt::Display for RiskLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_three_and_above_are_high_risk() {
        assert!(!RiskLevel::new(2).unwrap().is_high());
        assert!(RiskLevel::new(3).unwrap().is_high());
        assert!(RiskLevel::new(5).unwrap().is_high());
        assert!(RiskLevel::new(6).is_none());
    }

    #[test]
    fn level_text_accepts_digits_chinese_numerals_and_suffix() {
        for raw in ["3", "3级", "三级", "３", " 3 级", "3.0"] {
            assert_eq!(RiskLevel::parse(raw), RiskLevel::new(3), "{raw}");
        }
        assert_eq!(RiskLevel::parse("零级"), RiskLevel::new(0));
        assert_eq!(RiskLevel::parse("6级"), None);
        assert_eq!(RiskLevel::parse("高"), None);
        assert_eq!(RiskLevel::parse("2.5"), None);
    }
}
