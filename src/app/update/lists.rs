//! The lists: patients in quick-filter and sort order, each list's visible rows after its
//! filter, the cursor that follows its row across reloads, and typing the filter.

use super::super::action::{Action, Edit, Event};
use super::super::data::{PatientRow, PatientsPatched};
use super::super::search;
use super::super::state::*;

/// Recomputes every list's visible rows from the snapshot, keeping each selection on its row.
pub fn refresh_lists(s: &mut AppState) {
    refresh_after(s, PatientsPatched::Moved);
}

/// After a delta: the patients are sorted again only when rows came, went or moved; rows
/// replaced in place are taken out of the order and put back where they now belong. At 100k a
/// whole sort per change was most of a console's work, and twenty consoles did it at once.
pub fn refresh_after(s: &mut AppState, patched: PatientsPatched) {
    match patched {
        PatientsPatched::None => {}
        PatientsPatched::Moved => order_patients(s),
        PatientsPatched::InPlace(rows) => reorder_patients(s, &rows),
    }
    for v in [
        View::Alerts,
        View::Patients,
        View::Incidents,
        View::Persons,
        View::Audit,
    ] {
        refresh_view(s, v);
    }
}

/// The patients in quick-filter and sort order; the text filter then only narrows this, so
/// a keystroke never sorts the register again.
pub fn order_patients(s: &mut AppState) {
    let Some(snap) = &s.snapshot else { return };
    let ps = &snap.patients;
    let mut rows: Vec<usize> = (0..ps.len()).filter(|&i| s.quick.admits(&ps[i])).collect();
    let sort = s.sort;
    rows.sort_by(|&a, &b| patient_cmp(sort, ps, a, b));
    s.patient_order = rows;
}

/// Puts rows whose values changed (their indices unchanged) back in their sorted place.
fn reorder_patients(s: &mut AppState, changed: &[usize]) {
    let Some(snap) = &s.snapshot else { return };
    let ps = &snap.patients;
    let sort = s.sort;
    s.patient_order.retain(|i| !changed.contains(i));
    for &i in changed {
        if i < ps.len() && s.quick.admits(&ps[i]) {
            let at = s
                .patient_order
                .partition_point(|&j| patient_cmp(sort, ps, j, i).is_lt());
            s.patient_order.insert(at, i);
        }
    }
}

/// The patients list's order: a total one (the register's index last), so a row put back
/// alone lands where a whole sort would put it.
fn patient_cmp(sort: Sort, ps: &[PatientRow], a: usize, b: usize) -> std::cmp::Ordering {
    let (x, y) = (&ps[a], &ps[b]);
    let by = match sort {
        Sort::Risk => (y.risk_level, y.days_overdue, x.subject.order()).cmp(&(
            x.risk_level,
            x.days_overdue,
            y.subject.order(),
        )),
        // Those no follow-up is due for (deceased, moved out, closed) come last.
        Sort::Overdue => {
            (y.status.is_active(), y.days_overdue).cmp(&(x.status.is_active(), x.days_overdue))
        }
        Sort::Name => x.subject.order().cmp(y.subject.order()),
        Sort::Village => (&x.place.village_order, x.subject.order())
            .cmp(&(&y.place.village_order, y.subject.order())),
    };
    by.then(a.cmp(&b))
}

/// Recomputes one list's visible rows (after its filter changed, or a reload).
pub fn refresh_view(s: &mut AppState, view: View) {
    let page = s.page();
    let Some(snap) = &s.snapshot else { return };
    match view {
        View::Alerts => {
            let words = search::words(s.alerts.filter.value());
            let needles = search::Needles::new(&words);
            let quick = s.alert_quick;
            let mut order: Vec<usize> = (0..snap.alerts.len())
                .filter(|&i| quick.admits(&snap.alerts[i]))
                .filter(|&i| words.is_empty() || snap.alerts[i].matches_all(&needles))
                .collect();
            // Within a severity, what nobody has taken first, the newest first.
            order.sort_by_key(|&i| {
                let a = &snap.alerts[i];
                (
                    a.severity,
                    a.status != crate::domain::alert::AlertStatus::New,
                    std::cmp::Reverse(a.raised_at),
                    std::cmp::Reverse(a.id),
                )
            });
            s.alerts.visible = order;
            let list = &mut s.alerts;
            let ids = list.visible.iter().map(|&i| snap.alerts[i].id);
            list.cursor.follow(ids, list.visible.len(), page);
        }
        View::Patients => {
            let words = search::words(s.patients.filter.value());
            let needles = search::Needles::new(&words);
            let ps = &snap.patients;
            s.patients.visible = if words.is_empty() {
                s.patient_order.clone()
            } else {
                let found = super::super::data::patients_matching(ps, &needles);
                s.patient_order
                    .iter()
                    .copied()
                    .filter(|&i| found[i])
                    .collect()
            };
            // Read lazily: the cursor's row is found among the first few, and a register's
            // worth of ids would be a read of every row at each keystroke.
            let list = &mut s.patients;
            let ids = list.visible.iter().map(|&i| ps[i].id);
            list.cursor.follow(ids, list.visible.len(), page);
        }
        View::Persons => {
            let words = search::words(s.persons.filter.value());
            s.persons.visible = (0..snap.persons.len())
                .filter(|&i| words.is_empty() || search::matches(&snap.persons[i].haystack, &words))
                .collect();
            let keys: Vec<i64> = s
                .persons
                .visible
                .iter()
                .map(|&i| snap.persons[i].person.id)
                .collect();
            s.persons
                .cursor
                .follow(keys.into_iter(), s.persons.visible.len(), page);
        }
        View::Incidents => {
            let words = search::words(s.incidents.filter.value());
            let now = s.now;
            let mut order: Vec<usize> = (0..snap.incidents.len()).collect();
            // Open incidents first, the most urgent (an overdue step, then the nearest
            // deadline) at the top; closed ones after, newest first.
            order.sort_by_key(|&i| {
                let x = &snap.incidents[i];
                (
                    !x.is_open(),
                    if x.is_open() {
                        x.urgency(now)
                    } else {
                        (true, 0)
                    },
                    std::cmp::Reverse(x.opened_at),
                )
            });
            s.incidents.visible = order
                .into_iter()
                .filter(|&i| {
                    let x = &snap.incidents[i];
                    words.is_empty()
                        || search::matches(
                            &search::key([x.patient_name.as_deref().unwrap_or(""), &x.location]),
                            &words,
                        )
                })
                .collect();
            let keys: Vec<i64> = s
                .incidents
                .visible
                .iter()
                .map(|&i| snap.incidents[i].id)
                .collect();
            s.incidents
                .cursor
                .follow(keys.into_iter(), s.incidents.visible.len(), page);
        }
        View::Audit => {
            let words = search::words(s.audit.filter.value());
            s.audit.visible = (0..snap.audit.len())
                .filter(|&i| {
                    words.is_empty()
                        || snap
                            .audit_keys
                            .get(i)
                            .is_some_and(|k| search::matches(k, &words))
                })
                .collect();
            let keys: Vec<i64> = s.audit.visible.iter().map(|&i| snap.audit[i].id).collect();
            s.audit
                .cursor
                .follow(keys.into_iter(), s.audit.visible.len(), page);
        }
        View::Reports => {}
    }
}

pub(super) fn clamp_all(s: &mut AppState) {
    let page = s.page();
    for l in [
        &mut s.alerts,
        &mut s.patients,
        &mut s.incidents,
        &mut s.persons,
        &mut s.audit,
    ] {
        let len = l.visible.len();
        l.cursor.clamp(len, page);
    }
}

/// Remembers the id of the row under the cursor so a reload keeps it selected.
pub(super) fn remember_key(s: &mut AppState) {
    let Some(snap) = &s.snapshot else { return };
    let l = match s.view {
        View::Alerts => {
            let k = s
                .alerts
                .visible
                .get(s.alerts.cursor.index)
                .map(|&i| snap.alerts[i].id);
            s.alerts.cursor.key = k;
            return;
        }
        View::Patients => (
            &mut s.patients,
            snap.patients.iter().map(|p| p.id).collect::<Vec<_>>(),
        ),
        View::Persons => (
            &mut s.persons,
            snap.persons.iter().map(|p| p.person.id).collect(),
        ),
        View::Incidents => (
            &mut s.incidents,
            snap.incidents.iter().map(|p| p.id).collect(),
        ),
        View::Audit => (&mut s.audit, snap.audit.iter().map(|p| p.id).collect()),
        View::Reports => return,
    };
    let (list, ids) = l;
    list.cursor.key = list.visible.get(list.cursor.index).map(|&i| ids[i]);
}

pub(super) fn move_cursor(s: &mut AppState, a: Action) {
    let m = match a {
        Action::Up => ScrollMove::Up,
        Action::Down => ScrollMove::Down,
        Action::PageUp => ScrollMove::PageUp,
        Action::PageDown => ScrollMove::PageDown,
        Action::Home => ScrollMove::Home,
        _ => ScrollMove::End,
    };
    let text_page = s.height.saturating_sub(s.chrome_rows());
    if s.screen() == crate::app::action::ScreenKind::List(View::Reports) {
        s.report_scroll.apply(m, text_page);
        return;
    }
    if let Some(d) = s.detail_mut() {
        d.scroll.apply(m, text_page);
        return;
    }
    let page = s.page();
    let Some(list) = s.current_list_mut() else {
        return;
    };
    let len = list.visible.len();
    match a {
        Action::Up => list.cursor.step(-1, len, page),
        Action::Down => list.cursor.step(1, len, page),
        Action::PageUp => list.cursor.step(-(page as isize), len, page),
        Action::PageDown => list.cursor.step(page as isize, len, page),
        Action::Home => list.cursor.step(-(len as isize), len, page),
        _ => list.cursor.step(len as isize, len, page),
    }
    remember_key(s);
}

pub(super) fn filtering(s: &mut AppState, ev: Event) {
    let page = s.page();
    let Some(l) = s.current_list_mut() else {
        return;
    };
    match ev {
        Event::Text(req) => {
            l.filter.handle(req);
            l.cursor = Cursor::default();
            let v = s.view;
            refresh_view(s, v);
        }
        Event::Edit(Edit::Submit) => {
            s.layers.pop();
        }
        Event::Edit(Edit::Cancel) => {
            l.filter.reset();
            s.layers.pop();
            let v = s.view;
            refresh_view(s, v);
        }
        Event::Edit(Edit::Up) => {
            let len = l.visible.len();
            l.cursor.step(-1, len, page);
            remember_key(s);
        }
        Event::Edit(Edit::Down) => {
            let len = l.visible.len();
            l.cursor.step(1, len, page);
            remember_key(s);
        }
        _ => {}
    }
}
