//! The 1-3-5 minute quick response (1、3、5分钟快反): an incident's timed steps, their state at
//! an instant, the closing record with the 三同步 checklist, and compliance over many incidents.
//! Everything is computed from stored instants and a given `now`; no countdown lives in memory.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::policy::QuickResponseConfig;

/// A step's deadline, counted from the stored opening instant.
pub fn deadlines(opened_at: DateTime<Utc>, config: &QuickResponseConfig) -> Vec<DateTime<Utc>> {
    config
        .steps
        .iter()
        .map(|s| opened_at + Duration::minutes(i64::from(s.minutes)))
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum StepState {
    /// Not done; the deadline has not passed (at the deadline itself, zero seconds are left).
    Pending { seconds_left: i64 },
    /// Done at or before the deadline.
    Met { seconds_early: i64 },
    /// Done after the deadline.
    Late { seconds_late: i64 },
    /// Not done and the deadline has passed.
    Overdue { seconds_late: i64 },
    /// Not done, marked skipped with a reason (so that later steps can be recorded): it no
    /// longer counts down.
    Skipped,
    /// Neither done nor skipped when the incident was closed, this long before its deadline:
    /// the clock stopped at closing, and the step was left undone, not pending.
    Unfinished { seconds_left: i64 },
}

impl StepState {
    pub fn code(self) -> &'static str {
        match self {
            StepState::Pending { .. } => "pending",
            StepState::Met { .. } => "met",
            StepState::Late { .. } => "late",
            StepState::Overdue { .. } => "overdue",
            StepState::Skipped => "skipped",
            StepState::Unfinished { .. } => "unfinished",
        }
    }

    pub fn is_done(self) -> bool {
        matches!(self, StepState::Met { .. } | StepState::Late { .. })
    }

    /// Done or skipped: what a later step needs of it.
    pub fn is_settled(self) -> bool {
        self.is_done() || self == StepState::Skipped
    }
}

/// Steps are recorded in order: the first step before `step` (numbered from 1) that is neither
/// done nor skipped, given whether each step is settled, in order. `None` when `step` may be
/// recorded or skipped now.
pub fn earlier_unsettled(settled: &[bool], step: u8) -> Option<u8> {
    settled
        .iter()
        .take(usize::from(step.saturating_sub(1)))
        .position(|s| !s)
        .map(|i| i as u8 + 1)
}

/// Whole seconds from `a` to `b`, rounded toward the earlier instant so that a countdown shows
/// 0 only once the deadline is reached.
fn seconds(a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
    (b - a).num_milliseconds().div_euclid(1000)
}

pub fn step_state(
    deadline: DateTime<Utc>,
    done_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> StepState {
    match done_at {
        Some(done) if done <= deadline => StepState::Met {
            seconds_early: seconds(done, deadline),
        },
        Some(done) => StepState::Late {
            seconds_late: (done - deadline).num_milliseconds().div_euclid(1000).max(1),
        },
        None if now <= deadline => StepState::Pending {
            seconds_left: seconds(now, deadline),
        },
        None => StepState::Overdue {
            seconds_late: (now - deadline).num_milliseconds().div_euclid(1000).max(1),
        },
    }
}

/// How an incident ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// 送医
    Hospital,
    /// 居家
    Home,
    /// 移交公安
    Police,
    /// 其他
    Other,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [
        Outcome::Hospital,
        Outcome::Home,
        Outcome::Police,
        Outcome::Other,
    ];

    pub fn zh(self) -> &'static str {
        match self {
            Outcome::Hospital => "送医",
            Outcome::Home => "居家",
            Outcome::Police => "移交公安",
            Outcome::Other => "其他",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Outcome::Hospital => "hospital",
            Outcome::Home => "home",
            Outcome::Police => "police",
            Outcome::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        Outcome::ALL
            .into_iter()
            .find(|o| o.code() == s.trim() || o.zh() == s.trim())
    }
}

/// One item of the 三同步 checklist: done, or why not.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncItem {
    pub done: bool,
    pub reason: String,
}

/// 三同步: 依法处置、舆论引导、社会面管控, carried out together.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncChecklist {
    pub legal: SyncItem,
    pub opinion: SyncItem,
    pub social: SyncItem,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closing {
    pub outcome: Outcome,
    pub sync: SyncChecklist,
    pub persons_involved: u32,
    pub injured: u32,
    pub dead: u32,
    pub reported_upward: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClosingRefusal {
    /// A checklist item is neither ticked nor explained.
    SyncItemUnanswered(SyncPart),
    /// More injured or dead than persons involved.
    CasualtiesExceedPersons,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncPart {
    Legal,
    Opinion,
    Social,
}

pub fn check_closing(c: &Closing) -> Result<(), ClosingRefusal> {
    for (part, item) in [
        (SyncPart::Legal, &c.sync.legal),
        (SyncPart::Opinion, &c.sync.opinion),
        (SyncPart::Social, &c.sync.social),
    ] {
        if !item.done && item.reason.trim().is_empty() {
            return Err(ClosingRefusal::SyncItemUnanswered(part));
        }
    }
    if c.injured + c.dead > c.persons_involved {
        return Err(ClosingRefusal::CasualtiesExceedPersons);
    }
    Ok(())
}

/// One step's compliance over many incidents.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepCompliance {
    pub step: usize,
    /// Incidents whose deadline for this step has passed or that recorded it.
    pub counted: usize,
    pub met: usize,
    /// Share met on time, 0–1; `None` when nothing was counted.
    pub share_met: Option<f64>,
    /// Median seconds from opening to the step being done, over the steps done.
    pub median_seconds: Option<f64>,
}

/// One incident as compliance sees it: when it opened, and each step's deadline and done time.
pub type TimedIncident = (DateTime<Utc>, Vec<(DateTime<Utc>, Option<DateTime<Utc>>)>);

/// Per step: the share met on time and the median time taken. An incident counts for a step
/// once the step is done or its deadline has passed at `now`; one still pending is not judged.
pub fn compliance(
    incidents: &[TimedIncident],
    steps: usize,
    now: DateTime<Utc>,
) -> Vec<StepCompliance> {
    (0..steps)
        .map(|i| {
            let mut counted = 0;
            let mut met = 0;
            let mut times = Vec::new();
            for (opened, list) in incidents {
                let Some((deadline, done)) = list.get(i) else {
                    continue;
                };
                match step_state(*deadline, *done, now) {
                    StepState::Pending { .. } => continue,
                    StepState::Met { .. } => met += 1,
                    _ => {}
                }
                counted += 1;
                if let Some(d) = done {
                    times.push((*d - *opened).num_milliseconds() as f64 / 1000.0);
                }
            }
            times.sort_by(|a, b| a.total_cmp(b));
            let median = match times.len() {
                0 => None,
                n if n % 2 == 1 => Some(times[n / 2]),
                n => Some((times[n / 2 - 1] + times[n / 2]) / 2.0),
            };
            StepCompliance {
                step: i + 1,
                counted,
                met,
                share_met: (counted > 0).then(|| met as f64 / counted as f64),
                median_seconds: median,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 3, 10, 1, 0, 0).unwrap()
    }

    fn s(n: i64) -> Duration {
        Duration::seconds(n)
    }

    #[test]
    fn default_deadlines_are_one_three_and_five_minutes_after_opening() {
        let d = deadlines(t0(), &QuickResponseConfig::default());
        assert_eq!(d, vec![t0() + s(60), t0() + s(180), t0() + s(300)]);
    }

    #[test]
    fn step_done_exactly_at_the_deadline_is_met() {
        let deadline = t0() + s(60);
        assert_eq!(
            step_state(deadline, Some(deadline), t0() + s(90)),
            StepState::Met { seconds_early: 0 }
        );
    }

    #[test]
    fn step_done_one_second_after_the_deadline_is_late_by_one_second() {
        let deadline = t0() + s(60);
        assert_eq!(
            step_state(deadline, Some(deadline + s(1)), t0() + s(90)),
            StepState::Late { seconds_late: 1 }
        );
    }

    #[test]
    fn step_not_done_at_the_deadline_is_pending_with_zero_left() {
        let deadline = t0() + s(60);
        assert_eq!(
            step_state(deadline, None, deadline),
            StepState::Pending { seconds_left: 0 }
        );
        assert_eq!(
            step_state(deadline, None, t0()),
            StepState::Pending { seconds_left: 60 }
        );
    }

    #[test]
    fn step_not_done_one_second_after_the_deadline_is_overdue() {
        let deadline = t0() + s(60);
        assert_eq!(
            step_state(deadline, None, deadline + s(1)),
            StepState::Overdue { seconds_late: 1 }
        );
    }

    #[test]
    fn countdown_shows_zero_only_at_the_deadline() {
        let deadline = t0() + s(60);
        let almost = deadline - Duration::milliseconds(400);
        assert_eq!(
            step_state(deadline, None, almost),
            StepState::Pending { seconds_left: 0 }
        );
        let before = deadline - Duration::milliseconds(1400);
        assert_eq!(
            step_state(deadline, None, before),
            StepState::Pending { seconds_left: 1 }
        );
    }

    #[test]
    fn a_step_waits_for_every_earlier_step_to_be_done_or_skipped() {
        assert_eq!(earlier_unsettled(&[false, false, false], 1), None);
        assert_eq!(earlier_unsettled(&[false, false, false], 3), Some(1));
        assert_eq!(earlier_unsettled(&[true, false, false], 3), Some(2));
        assert_eq!(earlier_unsettled(&[true, true, false], 3), None);
    }

    fn closing() -> Closing {
        let done = SyncItem {
            done: true,
            reason: String::new(),
        };
        Closing {
            outcome: Outcome::Hospital,
            sync: SyncChecklist {
                legal: done.clone(),
                opinion: done.clone(),
                social: done,
            },
            persons_involved: 1,
            injured: 0,
            dead: 0,
            reported_upward: true,
        }
    }

    #[test]
    fn closing_requires_each_sync_item_ticked_or_explained() {
        assert!(check_closing(&closing()).is_ok());
        let mut c = closing();
        c.sync.opinion = SyncItem::default();
        assert_eq!(
            check_closing(&c),
            Err(ClosingRefusal::SyncItemUnanswered(SyncPart::Opinion))
        );
        c.sync.opinion.reason = "无舆情".into();
        assert!(check_closing(&c).is_ok());
    }

    #[test]
    fn closing_refuses_more_casualties_than_persons_involved() {
        let mut c = closing();
        c.persons_involved = 2;
        c.injured = 2;
        c.dead = 1;
        assert_eq!(
            check_closing(&c),
            Err(ClosingRefusal::CasualtiesExceedPersons)
        );
    }

    #[test]
    fn compliance_is_share_met_and_median_time_per_step() {
        let now = t0() + Duration::hours(1);
        let inc = |opened: DateTime<Utc>, done1: Option<i64>| {
            (opened, vec![(opened + s(60), done1.map(|x| opened + s(x)))])
        };
        let list = vec![
            inc(t0(), Some(40)),    // met, 40 s
            inc(t0(), Some(60)),    // met at the deadline, 60 s
            inc(t0(), Some(100)),   // late, 100 s
            inc(t0(), None),        // overdue: counted, not met, no time
            inc(now - s(10), None), // still pending: not judged
        ];
        let c = compliance(&list, 1, now);
        assert_eq!(c[0].counted, 4);
        assert_eq!(c[0].met, 2);
        assert_eq!(c[0].share_met, Some(0.5));
        assert_eq!(c[0].median_seconds, Some(60.0));
    }
}
