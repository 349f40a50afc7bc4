import Foundation

/// The fixtures vendored in `Tests/SiameseTestSupport/Fixtures/` (see its README for provenance and tolerances).
///
/// ```swift
/// let reference = try Fixtures.decode(Reference.self, from: "metrics_reference.json", nonFiniteAsNull: true)
/// ```
public enum Fixtures {
    /// The folder holding the fixtures inside this target's resource bundle.
    public static var folder: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures", isDirectory: true)
    }

    /// The file `name` (for example `"pml_conformance.json"`).
    public static func url(_ name: String) -> URL {
        folder.appendingPathComponent(name)
    }

    /// The bytes of `name`.
    public static func data(_ name: String) throws -> Data {
        try Data(contentsOf: url(name))
    }

    /// The UTF-8 text of `name`.
    public static func text(_ name: String) throws -> String {
        try String(contentsOf: url(name), encoding: .utf8)
    }

    /// `name` parsed with `JSONSerialization` (dictionaries, arrays, `NSNumber`s, strings).
    public static func json(_ name: String) throws -> Any {
        try JSONSerialization.jsonObject(with: data(name), options: [.fragmentsAllowed])
    }

    /// `name` decoded as `type`.
    ///
    /// - Parameter nonFiniteAsNull: replace the bare JSON tokens `Infinity`, `-Infinity` and `NaN` (which Python's
    ///   `json` writes and `JSONDecoder` rejects) by `null`, so they decode as `nil` in optional fields.
    public static func decode<T: Decodable>(_ type: T.Type, from name: String, nonFiniteAsNull: Bool = false) throws -> T {
        guard nonFiniteAsNull else { return try JSONDecoder().decode(type, from: data(name)) }
        let text = try text(name)
            .replacingOccurrences(of: "-Infinity", with: "null")
            .replacingOccurrences(of: "Infinity", with: "null")
            .replacingOccurrences(of: "NaN", with: "null")
        return try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}
