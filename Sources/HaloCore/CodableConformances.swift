// Codable forms of the core types, so the Sentinel can journal entries and snapshot Unit
// state. Amounts and rates encode as exact decimal strings (never JSON numbers, which
// many decoders read as doubles); times as ISO-8601 UTC; durations as "18h"-style text.

extension UInt256: Codable {
    /// Decodes the decimal string written by ``encode(to:)``.
    ///
    /// ```swift
    /// // "1000000000000000000" -> UInt256.wad
    /// ```
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = UInt256(decimalString: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "not a 256-bit decimal integer: \(text)"))
        }
        self = value
    }

    /// Encodes as a decimal string of base units.
    ///
    /// ```swift
    /// // UInt256(5) -> "5"
    /// ```
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension Rate: Codable {
    /// Decodes a decimal rate string (`"0.98"`).
    ///
    /// ```swift
    /// // "1.25" -> Rate(wad: 1250000000000000000)
    /// ```
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { self = try Rate(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    /// Encodes as the decimal rate string.
    ///
    /// ```swift
    /// // Rate.one -> "1"
    /// ```
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}


extension Timestamp: Codable {
    /// Decodes ISO-8601 UTC text, or plain epoch seconds (for instants outside years
    /// 0000-9999, such as ``Timestamp/distantFuture``).
    ///
    /// ```swift
    /// // "2026-03-02T13:00:00Z" -> Timestamp(seconds: 1772456400)
    /// ```
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let seconds = try? container.decode(Int64.self) {
            self.init(seconds: seconds)
            return
        }
        let text = try container.decode(String.self)
        do { self = try Timestamp(iso8601: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    /// Encodes as ISO-8601 UTC text when the year has four digits, else as epoch seconds.
    ///
    /// ```swift
    /// // Timestamp(seconds: 0) -> "1970-01-01T00:00:00Z"
    /// ```
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        let year = date.year
        if (0...9999).contains(year) { try container.encode(iso8601) } else { try container.encode(seconds) }
    }
}

extension TimeSpan: Codable {
    /// Decodes duration text (`"18h"`).
    ///
    /// ```swift
    /// // "1d" -> TimeSpan(seconds: 86400)
    /// ```
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { self = try TimeSpan(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    /// Encodes as duration text in the largest exact unit.
    ///
    /// ```swift
    /// // TimeSpan(seconds: 64800) -> "18h"
    /// ```
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension TimeOfDay: Codable {
    /// Decodes `"HH:MM"`.
    ///
    /// ```swift
    /// // "13:00" -> TimeOfDay(hour: 13, minute: 0)
    /// ```
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { self = try TimeOfDay(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    /// Encodes as `"HH:MM"`.
    ///
    /// ```swift
    /// // TimeOfDay(hour: 9, minute: 5) -> "09:05"
    /// ```
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension Weekday: Codable {}
extension QueueKind: Codable {}
extension QueueStatus: Codable {}
