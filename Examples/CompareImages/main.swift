import Foundation
import SiameseModels

// Usage: compare-images MODEL_FOLDER IMAGE_A IMAGE_B
let arguments = CommandLine.arguments
let model = try EmbeddingModel.load(from: URL(fileURLWithPath: arguments[1]))
let result = try model.compare(URL(fileURLWithPath: arguments[2]), URL(fileURLWithPath: arguments[3]))
print("distance \(result.distance), similarity \(result.similarity)")
print(result.same.map { $0 ? "same" : "different" } ?? "no calibrated threshold")
