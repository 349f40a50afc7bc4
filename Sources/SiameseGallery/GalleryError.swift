import Foundation

/// Errors of a ``Gallery`` and its ``GalleryStore``: each names the identity, file, value or model involved.
public enum GalleryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No identity of that name is enrolled.
    case unknownIdentity(String)
    /// An identity name must be 1…256 characters with no control characters.
    case invalidName(String)
    /// An embedding has `actual` components where the gallery (its model) has `expected`.
    case dimensionMismatch(expected: Int, actual: Int, context: String)
    /// The store was made with another model (another content hash or dimension); mixing models is refused.
    case modelMismatch(store: String, storeModel: String, storeDimension: Int, model: String, modelDimension: Int)
    /// The model has no content hash (it was never saved as a model folder), so the gallery cannot record it.
    case modelWithoutContentHash
    /// The model has no image encoder whose embedding size is known (text models arrive with the text target).
    case unsupportedModel(String)
    /// The gallery holds no references, so there is nothing to identify or search.
    case emptyGallery
    /// Embedding `index` (of those given) has a NaN or infinite component at `component`.
    case nonFiniteEmbedding(index: Int, component: Int)
    /// An enroll or query was malformed (no references, `k` < 1, a bad rate …).
    case invalidArgument(String)
    /// The model has no calibrated threshold in its `similarity.json`, and none was given.
    case noCalibratedThreshold
    /// No calibrated operating point has a false-accept rate at or below `rate`; `available` lists the calibrated rates.
    case noOperatingPoint(rate: Double, available: [Double])
    /// An image could not be read or embedded.
    case unreadableImage(path: String, reason: String)
    /// The database file is damaged, or is not a SQLite database.
    case corruptStore(path: String, reason: String)
    /// The database is a SQLite database but not a SiameseKit gallery (or a newer gallery format).
    case notAGallery(path: String, reason: String)
    /// Any other storage failure (I/O, locking), with the database's own message.
    case storage(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unknownIdentity(name):
            return "no identity named '\(name)' is enrolled in the gallery"
        case let .invalidName(name):
            return "invalid identity name '\(name)': use 1…256 characters and no control characters"
        case let .dimensionMismatch(expected, actual, context):
            return "\(context): the gallery's model makes \(expected)-dimensional embeddings, got \(actual) components"
        case let .modelMismatch(store, storeModel, storeDimension, model, modelDimension):
            return "\(store) was made with model \(storeModel) (\(storeDimension) dimensions); refusing to mix it with model \(model) (\(modelDimension) dimensions)"
        case .modelWithoutContentHash:
            return "the model has no content hash; save it as a model folder (or load one) before using it in a gallery"
        case let .unsupportedModel(reason):
            return "the model cannot be used in a gallery: \(reason)"
        case .emptyGallery:
            return "the gallery is empty; enroll identities first"
        case let .nonFiniteEmbedding(index, component):
            return "embedding \(index) has a non-finite value (NaN or infinity) at component \(component)"
        case let .invalidArgument(reason):
            return reason
        case .noCalibratedThreshold:
            return "the model has no calibrated threshold (similarity.json); give an explicit threshold or a false-accept rate"
        case let .noOperatingPoint(rate, available):
            let list = available.isEmpty ? "none" : available.sorted().map { "\($0)" }.joined(separator: ", ")
            return "the model has no threshold calibrated for a false-accept rate ≤ \(rate) (calibrated rates: \(list))"
        case let .unreadableImage(path, reason):
            return "\(path): \(reason)"
        case let .corruptStore(path, reason):
            return "\(path): the gallery database is damaged or not a SQLite database (\(reason))"
        case let .notAGallery(path, reason):
            return "\(path): not a SiameseKit gallery (\(reason))"
        case let .storage(path, reason):
            return "\(path): gallery storage failed: \(reason)"
        }
    }
}
