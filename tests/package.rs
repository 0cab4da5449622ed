//! The Debian package, built with cargo-deb from this test build's binary and build-time
//! assets: what it installs, where, with which modes, and what its maintainer scripts and
//! systemd units say. CI installs cargo-deb (.ci/run); elsewhere a missing cargo-deb skips
//! this test with a warning, never silently.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

fn cargo_deb_present() -> bool {
    Command::new(env!("CARGO"))
        .args(["deb", "--version"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// `path → mode` of every file in the package, from `dpkg-deb -c`.
fn listing(deb: &Path) -> BTreeMap<String, String> {
    let o = Command::new("dpkg-deb")
        .arg("-c")
        .arg(deb)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            let path = cols.last()?.trim_start_matches('.');
            Some((path.to_string(), cols.first()?.to_string()))
        })
        .collect()
}

#[test]
fn the_package_installs_binary_units_config_manual_and_completions() {
    if !cargo_deb_present() {
        assert!(
            std::env::var_os("CI").is_none(),
            "cargo-deb is missing in CI: .ci/run must install it"
        );
        eprintln!(
            "\n\n*** SKIPPED the_package_installs_binary_units_config_manual_and_completions: \
             cargo-deb is not installed (cargo install cargo-deb --locked --version =3.8.0) ***\n"
        );
        return;
    }
    // Make sure the binary cargo-deb packages is this build's.
    let _ = env!("CARGO_BIN_EXE_dutydesk");
    let tmp = tempfile::tempdir().unwrap();
    let deb = tmp.path().join("dutydesk.deb");
    let profile = if cfg!(debug_assertions) {
        "dev"
    } else {
        "release"
    };
    let o = Command::new(env!("CARGO"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["deb", "--quiet", "--no-build", "--no-strip", "--fast"])
        .args(["--profile", profile, "--output"])
        .arg(&deb)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "cargo deb: {}",
        String::from_utf8_lossy(&o.stderr)
    );

    let files = listing(&deb);
    let expect = [
        ("/usr/bin/dutydesk", "-rwxr-xr-x"),
        ("/usr/sbin/dutydesk-admin", "-rwxr-xr-x"),
        ("/etc/dutydesk/config.toml", "-rw-r--r--"),
        ("/usr/lib/systemd/system/dutydesk-ssh.service", "-rw-r--r--"),
        (
            "/usr/lib/systemd/system/dutydesk-backup.service",
            "-rw-r--r--",
        ),
        (
            "/usr/lib/systemd/system/dutydesk-backup.timer",
            "-rw-r--r--",
        ),
        ("/usr/share/man/man1/dutydesk.1", "-rw-r--r--"),
        ("/usr/share/man/man1/dutydesk-serve.1", "-rw-r--r--"),
        ("/usr/share/man/man1/dutydesk-import-roster.1", "-rw-r--r--"),
        ("/usr/share/man/zh_CN/man1/dutydesk.1", "-rw-r--r--"),
        (
            "/usr/share/bash-completion/completions/dutydesk",
            "-rw-r--r--",
        ),
        ("/usr/share/zsh/vendor-completions/_dutydesk", "-rw-r--r--"),
        (
            "/usr/share/fish/vendor_completions.d/dutydesk.fish",
            "-rw-r--r--",
        ),
    ];
    for (path, mode) in expect {
        assert_eq!(files.get(path).map(String::as_str), Some(mode), "{path}");
    }
    // Nothing is installed where the register lives: the maintainer script makes it 0700.
    assert!(!files.keys().any(|p| p.starts_with("/var/")), "{files:?}");

    let root = tmp.path().join("root");
    let x = Command::new("dpkg-deb")
        .arg("-x")
        .arg(&deb)
        .arg(&root)
        .status()
        .unwrap();
    assert!(x.success());
    let ctl = tmp.path().join("control");
    let e = Command::new("dpkg-deb")
        .arg("-e")
        .arg(&deb)
        .arg(&ctl)
        .status()
        .unwrap();
    assert!(e.success());
    let read = |p: &Path| std::fs::read_to_string(p).unwrap();

    // The example configuration is a conffile: an upgrade keeps the center's edits.
    assert!(read(&ctl.join("conffiles")).contains("/etc/dutydesk/config.toml"));
    assert_eq!(
        read(&root.join("etc/dutydesk/config.toml")),
        read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("data/dutydesk.example.toml"))
    );
    let postinst = read(&ctl.join("postinst"));
    for needle in [
        "useradd --system",
        "chown dutydesk:dutydesk /var/lib/dutydesk",
        "chmod 0700 /var/lib/dutydesk",
    ] {
        assert!(postinst.contains(needle), "postinst lacks {needle}");
    }
    // Purging never deletes the register.
    assert!(!read(&ctl.join("postrm")).contains("rm -rf /var/lib/dutydesk"));

    let unit = read(&root.join("usr/lib/systemd/system/dutydesk-ssh.service"));
    for line in [
        "User=dutydesk",
        "Restart=on-failure",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "ReadWritePaths=/var/lib/dutydesk",
        "PrivateTmp=yes",
        "WantedBy=multi-user.target",
    ] {
        assert!(unit.lines().any(|l| l == line), "ssh unit lacks {line}");
    }
    let exec = unit
        .lines()
        .find_map(|l| l.strip_prefix("ExecStart="))
        .unwrap();
    assert!(
        exec.starts_with(
            "/usr/bin/dutydesk --db /var/lib/dutydesk/dutydesk.db \
             --config /etc/dutydesk/config.toml serve --ssh "
        ),
        "{exec}"
    );
    let timer = read(&root.join("usr/lib/systemd/system/dutydesk-backup.timer"));
    assert!(timer.contains("OnCalendar=*-*-* 02:30:00"), "{timer}");
    let backup = read(&root.join("usr/lib/systemd/system/dutydesk-backup.service"));
    assert!(backup.contains("User=dutydesk") && backup.contains(" backup "));

    // The packaged binary runs and speaks English when asked; the manual is its help.
    let o = Command::new(root.join("usr/bin/dutydesk"))
        .args(["--lang", "en", "init", "--help"])
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("--admin <LOGIN>"));
    let man = read(&root.join("usr/share/man/zh_CN/man1/dutydesk-init.1"));
    assert!(
        man.contains(".SH 名称") && man.contains("第一位中心操作员"),
        "{man}"
    );
}
