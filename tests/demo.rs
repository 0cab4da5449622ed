//! The demo data in `data/demo/`: fictional, complete enough to show every rule, and alive
//! whatever day it is built.

mod common;

use common::*;
use dutydesk::config::Config;
use dutydesk::domain::key_population::{KeyCategory, categories};
use dutydesk::domain::patient::*;
use dutydesk::domain::team::{Role, missing_roles};
use dutydesk::store::Scope;
use dutydesk::store::patients::PatientQuery;
use std::collections::BTreeSet;

fn demo_db() -> (TempDb, dutydesk::store::Store) {
    let db = TempDb::new();
    let mut store = db.open();
    dutydesk::demo::build(&mut store, &Config::default(), now()).unwrap();
    (db, store)
}

#[test]
fn demo_roster_represents_every_level_condition_status_guardianship_and_category() {
    let (_db, store) = demo_db();
    let ps = store.patients(&PatientQuery::default()).unwrap();
    assert!(ps.len() >= 300);
    let levels: BTreeSet<u8> = ps.iter().map(|p| p.risk_level.value()).collect();
    assert_eq!(levels, (0..=5).collect());
    let conditions: BTreeSet<_> = ps.iter().map(|p| p.condition).collect();
    assert_eq!(conditions.len(), Condition::ALL.len());
    let statuses: BTreeSet<_> = ps.iter().map(|p| p.status).collect();
    assert_eq!(statuses.len(), Status::ALL.len());
    let guardianship: BTreeSet<_> = ps.iter().map(|p| p.guardianship).collect();
    assert_eq!(guardianship.len(), Guardianship::ALL.len());
    let cats: BTreeSet<KeyCategory> = ps.iter().flat_map(categories).collect();
    assert_eq!(cats.len(), KeyCategory::ALL.len());
    let townships: BTreeSet<_> = ps.iter().map(|p| &p.jurisdiction.township).collect();
    let villages: BTreeSet<_> = ps.iter().map(|p| &p.jurisdiction.village).collect();
    let stations: BTreeSet<_> = ps.iter().map(|p| &p.jurisdiction.station).collect();
    assert_eq!((townships.len(), villages.len(), stations.len()), (2, 6, 3));
    // Teams complete for some, incomplete for others.
    let config = Config::default();
    let mut complete = 0;
    let mut incomplete = 0;
    for p in &ps {
        let roles: Vec<Role> = store
            .team(p.id, &Scope::All)
            .unwrap()
            .iter()
            .map(|m| m.role)
            .collect();
        if missing_roles(p, &roles, &config.team).is_empty() {
            complete += 1;
        } else {
            incomplete += 1;
        }
    }
    assert!(
        complete > 100 && incomplete > 20,
        "{complete} complete, {incomplete} incomplete"
    );
    // Operators of both roles.
    let ops = store.operators(&Scope::All).unwrap();
    assert!(
        ops.iter()
            .any(|o| o.role == dutydesk::store::operators::OperatorRole::Center)
    );
    assert!(
        ops.iter()
            .filter(|o| o.role == dutydesk::store::operators::OperatorRole::Station)
            .count()
            >= 3
    );
}

#[test]
fn demo_is_alive_on_whatever_day_it_is_built() {
    for day in ["2025-03-10", "2031-07-01"] {
        let db = TempDb::new();
        let mut store = db.open();
        let built = at(day, 9);
        dutydesk::demo::build(&mut store, &Config::default(), built).unwrap();
        let alerts = store.alerts(&Scope::All, true).unwrap();
        let today = dutydesk::store::alerts::today_at(built);
        let overdue: Vec<_> = alerts
            .iter()
            .filter_map(|a| a.days_overdue(today))
            .collect();
        assert!(overdue.len() > 10, "{day}: some patients are overdue");
        assert!(
            overdue.iter().all(|d| *d < 200),
            "{day}: overdue by days or weeks, not years"
        );
    }
}

#[test]
fn demo_roster_csv_and_xlsx_hold_the_same_patients_and_import_cleanly() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo");
    let mut counts = Vec::new();
    for file in ["roster.csv", "roster.xlsx"] {
        let db = TempDb::new();
        let mut store = db.open();
        let report = import_file_at(&mut store, &root.join(file), at("2026-11-01", 9));
        assert!(report.problems.is_empty(), "{file}: {:?}", report.problems);
        let ps = store.patients(&PatientQuery::default()).unwrap();
        counts.push(
            ps.iter()
                .map(|p| (p.id_number.to_string(), p.name.clone(), p.last_followup))
                .collect::<Vec<_>>(),
        );
    }
    assert_eq!(counts[0], counts[1]);
}

#[test]
fn demo_data_is_fictional() {
    let (_db, store) = demo_db();
    for p in store.patients(&PatientQuery::default()).unwrap() {
        // Province code 99 is assigned to no province, so no real person has these numbers.
        assert!(p.id_number.as_str().starts_with("99"), "{}", p.id_number);
        assert!(p.phone.starts_with("1380000"));
    }
}
