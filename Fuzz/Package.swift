// swift-tools-version:6.0
// libFuzzer targets for SwiftLoaders' readers (Docs/Fuzzing.md). A package of its own, so that
// neither `make test` nor a user of SwiftLoaders ever builds it; `make fuzz` builds and runs it.
import PackageDescription

let package = Package(
    name: "SwiftLoadersFuzz",
    dependencies: [
        .package(name: "SwiftLoaders", path: ".."),
    ],
    targets: [
        .target(name: "FuzzSupport", dependencies: [.product(name: "Loaders", package: "SwiftLoaders")]),
        .executableTarget(name: "FuzzGzip", dependencies: ["FuzzSupport", .product(name: "Loaders", package: "SwiftLoaders")]),
        .executableTarget(name: "FuzzIDX", dependencies: ["FuzzSupport", .product(name: "Loaders", package: "SwiftLoaders")]),
        .executableTarget(name: "FuzzCSV", dependencies: ["FuzzSupport", .product(name: "Loaders", package: "SwiftLoaders")]),
    ],
    swiftLanguageModes: [.v6]
)
