import Foundation

/// The small data sets shipped with SiameseKit for demos and tests: Omniglot's two minimal background sets with the
/// official one-shot runs, and the MNIST test set.
public enum BundledData {
    /// The folder of a bundled data set: `omniglot` (`images_background_small1.zip`, `images_background_small2.zip`,
    /// `all_runs.zip`) or `mnist` (`t10k-images.idx3-ubyte.gz`, `t10k-labels.idx1-ubyte.gz`).
    ///
    /// - Throws: ``RecipeError/data(_:)`` if this build lacks it.
    public static func folder(_ name: String) throws -> URL {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil) else {
            throw RecipeError.data("the bundled \(name) data are missing from this build")
        }
        return url
    }
}
