import ArgumentParser
import Foundation
import HaloServer
import HaloSentinel

/// `halo run --http`: the server's pieces, started before recovery so the probes answer during it.
struct HTTPRuntime {
    var state: ServerState
    var metrics: HaloMetrics
    var submitter: EventSubmitter
    var server: HaloHTTPServer

    /// Parses `--http` and `--http-token-file`, binds, prints the bound address on stderr.
    static func start(address text: String, tokenFile: String?, stateDirectory: String) throws -> HTTPRuntime {
        guard let address = HTTPAddress(parsing: text) else {
            Output.error("--http: '\(text)' is not HOST:PORT")
            throw ExitCode(2)
        }
        var token: String?
        if let tokenFile {
            guard let data = FileManager.default.contents(atPath: tokenFile),
                  let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else {
                Output.error("--http-token-file: \(tokenFile) cannot be read or is empty")
                throw ExitCode(2)
            }
            token = text
        }
        let state = ServerState()
        let metrics = HaloMetrics()
        let submitter = EventSubmitter(stateDirectory: stateDirectory)
        let server = HaloHTTPServer(state: state, metrics: metrics, history: JournalHistory(stateDirectory: stateDirectory),
                                    submitter: submitter, token: token)
        do {
            let bound = try server.start(address)
            Output.error("halo: http listening on http://\(bound)")
        } catch {
            Output.error("--http: cannot listen on \(address): \(error)")
            throw ExitCode(2)
        }
        return HTTPRuntime(state: state, metrics: metrics, submitter: submitter, server: server)
    }

    /// The Sentinel is up (journal open, recovered): serve its state and accept events.
    func attach(_ service: SentinelService, stateDirectory: String) {
        SentinelPublisher(state: state, metrics: metrics, stateDirectory: stateDirectory).attach(to: service)
        submitter.ready(units: Dictionary(uniqueKeysWithValues: service.halo.units.map { ($0.name, $0) }))
    }
}
