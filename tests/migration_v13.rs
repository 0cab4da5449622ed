//! Migrating a version-12 database (a seat's role stored as its code) to version 13 (its
//! number) keeps every seat with its person, time and author; the team, the alerts that read
//! which roles are filled, and the change sequence work on the migrated table as before.

mod common;

use common::*;
use dutydesk::domain::team::Role;
use dutydesk::store::Scope;

fn version_12_database(path: &std::path::Path) {
    let mut conn = rusqlite::Connection::open(path).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    dutydesk::store::schema::migrations()
        .to_version(&mut conn, 12)
        .unwrap();
    conn.execute_batch(
        "INSERT INTO patients (id, id_number, name, gender, township, village, station,
            diagnosis, risk_level, risk_highest, condition, guardianship, status,
            registered_on, updated_at)
         VALUES (1, '990101198001010011', '测试甲', 'male', '望江街道', '桃源社区',
            '望江派出所', 'schizophrenia', 3, 3, 'stable', 'normal', 'managed',
            '2026-01-01', 3000);
         INSERT INTO persons (id, name, phone, unit, township, village, station, kind,
            created_at)
         VALUES (10, '望江干部甲', '13800001000', '', '望江街道', '', '', 'cadre', 1),
                (11, '监护甲', '13800005000', '', '望江街道', '桃源社区', '', 'guardian', 1);
         INSERT INTO team_assignments (patient_id, role, person_id, assigned_at, assigned_by)
         VALUES (1, 'township_cadre', 10, 1000, 'center'), (1, 'guardian', 11, 2000, 'center');",
    )
    .unwrap();
}

#[test]
fn seats_stored_by_role_code_keep_their_person_time_and_author_as_role_numbers() {
    let db = TempDb::new();
    version_12_database(&db.path);
    let store = db.open();
    let team = store.team(1, &Scope::All).unwrap();
    let seats: Vec<(Role, &str)> = team
        .iter()
        .map(|m| (m.role, m.person.name.as_str()))
        .collect();
    assert_eq!(
        seats,
        vec![
            (Role::TownshipCadre, "望江干部甲"),
            (Role::Guardian, "监护甲")
        ]
    );
    drop(store);
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    let rows: Vec<(i64, i64, i64, String)> = conn
        .prepare("SELECT role, person_id, assigned_at, assigned_by FROM team_assignments")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        rows,
        vec![
            (1, 10, 1000, "center".into()),
            (5, 11, 2000, "center".into())
        ]
    );
    // The triggers came back with the table: a seat filled records a change and makes the
    // patient due for derivation.
    conn.execute("DELETE FROM changes", []).unwrap();
    conn.execute("UPDATE alert_due SET due_at = 99 WHERE patient_id = 1", [])
        .unwrap();
    conn.execute(
        "INSERT INTO team_assignments VALUES (1, 4, 10, 3000, 'center')",
        [],
    )
    .unwrap();
    let changes: i64 = conn
        .query_row(
            "SELECT count(*) FROM changes WHERE kind = 'team' AND entity_id = 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(changes, 1);
    let due: i64 = conn
        .query_row(
            "SELECT due_at FROM alert_due WHERE patient_id = 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(due, 0);
    // A role number this build does not know is refused.
    assert!(
        conn.execute(
            "INSERT INTO team_assignments VALUES (1, 9, 10, 3000, 'center')",
            []
        )
        .is_err()
    );
}
