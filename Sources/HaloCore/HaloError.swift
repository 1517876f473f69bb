/// Why a domain operation (queue, rate limit, configurator, controller, ledger, Unit) was
/// refused. A refused operation changes nothing.
///
/// `code` is the contract's stable kebab-case code (CONTRACT.md, "Error codes"); `message`
/// explains it to a human with the numbers involved.
///
/// ```swift
/// do { _ = try queue.deposit(account: "alice", amount: .zero) }
/// catch { print(error.code) }   // "zero-amount"
/// ```
public enum HaloError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An amount of zero, or a deposit too small to mint a single share.
    case zeroAmount
    /// The queue's current generation is LOCKED (deposit, claim and exit wait for settle).
    case queueLocked
    /// Settle needs a LOCKED queue.
    case notLocked
    /// The account has no position in this queue.
    case noPosition(account: String)
    /// A ledger transfer would take an account below zero.
    case insufficientBalance(account: String, asset: String, balance: UInt256, required: UInt256)
    /// The rate limit for the key was never set (or is set to zero max).
    case rateLimitNotSet(key: String)
    /// The flow is larger than what the rate limit currently allows.
    case rateLimitExceeded(key: String, requested: UInt256, available: UInt256)
    /// 4-field set with `lastAmount > maxAmount`.
    case invalidLastAmount(key: String)
    /// 4-field set with `lastUpdated` in the future.
    case invalidLastUpdated(key: String)
    /// The Configurator has no approved init for the key.
    case noInit(key: String)
    /// An increase came before `lastIncrease + hop`.
    case incrementTooSoon(key: String, allowedAt: Timestamp)
    /// An increase of maxAmount beyond `max(current * maxChange, init)`.
    case exceedsMaxAmount(key: String, requested: UInt256, allowed: UInt256)
    /// An increase of slope beyond `max(current * maxChange, init)`.
    case exceedsMaxSlope(key: String, requested: UInt256, allowed: UInt256)
    /// Unlimited (max = 2^256 - 1) requires slope 0 and an unlimited init.
    case unlimitedIncorrectParams(key: String)
    /// An increase while the Configurator's `hop` is 0 (PAS `Configurator/hop-not-set`).
    case hopNotSet(key: String)
    /// The caller does not hold the authority for the operation.
    case notAuthorized(String)
    /// The PAU's relayer was removed by the freezer: no flow until a new one is set.
    case relayerFrozen
    /// Subscriptions are halted (an emergency response); redeem, claim and exit still work.
    case subscriptionsHalted
    /// An exchange rate of zero (it would make every share worthless and divide by zero).
    case invalidExchangeRate
    /// A ledger entry or chain does not verify (hash, sequence, link or posting).
    case ledgerInvalid(String)
    /// An arithmetic or amount-format error underneath.
    case amount(AmountError)

    /// The stable error code.
    ///
    /// ```swift
    /// HaloError.incrementTooSoon(key: "deposit", allowedAt: Timestamp(seconds: 0)).code
    /// // "increment-too-soon"
    /// ```
    public var code: String {
        switch self {
        case .zeroAmount: "zero-amount"
        case .queueLocked: "queue-locked"
        case .notLocked: "not-locked"
        case .noPosition: "no-position"
        case .insufficientBalance: "insufficient-balance"
        case .rateLimitNotSet: "rate-limit-not-set"
        case .rateLimitExceeded: "rate-limit-exceeded"
        case .invalidLastAmount: "invalid-last-amount"
        case .invalidLastUpdated: "invalid-last-updated"
        case .noInit: "no-init"
        case .incrementTooSoon: "increment-too-soon"
        case .exceedsMaxAmount: "exceeds-max-amount"
        case .exceedsMaxSlope: "exceeds-max-slope"
        case .unlimitedIncorrectParams: "unlimited-incorrect-params"
        case .hopNotSet: "hop-not-set"
        case .notAuthorized: "not-authorized"
        case .relayerFrozen: "relayer-frozen"
        case .subscriptionsHalted: "subscriptions-halted"
        case .invalidExchangeRate: "invalid-exchange-rate"
        case .ledgerInvalid: "ledger-invalid"
        case .amount(let error): error.code
        }
    }

    /// A one-line explanation for humans, with the amounts involved in tokens (18 decimals,
    /// the Units' default; the exact base units are in the error's associated values).
    ///
    /// ```swift
    /// HaloError.queueLocked.message   // "the queue is locked until settlement"
    /// ```
    static func tokens(_ units: UInt256) -> String {
        units == .max ? "unlimited" : Amount(units: units).description
    }

    public var message: String {
        switch self {
        case .zeroAmount: "amount must be greater than zero (and mint at least one share)"
        case .queueLocked: "the queue is locked until settlement"
        case .notLocked: "settle needs a locked queue; lock it first"
        case .noPosition(let account): "\(account) has no position in this queue"
        case let .insufficientBalance(account, asset, balance, required):
            "\(account) holds \(Self.tokens(balance)) \(asset), needs \(Self.tokens(required))"
        case .rateLimitNotSet(let key): "rate limit \(key) is not set"
        case let .rateLimitExceeded(key, requested, available):
            "rate limit \(key) allows \(Self.tokens(available)) now, \(Self.tokens(requested)) requested"
        case .invalidLastAmount(let key): "rate limit \(key): lastAmount exceeds maxAmount"
        case .invalidLastUpdated(let key): "rate limit \(key): lastUpdated is in the future"
        case .noInit(let key): "no approved init for rate limit \(key)"
        case let .incrementTooSoon(key, allowedAt):
            "rate limit \(key) may increase again at \(allowedAt.iso8601) (hop)"
        case let .exceedsMaxAmount(key, requested, allowed):
            "rate limit \(key): max \(Self.tokens(requested)) exceeds the allowed \(Self.tokens(allowed))"
        case let .exceedsMaxSlope(key, requested, allowed):
            "rate limit \(key): slope \(Self.tokens(requested)) exceeds the allowed \(Self.tokens(allowed))"
        case .unlimitedIncorrectParams(let key):
            "rate limit \(key): its init is unlimited, so only unlimited (max unlimited, slope 0) may be set"
        case .hopNotSet(let key):
            "rate limit \(key) cannot increase: the Configurator's hop is 0 (governance must file a hop first)"
        case .notAuthorized(let what): "not authorized: \(what)"
        case .relayerFrozen: "the relayer is frozen: no flow until a new relayer is set"
        case .subscriptionsHalted: "subscriptions are halted"
        case .invalidExchangeRate: "the exchange rate must be greater than zero"
        case .ledgerInvalid(let why): "ledger does not verify: \(why)"
        case .amount(let error): error.message
        }
    }

    /// `code: message`.
    ///
    /// ```swift
    /// "\(HaloError.relayerFrozen)"
    /// ```
    public var description: String { "\(code): \(message)" }
}

/// Runs amount arithmetic inside a domain operation, lifting its error.
@inline(__always)
func checked<T>(_ body: () throws(AmountError) -> T) throws(HaloError) -> T {
    do { return try body() } catch { throw .amount(error) }
}
