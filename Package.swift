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
        .library(name: "BertTorchScript", targets: ["BertTorchScript"]),
        .library(name: "BertBackends", targets: ["BertBackends"]),
        // The torchscript backend's libtorch plug-in (libBertKitTorch.so), loaded at run time by BertTorchScript when
        // that backend is used; it links libtorch only with the TorchScript trait.
        .library(name: "BertKitTorch", type: .dynamic, targets: ["CTorchScript"]),
        .library(name: "BertServe", targets: ["BertServe"]),
        .library(name: "BertHub", targets: ["BertHub"]),
        .executable(name: "bertkit", targets: ["bertkit"]),
    ],
    traits: [
        .trait(name: "TorchScript",
               description: "Builds the torchscript backend's plug-in against libtorch: Debian's libtorch-dev, or a pip torch's (CPATH/LIBRARY_PATH)"),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // `bertkit serve` only (the BertServe target): the Swift server stack.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.1.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        // Already resolved through Hummingbird; named for the in-process load client of `bertkit tune`'s serve check.
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        // Models by name (the BertHub target only): the Hub's HTTP file API, and SHA-256 of the files it sends.
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),
    ],
    targets: [
        // The native engine's kernels in C: packed-weight GEMM with fused epilogues, attention, LayerNorm, a persistent
        // thread pool; one path per instruction set (per-function target attributes, chosen at run time by cpuid).
        .target(name: "CBertKernels", linkerSettings: [.linkedLibrary("m"), .linkedLibrary("pthread", .when(platforms: [.linux]))]),
        // tokenizer.json pipelines (normalizer, pre-tokenizer, model, post-processor); pure Swift.
        .target(name: "BertTokenizers"),
        // Checkpoint reading: config.json, safetensors (mmap, zero-copy), sentence-transformers modules.
        .target(name: "BertModelIO"),
        // The library users import: model definition, native CPU backend, batching.
        .target(name: "BertKit", dependencies: ["BertTokenizers", "BertModelIO", "CBertKernels"]),
        // ONNX: export (own protobuf encoding) and the ONNX Runtime backend (its C API, loaded at run time).
        .target(name: "BertONNX", dependencies: ["BertKit", "BertModelIO", "BertTokenizers"]),
        // libtorch's TorchScript runtime behind a C interface (C++): the plug-in. Without the TorchScript trait it is
        // built as stubs that say so.
        .target(name: "CTorchScript",
                cxxSettings: [.define("BERTKIT_WITH_LIBTORCH", .when(traits: ["TorchScript"]))],
                linkerSettings: [.linkedLibrary("torch", .when(traits: ["TorchScript"])),
                                 .linkedLibrary("torch_cpu", .when(traits: ["TorchScript"])),
                                 .linkedLibrary("c10", .when(traits: ["TorchScript"]))]),
        // The torchscript backend: traced models (torch.jit.trace + torch.jit.save) run through the plug-in, which it
        // loads (dlopen) only when used, so no front end pays for libtorch unless it runs it.
        .target(name: "BertTorchScript", dependencies: ["BertKit", "BertModelIO"]),
        // `bertkit bench`: the grid, the timing harness, results, reports and charts.
        // The catalog of every backend (BackendCatalog.standard) that the CLI, bench, tune and serve read.
        .target(name: "BertBackends", dependencies: ["BertKit", "BertONNX", "BertTorchScript"]),
        .target(name: "BertBench", dependencies: ["BertKit", "BertBackends", "BertONNX", "BertTorchScript", "BertTokenizers", "BertModelIO"]),
        // `bertkit serve`: Text Embeddings Inference's HTTP API over a BertModel, with a token-budget batch queue.
        .target(name: "BertServe", dependencies: [
            "BertKit", "BertTokenizers", "BertModelIO",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
        // Models by name: the Hugging Face cache (huggingface_hub's layout) and downloads from the Hub's file API. Its
        // own target, so that a user of the library alone pulls no HTTP client.
        .target(name: "BertHub", dependencies: [
            "BertKit", "BertModelIO",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .executableTarget(
            name: "bertkit",
            dependencies: ["BertKit", "BertBackends", "BertBench", "BertServe", "BertHub", "BertONNX", "BertTorchScript", "BertTokenizers", "BertModelIO", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // The README's Hummingbird example of the async library API, built with the package so that it keeps compiling.
        .executableTarget(
            name: "EmbeddingServerExample",
            dependencies: ["BertKit", "BertHub", .product(name: "Hummingbird", package: "hummingbird")],
            path: "Examples/EmbeddingServer"),
        // Fixture paths and reference outputs shared by the test targets.
        .target(name: "TestSupport", dependencies: ["BertKit"], path: "Tests/TestSupport"),
        .testTarget(name: "BertTokenizersTests", dependencies: ["BertTokenizers", "TestSupport"]),
        .testTarget(name: "BertModelIOTests", dependencies: ["BertModelIO", "TestSupport"]),
        .testTarget(name: "BertKitTests", dependencies: ["BertKit", "BertModelIO", "BertTokenizers", "CBertKernels", "TestSupport"]),
        .testTarget(name: "BertBenchTests", dependencies: ["BertBench", "BertKit", "TestSupport"]),
        .testTarget(name: "BertONNXTests", dependencies: ["BertONNX", "BertBench", "BertKit", "TestSupport"]),
        .testTarget(name: "BertTorchScriptTests", dependencies: ["BertTorchScript", "BertBench", "BertKit", "TestSupport"]),
        .testTarget(name: "BertServeTests", dependencies: [
            "BertServe", "BertKit", "BertTokenizers", "TestSupport",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .testTarget(name: "BackendConformanceTests", dependencies: ["BertBackends", "BertONNX", "TestSupport"]),
        .testTarget(name: "BertHubTests", dependencies: [
            "BertHub", "BertKit", "BertModelIO", "TestSupport",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .testTarget(name: "CLITests", dependencies: ["TestSupport", "BertBench"]),
    ],
    swiftLanguageModes: [.v6],
    // libtorch 1.x headers (Debian's) need C++17; torch 2.x headers need C++20 (`make bertkit-torch LIBTORCH=pip`
    // sets BERTKIT_CXX20).
    cxxLanguageStandard: Context.environment["BERTKIT_CXX20"] == nil ? .cxx17 : .cxx20
)
