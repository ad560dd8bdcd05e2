import Foundation
import Testing
@testable import Loaders

/// Scans `text` the way the CSV reader does and converts it while its bytes are alive.
private func converted<Result>(_ text: String, _ body: (DecimalText) -> Result) -> Result? {
    var copy = text
    return copy.withUTF8 { bytes in DecimalText.scan(UnsafeRawBufferPointer(bytes)).map(body) }
}

private func scanned(_ text: String) -> DecimalText? { converted(text) { $0 } }

/// Every line of Fixtures/csv/numbers.txt (written by make_numbers.py from Python's exact
/// arithmetic) must convert to the same Float and Double bit patterns.
@Test func decimalConversionMatchesPythonExactRounding() throws {
    let text = try String(contentsOfFile: CSVFixturePaths.csv("numbers.txt"), encoding: .utf8)
    var checked = 0
    for line in text.split(separator: "\n") {
        let parts = line.split(separator: " ")
        try #require(parts.count == 3)
        let bits = try #require(
            converted(String(parts[0])) { (DecimalConversion.float($0).bitPattern, DecimalConversion.double($0).bitPattern) },
            "\(parts[0]) did not scan")
        let (floatBits, doubleBits) = bits
        #expect(floatBits == UInt32(parts[1], radix: 16), "Float of \(parts[0])")
        #expect(doubleBits == UInt64(parts[2], radix: 16), "Double of \(parts[0])")
        checked += 1
    }
    #expect(checked > 20_000)
}

@Test(arguments: [
    ("42", 42.0), (" -7 ", -7.0), ("+1.5", 1.5), ("1e3", 1000.0), ("2.5E-1", 0.25), (".5", 0.5),
    ("5.", 5.0), ("\t3\t", 3.0), ("-0", -0.0), ("1_0", nil), ("", nil), ("  ", nil), ("1e", nil),
    ("e5", nil), (".", nil), ("1.2.3", nil), ("--1", nil), ("0x10", nil), ("1 2", nil), ("abc", nil),
] as [(String, Double?)])
func decimalScanAcceptsNumbersOnly(text: String, expected: Double?) {
    let value = converted(text, DecimalConversion.double)
    #expect(value == expected)
    if let value, let expected { #expect(value.sign == expected.sign) }
}

@Test func decimalScanReadsSpecialValuesAsPythonDoes() throws {
    #expect(try #require(scanned("inf")).kind == .infinity)
    #expect(converted("-Infinity", DecimalConversion.float) == -.infinity)
    #expect(try #require(converted("NaN", DecimalConversion.double)).isNaN)
    #expect(scanned("infinite") == nil)
    #expect(try #require(scanned("12")).isInteger)
    #expect(try #require(scanned("12.0")).isInteger == false)
}

/// The same values as fields of a CSV file, where the parser's own fast path for plain decimals
/// reads most of them.
@Test func csvFieldsConvertAsPythonRounds() throws {
    let text = try String(contentsOfFile: CSVFixturePaths.csv("numbers.txt"), encoding: .utf8)
    let lines = text.split(separator: "\n").map { $0.split(separator: " ") }
    let csv = "label,value\n" + lines.map { "0,\($0[0])\n" }.joined()
    let path = try CSVFixturePaths.temporary(csv)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let dataset = try CSVDataset(path)
    try #require(dataset.count == lines.count)
    for (index, line) in lines.enumerated() {
        let bits = try dataset.sample(at: index).features.scalars[0].bitPattern
        #expect(bits == UInt32(line[1], radix: 16), "\(line[0])")
    }
}
