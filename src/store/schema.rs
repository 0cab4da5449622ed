//! The schema, as versioned migrations (`PRAGMA user_version`). A migration is never edited
//! once released; changes come as new entries at the end.

use rusqlite_migration::{M, Migrations};

const V1: &str = r#"
CREATE TABLE patients (
    id                  INTEGER PRIMARY KEY,
    id_number           TEXT NOT NULL UNIQUE,
    name                TEXT NOT NULL,
    gender              TEXT NOT NULL,
    phone               TEXT NOT NULL DEFAULT '',
    address             TEXT NOT NULL DEFAULT '',
    township            TEXT NOT NULL,
    village             TEXT NOT NULL,
    station             TEXT NOT NULL,
    diagnosis           TEXT NOT NULL,
    risk_level          INTEGER NOT NULL CHECK (risk_level BETWEEN 0 AND 5),
    risk_highest        INTEGER NOT NULL CHECK (risk_highest BETWEEN 0 AND 5),
    condition           TEXT NOT NULL,
    guardianship        TEXT NOT NULL,
    status              TEXT NOT NULL,
    away_destination    TEXT NOT NULL DEFAULT '',
    treatment_place     TEXT,
    medication          TEXT,
    compliance          TEXT,
    police_listed       INTEGER NOT NULL DEFAULT 0,
    incident_history    INTEGER NOT NULL DEFAULT 0,
    floating            INTEGER NOT NULL DEFAULT 0,
    vagrant             INTEGER NOT NULL DEFAULT 0,
    special_team        INTEGER NOT NULL DEFAULT 0,
    ever_missing        INTEGER NOT NULL DEFAULT 0,
    last_followup       TEXT,
    last_visit          TEXT,
    registered_on       TEXT NOT NULL,
    basic_stable_streak INTEGER NOT NULL DEFAULT 0,
    not_reached_streak  INTEGER NOT NULL DEFAULT 0,
    relapses            INTEGER NOT NULL DEFAULT 0,
    -- The first day the patient was recorded at risk level 3 or above (for "newly high risk").
    high_risk_since     TEXT,
    updated_at          INTEGER NOT NULL
);
CREATE INDEX patients_station ON patients(station);

CREATE TABLE persons (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    phone      TEXT NOT NULL DEFAULT '',
    unit       TEXT NOT NULL DEFAULT '',
    township   TEXT NOT NULL DEFAULT '',
    village    TEXT NOT NULL DEFAULT '',
    station    TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    UNIQUE (name, phone)
);

CREATE TABLE team_assignments (
    patient_id  INTEGER NOT NULL REFERENCES patients(id),
    role        TEXT NOT NULL,
    person_id   INTEGER NOT NULL REFERENCES persons(id),
    assigned_at INTEGER NOT NULL,
    assigned_by TEXT NOT NULL,
    PRIMARY KEY (patient_id, role)
) WITHOUT ROWID;
CREATE INDEX team_assignments_person ON team_assignments(person_id);

CREATE TABLE followups (
    id          INTEGER PRIMARY KEY,
    patient_id  INTEGER NOT NULL REFERENCES patients(id),
    date        TEXT NOT NULL,
    form        TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    class       TEXT,
    risk_level  INTEGER,
    record      TEXT NOT NULL,
    next_date   TEXT,
    by_whom     TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at INTEGER NOT NULL
);
CREATE INDEX followups_patient ON followups(patient_id, date);

CREATE TABLE alerts (
    id              INTEGER PRIMARY KEY,
    patient_id      INTEGER NOT NULL REFERENCES patients(id),
    kind            TEXT NOT NULL,
    severity        TEXT NOT NULL CHECK (severity IN ('P1','P2','P3')),
    status          TEXT NOT NULL CHECK (status IN ('new','acknowledged','in_progress','resolved')),
    since           TEXT,
    note            TEXT NOT NULL DEFAULT '',
    raised_at       INTEGER NOT NULL,
    raised_by       TEXT NOT NULL,
    acknowledged_at INTEGER,
    acknowledged_by TEXT,
    in_progress_at  INTEGER,
    in_progress_by  TEXT,
    incident_id     INTEGER,
    resolved_at     INTEGER,
    resolved_by     TEXT,
    resolution      TEXT,
    auto_closed     INTEGER NOT NULL DEFAULT 0
);
-- At most one open alert of each derived kind per patient.
CREATE UNIQUE INDEX alerts_open_derived ON alerts(patient_id, kind)
    WHERE status <> 'resolved' AND kind <> 'reported';
CREATE INDEX alerts_status ON alerts(status);

CREATE TABLE incidents (
    id               INTEGER PRIMARY KEY,
    opened_at        INTEGER NOT NULL,
    opened_by        TEXT NOT NULL,
    patient_id       INTEGER REFERENCES patients(id),
    alert_id         INTEGER REFERENCES alerts(id),
    location         TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    closed_at        INTEGER,
    closed_by        TEXT,
    outcome          TEXT,
    sync_checklist   TEXT,
    persons_involved INTEGER,
    injured          INTEGER,
    dead             INTEGER,
    reported_upward  INTEGER
);

CREATE TABLE incident_steps (
    incident_id     INTEGER NOT NULL REFERENCES incidents(id),
    step            INTEGER NOT NULL,
    label           TEXT NOT NULL,
    deadline_at     INTEGER NOT NULL,
    done_at         INTEGER,
    actor           TEXT,
    actor_person_id INTEGER REFERENCES persons(id),
    recorded_by     TEXT,
    PRIMARY KEY (incident_id, step)
) WITHOUT ROWID;

CREATE TABLE incident_notes (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    at          INTEGER NOT NULL,
    by          TEXT NOT NULL,
    text        TEXT NOT NULL
);

CREATE TABLE operators (
    login        TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('center','station','auditor')),
    station      TEXT,
    disabled     INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    CHECK (role <> 'station' OR station IS NOT NULL)
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    operator  TEXT NOT NULL,
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id TEXT,
    before    TEXT,
    after     TEXT
);
CREATE INDEX audit_log_at ON audit_log(at);

-- The audit log is append-only: SQLite itself refuses to change or remove a row.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
"#;

/// Quick-response steps carry their label in both languages, as configured when opened.
const V2: &str = r#"
ALTER TABLE incident_steps ADD COLUMN label_en TEXT NOT NULL DEFAULT '';
CREATE INDEX incidents_opened ON incidents(opened_at);
"#;

/// Shifts: who took over when, and the handover summary they left.
const V3: &str = r#"
CREATE TABLE shifts (
    id         INTEGER PRIMARY KEY,
    operator   TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    ended_at   INTEGER,
    summary    TEXT,
    note       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX shifts_operator ON shifts(operator, started_at);
-- One open shift per operator.
CREATE UNIQUE INDEX shifts_open ON shifts(operator) WHERE ended_at IS NULL;
"#;

/// Operators' SSH public keys, for the embedded SSH server.
const V4: &str = r#"
CREATE TABLE operator_keys (
    fingerprint TEXT PRIMARY KEY,
    login       TEXT NOT NULL REFERENCES operators(login),
    key         TEXT NOT NULL,
    added_at    INTEGER NOT NULL
);
"#;

/// One door for every change (revision 2): a registry of places, persons with a kind, incidents
/// with the station that sees them, snoozed alerts, and an audit log that names the patient and
/// station it concerns, the OS identity behind the operator, and chains each row to the last by
/// hash. The chain over rows written before this version is computed by the hook below, which
/// also puts the append-only triggers back.
const V5: &str = r#"
CREATE TABLE places (
    kind       TEXT NOT NULL CHECK (kind IN ('township', 'village', 'station')),
    name       TEXT NOT NULL CHECK (name <> ''),
    -- A village's township; empty for townships and stations.
    parent     TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (kind, parent, name)
) WITHOUT ROWID;
INSERT OR IGNORE INTO places (kind, name, parent, created_at, created_by)
    SELECT 'township', township, '', 0, 'migration' FROM patients WHERE township <> '';
INSERT OR IGNORE INTO places (kind, name, parent, created_at, created_by)
    SELECT 'village', village, township, 0, 'migration' FROM patients WHERE village <> '';
INSERT OR IGNORE INTO places (kind, name, parent, created_at, created_by)
    SELECT 'station', station, '', 0, 'migration' FROM patients WHERE station <> '';
INSERT OR IGNORE INTO places (kind, name, parent, created_at, created_by)
    SELECT 'station', station, '', 0, 'migration' FROM operators WHERE COALESCE(station, '') <> '';
INSERT OR IGNORE INTO places (kind, name, parent, created_at, created_by)
    SELECT 'station', station, '', 0, 'migration' FROM persons WHERE station <> '';
INSERT OR IGNORE INTO places (kind, name, parent, created_at, created_by)
    SELECT 'township', township, '', 0, 'migration' FROM persons WHERE township <> '';

ALTER TABLE persons ADD COLUMN kind TEXT NOT NULL DEFAULT 'other'
    CHECK (kind IN ('cadre', 'officer', 'doctor', 'guardian', 'other'));
-- A county-level hospital's doctor may serve any township.
ALTER TABLE persons ADD COLUMN county_wide INTEGER NOT NULL DEFAULT 0;
UPDATE persons SET kind = COALESCE((
    SELECT CASE t.role WHEN 'station_officer' THEN 'officer' WHEN 'doctor' THEN 'doctor'
        WHEN 'guardian' THEN 'guardian' ELSE 'cadre' END
    FROM team_assignments t WHERE t.person_id = persons.id LIMIT 1), 'other');

ALTER TABLE incidents ADD COLUMN station TEXT;
UPDATE incidents SET station = (SELECT station FROM patients WHERE id = incidents.patient_id)
    WHERE patient_id IS NOT NULL;
UPDATE incidents SET station = (SELECT station FROM operators WHERE login = incidents.opened_by)
    WHERE patient_id IS NULL;
CREATE INDEX incidents_station ON incidents(station);

ALTER TABLE alerts ADD COLUMN snoozed_until TEXT;
ALTER TABLE alerts ADD COLUMN snooze_reason TEXT;
CREATE INDEX alerts_patient ON alerts(patient_id);

DROP TRIGGER audit_log_no_update;
DROP TRIGGER audit_log_no_delete;
ALTER TABLE audit_log ADD COLUMN patient_id INTEGER;
ALTER TABLE audit_log ADD COLUMN station TEXT;
ALTER TABLE audit_log ADD COLUMN os_user TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN hash TEXT NOT NULL DEFAULT '';
UPDATE audit_log SET patient_id = CAST(entity_id AS INTEGER) WHERE entity = 'patient';
UPDATE audit_log SET patient_id = (SELECT patient_id FROM alerts WHERE id = CAST(audit_log.entity_id AS INTEGER))
    WHERE entity = 'alert';
UPDATE audit_log SET patient_id = (SELECT patient_id FROM incidents WHERE id = CAST(audit_log.entity_id AS INTEGER))
    WHERE entity = 'incident';
UPDATE audit_log SET station = (SELECT station FROM patients WHERE id = audit_log.patient_id)
    WHERE patient_id IS NOT NULL;
UPDATE audit_log SET station = (SELECT station FROM incidents WHERE id = CAST(audit_log.entity_id AS INTEGER))
    WHERE entity = 'incident' AND station IS NULL;
CREATE INDEX audit_log_patient ON audit_log(patient_id);
CREATE INDEX audit_log_station ON audit_log(station, id);
CREATE INDEX audit_log_operator ON audit_log(operator, id);
"#;

/// A quick-response step can be skipped with a reason (steps are recorded in order), and a
/// wrong entry corrected: the step row says it was corrected, the audit keeps the original.
const V_INCIDENT_STEPS: &str = r#"
ALTER TABLE incident_steps ADD COLUMN skipped_at INTEGER;
ALTER TABLE incident_steps ADD COLUMN skip_reason TEXT;
ALTER TABLE incident_steps ADD COLUMN corrected_at INTEGER;
ALTER TABLE incident_steps ADD COLUMN corrected_by TEXT;
"#;

fn chain_existing_audit_rows(tx: &rusqlite::Transaction) -> rusqlite_migration::HookResult {
    super::audit::chain_all(tx)?;
    tx.execute_batch(super::audit::AUDIT_TRIGGERS)?;
    Ok(())
}

/// Revision 2's rules (issue 11): each patient's history of status, risk, condition, treatment
/// and jurisdiction with the instant each value began; the dates of time away and discharge; an
/// earlier missing episode; the day an incident asks for a reassessment. History starts at the
/// migration with what is known (the values the patients hold now).
const V_HISTORY: &str = r#"
ALTER TABLE patients ADD COLUMN away_since TEXT;
ALTER TABLE patients ADD COLUMN discharged_on TEXT;
ALTER TABLE patients ADD COLUMN earlier_missing INTEGER NOT NULL DEFAULT 0;
ALTER TABLE patients ADD COLUMN reassess_since TEXT;
-- Someone ever missing who is not missing now had an episode that ended.
UPDATE patients SET earlier_missing = 1 WHERE ever_missing = 1 AND status <> 'missing';

CREATE TABLE patient_history (
    id         INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patients(id),
    field      TEXT NOT NULL,
    value      TEXT NOT NULL,
    began_at   INTEGER NOT NULL
);
CREATE INDEX patient_history_patient ON patient_history(patient_id, began_at);
CREATE INDEX patient_history_began ON patient_history(began_at);

-- Control orders (管控): level 1-3 over a window, for the whole area (both lists empty) or some
-- townships and stations (JSON arrays of names), with the reason; ended early when ended_at.
CREATE TABLE control_orders (
    id        INTEGER PRIMARY KEY,
    level     INTEGER NOT NULL CHECK (level BETWEEN 1 AND 3),
    starts_at INTEGER NOT NULL,
    ends_at   INTEGER NOT NULL CHECK (ends_at > starts_at),
    townships TEXT NOT NULL DEFAULT '[]',
    stations  TEXT NOT NULL DEFAULT '[]',
    reason    TEXT NOT NULL,
    set_by    TEXT NOT NULL,
    set_at    INTEGER NOT NULL,
    ended_at  INTEGER,
    ended_by  TEXT
);
-- The single window an earlier version could hold in its settings becomes a whole-area order.
INSERT INTO control_orders (level, starts_at, ends_at, reason, set_by, set_at)
    SELECT CAST(substr(json_extract(value, '$.level'), 6) AS INTEGER),
        CAST(strftime('%s', json_extract(value, '$.starts_at')) AS INTEGER) * 1000,
        CAST(strftime('%s', json_extract(value, '$.ends_at')) AS INTEGER) * 1000,
        '', 'migration', 0
    FROM settings WHERE key = 'control_window' AND json_valid(value)
        AND json_extract(value, '$.level') IN ('level1', 'level2', 'level3')
        AND json_extract(value, '$.ends_at') > json_extract(value, '$.starts_at');
DELETE FROM settings WHERE key = 'control_window';

INSERT INTO patient_history (patient_id, field, value, began_at)
    SELECT id, f.field, CASE f.field
            WHEN 'status' THEN status
            WHEN 'risk' THEN CAST(risk_level AS TEXT)
            WHEN 'condition' THEN condition
            WHEN 'treatment_place' THEN COALESCE(treatment_place, '')
            WHEN 'medication' THEN COALESCE(medication, '')
            WHEN 'compliance' THEN COALESCE(compliance, '')
            WHEN 'township' THEN township
            WHEN 'village' THEN village
            ELSE station END,
        updated_at
    FROM patients, (SELECT 'status' AS field UNION ALL SELECT 'risk' UNION ALL SELECT 'condition'
        UNION ALL SELECT 'treatment_place' UNION ALL SELECT 'medication'
        UNION ALL SELECT 'compliance' UNION ALL SELECT 'township' UNION ALL SELECT 'village'
        UNION ALL SELECT 'station') f;
"#;

/// *r2*: resolving `missing` or `refused` records the written report (to whom, when).
const V_WRITTEN_REPORT: &str = r#"
ALTER TABLE alerts ADD COLUMN reported_to TEXT;
ALTER TABLE alerts ADD COLUMN reported_at INTEGER;
"#;

/// Issue 12: one deriver at a time (a lease), and per patient the next instant at which time
/// alone can change their derived alerts, so the deriver re-derives only those due. Every
/// patient starts due; a write to a patient, their team or a resolved alert makes them due
/// again (the write's own refresh then sets the real instant in the same transaction).
const V_DERIVER: &str = r#"
CREATE TABLE deriver_lease (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    pid         INTEGER NOT NULL,
    host        TEXT NOT NULL,
    login       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    taken_at    INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE TABLE deriver_runs (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    last_run_at INTEGER NOT NULL
);
CREATE TABLE alert_due (
    patient_id  INTEGER PRIMARY KEY REFERENCES patients(id),
    due_at      INTEGER
);
CREATE INDEX alert_due_at ON alert_due(due_at) WHERE due_at IS NOT NULL;
INSERT INTO alert_due (patient_id, due_at) SELECT id, 0 FROM patients;
CREATE TRIGGER alert_due_patient_new AFTER INSERT ON patients BEGIN
    INSERT OR REPLACE INTO alert_due (patient_id, due_at) VALUES (NEW.id, 0);
END;
CREATE TRIGGER alert_due_patient_changed AFTER UPDATE ON patients BEGIN
    INSERT OR REPLACE INTO alert_due (patient_id, due_at) VALUES (NEW.id, 0);
END;
CREATE TRIGGER alert_due_team_seated AFTER INSERT ON team_assignments BEGIN
    INSERT OR REPLACE INTO alert_due (patient_id, due_at) VALUES (NEW.patient_id, 0);
END;
CREATE TRIGGER alert_due_team_emptied AFTER DELETE ON team_assignments BEGIN
    INSERT OR REPLACE INTO alert_due (patient_id, due_at) VALUES (OLD.patient_id, 0);
END;
CREATE TRIGGER alert_due_alert_resolved AFTER UPDATE OF status ON alerts
    WHEN NEW.status = 'resolved' AND OLD.status <> 'resolved'
        AND NEW.kind NOT IN ('reported', 'transferred_in') BEGIN
    INSERT OR REPLACE INTO alert_due (patient_id, due_at) VALUES (NEW.patient_id, 0);
END;
-- Open alerts most urgent first, as lists and `alerts --json` stream them, without a sort.
CREATE INDEX alerts_open_order ON alerts(severity, raised_at, id) WHERE status <> 'resolved';
"#;

/// Issue 12: a change sequence. Triggers record which patient, alert, incident, team, person,
/// shift, control order or operator every committed write touched, whoever the writer is
/// (desk, import, derivation, tests), so that a console reloads only what changed since the
/// last sequence it saw. Old rows are pruned by writers (`changes::prune_in`).
const V_CHANGES: &str = r#"
CREATE TABLE changes (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    kind      TEXT NOT NULL,
    entity_id INTEGER NOT NULL
);
CREATE TRIGGER changes_patients_ins AFTER INSERT ON patients
    BEGIN INSERT INTO changes (kind, entity_id) VALUES ('patient', NEW.id); END;
CREATE TRIGGER changes_patients_upd AFTER UPDATE ON patients
    BEGIN INSERT INTO changes (kind, entity_id) VALUES ('patient', NEW.id); END;
CREATE TRIGGER changes_patients_del AFTER DELETE ON patients
    BEGIN INSERT INTO changes (kind, entity_id) VALUES ('patient', OLD.id); END;
CREATE TRIGGER changes_followups_ins AFTER INSERT ON followups
    BEGIN INSERT INTO changes (kind, entity_id) VALUES ('patient', NEW.patient_id); END;
CREATE TRIGGER changes_followups_upd AFTER UPDATE ON followups
    BEGIN INSERT INTO changes (kind, entity_id) VALUES ('patient', NEW.patient_id); END;
CREATE TRIGGER changes_followups_del AFTER DELETE ON followups
    BEGIN INSERT INTO changes (kind, entity_id) VALUES ('patient', OLD.patient_id); END;
CREATE TRIGGER changes_alerts_ins AFTER INSERT ON alerts
    BEGIN INSERT INTO changes (kind, entity_id) VALUES ('alert', NEW.id); END;
CREATE TRIGGER changes_alerts_upd AFTER UPDATE ON alerts
    BEGIN INSERT INTO changes (kind, entity_id) VALUES ('alert', NEW.id); END;
CREATE TRIGGER changes_alerts_del AFTER DELETE ON alerts
    BEGIN INSERT INTO changes (kind, entity_id) VALUES ('alert', OLD.id); END;
CREATE TRIGGER changes_incidents_ins AFTER INSERT ON incidents
    BEGIN INSERT INTO changes (kind, entity_id) VALUES ('incident', NEW.id); END;
CREATE TRIGGER changes_incidents_upd AFTER UPDATE ON incidents
    BEGIN INSERT INTO changes (kind, entity_id) VALUES ('incident', NEW.id); END;
CREATE TRIGGER changes_incidents_del AFTER DELETE ON incidents
    BEGIN INSERT INTO changes (kind, entity_id) VALUES ('incident', OLD.id); END;
CREATE TRIGGER changes_incident_steps_ins AFTER INSERT ON incident_steps
    BEGIN INSERT INTO changes (kind, entity_id) VALUES ('incident', NEW.incident_id); END;
CREATE TRIGGER changes_incident_steps_upd AFTER UPDATE ON incident_steps
    BEGIN INSERT INTO changes (kind, entity_id) VALUES ('incident', NEW.incident_id); END;
CREATE TRIGGER changes_incident_steps_del AFTER DELETE ON incident_steps
    BEGIN INSERT INTO changes (kind, entity_id) VALUES ('incident', OLD.incident_id); END;
CREATE TRIGGER changes_incident_notes_ins AFTER INSERT ON incident_notes
    BEGIN INSERT INTO changes (kind, entity_id) VALUES ('incident', NEW.incident_id); END;
CREATE TRIGGER changes_team_ins AFTER INSERT ON team_assignments
    BEGIN INSERT INTO changes (kind, entity_id) VALUES ('team', NEW.patient_id); END;
CREATE TRIGGER changes_team_upd AFTER UPDATE ON team_assignments
    BEGIN INSERT INTO changes (kind, entity_id) VALUES ('team', NEW.patient_id); END;
CREATE TRIGGER changes_team_del AFTER DELETE ON team_assignments
    BEGIN INSERT INTO changes (kind, entity_id) VALUES ('team', OLD.patient_id); END;
CREATE TRIGGER changes_persons_ins AFTER INSERT ON persons
    BEGIN INSERT INTO changes (kind, entity_id) VALUES ('person', NEW.id); END;
CREATE TRIGGER changes_persons_upd AFTER UPDATE ON persons
    BEGIN INSERT INTO changes (kind, entity_id) VALUES ('person', NEW.id); END;
CREATE TRIGGER changes_persons_del AFTER DELETE ON persons
    BEGIN INSERT INTO changes (kind, entity_id) VALUES ('person', OLD.id); END;
CREATE TRIGGER changes_shifts_ins AFTER INSERT ON shifts
    BEGIN INSERT INTO changes (kind, entity_id) VALUES ('shift', NEW.id); END;
CREATE TRIGGER changes_shifts_upd AFTER UPDATE ON shifts
    BEGIN INSERT INTO changes (kind, entity_id) VALUES ('shift', NEW.id); END;
CREATE TRIGGER changes_control_ins AFTER INSERT ON control_orders
    BEGIN INSERT INTO changes (kind, entity_id) VALUES ('control', NEW.id); END;
CREATE TRIGGER changes_control_upd AFTER UPDATE ON control_orders
    BEGIN INSERT INTO changes (kind, entity_id) VALUES ('control', NEW.id); END;
CREATE TRIGGER changes_control_del AFTER DELETE ON control_orders
    BEGIN INSERT INTO changes (kind, entity_id) VALUES ('control', OLD.id); END;
CREATE TRIGGER changes_operators_ins AFTER INSERT ON operators
    BEGIN INSERT INTO changes (kind, entity_id) VALUES ('operator', NEW.rowid); END;
CREATE TRIGGER changes_operators_upd AFTER UPDATE ON operators
    BEGIN INSERT INTO changes (kind, entity_id) VALUES ('operator', NEW.rowid); END;
"#;

/// Issue 12, the size of a province: a patient's history is one row per change event (a
/// column per field, NULL where it did not change) instead of one row per field, which was
/// nine rows for every new patient; the index on the instant alone goes (no query reads
/// history by instant without the patient). The rows are regrouped by the hook below. The
/// alert-due triggers write only when the patient is not already due, so a new patient's
/// five team members no longer replace the same row five times. New audit rows store their
/// hash as 32 bytes and do not repeat the previous one (see `store::audit`): the chain
/// trigger is replaced to accept that.
const V_HISTORY_EVENTS: &str = r#"
DROP INDEX patient_history_patient;
DROP INDEX patient_history_began;
ALTER TABLE patient_history RENAME TO patient_history_v10;
CREATE TABLE patient_history (
    id              INTEGER PRIMARY KEY,
    patient_id      INTEGER NOT NULL REFERENCES patients(id),
    began_at        INTEGER NOT NULL,
    status          TEXT,
    risk            TEXT,
    condition       TEXT,
    treatment_place TEXT,
    medication      TEXT,
    compliance      TEXT,
    township        TEXT,
    village         TEXT,
    station         TEXT
);
CREATE INDEX patient_history_patient ON patient_history(patient_id, began_at);

DROP TRIGGER alert_due_patient_changed;
DROP TRIGGER alert_due_team_seated;
DROP TRIGGER alert_due_team_emptied;
DROP TRIGGER alert_due_alert_resolved;
CREATE TRIGGER alert_due_patient_changed AFTER UPDATE ON patients
    WHEN (SELECT due_at FROM alert_due WHERE patient_id = NEW.id) IS NOT 0 BEGIN
    INSERT OR REPLACE INTO alert_due (patient_id, due_at) VALUES (NEW.id, 0);
END;
CREATE TRIGGER alert_due_team_seated AFTER INSERT ON team_assignments
    WHEN (SELECT due_at FROM alert_due WHERE patient_id = NEW.patient_id) IS NOT 0 BEGIN
    INSERT OR REPLACE INTO alert_due (patient_id, due_at) VALUES (NEW.patient_id, 0);
END;
CREATE TRIGGER alert_due_team_emptied AFTER DELETE ON team_assignments
    WHEN (SELECT due_at FROM alert_due WHERE patient_id = OLD.patient_id) IS NOT 0 BEGIN
    INSERT OR REPLACE INTO alert_due (patient_id, due_at) VALUES (OLD.patient_id, 0);
END;
CREATE TRIGGER alert_due_alert_resolved AFTER UPDATE OF status ON alerts
    WHEN NEW.status = 'resolved' AND OLD.status <> 'resolved'
        AND NEW.kind NOT IN ('reported', 'transferred_in')
        AND (SELECT due_at FROM alert_due WHERE patient_id = NEW.patient_id) IS NOT 0 BEGIN
    INSERT OR REPLACE INTO alert_due (patient_id, due_at) VALUES (NEW.patient_id, 0);
END;

-- A bulk write (a large import) holds the per-row change rows back while it runs and records
-- one 'reload' row instead: a console would reload whole after so many changes anyway, and
-- the rows (six or more per patient) were written only to be pruned at the commit.
CREATE TABLE changes_held (
    id INTEGER PRIMARY KEY CHECK (id = 1)
);
DROP TRIGGER changes_patients_ins;
CREATE TRIGGER changes_patients_ins AFTER INSERT ON patients
    WHEN NOT EXISTS (SELECT 1 FROM changes_held)
    BEGIN INSERT INTO changes (kind, entity_id) VALUES ('patient', NEW.id); END;
DROP TRIGGER changes_patients_upd;
CREATE TRIGGER changes_patients_upd AFTER UPDATE ON patients
    WHEN NOT EXISTS (SELECT 1 FROM changes_held)
    BEGIN INSERT INTO changes (kind, entity_id) VALUES ('patient', NEW.id); END;
DROP TRIGGER changes_patients_del;
CREATE TRIGGER changes_patients_del AFTER DELETE ON patients
    WHEN NOT EXISTS (SELECT 1 FROM changes_held)
    BEGIN INSERT INTO changes (kind, entity_id) VALUES ('patient', OLD.id); END;
DROP TRIGGER changes_alerts_ins;
CREATE TRIGGER changes_alerts_ins AFTER INSERT ON alerts
    WHEN NOT EXISTS (SELECT 1 FROM changes_held)
    BEGIN INSERT INTO changes (kind, entity_id) VALUES ('alert', NEW.id); END;
DROP TRIGGER changes_alerts_upd;
CREATE TRIGGER changes_alerts_upd AFTER UPDATE ON alerts
    WHEN NOT EXISTS (SELECT 1 FROM changes_held)
    BEGIN INSERT INTO changes (kind, entity_id) VALUES ('alert', NEW.id); END;
DROP TRIGGER changes_alerts_del;
CREATE TRIGGER changes_alerts_del AFTER DELETE ON alerts
    WHEN NOT EXISTS (SELECT 1 FROM changes_held)
    BEGIN INSERT INTO changes (kind, entity_id) VALUES ('alert', OLD.id); END;
DROP TRIGGER changes_team_ins;
CREATE TRIGGER changes_team_ins AFTER INSERT ON team_assignments
    WHEN NOT EXISTS (SELECT 1 FROM changes_held)
    BEGIN INSERT INTO changes (kind, entity_id) VALUES ('team', NEW.patient_id); END;
DROP TRIGGER changes_team_upd;
CREATE TRIGGER changes_team_upd AFTER UPDATE ON team_assignments
    WHEN NOT EXISTS (SELECT 1 FROM changes_held)
    BEGIN INSERT INTO changes (kind, entity_id) VALUES ('team', NEW.patient_id); END;
DROP TRIGGER changes_team_del;
CREATE TRIGGER changes_team_del AFTER DELETE ON team_assignments
    WHEN NOT EXISTS (SELECT 1 FROM changes_held)
    BEGIN INSERT INTO changes (kind, entity_id) VALUES ('team', OLD.patient_id); END;
DROP TRIGGER changes_persons_ins;
CREATE TRIGGER changes_persons_ins AFTER INSERT ON persons
    WHEN NOT EXISTS (SELECT 1 FROM changes_held)
    BEGIN INSERT INTO changes (kind, entity_id) VALUES ('person', NEW.id); END;
DROP TRIGGER changes_persons_upd;
CREATE TRIGGER changes_persons_upd AFTER UPDATE ON persons
    WHEN NOT EXISTS (SELECT 1 FROM changes_held)
    BEGIN INSERT INTO changes (kind, entity_id) VALUES ('person', NEW.id); END;
DROP TRIGGER changes_persons_del;
CREATE TRIGGER changes_persons_del AFTER DELETE ON persons
    WHEN NOT EXISTS (SELECT 1 FROM changes_held)
    BEGIN INSERT INTO changes (kind, entity_id) VALUES ('person', OLD.id); END;
"#;

/// Issue 12, the size of a province: an import's audit is one row that names the roster file
/// (kept whole, compressed, under its SHA-256) and links each patient it added to the file's
/// row that gave them, instead of a copy of every added record in its own row (88 MB of a
/// 100k import). Both tables are append-only like the log, and the import row's hash covers
/// the file's and the links' digests, so a changed file or link breaks the chain there.
const V_IMPORT_AUDIT: &str = r#"
CREATE TABLE roster_files (
    sha256 TEXT PRIMARY KEY,
    name   TEXT NOT NULL,
    bytes  INTEGER NOT NULL,
    data   BLOB NOT NULL
);
CREATE TABLE audit_patients (
    patient_id INTEGER NOT NULL,
    audit_id   INTEGER NOT NULL REFERENCES audit_log(id),
    line       INTEGER NOT NULL,
    registered INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (patient_id, audit_id)
) WITHOUT ROWID;
CREATE TRIGGER roster_files_no_update BEFORE UPDATE ON roster_files
BEGIN
    SELECT RAISE(ABORT, 'roster_files is append-only');
END;
CREATE TRIGGER roster_files_no_delete BEFORE DELETE ON roster_files
BEGIN
    SELECT RAISE(ABORT, 'roster_files is append-only');
END;
CREATE TRIGGER audit_patients_no_update BEFORE UPDATE ON audit_patients
BEGIN
    SELECT RAISE(ABORT, 'audit_patients is append-only');
END;
CREATE TRIGGER audit_patients_no_delete BEFORE DELETE ON audit_patients
BEGIN
    SELECT RAISE(ABORT, 'audit_patients is append-only');
END;
"#;

/// Issue 12, the size of a province: a seat's role is stored as its number in `Role::ALL`
/// (1 township cadre, 2 station officer, 3 village cadre, 4 doctor, 5 guardian) instead of
/// its code, which a 100k register repeated 460k times in the table and again in its person
/// index. Renaming the table carries its triggers along; they go with it and are made again.
const V_TEAM_ROLE_NUMBERS: &str = r#"
ALTER TABLE team_assignments RENAME TO team_assignments_v12;
CREATE TABLE team_assignments (
    patient_id  INTEGER NOT NULL REFERENCES patients(id),
    role        INTEGER NOT NULL CHECK (role BETWEEN 1 AND 5),
    person_id   INTEGER NOT NULL REFERENCES persons(id),
    assigned_at INTEGER NOT NULL,
    assigned_by TEXT NOT NULL,
    PRIMARY KEY (patient_id, role)
) WITHOUT ROWID;
INSERT INTO team_assignments (patient_id, role, person_id, assigned_at, assigned_by)
    SELECT patient_id, CASE role WHEN 'township_cadre' THEN 1 WHEN 'station_officer' THEN 2
        WHEN 'village_cadre' THEN 3 WHEN 'doctor' THEN 4 WHEN 'guardian' THEN 5 END,
        person_id, assigned_at, assigned_by
    FROM team_assignments_v12
    WHERE role IN ('township_cadre', 'station_officer', 'village_cadre', 'doctor', 'guardian');
DROP TABLE team_assignments_v12;
CREATE INDEX team_assignments_person ON team_assignments(person_id);
CREATE TRIGGER alert_due_team_seated AFTER INSERT ON team_assignments
    WHEN (SELECT due_at FROM alert_due WHERE patient_id = NEW.patient_id) IS NOT 0 BEGIN
    INSERT OR REPLACE INTO alert_due (patient_id, due_at) VALUES (NEW.patient_id, 0);
END;
CREATE TRIGGER alert_due_team_emptied AFTER DELETE ON team_assignments
    WHEN (SELECT due_at FROM alert_due WHERE patient_id = OLD.patient_id) IS NOT 0 BEGIN
    INSERT OR REPLACE INTO alert_due (patient_id, due_at) VALUES (OLD.patient_id, 0);
END;
CREATE TRIGGER changes_team_ins AFTER INSERT ON team_assignments
    WHEN NOT EXISTS (SELECT 1 FROM changes_held)
    BEGIN INSERT INTO changes (kind, entity_id) VALUES ('team', NEW.patient_id); END;
CREATE TRIGGER changes_team_upd AFTER UPDATE ON team_assignments
    WHEN NOT EXISTS (SELECT 1 FROM changes_held)
    BEGIN INSERT INTO changes (kind, entity_id) VALUES ('team', NEW.patient_id); END;
CREATE TRIGGER changes_team_del AFTER DELETE ON team_assignments
    WHEN NOT EXISTS (SELECT 1 FROM changes_held)
    BEGIN INSERT INTO changes (kind, entity_id) VALUES ('team', OLD.patient_id); END;
"#;

/// Issue 12, every change on every screen: an audit row is a change of its own. A write that
/// is only audited (an export, a phone number revealed) touched no patient, alert or incident,
/// so no console looked; the audit view missed it until the next other change.
const V_AUDIT_CHANGES: &str = r#"
CREATE TRIGGER changes_audit_ins AFTER INSERT ON audit_log
    BEGIN INSERT INTO changes (kind, entity_id) VALUES ('audit', NEW.id); END;
"#;

fn regroup_history(tx: &rusqlite::Transaction) -> rusqlite_migration::HookResult {
    super::history::regroup_field_rows(tx, "patient_history_v10")?;
    tx.execute_batch("DROP TABLE patient_history_v10;")?;
    tx.execute_batch(super::audit::CHAIN_TRIGGER_V11)?;
    Ok(())
}

pub fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(V1),
        M::up(V2),
        M::up(V3),
        M::up(V4),
        M::up_with_hook(V5, chain_existing_audit_rows),
        M::up(V_HISTORY),
        M::up(V_WRITTEN_REPORT),
        M::up(V_INCIDENT_STEPS),
        M::up(V_DERIVER),
        M::up(V_CHANGES),
        M::up_with_hook(V_HISTORY_EVENTS, regroup_history),
        M::up(V_IMPORT_AUDIT),
        M::up(V_TEAM_ROLE_NUMBERS),
        M::up(V_AUDIT_CHANGES),
    ])
}

/// The schema version this build writes.
pub const CURRENT_VERSION: usize = 14;

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_valid() {
        assert!(super::migrations().validate().is_ok());
        assert_eq!(super::CURRENT_VERSION, 14);
    }
}
