import ArgumentParser
import Foundation

/// Prints a line on standard error (human-facing status, kept off standard output for `--json`).
public func status(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// Prints `value` as one line of JSON with sorted keys on standard output (`--json`).
public func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// A runtime failure reported as one line (`Error: …`), without the usage text ArgumentParser adds to
/// validation errors.
public struct CommandFailure: Error, CustomStringConvertible {
    /// The line printed after `Error: `.
    public let description: String
    /// A failure that prints `description`.
    public init(description: String) { self.description = description }
}

/// Runs a command body, turning validation errors raised while running (bad files, damaged checkpoints)
/// into one-line failures.
public func reportingPlainly(_ body: () throws -> Void) throws {
    do { try body() } catch {
        throw plainFailure(error)
    }
}

/// The async twin of ``reportingPlainly(_:)``.
public func reportingPlainlyAsync(_ body: () async throws -> Void) async throws {
    do { try await body() } catch {
        throw plainFailure(error)
    }
}

/// `error` as a one-line ``CommandFailure``: library errors (recipes, data, model folders, training) describe
/// themselves in one line.
private func plainFailure(_ error: any Error) -> CommandFailure {
    if let error = error as? ValidationError { return CommandFailure(description: error.message) }
    if let error = error as? CommandFailure { return error }
    return CommandFailure(description: "\(error)")
}
