import Foundation
import Testing
@testable import SiameseCore
@testable import SiameseNN

@Suite struct SafetensorsTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    @Test func roundTrip() throws {
        let dir = Support.temporaryDirectory()
        let url = dir.appendingPathComponent("weights.safetensors")
        let a = Support.random([3, 4], seed: 1)
        try Safetensors.write(floats: ["layer.weight": a, "scalar": Tensor(scalar: 2)], integers: ["steps": IntTensor([7, -1])],
                              metadata: ["format": "pt"], to: url)
        let file = try Safetensors.read(url)
        #expect(file.tensors["layer.weight"]!.tensor().scalars == a.scalars)
        #expect(file.tensors["layer.weight"]!.shape == [3, 4])
        #expect(file.tensors["scalar"]!.shape == [])
        #expect(file.tensors["steps"]!.dtype == .i64)
        #expect(file.tensors["steps"]!.integers() == [7, -1])
        #expect(file.metadata == ["format": "pt"])
        let raw = try Data(contentsOf: url)
        let headerLength = raw.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        #expect(headerLength % 8 == 0)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(leftovers == ["weights.safetensors"])
    }

    /// A file written by the Python `safetensors` package (see Fixtures/make_python_fixture.py).
    @Test func readsFileWrittenByPython() throws {
        let file = try Safetensors.read(Self.fixtures.appendingPathComponent("python_written.safetensors"))
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.fixtures.appendingPathComponent("python_written.json")))
            as! [String: [String: Any]]
        #expect(file.metadata["written_by"] == "safetensors-python")
        for (name, info) in expected {
            let entry = try #require(file.tensors[name])
            #expect(entry.dtype.rawValue == info["dtype"] as? String)
            #expect(entry.shape == (info["shape"] as! [Int]))
            let values = (info["values"] as! [NSNumber]).map { $0.doubleValue }
            if entry.dtype.isInteger {
                #expect(entry.integers() == values.map { Int($0) })
            } else {
                #expect(Support.close(entry.floats(), values.map { Float($0) }, tolerance: 1e-7), "\(name)")
            }
        }
    }

    @Test func moduleSaveAndLoad() throws {
        let url = Support.temporaryDirectory().appendingPathComponent("m.safetensors")
        let a = Sequential(Linear(3, 2), BatchNorm1d(2))
        _ = a(Support.random([4, 3], seed: 2))
        try a.save(to: url)
        let b = Sequential(Linear(3, 2), BatchNorm1d(2))
        let unused = try b.load(from: url)
        #expect(unused.isEmpty)
        #expect(b.stateDict().mapValues(\.scalars) == a.stateDict().mapValues(\.scalars))
        #expect(try Safetensors.read(url).tensors["1.num_batches_tracked"]?.dtype == .i64)
        let wrong = Sequential(Linear(3, 5))
        #expect(throws: SafetensorsError.shapeMismatch(path: url.path, tensor: "0.weight", expected: [5, 3], actual: [2, 3])) {
            try wrong.load(from: url)
        }
        #expect(throws: SafetensorsError.missingTensor(path: url.path, tensor: "2.weight")) {
            try Sequential(Linear(3, 2), BatchNorm1d(2), Linear(2, 2)).load(from: url)
        }
    }

    static func header(_ json: String, data: [UInt8] = [], declared: UInt64? = nil) -> Data {
        var d = Data()
        withUnsafeBytes(of: (declared ?? UInt64(json.utf8.count)).littleEndian) { d.append(contentsOf: $0) }
        d.append(contentsOf: Array(json.utf8))
        d.append(contentsOf: data)
        return d
    }

    @Test func corruptFilesGiveTypedErrors() {
        #expect(throws: SafetensorsError.truncatedHeaderLength(path: "f", size: 3)) {
            try Safetensors.parse(Data([1, 2, 3]), path: "f")
        }
        #expect(throws: SafetensorsError.headerLengthBeyondFile(path: "f", declared: 1000, fileSize: 10)) {
            try Safetensors.parse(Self.header("{}", declared: 1000), path: "f")
        }
        #expect(throws: SafetensorsError.invalidHeader(path: "f", reason: "not valid JSON")) {
            try Safetensors.parse(Self.header("{\"a\": [1,"), path: "f")
        }
        #expect(throws: SafetensorsError.unknownDType(path: "f", tensor: "a", dtype: "F8_E4M3")) {
            try Safetensors.parse(Self.header(#"{"a":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}}"#, data: [0]), path: "f")
        }
        #expect(throws: SafetensorsError.dataSizeMismatch(path: "f", tensor: "a", expectedBytes: 12, actualBytes: 8)) {
            try Safetensors.parse(Self.header(#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: Array(repeating: 0, count: 8)), path: "f")
        }
        #expect(throws: SafetensorsError.offsetsOutOfRange(path: "f", tensor: "a", end: 8, dataSize: 4)) {
            try Safetensors.parse(Self.header(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: [0, 0, 0, 0]), path: "f")
        }
        #expect(throws: SafetensorsError.invalidHeader(path: "f", reason: "entry 'a' lacks dtype, shape or data_offsets")) {
            try Safetensors.parse(Self.header(#"{"a":{"dtype":"F32"}}"#), path: "f")
        }
    }

    @Test func truncatedRealFileIsReportedNotCrashed() throws {
        let dir = Support.temporaryDirectory()
        let url = dir.appendingPathComponent("w.safetensors")
        try Safetensors.write(floats: ["w": Support.random([10, 10], seed: 3)], to: url)
        let full = try Data(contentsOf: url)
        let cut = dir.appendingPathComponent("cut.safetensors")
        try full.prefix(full.count - 40).write(to: cut)
        #expect(throws: SafetensorsError.self) { try Safetensors.read(cut) }
        do {
            _ = try Safetensors.read(dir.appendingPathComponent("none"))
            Issue.record("reading a missing file should throw")
        } catch let error as SafetensorsError {
            guard case let .io(path, _) = error else { Issue.record("unexpected \(error)"); return }
            #expect(path.hasSuffix("none"))
        }
    }

    @Test func halfPrecisionConversion() {
        #expect(Safetensors.halfToFloat(0x3C00) == 1)
        #expect(Safetensors.halfToFloat(0xC000) == -2)
        #expect(Safetensors.halfToFloat(0x0001) == Float(5.9604645e-8))
        #expect(Safetensors.halfToFloat(0x7C00) == .infinity)
        #expect(Safetensors.halfToFloat(0x7E00).isNaN)
    }
}
