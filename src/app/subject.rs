//! A patient's name, its search key and its order, as the patients list and the patient's
//! alerts share them: one allocation per patient in the console, not three per row of each
//! list.

use std::sync::Arc;

use super::search;

/// Between the parts of a subject; no name, key or order holds it.
const SEP: char = '\u{1d}';

/// `order SEP name SEP key` in one shared string. The order comes first and ends with the
/// name itself (see `search::sort_key`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject(Arc<str>);

impl Subject {
    /// A patient's subject, with the order their row sorts by.
    pub fn new(name: &str) -> Subject {
        Self::of(&search::sort_key(name), name)
    }

    /// A subject for alerts alone, which never sort by name: no order is worked out (at
    /// 100k patients that was a fifth of the console's first screen).
    pub fn named(name: &str) -> Subject {
        Self::of("", name)
    }

    fn of(order: &str, name: &str) -> Subject {
        let key = search::key([name]);
        let mut s = String::with_capacity(order.len() + name.len() + key.len() + 2);
        for (i, part) in [order, name, key.as_str()].into_iter().enumerate() {
            if i > 0 {
                s.push(SEP);
            }
            // A control character typed into a name would split the parts wrongly.
            s.extend(part.chars().filter(|&c| c != SEP));
        }
        Subject(s.into())
    }

    pub fn name(&self) -> &str {
        let mut parts = self.0.splitn(3, SEP);
        parts.nth(1).unwrap_or_default()
    }

    /// The name as written, in pinyin and in initials (`search::key`).
    pub fn key(&self) -> &str {
        self.0.rsplit(SEP).next().unwrap_or_default()
    }

    /// What the name sorts by: the pinyin order of `search::sort_key`; empty for a subject
    /// made for alerts alone (`named`).
    pub fn order(&self) -> &str {
        self.0.split(SEP).next().unwrap_or_default()
    }

    /// What a filter searches: the whole string. A typed word holds no space or control
    /// character, so it is found in the order or the name exactly when it is found in the key
    /// (each syllable of the order is in the key's full pinyin, and the name in its
    /// lower-cased copy), and searching the whole skips finding where the key starts.
    pub fn searched(&self) -> &str {
        &self.0
    }

    /// Whether two rows hold the one shared subject.
    pub fn same(&self, other: &Subject) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subject_gives_back_its_name_key_and_an_order_that_sorts_as_the_sort_key() {
        let s = Subject::new("王建强");
        assert_eq!(s.name(), "王建强");
        assert_eq!(s.key(), search::key(["王建强"]));
        assert_eq!(s.order(), search::sort_key("王建强"));
        let alone = Subject::named("王建强");
        assert_eq!(
            (alone.name(), alone.key(), alone.order()),
            (s.name(), s.key(), "")
        );
        let names = [
            "张三",
            "王五",
            "李四",
            "安七",
            "Bob",
            "王",
            "王建",
            "王建强",
            "汪建",
        ];
        let mut by_subject: Vec<Subject> = names.iter().map(|n| Subject::new(n)).collect();
        by_subject.sort_by(|a, b| a.order().cmp(b.order()));
        let mut by_key = names.to_vec();
        by_key.sort_by_key(|n| search::sort_key(n));
        let sorted: Vec<&str> = by_subject.iter().map(Subject::name).collect();
        assert_eq!(sorted, by_key);
    }
}
