import Foundation
/// Checks shared by the gallery and its stores, so that nothing malformed reaches a database.
public enum GalleryValidation {
    /// A name of 1…256 characters without control characters.
    public static func checkName(_ name: String) throws(GalleryError) {
        guard (1...256).contains(name.count), !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }),
              name.trimmingCharacters(in: .whitespaces) == name else { throw .invalidName(name) }
    }

    /// `vector` has `dimension` finite components (`index` names it in errors).
    public static func checkVector(_ vector: [Float], dimension: Int, index: Int, context: String) throws(GalleryError) {
        guard vector.count == dimension else { throw .dimensionMismatch(expected: dimension, actual: vector.count, context: context) }
        if let bad = vector.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteEmbedding(index: index, component: bad) }
    }

    /// A valid name and at least one reference, each of `dimension` finite components.
    public static func check(_ enrollment: Enrollment, dimension: Int) throws(GalleryError) {
        try checkName(enrollment.name)
        guard !enrollment.references.isEmpty else { throw .invalidArgument("enroll '\(enrollment.name)': give at least one reference") }
        for (i, reference) in enrollment.references.enumerated() {
            try checkVector(reference.vector, dimension: dimension, index: i, context: "enroll '\(enrollment.name)', reference \(i)")
        }
    }
}

extension Enrollment {
    /// Throws the ``GalleryError`` that a store would refuse this enrollment with (stores call it before writing).
    public func validate(dimension: Int) throws(GalleryError) { try GalleryValidation.check(self, dimension: dimension) }
}
