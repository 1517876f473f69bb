import ArgumentParser
import HaloSentinel

/// `--trace` and `--trace=settle,signals`: a bare `--trace` is rewritten to `--trace=all`
/// before parsing, because the argument parser has no option with an optional value.
enum TraceOption {
    /// The hooks a policy may define.
    static let known: Set<String> = ["settle", "signals", "respond", "migrate"]

    /// The hooks to show (nil: all of them).
    static func hooks(_ value: String?) -> Set<String>? {
        guard let value, value != "all" else { return nil }
        return Set(value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
    }

    static func rewrite(_ arguments: [String]) -> [String] {
        arguments.map { $0 == "--trace" ? "--trace=all" : $0 }
    }
}

extension Halo {
    /// Parses the command line with `--trace` given its default value, then runs.
    static func main() {
        main(TraceOption.rewrite(Array(CommandLine.arguments.dropFirst())))
    }
}
