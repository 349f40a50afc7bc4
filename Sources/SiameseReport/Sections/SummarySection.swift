/// The run at a glance: headline metrics, the model (parameters, encoder, distance, thresholds) and the recipe.
public struct SummarySection: ReportSection {
    public let id = "summary"
    public let title = "Summary"
    public let content: ReportContent
    public init(_ content: ReportContent) { self.content = content }

    /// The headline numbers (name, value), also used by the text summary.
    public var headline: [(String, String)] {
        var out: [(String, String)] = []
        if let v = content.verification, let m = try? v.metrics() {
            out.append(("ROC-AUC", String(format: "%.4f", m.rocAUC)))
            out.append(("equal error rate", Markup.percent(m.equalErrorRate)))
            out.append(("average precision", String(format: "%.4f", m.averagePrecision)))
            if let t = v.threshold { out.append(("accuracy at threshold", Markup.percent(v.accuracy(at: t)))) }
        }
        for f in content.fewShot { out.append((f.name, Markup.percent(f.accuracy))) }
        return out
    }

    public func body() -> String {
        var html = "<div class=\"cards\">" + headline.map {
            "<div class=\"card\"><div class=\"value\">\(Markup.escape($0.1))</div><div class=\"label\">\(Markup.escape($0.0))</div></div>"
        }.joined() + "</div>"
        if let m = content.model {
            var rows: [(String, String)] = [
                ("parameters", m.parameters.grouped()), ("encoder", m.encoder),
                ("embedding size", m.embeddingSize.map(String.init) ?? "–"),
                ("distance", m.distance + (m.greaterIsCloser ? " (similarity: larger is closer)" : " (smaller is closer)")),
                ("normalised embeddings", m.normalizesEmbeddings ? "yes" : "no"),
            ]
            for t in m.thresholds {
                rows.append(("threshold (\(t.rule))", String(format: "%@ %.4f — false accepts %@, false rejects %@ on %d calibration pairs",
                                                             m.greaterIsCloser ? "≥" : "≤", t.value, Markup.percent(t.falseAcceptRate),
                                                             Markup.percent(t.falseRejectRate), t.pairs)))
            }
            html += "<h3>Model</h3>" + HTML.table(rows)
        }
        if !content.settings.isEmpty {
            html += "<details><summary>Recipe (\(content.settings.count) settings)</summary>"
                + HTML.table(content.settings.map { ($0.name, $0.value) }) + "</details>"
        }
        html += content.notes.map(HTML.note).joined()
        return html
    }
}

extension Int {
    /// Thousands separated by thin spaces.
    func grouped() -> String {
        let digits = Array(String(abs(self)))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "\u{202F}" }
            out.append(d)
        }
        return (self < 0 ? "−" : "") + out
    }
}
