//! The embedded SSH server against the real OpenSSH client: a desk's key opens the console as
//! its operator, in its station's scope; a password and an unknown key are refused; no command
//! can be run instead of the console.

mod common;
mod ssh_support;

use std::process::{Command, Stdio};
use std::time::Duration;

#[test]
fn desks_reach_their_console_over_ssh_and_nothing_else() {
    let d = ssh_support::Desks::new();
    let desk = d.keygen("desk", "ed25519", None);
    let center = d.keygen("center", "ed25519", None);
    let stranger = d.keygen("stranger", "ed25519", None);
    d.add_key("wangjiang", &desk);
    d.add_key("center", &center);
    let s = d.serve("", &[]);
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(d.path("host_key"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777,
        0o600
    );

    // The station desk: its console, its station only.
    let mut c = s.desk(&desk, &[], 24, 80);
    c.wait_for("望江派出所值班室");
    c.press("2");
    c.wait_for("姓名");
    // The list's count: the station's 120 of the demo's 360 patients.
    c.wait_for("(120)");
    c.wait_until("only 望江 patients", |c| {
        let rows: Vec<String> = (3..22)
            .map(|r| c.row(r))
            .filter(|r| r.contains("派出所"))
            .collect();
        !rows.is_empty() && rows.iter().all(|r| r.contains("望江派出所"))
    });
    c.press("q");
    // Quitting the console closes the link (wait_exit fails if the client stays connected).
    c.wait_exit();

    // The center's key sees every station.
    let mut c = s.desk(&center, &[], 40, 120);
    c.wait_for("患者 360");
    c.press("q");
    c.wait_exit();

    // A key nobody registered, a password, and a command instead of the console: refused.
    let port = s.port.to_string();
    let refused = |extra: &[&str], key: &str| {
        let mut a: Vec<&str> = vec!["-o", "BatchMode=yes"];
        a.extend_from_slice(extra);
        a.extend(ssh_support::ssh_args(key, &port));
        a.push("duty@127.0.0.1");
        a.push("true");
        Command::new("ssh")
            .args(&a)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let o = refused(&[], &stranger);
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("Permission denied"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = refused(&["-o", "PreferredAuthentications=password"], &stranger);
    assert!(!o.status.success());
    let o = refused(&[], &desk);
    assert!(
        !o.status.success(),
        "exec is refused: only the console is served"
    );
    s.wait_children(0, Duration::from_secs(10));
}

#[test]
fn serve_says_where_it_listens_its_host_key_as_ssh_keygen_shows_it_and_who_can_log_in() {
    let d = ssh_support::Desks::new();
    let k = d.keygen("desk", "ed25519", None);
    d.add_key("wangjiang", &k);
    let k2 = d.keygen("desk2", "ecdsa", None);
    d.add_key("xingang", &k2);
    // A disabled operator's key does not count: it cannot log in.
    let k3 = d.keygen("desk3", "ed25519", None);
    d.add_key("qingshi", &k3);
    d.dd(&["operator", "disable", "qingshi"]);
    let mut s = d.serve("", &[]);
    s.wait_line(
        &format!("监听 127.0.0.1:{}", s.port),
        Duration::from_secs(5),
    );
    let fp = ssh_support::keygen_fingerprint(&d.path("host_key"));
    assert!(fp.starts_with("SHA256:"), "{fp}");
    let line = s.wait_line("主机密钥指纹", Duration::from_secs(5));
    assert!(line.contains(&format!("：{fp}（")), "{line} vs {fp}");
    s.wait_line("可以登录的操作员：2 名", Duration::from_secs(5));
    s.signal("INT");
    s.wait_line("SSH 服务已停止（结束了 0 个会话", Duration::from_secs(15));
    assert!(s.wait_exit(Duration::from_secs(15)).success());
}

#[test]
fn sigterm_ends_each_desks_session_with_a_message_restores_its_terminal_and_exits_zero() {
    let d = ssh_support::Desks::new();
    let k = d.keygen("desk", "ed25519", None);
    d.add_key("wangjiang", &k);
    let k2 = d.keygen("desk2", "rsa", Some("3072"));
    d.add_key("xingang", &k2);
    let mut s = d.serve("", &[]);
    let mut a = s.desk(&k, &[], 24, 80);
    a.wait_for("望江派出所值班室");
    let mut b = s.desk(&k2, &[], 40, 120);
    b.wait_for("新港派出所值班室");
    s.wait_children(2, Duration::from_secs(10));

    s.signal("TERM");
    s.wait_line("正在结束 2 个会话", Duration::from_secs(10));
    for c in [&mut a, &mut b] {
        c.wait_exit();
        // What the client printed last can still be in the pipe on a loaded machine.
        c.pump(Duration::from_millis(1500));
        assert!(c.text().contains("值班服务正在停止"), "{}", c.text());
        assert!(!c.parser.screen().alternate_screen());
        assert!(!c.parser.screen().hide_cursor());
    }
    s.wait_line("SSH 服务已停止（结束了 2 个会话", Duration::from_secs(15));
    assert!(s.wait_exit(Duration::from_secs(15)).success());
}

#[test]
fn serve_on_a_busy_address_says_so_in_the_operators_language_and_exits_one() {
    let d = ssh_support::Desks::new();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let host_key = d.path("host_key");
    let o = d.run(&[
        "serve",
        "--ssh",
        &addr,
        "--host-key",
        host_key.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(&format!("无法在 {addr} 上监听")), "{err}");
    let o = d.run(&[
        "--lang",
        "en",
        "serve",
        "--ssh",
        &addr,
        "--host-key",
        host_key.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(&format!("Cannot listen on {addr}")), "{err}");
}
