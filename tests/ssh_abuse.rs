//! The embedded SSH server tried the way an attacker and a clumsy night would: every key type
//! station PCs carry (RSA 3072 included) through the real OpenSSH client, an agent offering
//! many keys, repeated and refused requests on one connection (russh's client, for what OpenSSH
//! cannot send), a flood of connections that never log in, operators disabled and keys removed
//! while their desks are working, and no console ever left a zombie. Loopback only.

mod common;
mod ssh_support;

use russh::ChannelMsg;
use russh::keys::{PrivateKeyWithHashAlg, load_secret_key};
use ssh_support::{Desks, ssh_args};
use std::io::Read;
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The OpenSSH client asking for `true` with no terminal: refused either way, but its stderr
/// says whether authentication got through.
fn batch(port: u16, key: &str, extra: &[&str]) -> String {
    let port = port.to_string();
    let mut a: Vec<&str> = vec!["-o", "BatchMode=yes"];
    a.extend_from_slice(extra);
    a.extend(ssh_args(key, &port));
    a.extend(["duty@127.0.0.1", "true"]);
    let o = Command::new("ssh")
        .args(&a)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!o.status.success());
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn rsa_3072_ecdsa_and_ed25519_keys_log_in_with_the_openssh_client() {
    let d = Desks::new();
    let rsa = d.keygen("rsa", "rsa", Some("3072"));
    let ecdsa = d.keygen("ecdsa", "ecdsa", None);
    let ed = d.keygen("ed", "ed25519", None);
    for k in [&rsa, &ecdsa, &ed] {
        d.add_key("wangjiang", k);
    }
    let s = d.serve("", &[]);
    let sha256 = ["-o", "PubkeyAcceptedAlgorithms=rsa-sha2-256"];
    let sha512 = ["-o", "PubkeyAcceptedAlgorithms=rsa-sha2-512"];
    let cases: [(&str, &[&str]); 4] = [(&rsa, &sha256), (&rsa, &sha512), (&ecdsa, &[]), (&ed, &[])];
    for (key, extra) in cases {
        let mut c = s.desk(key, extra, 24, 80);
        c.wait_for("望江派出所值班室");
        c.press("q");
        c.wait_exit();
    }
    // SHA-1 RSA signatures stay refused, as OpenSSH 8.8 and later refuse them.
    let err = batch(s.port, &rsa, &["-o", "PubkeyAcceptedAlgorithms=ssh-rsa"]);
    assert!(err.contains("Permission denied"), "{err}");
    s.wait_children(0, Duration::from_secs(10));
}

#[test]
fn an_agent_offering_several_unknown_keys_before_the_desks_own_still_logs_in() {
    let d = Desks::new();
    let own = d.keygen("own", "ed25519", None);
    d.add_key("wangjiang", &own);
    let others: Vec<String> = (0..6)
        .map(|i| d.keygen(&format!("other{i}"), "ed25519", None))
        .collect();
    let s = d.serve("max_auth_tries = 3", &[]);
    // Six keys the server does not know are offered first, as an agent would; OpenSSH's
    // MaxAuthTries of 3 would have cut the desk off at the third.
    let mut extra: Vec<&str> = Vec::new();
    for k in &others {
        extra.extend(["-i", k.as_str()]);
    }
    let mut c = s.desk(&own, &extra, 24, 80);
    c.wait_for("望江派出所值班室");
    c.press("q");
    c.wait_exit();
}

struct Trusting;

impl russh::client::Handler for Trusting {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        _: &russh::keys::PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        Ok(true)
    }
}

async fn log_in(port: u16, key: &str) -> russh::client::Handle<Trusting> {
    let config = Arc::new(russh::client::Config::default());
    let mut h = russh::client::connect(config, ("127.0.0.1", port), Trusting)
        .await
        .unwrap();
    let key = load_secret_key(key, None).unwrap();
    let auth = h
        .authenticate_publickey("duty", PrivateKeyWithHashAlg::new(Arc::new(key), None))
        .await
        .unwrap();
    assert!(auth.success());
    h
}

/// The server's answer to the last request that wanted one: true for success.
async fn answer(ch: &mut russh::Channel<russh::client::Msg>) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, ch.wait()).await {
            Ok(Some(ChannelMsg::Success)) => return true,
            Ok(Some(ChannelMsg::Failure)) => return false,
            Ok(Some(_)) => continue,
            Ok(None) => panic!("channel closed before answering"),
            Err(_) => panic!("no answer: a request went without a reply"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_console_per_connection_and_a_failure_reply_to_every_other_request() {
    let d = Desks::new();
    let key = d.keygen("desk", "ed25519", None);
    d.add_key("wangjiang", &key);
    let s = d.serve("", &["--max-sessions", "2"]);
    let h = log_in(s.port, &key).await;
    let mut ch = h.channel_open_session().await.unwrap();

    ch.request_pty(true, "xterm-256color", 80, 24, 0, 0, &[])
        .await
        .unwrap();
    assert!(answer(&mut ch).await, "pty-req");
    ch.request_x11(true, false, "MIT-MAGIC-COOKIE-1", "00ff", 0)
        .await
        .unwrap();
    assert!(!answer(&mut ch).await, "x11-req is refused");
    ch.set_env(true, "LD_PRELOAD", "/tmp/evil.so")
        .await
        .unwrap();
    assert!(!answer(&mut ch).await, "env is refused");
    ch.agent_forward(true).await.unwrap();
    assert!(!answer(&mut ch).await, "agent forwarding is refused");
    ch.request_shell(true).await.unwrap();
    assert!(answer(&mut ch).await, "the first shell starts the console");
    for _ in 0..3 {
        ch.request_shell(true).await.unwrap();
        assert!(!answer(&mut ch).await, "a repeated shell is refused");
    }
    ch.exec(true, "id").await.unwrap();
    assert!(!answer(&mut ch).await, "exec is refused");
    ch.request_subsystem(true, "sftp").await.unwrap();
    assert!(!answer(&mut ch).await, "sftp is refused");
    ch.request_pty(true, "xterm", 80, 24, 0, 0, &[])
        .await
        .unwrap();
    assert!(!answer(&mut ch).await, "a pty after the shell is refused");

    assert!(
        h.channel_open_session().await.is_err(),
        "a second session channel on one connection is refused"
    );
    assert!(h.tcpip_forward("127.0.0.1", 0).await.is_err());
    assert!(
        h.channel_open_direct_tcpip("127.0.0.1", 22, "127.0.0.1", 5000)
            .await
            .is_err()
    );
    // However often it asked, one console runs.
    s.wait_children(1, Duration::from_secs(10));
    // It runs as the key's operator, and knows the key, for the audit to record it (read once
    // the forked child has become the console: before its exec it still shows the server's).
    let (console, _) = s.children()[0];
    let fp = ssh_support::keygen_fingerprint(std::path::Path::new(&format!("{key}.pub")));
    let wanted = format!("DUTYDESK_SSH_KEY={fp}");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let cmdline = std::fs::read_to_string(format!("/proc/{console}/cmdline")).unwrap();
        if cmdline.contains("console") {
            assert!(cmdline.contains("--operator\0wangjiang\0"), "{cmdline:?}");
            let environ = std::fs::read(format!("/proc/{console}/environ")).unwrap();
            assert!(
                environ.split(|b| *b == 0).any(|v| v == wanted.as_bytes()),
                "the console does not know the key it was opened with"
            );
            break;
        }
        assert!(Instant::now() < deadline, "the console never started");
        std::thread::sleep(Duration::from_millis(50));
    }

    // --max-sessions 2: a second connection gets its session, a third does not.
    let h2 = log_in(s.port, &key).await;
    let ch2 = h2.channel_open_session().await.unwrap();
    let h3 = log_in(s.port, &key).await;
    assert!(
        h3.channel_open_session().await.is_err(),
        "past --max-sessions"
    );
    drop(ch2);
    drop(h2);
    drop(h3);

    // EOF from the desk ends its session: the console goes and the channel closes.
    ch.eof().await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    let mut closed = false;
    while !closed {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, ch.wait()).await {
            Ok(Some(ChannelMsg::Close)) | Ok(None) => closed = true,
            Ok(Some(_)) => {}
            Err(_) => panic!("the session survived the desk's EOF"),
        }
    }
    s.wait_children(0, Duration::from_secs(10));
}

/// Whether the server has closed `stream` (reading what it sent meanwhile).
fn closed(mut stream: &TcpStream) -> bool {
    let mut buf = [0u8; 256];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return false,
            Err(_) => return true,
        }
    }
}

#[test]
fn connections_that_never_log_in_are_capped_and_closed_after_the_grace_time() {
    let d = Desks::new();
    let key = d.keygen("desk", "ed25519", None);
    d.add_key("wangjiang", &key);
    let s = d.serve("login_grace_seconds = 4\nmax_unauthenticated = 8", &[]);
    let flood: Vec<TcpStream> = (0..300)
        .filter_map(|_| TcpStream::connect(("127.0.0.1", s.port)).ok())
        .collect();
    assert!(flood.len() >= 250, "the flood did not connect");
    for f in &flood {
        f.set_nonblocking(true).unwrap();
    }
    let open = |flood: &[TcpStream]| flood.iter().filter(|f| !closed(f)).count();
    // Past the cap, connections are closed as they arrive: at most 8 stay (checked until the
    // count drops to 8 or less; a loaded machine may take a moment to accept 300).
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut now_open = open(&flood);
    while now_open > 8 {
        assert!(
            Instant::now() < deadline,
            "{now_open} silent connections held"
        );
        std::thread::sleep(Duration::from_millis(100));
        now_open = open(&flood);
    }
    // The ones that held a place are closed when the grace time runs out.
    let deadline = Instant::now() + Duration::from_secs(10);
    while open(&flood) > 0 {
        assert!(
            Instant::now() < deadline,
            "silent connections outlived the grace time"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    drop(flood);
    // The server is still there for a desk.
    let mut c = s.desk(&key, &[], 24, 80);
    c.wait_for("望江派出所值班室");
    c.press("q");
    c.wait_exit();
}

#[test]
fn a_disabled_operators_and_a_removed_keys_sessions_end_within_seconds_with_a_message() {
    let d = Desks::new();
    let wj = d.keygen("wangjiang", "ed25519", None);
    let xg = d.keygen("xingang", "rsa", Some("3072"));
    d.add_key("wangjiang", &wj);
    d.add_key("xingang", &xg);
    let s = d.serve("", &[]);
    let mut a = s.desk(&wj, &[], 24, 80);
    a.wait_for("望江派出所值班室");
    let mut b = s.desk(&xg, &[], 24, 80);
    b.wait_for("新港派出所值班室");
    s.wait_children(2, Duration::from_secs(10));

    d.dd(&["operator", "disable", "wangjiang"]);
    // wait_exit allows 10 seconds.
    a.wait_exit();
    a.pump(Duration::from_millis(200));
    // The server's farewell, or the console's own words if it noticed first.
    assert!(
        a.text().contains("wangjiang") && a.text().contains("停用"),
        "{}",
        a.text()
    );
    assert!(!a.parser.screen().alternate_screen());
    assert!(
        b.child.try_wait().unwrap().is_none(),
        "only the disabled operator's session ends"
    );
    let err = batch(s.port, &wj, &[]);
    assert!(err.contains("Permission denied"), "{err}");

    let fp = ssh_support::keygen_fingerprint(std::path::Path::new(&format!("{xg}.pub")));
    d.dd(&["key", "remove", &fp]);
    assert!(!d.dd(&["key", "list"]).contains(&fp));
    b.wait_exit();
    b.pump(Duration::from_millis(200));
    assert!(b.text().contains("公钥已被移除"), "{}", b.text());
    assert!(!b.parser.screen().alternate_screen());
    // Both consoles reaped, none left a zombie.
    s.wait_children(0, Duration::from_secs(10));
}

#[test]
fn removing_a_key_is_for_the_center_and_an_unknown_key_is_named() {
    let d = Desks::new();
    let k = d.keygen("desk", "ed25519", None);
    d.add_key("wangjiang", &k);
    let fp = ssh_support::keygen_fingerprint(std::path::Path::new(&format!("{k}.pub")));
    let o = d.run(&["--operator", "wangjiang", "key", "remove", &fp]);
    assert!(!o.status.success());
    assert!(d.dd(&["key", "list"]).contains(&fp));
    let o = d.run(&["key", "remove", "SHA256:nosuchkey"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("SHA256:nosuchkey"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_guesses_passwords_or_never_logs_in_is_disconnected() {
    let d = Desks::new();
    let s = d.serve("login_grace_seconds = 3\nmax_auth_tries = 3", &[]);
    let config = Arc::new(russh::client::Config::default());

    // Passwords are never accepted, and the third failure closes the connection.
    let mut h = russh::client::connect(config.clone(), ("127.0.0.1", s.port), Trusting)
        .await
        .unwrap();
    for _ in 0..2 {
        let r = h.authenticate_password("duty", "123456").await.unwrap();
        assert!(!r.success());
    }
    let _ = h.authenticate_password("duty", "123456").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while !h.is_closed() {
        assert!(
            Instant::now() < deadline,
            "a third failure left the connection open"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // A client that completes the key exchange and then waits is closed at the grace time.
    let idle = russh::client::connect(config, ("127.0.0.1", s.port), Trusting)
        .await
        .unwrap();
    assert!(!idle.is_closed());
    let deadline = Instant::now() + Duration::from_secs(15);
    while !idle.is_closed() {
        assert!(
            Instant::now() < deadline,
            "an idle client outlived the login grace time"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
