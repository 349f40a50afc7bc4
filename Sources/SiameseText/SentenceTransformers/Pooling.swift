import Foundation
import SiameseCore

/// How token embeddings become one sentence embedding (sentence-transformers' `Pooling` module,
/// `1_Pooling/config.json`): the mean over real tokens, the `[CLS]` token, or the element-wise maximum.
public enum Pooling: String, Sendable, Equatable, CaseIterable {
    case mean, cls, max

    /// Reads `1_Pooling/config.json`: exactly one of `pooling_mode_mean_tokens`, `pooling_mode_cls_token`,
    /// `pooling_mode_max_tokens` true; other modes (`mean_sqrt_len_tokens`, `weightedmean`, `lasttoken`, several at
    /// once) are refused by name.
    public static func read(_ url: URL) throws -> Pooling {
        guard FileManager.default.fileExists(atPath: url.path) else { throw TextError.missingFile(path: url.path) }
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) } catch {
            throw TextError.malformedFile(path: url.path, reason: "not valid JSON")
        }
        guard let json = object as? [String: Any] else { throw TextError.malformedFile(path: url.path, reason: "not a JSON object") }
        if let mode = json["pooling_mode"] as? String {
            guard let p = [("mean", Pooling.mean), ("cls", .cls), ("max", .max)].first(where: { $0.0 == mode })?.1 else {
                throw TextError.unsupportedOption(path: url.path, field: "pooling_mode", value: mode)
            }
            return p
        }
        var chosen: [Pooling] = []
        for (key, value) in json.sorted(by: { $0.key < $1.key }) where key.hasPrefix("pooling_mode_") {
            guard (value as? NSNumber)?.boolValue == true else { continue }
            switch key {
            case "pooling_mode_mean_tokens": chosen.append(.mean)
            case "pooling_mode_cls_token": chosen.append(.cls)
            case "pooling_mode_max_tokens": chosen.append(.max)
            default: throw TextError.unsupportedOption(path: url.path, field: key, value: "true")
            }
        }
        guard chosen.count == 1 else {
            throw TextError.unsupportedOption(path: url.path, field: "pooling modes",
                                              value: chosen.isEmpty ? "none" : chosen.map(\.rawValue).joined(separator: " + "))
        }
        return chosen[0]
    }

    /// The sentence-transformers `1_Pooling/config.json` for this pooling over `dimension`-wide tokens.
    public func jsonObject(dimension: Int) -> [String: Any] {
        [
            "word_embedding_dimension": dimension,
            "pooling_mode_cls_token": self == .cls, "pooling_mode_mean_tokens": self == .mean,
            "pooling_mode_max_tokens": self == .max, "pooling_mode_mean_sqrt_len_tokens": false,
            "pooling_mode_weightedmean_tokens": false, "pooling_mode_lasttoken": false, "include_prompt": true,
        ]
    }

    /// Pools `count` token rows of width `dimension` starting at `tokens` into `out`.
    func pool(_ tokens: UnsafePointer<Float>, count: Int, dimension: Int, into out: UnsafeMutablePointer<Float>) {
        switch self {
        case .cls:
            out.update(from: tokens, count: dimension)
        case .mean:
            for k in 0..<dimension { out[k] = 0 }
            for t in 0..<count { for k in 0..<dimension { out[k] += tokens[t * dimension + k] } }
            let inv = 1 / Float(Swift.max(count, 1))
            for k in 0..<dimension { out[k] *= inv }
        case .max:
            for k in 0..<dimension { out[k] = count > 0 ? tokens[k] : 0 }
            for t in 1..<Swift.max(count, 1) { for k in 0..<dimension { out[k] = Swift.max(out[k], tokens[t * dimension + k]) } }
        }
    }
}

extension Pooling {
    /// Pools padded token embeddings `[n, length, d]` with `mask` `[n, length]` (1 for tokens) into `[n, d]`,
    /// differentiably: the masked mean (counts clamped at 1e-9, as sentence-transformers), the first token, or the
    /// maximum over real tokens.
    public func pool(tokens: Tensor, mask: Tensor) -> Tensor {
        let (n, l, d) = (tokens.shape[0], tokens.shape[1], tokens.shape[2])
        let m = mask.reshaped([n, l, 1])
        switch self {
        case .mean:
            let counts = Tensor(mask.sum(axis: 1).scalars.map { Swift.max($0, 1e-9) }, shape: [n, 1])
            return (tokens * m).sum(axis: 1) * (1 / counts)
        case .cls:
            return tokens.narrowed(axis: 1, start: 0, length: 1).reshaped([n, d])
        case .max:
            return (tokens + (m - 1) * 1e9).max(axis: 1)
        }
    }
}
