import GRDB

/// The journal's tables, created and upgraded by GRDB migrations.
///
/// Migrations are append-only like the records: a released migration is never edited; a
/// change is a new migration, so a journal written by any release opens in every later one.
enum JournalSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-records-snapshots-inbox") { db in
            // seq is assigned by the journal (last + 1) rather than AUTOINCREMENT, because the
            // hash covers it and must be known before the row exists.
            try db.execute(sql: """
                CREATE TABLE records (
                    seq       INTEGER PRIMARY KEY,
                    kind      TEXT NOT NULL,
                    event_id  TEXT UNIQUE,
                    unit      TEXT,
                    time      TEXT NOT NULL,
                    payload   TEXT NOT NULL,
                    prev_hash TEXT NOT NULL,
                    hash      TEXT NOT NULL
                );
                -- Append-only by construction: an edit needs a deliberate DROP TRIGGER,
                -- and even then verify() finds it through the hash chain.
                CREATE TRIGGER records_are_append_only_update BEFORE UPDATE ON records
                BEGIN SELECT RAISE(ABORT, 'journal records are append-only'); END;
                CREATE TRIGGER records_are_append_only_delete BEFORE DELETE ON records
                BEGIN SELECT RAISE(ABORT, 'journal records are append-only'); END;

                CREATE TABLE snapshots (
                    seq          INTEGER PRIMARY KEY,
                    record_hash  TEXT NOT NULL,
                    state        BLOB NOT NULL,
                    state_sha256 TEXT NOT NULL,
                    created_at   TEXT NOT NULL
                );

                -- AUTOINCREMENT so that an id is never reused after its row is drained:
                -- a reused id would collide with the journaled event id "inbox:<id>" and the
                -- new event would be wrongly skipped as a duplicate.
                CREATE TABLE inbox (
                    id          INTEGER PRIMARY KEY AUTOINCREMENT,
                    received_at TEXT NOT NULL,
                    payload     TEXT NOT NULL
                );
                """)
        }
        return migrator
    }
}
