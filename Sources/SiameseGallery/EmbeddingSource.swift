import Foundation

/// What a gallery embeds: a precomputed embedding, an image file or image bytes.
///
/// Texts join as a `.text(String)` case when the text encoder target lands; ``Gallery`` turns every source into a
/// vector in one place (`Gallery.embeddings(of:)`), which is the seam to extend.
public enum EmbeddingSource: Sendable, Equatable {
    /// An embedding made by the gallery's model (checked for dimension and NaN).
    case embedding([Float])
    /// An image file (PNG, JPEG, PGM/PPM), decoded in the model's colour mode.
    case imageFile(URL)
    /// Encoded image bytes (as an HTTP body carries them); `name` appears in errors and listings.
    case imageData(Data, name: String)

    /// A short description stored as the reference's source: the file path or name (`nil` for embeddings).
    public var sourceName: String? {
        switch self {
        case .embedding: return nil
        case let .imageFile(url): return url.path
        case let .imageData(_, name): return name
        }
    }
}
