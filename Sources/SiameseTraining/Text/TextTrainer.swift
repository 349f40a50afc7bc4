import Foundation
import SiameseCore
import SiameseData
import SiameseMetricLearning
import SiameseNN
import SiameseOptimizers
import SiameseText

/// Trains a ``SiameseText/SentenceEncoder`` (a ``SiameseText/SentenceTransformer`` or a
/// ``SiameseText/RecurrentTextEncoder``) on scored sentence pairs with a ``PairLoss``, as sentence-transformers'
/// `fit` does: both texts of each pair go through the same (shared-weight) encoder on the differentiable padded path,
/// AdamW updates every weight, the learning rate warms up linearly and then decays (cosine) to zero.
///
/// ```swift
/// let model = try SentenceTransformer(folder: URL(fileURLWithPath: "all-MiniLM-L6-v2"))
/// let pairs = try ScoredPairs.read(URL(fileURLWithPath: "sts-train.csv"))
/// var recipe = TextRecipe(); recipe.loss = "cosent"
/// let trainer = try TextTrainer(model: model, recipe: recipe, pairs: pairs)
/// try trainer.fit()
/// ```
public final class TextTrainer {
    public let model: any SentenceEncoder
    public let recipe: TextRecipe
    public let pairs: ScoredPairs
    public let loss: any PairLoss
    public let optimizer: AdamW
    public let schedule: any LearningRateSchedule
    /// What targets are divided by before the loss.
    public let scoreScale: Double
    public let stepsPerEpoch: Int
    public let totalSteps: Int
    /// The mean loss of each step so far.
    public private(set) var losses: [Float] = []

    /// - Throws: ``RecipeError/unusable(_:)`` for a loss the registry cannot build or too few pairs for one batch.
    public init(model: any SentenceEncoder, recipe: TextRecipe, pairs: ScoredPairs) throws {
        self.model = model; self.recipe = recipe; self.pairs = pairs
        do { loss = try PairLosses.registry.make(recipe.loss) } catch { throw RecipeError.unusable("loss: \(error)") }
        guard pairs.count >= 2 else { throw RecipeError.data("\(pairs.count) training pair(s): at least 2 are needed for a batch") }
        let largest = pairs.scores.map(Swift.abs).max() ?? 1
        scoreScale = recipe.scoreScale ?? (largest > 1 ? largest : 1)
        stepsPerEpoch = (pairs.count + recipe.batchSize - 1) / recipe.batchSize
        totalSteps = Swift.min(recipe.maxSteps ?? Int.max, recipe.epochs * stepsPerEpoch)
        let parameters = model.network.trainableParameters()
        optimizer = AdamW(parameters, learningRate: recipe.learningRate, weightDecay: recipe.weightDecay)
        optimizer.decayExempt = Set(parameters.map(\.name).filter(Self.isDecayExempt))
        let warmup = Swift.min(Int((Double(totalSteps) * recipe.warmupFraction).rounded(.up)), Swift.max(totalSteps - 1, 0))
        let total = Swift.max(totalSteps, 1)
        schedule = recipe.schedule == "cosine"
            ? WarmupCosineSchedule(base: recipe.learningRate, warmupSteps: warmup, totalSteps: total, minimum: 0)
            : WarmupLinearSchedule(base: recipe.learningRate, warmupSteps: warmup, totalSteps: total)
        (model as? SentenceTransformer)?.bert.seedDropout(recipe.seed &+ 0xD209)
        (model as? RecurrentTextEncoder)?.seedDropout(recipe.seed &+ 0xD209)
    }

    /// Whether a parameter gets no weight decay: biases and LayerNorm weights (sentence-transformers' `no_decay`
    /// list: names containing `bias`, `LayerNorm.bias` or `LayerNorm.weight`).
    public static func isDecayExempt(_ name: String) -> Bool {
        name.contains("bias") || name.contains("LayerNorm.weight")
    }

    /// The pair order of epoch `epoch` (shuffled from the recipe's seed and the epoch).
    func order(epoch: Int) -> [Int] {
        var g = SeededGenerator(seed: recipe.seed &+ UInt64(epoch) &* 1_000_003)
        var indices = Array(0..<pairs.count)
        for i in stride(from: indices.count - 1, to: 0, by: -1) { indices.swapAt(i, g.nextInt(below: i + 1)) }
        return indices
    }

    /// `text` with the recipe's word dropout and swaps applied (unchanged when both are off).
    func augmented(_ text: String, generator g: inout SeededGenerator) -> String {
        guard recipe.wordDropout > 0 || recipe.wordSwaps > 0 else { return text }
        var words = text.split(separator: " ").map(String.init)
        if recipe.wordDropout > 0 { words = TextAugmentation.dropped(words, probability: recipe.wordDropout, generator: &g) }
        if recipe.wordSwaps > 0 { words = TextAugmentation.swapped(words, count: recipe.wordSwaps, generator: &g) }
        return words.joined(separator: " ")
    }

    /// One optimisation step on pairs `indices`; returns the loss.
    ///
    /// - Throws: ``TrainingError/nonFiniteLoss(step:)`` (the update is skipped), or a tokenizer error.
    @discardableResult
    public func step(_ indices: [Int]) throws -> Float {
        var g = SeededGenerator(seed: recipe.seed &+ 0x5EED &+ UInt64(optimizer.stepCount) &* 7919)
        let first = indices.map { augmented(pairs.first[$0], generator: &g) }
        let second = indices.map { augmented(pairs.second[$0], generator: &g) }
        let targets = Tensor(indices.map { Float(pairs.scores[$0] / scoreScale) })
        model.network.train()
        schedule.apply(to: optimizer)
        optimizer.zeroGrad()
        // Both sides in one padded batch through the shared encoder.
        let both = try model.embedDifferentiable(first + second)
        let n = indices.count
        let value = loss(both.narrowed(axis: 0, start: 0, length: n), both.narrowed(axis: 0, start: n, length: n), targets: targets)
        guard value.item.isFinite else { model.network.eval(); throw TrainingError.nonFiniteLoss(step: optimizer.stepCount) }
        value.backward()
        if recipe.maxGradNorm > 0 {
            GradientClipping.clipByNorm(optimizer.parameters.map(\.parameter), maxNorm: recipe.maxGradNorm)
        }
        optimizer.step()
        model.network.eval()
        model.weightsChanged()
        losses.append(value.item)
        return value.item
    }

    /// Trains for the recipe's epochs (or `maxSteps`); `afterEpoch` runs after each epoch with its number and mean
    /// loss. Returns the seconds spent.
    @discardableResult
    public func fit(progress: ((TrainingProgress) -> Void)? = nil, afterEpoch: ((Int, Float) throws -> Void)? = nil) throws -> Double {
        let start = Date()
        var done = 0
        for epoch in 1...recipe.epochs where done < totalSteps {
            let order = order(epoch: epoch)
            let epochStart = Date()
            var total: Float = 0, steps = 0
            for s in 0..<stepsPerEpoch where done < totalSteps {
                let batch = Array(order[(s * recipe.batchSize)..<Swift.min(order.count, (s + 1) * recipe.batchSize)])
                // A last batch of one pair has no in-batch negatives or ordered pairs.
                guard batch.count >= 2 else { continue }
                total += try step(batch)
                steps += 1; done += 1
                if let progress {
                    let elapsed = Date().timeIntervalSince(epochStart)
                    progress(TrainingProgress(epoch: epoch, epochs: recipe.epochs, step: s + 1, stepsPerEpoch: stepsPerEpoch,
                                              loss: total / Float(steps), pairsPerSecond: Double(steps * recipe.batchSize) / Swift.max(elapsed, 1e-9),
                                              secondsLeft: Double(totalSteps - done) * elapsed / Double(steps)))
                }
            }
            try afterEpoch?(epoch, total / Float(Swift.max(steps, 1)))
        }
        return Date().timeIntervalSince(start)
    }
}
