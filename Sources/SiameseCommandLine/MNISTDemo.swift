import Foundation
import SiameseCore
import SiameseTraining

/// `siamese demo --dataset mnist`: the library's ``MNISTVerificationDemo`` with the demo's flags, a progress bar and
/// a summary.
struct MNISTDemo {
    let settings: DemoCommand
    let folder: RunFolder

    func execute() throws {
        let s = settings
        var demo = MNISTVerificationDemo.Settings()
        demo.epochs = s.resolvedEpochs; demo.batchSize = s.resolvedBatchSize; demo.pairsPerEpoch = s.resolvedPairs
        demo.learningRate = s.learningRate; demo.margin = s.margin; demo.evaluationPairs = s.resolvedEvaluationPairs; demo.seed = s.seed
        status("siamese demo: tutorial CNN twin network on MNIST, \(demo.epochs) epochs × \(demo.pairsPerEpoch) pairs, "
               + "\(Threading.threadCount) threads → \(folder.url.path)")
        var bar = ProgressBar(enabled: true)
        let report = try MNISTVerificationDemo.run(demo, folder: folder, progress: { bar.update($0) })
        try settings.publish(report, summary: String(format: """
            Held-out digits (2,000 images never seen in training, %d pairs):
              ROC-AUC          %.4f
              equal error rate %.4f
              accuracy         %.4f  (same if distance ≤ %.3f, threshold chosen on validation pairs)
            Training: %.1f s, final loss %.4f. Run folder: %@
            """, report.testPairs, report.testROCAUC, report.testEER, report.testAccuracy, report.threshold, report.trainingSeconds,
                                                     report.finalLoss, folder.url.path))
    }
}
