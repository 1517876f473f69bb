import HaloArtifacts
import HaloCore

/// Severity ladder of warning signals.
public enum Severity: String, Sendable, CaseIterable, Comparable {
    case info, warning, alert, critical

    public static func < (a: Severity, b: Severity) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// What the policy's `settle` hook decided, after validation.
public struct SettleDecision: Sendable, Equatable, Codable {
    /// USDS of the subscribe queue to convert.
    public var subscribeCapacity: Amount
    /// Unit shares of the redeem queue to convert.
    public var redeemCapacity: Amount
    /// The exchange rate to apply at settlement (nil keeps the current one).
    public var exchangeRate: Rate?
    /// The policy's note, if any.
    public var note: String?

    /// Converts nothing and keeps the rate: the safe fallback.
    public static let nothing = SettleDecision(subscribeCapacity: .zero, redeemCapacity: .zero, exchangeRate: nil, note: nil)
}

/// A warning signal raised by the policy (or by the runtime: `POLICY_FAILURE`).
public struct RaisedSignal: Sendable, Equatable {
    /// When it was raised.
    public var time: Timestamp
    /// Its code, declared in the Unit Artifact.
    public var code: String
    /// Its severity.
    public var severity: Severity
    /// Text for the operator.
    public var message: String
}

/// One action a policy proposed (from `respond` or a migration plan).
public struct ProposedAction: Sendable, Equatable {
    /// The action name as written (`halt_subscriptions`, `note`, ...).
    public var name: String
    /// The policy's reason or text.
    public var reason: String
    /// The rate-limit key (`zero_rate_limit`, `set_rate_limit`).
    public var key: String?
    /// New maximum (`set_rate_limit`).
    public var maxAmount: Amount?
    /// New slope (`set_rate_limit`).
    public var slope: Amount?
    /// New exchange rate (`haircut`).
    public var rate: Rate?
    /// Severity (`alert`).
    public var severity: Severity?
}

/// Why a hook's result was not used.
public struct PolicyFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// `bad-decision`, `policy-error`, `sandbox-timeout`, `sandbox-memory` or `sandbox-forbidden`.
    public var code: String
    /// What went wrong.
    public var message: String
    /// `file.lua:12` when known.
    public var location: String?

    /// Creates a failure.
    public init(code: String, message: String, location: String? = nil) {
        self.code = code
        self.message = message
        self.location = location
    }

    /// A bad decision.
    static func bad(_ message: String) -> PolicyFailure { PolicyFailure(code: "bad-decision", message: message) }

    /// `location: code: message`.
    public var description: String {
        (location.map { "\($0): " } ?? "") + "\(code): \(message)"
    }

    /// `location: message`, for a place that shows ``code`` on its own (a checklist item, an
    /// error that carries the same code), so the code is not printed twice.
    public var locatedMessage: String {
        (location.map { "\($0): " } ?? "") + message
    }
}
