import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// A plot's SVG read back by an XML parser, to check what it draws.
struct PlotSVG {
    struct Element {
        var name: String
        var attributes: [String: String]
        /// The text directly inside it.
        var text = ""
        /// The `class` of each enclosing `<g>`, outermost first.
        var groups: [String]
        /// Attributes set on the enclosing `<g>`s and on the element itself (`text-anchor`, `font-size`).
        var inherited: [String: String]

        func number(_ attribute: String) -> Double? { attributes[attribute].flatMap(Double.init) }

        /// A polyline's points.
        var points: [(x: Double, y: Double)] {
            (attributes["points"] ?? "").split(separator: " ").map { pair in
                let xy = pair.split(separator: ",").map { Double($0)! }
                return (xy[0], xy[1])
            }
        }
    }

    let elements: [Element]
    let width: Double, height: Double

    init(_ svg: String) throws {
        let reader = Reader()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = reader
        guard parser.parse() else { throw parser.parserError ?? CocoaError(.propertyListReadCorrupt) }
        elements = reader.elements
        let root = try #require(elements.first)
        let box = try #require(root.attributes["viewBox"]).split(separator: " ").map { Double($0)! }
        (width, height) = (box[2], box[3])
    }

    /// The elements named `name`, with `class` when given, in document order.
    func all(_ name: String, class className: String? = nil) -> [Element] {
        elements.filter { $0.name == name && (className == nil || $0.attributes["class"] == className) }
    }

    /// The texts inside a `<g class="…">`.
    func texts(in group: String) -> [Element] {
        elements.filter { $0.name == "text" && $0.groups.contains(group) }
    }

    /// A tick label's value: "0.25", "20k", "1.5M", "1e-5".
    static func value(ofLabel label: String) -> Double? {
        let units: [Character: Double] = ["k": 1e3, "M": 1e6, "G": 1e9]
        if let last = label.last, let unit = units[last] { return Double(label.dropLast()).map { $0 * unit } }
        return Double(label)
    }

    private final class Reader: NSObject, XMLParserDelegate {
        var elements: [Element] = []
        private var open: [Int] = []

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            let groups = open.compactMap { elements[$0].name == "g" ? elements[$0].attributes["class"] : nil }
            let inherited = (open.last.map { elements[$0].inherited } ?? [:]).merging(attributes) { $1 }
            elements.append(Element(name: name, attributes: attributes, groups: groups, inherited: inherited))
            open.append(elements.count - 1)
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            open.removeLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if let current = open.last { elements[current].text += string }
        }
    }
}
