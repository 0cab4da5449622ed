//! Two consoles on one database, two processes: what one does appears on the other without a
//! key press, and the other keeps its selection.

mod common;

use common::TempDb;
use common::pty::Console;

/// The header's count of unacknowledged P1 alerts.
fn new_alerts(c: &Console) -> Option<usize> {
    let header = c.row(0);
    let after = header.split("未签收P1").nth(1)?;
    after.split_whitespace().next()?.parse().ok()
}

/// The text of the selected (reversed) row, if any.
fn selected(c: &Console) -> Option<String> {
    (3..22u16)
        .find(|&r| c.parser.screen().cell(r, 0).is_some_and(|x| x.inverse()))
        .map(|r| c.row(r))
}

#[test]
fn acknowledgement_in_one_console_appears_in_the_other_and_selection_stays() {
    let db = TempDb::new();
    let path = db.path.to_str().unwrap().to_string();
    let data = db.dir.path().to_str().unwrap().to_string();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dutydesk"))
        .args(["--db", &path, "init", "--demo"])
        .env("XDG_DATA_HOME", &data)
        .output()
        .unwrap();
    assert!(out.status.success());
    let envs = [("XDG_DATA_HOME", data.as_str())];
    let mut a = Console::start(
        &["--db", &path, "--operator", "center", "console"],
        &envs,
        24,
        80,
    );
    let mut b = Console::start(
        &["--db", &path, "--operator", "center2", "console"],
        &envs,
        24,
        80,
    );
    a.wait_until("the alert count", |c| new_alerts(c).is_some_and(|n| n > 0));
    b.wait_until("the alert count", |c| new_alerts(c).is_some_and(|n| n > 0));
    let before = new_alerts(&b).unwrap();
    // B selects the fourth alert and leaves its keyboard alone from here on.
    b.press("jjj");
    let selected_row = 6;
    b.wait_until("the fourth row selected", |c| {
        c.parser.screen().cell(selected_row, 0).unwrap().inverse()
    });
    let selected_text = b.row(selected_row);

    a.press("a");
    a.wait_for("已签收");
    let want = before - 1;
    b.wait_until(&format!("未签收P1 {want}"), move |c| {
        new_alerts(c) == Some(want)
    });
    // B keeps the same alert selected, wherever the reordering put it.
    assert_eq!(selected(&b), Some(selected_text));
    // The acknowledged alert shows as taken in B too, named by A's desk: the quick filter of
    // taken alerts (the fourth press of v) finds it.
    b.press("vvvv");
    b.wait_until("the alert acknowledged by A's desk", |c| {
        c.text().contains("已签收 综治中心")
    });

    a.press("q");
    b.press("q");
    assert!(a.wait_exit().success());
    assert!(b.wait_exit().success());
}
