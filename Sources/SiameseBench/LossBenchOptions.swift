import Foundation
import SiameseCore

/// What `siamese-bench losses` runs and how it times it.
struct LossBenchOptions {
    /// Only the cases whose name contains this text (case-insensitive); all when `nil`.
    var filter: String?
    /// Engine threads (2, as the peer scripts use, unless `--threads` says otherwise).
    var threads = 2
    /// `true`: report CPU time (user + sys of the whole process) per step instead of wall-clock time; for
    /// comparisons on a contended machine (with `--threads 1` and a pinned peer script).
    var cpuTime = false
    var reps = 5

    func includes(_ name: String) -> Bool {
        guard let filter else { return true }
        return name.range(of: filter, options: .caseInsensitive) != nil
    }

    /// Milliseconds per call of `body`: the median wall time of ``measure(work:reps:target:_:)``, or the CPU time
    /// per call over the same repetitions.
    func time(_ body: () -> Void) -> Double {
        if !cpuTime { return 1000 / measure(work: 1, reps: reps, target: 0.25, body).median }
        let start = processCPUSeconds()
        var calls = 0
        _ = measure(work: 1, reps: reps, target: 0.25) { body(); calls += 1 }
        return 1000 * (processCPUSeconds() - start) / Double(max(calls, 1))
    }

    /// The heading's clock words.
    var clock: String { cpuTime ? "CPU ms (user+sys)" : "ms" }

    /// The peer's figures in `directory/file` keyed by "case batch".
    static func peerTimes(_ directory: String?, _ file: String) -> [String: Double] {
        var peer: [String: Double] = [:]
        guard let directory, let data = FileManager.default.contents(atPath: "\(directory)/\(file)"),
              let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let rows = obj["results"] as? [[String: Any]] else { return peer }
        for r in rows {
            if let c = r["case"] as? String, let b = r["batch"] as? Int, let ms = r["ms_median"] as? Double { peer["\(c) \(b)"] = ms }
        }
        return peer
    }

    /// Starts one table: sets the thread count, prints `title` (with the clock, the repetitions and the threads) and
    /// the header, and returns the peer's figures from `peerFile` keyed by "case batch".
    func beginTable(_ title: String, per unit: String, peers directory: String?, peerFile: String) -> [String: Double] {
        Threading.threadCount = threads
        emit("\n### \(title) (\(clock) per \(unit), median of \(reps); \(threads) threads)\n")
        emit(row(["case", "batch", "SiameseKit \(clock)", "PML ms", "speed-up vs PML"]))
        emit(row(Array(repeating: "---", count: 5)))
        return Self.peerTimes(directory, peerFile)
    }

    /// One table row: ours, the peer's (or `missing`), and the ratio.
    static func tableRow(_ name: String, _ batch: Int, _ ms: Double, _ peer: Double?, missing: String) -> String {
        row([name, "\(batch)", fmt(ms), peer.map { fmt($0) } ?? missing,
                          peer.map { String(format: "%.1f×", $0 / ms) } ?? "—"])
    }
}

/// User + system CPU seconds of this process, all threads.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}
