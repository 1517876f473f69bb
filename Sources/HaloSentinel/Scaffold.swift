import Foundation
import HaloArtifacts

/// Why `halo new` refused (exit 2): the target exists, a name is invalid, a template is missing.
public struct ScaffoldError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, for a person.
    public var message: String
    public var description: String { message }
    init(_ message: String) { self.message = message }
}

/// What `halo new` did.
public struct ScaffoldResult: Sendable {
    /// Files written, in order (paths as given, relative to the working directory).
    public var created: [String] = []
    /// The Halo Artifact edited (`halo new unit`), with its old and new revision.
    public var edited: (path: String, fromRevision: Int, toRevision: Int)?
}

/// `halo new halo` and `halo new unit`: a Halo, or a Unit wired into a Halo, from the
/// templates installed beside the stdlib (`templates/`). Never overwrites a file.
///
/// A Unit gets `units/NAME/unit.yaml`, `policies/NAME.lua` (plus `policies/common/` when the
/// template's policy requires it and it is not there yet) and three starter fixtures in
/// `units/NAME/tests/` that pass as written; the Halo Artifact gets the Unit in its `units`
/// list and its `revision` bumped, edited as text so its comments and layout stay.
///
/// ```swift
/// let templates = StdlibLocator.templates(near: [])!
/// _ = try Scaffold.newHalo(name: "acme", in: ".", templates: templates)
/// _ = try Scaffold.newUnit(name: "credit-a", halo: "acme/halo.yaml", from: "blank", templates: templates)
/// ```
public enum Scaffold {
    /// The Unit templates `--from` accepts.
    public static let unitTemplates = ["blank", "tbill", "mmf", "clo-aaa"]
    /// The starter fixtures every Unit template gets.
    static let fixtures = ["normal-day.yaml", "stale-report.yaml", "policy-failure.yaml"]

    /// Creates `directory/name/` with `halo.yaml` (settlement schedule, no Units yet) and the
    /// factory template description `templates/lcts-unit.txt`.
    public static func newHalo(name: String, in directory: String, templates: String) throws(ScaffoldError) -> ScaffoldResult {
        try validate(name)
        let root = join(directory, name)
        let files = [(join(root, "halo.yaml"), try fill(read(join(templates, "halo.yaml")), ["name": name])),
                     (join(root, "templates/lcts-unit.txt"), try read(join(templates, "lcts-unit.txt")))]
        try refuseExisting(files.map(\.0))
        var result = ScaffoldResult()
        for (path, text) in files { try write(text, to: path); result.created.append(path) }
        return result
    }

    /// Creates Unit `name` from template `from` beside the Halo Artifact at `haloPath` and lists it there.
    public static func newUnit(name: String, halo haloPath: String, from: String, templates: String) throws(ScaffoldError) -> ScaffoldResult {
        try validate(name)
        guard unitTemplates.contains(from) else {
            throw ScaffoldError("--from is one of \(unitTemplates.joined(separator: ", ")), not '\(from)'")
        }
        guard FileManager.default.fileExists(atPath: haloPath) else {
            throw ScaffoldError("\(haloPath): no Halo Artifact here; create one with `halo new halo NAME`, or name it with --halo FILE")
        }
        let haloText = try read(haloPath)
        let halo: HaloArtifact
        do { halo = try HaloArtifact.load(path: haloPath) } catch { throw ScaffoldError("\(haloPath) is invalid: \(error.description)") }
        if halo.unit(named: name) != nil { throw ScaffoldError("\(haloPath) already lists a Unit named '\(name)'") }

        let haloDirectory = directory(of: haloPath)
        let unitDirectory = join(haloDirectory, "units/\(name)")
        let unitPath = join(unitDirectory, "unit.yaml")
        let policyPath = join(haloDirectory, "policies/\(name).lua")
        let source = join(templates, "units/\(from)")

        // The factory template the Unit pins: the Halo's own `lcts-unit`, or a copy of ours.
        var files: [(path: String, text: String)] = []
        let templateFile: String
        if let known = halo.templates["lcts-unit"] {
            templateFile = known
        } else {
            templateFile = join(haloDirectory, "templates/lcts-unit.txt")
            if !FileManager.default.fileExists(atPath: templateFile) {
                files.append((templateFile, try read(join(templates, "lcts-unit.txt"))))
            }
        }
        let templateText: String
        if let copied = files.first(where: { $0.path == templateFile }) { templateText = copied.text } else { templateText = try read(templateFile) }
        let values = [
            "unit": name, "share": name.uppercased(),
            "policy": relative(from: unitDirectory, to: policyPath),
            "policy_from_tests": relative(from: join(unitDirectory, "tests"), to: policyPath),
            "template_sha256": FileDigest.sha256(Data(templateText.utf8)),
            "report": try read(join(source, "report.txt")).trimmingCharacters(in: .whitespacesAndNewlines),
        ]
        files.append((unitPath, try fill(read(join(source, "unit.yaml")), values)))
        let policy = try fill(read(join(source, "policy.lua")), values)
        files.append((policyPath, policy))
        if policy.contains("require \"common.") {
            let common = join(templates, "units/common")
            let names = (try? FileManager.default.contentsOfDirectory(atPath: common))?.filter { $0.hasSuffix(".lua") }.sorted() ?? []
            for file in names where !FileManager.default.fileExists(atPath: join(haloDirectory, "policies/common/\(file)")) {
                files.append((join(haloDirectory, "policies/common/\(file)"), try read(join(common, file))))
            }
        }
        for fixture in fixtures {
            files.append((join(unitDirectory, "tests/\(fixture)"), try fill(read(join(templates, "units/tests/\(fixture)")), values)))
        }
        files.append((join(unitDirectory, "tests/broken-policy.lua"), try read(join(templates, "units/broken-policy.lua"))))
        try refuseExisting(files.map(\.path))

        let (edited, from, to) = try listUnit(relative(from: haloDirectory, to: unitPath), in: haloText, path: haloPath)
        var result = ScaffoldResult()
        for (path, text) in files { try write(text, to: path); result.created.append(path) }
        try write(edited, to: haloPath)
        result.edited = (haloPath, from, to)
        return result
    }

    /// Adds `entry` to the `units` list of a Halo Artifact's text and bumps `revision`, changing
    /// only those two lines (or inserting one list line): comments and layout stay as written.
    public static func listUnit(_ entry: String, in text: String, path: String) throws(ScaffoldError) -> (text: String, from: Int, to: Int) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let revisionLine = lines.firstIndex(where: { $0.hasPrefix("revision:") }) else {
            throw ScaffoldError("\(path): no top-level 'revision:' line to bump")
        }
        let line = lines[revisionLine]
        let afterKey = line.dropFirst("revision:".count)
        let digits = afterKey.drop { $0 == " " }.prefix { $0.isNumber }
        guard let revision = Int(digits) else { throw ScaffoldError("\(path):\(revisionLine + 1): revision is not a whole number") }
        let spaces = afterKey.prefix { $0 == " " }
        let tail = String(afterKey.drop { $0 == " " }.dropFirst(digits.count))
        lines[revisionLine] = "revision:" + String(spaces) + String(revision + 1) + tail

        guard let unitsLine = lines.firstIndex(where: { $0.hasPrefix("units:") }) else {
            throw ScaffoldError("\(path): no top-level 'units:' line to add the Unit to")
        }
        let rest = lines[unitsLine].dropFirst("units:".count)
        let value = rest.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        if value.hasPrefix("[") {
            guard value.hasSuffix("]") else { throw ScaffoldError("\(path):\(unitsLine + 1): a 'units' list over several lines in [...]; write it one Unit per line") }
            let inside = value.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
            let newValue = inside.isEmpty ? "[\(entry)]" : "[\(inside), \(entry)]"
            lines[unitsLine] = lines[unitsLine].replacingOccurrences(of: value, with: newValue)
        } else {
            var last = unitsLine
            var indent = "  "
            var index = unitsLine + 1
            while index < lines.count {
                let trimmed = lines[index].drop { $0 == " " }
                if trimmed.hasPrefix("- ") {
                    last = index
                    indent = String(lines[index].prefix { $0 == " " })
                } else if !(trimmed.isEmpty || trimmed.hasPrefix("#")) {
                    break
                }
                index += 1
            }
            lines.insert(indent + "- " + entry, at: last + 1)
        }
        return (lines.joined(separator: "\n"), revision, revision + 1)
    }

    // MARK: Files

    static func validate(_ name: String) throws(ScaffoldError) {
        let valid = !name.isEmpty && name.first!.isLetter && name.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" || $0 == "_" }
        guard valid else { throw ScaffoldError("'\(name)' is not a valid name: a letter, then letters, digits, '-' or '_'") }
    }

    static func refuseExisting(_ paths: [String]) throws(ScaffoldError) {
        let existing = paths.filter { FileManager.default.fileExists(atPath: $0) }
        guard existing.isEmpty else {
            throw ScaffoldError("refusing to overwrite: \(existing.joined(separator: ", ")) already exist\(existing.count == 1 ? "s" : "")")
        }
    }

    static func read(_ path: String) throws(ScaffoldError) -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ScaffoldError("cannot read template \(path) (set HALO_STDLIB to an installed stdlib; templates sit beside it)")
        }
        return text
    }

    static func write(_ text: String, to path: String) throws(ScaffoldError) {
        do {
            try FileManager.default.createDirectory(atPath: directory(of: path), withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw ScaffoldError("cannot write \(path): \(error.localizedDescription)")
        }
    }

    /// Replaces every `{{key}}`; a placeholder left over is a broken template.
    static func fill(_ text: String, _ values: [String: String]) throws(ScaffoldError) -> String {
        var result = text
        for (key, value) in values { result = result.replacingOccurrences(of: "{{\(key)}}", with: value) }
        if let range = result.range(of: "{{") {
            throw ScaffoldError("template placeholder left unfilled near '\(result[range.lowerBound...].prefix(30))'")
        }
        return result
    }

    static func join(_ directory: String, _ path: String) -> String {
        ArtifactPath.normalize(directory.isEmpty ? path : directory + "/" + path)
    }

    static func directory(of path: String) -> String {
        let directory = (path as NSString).deletingLastPathComponent
        return directory.isEmpty ? "." : directory
    }

    /// The path of `file` relative to `directory` (both relative to the same place, or absolute).
    static func relative(from directory: String, to file: String) -> String {
        let base = PolicyHost.absolute(directory).split(separator: "/").map(String.init).filter { $0 != "." }
        let target = PolicyHost.absolute(file).split(separator: "/").map(String.init).filter { $0 != "." }
        var common = 0
        while common < base.count, common < target.count - 1, base[common] == target[common] { common += 1 }
        let ups = Array(repeating: "..", count: base.count - common)
        return (ups + target[common...]).joined(separator: "/")
    }
}
