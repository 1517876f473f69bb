import Foundation

/// Finds the `stdlib/` directory that `require "halo"` loads from, and the `templates/`
/// directory `halo new` copies from (always beside the stdlib: `make install` puts both in
/// `PREFIX/share/halo/`).
///
/// Order: `$HALO_STDLIB`; a `stdlib/halo.lua` in a parent of any of `near` (the fixture or
/// artifact being run, so a checkout works from anywhere); `share/halo/stdlib` beside the
/// executable's `bin/` (an installed halo); beside or above the executable (a build in a
/// checkout); the working directory and its parents.
public enum StdlibLocator {
    /// The stdlib directory, or nil when none is found.
    public static func find(near paths: [String]) -> String? {
        if let env = ProcessInfo.processInfo.environment["HALO_STDLIB"], !env.isEmpty {
            return PolicyHost.absolute(env)
        }
        return candidates(near: paths).first { FileManager.default.fileExists(atPath: $0 + "/halo.lua") }
    }

    /// Every directory `find` would try, in order (without `$HALO_STDLIB`).
    public static func candidates(near paths: [String]) -> [String] {
        var result: [String] = []
        func add(_ candidate: String) { if !result.contains(candidate) { result.append(candidate) } }
        func walkUp(from start: String) {
            var directory = (start as NSString).deletingLastPathComponent
            while true {
                add(directory + "/stdlib")
                let parent = (directory as NSString).deletingLastPathComponent
                if parent == directory || parent.isEmpty { break }
                directory = parent
            }
        }
        for path in paths { walkUp(from: PolicyHost.absolute(path)) }
        if let executable = executablePath {
            let bin = (executable as NSString).deletingLastPathComponent
            add(((bin as NSString).deletingLastPathComponent as NSString).appendingPathComponent("share/halo/stdlib"))
            walkUp(from: executable)
        }
        walkUp(from: FileManager.default.currentDirectoryPath + "/.")
        return result
    }

    /// The running executable, symlinks resolved (so a `halo` linked into `~/bin` still finds
    /// `share/halo` beside its real `bin/`).
    static var executablePath: String? {
        let path = Bundle.main.executablePath ?? CommandLine.arguments.first.map(PolicyHost.absolute)
        return path.map { ($0 as NSString).resolvingSymlinksInPath }
    }

    /// The error text when no stdlib is found: where it looked, and how to say where it is.
    public static func notFoundMessage(near paths: [String]) -> String {
        let places = candidates(near: paths)
        let shown = places.prefix(8).map { "  " + $0 }.joined(separator: "\n")
        let more = places.count > 8 ? "\n  ... and \(places.count - 8) more parents" : ""
        return "the halo stdlib (stdlib/halo.lua) was not found; looked in:\n\(shown)\(more)\n"
            + "set HALO_STDLIB to the stdlib directory (e.g. HALO_STDLIB=/usr/local/share/halo/stdlib), "
            + "or install halo with `make install PREFIX=...`"
    }

    /// The `templates/` directory beside the stdlib `near` would use, or nil.
    public static func templates(near paths: [String]) -> String? {
        guard let stdlib = find(near: paths) else { return nil }
        let candidate = ((stdlib as NSString).deletingLastPathComponent as NSString).appendingPathComponent("templates")
        return FileManager.default.fileExists(atPath: candidate) ? candidate : nil
    }
}
