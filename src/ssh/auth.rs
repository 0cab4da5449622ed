//! How many tries a connection gets to log in, and what counts as a try.
//!
//! OpenSSH's MaxAuthTries counts every refused request, a query for a key the server does not
//! know included; so a desk whose agent (Pageant, Xshell's agent, ssh-agent) holds more keys
//! than the limit is cut off before it reaches its own ("Too many authentication failures").
//! The agent's order is not the desk's choice and an offered key proves nothing either way, so
//! here an unknown key that is only *offered* is not a failure. What counts is what could be a
//! guess: a password or keyboard-interactive answer (never accepted: keys only), a repeated
//! `none`, a signature that does not verify, a verified key that no longer belongs to an enabled
//! operator. Offers are still bounded (`MAX_OFFERS`), and with the login grace time and the
//! rejection delay no connection can keep trying for long.

/// Unknown keys one connection may offer: well above any desk's agent.
pub const MAX_OFFERS: u32 = 16;

/// One authentication request as the server saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// The `none` method (OpenSSH asks it first to learn the methods).
    None,
    Password,
    KeyboardInteractive,
    /// A key the server does not know, or with a refused algorithm, was offered.
    UnknownKey,
    /// A registered key was offered; a signature should follow.
    KnownKey,
    /// A signature verified; `accepted` tells whether the key still named an enabled operator.
    Verified {
        accepted: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Continue,
    /// Too many failures (or offers): the connection is closed.
    Disconnect,
}

/// The failures and offers of one connection.
#[derive(Debug, Clone)]
pub struct AuthTally {
    max_failures: u32,
    failures: u32,
    offers: u32,
    requests: u32,
    /// A known key was accepted and its signature has not verified yet. Any request but a
    /// verified signature after it means the signature failed (russh refuses it silently).
    awaiting_signature: bool,
}

impl AuthTally {
    pub fn new(max_failures: u32) -> AuthTally {
        AuthTally {
            max_failures: max_failures.max(1),
            failures: 0,
            offers: 0,
            requests: 0,
            awaiting_signature: false,
        }
    }

    pub fn failures(&self) -> u32 {
        self.failures
    }

    pub fn record(&mut self, attempt: Attempt) -> Verdict {
        if self.awaiting_signature && !matches!(attempt, Attempt::Verified { .. }) {
            self.failures += 1;
        }
        self.awaiting_signature = false;
        self.requests += 1;
        match attempt {
            // Like OpenSSH: the first request, if it is `none`, is a question, not a try.
            Attempt::None if self.requests == 1 => {}
            Attempt::None | Attempt::Password | Attempt::KeyboardInteractive => self.failures += 1,
            Attempt::UnknownKey => self.offers += 1,
            Attempt::KnownKey => self.awaiting_signature = true,
            Attempt::Verified { accepted: true } => {}
            Attempt::Verified { accepted: false } => self.failures += 1,
        }
        if self.failures >= self.max_failures || self.offers > MAX_OFFERS {
            Verdict::Disconnect
        } else {
            Verdict::Continue
        }
    }

    /// A ceiling for russh's own count, which counts every refusal (offers too): it only stops
    /// what this tally cannot see (methods the server never offered).
    pub fn russh_ceiling(max_failures: u32) -> usize {
        (max_failures + MAX_OFFERS + 2) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_agent_offering_many_unknown_keys_before_the_desks_own_still_logs_in() {
        let mut t = AuthTally::new(3);
        assert_eq!(t.record(Attempt::None), Verdict::Continue);
        for _ in 0..8 {
            assert_eq!(t.record(Attempt::UnknownKey), Verdict::Continue);
        }
        assert_eq!(t.record(Attempt::KnownKey), Verdict::Continue);
        assert_eq!(
            t.record(Attempt::Verified { accepted: true }),
            Verdict::Continue
        );
        assert_eq!(t.failures(), 0);
    }

    #[test]
    fn three_passwords_end_the_connection() {
        let mut t = AuthTally::new(3);
        t.record(Attempt::None);
        assert_eq!(t.record(Attempt::Password), Verdict::Continue);
        assert_eq!(t.record(Attempt::Password), Verdict::Continue);
        assert_eq!(t.record(Attempt::Password), Verdict::Disconnect);
    }

    #[test]
    fn a_signature_that_never_verifies_counts_as_a_failure() {
        let mut t = AuthTally::new(2);
        t.record(Attempt::KnownKey);
        // russh refused the bad signature silently; the client tries again.
        assert_eq!(t.record(Attempt::KnownKey), Verdict::Continue);
        assert_eq!(t.failures(), 1);
        assert_eq!(t.record(Attempt::KnownKey), Verdict::Disconnect);
    }

    #[test]
    fn repeated_none_requests_are_failures_after_the_first() {
        let mut t = AuthTally::new(3);
        t.record(Attempt::None);
        t.record(Attempt::None);
        t.record(Attempt::None);
        assert_eq!(t.record(Attempt::None), Verdict::Disconnect);
    }

    #[test]
    fn offers_are_bounded_even_though_they_are_not_failures() {
        let mut t = AuthTally::new(3);
        for _ in 0..MAX_OFFERS {
            assert_eq!(t.record(Attempt::UnknownKey), Verdict::Continue);
        }
        assert_eq!(t.record(Attempt::UnknownKey), Verdict::Disconnect);
        assert_eq!(t.failures(), 0);
    }

    #[test]
    fn a_verified_key_of_a_disabled_operator_is_a_failure() {
        let mut t = AuthTally::new(3);
        t.record(Attempt::KnownKey);
        t.record(Attempt::Verified { accepted: false });
        assert_eq!(t.failures(), 1);
    }
}
