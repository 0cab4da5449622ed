//! The console's compact rows find exactly what the whole strings found: an alert's key in two
//! shared halves matches every filter (pinyin, initials, several AND-ed words, severity words)
//! as the one string per alert did.

mod common;

use common::*;
use dutydesk::app::data::{load_snapshot, patients_matching};
use dutydesk::app::search;
use dutydesk::config::Config;
use dutydesk::i18n::Lang;
use dutydesk::store::Store;

#[test]
fn compact_alert_keys_filter_exactly_as_whole_keys_did() {
    let mut store = Store::open_in_memory().unwrap();
    dutydesk::demo::build(&mut store, &Config::default(), now()).unwrap();
    let op = store.operator("center").unwrap().unwrap();
    let snap = load_snapshot(&store, &op, &Config::default(), now()).unwrap();
    assert!(snap.alerts.len() > 20);
    let mut typed: Vec<String> = [
        "p1",
        "P2",
        "p3",
        "失访",
        "青石 失访",
        "qs p1",
        "unstable",
        "病情",
        "新 p1",
        "new",
        "acknowledged",
        "已签收",
        "望江",
        "wj",
        "taoyuan",
        "逾期 p2",
        "missing p1",
        "zzz",
        "派出所 社区",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    // Every patient's name, its pinyin and its initials, alone and with a severity.
    for a in snap.alerts.iter().take(40) {
        let (full, initials) = search::pinyin(a.patient_name());
        typed.push(a.patient_name().to_string());
        typed.push(full);
        typed.push(format!("{initials} p1"));
    }
    let mut matched = 0;
    for t in &typed {
        let words = search::words(t);
        for a in &snap.alerts {
            let whole = search::key([
                a.patient_name(),
                Lang::Zh.alert_kind(a.kind),
                Lang::En.alert_kind(a.kind),
                Lang::Zh.alert_status(a.status),
                Lang::En.alert_status(a.status),
                a.village(),
                a.station(),
                a.severity.code(),
            ]);
            let want = search::matches(&whole, &words);
            assert_eq!(a.matches(&words), want, "{t:?} on alert {}", a.id);
            matched += usize::from(want);
        }
    }
    assert!(matched > 100, "the filters found something: {matched}");
}

/// A patient's own key (name, masked ID) and its place's shared key (township, village,
/// station) find exactly what the one string of all five fields found.
#[test]
fn a_word_matched_through_the_shared_place_key_equals_the_whole_key_match() {
    let mut store = Store::open_in_memory().unwrap();
    dutydesk::demo::build(&mut store, &Config::default(), now()).unwrap();
    let op = store.operator("center").unwrap().unwrap();
    let snap = load_snapshot(&store, &op, &Config::default(), now()).unwrap();
    assert!(snap.patients.len() > 20);
    let mut typed: Vec<String> = [
        "青石",
        "qs",
        "wangjiang",
        "望江 派出所",
        "pcs",
        "zzz",
        "****",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for r in snap.patients.iter().take(40) {
        let p = r;
        let (full, initials) = search::pinyin(p.name());
        let (village, _) = search::pinyin(&p.jurisdiction().village);
        typed.push(p.name().to_string());
        typed.push(r.masked_id()[..6].to_string());
        typed.push(r.masked_id()[4..10].to_string());
        typed.push(format!("{full} {village}"));
        typed.push(format!("{initials} {}", &r.masked_id()[14..]));
    }
    let mut matched = 0;
    for t in &typed {
        let words = search::words(t);
        // The register's walk, which searches each place once per run of its patients.
        let walked = patients_matching(&snap.patients, &search::Needles::new(&words));
        for (r, walked) in snap.patients.iter().zip(walked) {
            let j = r.jurisdiction();
            let whole = search::key([
                r.name(),
                r.masked_id().as_str(),
                j.township.as_str(),
                j.village.as_str(),
                j.station.as_str(),
            ]);
            let want = search::matches(&whole, &words);
            assert_eq!(r.matches(&words), want, "{t:?} on patient {}", r.id);
            assert_eq!(walked, want, "{t:?} on patient {}, walked", r.id);
            matched += usize::from(want);
        }
    }
    assert!(matched > 60, "the filters found something: {matched}");
    // Patients of one place hold one key between them.
    let first = &snap.patients[0];
    let same_place = snap
        .patients
        .iter()
        .filter(|r| r.jurisdiction() == first.jurisdiction())
        .collect::<Vec<_>>();
    assert!(same_place.len() > 1);
    assert!(
        same_place
            .iter()
            .all(|r| std::sync::Arc::ptr_eq(&r.place, &first.place))
    );
}

#[test]
fn an_alert_entry_shows_what_the_stored_row_says_and_shares_its_patient_and_place() {
    let mut store = Store::open_in_memory().unwrap();
    dutydesk::demo::build(&mut store, &Config::default(), now()).unwrap();
    let op = store.operator("center").unwrap().unwrap();
    let snap = load_snapshot(&store, &op, &Config::default(), now()).unwrap();
    let rows = store.alerts(&op.scope(), true).unwrap();
    assert_eq!(snap.alerts.len(), rows.len());
    let today = dutydesk::domain::clock::beijing_date(now());
    for a in &snap.alerts {
        let r = rows.iter().find(|r| r.id == a.id).expect("the same alerts");
        assert_eq!(a.patient_id, r.patient_id);
        assert_eq!(a.patient_name(), r.patient_name);
        assert_eq!(a.risk_level(), r.risk_level);
        assert_eq!(
            (a.village(), a.station()),
            (r.village.as_str(), r.station.as_str())
        );
        assert_eq!(
            (a.kind, a.severity, a.status),
            (r.kind, r.severity, r.status)
        );
        assert_eq!(
            (a.since, a.raised_at, a.snoozed_until),
            (r.since, r.raised_at, r.snoozed_until)
        );
        assert_eq!(a.taken_by(), r.taken_by());
        assert_eq!(a.days_overdue(today), r.days_overdue(today));
        assert_eq!(a.is_snoozed(today), r.is_snoozed(today));
    }
    // A patient's alerts hold one name between them, and a place's alerts one place.
    let mut shared_subjects = 0;
    let mut shared_places = 0;
    for (i, a) in snap.alerts.iter().enumerate() {
        for b in &snap.alerts[i + 1..] {
            if a.patient_id == b.patient_id {
                assert!(a.subject.same(&b.subject));
                shared_subjects += 1;
            }
            if (a.village(), a.station()) == (b.village(), b.station()) {
                assert!(std::sync::Arc::ptr_eq(&a.locality, &b.locality));
                shared_places += 1;
            }
        }
    }
    assert!(shared_subjects > 0 && shared_places > 0);
    // And the patient's row holds the same name as its alerts.
    for a in &snap.alerts {
        let row = snap
            .patient(a.patient_id)
            .expect("the alert's patient is listed");
        assert!(row.subject.same(&a.subject));
    }
}
