//! Control orders (管控): the center switches 一级/二级/三级管控 on for a time window over the
//! whole area or some townships and stations, with a reason. Which order holds for a patient
//! or a desk at an instant is decided here; the cap it puts on visits is in `schedule`.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::clock::beijing_midnight;
use super::patient::Jurisdiction;
use super::schedule::{ControlLevel, ControlWindow};

/// One control order as the center set it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControlOrder {
    pub id: i64,
    pub level: ControlLevel,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// Empty townships and stations: the whole area.
    pub townships: Vec<String>,
    pub stations: Vec<String>,
    pub reason: String,
    pub set_by: String,
    /// Ended early by an operator.
    pub ended_at: Option<DateTime<Utc>>,
}

impl ControlOrder {
    /// The window it is in force, shortened when ended early.
    pub fn window(&self) -> ControlWindow {
        ControlWindow {
            level: self.level,
            starts_at: self.starts_at,
            ends_at: self.ended_at.map_or(self.ends_at, |e| e.min(self.ends_at)),
        }
    }

    pub fn is_whole_area(&self) -> bool {
        self.townships.is_empty() && self.stations.is_empty()
    }

    /// Whether the order reaches a patient of this jurisdiction.
    pub fn covers(&self, j: &Jurisdiction) -> bool {
        self.is_whole_area()
            || self.townships.contains(&j.township)
            || self.stations.contains(&j.station)
    }

    /// Whether the order is in force at `at` or still to come (not ended, not past).
    pub fn is_open(&self, at: DateTime<Utc>) -> bool {
        self.window().ends_at > at
    }

    /// Whether a desk of this scope sees the order in its header: every order for the center
    /// (`None`), the whole area's and its own station's for a station desk.
    pub fn concerns(&self, station: Option<&str>) -> bool {
        match station {
            None => true,
            Some(s) => self.is_whole_area() || self.stations.iter().any(|x| x == s),
        }
    }
}

/// The strictest window in force at `at` among `orders` (一级 before 二级 before 三级).
fn strictest<'a>(
    orders: impl IntoIterator<Item = &'a ControlOrder>,
    at: DateTime<Utc>,
) -> Option<ControlWindow> {
    orders
        .into_iter()
        .map(ControlOrder::window)
        .filter(|w| w.is_active(at))
        .min_by_key(|w| (w.level, w.ends_at))
}

/// The window that caps a patient's visits at `at`.
pub fn in_force_for(
    orders: &[ControlOrder],
    j: &Jurisdiction,
    at: DateTime<Utc>,
) -> Option<ControlWindow> {
    strictest(orders.iter().filter(|o| o.covers(j)), at)
}

/// The window a desk's header shows at `at` (`None` station: the center).
pub fn in_force_for_desk(
    orders: &[ControlOrder],
    station: Option<&str>,
    at: DateTime<Utc>,
) -> Option<ControlWindow> {
    strictest(orders.iter().filter(|o| o.concerns(station)), at)
}

/// Why a control order cannot be set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ControlRefusal {
    /// The last day is before the first.
    EndsBeforeStart,
}

/// The instants of a window from its first to its last day, both included (Beijing days).
pub fn window_of_days(
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(DateTime<Utc>, DateTime<Utc>), ControlRefusal> {
    if to < from {
        return Err(ControlRefusal::EndsBeforeStart);
    }
    Ok((
        beijing_midnight(from),
        beijing_midnight(to + chrono::Days::new(1)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        beijing_midnight(s.parse().unwrap()) + chrono::Duration::hours(9)
    }

    fn order(id: i64, level: ControlLevel, stations: &[&str]) -> ControlOrder {
        let (starts_at, ends_at) =
            window_of_days("2025-03-01".parse().unwrap(), "2025-03-31".parse().unwrap()).unwrap();
        ControlOrder {
            id,
            level,
            starts_at,
            ends_at,
            townships: vec![],
            stations: stations.iter().map(|s| s.to_string()).collect(),
            reason: "两会".into(),
            set_by: "center".into(),
            ended_at: None,
        }
    }

    fn j(station: &str) -> Jurisdiction {
        Jurisdiction {
            township: "望江街道".into(),
            village: "桃源社区".into(),
            station: station.into(),
        }
    }

    #[test]
    fn a_control_order_for_some_stations_reaches_only_their_patients() {
        let orders = [order(1, ControlLevel::Level2, &["望江派出所"])];
        assert!(in_force_for(&orders, &j("望江派出所"), at("2025-03-10")).is_some());
        assert!(in_force_for(&orders, &j("青石派出所"), at("2025-03-10")).is_none());
    }

    #[test]
    fn the_strictest_control_level_in_force_applies() {
        let orders = [
            order(1, ControlLevel::Level3, &[]),
            order(2, ControlLevel::Level1, &["望江派出所"]),
        ];
        let w = in_force_for(&orders, &j("望江派出所"), at("2025-03-10")).unwrap();
        assert_eq!(w.level, ControlLevel::Level1);
        let other = in_force_for(&orders, &j("青石派出所"), at("2025-03-10")).unwrap();
        assert_eq!(other.level, ControlLevel::Level3);
    }

    #[test]
    fn a_control_window_runs_from_its_first_day_to_the_end_of_its_last_and_ending_it_stops_it() {
        let mut o = order(1, ControlLevel::Level1, &[]);
        assert!(o.window().is_active(at("2025-03-31")));
        assert!(!o.window().is_active(at("2025-04-01")));
        o.ended_at = Some(at("2025-03-10"));
        assert!(!o.window().is_active(at("2025-03-11")));
        assert_eq!(
            window_of_days("2025-03-02".parse().unwrap(), "2025-03-01".parse().unwrap()),
            Err(ControlRefusal::EndsBeforeStart)
        );
    }

    #[test]
    fn a_station_desk_sees_the_whole_areas_order_and_its_own() {
        let orders = [order(1, ControlLevel::Level2, &["青石派出所"])];
        assert!(in_force_for_desk(&orders, Some("望江派出所"), at("2025-03-10")).is_none());
        assert!(in_force_for_desk(&orders, Some("青石派出所"), at("2025-03-10")).is_some());
        assert!(in_force_for_desk(&orders, None, at("2025-03-10")).is_some());
    }
}
