import GRDB
import HaloJournal

/// Plays the attacker: edits the journal file directly, past the append-only triggers.
func tamper(_ directory: TemporaryDirectory, _ sql: String, arguments: StatementArguments = []) throws {
    var configuration = Configuration()
    configuration.busyMode = .timeout(5)
    let raw = try DatabaseQueue(path: directory.journalPath, configuration: configuration)
    try raw.write { db in
        try db.execute(sql: """
            DROP TRIGGER IF EXISTS records_are_append_only_update;
            DROP TRIGGER IF EXISTS records_are_append_only_delete;
            """)
        try db.execute(sql: sql, arguments: arguments)
    }
    try raw.close()
}
