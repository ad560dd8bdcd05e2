import Foundation
import Testing
@testable import Loaders

@Suite struct CSVForeignFormatTests {
    /// Python's gzip, bz2, lzma and zipfile output, under `.csv.*` names and as a plain `.csv`:
    /// every CSV reader says at byte 0 what the file is and how to get the text, where it used
    /// to read binary names and say "no data records".
    @Test(arguments: (InspectFixtures.expected["compressed"] as! [String: String]).sorted { $0.key < $1.key }.map { [$0.key, $0.value] })
    func compressedFilesAreNamedByEveryReader(file: [String]) throws {
        let (name, format) = (file[0], file[1])
        let path = InspectFixtures.path(name)
        let readers: [() throws -> Void] = [
            { _ = try CSVDataset(path) }, { _ = try CSVStreamingDataset(path) }, { _ = try CSVSummary(path: path) },
        ]
        for read in readers {
            let error = try #require(throws: LoaderError.self) { try read() }
            #expect(error.code == .unsupported)
            #expect(error.path == path)
            #expect(error.location == .byteOffset(0))
            #expect(error.message.contains("the file is \(format == "zip" ? "a zip archive" : format + "-compressed")"), "\(error.message)")
        }
    }

    /// An HDF5 file and an IDX file given as CSV are named as what they are.
    @Test(arguments: [("hdf5/contiguous_uint8.h5", "the file is HDF5"), ("idx/float32.idx", "the file is IDX")])
    func binaryDataFilesAreNamed(fixture: String, words: String) throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: CSVFixturePaths.fixtures + "/" + fixture)))
        let path = try CSVFixturePaths.temporary(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = try #require(throws: LoaderError.self) { try CSVSummary(path: path) }
        #expect(error.code == .unsupported)
        #expect(error.location == .byteOffset(0))
        #expect(error.message.contains(words), "\(error.message)")
    }

    /// Text that merely starts like a signature is still CSV: `BZh9` without bzip2's block magic.
    @Test func textStartingLikeASignatureIsRead() throws {
        let path = try CSVFixturePaths.temporary("BZh9,label\n1,0\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try CSVDataset(path).featureColumns == ["BZh9"])
    }
}
