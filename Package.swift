// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "BertKit",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "BertKit", targets: ["BertKit"]),
        .library(name: "BertTokenizers", targets: ["BertTokenizers"]),
        .library(name: "BertBench", targets: ["BertBench"]),
        .library(name: "BertONNX", targets: ["BertONNX"]),
        .executable(name: "bertkit", targets: ["bertkit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // Debian's OpenBLAS (libopenblas-dev): the BLAS behind every matrix product of the CPU engine.
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"]), .brew(["openblas"])]
        ),
        // tokenizer.json pipelines (normalizer, pre-tokenizer, model, post-processor); pure Swift.
        .target(name: "BertTokenizers"),
        // Checkpoint reading: config.json, safetensors (mmap, zero-copy), sentence-transformers modules.
        .target(name: "BertModelIO"),
        // The library users import: model definition, native CPU backend, batching.
        .target(name: "BertKit", dependencies: ["BertTokenizers", "BertModelIO", "COpenBLAS"]),
        // ONNX: export (own protobuf encoding) and the ONNX Runtime backend (its C API, loaded at run time).
        .target(name: "BertONNX", dependencies: ["BertKit", "BertModelIO", "BertTokenizers"]),
        // `bertkit bench`: the grid, the timing harness, results, reports and charts.
        .target(name: "BertBench", dependencies: ["BertKit", "BertONNX", "BertTokenizers", "BertModelIO"]),
        .executableTarget(
            name: "bertkit",
            dependencies: ["BertKit", "BertBench", "BertONNX", "BertTokenizers", "BertModelIO", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // Fixture paths shared by the test targets.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "BertTokenizersTests", dependencies: ["BertTokenizers", "TestSupport"]),
        .testTarget(name: "BertModelIOTests", dependencies: ["BertModelIO", "TestSupport"]),
        .testTarget(name: "BertKitTests", dependencies: ["BertKit", "BertModelIO", "BertTokenizers", "TestSupport"]),
        .testTarget(name: "BertBenchTests", dependencies: ["BertBench", "BertKit", "TestSupport"]),
        .testTarget(name: "BertONNXTests", dependencies: ["BertONNX", "BertBench", "BertKit", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
