import Foundation
import Loaders
import Testing

@Suite struct LoaderErrorDescriptionTests {
    @Test func localizedDescriptionIsTheMessageNamingTheFileAndPlace() {
        let error: any Error = LoaderError(.malformed, "bad record", path: "a.csv", location: .lineColumn(line: 3, column: 2))
        #expect(error.localizedDescription == "a.csv: line 3, column 2: bad record")
    }

    /// A cause that names the same file and place as its wrapper leaves them out; a different
    /// place stays.
    @Test func aWrappedCauseNamesOnlyWhatItAdds() {
        let cause = LoaderError(.malformed, "label 7 is too large", path: "a.h5", location: .sampleIndex(3))
        let wrapped = LoaderError(.malformed, "worker 1 failed reading batch 0", path: "a.h5", location: .sampleIndex(3), underlying: cause)
        #expect(wrapped.description == "a.h5: sample 3: worker 1 failed reading batch 0 (label 7 is too large)")
        let elsewhere = LoaderError(.malformed, "bad byte", path: "b.idx", location: .byteOffset(9))
        let other = LoaderError(.malformed, "worker 1 failed reading batch 0", path: "a.h5", location: .sampleIndex(3), underlying: elsewhere)
        #expect(other.description == "a.h5: sample 3: worker 1 failed reading batch 0 (b.idx: byte 9: bad byte)")
    }
}
