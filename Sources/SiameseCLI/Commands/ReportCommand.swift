import ArgumentParser
import Foundation
import SiameseCommandLine
import SiameseReport

/// `siamese report --run DIR`: the run's self-contained HTML report (and, on request, its plots as SVG files).
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a run's report: one self-contained HTML file with its curves, histograms, embedding maps and mistakes.",
        discussion: "The run's model is evaluated again on the run's evaluation data. `train`, `evaluate` and `demo` write the report at their end (unless --no-report)."
    )

    @Option(name: .customLong("run"), help: "Run folder written by `siamese train` or `siamese demo`.") var runFolder: String
    @Option(help: "HTML file to write (default: DIR/report.html).") var output: String?
    @Option(name: .customLong("svg"), help: "Also write every plot as a standalone SVG file into this folder.") var svg: String?
    @Flag(inversion: .prefixedNo, help: "Draw the t-SNE map (PCA is always drawn).") var tsne = true

    func run() throws { try reportingPlainly(execute) }

    private func execute() throws {
        var options = RunReport.Options()
        options.tsne = tsne
        let (document, url) = try ReportDocument.write(run: URL(fileURLWithPath: runFolder), to: output.map { URL(fileURLWithPath: $0) },
                                                       plots: svg.map { URL(fileURLWithPath: $0) }, options: options)
        print(document.textSummary)
        print("Report: \(url.path)" + (svg.map { " (plots in \($0))" } ?? ""))
    }
}
