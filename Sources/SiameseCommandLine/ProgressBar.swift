import Foundation
import SiameseMetricLearning
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A one-line progress bar on standard error: epoch, bar, loss, throughput and time left.
public struct ProgressBar {
    /// Whether anything is drawn.
    public var enabled: Bool
    /// What the throughput counts ("pairs", "images").
    public var unit = "pairs"
    private var lastDraw = Date.distantPast

    /// Redraws in place on a terminal; elsewhere (a log file, a pipe) prints only each epoch's final line.
    private let interactive = isatty(2) != 0

    /// A bar that draws when `enabled`.
    public init(enabled: Bool) { self.enabled = enabled }

    /// Redraws the bar for `p` (at most ten times a second on a terminal; otherwise once at each epoch's end).
    public mutating func update(_ p: TrainingProgress) {
        guard enabled else { return }
        let now = Date()
        guard p.step == p.stepsPerEpoch || (interactive && now.timeIntervalSince(lastDraw) > 0.1) else { return }
        lastDraw = now
        let width = 24
        let filled = width * p.step / Swift.max(p.stepsPerEpoch, 1)
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let line = String(format: "\repoch %d/%d %@ %d/%d  loss %.4f  %.0f %@/s  ETA %@   ",
                          p.epoch, p.epochs, bar, p.step, p.stepsPerEpoch, p.loss, p.pairsPerSecond, unit, Self.clock(p.secondsLeft))
        FileHandle.standardError.write(Data(line.utf8))
        if p.step == p.stepsPerEpoch { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    /// `seconds` as `4m05s` (a minute or more) or `42s`.
    public static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 60 ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s)s"
    }
}
