import Foundation
import SiameseNN

/// A run's report as one self-contained HTML file: inline CSS and SVG, thumbnails as `data:` URIs, no script and no
/// external resource, so it opens from disk anywhere. Hover titles are SVG `<title>` elements.
///
/// ```swift
/// let content = try RunReport.read(run: URL(fileURLWithPath: "runs/demo-omniglot-…"))
/// let report = ReportDocument(content)
/// try report.write(to: URL(fileURLWithPath: "runs/demo-omniglot-…/report.html"))
/// print(report.textSummary)
/// ```
public struct ReportDocument {
    public let content: ReportContent
    public let sections: [any ReportSection]

    /// The ids of every section, in order (what the browser check looks for).
    public static let sectionIDs = ["summary", "training", "roc", "precision-recall", "distances", "few-shot", "retrieval", "embedding", "mistakes"]

    public init(_ content: ReportContent) {
        self.content = content
        sections = [SummarySection(content), TrainingSection(content), VerificationSection(content), PrecisionRecallSection(content),
                    DistanceSection(content), FewShotSection(content), RetrievalSection(content), EmbeddingSection(content),
                    MistakesSection(content)]
    }

    /// The whole HTML document.
    public func html() -> String {
        let nav = sections.map { "<a href=\"#\(Markup.escape($0.id))\">\(Markup.escape($0.title))</a>" }.joined(separator: " ")
        return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
        <title>\(Markup.escape(content.title)) — SiameseKit report</title>
        <style>\(Self.css)</style>
        </head>
        <body>
        <header><h1>\(Markup.escape(content.title))</h1><p class="source">\(Markup.escape(content.source))</p><nav>\(nav)</nav></header>
        <main>
        \(sections.map { $0.html() }.joined(separator: "\n"))
        </main>
        <footer>Written by SiameseKit's <code>siamese report</code>.</footer>
        </body>
        </html>

        """
    }

    /// Writes the HTML to `url` atomically (a temporary file beside it, then a rename).
    /// - Throws: ``ReportError/writeFailed(path:reason:)``.
    public func write(to url: URL) throws {
        do { try AtomicFile.write(Data(html().utf8), to: url) } catch {
            throw ReportError.writeFailed(path: url.path, reason: "\(error)")
        }
    }

    /// Every plot as a standalone SVG file in `folder` (`roc.svg`, `det.svg`, …), each written atomically.
    /// - Returns: the files written.
    @discardableResult
    public func writePlots(to folder: URL) throws -> [URL] {
        var written: [URL] = []
        for section in sections {
            for plot in section.plots() {
                let url = folder.appendingPathComponent(plot.name + ".svg")
                do { try AtomicFile.write(Data(("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + plot.svg + "\n").utf8), to: url) } catch {
                    throw ReportError.writeFailed(path: url.path, reason: "\(error)")
                }
                written.append(url)
            }
        }
        return written
    }

    /// A few lines for the terminal: the headline metrics.
    public var textSummary: String {
        var lines = ["\(content.title)"]
        if let m = content.model {
            lines.append("  model: \(m.encoder), \(m.parameters.grouped()) parameters, \(m.distance) distance")
        }
        for (name, value) in SummarySection(content).headline { lines.append("  \(name): \(value)") }
        if let last = content.epochs.last {
            lines.append("  trained \(content.epochs.count) epochs" + (last.loss.map { String(format: ", final loss %.4f", $0) } ?? ""))
        }
        return lines.joined(separator: "\n")
    }

    static let css = """
    :root{--ink:#222;--muted:#666;--line:#ddd;--bg:#f7f7f5}
    *{box-sizing:border-box}
    body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--ink);background:var(--bg)}
    header{background:#fff;border-bottom:1px solid var(--line);padding:16px 28px 10px}
    h1{font-size:22px;margin:0 0 2px}
    .source{color:var(--muted);margin:0 0 8px;font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}
    nav a{color:#1f5fa0;text-decoration:none;margin-right:14px;font-size:13px;white-space:nowrap}
    main{padding:14px 28px 24px;max-width:1400px;display:grid;grid-template-columns:repeat(auto-fit,minmax(560px,1fr));gap:14px;align-items:start}
    section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:12px 18px 16px;min-width:0}
    #summary,#training,#roc,#embedding,#mistakes{grid-column:1/-1}
    h2{font-size:17px;margin:2px 0 10px}
    h3{font-size:14px;margin:14px 0 6px}
    .figures{display:flex;flex-wrap:wrap;gap:12px}
    figure{margin:0}
    svg.plot{display:block;max-width:100%;height:auto;font-family:system-ui,"DejaVu Sans",sans-serif}
    table{border-collapse:collapse;margin:8px 0;font-size:13px}
    td,th{border-bottom:1px solid #eee;padding:3px 12px 3px 0;text-align:left;vertical-align:top}
    th{color:var(--muted);font-weight:600}
    td:first-child{color:var(--muted);white-space:nowrap}
    table.fewshot td:first-child{white-space:normal}
    table.fewshot td{white-space:nowrap}
    section{overflow-x:auto}
    details{margin-top:10px}
    summary{cursor:pointer;color:#1f5fa0}
    .note{color:var(--muted);font-size:12.5px;margin:6px 0}
    .cards{display:flex;flex-wrap:wrap;gap:10px;margin-bottom:6px}
    .card{border:1px solid var(--line);border-radius:6px;padding:8px 14px;min-width:150px;background:#fbfbfa}
    .card .value{font-size:20px;font-weight:600}
    .card .label{color:var(--muted);font-size:12px}
    .interval{position:relative;width:150px;height:12px;background:#eee;border-radius:6px}
    .interval .range{position:absolute;top:0;height:12px;background:#9ec5e8;border-radius:6px}
    .interval .point{position:absolute;top:-2px;width:3px;height:16px;margin-left:-1px;background:#1f5fa0}
    ul.legend{list-style:none;padding:0;margin:8px 0;display:flex;flex-wrap:wrap;gap:4px 14px;font-size:12px}
    .swatch{display:inline-block;width:10px;height:10px;border-radius:5px;margin-right:5px}
    .pairs{display:flex;flex-wrap:wrap;gap:10px}
    .pair{display:flex;gap:6px;align-items:flex-start;border:1px solid var(--line);border-radius:6px;padding:6px;background:#fbfbfa}
    .pair .score{font-size:12px;color:var(--muted);align-self:center;min-width:70px}
    .thumb img{width:64px;height:64px;image-rendering:pixelated;border:1px solid #ccc;background:#fff;display:block}
    figcaption{font-size:10.5px;line-height:1.25;color:var(--muted);max-width:80px;overflow-wrap:anywhere;margin-top:2px}
    .sentence blockquote{margin:0;max-width:260px;font-size:12.5px}
    footer{color:var(--muted);font-size:12px;padding:0 28px 24px}
    """
}

extension ReportDocument {
    /// Reads and evaluates the run in `folder` and writes its report: `output` (default `folder/report.html`) and, when
    /// `plots` is given, every plot as an SVG file there.
    /// - Returns: the document and where it was written.
    /// - Throws: ``ReportError``.
    @discardableResult
    public static func write(run folder: URL, to output: URL? = nil, plots: URL? = nil,
                             options: RunReport.Options = RunReport.Options()) throws -> (document: ReportDocument, url: URL) {
        let document = ReportDocument(try RunReport.read(run: folder, options: options))
        let url = output ?? folder.appendingPathComponent("report.html")
        try document.write(to: url)
        if let plots { try document.writePlots(to: plots) }
        return (document, url)
    }
}
