import Foundation

/// A strict parser of the Prometheus text exposition format (version 0.0.4), for tests:
/// it refuses what Prometheus would refuse (bad names, bad escapes, samples of an undeclared
/// family, histogram buckets out of order or not cumulative) rather than grepping.
struct PrometheusText {
    struct Sample: Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    struct Family {
        var name: String
        var type: String
        var help: String?
        var samples: [Sample] = []
    }

    struct ParseError: Error, CustomStringConvertible {
        var line: Int
        var message: String
        var description: String { "line \(line): \(message)" }
    }

    private(set) var families: [String: Family] = [:]

    init(_ text: String) throws {
        var order: [String] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(raw)
            let number = index + 1
            if line.isEmpty { continue }
            if line.hasPrefix("#") {
                let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
                guard parts.count >= 3, parts[0] == "#" else { continue }
                let name = parts[2]
                guard Self.validName(name) else { throw ParseError(line: number, message: "bad metric name '\(name)'") }
                if parts[1] == "TYPE" {
                    guard parts.count == 4, ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3]) else {
                        throw ParseError(line: number, message: "bad TYPE line")
                    }
                    guard families[name]?.samples.isEmpty ?? true else { throw ParseError(line: number, message: "TYPE after samples of \(name)") }
                    if families[name] != nil, families[name]?.type != "untyped" { throw ParseError(line: number, message: "second TYPE for \(name)") }
                    families[name, default: Family(name: name, type: parts[3])].type = parts[3]
                    if !order.contains(name) { order.append(name) }
                } else if parts[1] == "HELP" {
                    families[name, default: Family(name: name, type: "untyped")].help = parts.count == 4 ? parts[3] : ""
                    if !order.contains(name) { order.append(name) }
                }
                continue
            }
            let sample = try Self.sample(line, number: number)
            let family = try familyName(of: sample.name, number: number)
            families[family]!.samples.append(sample)
        }
        for family in families.values where family.type == "histogram" { try Self.checkHistogram(family) }
    }

    /// The family a sample belongs to: its own name, or a histogram/summary's base name.
    private func familyName(of name: String, number: Int) throws -> String {
        if families[name] != nil, families[name]?.type != "histogram" { return name }
        for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
            let base = String(name.dropLast(suffix.count))
            if let family = families[base], family.type == "histogram" || family.type == "summary" { return base }
        }
        throw ParseError(line: number, message: "sample \(name) has no TYPE declared before it")
    }

    static func validName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || first == ":" || CharacterSet.letters.contains(first), first.isASCII else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0 == "_" || $0 == ":" || CharacterSet.alphanumerics.contains($0)) }
    }

    static func sample(_ line: String, number: Int) throws -> Sample {
        var chars = Array(line.unicodeScalars)[...]
        var name = ""
        while let c = chars.first, c != "{", c != " " { name.unicodeScalars.append(c); chars = chars.dropFirst() }
        guard validName(name) else { throw ParseError(line: number, message: "bad sample name '\(name)'") }
        var labels: [String: String] = [:]
        if chars.first == "{" {
            chars = chars.dropFirst()
            while chars.first != "}" {
                var label = ""
                while let c = chars.first, c != "=" { label.unicodeScalars.append(c); chars = chars.dropFirst() }
                guard validName(label), !label.contains(":"), chars.first == "=" else { throw ParseError(line: number, message: "bad label name '\(label)'") }
                chars = chars.dropFirst()
                guard chars.first == "\"" else { throw ParseError(line: number, message: "label value not quoted") }
                chars = chars.dropFirst()
                var value = ""
                while true {
                    guard let c = chars.first else { throw ParseError(line: number, message: "unterminated label value") }
                    chars = chars.dropFirst()
                    if c == "\"" { break }
                    if c == "\\" {
                        guard let escaped = chars.first else { throw ParseError(line: number, message: "bad escape") }
                        chars = chars.dropFirst()
                        switch escaped {
                        case "\\": value += "\\"
                        case "\"": value += "\""
                        case "n": value += "\n"
                        default: throw ParseError(line: number, message: "bad escape \\\(escaped)")
                        }
                    } else {
                        value.unicodeScalars.append(c)
                    }
                }
                guard labels.updateValue(value, forKey: label) == nil else { throw ParseError(line: number, message: "duplicate label \(label)") }
                if chars.first == "," { chars = chars.dropFirst() } else if chars.first != "}" {
                    throw ParseError(line: number, message: "expected , or } in labels")
                }
            }
            chars = chars.dropFirst()
        }
        guard chars.first == " " else { throw ParseError(line: number, message: "expected a space before the value") }
        let rest = String(String.UnicodeScalarView(chars.dropFirst())).split(separator: " ")
        guard rest.count == 1 || rest.count == 2 else { throw ParseError(line: number, message: "expected value [timestamp]") }
        let text = String(rest[0])
        let value: Double
        switch text {
        case "+Inf": value = .infinity
        case "-Inf": value = -.infinity
        case "NaN": value = .nan
        default:
            guard let parsed = Double(text) else { throw ParseError(line: number, message: "bad value '\(text)'") }
            value = parsed
        }
        if rest.count == 2, Int64(rest[1]) == nil { throw ParseError(line: number, message: "bad timestamp") }
        return Sample(name: name, labels: labels, value: value)
    }

    static func checkHistogram(_ family: Family) throws {
        var series: [[String: String]: [(le: Double, count: Double)]] = [:]
        var counts: [[String: String]: Double] = [:]
        for sample in family.samples {
            var key = sample.labels
            if sample.name == family.name + "_bucket" {
                guard let le = key.removeValue(forKey: "le") else { throw ParseError(line: 0, message: "\(family.name) bucket without le") }
                let bound = le == "+Inf" ? Double.infinity : Double(le)
                guard let bound else { throw ParseError(line: 0, message: "bad le '\(le)'") }
                series[key, default: []].append((bound, sample.value))
            } else if sample.name == family.name + "_count" {
                counts[key] = sample.value
            }
        }
        for (key, buckets) in series {
            for (a, b) in zip(buckets, buckets.dropFirst()) {
                guard a.le < b.le, a.count <= b.count else { throw ParseError(line: 0, message: "\(family.name) buckets not increasing/cumulative") }
            }
            guard buckets.last?.le == .infinity, buckets.last?.count == counts[key] else {
                throw ParseError(line: 0, message: "\(family.name): +Inf bucket missing or not equal to _count")
            }
        }
    }

    /// Samples named `name` whose labels include `labels`.
    func samples(_ name: String, _ labels: [String: String] = [:]) -> [Sample] {
        families.values.flatMap(\.samples).filter { sample in
            sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value }
        }
    }

    /// The sum of the values of those samples.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double {
        samples(name, labels).reduce(0) { $0 + $1.value }
    }
}
