//! The deriver's lease: one process at a time re-derives time-based alerts. A console with
//! write rights or `serve` takes the lease when nobody holds it or the holder let it expire
//! (it is gone), and renews it while it runs; everyone else leaves derivation to the holder.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// How long a lease lasts without renewal: three missed minute-runs mean the holder is gone.
pub const LEASE_LENGTH: Duration = Duration::minutes(3);

/// What kind of process derives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::AsRefStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum HolderKind {
    Serve,
    Console,
}

/// Who holds (or asks for) the lease: enough for an administrator to find the process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    pub pid: u32,
    pub host: String,
    pub login: String,
    pub kind: HolderKind,
}

/// The lease as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    pub holder: Holder,
    pub expires_at: DateTime<Utc>,
}

/// What a process asking for the lease does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeaseStep {
    /// Nobody holds it, or the holder is gone: take it.
    Take,
    /// It is ours: renew it and derive.
    Renew,
    /// Another live process holds it: do not derive.
    Leave,
}

impl LeaseStep {
    pub fn derives(self) -> bool {
        self != LeaseStep::Leave
    }
}

/// The policy: a lease that has reached its expiry is free.
pub fn step(current: Option<&Lease>, me: &Holder, now: DateTime<Utc>) -> LeaseStep {
    match current {
        None => LeaseStep::Take,
        Some(l) if l.holder == *me => LeaseStep::Renew,
        Some(l) if l.expires_at <= now => LeaseStep::Take,
        Some(_) => LeaseStep::Leave,
    }
}

/// The expiry a lease taken or renewed at `now` gets.
pub fn expiry(now: DateTime<Utc>) -> DateTime<Utc> {
    now + LEASE_LENGTH
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::clock::{Clock, FixedClock};

    fn holder(pid: u32, kind: HolderKind) -> Holder {
        Holder {
            pid,
            host: "duty-pc".into(),
            login: "center".into(),
            kind,
        }
    }

    fn clock() -> FixedClock {
        FixedClock("2026-11-23T02:00:00Z".parse().unwrap())
    }

    #[test]
    fn a_free_lease_is_taken() {
        let me = holder(10, HolderKind::Console);
        assert_eq!(step(None, &me, clock().now()), LeaseStep::Take);
    }

    #[test]
    fn the_holder_renews_its_own_lease() {
        let me = holder(10, HolderKind::Console);
        let lease = Lease {
            holder: me.clone(),
            expires_at: expiry(clock().now()),
        };
        let later = clock().now() + Duration::minutes(1);
        assert_eq!(step(Some(&lease), &me, later), LeaseStep::Renew);
    }

    #[test]
    fn another_live_holder_is_left_alone() {
        let other = holder(11, HolderKind::Serve);
        let lease = Lease {
            holder: other,
            expires_at: expiry(clock().now()),
        };
        let me = holder(10, HolderKind::Console);
        let soon = clock().now() + Duration::minutes(2);
        assert_eq!(step(Some(&lease), &me, soon), LeaseStep::Leave);
        assert!(!LeaseStep::Leave.derives());
    }

    #[test]
    fn an_expired_lease_is_taken_over_when_its_holder_is_gone() {
        let gone = holder(11, HolderKind::Serve);
        let lease = Lease {
            holder: gone,
            expires_at: expiry(clock().now()),
        };
        let me = holder(10, HolderKind::Console);
        let at_expiry = clock().now() + LEASE_LENGTH;
        assert_eq!(step(Some(&lease), &me, at_expiry), LeaseStep::Take);
    }

    #[test]
    fn the_same_login_in_another_process_is_another_holder() {
        let lease = Lease {
            holder: holder(11, HolderKind::Console),
            expires_at: expiry(clock().now()),
        };
        assert_eq!(
            step(
                Some(&lease),
                &holder(12, HolderKind::Console),
                clock().now()
            ),
            LeaseStep::Leave
        );
    }
}
