import Foundation
import SiameseData
import SiameseModels

/// Turns request inputs into embeddings: counts them against ``ServeConfiguration/maxInputs``, decodes base64
/// images (PNG, JPEG, PGM/PPM, in the model's colour mode, refused above ``ServeConfiguration/maxImagePixels``
/// from the header), checks given embeddings (the model's dimension, finite), and embeds the images of one request
/// together through the ``EmbeddingBatcher`` (so concurrent requests share encoder passes).
public struct InputResolver: Sendable {
    public let configuration: ServeConfiguration
    public let model: ModelSummary
    public let batcher: EmbeddingBatcher<Image>
    public let metrics: ServeMetrics

    /// One embedding per input, in order. `fields` names each input in errors (`inputs[3]`, `a`).
    ///
    /// - Throws: ``APIError``: 413 `too_many_inputs` / `image_too_large`, 400 `invalid_base64`, 422 `invalid_image`,
    ///   `invalid_embedding`, `model_error`.
    public func embeddings(of inputs: [APIInput], fields: [String]) async throws -> [[Float]] {
        guard inputs.count <= configuration.maxInputs else {
            throw APIError.tooManyInputs(inputs.count, limit: configuration.maxInputs)
        }
        var rows = [[Float]?](repeating: nil, count: inputs.count)
        var images: [Image] = [], imageSlots: [Int] = []
        for (i, input) in inputs.enumerated() {
            let field = i < fields.count ? fields[i] : "inputs[\(i)]"
            switch input {
            case let .embedding(values):
                guard values.count == model.dimension else {
                    throw APIError.invalidEmbedding("\(field).embedding has \(values.count) values; the model's embeddings have \(model.dimension)")
                }
                if let bad = values.firstIndex(where: { !$0.isFinite }) {
                    throw APIError.invalidEmbedding("\(field).embedding[\(bad)] is not a finite number")
                }
                rows[i] = values
            case let .image(base64):
                images.append(try decodeImage(base64, field: "\(field).image"))
                imageSlots.append(i)
            }
        }
        metrics.recordEmbeddingsTaken(inputs.count - images.count)
        if !images.isEmpty {
            let embedded: [[Float]]
            do {
                embedded = try await batcher.embed(images)
            } catch let error as ModelFolderError {
                throw APIError.modelError("\(error)")
            }
            for (slot, row) in zip(imageSlots, embedded) { rows[slot] = row }
        }
        return rows.map { $0 ?? [] }
    }

    private func decodeImage(_ base64: String, field: String) throws -> Image {
        guard !base64.isEmpty else { throw APIError.invalidBase64("\(field) is empty") }
        guard let data = Data(base64Encoded: base64) else {
            throw APIError.invalidBase64("\(field) is not valid base64 (RFC 4648, with padding, no line breaks)")
        }
        do {
            return try ImageDecoder.decode(data, path: field, mode: model.colorMode, maximumPixels: configuration.maxImagePixels)
        } catch let DataError.imageTooLarge(_, width, height, _, limit) {
            throw APIError.imageTooLarge("\(field) is \(width) × \(height) pixels; the limit is \(limit) pixels")
        } catch let error as DataError {
            throw APIError.invalidImage("\(error)")
        } catch {
            throw APIError.invalidImage("\(field): \(error)")
        }
    }
}
