import Foundation

/// Median, minimum and maximum of a rate over repetitions.
struct RateStats: Codable {
    var median: Double
    var min: Double
    var max: Double
    var n: Int
}

/// Times `body` like the peer kit does: one untimed warm-up repetition, then `reps` repetitions that each loop
/// the body for about `target` seconds; the rate is `work` per second of one body call. (A whole repetition of
/// warm-up, not a call or two: a core that sat idle, after a stretch of single-thread rows, comes back slowly.)
func measure(work: Double, reps: Int = 5, target: Double = 0.2, _ body: () -> Void) -> RateStats {
    let t0 = DispatchTime.now().uptimeNanoseconds
    body(); body()
    let once = max(Double(DispatchTime.now().uptimeNanoseconds - t0) / 2e9, 1e-7)
    let iters = max(1, Int(target / once))
    for _ in 0..<iters { body() }
    var rates: [Double] = []
    for _ in 0..<reps {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<iters { body() }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        rates.append(work * Double(iters) / seconds)
    }
    rates.sort()
    return RateStats(median: rates[rates.count / 2], min: rates.first!, max: rates.last!, n: reps)
}

/// Times two bodies that do the same `work` in alternating repetitions (a, b, a, b, …), so that a drift in the
/// machine's speed during the measurement (another tenant, a core that was idle) affects both alike. `enterB` and
/// `leaveB` run around each repetition of `b` (a library thread setting, say), outside the timing.
func measurePair(work: Double, reps: Int = 5, target: Double = 0.2, _ a: () -> Void,
                 enterB: () -> Void = {}, leaveB: () -> Void = {}, _ b: () -> Void) -> (RateStats, RateStats) {
    func calibrate(_ body: () -> Void) -> Int {
        let t0 = DispatchTime.now().uptimeNanoseconds
        body(); body()
        let once = max(Double(DispatchTime.now().uptimeNanoseconds - t0) / 2e9, 1e-7)
        let iters = max(1, Int(target / once))
        for _ in 0..<iters { body() }  // a whole repetition of warm-up, as in `measure`
        return iters
    }
    func timed(_ iters: Int, _ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<iters { body() }
        return work * Double(iters) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    let itersA = calibrate(a)
    enterB()
    let itersB = calibrate(b)
    leaveB()
    var ratesA: [Double] = [], ratesB: [Double] = []
    for _ in 0..<reps {
        ratesA.append(timed(itersA, a))
        enterB()
        ratesB.append(timed(itersB, b))
        leaveB()
    }
    func stats(_ r: [Double]) -> RateStats {
        let sorted = r.sorted()
        return RateStats(median: sorted[sorted.count / 2], min: sorted.first!, max: sorted.last!, n: reps)
    }
    return (stats(ratesA), stats(ratesB))
}

/// Prints a markdown table row.
func row(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |" }

func fmt(_ x: Double?) -> String {
    guard let x else { return "—" }
    return x >= 100 ? String(format: "%.0f", x) : String(format: "%.1f", x)
}

func ratio(_ a: Double?, _ b: Double?) -> String {
    guard let a, let b, b > 0 else { return "—" }
    return String(format: "%.2f×", a / b)
}

/// Writes one line to standard output immediately (no buffering between long measurements).
func emit(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
