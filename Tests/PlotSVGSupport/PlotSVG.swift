import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// A plot's SVG read back by an XML parser, to check what `LossPlot`, `loaders plot` and
/// `loaders train --plot` draw.
public struct PlotSVG {
    public struct Element {
        public var name: String
        public var attributes: [String: String]
        /// The text directly inside it.
        public var text = ""
        /// The `class` of each enclosing `<g>`, outermost first.
        public var groups: [String]
        /// Attributes set on the enclosing `<g>`s and on the element itself (`text-anchor`, `font-size`).
        public var inherited: [String: String]

        public func number(_ attribute: String) -> Double? { attributes[attribute].flatMap(Double.init) }

        /// A polyline's points.
        public var points: [(x: Double, y: Double)] {
            (attributes["points"] ?? "").split(separator: " ").map { pair in
                let xy = pair.split(separator: ",").map { Double($0)! }
                return (xy[0], xy[1])
            }
        }
    }

    public let elements: [Element]
    public let width: Double, height: Double

    public init(_ svg: String) throws {
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
    public func all(_ name: String, class className: String? = nil) -> [Element] {
        elements.filter { $0.name == name && (className == nil || $0.attributes["class"] == className) }
    }

    /// The texts inside a `<g class="…">`.
    public func texts(in group: String) -> [Element] {
        elements.filter { $0.name == "text" && $0.groups.contains(group) }
    }

    /// Each y tick's value and height, bottom first.
    public var yTicks: [(value: Double, pixel: Double)] {
        zip(texts(in: "y-axis"), all("line").filter { $0.groups.contains("y-axis") }).map {
            (Self.value(ofLabel: $0.text)!, $1.number("y1")!)
        }
    }

    /// Each x tick's value and place, left first.
    public var xTicks: [(value: Double, pixel: Double)] {
        zip(texts(in: "x-axis"), all("line").filter { $0.groups.contains("x-axis") }).map {
            (Self.value(ofLabel: $0.text)!, $1.number("x1")!)
        }
    }

    /// Where a linear axis with these ticks puts `value`, from its first and last tick.
    public static func pixel(of value: Double, on ticks: [(value: Double, pixel: Double)]) -> Double {
        let (first, last) = (ticks.first!, ticks.last!)
        return first.pixel + (value - first.value) / (last.value - first.value) * (last.pixel - first.pixel)
    }

    /// A tick label's value: "0.25", "20k", "1.5M", "1e-5".
    public static func value(ofLabel label: String) -> Double? {
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
