// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "TangleSim",
    products: [
        .library(name: "TangleSim", targets: ["TangleSim"]),
        .executable(name: "tanglesim", targets: ["TangleSimCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        // HdrHistogram: quantiles of statistics beyond `metrics.exactQuantiles` values.
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        // GNU Scientific Library through pkg-config (Debian: libgsl-dev).
        .systemLibrary(
            name: "CGSL",
            pkgConfig: "gsl",
            providers: [.apt(["libgsl-dev"])]
        ),
        // The simulation: engine, tangle, tip selection, network, metrics, scenarios, writers.
        .target(
            name: "TangleSim",
            dependencies: [
                "CGSL",
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        // The `tanglesim` command line.
        .executableTarget(
            name: "TangleSimCLI",
            dependencies: [
                "TangleSim",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "TangleSimTests",
            dependencies: ["TangleSim", "CGSL"]
        ),
        .testTarget(
            name: "TangleSimCLITests",
            dependencies: ["TangleSimCLI"]
        ),
    ]
)
