import Foundation
import HaloSentinel

/// Where human output goes and whether it may be coloured (only on a terminal).
enum Output {
    static let colorStdout = isatty(STDOUT_FILENO) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    static let colorStderr = isatty(STDERR_FILENO) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil

    static func paint(_ text: String, _ code: String, stderr: Bool = false) -> String {
        (stderr ? colorStderr : colorStdout) ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
    static func green(_ text: String) -> String { paint(text, "32") }
    static func red(_ text: String) -> String { paint(text, "31") }
    static func yellow(_ text: String) -> String { paint(text, "33") }
    static func bold(_ text: String) -> String { paint(text, "1") }

    /// Writes to standard error.
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// A progress line on standard error, only on a terminal (so `--json` stdout stays clean).
    static func progress(_ text: String) {
        guard colorStderr else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K\(text)".utf8))
    }

    static func clearProgress() {
        guard colorStderr else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }

    /// Writes one line to standard output at once (no stdio buffering), so a pipe reading
    /// the decision log sees each line as soon as its batch is journaled.
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Pads `text` to `width` columns.
    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
