/// The data of an HTML report: plain Codable values, so any command (dry-run, test, replay,
/// simulate) can build one from its own results and ``HTMLReport`` renders it.
///
/// Amounts and rates are exact decimal strings, as the runtime prints them; the charts parse
/// them to draw (a float is fine for a coordinate), the tables show the strings.
public struct ReportDocument: Codable, Sendable {
    /// The report's title (`halo dry-run`, `halo test`, ...).
    public var title: String
    /// One line under it (what was run, how many passed).
    public var subtitle: String
    /// When it was made (ISO 8601), shown in the footer; nil leaves the report byte-stable.
    public var generatedAt: String?
    /// The runs, in order (a fixture each for dry-run and test).
    public var runs: [ReportRun]

    /// Creates a document.
    public init(title: String, subtitle: String, generatedAt: String? = nil, runs: [ReportRun]) {
        self.title = title
        self.subtitle = subtitle
        self.generatedAt = generatedAt
        self.runs = runs
    }
}

/// One run: a fixture (or a replayed journal, or a simulation).
public struct ReportRun: Codable, Sendable {
    /// Its name.
    public var name: String
    /// The file it came from.
    public var source: String
    /// The Unit.
    public var unit: String
    /// The policy file and its SHA-256.
    public var policyFile: String
    public var policySHA256: String?
    /// Whether it passed; nil when passing means nothing (a replay).
    public var passed: Bool?
    /// A one-line verdict or error.
    public var verdict: String
    /// Steps (events) in order.
    public var steps: [ReportStep]
    /// Hook calls.
    public var decisions: [ReportDecision]
    /// Signals raised.
    public var signals: [ReportSignal]
    /// Actions applied or refused.
    public var actions: [ReportAction]
    /// State after each step (or sample): drawn as the balance and rate charts.
    public var series: [ReportPoint]
    /// Free-form tables shown under the verdict, before the charts (a replay's money table);
    /// nil or empty shows none.
    public var tables: [ReportTable]?
    /// Legend names of the rate chart's two lines when points carry ``ReportPoint/comparedExchangeRate``
    /// (e.g. `["recorded", "candidate"]`); nil names them `exchange rate` and `compared`.
    public var rateLegend: [String]?
    /// The badge's text; nil shows PASS, FAIL or RUN from ``passed`` (a replay says DIFFERS).
    public var badge: String?

    /// Creates a run.
    public init(name: String, source: String, unit: String, policyFile: String, policySHA256: String?, passed: Bool?,
                verdict: String, steps: [ReportStep], decisions: [ReportDecision], signals: [ReportSignal],
                actions: [ReportAction], series: [ReportPoint], tables: [ReportTable]? = nil, rateLegend: [String]? = nil,
                badge: String? = nil) {
        self.name = name
        self.source = source
        self.unit = unit
        self.policyFile = policyFile
        self.policySHA256 = policySHA256
        self.passed = passed
        self.verdict = verdict
        self.steps = steps
        self.decisions = decisions
        self.signals = signals
        self.actions = actions
        self.series = series
        self.tables = tables
        self.rateLegend = rateLegend
        self.badge = badge
    }
}

/// One step.
public struct ReportStep: Codable, Sendable {
    public var index: Int
    public var line: Int?
    public var time: String
    public var action: String
    public var ok: Bool
    public var error: String?
    public var expectedError: String?

    public init(index: Int, line: Int?, time: String, action: String, ok: Bool, error: String?, expectedError: String?) {
        self.index = index
        self.line = line
        self.time = time
        self.action = action
        self.ok = ok
        self.error = error
        self.expectedError = expectedError
    }
}

/// One hook call; `result` is its JSON text.
public struct ReportDecision: Codable, Sendable {
    public var time: String
    public var hook: String
    public var result: String
    public var error: String?

    public init(time: String, hook: String, result: String, error: String?) {
        self.time = time
        self.hook = hook
        self.result = result
        self.error = error
    }
}

/// One signal.
public struct ReportSignal: Codable, Sendable {
    public var time: String
    public var code: String
    public var severity: String
    public var message: String

    public init(time: String, code: String, severity: String, message: String) {
        self.time = time
        self.code = code
        self.severity = severity
        self.message = message
    }
}

/// One action.
public struct ReportAction: Codable, Sendable {
    public var time: String
    public var action: String
    public var applied: Bool
    public var reason: String
    public var code: String?

    public init(time: String, action: String, applied: Bool, reason: String, code: String?) {
        self.time = time
        self.action = action
        self.applied = applied
        self.reason = reason
        self.code = code
    }
}

/// The state at one time: the exchange rate and balances, keyed `account asset`.
public struct ReportPoint: Codable, Sendable {
    /// Unix seconds.
    public var time: Int64
    /// The exchange rate, decimal text.
    public var exchangeRate: String?
    /// Balances, decimal text, keyed `account asset` (e.g. `spark USDS`).
    public var balances: [String: String]
    /// A second exchange rate to draw beside the first (a replay's candidate world), decimal text.
    public var comparedExchangeRate: String?

    public init(time: Int64, exchangeRate: String?, balances: [String: String], comparedExchangeRate: String? = nil) {
        self.time = time
        self.exchangeRate = exchangeRate
        self.balances = balances
        self.comparedExchangeRate = comparedExchangeRate
    }
}

/// A free-form table: a title, column headers and rows of plain text (escaped when rendered).
public struct ReportTable: Codable, Sendable {
    public var title: String
    public var headers: [String]
    public var rows: [[String]]

    public init(title: String, headers: [String], rows: [[String]]) {
        self.title = title
        self.headers = headers
        self.rows = rows
    }
}
