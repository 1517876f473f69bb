import Foundation

/// Finds the `stdlib/` directory that `require "halo"` loads from.
///
/// Order: `$HALO_STDLIB`; a `stdlib/halo.lua` in a parent of any of `near` (the fixture or
/// artifact being run, so a checkout works from anywhere); beside or above the executable;
/// the working directory.
public enum StdlibLocator {
    /// The stdlib directory, or nil when none is found.
    public static func find(near paths: [String]) -> String? {
        let fileManager = FileManager.default
        if let env = ProcessInfo.processInfo.environment["HALO_STDLIB"], !env.isEmpty {
            return PolicyHost.absolute(env)
        }
        var starts = paths.map { PolicyHost.absolute($0) }
        starts.append(PolicyHost.absolute(CommandLine.arguments.first ?? "."))
        starts.append(fileManager.currentDirectoryPath + "/.")
        for start in starts {
            var directory = (start as NSString).deletingLastPathComponent
            while true {
                let candidate = directory + "/stdlib"
                if fileManager.fileExists(atPath: candidate + "/halo.lua") { return candidate }
                let parent = (directory as NSString).deletingLastPathComponent
                if parent == directory || parent.isEmpty { break }
                directory = parent
            }
        }
        return nil
    }
}
