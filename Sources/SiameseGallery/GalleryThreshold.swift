import SiameseModels

/// Which threshold a verify or identify decides with.
///
/// - ``calibrated``: the model's default threshold (best accuracy on held-out pairs, `similarity.json`'s `threshold`).
/// - ``falseAcceptRate(_:)``: the calibrated operating point with the largest false-accept rate not above the one
///   requested (`similarity.json`'s `operatingPoints` and `threshold`, as ``SimilarityConfiguration/threshold(forFalseAcceptRate:)``).
/// - ``value(_:)``: an explicit threshold on the model's score.
public enum GalleryThreshold: Sendable, Equatable {
    case calibrated
    case falseAcceptRate(Double)
    case value(Double)

    /// The threshold for a model's `similarity.json`.
    ///
    /// - Throws: ``GalleryError/noCalibratedThreshold``, ``GalleryError/noOperatingPoint(rate:available:)`` or
    ///   ``GalleryError/invalidArgument(_:)`` for a rate outside [0, 1] or a non-finite value.
    public func resolve(_ similarity: SimilarityConfiguration) throws(GalleryError) -> AppliedThreshold {
        switch self {
        case .calibrated:
            guard let t = similarity.threshold else { throw .noCalibratedThreshold }
            return AppliedThreshold(value: t.value, rule: t.rule, falseAcceptRate: t.falseAcceptRate)
        case let .falseAcceptRate(rate):
            guard rate.isFinite, (0...1).contains(rate) else { throw .invalidArgument("false-accept rate \(rate) is not in [0, 1]") }
            guard let t = similarity.threshold(forFalseAcceptRate: rate) else {
                throw .noOperatingPoint(rate: rate, available: (similarity.operatingPoints + [similarity.threshold].compactMap { $0 }).map(\.falseAcceptRate))
            }
            return AppliedThreshold(value: t.value, rule: t.rule, falseAcceptRate: t.falseAcceptRate)
        case let .value(value):
            guard value.isFinite else { throw .invalidArgument("threshold \(value) is not a finite number") }
            return AppliedThreshold(value: value, rule: "explicit", falseAcceptRate: nil)
        }
    }
}

/// The threshold a decision used: its value on the model's score, how it was chosen, and the false-accept rate
/// measured for it at calibration (`nil` for an explicit value).
public struct AppliedThreshold: Codable, Sendable, Equatable {
    public var value: Double
    public var rule: String
    public var falseAcceptRate: Double?

    /// Whether `score` is accepted ("same"): `score ≥ value` for similarities, `score ≤ value` for distances.
    public func accepts(_ score: Double, greaterIsCloser: Bool) -> Bool { greaterIsCloser ? score >= value : score <= value }
}
