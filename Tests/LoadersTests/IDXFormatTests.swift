import Testing
@testable import Loaders

@Suite struct IDXFormatTests {
    /// The literals make_fixtures.py wrote with numpy's big-endian dtypes, as the Double each
    /// element holds (float32 values rounded to Float first).
    static let typedValues: [(String, IDXElementType, [Double])] = [
        ("uint8", .uint8, [0, 1, 2, 127, 128, 255]),
        ("int8", .int8, [-128, -1, 0, 1, 2, 127]),
        ("int16", .int16, [-32768, -2, 0, 1, 300, 32767]),
        ("int32", .int32, [-2_147_483_648, -70000, 0, 1, 70000, 2_147_483_647]),
        ("float32", .float32, [-1.5, 0, 0.1, 3.25, 1e30, -2.5e-8].map { Double(Float($0)) }),
        ("float64", .float64, [-1.5, 0, 0.1, 3.25, 1e300, -2.5e-300]),
    ]

    @Test(arguments: typedValues, [".idx", ".idx.gz"])
    func readsEveryElementType(fixture: (String, IDXElementType, [Double]), suffix: String) throws {
        let (name, type, values) = fixture
        let array = try IDXArray(contentsOf: IDXFixtures.idx(name + suffix))
        #expect(array.elementType == type)
        #expect(array.shape == [2, 3])
        #expect((0..<6).map { array.double(at: $0) } == values)
        if type.isInteger {
            #expect((0..<6).map { array.integer(at: $0) } == values.map { Int($0) })
        }
    }

    @Test func readsRankFour() throws {
        let array = try IDXArray(contentsOf: IDXFixtures.idx("rank4-int16.idx"))
        #expect(array.shape == [2, 1, 2, 2])
        #expect((0..<8).map { array.integer(at: $0) } == Array(-4..<4))
    }

    /// Hand-built raw headers, each with the code and byte offset it must fail at.
    @Test(arguments: [
        ([1, 0, 8, 1, 0, 0, 0, 1, 5], LoaderError.Code.malformed, 0),  // first zero byte
        ([0, 2, 8, 1, 0, 0, 0, 1, 5], .malformed, 1),  // second zero byte
        ([0, 0, 0x0A, 1, 0, 0, 0, 1, 5], .unsupported, 2),  // unknown type code
        ([0, 0, 8, 0], .malformed, 3),  // rank 0
        ([0, 0, 8, 33] + [UInt8](repeating: 0, count: 132), .unsupported, 3),  // rank above 32
        ([0, 0, 8, 2, 0, 0, 0], .truncated, 7),  // ends inside the dimensions
        ([0, 0], .truncated, 2),  // ends inside the magic number
        // float64, 3 dims of 2^32-1: 8 x (2^32-1)^2 overflows at the second dimension (byte 8).
        ([0, 0, 0x0E, 3] + [UInt8](repeating: 0xFF, count: 12), .unsupported, 8),
        // No samples, but each would be (2^32-1)^3 bytes: a zero dimension must not hide the
        // overflow (2^32-1)^2 x (2^32-1) at the third dimension (byte 12) from later products.
        ([0, 0, 8, 4, 0, 0, 0, 0] + [UInt8](repeating: 0xFF, count: 12), .unsupported, 12),
        // Declares 4 GiB of uint8 with none present: refused at the end of the 8-byte file.
        ([0, 0, 8, 1, 0xFF, 0xFF, 0xFF, 0xFF], .truncated, 8),
        ([0, 0, 8, 1, 0, 0, 0, 3, 1, 2], .truncated, 10),  // payload one byte short
        ([0, 0, 8, 1, 0, 0, 0, 2, 1, 2, 3], .trailingData, 10),  // payload one byte long
    ] as [([UInt8], LoaderError.Code, Int)])
    func badHeaderNamesCodeAndOffset(bytes: [UInt8], code: LoaderError.Code, offset: Int) throws {
        let path = try IDXFixtures.temporaryFile(bytes, name: "bad.idx")
        let error = try #require(IDXFixtures.loaderError { _ = try IDXArray(contentsOf: path) })
        #expect(error.code == code, "\(error)")
        #expect(error.location == .byteOffset(offset), "\(error)")
        #expect(error.path == path)
        #expect(error.description.hasPrefix(path))
    }

    /// Valid gzip whose payload is one byte short or long; offsets are in the decompressed stream
    /// (16-byte header + 30-byte payload).
    @Test(arguments: [
        ("payload-short.gz", LoaderError.Code.truncated, 45),
        ("payload-long.gz", .trailingData, 46),
    ])
    func gzippedPayloadLengthIsChecked(name: String, code: LoaderError.Code, offset: Int) throws {
        let error = try #require(IDXFixtures.loaderError { _ = try IDXArray(contentsOf: IDXFixtures.idx(name)) })
        #expect(error.code == code)
        #expect(error.location == .byteOffset(offset))
        #expect(error.message.contains("decompressed stream"))
    }

    @Test func gzipDeclaringMoreThanDeflateCanHoldIsRefusedBeforeInflating() throws {
        // huge-declared.gz (26 bytes) holds only a header claiming 2^32-1 bytes: deflate's 1032:1
        // limit rules that out before any buffer is allocated; the offset is the compressed file's end.
        let path = IDXFixtures.idx("huge-declared.gz")
        let error = try #require(IDXFixtures.loaderError { _ = try IDXArray(contentsOf: path) })
        #expect(error.code == .truncated)
        #expect(error.location == .byteOffset(26))
        #expect(error.message.contains("compressed file"))
    }

    /// Whole-file loading inflates with libdeflate, which cannot say what is wrong; the zlib
    /// re-read must still report each bad file's precise code.
    @Test(arguments: [
        ("truncated.gz", LoaderError.Code.truncated),
        ("bad-crc.gz", .checksumMismatch),
        ("bad-length.gz", .lengthMismatch),
        ("corrupt-deflate.gz", .corrupt),
        ("trailing-garbage.gz", .trailingData),
    ])
    func badGzipLoadsReportTheZlibDiagnosis(name: String, code: LoaderError.Code) throws {
        let path = IDXFixtures.idx(name)
        let error = try #require(IDXFixtures.loaderError { _ = try IDXArray(contentsOf: path) })
        #expect(error.code == code, "\(error)")
        #expect(error.path == path)
    }

    @Test func multiMemberGzipIsOneIDXFile() throws {
        let array = try IDXArray(contentsOf: IDXFixtures.idx("small-images-multimember.gz"))
        #expect(array.shape == [5, 2, 3])
        #expect(array.withUnsafeBytes { Array($0) } == Array(0..<30))
    }
}
