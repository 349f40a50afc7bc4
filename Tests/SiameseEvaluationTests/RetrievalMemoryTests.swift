import Foundation
import Testing

/// A 100,000-point retrieval evaluation in its own process (`retrieval-probe`), whose peak resident memory must stay
/// under 1 GiB: the search never holds a query × reference matrix.
///
/// All 100,000 points are references; in this debug-built test the first 2,000 are the queries (the all-pairs scan of
/// 10⁵ × 10⁵ takes minutes in a debug build). Set `SIAMESE_RETRIEVAL_PROBE_QUERIES=100000` for every point as a query;
/// `scripts/retrieval-memory.sh` runs that in release.
@Suite struct RetrievalMemoryTests {
    static func probe() -> URL? {
        let buildDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return [buildDirectory, buildDirectory.deletingLastPathComponent()]
            .map { $0.appendingPathComponent("retrieval-probe") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    @Test func hundredThousandPointsStayUnderOneGiB() throws {
        let binary = try #require(Self.probe(), "retrieval-probe is built beside the test bundle")
        let queries = ProcessInfo.processInfo.environment["SIAMESE_RETRIEVAL_PROBE_QUERIES"] ?? "2000"
        let process = Process()
        process.executableURL = binary
        process.arguments = ["--points", "100000", "--queries", queries, "--dimension", "16", "--classes", "1000"]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "retrieval-probe failed: \(errorText)")
        let result = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Double])
        let peak = try #require(result["peakResidentBytes"])
        print("retrieval-probe: 100,000 references, \(queries) queries, peak RSS \(Int(peak) / (1 << 20)) MiB, "
              + "CPU \(result["cpuSeconds"] ?? .nan) s, MAP@R \(result["meanAveragePrecisionAtR"] ?? .nan)")
        #expect(peak > 0 && peak < Double(1 << 30), "peak resident memory \(peak) bytes")
        #expect(result["queries"].map { $0 + (result["loneQueries"] ?? 0) } == Double(queries))
        // About 100 points per class: k = largest class − 1.
        #expect((result["k"] ?? 0) >= 90)
        for name in ["precisionAt1", "rPrecision", "meanAveragePrecisionAtR", "meanAveragePrecision", "meanReciprocalRank", "nmi", "ami"] {
            let v = try #require(result[name], "\(name) reported")
            #expect(v >= 0 && v <= 1, "\(name) = \(v)")
        }
    }
}
