import Foundation
import Testing

/// The DocC articles on the seed programs quote their programs: every Swift block of an article is
/// a run of lines of its example's source, so the articles cannot drift from the code they explain.
@Suite struct ArticleCodeTests {
    @Test(arguments: [
        ("LinearRegression.md", "LinearRegression"),
        ("WineMLP.md", "WineMLP"),
        ("MNISTCNN.md", "MNISTCNN"),
    ])
    func articleBlocksAreRunsOfTheProgram(article: String, example: String) throws {
        let root = ExamplePrograms.root
        let text = try String(contentsOf: root.appendingPathComponent("Sources/Training/Training.docc/\(article)"), encoding: .utf8)
        let source = try String(contentsOf: root.appendingPathComponent("Examples/\(example)/main.swift"), encoding: .utf8)
        let blocks = text.components(separatedBy: "```swift\n").dropFirst().compactMap { $0.components(separatedBy: "```").first }
        #expect(blocks.count >= 4)
        for block in blocks {
            #expect(source.contains("\n" + block), "\(article) quotes code not in Examples/\(example)/main.swift:\n\(block)")
        }
    }
}
