import Foundation

/// Candidate and artifact policy paths, made comparable (`--unit` defaults to the Unit whose
/// artifact names the candidate's file).
enum PolicyHostPath {
    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }
}
