/// Why a report could not be made, naming the file or folder at fault.
public enum ReportError: Error, Equatable, CustomStringConvertible {
    /// The run folder does not exist or is not a folder.
    case notAFolder(path: String)
    /// A file the report needs is missing (`what` says what it holds).
    case missingFile(path: String, what: String)
    /// A file is there but cannot be read or decoded.
    case unreadable(path: String, reason: String)
    /// The run is of a kind the report does not know how to evaluate.
    case unsupportedRun(path: String, reason: String)
    /// Evaluating the run's model failed.
    case evaluationFailed(path: String, reason: String)
    /// The report could not be written.
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .notAFolder(p): return "report: \(p) is not a run folder (no such folder)"
        case let .missingFile(p, what): return "report: \(p) is missing (\(what))"
        case let .unreadable(p, r): return "report: cannot read \(p): \(r)"
        case let .unsupportedRun(p, r): return "report: \(p): \(r)"
        case let .evaluationFailed(p, r): return "report: evaluating the model of \(p) failed: \(r)"
        case let .writeFailed(p, r): return "report: cannot write \(p): \(r)"
        }
    }
}
