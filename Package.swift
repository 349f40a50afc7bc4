// swift-tools-version: 6.0
import PackageDescription

// Library targets carry no unsafe compiler flags, so SiameseKit stays usable as a SwiftPM dependency.
let package = Package(
    name: "SiameseKit",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "SiameseCore", targets: ["SiameseCore"]),
        .library(name: "SiameseNN", targets: ["SiameseNN"]),
        .library(name: "SiameseOptimizers", targets: ["SiameseOptimizers"]),
        .library(name: "SiameseData", targets: ["SiameseData"]),
        .library(name: "SiameseEvaluation", targets: ["SiameseEvaluation"]),
        .library(name: "SiameseModels", targets: ["SiameseModels"]),
        .library(name: "SiameseMetricLearning", targets: ["SiameseMetricLearning"]),
        .library(name: "SiameseTraining", targets: ["SiameseTraining"]),
        .library(name: "SiameseIndex", targets: ["SiameseIndex"]),
        .library(name: "SiameseReport", targets: ["SiameseReport"]),
        .library(name: "SiameseGallery", targets: ["SiameseGallery"]),
        .library(name: "SiameseGalleryPostgres", targets: ["SiameseGalleryPostgres"]),
        .library(name: "SiameseText", targets: ["SiameseText"]),
        .library(name: "SiameseServe", targets: ["SiameseServe"]),
        .executable(name: "siamese", targets: ["SiameseCLI"]),
        .executable(name: "siamese-demo", targets: ["SiameseDemo"]),
        .executable(name: "siamese-bench", targets: ["SiameseBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // Tests only: property-based tests (issue 18).
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // OpenBLAS on Linux; on macOS the engine uses Accelerate instead (see Kernels/BLAS.swift).
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // Direct convolution kernels in AVX2/AVX-512, chosen per function at run time (no package-wide flags).
        .target(name: "CSiameseKernels"),
        .target(
            name: "SiameseCore",
            dependencies: ["CSiameseKernels", .target(name: "CBLAS", condition: .when(platforms: [.linux]))]
        ),
        .systemLibrary(name: "SiameseZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "SiameseNN", dependencies: ["SiameseCore"]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng16", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        .target(
            name: "SiameseData",
            dependencies: ["SiameseCore", "SiameseZlib", "CPNG", "CTurboJPEG", .product(name: "ZIPFoundation", package: "ZIPFoundation")]
        ),
        .target(name: "SiameseEvaluation", dependencies: ["SiameseCore", "SiameseData", "SiameseIndex"]),
        // Floor 4: encoders, the Siamese wrappers and the model folder.
        .target(name: "SiameseModels", dependencies: ["SiameseCore", "SiameseNN", "SiameseData", "SiameseEvaluation"]),
        .target(
            name: "SiameseMetricLearning",
            dependencies: ["SiameseCore", "SiameseNN", "SiameseOptimizers", "SiameseData", "SiameseModels", "CSiameseKernels"]
        ),
        // Floor 6: recipes, the trainer, run folders and run evaluation; the bundled demo data.
        .target(
            name: "SiameseTraining",
            dependencies: [
                "SiameseCore", "SiameseNN", "SiameseOptimizers", "SiameseData", "SiameseEvaluation", "SiameseModels",
                "SiameseMetricLearning", "SiameseText", .product(name: "Yams", package: "Yams"),
            ],
            resources: [.copy("Resources/mnist"), .copy("Resources/omniglot")]
        ),
        // Floor 7: the HTML report of a run (inline SVG plots), above training, below the CLI.
        .target(
            name: "SiameseReport",
            dependencies: ["SiameseCore", "SiameseNN", "SiameseData", "SiameseZlib", "SiameseEvaluation", "SiameseModels", "SiameseTraining"]
        ),
        // Floor 8: what the command-line programs share: terminal output (progress bar, status lines, one-line errors),
        // argument types, and the demo command that both `siamese` and `siamese-demo` run.
        .target(
            name: "SiameseCommandLine",
            dependencies: [
                "SiameseCore", "SiameseMetricLearning", "SiameseModels", "SiameseTraining", "SiameseReport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "SiameseCLI",
            dependencies: [
                "SiameseCore", "SiameseNN", "SiameseOptimizers", "SiameseData", "SiameseEvaluation", "SiameseModels",
                "SiameseMetricLearning", "SiameseTraining", "SiameseReport", "SiameseGallery", "SiameseText", "SiameseServe",
                "SiameseGalleryPostgres", "SiameseCommandLine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "SiameseOptimizers", dependencies: ["SiameseCore", "SiameseNN"]),
        .target(name: "SiameseIndex", dependencies: ["SiameseCore", "CSiameseKernels", .target(name: "CBLAS", condition: .when(platforms: [.linux]))]),
        // Issue 15: identities and their reference embeddings in a store (SQLite through GRDB), searched in memory.
        .target(
            name: "SiameseGallery",
            dependencies: ["SiameseCore", "SiameseData", "SiameseModels", "SiameseIndex", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // The same gallery on PostgreSQL, so that several processes share it (its own target: SQLite users need no NIO).
        .target(name: "SiameseGalleryPostgres", dependencies: ["SiameseGallery", .product(name: "PostgresNIO", package: "postgres-nio")]),
        // Text models: the WordPiece tokenizer, the BERT encoder, sentence-transformers folders.
        .target(name: "SiameseText", dependencies: ["SiameseCore", "CSiameseKernels", "SiameseNN", "SiameseData", "SiameseEvaluation", "SiameseModels"]),
        // Floor 7: the HTTP service (`siamese serve`): routes, limits, micro-batching, metrics, the OpenAPI document.
        .target(
            name: "SiameseServe",
            dependencies: [
                "SiameseCore", "SiameseData", "SiameseModels", "SiameseGallery",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            resources: [.copy("Resources/openapi.json")]
        ),
        // `bash scripts/demo.sh`'s program: `siamese demo` without the service's dependencies (a first build in minutes).
        .executableTarget(
            name: "SiameseDemo",
            dependencies: ["SiameseCommandLine", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // The README's ten-line program (a test builds and runs it).
        .executableTarget(name: "compare-images", dependencies: ["SiameseModels"], path: "Examples/CompareImages"),
        .executableTarget(
            name: "SiameseBench",
            dependencies: [
                "SiameseCore", "SiameseMetricLearning", "SiameseData", "SiameseNN", "SiameseOptimizers", "SiameseEvaluation", "SiameseText",
                "SiameseIndex", "SiameseTraining", .target(name: "CBLAS", condition: .when(platforms: [.linux])),
            ]
        ),
        // Shared by every test target: the gradient check, the vendored fixtures and the ../shared data sets.
        .target(name: "SiameseTestSupport", dependencies: ["SiameseCore"], path: "Tests/SiameseTestSupport", resources: [.copy("Fixtures")]),
        .testTarget(name: "SiameseCoreTests", dependencies: ["SiameseCore", "SiameseTestSupport", .product(name: "PropertyBased", package: "swift-property-based")]),
        .testTarget(name: "SiameseNNTests", dependencies: ["SiameseCore", "SiameseNN", "SiameseTestSupport", .product(name: "PropertyBased", package: "swift-property-based")], exclude: ["Fixtures"]),
        .testTarget(name: "SiameseCLITests", dependencies: ["SiameseCLI", "SiameseDemo", "SiameseCore", "SiameseNN", "SiameseTestSupport"]),
        .testTarget(name: "SiameseDataTests", dependencies: ["SiameseCore", "SiameseData", "SiameseTestSupport", .product(name: "PropertyBased", package: "swift-property-based")], exclude: ["Fixtures"]),
        .testTarget(name: "SiameseEvaluationTests", dependencies: ["SiameseCore", "SiameseData", "SiameseEvaluation", "SiameseTestSupport", "retrieval-probe"]),
        // Issue 13: one retrieval evaluation in its own process, so a test can read its peak memory.
        .executableTarget(name: "retrieval-probe", dependencies: ["SiameseCore", "SiameseEvaluation"], path: "Tests/RetrievalProbe"),
        .testTarget(
            name: "SiameseMetricLearningTests",
            dependencies: [
                "SiameseCore", "SiameseNN", "SiameseOptimizers", "SiameseData", "SiameseEvaluation", "SiameseMetricLearning",
                .product(name: "Yams", package: "Yams"),
                "SiameseTestSupport",
            ]
        ),
        .testTarget(name: "SiameseModelsTests", dependencies: ["SiameseCore", "SiameseNN", "SiameseOptimizers", "SiameseData", "SiameseEvaluation", "SiameseModels", "SiameseTestSupport", .product(name: "PropertyBased", package: "swift-property-based")]),
        .testTarget(
            name: "SiameseTrainingTests",
            dependencies: [
                "SiameseCore", "SiameseData", "SiameseEvaluation", "SiameseModels", "SiameseMetricLearning", "SiameseTraining",
                "SiameseNN", "SiameseOptimizers", "SiameseText", "SiameseTestSupport", "compare-images", .product(name: "Yams", package: "Yams"),
            ]
        ),
        .testTarget(name: "SiameseOptimizersTests", dependencies: ["SiameseCore", "SiameseNN", "SiameseOptimizers", "SiameseTestSupport"]),
        .testTarget(
            name: "SiameseReportTests",
            dependencies: ["SiameseCore", "SiameseData", "SiameseEvaluation", "SiameseModels", "SiameseTraining", "SiameseReport", "SiameseTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "SiameseTextTests", dependencies: ["SiameseCore", "SiameseNN", "SiameseModels", "SiameseMetricLearning", "SiameseText", "SiameseTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "SiameseIndexTests", dependencies: ["SiameseCore", "SiameseIndex", "SiameseTestSupport"]),
        .testTarget(
            name: "SiameseGalleryTests",
            dependencies: [
                "SiameseCore", "SiameseData", "SiameseEvaluation", "SiameseModels", "SiameseIndex", "SiameseGallery", "SiameseTraining",
                "SiameseCLI", "SiameseTestSupport", .product(name: "PropertyBased", package: "swift-property-based"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "SiameseGalleryPostgresTests",
            dependencies: [
                "SiameseCore", "SiameseEvaluation", "SiameseModels", "SiameseGallery", "SiameseGalleryPostgres", "SiameseCLI", "SiameseTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "SiameseServeTests",
            dependencies: [
                "SiameseCore", "SiameseNN", "SiameseData", "SiameseModels", "SiameseServe", "SiameseGallery", "SiameseTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ]
)
