//! Chinese search and order: a row's search key holds its words as written, in full pinyin
//! and in pinyin initials (王建强 → `王建强 wangjianqiang wjq`), built once per row when a
//! snapshot loads, never per keystroke. A filter matches when every one of its words is found
//! (`青石 失访`, `wjq p1`). Names and villages sort by pinyin, not by code point.

use pinyin::ToPinyin;

/// The full pinyin of `s` with no separators and its initials; characters without pinyin
/// (letters, digits) are kept, lower-cased, in both.
pub fn pinyin(s: &str) -> (String, String) {
    let mut full = String::with_capacity(s.len() * 2);
    let mut initials = String::with_capacity(s.len());
    for (c, p) in s.chars().zip(s.to_pinyin()) {
        match p {
            Some(p) => {
                full.push_str(p.plain());
                initials.push_str(p.first_letter());
            }
            None => {
                for l in c.to_lowercase() {
                    full.push(l);
                    initials.push(l);
                }
            }
        }
    }
    (full, initials)
}

/// The search key of a row: each field as written (lower-case), then in pinyin and initials.
/// Fields are kept apart by a separator no typed word contains.
pub fn key<'a>(fields: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for f in fields {
        if f.is_empty() {
            continue;
        }
        let (full, initials) = pinyin(f);
        let lower = f.to_lowercase();
        // A field without Chinese (an ID number, a code) is its own pinyin: held once.
        let pinyin = (full != lower).then_some([full, initials]);
        for part in std::iter::once(lower).chain(pinyin.into_iter().flatten()) {
            out.push_str(&part);
            out.push('\u{1f}');
        }
    }
    out
}

/// The words of a filter, lower-cased; empty when nothing is typed.
pub fn words(filter: &str) -> Vec<String> {
    filter
        .split_whitespace()
        .map(|w| w.to_lowercase())
        .collect()
}

/// A filter's words made ready to search a register: each word's searcher is built once per
/// keystroke, not once per row (`str::contains` builds one at every call, and at 100k rows
/// that was most of a keystroke).
pub struct Needles(Vec<Needle>);

pub struct Needle {
    pub finder: memchr::memmem::Finder<'static>,
    /// Letters, digits and signs only: the only words an ID number can hold.
    pub ascii: bool,
}

impl Needle {
    pub fn in_(&self, haystack: &[u8]) -> bool {
        self.finder.find(haystack).is_some()
    }
}

impl Needles {
    pub fn new(words: &[String]) -> Self {
        Needles(
            words
                .iter()
                .map(|w| Needle {
                    finder: memchr::memmem::Finder::new(w.as_bytes()).into_owned(),
                    ascii: w.is_ascii(),
                })
                .collect(),
        )
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether every word is found in at least one of the haystacks `in_any` offers it
    /// (given the word and its place among the words).
    pub fn all(&self, mut in_any: impl FnMut(usize, &Needle) -> bool) -> bool {
        self.0.iter().enumerate().all(|(i, n)| in_any(i, n))
    }

    /// For each word, whether it is in `haystack`.
    pub fn each_in(&self, haystack: &[u8]) -> Vec<bool> {
        self.0.iter().map(|n| n.in_(haystack)).collect()
    }
}

/// Whether a row's key holds every word.
pub fn matches(key: &str, words: &[String]) -> bool {
    words.iter().all(|w| key.contains(w.as_str()))
}

/// The order of a name: its pinyin syllables, then the name itself to keep homophones apart.
pub fn sort_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for (c, p) in s.chars().zip(s.to_pinyin()) {
        match p {
            Some(p) => out.push_str(p.plain()),
            None => out.extend(c.to_lowercase()),
        }
        out.push(' ');
    }
    out.push('\u{1f}');
    out.push_str(s);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinyin_initials_and_full_pinyin_find_a_name() {
        let k = key(["王建强", "青石派出所"]);
        for typed in ["wjq", "wangjianqiang", "王建", "qsp", "qingshi"] {
            assert!(matches(&k, &words(typed)), "{typed}");
        }
        assert!(!matches(&k, &words("lzm")));
    }

    #[test]
    fn a_field_without_chinese_is_held_once_and_still_found() {
        let k = key(["110105********0012"]);
        assert_eq!(k, "110105********0012\u{1f}");
        assert!(matches(&k, &words("0012")));
        let k = key(["A座"]);
        assert!(matches(&k, &words("azuo")) && matches(&k, &words("a座")));
    }

    #[test]
    fn several_words_must_all_match() {
        let k = key(["张三", "失访", "青石派出所"]);
        assert!(matches(&k, &words("青石 失访")));
        assert!(matches(&k, &words("zs  qs")));
        assert!(!matches(&k, &words("青石 外出")));
    }

    #[test]
    fn names_sort_by_pinyin_not_by_code_point() {
        let mut names = vec!["张三", "王五", "李四", "安七", "Bob"];
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(names, vec!["安七", "Bob", "李四", "王五", "张三"]);
    }
}
