import Foundation
import HaloArtifacts

/// Finds the Halo Artifact a Unit belongs to, for its schedule and procedures.
public enum HaloLocator {
    /// The Halo that lists `unit`: `explicit` when given, else the nearest `halo.yaml` above
    /// the Unit Artifact that lists it; nil when there is none (the standard schedule applies).
    public static func halo(for unit: UnitArtifact, explicit: String?) throws(ArtifactError) -> HaloArtifact? {
        if let explicit { return try HaloArtifact.load(path: explicit) }
        let unitPath = PolicyHost.absolute(unit.path)
        var directory = (unitPath as NSString).deletingLastPathComponent
        while true {
            let candidate = directory + "/halo.yaml"
            if FileManager.default.fileExists(atPath: candidate),
               let halo = try? HaloArtifact.load(path: candidate),
               halo.units.contains(where: { PolicyHost.absolute($0.path) == unitPath }) {
                return halo
            }
            let parent = (directory as NSString).deletingLastPathComponent
            if parent == directory || parent.isEmpty { return nil }
            directory = parent
        }
    }
}
