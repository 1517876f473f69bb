import Foundation
import Testing
@testable import HaloArtifacts

/// The docs cannot fall behind the loaders: every field `ArtifactFields` accepts appears,
/// in backticks, on its reference page; and no doc names a `*.md` file the project lacks.
struct ArtifactFieldsTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func everyAcceptedFieldIsInTheReference() throws {
        var missing: [String] = []
        for (place, page, fields) in ArtifactFields.table {
            let text = try String(contentsOf: Self.repository.appendingPathComponent("docs/reference/\(page)"), encoding: .utf8)
            for field in fields.sorted() where !text.contains("`\(field)`") {
                missing.append("\(place).\(field) (docs/reference/\(page))")
            }
        }
        #expect(missing.isEmpty, "accepted by the loaders but not documented: \(missing.joined(separator: ", "))")
    }

    @Test func theLoaderListsComeFromTheTable() throws {
        let root = try YAMLNode.parse("unit: x\nbogus: 1\n", file: "u.yaml", code: .artifactInvalid)
        do {
            try root.allowOnly(place: "unit")
            Issue.record("an unknown field was accepted")
        } catch {
            let known = ArtifactFields.fields("unit").sorted().joined(separator: ", ")
            #expect(error.message == "unknown field 'bogus' (known: \(known))")
        }
    }

    @Test func expectAcceptsFlagsUnitAccountsAndState() {
        for key in ["flags", "unit_accounts", "state"] { #expect(ArtifactFields.fields("expect").contains(key)) }
    }

    @Test func docsNameOnlyShippedMarkdownFiles() throws {
        let docs = Self.repository.appendingPathComponent("docs")
        var files = [Self.repository.appendingPathComponent("README.md")]
        for name in try FileManager.default.contentsOfDirectory(atPath: docs.path) where name.hasSuffix(".md") { files.append(docs.appendingPathComponent(name)) }
        for name in try FileManager.default.contentsOfDirectory(atPath: docs.path + "/reference") where name.hasSuffix(".md") {
            files.append(docs.appendingPathComponent("reference/" + name))
        }
        let shipped = Set(files.map(\.lastPathComponent))
        let pattern = try NSRegularExpression(pattern: "[A-Za-z0-9_.-]+\\.md")
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let name = String(text[Range(match.range, in: text)!])
                #expect(shipped.contains(name), "\(file.lastPathComponent) names \(name), which the project does not ship")
            }
        }
    }
}
