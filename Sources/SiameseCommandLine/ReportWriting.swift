import Foundation
import SiameseReport

/// Writes the report of a finished run for `train`, `evaluate` and `demo`; a failure is a warning, never the command's.
public func writeReport(run folder: URL, enabled: Bool) {
    guard enabled else { return }
    do {
        let (_, url) = try ReportDocument.write(run: folder)
        status("report: \(url.path)")
    } catch {
        status("warning: no report written: \(error)")
    }
}
