import Foundation
import SiameseTestSupport
import Testing
@testable import SiameseCore
@testable import SiameseNN

/// Inputs under Fuzz/regressions/safetensors that once crashed the harness (scripts/fuzz.sh safetensors): each now
/// parses to a typed error, or parses and reads without trapping.
@Suite struct SafetensorsFuzzRegressionTests {
    @Test func committedInputsGiveTypedErrorsOrReadSafely() throws {
        let inputs = try FuzzRegressions.inputs("safetensors")
        #expect(!inputs.isEmpty)
        for (name, data) in inputs {
            do {
                let file = try Safetensors.parse(data, path: name)
                for entry in file.tensors.values { _ = entry.floats(); _ = entry.integers() }
            } catch is SafetensorsError {
                // The expected outcome for a damaged file.
            }
        }
    }

    /// float-read-as-integers-nan: an F32 tensor holding 4.6e24 read with `integers()` trapped in `Int(Float)`.
    @Test func floatsBeyondIntsRangeAreClampedWhenReadAsIntegers() throws {
        let data = Safetensors.encode(floats: ["w": Tensor([4.6e24, -4.6e24, .nan, .infinity, -2.7, 3.9])])
        let entry = try #require(try Safetensors.parse(data, path: "clamped").tensors["w"])
        #expect(entry.integers() == [Int.max, Int.min, 0, Int.max, -2, 3])
    }

    /// shape-count-overflows*: a shape whose element count overflows `Int` trapped in `Shape.count` before the size check.
    @Test func shapesWhoseSizeOverflowsAreRefused() throws {
        for name in ["shape-count-overflows", "shape-count-overflows-square"] {
            let data = try #require(try FuzzRegressions.inputs("safetensors").first { $0.name == name }).data
            #expect(throws: SafetensorsError.self) { try Safetensors.parse(data, path: name) }
            do { _ = try Safetensors.parse(data, path: name) } catch let error as SafetensorsError {
                #expect(error.description.contains("too large"))
            }
        }
    }
}
