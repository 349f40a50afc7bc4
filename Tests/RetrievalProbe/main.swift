import Foundation
import SiameseCore
import SiameseEvaluation

/// retrieval-probe: one retrieval evaluation (``AccuracyCalculator``, all metrics) on seeded Gaussian classes, in
/// its own process, printing one JSON line with the metrics, the CPU time and this process's peak resident memory
/// (`VmHWM` of /proc/self/status on Linux, else `getrusage` `ru_maxrss`). The retrieval memory test runs it;
/// `scripts/retrieval-memory.sh` runs it in release on 100,000 × 100,000.
///
///     retrieval-probe [--points 100000] [--queries 100000] [--dimension 16] [--classes 1000] [--k max_bin_count]
///
/// The first `--queries` points are the queries and all `--points` the references (the queries among them, PML's
/// `ref_includes_query`); with `--queries` equal to `--points` every point is a query and a reference.
var points = 100_000, queries = 100_000, dimension = 16, classes = 1000, k = RetrievalK.maxBinCount
var args = Array(CommandLine.arguments.dropFirst())
while args.count >= 2 {
    let flag = args.removeFirst(), value = args.removeFirst()
    switch flag {
    case "--points": points = Int(value) ?? points
    case "--queries": queries = Int(value) ?? queries
    case "--dimension": dimension = Int(value) ?? dimension
    case "--classes": classes = Int(value) ?? classes
    case "--k": k = value == "all" ? .all : (value == "max_bin_count" ? .maxBinCount : .fixed(Int(value) ?? 1))
    default:
        FileHandle.standardError.write(Data("retrieval-probe: unknown option \(flag)\n".utf8))
        exit(2)
    }
}
guard points >= 1, (1...points).contains(queries), dimension >= 1, classes >= 1, args.isEmpty else {
    FileHandle.standardError.write(Data("retrieval-probe: need 1 ≤ queries ≤ points, dimension ≥ 1, classes ≥ 1, flags in pairs\n".utf8))
    exit(2)
}

func usage() -> (cpu: Double, peakBytes: Int) {
    var u = rusage()
    #if os(Linux)
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &u)
    #else
    getrusage(RUSAGE_SELF, &u)
    #endif
    let cpu = Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
    #if os(Linux)
    // /proc/self/status's VmHWM is this address space's own peak. ru_maxrss is not: Linux carries it across fork and
    // exec, so a probe started by a large test process reports that process's resident size.
    if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
       let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
       let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "") {
        return (cpu, kilobytes * 1024)
    }
    return (cpu, u.ru_maxrss * 1024)  // kilobytes on Linux
    #else
    return (cpu, u.ru_maxrss)         // bytes on macOS
    #endif
}

var g = SeededGenerator(seed: 13)
let centres = (0..<(classes * dimension)).map { _ in 1.5 * g.nextNormal() }
var flat = [Float](repeating: 0, count: points * dimension), labels = [Int](repeating: 0, count: points)
for i in 0..<points {
    let c = Int(g.next() % UInt64(classes))
    labels[i] = c
    for j in 0..<dimension { flat[i * dimension + j] = centres[c * dimension + j] + g.nextNormal() }
}
let before = usage()
do {
    let calculator = AccuracyCalculator(k: k)
    let all = Tensor(flat, shape: [points, dimension])
    let m = queries == points
        ? try calculator.accuracy(query: all, queryLabels: labels)
        : try calculator.accuracy(query: all.narrowed(axis: 0, start: 0, length: queries), queryLabels: Array(labels[0..<queries]),
                                  reference: all, referenceLabels: labels, referenceIncludesQuery: true)
    let after = usage()
    var out: [String: Double] = m.flat
    out["points"] = Double(points); out["dimension"] = Double(dimension); out["classes"] = Double(classes)
    out["cpuSeconds"] = after.cpu - before.cpu
    out["peakResidentBytes"] = Double(after.peakBytes)
    out["inputBytes"] = Double(flat.count * 4)
    let json = try JSONSerialization.data(withJSONObject: out, options: [.sortedKeys])
    print(String(decoding: json, as: UTF8.self))
} catch {
    FileHandle.standardError.write(Data("retrieval-probe: \(error)\n".utf8))
    exit(1)
}
