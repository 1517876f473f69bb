import Foundation

/// Finds fixtures: every `*.yaml` in a `tests/` directory beside a Unit Artifact (`unit.yaml`).
public enum TestDiscovery {
    /// Fixture files under `paths` (a fixture file itself counts), sorted, without duplicates.
    public static func fixtures(under paths: [String]) -> [String] {
        var found: Set<String> = []
        let fileManager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if !isDirectory.boolValue {
                if path.hasSuffix(".yaml") || path.hasSuffix(".yml") { found.insert(ArtifactPathing.clean(path)) }
                continue
            }
            guard let walker = fileManager.enumerator(atPath: path) else { continue }
            for case let relative as String in walker {
                guard relative.hasSuffix(".yaml") || relative.hasSuffix(".yml") else { continue }
                let components = relative.split(separator: "/")
                guard components.count >= 2, components[components.count - 2] == "tests" else { continue }
                let unitDirectory = ([path] + components.dropLast(2).map(String.init)).joined(separator: "/")
                guard fileManager.fileExists(atPath: unitDirectory + "/unit.yaml") else { continue }
                found.insert(ArtifactPathing.clean(path + "/" + relative))
            }
        }
        return found.sorted()
    }

    /// The fixtures of the Unit whose artifact is at `unitPath`.
    public static func fixtures(ofUnitAt unitPath: String) -> [String] {
        let directory = (unitPath as NSString).deletingLastPathComponent
        let tests = (directory.isEmpty ? "." : directory) + "/tests"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: tests) else { return [] }
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { ArtifactPathing.clean(tests + "/" + $0) }
    }
}

enum ArtifactPathing {
    static func clean(_ path: String) -> String {
        var result = path
        while result.contains("//") { result = result.replacingOccurrences(of: "//", with: "/") }
        if result.hasPrefix("./") { result.removeFirst(2) }
        return result
    }
}
