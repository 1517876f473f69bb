import Foundation
import HaloArtifacts
import HaloCore
import HaloJournal

extension SentinelService {
    /// What `halo journal verify` found.
    public struct VerifyReport: Sendable {
        /// True when the chain and every invariant hold.
        public var ok: Bool
        /// Human lines.
        public var lines: [String]
    }

    /// The Units of the Halo recorded in a state directory's journal, if any.
    public static func recordedUnits(stateDirectory: String) throws -> [String: UnitArtifact]? {
        guard FileManager.default.fileExists(atPath: stateDirectory + "/" + Journal.fileName) else { return nil }
        let journal = try Journal(directory: URL(fileURLWithPath: stateDirectory), configuration: JournalConfiguration(role: .reader))
        defer { try? journal.close() }
        var cursor = journal.records(from: 1, pageSize: 1)
        guard let first = try cursor.next(), first.kind == genesisKind,
              case .string(let path)? = try JSONParser.parse(first.payload)["halo"] else { return nil }
        let halo = try HaloArtifact.load(path: path)
        return Dictionary(uniqueKeysWithValues: halo.units.map { ($0.name, $0) })
    }

    /// Checks the hash chain, then replays the journal and checks every Unit's ledger:
    /// conservation per asset, no negative balance, the ledger's own hash chain.
    public static func verify(stateDirectory: String) -> VerifyReport {
        var lines: [String] = []
        guard FileManager.default.fileExists(atPath: stateDirectory + "/" + Journal.fileName) else {
            return VerifyReport(ok: false, lines: ["\(stateDirectory): no journal (\(Journal.fileName))"])
        }
        do {
            let journal = try Journal(directory: URL(fileURLWithPath: stateDirectory), configuration: JournalConfiguration(role: .reader))
            let chain = try journal.verify()
            try? journal.close()
            if let failure = chain.failure {
                return VerifyReport(ok: false, lines: ["hash chain BROKEN: \(failure)", "last good record: \(chain.lastGoodSeq)"])
            }
            lines.append("hash chain ok: \(chain.recordsChecked) records, head \(chain.lastGoodHash.prefix(16))…")
        } catch {
            return VerifyReport(ok: false, lines: ["cannot read the journal: \(error)"])
        }
        do {
            let service = try SentinelService(haloPath: nil, stateDirectory: stateDirectory, clock: .sim, role: .reader)
            defer { service.close() }
            var ok = true
            for name in service.unitNames {
                guard let sentinel = service.sentinels[name] else { continue }
                do {
                    try sentinel.unit.verifyInvariants()
                    try sentinel.unit.ledger.verifyChain()
                    lines.append("unit \(name): ledger balanced, \(sentinel.unit.ledger.entryCount) entries, chain ok")
                } catch {
                    ok = false
                    lines.append("unit \(name): BROKEN: \(error.code): \(error.message)")
                }
            }
            lines.append(ok ? "journal ok" : "journal BROKEN")
            return VerifyReport(ok: ok, lines: lines)
        } catch {
            return VerifyReport(ok: false, lines: lines + ["replay failed: \(error)"])
        }
    }
}
