// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "SwiftLoaders",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Loaders", targets: ["Loaders"]),
        .library(name: "Training", targets: ["Training"]),
        .library(name: "LoadersHDF5", targets: ["LoadersHDF5"]),
        // Data-parallel training over MPI: the one product that links MPI (Docs/Scaling.md).
        .library(name: "LoadersMPI", targets: ["LoadersMPI"]),
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
        .systemLibrary(
            name: "CHDF5",
            pkgConfig: "hdf5",
            providers: [.apt(["libhdf5-dev"]), .brew(["hdf5"])]
        ),
        .target(name: "LoadersHDF5", dependencies: ["Loaders", "CHDF5"]),
        .systemLibrary(
            name: "CMPI",
            pkgConfig: "ompi-c",
            providers: [.apt(["libopenmpi-dev"]), .brew(["open-mpi"])]
        ),
        .target(name: "LoadersMPI", dependencies: ["Loaders", "Training", "CMPI"]),
        .executableTarget(
            name: "loaders",
            dependencies: [
                "Loaders",
                "Training",
                "LoadersHDF5",
                // MPI starts only for `loaders train --distributed`.
                "LoadersMPI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Reads one HDF5 file every way and compares with libhdf5: the mutation campaign's child.
        .executableTarget(
            name: "hdf5-probe",
            dependencies: [
                "Loaders",
                "LoadersHDF5",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The seed programs as programs a user runs (Examples/): no library product depends on them.
        .executableTarget(name: "linear-regression", dependencies: ["Loaders", "Training"], path: "Examples/LinearRegression"),
        .executableTarget(name: "wine-mlp", dependencies: ["Loaders", "Training"], path: "Examples/WineMLP"),
        .executableTarget(name: "mnist-cnn", dependencies: ["Loaders", "Training"], path: "Examples/MNISTCNN"),
        // Trains the same small model over MPI (np = 2) and in one process, for the equivalence test.
        .executableTarget(
            name: "mpi-equivalence",
            dependencies: ["Loaders", "Training", "LoadersMPI"],
            path: "Tests/MPIEquivalence"
        ),
        .testTarget(name: "LoadersTests", dependencies: ["Loaders", "TSanMutexAnnotations", "ChildProcessSupport"]),
        .testTarget(
            name: "LoadersCommandTests", dependencies: ["loaders", "Loaders", "Training", "LoadersHDF5", "ChildProcessSupport", "PlotSVGSupport"]),
        // Starts mpirun with the programs it depends on; netns-agent.sh is run from its place in the
        // tree (TwoNamespacesTests).
        .testTarget(name: "LoadersMPITests", dependencies: ["mpi-equivalence", "loaders", "Loaders", "ChildProcessSupport"],
                    exclude: ["netns-agent.sh"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Loaders", "PlotSVGSupport"]),
        .testTarget(name: "LoadersHDF5Tests", dependencies: ["LoadersHDF5", "Loaders", "hdf5-probe"]),
        .testTarget(
            name: "ExamplesTests", dependencies: ["linear-regression", "wine-mlp", "mnist-cnn", "Loaders", "ChildProcessSupport"]),
        // Lets ThreadSanitizer see Synchronization's Mutex change hands on Linux (see the file);
        // linked into the one test binary through LoadersTests, empty outside `--sanitize=thread`.
        .target(name: "TSanMutexAnnotations", path: "Tests/TSanMutexAnnotations"),
        // Reads a plot's SVG back for the plot tests of Training and of the tool.
        .target(name: "PlotSVGSupport", path: "Tests/PlotSVGSupport"),
        // Runs a test's child process and awaits it without holding a thread of the cooperative pool.
        .target(name: "ChildProcessSupport", path: "Tests/ChildProcessSupport"),
    ],
    swiftLanguageModes: [.v6]
)
