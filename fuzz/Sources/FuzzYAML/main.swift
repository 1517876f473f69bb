import Foundation
import FuzzSupport
import HaloArtifacts

// The YAML loaders. The first byte picks what the rest is read as: a Unit Artifact, a
// fixture (beside the workspace's unit.yaml), or a Halo Artifact. Oracle: never trap or
// overflow the stack; every refusal is an ArtifactError.
let directory = FuzzWorkspace.directory

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzYAML(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0, let text = String(validating: UnsafeBufferPointer(start: data + 1, count: size - 1), as: UTF8.self) else {
        return 0
    }
    switch data[0] % 3 {
    case 0:
        _ = try? UnitArtifact.parse(text, path: directory + "/unit-under-test.yaml")
    case 1:
        let path = directory + "/fixture.yaml"
        try? text.write(toFile: path, atomically: false, encoding: .utf8)
        _ = try? Fixture.load(path: path)
    default:
        let path = directory + "/halo.yaml"
        try? text.write(toFile: path, atomically: false, encoding: .utf8)
        _ = try? HaloArtifact.load(path: path)
    }
    return 0
}

@_cdecl("FuzzYAML_main")
public func fuzzYAMLMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv, { data, size in fuzzYAML(data, size) })
}
