//! What the embedded SSH server says, in English.

use super::ssh::SshText;

pub fn text(t: &SshText) -> String {
    match t {
        SshText::Listening {
            addr,
            fingerprint,
            operators_with_keys,
        } => format!(
            "SSH server listening on {addr}\nHost key fingerprint: {fingerprint} (desks should \
             check it when they first connect)\nOperators with a key who can log in: \
             {operators_with_keys}\nCtrl-C or SIGTERM stops the server."
        ),
        SshText::CannotListen { addr, reason } => format!("Cannot listen on {addr}: {reason}"),
        SshText::Stopping { sessions } => {
            format!("Stop signal received; ending {sessions} session(s)…")
        }
        SshText::Stopped { sessions } => format!(
            "SSH server stopped ({sessions} session(s) ended; everything entered was saved)."
        ),
        SshText::OperatorDisabled { login } => format!(
            "Operator {login} has been disabled; this session ends. Call the center to continue."
        ),
        SshText::KeyRemoved => {
            "The key this desk logged in with was removed; this session ends. Call the center."
                .into()
        }
        SshText::ServerStopping => {
            "The center's duty server is stopping; this session ends. Everything entered was saved."
                .into()
        }
        SshText::LoginTimeout { seconds } => {
            format!("Not logged in within {seconds} seconds; disconnected.")
        }
        SshText::TooManyFailures => "Too many failed logins; disconnected.".into(),
    }
}
