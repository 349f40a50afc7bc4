import Foundation
import SiameseCore
import SiameseText

/// MiniLM sentence encoding (tokenisation included) at batch 1 and 32 with 2 threads, on the peer kit's 2,000
/// synthetic sentences (`$PEERS_OUT/minilm_bench_sentences.txt`), beside onnxruntime and sentence-transformers
/// (`minilm_ort.json`, measured in the same run by `bash scripts/bench.sh text`). Beside the wall-clock rates it
/// prints the process CPU time per sentence (getrusage, all threads), which a busy machine disturbs less.
/// `SIAMESE_BENCH_TEXT_ROWS` (say `32,1` or `tokenize`) limits the rows.
enum TextBenchmark {
    /// User + system CPU seconds of this process so far.
    static func cpuSeconds() -> Double {
        var u = rusage()
        #if os(Linux)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &u)
        #else
        getrusage(RUSAGE_SELF, &u)
        #endif
        return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
    }

    /// `measure` plus the CPU milliseconds per unit of work over the whole measurement (warm-up included).
    static func measureCPU(work: Double, reps: Int, target: Double, _ body: () -> Void) -> (RateStats, Double) {
        var calls = 0
        let c0 = cpuSeconds()
        let stats = measure(work: work, reps: reps, target: target) { calls += 1; body() }
        return (stats, (cpuSeconds() - c0) * 1000 / (work * Double(calls)))
    }

    static func run(peers: String?, model: String, reps: Int) throws {
        let sentencesURL = URL(fileURLWithPath: peers ?? ".").deletingLastPathComponent().appendingPathComponent("minilm_bench_sentences.txt")
        let sentences: [String]
        if let data = FileManager.default.contents(atPath: sentencesURL.path), let text = String(data: data, encoding: .utf8) {
            sentences = text.split(separator: "\n").map(String.init)
        } else {
            FileHandle.standardError.write(Data("text: \(sentencesURL.path) missing (run the peer minilm step); using 2,000 generated sentences\n".utf8))
            let words = "the a man woman plays guitar cat sat on mat market fell rates how do I reset my password time flies like arrow"
                .split(separator: " ").map(String.init)
            var g = SeededGenerator(seed: 12345)
            sentences = (0..<2000).map { _ in (0..<(8 + Int(g.next() % 13))).map { _ in words[Int(g.next() % UInt64(words.count))] }.joined(separator: " ") }
        }
        Threading.threadCount = 2
        let loadStart = DispatchTime.now().uptimeNanoseconds
        let st = try SentenceTransformer(folder: URL(fileURLWithPath: model))
        _ = st.inference
        let loadSeconds = Double(DispatchTime.now().uptimeNanoseconds - loadStart) / 1e9
        var peer: [String: Double] = [:]
        if let peers, let data = FileManager.default.contents(atPath: "\(peers)/minilm_ort.json"),
           let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let results = obj["results"] as? [[String: Any]] {
            for r in results {
                guard let engine = r["engine"] as? String, let what = r["what"] as? String, let batch = r["batch_size"] as? Int,
                      (r["threads"] as? Int) == 2, let rate = (r["sentences_per_s"] as? [String: Any])?["median"] as? Double else { continue }
                peer["\(engine)|\(what)|\(batch)"] = rate
            }
        }
        emit("all-MiniLM-L6-v2, \(sentences.count) sentences, 2 threads; model load \(String(format: "%.2f", loadSeconds)) s")
        emit(row(["what", "batch", "SiameseKit sentences/s (median, min–max)", "CPU ms/sentence", "onnxruntime", "ratio",
                  "sentence-transformers", "ratio"]))
        emit(row(["---", "---", "---", "---", "---", "---", "---", "---"]))
        let n = Double(sentences.count)
        let wanted = ProcessInfo.processInfo.environment["SIAMESE_BENCH_TEXT_ROWS"].map { $0.split(separator: ",").map(String.init) }
            ?? ["tokenize", "32", "1"]
        if wanted.contains("tokenize") {
            let (tokenize, cpu) = measureCPU(work: n, reps: reps, target: 0.5) { _ = st.encode(sentences) }
            emit(row(["tokenize only", "—", "\(fmt(tokenize.median)) (\(fmt(tokenize.min))–\(fmt(tokenize.max)))",
                      String(format: "%.4f", cpu), fmt(peer["tokenizers|tokenize only|32"]),
                      ratio(tokenize.median, peer["tokenizers|tokenize only|32"]), "—", "—"]))
        }
        for batch in [32, 1] where wanted.contains(String(batch)) {
            let (stats, cpu) = measureCPU(work: n, reps: reps, target: 1) {
                if batch == 1 { for s in sentences { _ = try! st.embedRows(st.encode([s]), batchSize: 1) } }
                else { _ = try! st.embedRows(st.encode(sentences), batchSize: batch) }
            }
            let ort = peer["onnxruntime|encode (tokenize + run)|\(batch)"]
            let torch = peer["sentence-transformers (torch)|encode|\(batch)"]
            emit(row(["encode (tokenize + run)", "\(batch)", "\(fmt(stats.median)) (\(fmt(stats.min))–\(fmt(stats.max)))",
                      String(format: "%.2f", cpu), fmt(ort), ratio(stats.median, ort), fmt(torch), ratio(stats.median, torch)]))
        }
    }
}
