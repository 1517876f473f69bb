// swift-tools-version: 6.1
// libFuzzer harnesses for halo's hostile-input surfaces. A separate package, so that
// `swift build` and `swift test` in the repository never build them; `make fuzz` does,
// with `-sanitize=fuzzer` (see docs/fuzzing.md).
import Foundation
import PackageDescription

// A path dependency's identity is its folder's name, which differs between checkouts.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
let halo = root.lastPathComponent.lowercased()

let package = Package(
    name: "halo-fuzz",
    dependencies: [.package(path: "..")],
    targets: [
        .target(name: "FuzzSupport", dependencies: [.product(name: "HaloSentinel", package: halo)]),
        .executableTarget(name: "FuzzJSON", dependencies: ["FuzzSupport"]),
        .executableTarget(name: "FuzzYAML", dependencies: ["FuzzSupport"]),
        .executableTarget(name: "FuzzPolicy", dependencies: ["FuzzSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
