@testable import HaloCore

/// Base units of a decimal token string (18 decimals); traps on a typo in a test literal.
func tokens(_ text: String) -> UInt256 { try! Amount(parsing: text).units }

/// A decimal token string of base units.
func text(_ units: UInt256) -> String { Amount(units: units).description }

/// A fixed time from ISO-8601.
func at(_ iso: String) -> Timestamp { try! Timestamp(iso8601: iso) }
