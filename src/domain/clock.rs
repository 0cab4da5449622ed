//! Time as a value passed in: nothing in `domain/` or `app/` reads the system clock, so every
//! rule can be tested at any instant. Beijing time is UTC+8 with no DST since 1991.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;

    /// The calendar date in Beijing, which is what follow-up schedules count in.
    fn today(&self) -> NaiveDate {
        beijing_date(self.now())
    }
}

/// The wall clock, for the binary.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that always says the same instant, for tests, drills and `--as-of`.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

pub fn beijing() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

pub fn beijing_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&beijing()).date_naive()
}

/// Midnight at the start of a Beijing calendar day, as a UTC instant.
pub fn beijing_midnight(date: NaiveDate) -> DateTime<Utc> {
    date.and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_local_timezone(beijing())
        .single()
        .expect("fixed offsets are unambiguous")
        .with_timezone(&Utc)
}

/// A Beijing wall-clock time as an operator types it: `23:40` (today), `11-22 23:40`,
/// `2026-11-22 23:40` (or with `T`, seconds, or `/` between date parts), or RFC 3339.
pub fn parse_beijing_time(text: &str, today: NaiveDate) -> Option<DateTime<Utc>> {
    use chrono::{Datelike, NaiveDateTime, NaiveTime};
    let t = text.trim().replace('/', "-").replace('：', ":");
    if let Ok(at) = DateTime::parse_from_rfc3339(&t) {
        return Some(at.to_utc());
    }
    let local = |d: NaiveDateTime| {
        d.and_local_timezone(beijing())
            .single()
            .map(|x| x.with_timezone(&Utc))
    };
    let time = |s: &str| {
        NaiveTime::parse_from_str(s, "%H:%M")
            .or_else(|_| NaiveTime::parse_from_str(s, "%H:%M:%S"))
            .ok()
    };
    if let Some(tm) = time(&t) {
        return local(today.and_time(tm));
    }
    let (date, tm) = t.split_once([' ', 'T'])?;
    let tm = time(tm.trim())?;
    let date = NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(&format!("{}-{date}", today.year()), "%Y-%m-%d").ok()
        })?;
    local(date.and_time(tm))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn beijing_date_rolls_over_at_sixteen_utc() {
        let before = Utc.with_ymd_and_hms(2025, 3, 4, 15, 59, 59).unwrap();
        let after = Utc.with_ymd_and_hms(2025, 3, 4, 16, 0, 0).unwrap();
        assert_eq!(
            beijing_date(before),
            NaiveDate::from_ymd_opt(2025, 3, 4).unwrap()
        );
        assert_eq!(
            beijing_date(after),
            NaiveDate::from_ymd_opt(2025, 3, 5).unwrap()
        );
        assert_eq!(
            beijing_midnight(NaiveDate::from_ymd_opt(2025, 3, 5).unwrap()),
            after
        );
    }

    #[test]
    fn typed_beijing_times_read_as_the_instant_meant() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let want = Utc.with_ymd_and_hms(2026, 11, 22, 15, 40, 0).unwrap();
        for typed in [
            "2026-11-22 23:40",
            "2026/11/22 23:40",
            "11-22 23:40",
            "2026-11-22T23:40:00",
            "2026-11-22T23:40:00+08:00",
        ] {
            assert_eq!(parse_beijing_time(typed, today), Some(want), "{typed}");
        }
        assert_eq!(
            parse_beijing_time("07：05", today),
            Some(Utc.with_ymd_and_hms(2026, 11, 22, 23, 5, 0).unwrap())
        );
        assert_eq!(parse_beijing_time("昨晚", today), None);
        assert_eq!(parse_beijing_time("25:00", today), None);
    }
}
