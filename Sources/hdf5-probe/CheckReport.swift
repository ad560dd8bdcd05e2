/// What `ReadCheck` found in one file, printed as JSON for the campaign's runner.
struct CheckReport: Codable {
    /// One read's verdict, with the error code where SwiftLoaders refused and why where it is not `.read`.
    struct Finding: Codable {
        var verdict: Verdict
        var code: String?
        var detail: String?
    }

    /// One dataset read whole and in slices of rows through `HDF5File`.
    struct DatasetReport: Codable {
        var path: String
        var finding: Finding
        var dtype: String?
        var byteOrder: String?
        var shape: [Int]?
        /// libhdf5's values where every read agreed: 8 little-endian bytes per element (Int64,
        /// UInt64 or Double), in hex.
        var values: String?
    }

    /// One features/labels pair read through `HDF5Dataset`.
    struct PairReport: Codable {
        var features: String
        var labels: String
        var finding: Finding
    }

    var file: String
    /// Opening the file and listing its datasets.
    var open: Finding
    var listing: [String]?
    var datasets: [DatasetReport] = []
    var pairs: [PairReport] = []

    /// The worst verdict of any read.
    var verdict: Verdict {
        ([open.verdict] + datasets.map(\.finding.verdict) + pairs.map(\.finding.verdict)).max()!
    }
}
