//! What the embedded SSH server says: to whoever runs `dutydesk serve` (start, stop) and to a
//! desk whose session it ends (why). Rendered by `zh_ssh` and `en_ssh`.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SshText {
    /// `serve` is ready: where it listens, the host key desks should see, who can log in.
    Listening {
        addr: String,
        fingerprint: String,
        operators_with_keys: usize,
    },
    /// `serve` cannot listen where it was asked to.
    CannotListen { addr: String, reason: String },
    /// A stop signal arrived; `sessions` desks are being told and closed.
    Stopping { sessions: usize },
    /// Every session has ended; the server exits.
    Stopped { sessions: usize },
    /// To a desk: its operator was disabled.
    OperatorDisabled { login: String },
    /// To a desk: the key it logged in with was removed.
    KeyRemoved,
    /// To a desk: the server is stopping.
    ServerStopping,
    /// To a connection that did not log in within the grace time.
    LoginTimeout { seconds: u32 },
    /// To a connection that failed to log in too often.
    TooManyFailures,
}
