import SiameseData
import SiameseEvaluation

/// Everything a run's report shows, gathered once (``RunReport/read(run:options:)``) and rendered by the sections.
public struct ReportContent: Sendable {
    /// A named value of the recipe or the model.
    public struct Setting: Sendable, Equatable {
        public let name: String, value: String
        public init(_ name: String, _ value: String) { self.name = name; self.value = value }
    }
    /// The model: size, encoder, how it compares, its thresholds.
    public struct ModelSummary: Sendable {
        public var parameters: Int
        public var encoder: String
        public var embeddingSize: Int?
        public var distance: String
        public var greaterIsCloser: Bool
        public var normalizesEmbeddings: Bool
        public var thresholds: [CalibratedThreshold]
        public init(parameters: Int, encoder: String, embeddingSize: Int?, distance: String, greaterIsCloser: Bool,
                    normalizesEmbeddings: Bool, thresholds: [CalibratedThreshold]) {
            self.parameters = parameters; self.encoder = encoder; self.embeddingSize = embeddingSize; self.distance = distance
            self.greaterIsCloser = greaterIsCloser; self.normalizesEmbeddings = normalizesEmbeddings; self.thresholds = thresholds
        }
    }
    /// One epoch of training.
    public struct Epoch: Sendable, Equatable {
        public var epoch: Int, loss: Double?, learningRate: Double?, validation: Double?, improved: Bool
        public init(epoch: Int, loss: Double?, learningRate: Double? = nil, validation: Double? = nil, improved: Bool = false) {
            self.epoch = epoch; self.loss = loss; self.learningRate = learningRate; self.validation = validation; self.improved = improved
        }
    }
    /// An N-way K-shot accuracy with its 95 % interval.
    public struct FewShot: Sendable, Equatable {
        public var name: String, accuracy: Double, low: Double, high: Double, trials: Int
        public init(name: String, accuracy: Double, low: Double, high: Double, trials: Int) {
            self.name = name; self.accuracy = accuracy; self.low = low; self.high = high; self.trials = trials
        }
    }
    /// The evaluated items: a name each (file name or sentence), class, and what to show for them.
    public struct Items: Sendable {
        public var names: [String]
        public var labels: [Int]
        public var classNames: [Int: String]
        /// Images in [0, 1] for thumbnails (empty for text).
        public var images: [Image]
        /// Sentences (empty for images).
        public var sentences: [String]
        public init(names: [String], labels: [Int], classNames: [Int: String] = [:], images: [Image] = [], sentences: [String] = []) {
            self.names = names; self.labels = labels; self.classNames = classNames; self.images = images; self.sentences = sentences
        }
        public func className(_ label: Int) -> String { classNames[label] ?? "class \(label)" }
    }
    /// A 2-D map of some of the items' embeddings.
    public struct Projection: Sendable {
        public var name: String
        /// Item indices, one per point.
        public var items: [Int]
        public var points: [[Float]]
        public var note: String
        public init(name: String, items: [Int], points: [[Float]], note: String = "") {
            self.name = name; self.items = items; self.points = points; self.note = note
        }
    }

    public var title: String
    /// The run folder.
    public var source: String
    public var settings: [Setting]
    public var model: ModelSummary?
    public var epochs: [Epoch]
    /// What `Epoch.validation` measures.
    public var validationMetric: String
    public var verification: PairScores?
    public var fewShot: [FewShot]
    /// Retrieval metrics (name, value), when the run measured them.
    public var retrieval: [Setting]
    public var items: Items
    public var projections: [Projection]
    /// Hardest mistakes shown per kind.
    public var mistakes: Int
    /// Anything the reader wants to say (what was evaluated, what is missing).
    public var notes: [String]

    public init(title: String, source: String, settings: [Setting] = [], model: ModelSummary? = nil, epochs: [Epoch] = [],
                validationMetric: String = "validation", verification: PairScores? = nil, fewShot: [FewShot] = [],
                retrieval: [Setting] = [], items: Items = Items(names: [], labels: []), projections: [Projection] = [],
                mistakes: Int = 8, notes: [String] = []) {
        self.title = title; self.source = source; self.settings = settings; self.model = model; self.epochs = epochs
        self.validationMetric = validationMetric; self.verification = verification; self.fewShot = fewShot
        self.retrieval = retrieval; self.items = items; self.projections = projections; self.mistakes = mistakes; self.notes = notes
    }
}
