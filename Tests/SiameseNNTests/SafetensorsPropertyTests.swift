import Foundation
import PropertyBased
import Testing
@testable import SiameseCore
@testable import SiameseNN

/// Safetensors files written and read back on generated tensors: names, shapes (empty and scalar ones among them),
/// every float bit pattern the writer may meet, integers and metadata.
@Suite struct SafetensorsPropertyTests {
    /// Names from a small alphabet that includes characters JSON must escape.
    static let alphabet = Array("ab.Z_0\"\\/é\n\t ")
    static let names = Gen.int(in: 0...(alphabet.count - 1)).array(of: 1...8).map { String($0.map { alphabet[$0] }) }
    static let shapes = Gen.int(in: 0...4).array(of: 0...3)
    /// Any finite or infinite float, NaN payloads aside (their bits are not compared), subnormals and -0 included.
    static let floats = Gen.uint32(in: 0...UInt32.max).map { Float(bitPattern: $0) }.filter { !$0.isNaN }

    @Test func floatTensorsSurviveWritingAndReadingBitForBit() async throws {
        await propertyCheck(count: 200, input: zip(Self.names, Self.shapes).array(of: 0...5), Self.floats.array(of: 64),
                            Self.names.array(of: 0...3)) { entries, pool, metadataKeys in
            var tensors: [String: Tensor] = [:]
            for (k, entry) in entries.enumerated() {
                let n = Shape.count(entry.1)
                tensors[entry.0] = Tensor((0..<n).map { pool[($0 + k) % pool.count] }, shape: entry.1)
            }
            let metadata = Dictionary(metadataKeys.map { ($0, "value of \($0)") }, uniquingKeysWith: { a, _ in a })
            let data = Safetensors.encode(floats: tensors, metadata: metadata)
            let headerLength = data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
            #expect(headerLength % 8 == 0)
            let file = try Safetensors.parse(data, path: "generated")
            #expect(Set(file.tensors.keys) == Set(tensors.keys))
            #expect(file.metadata == metadata)
            for (name, tensor) in tensors {
                let entry = file.tensors[name]!
                #expect(entry.dtype == .f32 && entry.shape == tensor.shape)
                #expect(entry.floats().map(\.bitPattern) == tensor.scalars.map(\.bitPattern))
            }
        }
    }

    @Test func integerTensorsSurviveWritingAndReading() async throws {
        await propertyCheck(input: Self.names, Gen.int(in: Int.min...Int.max).array(of: 0...20)) { name, values in
            let data = Safetensors.encode(floats: [:], integers: [name: IntTensor(values)])
            let entry = try #require(try Safetensors.parse(data, path: "generated").tensors[name])
            #expect(entry.dtype == .i64 && entry.shape == [values.count] && entry.integers() == values)
        }
    }

    /// Any prefix of a valid file is refused with a typed error, never read as a smaller valid file.
    @Test func everyTruncationIsRefused() async throws {
        await propertyCheck(input: Self.shapes, Gen.int(in: 1...10_000)) { shape, cut in
            let data = Safetensors.encode(floats: ["w": Tensor((0..<Shape.count(shape)).map(Float.init), shape: shape), "b": Tensor([1, 2])])
            let kept = data.prefix(data.count - 1 - cut % data.count)
            #expect(throws: SafetensorsError.self) { try Safetensors.parse(Data(kept), path: "cut") }
        }
    }
}
