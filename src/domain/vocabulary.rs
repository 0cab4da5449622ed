//! Closed vocabularies: enums with a canonical Chinese word (as rosters and the national
//! system write it), a stable code, and accepted variants, written with the `vocabulary!`
//! macro.

/// A closed vocabulary with a canonical Chinese word and a stable code.
pub trait Vocabulary: Sized + Copy + 'static {
    const ALL: &'static [Self];
    fn zh(self) -> &'static str;
    fn code(self) -> &'static str;

    /// Matches the canonical word, a listed alias or the code, ignoring spaces.
    fn parse_zh(raw: &str) -> Option<Self> {
        let s: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        let s = s.replace('(', "（").replace(')', "）");
        Self::ALL
            .iter()
            .copied()
            .find(|v| v.zh() == s || v.code() == s || v.aliases().contains(&s.as_str()))
    }

    fn aliases(self) -> &'static [&'static str] {
        &[]
    }

    fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.code() == code)
    }
}

macro_rules! vocabulary {
    ($name:ident { $($variant:ident => $code:literal, $zh:literal $(, [$($alias:literal),*])?;)+ }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl Vocabulary for $name {
            const ALL: &'static [Self] = &[$(Self::$variant),+];
            fn zh(self) -> &'static str {
                match self { $(Self::$variant => $zh),+ }
            }
            fn code(self) -> &'static str {
                match self { $(Self::$variant => $code),+ }
            }
            fn aliases(self) -> &'static [&'static str] {
                match self { $(Self::$variant => &[$($($alias),*)?]),+ }
            }
        }
    };
}
pub(crate) use vocabulary;
