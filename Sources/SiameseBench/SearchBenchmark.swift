import Foundation
import SiameseCore
import SiameseData
import SiameseIndex

/// Nearest-neighbour search on MNIST-784 Euclidean, the ann-benchmarks protocol of the peer kit's `ann.py`: base
/// set the 60,000 training images, queries the first 1,000 test images, raw pixels 0…255 as float32, k = 10.
/// Ground truth in Double; recall@10 as ann-benchmarks computes it (a returned point counts when its true
/// distance is at most the 10th true distance + 1e-3). Compared with `raw/ann.json` from the same run.
enum SearchBenchmark {
    static let k = 10
    static let efs = [16, 32, 64, 128, 256]

    static func loadAverage() -> String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
    }

    static let allParts: Set<String> = ["exact", "sequential", "hnsw", "latency"]

    /// A rate with the CPU time (user + system, all threads) per unit of work: on a machine shared with other
    /// processes the CPU time per query is the steadier figure.
    static func measureWithCPU(work: Double, reps: Int, _ body: () -> Void) -> (rate: RateStats, cpuMicros: Double) {
        var calls = 0
        let cpu0 = TSNEBenchmark.cpuSeconds()
        let rate = measure(work: work, reps: reps, target: 0.3) { calls += 1; body() }
        return (rate, (TSNEBenchmark.cpuSeconds() - cpu0) / (Double(calls) * work) * 1e6)
    }

    static func run(mnist directory: String, peers: String?, reps: Int, basePoints: Int? = nil, parts: Set<String> = allParts) throws {
        let folder = URL(fileURLWithPath: directory)
        let train = try IDXFile(contentsOf: folder.appendingPathComponent("train-images.idx3-ubyte.gz"))
        let test = try IDXFile(contentsOf: folder.appendingPathComponent("t10k-images.idx3-ubyte.gz"))
        // `--points N` keeps the first N training images (development runs; the peers' figures are for 60,000).
        let d = 784, n = Swift.min(train.shape[0], Swift.max(100, basePoints ?? train.shape[0])), q = 1000
        let base = train.bytes[0..<(n * d)].map(Float.init), queries = test.bytes[0..<(q * d)].map(Float.init)
        let baseTensor = Tensor(base, shape: [n, d]), queryTensor = Tensor(queries, shape: [q, d])
        let peer = AnnPeer(directory: peers)
        emit("load average at start: \(loadAverage()); CPU seconds so far: \(String(format: "%.1f", TSNEBenchmark.cpuSeconds()))")
        if n != train.shape[0] {
            emit("base set: the first \(n) training images (--points), not the peers' 60,000: the ratios below do not apply")
        }

        // Exact search, 2 threads, against faiss IndexFlatL2.
        Threading.threadCount = 2
        var exact = ExactIndex(dimension: d, metric: .l2)
        try exact.add(baseTensor)
        let candidates = try exact.search(queryTensor, k: 100)
        // Ground truth in Double from the float top-100 (the float32 sums are not exact above 2^24).
        var truth: [[Int]] = [], tenth: [Double] = []
        func trueDistance(_ query: Int, _ id: Int) -> Double {
            var s = 0.0
            for j in 0..<d {
                let diff = Double(queries[query * d + j]) - Double(base[id * d + j])
                s += diff * diff
            }
            return s
        }
        for i in 0..<q {
            let ranked = candidates.ids[i].map { ($0, trueDistance(i, $0)) }.sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }
            truth.append(ranked.prefix(k).map(\.0))
            tenth.append(ranked[k - 1].1)
        }
        func recall(_ result: SearchResult) -> Double {
            var hits = 0
            for i in 0..<q { hits += result.ids[i].prefix(k).filter { trueDistance(i, $0) <= tenth[i] + 1e-3 }.count }
            return Double(hits) / Double(q * k)
        }
        emit("")
        emit("| index | build 60k (s) | ef | recall@10 | queries/s, 2 threads, batch 1000 (CPU µs/query) | peer | ratio |")
        emit("|---|---|---|---|---|---|---|")
        var exactRate: RateStats?
        if parts.contains("exact") {
            let exactRecall = recall(try exact.search(queryTensor, k: k))
            let (rate, cpu) = measureWithCPU(work: Double(q), reps: reps) { _ = try? exact.search(queryTensor, k: k) }
            exactRate = rate
            emit("| ExactIndex (l2) vs faiss IndexFlatL2 | — | — | \(fmt(exactRecall, 4)) | \(fmt(rate.median, 0)) (\(fmt(rate.min, 0))–\(fmt(rate.max, 0))) (CPU \(fmt(cpu, 0)) µs) | \(fmt(peer.exactRate, 0)) | \(ratio(rate.median, peer.exactRate)) |")
        }

        // HNSW: the sequential build (hnswlib's insertion order, 1 thread), then the batched parallel build
        // (2 threads, deterministic); searches run on the batched graph, recall is shown for both.
        let parameters = HNSWParameters(M: 16, efConstruction: 200, seed: 100)
        var sequentialSeconds: Double?
        if parts.contains("sequential") {
            var sequential = try HNSWIndex(dimension: d, metric: .l2, parameters: parameters)
            let cpuStart = TSNEBenchmark.cpuSeconds(), start = DispatchTime.now().uptimeNanoseconds
            try sequential.add(baseTensor)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            sequentialSeconds = seconds
            let sequentialCPU = TSNEBenchmark.cpuSeconds() - cpuStart
            var sequentialRecalls: [String] = []
            for ef in efs { sequentialRecalls.append(fmt(recall(try sequential.search(queryTensor, k: k, ef: ef, threads: 2)), 4)) }
            emit("| HNSWIndex sequential build (1 thread) | \(fmt(seconds, 1)) (CPU \(fmt(sequentialCPU, 1))) | \(efs.map(String.init).joined(separator: " / ")) | \(sequentialRecalls.joined(separator: " / ")) | | | |")
        }
        guard parts.contains("hnsw") || parts.contains("latency") else {
            emit("")
            emit("load average at end: \(loadAverage()); CPU seconds of this process: \(fmt(TSNEBenchmark.cpuSeconds(), 1))")
            return
        }
        var hnsw = try HNSWIndex(dimension: d, metric: .l2, parameters: parameters)
        let cpuStart = TSNEBenchmark.cpuSeconds(), start = DispatchTime.now().uptimeNanoseconds
        try hnsw.add(baseTensor, threads: 2)
        let buildSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let buildCPU = TSNEBenchmark.cpuSeconds() - cpuStart
        var ours: [(ef: Int, recall: Double, rate: RateStats)] = []
        for ef in efs {
            let r = recall(try hnsw.search(queryTensor, k: k, ef: ef, threads: 2))
            guard parts.contains("hnsw") else {
                ours.append((ef, r, RateStats(median: 0, min: 0, max: 0, n: 0)))
                continue
            }
            let (rate, cpu) = measureWithCPU(work: Double(q), reps: reps) { _ = try? hnsw.search(queryTensor, k: k, ef: ef, threads: 2) }
            ours.append((ef, r, rate))
            let peerText = peer.hnsw.map { lib, rows in
                rows.first { $0.ef == ef }.map { "\(lib) \(fmt($0.rate, 0)) (r \(fmt($0.recall, 4)))" } ?? ""
            }.sorted().joined(separator: "; ")
            emit("| HNSWIndex M=16 efC=200 | \(ef == efs[0] ? fmt(buildSeconds, 1) + " (CPU \(fmt(buildCPU, 1)), batched, 2 threads)" : "") | \(ef) | \(fmt(r, 4)) | \(fmt(rate.median, 0)) (\(fmt(rate.min, 0))–\(fmt(rate.max, 0))) (CPU \(fmt(cpu, 1)) µs) | \(peerText) | |")
        }
        emit("")
        emit("| target | ours | peer (faster of faiss IndexHNSWFlat, hnswlib) | ratio | met |")
        emit("|---|---|---|---|---|")
        if let exactRate {
            emit("| exact queries/s, 2 threads | \(fmt(exactRate.median, 0)) | faiss IndexFlatL2 \(fmt(peer.exactRate, 0)) | \(ratio(exactRate.median, peer.exactRate)) | \(met(exactRate.median, peer.exactRate)) |")
        }
        if parts.contains("hnsw") {
            for target in [0.95, 0.99] {
                let mine = ours.first { $0.recall >= target }
                let theirs = peer.bestRate(atRecall: target)
                emit("| HNSW queries/s at recall ≥ \(target) | \(mine.map { "\(fmt($0.rate.median, 0)) (ef \($0.ef))" } ?? "not reached") | \(theirs.map { "\($0.lib) \(fmt($0.rate, 0)) (ef \($0.ef))" } ?? "—") | \(ratio(mine?.rate.median, theirs?.rate)) | \(met(mine?.rate.median, theirs?.rate)) |")
            }
        }
        let hnswlibBuild = peer.build["hnswlib"]
        emit("| build 60k, seconds (lower is better) | \(fmt(buildSeconds, 1)) (CPU \(fmt(buildCPU, 1)); batched, 2 threads\(sequentialSeconds.map { "; sequential \(fmt($0, 1))" } ?? "")) | hnswlib \(fmt(hnswlibBuild, 1)) (2 threads) | \(ratio(hnswlibBuild, buildSeconds)) speed | \(met(hnswlibBuild, buildSeconds)) |")

        guard parts.contains("latency") else {
            emit("")
            emit("load average at end: \(loadAverage()); CPU seconds of this process: \(fmt(TSNEBenchmark.cpuSeconds(), 1))")
            return
        }
        // Single-query latency, 1 thread, at the first ef reaching recall 0.95 (as ann.py).
        Threading.threadCount = 1
        let latencyEF = ours.first { $0.recall >= 0.95 }?.ef ?? efs.last!
        let rows = (0..<q).map { Array(queries[($0 * d)..<(($0 + 1) * d)]) }
        func percentiles(_ passes: Int, _ body: (Int) -> Void) -> (p50: Double, p99: Double) {
            var p50s: [Double] = [], p99s: [Double] = []
            for _ in 0..<passes {
                var times: [Double] = []
                times.reserveCapacity(q)
                for i in 0..<q {
                    let t0 = DispatchTime.now().uptimeNanoseconds
                    body(i)
                    times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e3)
                }
                times.sort()
                p50s.append(times[q / 2])
                p99s.append(times[q * 99 / 100])
            }
            return (p50s.sorted()[passes / 2], p99s.sorted()[passes / 2])
        }
        for i in 0..<100 { _ = try? hnsw.search(flat: rows[i], rows: 1, k: k, ef: latencyEF, threads: 1) }
        let hnswLatency = percentiles(3) { i in _ = try? hnsw.search(flat: rows[i], rows: 1, k: k, ef: latencyEF, threads: 1) }
        let exactLatency = percentiles(1) { i in _ = try? exact.search([rows[i]], k: k) }
        let peerLatency = peer.bestLatency()
        emit("| HNSW single-query p50 µs, 1 thread (ef \(latencyEF)) | \(fmt(hnswLatency.p50, 0)) | \(peerLatency.map { "\($0.lib) \(fmt($0.p50, 0))" } ?? "—") | \(ratio(peerLatency?.p50, hnswLatency.p50)) speed | \(met(peerLatency?.p50, hnswLatency.p50)) |")
        emit("| HNSW single-query p99 µs, 1 thread | \(fmt(hnswLatency.p99, 0)) | \(peerLatency.map { "\($0.lib) \(fmt($0.p99, 0))" } ?? "—") | \(ratio(peerLatency?.p99, hnswLatency.p99)) speed | \(met(peerLatency?.p99, hnswLatency.p99)) |")
        emit("| exact single-query p50 / p99 µs, 1 thread | \(fmt(exactLatency.p50, 0)) / \(fmt(exactLatency.p99, 0)) | faiss IndexFlatL2 \(fmt(peer.exactLatency?.p50, 0)) / \(fmt(peer.exactLatency?.p99, 0)) | \(ratio(peer.exactLatency?.p50, exactLatency.p50)) speed | |")
        emit("")
        emit("load average at end: \(loadAverage()); CPU seconds of this process: \(fmt(TSNEBenchmark.cpuSeconds(), 1))")
    }

    static func fmt(_ x: Double?, _ digits: Int) -> String {
        guard let x else { return "—" }
        return String(format: "%.\(digits)f", x)
    }

    /// "yes" when `ours ≥ theirs` (rates; for times pass them swapped).
    static func met(_ ours: Double?, _ theirs: Double?) -> String {
        guard let ours, let theirs else { return "—" }
        return ours >= theirs ? "yes" : "no"
    }
}

/// The peer kit's `raw/ann.json`.
struct AnnPeer {
    var exactRate: Double?
    var exactLatency: (p50: Double, p99: Double)?
    var hnsw: [String: [(ef: Int, rate: Double, recall: Double)]] = [:]
    var build: [String: Double] = [:]
    var latency: [String: (p50: Double, p99: Double)] = [:]

    init(directory: String?) {
        guard let directory, let data = FileManager.default.contents(atPath: "\(directory)/ann.json"),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let results = object["results"] as? [String: Any] else { return }
        func median(_ any: Any?) -> Double? { (any as? [String: Any])?["median"] as? Double }
        if let flat = (results["exact"] as? [String: Any])?["faiss_IndexFlatL2"] as? [String: Any] {
            exactRate = median(flat["queries_per_s"])
        }
        for (lib, value) in results["hnsw"] as? [String: Any] ?? [:] {
            guard let v = value as? [String: Any] else { continue }
            build[lib] = median(v["build_seconds"])
            hnsw[lib] = (v["per_ef"] as? [[String: Any]] ?? []).compactMap { row in
                guard let ef = row["ef_search"] as? Int, let rate = median(row["queries_per_s"]),
                      let recall = row["recall_at_10"] as? Double else { return nil }
                return (ef, rate, recall)
            }
        }
        for (lib, value) in results["latency_1thread"] as? [String: Any] ?? [:] {
            guard let v = value as? [String: Any], let p50 = median(v["p50_us"]), let p99 = median(v["p99_us"]) else { continue }
            if lib == "faiss_IndexFlatL2" { exactLatency = (p50, p99) } else { latency[lib] = (p50, p99) }
        }
    }

    static let compared = ["faiss_IndexHNSWFlat", "hnswlib"]

    /// The faster of faiss IndexHNSWFlat and hnswlib at the first ef reaching `recall`.
    func bestRate(atRecall recall: Double) -> (lib: String, ef: Int, rate: Double)? {
        Self.compared.compactMap { lib in
            hnsw[lib]?.first { $0.recall >= recall }.map { (lib, $0.ef, $0.rate) }
        }.max { $0.rate < $1.rate }
    }

    /// The lower p50 of faiss IndexHNSWFlat and hnswlib (with that library's p99).
    func bestLatency() -> (lib: String, p50: Double, p99: Double)? {
        Self.compared.compactMap { lib in latency[lib].map { (lib, $0.p50, $0.p99) } }.min { $0.p50 < $1.p50 }
    }
}
