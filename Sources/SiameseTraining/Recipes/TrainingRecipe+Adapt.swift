import SiameseEvaluation

extension TrainingRecipe {
    /// The recipe with the defaults that do not fit `data` adapted, and a line saying what changed for each:
    /// classes per P×K batch capped at the training classes, N of the one-shot episodes capped at the held-out classes,
    /// and each ``fewShotGrid`` task's N capped at the measured classes with `shots + 1` images (a task that cannot have
    /// two such classes is dropped).
    /// Choices the data cannot support at all are left for ``Trainer`` to refuse. Adapting twice changes nothing more.
    public func adapted(to data: TrainingData) -> (recipe: TrainingRecipe, notes: [String]) {
        var r = self, notes: [String] = []
        let classes = data.trainingClasses
        if resolvedObjective == .labelled, sampler == nil, samplesPerClass >= 1, batchSize / samplesPerClass > classes, classes >= 2 {
            r.batchSize = classes * samplesPerClass
            notes.append("batchSize \(batchSize) / samplesPerClass \(samplesPerClass) asks for \(batchSize / samplesPerClass) classes per batch "
                         + "but the training data has \(classes); using batchSize \(r.batchSize) (\(classes) × \(samplesPerClass))")
        }
        // Episodes come from the validation part while training (one-shot criterion) and from the test part, if any, after it.
        // (With no validation part, only the final evaluation draws episodes.)
        let episodic = (resolvedCriterion == .oneShot && !data.validation.isEmpty) || data.test.isEmpty ? data.validation : data.test
        let heldWays = FewShotEvaluator.availableWays(labels: episodic.map { data.labels[$0] }, ways: ways)
        if heldWays < ways, heldWays >= 2 {
            r.ways = heldWays
            notes.append("ways \(ways) is more than the \(heldWays) held-out classes with two images; using \(heldWays)-way episodes")
        }
        if let grid = fewShotGrid {
            // The grid is measured where the final evaluation measures: the test part when there is one.
            let measured = (data.test.isEmpty ? data.validation : data.test).map { data.labels[$0] }
            r.fewShotGrid = grid.compactMap { task in
                let available = FewShotEvaluator.availableWays(labels: measured, ways: task.ways, shots: task.shots)
                guard available >= 2 else {
                    notes.append("fewShotGrid: dropped \(task.name): fewer than two held-out classes have \(task.shots + 1) images")
                    return nil
                }
                guard available < task.ways else { return task }
                notes.append("fewShotGrid: \(task.name) asks for more than the \(available) held-out classes with \(task.shots + 1) images; "
                             + "using \(available)-way \(task.shots)-shot episodes")
                var narrowed = task
                narrowed.ways = available
                return narrowed
            }
        }
        return (r, notes)
    }
}
