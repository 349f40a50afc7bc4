import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A `siamese serve` process started from the built program (which sits beside the test bundle when the test target
/// depends on `SiameseCLI`), on a free loopback port, its output in a log file; for tests that need real processes
/// (several servers on one database, `kill -9`).
public final class ServeProcess: @unchecked Sendable {
    // Safety: every stored property is a constant after init; `Process` is only signalled and waited on.
    public let process: Process
    /// The port it listens on (read from its start line).
    public let port: Int
    /// Its standard output and error.
    public let log: URL

    /// The built `siamese` program.
    public static func binary() throws -> URL {
        let buildDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [buildDirectory, buildDirectory.deletingLastPathComponent()].map { $0.appendingPathComponent("siamese") }
        guard let binary = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: candidates[0].path])
        }
        return binary
    }

    /// Starts `siamese serve ARGUMENTS --host 127.0.0.1 --port 0` in `folder` and waits (up to `timeout` seconds) for
    /// the line naming its port.
    ///
    /// - Throws: `ServeProcess.Failure` with the log when it exits or stays silent.
    public init(_ arguments: [String], in folder: URL, timeout: Double = 120) throws {
        log = folder.appendingPathComponent("serve-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let output = try FileHandle(forWritingTo: log)
        defer { try? output.close() }
        process = Process()
        process.executableURL = try Self.binary()
        process.currentDirectoryURL = folder
        process.arguments = ["serve"] + arguments + ["--host", "127.0.0.1", "--port", "0"]
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: "on http://127.0.0.1:") {
                let digits = text[range.upperBound...].prefix { $0.isNumber }
                if let port = Int(digits), text[range.upperBound...].dropFirst(digits.count).first == "\n" {
                    self.port = port
                    return
                }
            }
            guard process.isRunning else {
                throw Failure(description: "siamese serve exited (\(process.terminationStatus)) before listening: \(text)")
            }
            guard Date() < deadline else {
                process.terminate()
                throw Failure(description: "siamese serve did not listen within \(timeout) s: \(text)")
            }
            usleep(20_000)
        }
    }

    /// Sends `signal` (SIGKILL, SIGTERM) and waits for the process to end.
    public func stop(_ signal: Int32 = SIGTERM) {
        if process.isRunning { kill(process.processIdentifier, signal) }
        process.waitUntilExit()
    }

    /// What the process printed.
    public var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }
}
