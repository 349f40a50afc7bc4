import ArgumentParser
import Foundation
import SiameseMetricLearning
import SiameseTraining
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A one-line progress bar on standard error: epoch, bar, loss, throughput and time left.
struct ProgressBar {
    var enabled: Bool
    /// What the throughput counts ("pairs", "images").
    var unit = "pairs"
    private var lastDraw = Date.distantPast

    /// Redraws in place on a terminal; elsewhere (a log file, a pipe) prints only each epoch's final line.
    private let interactive = isatty(2) != 0

    init(enabled: Bool) { self.enabled = enabled }

    mutating func update(_ p: TrainingProgress) {
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

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 60 ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s)s"
    }
}

/// Prints a line on standard error (human-facing status, kept off standard output for `--json`).
func status(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// Prints `value` as one line of JSON with sorted keys on standard output (`--json`).
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// A runtime failure reported as one line (`Error: …`), without the usage text ArgumentParser adds to
/// validation errors.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
}

/// Runs a command body, turning validation errors raised while running (bad files, damaged checkpoints)
/// into one-line failures.
func reportingPlainly(_ body: () throws -> Void) throws {
    do { try body() } catch let error as ValidationError {
        throw CommandFailure(description: error.message)
    } catch let error as CommandFailure {
        throw error
    } catch {
        // Library errors (recipes, data, model folders, training) describe themselves in one line.
        throw CommandFailure(description: "\(error)")
    }
}

extension TrainingCallbacks {
    /// A progress bar on standard error (unless `quiet`) and each log line echoed there.
    static func terminal(quiet: Bool, unit: String) -> TrainingCallbacks {
        final class Bar: @unchecked Sendable { var bar: ProgressBar; init(_ b: ProgressBar) { bar = b } }
        var bar = ProgressBar(enabled: !quiet)
        bar.unit = unit
        let box = Bar(bar)
        return TrainingCallbacks(progress: { box.bar.update($0) }, log: { line in if !quiet { status("  " + line) } })
    }
}
