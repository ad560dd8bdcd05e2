// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "SwiftLoaders",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Loaders", targets: ["Loaders"]),
        .library(name: "Training", targets: ["Training"]),
        .executable(name: "loaders", targets: ["loaders"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .systemLibrary(
            name: "CLibdeflate",
            pkgConfig: "libdeflate",
            providers: [.apt(["libdeflate-dev"])]
        ),
        .target(name: "Loaders", dependencies: ["CZlib", "CLibdeflate"]),
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .target(name: "Training", dependencies: ["Loaders", "COpenBLAS"]),
        .executableTarget(
            name: "loaders",
            dependencies: [
                "Loaders",
                "Training",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "LoadersTests", dependencies: ["Loaders"]),
        .testTarget(name: "LoadersCommandTests", dependencies: ["loaders", "Loaders", "Training"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Loaders"]),
    ],
    swiftLanguageModes: [.v6]
)
