// swift-tools-version: 6.0
import Foundation
import PackageDescription

// The libFuzzer harness of SiameseKit's parsers. A package of its own, not a target of the main one: it needs
// linker flags (libFuzzer's runtime) that a library users depend on must not carry. Build and run it with
// `scripts/fuzz.sh TARGET SECONDS`, which compiles every module with address sanitizer and coverage instrumentation.

// A path dependency is named after its folder, whatever the checkout is called.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
let kit = root.lastPathComponent

// libFuzzer without its `main`: SwiftPM gives every executable its own entry point, which calls the driver.
let fuzzerRuntime = ProcessInfo.processInfo.environment["SIAMESE_FUZZER_RUNTIME"] ?? ""

let package = Package(
    name: "SiameseFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(path: "..")],
    targets: [
        .target(name: "CFuzzerDriver"),
        .executableTarget(
            name: "siamese-fuzz",
            dependencies: [
                "CFuzzerDriver",
                .product(name: "SiameseNN", package: kit),
                .product(name: "SiameseData", package: kit),
                .product(name: "SiameseEvaluation", package: kit),
                .product(name: "SiameseModels", package: kit),
                .product(name: "SiameseText", package: kit),
                .product(name: "SiameseTraining", package: kit),
                .product(name: "SiameseServe", package: kit),
            ],
            path: "Sources/SiameseFuzz",
            linkerSettings: fuzzerRuntime.isEmpty ? [] : [.unsafeFlags([fuzzerRuntime, "-lstdc++"])]
        ),
    ]
)
