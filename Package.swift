// swift-tools-version: 6.1
// The halo package: a Swift runtime for Passthrough Halo Units with sandboxed Lua policies.
//
// Layers, one way down: HaloCLI -> HaloSentinel -> (HaloArtifacts, LuaSandbox, HaloCore).
// HaloCore imports neither Lua nor files; LuaSandbox knows nothing of Halos.
import PackageDescription

let package = Package(
    name: "halo",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "halo", targets: ["HaloCLI"]),
        .library(name: "HaloCore", targets: ["HaloCore"]),
        .library(name: "LuaSandbox", targets: ["LuaSandbox"]),
        .library(name: "HaloSentinel", targets: ["HaloSentinel"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.0"),
    ],
    targets: [
        // Lua 5.4 from the system (Debian: liblua5.4-dev). Never vendored.
        .systemLibrary(
            name: "CLua",
            path: "Sources/CLua",
            pkgConfig: "lua5.4",
            providers: [.apt(["liblua5.4-dev"])]
        ),
        // The C shim: trampolines, the limiting allocator, the budget hook, protected pushes.
        .target(name: "LuaShim", dependencies: ["CLua"]),
        .target(name: "LuaSandbox", dependencies: ["LuaShim", "CLua"]),
        .target(name: "HaloCore", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        .target(
            name: "HaloArtifacts",
            dependencies: [
                "HaloCore",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(name: "HaloSentinel", dependencies: ["HaloCore", "HaloArtifacts", "LuaSandbox", "HaloJournal"]),
        .executableTarget(
            name: "HaloCLI",
            dependencies: [
                "HaloSentinel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "halo-core-bench", dependencies: ["HaloCore"], path: "Sources/HaloCoreBench"),
        .testTarget(name: "LuaSandboxTests", dependencies: ["LuaSandbox"]),
        .testTarget(
            name: "HaloCoreTests",
            dependencies: ["HaloCore", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .testTarget(name: "HaloArtifactsTests", dependencies: ["HaloArtifacts"]),
        .testTarget(name: "HaloSentinelTests", dependencies: ["HaloSentinel", "LuaSandbox"]),
        .testTarget(name: "HaloCLITests", dependencies: ["HaloCLI", "HaloSentinel"]),
    ],
    swiftLanguageModes: [.v6]
)

// HaloJournal: the Sentinel's durable, hash-chained journal (SQLite through GRDB).
// Kept in one block so that merging it with the other branches is a single hand edit.
package.dependencies.append(.package(url: "https://github.com/groue/GRDB.swift.git", from: "7.0.0"))
package.products.append(.library(name: "HaloJournal", targets: ["HaloJournal"]))
package.targets += [
    .target(
        name: "HaloJournal",
        dependencies: [
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]
    ),
    // GRDB directly too: the tests play the attacker and the crashing process on the raw file.
    .testTarget(
        name: "HaloJournalTests",
        dependencies: ["HaloJournal", .product(name: "GRDB", package: "GRDB.swift")]
    ),
]

// Settlement statements: HaloSentinel signs them with Ed25519 (swift-crypto).
if let index = package.targets.firstIndex(where: { $0.name == "HaloSentinel" }) {
    package.targets[index].dependencies.append(.product(name: "Crypto", package: "swift-crypto"))
}

// HaloReplay: a candidate policy against the journal's recorded history (`halo replay`,
// `halo run --watch --replay-on-reload`). Above HaloSentinel and HaloJournal; only the CLI imports it.
package.targets += [
    .target(name: "HaloReplay", dependencies: ["HaloSentinel", "HaloJournal", "HaloArtifacts", "HaloCore"]),
    .testTarget(name: "HaloReplayTests", dependencies: ["HaloReplay", "HaloSentinel", "HaloJournal", "HaloArtifacts", "HaloCore"]),
]
for target in package.targets where target.name == "HaloCLI" {
    target.dependencies.append("HaloReplay")
}

// HaloSimulation: Primes (allocation policies in the same sandbox) and `halo simulate`.
package.products.append(.library(name: "HaloSimulation", targets: ["HaloSimulation"]))
package.targets += [
    .target(name: "HaloSimulation", dependencies: ["HaloSentinel", "HaloArtifacts", "HaloCore", "LuaSandbox"]),
    .testTarget(
        name: "HaloSimulationTests",
        dependencies: ["HaloSimulation", "HaloSentinel", "HaloArtifacts", "HaloCore",
                       .product(name: "PropertyBased", package: "swift-property-based")]
    ),
]
if let cli = package.targets.first(where: { $0.name == "HaloCLI" }) { cli.dependencies.append("HaloSimulation") }

// HaloServer: the operator's HTTP surface of `halo run --http` (Hummingbird, swift-prometheus);
// HaloReports: self-contained HTML reports (dry-run, test; replay and simulate later).
// Kept in one block so that merging it with the other branches is a single hand edit.
package.dependencies += [
    .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.0.0"),
    .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.0.0"),
    .package(url: "https://github.com/apple/swift-log.git", from: "1.5.0"),
]
package.targets += [
    .target(name: "HaloReports"),
    .target(
        name: "HaloServer",
        dependencies: [
            "HaloSentinel", "HaloJournal", "HaloArtifacts", "HaloCore",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "Logging", package: "swift-log"),
        ],
        exclude: ["dashboard.html"]
    ),
    .testTarget(name: "HaloServerTests", dependencies: ["HaloServer", "HaloReports"]),
]
for target in package.targets where target.name == "HaloCLI" {
    target.dependencies += ["HaloServer", "HaloReports"]
}

// CPrefetch: a header-only cache prefetch hint (`__builtin_prefetch`) for HaloCore's LCTS
// position store. Depends on nothing; kept in one block so that merging is a single hand edit.
package.targets += [.target(name: "CPrefetch")]
if let core = package.targets.first(where: { $0.name == "HaloCore" }) { core.dependencies.append("CPrefetch") }
