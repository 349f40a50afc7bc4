import SiameseGallery

/// `POST /gallery/identities` body: enroll `name` (created when new, references added otherwise) from up to
/// ``ServeConfiguration/maxInputs`` inputs, atomically. `metadata` replaces the identity's metadata (absent: kept).
/// `model`, when given, must be the served model's content hash (as `POST /embed` reports it), so that embeddings of
/// another model are refused rather than mixed in.
public struct GalleryEnrollRequest: Codable, Sendable, Equatable {
    public var name: String
    public var metadata: [String: String]?
    public var inputs: [APIInput]
    public var model: String?

    public init(name: String, metadata: [String: String]? = nil, inputs: [APIInput], model: String? = nil) {
        self.name = name; self.metadata = metadata; self.inputs = inputs; self.model = model
    }
}

/// `POST /gallery/verify` body: is `input` the identity `name`? Scores combine by `aggregation` (`best`, the
/// default, or `mean`); the threshold is `threshold`, the calibrated one for `falseAcceptRate`, or the model's
/// calibrated threshold (not both).
public struct GalleryVerifyRequest: Codable, Sendable, Equatable {
    public var name: String
    public var input: APIInput
    public var aggregation: ScoreAggregation?
    public var threshold: Double?
    public var falseAcceptRate: Double?
    public var model: String?

    public init(name: String, input: APIInput, aggregation: ScoreAggregation? = nil, threshold: Double? = nil,
                falseAcceptRate: Double? = nil, model: String? = nil) {
        self.name = name; self.input = input; self.aggregation = aggregation; self.threshold = threshold
        self.falseAcceptRate = falseAcceptRate; self.model = model
    }
}

/// `POST /gallery/identify` body: the `k` (default 5, at most ``GalleryRoutes/maxK``) identities closest to
/// `input`, and the match at the threshold (as in ``GalleryVerifyRequest``).
public struct GalleryIdentifyRequest: Codable, Sendable, Equatable {
    public var input: APIInput
    public var k: Int?
    public var threshold: Double?
    public var falseAcceptRate: Double?
    public var model: String?

    public init(input: APIInput, k: Int? = nil, threshold: Double? = nil, falseAcceptRate: Double? = nil, model: String? = nil) {
        self.input = input; self.k = k; self.threshold = threshold; self.falseAcceptRate = falseAcceptRate; self.model = model
    }
}

/// `POST /gallery/search` body: the `k` (default 10, at most ``GalleryRoutes/maxK``) references closest to `input`.
public struct GallerySearchRequest: Codable, Sendable, Equatable {
    public var input: APIInput
    public var k: Int?
    public var model: String?

    public init(input: APIInput, k: Int? = nil, model: String? = nil) {
        self.input = input; self.k = k; self.model = model
    }
}

/// `GET /gallery/identities` answer: every identity, by name.
public struct GalleryIdentitiesResponse: Codable, Sendable, Equatable {
    public var identities: [IdentitySummary]
}

/// `POST /gallery/search` answer: the closest references, best first.
public struct GallerySearchResponse: Codable, Sendable, Equatable {
    public var hits: [ReferenceHit]
}
