/// N-way K-shot accuracies with their 95 % Wilson intervals, as a table with interval bars.
public struct FewShotSection: ReportSection {
    public let id = "few-shot"
    public let title = "N-way K-shot accuracy"
    public let content: ReportContent
    public init(_ content: ReportContent) { self.content = content }

    public func body() -> String {
        guard !content.fewShot.isEmpty else { return HTML.note("No few-shot episodes were evaluated for this run.") }
        var html = "<table class=\"fewshot\"><thead><tr><th>task</th><th>accuracy</th><th>95 % interval</th><th>trials</th><th></th></tr></thead><tbody>"
        for f in content.fewShot {
            let lo = Swift.max(0, Swift.min(1, f.low)), hi = Swift.max(lo, Swift.min(1, f.high)), a = Swift.max(0, Swift.min(1, f.accuracy))
            let bar = "<div class=\"interval\" title=\"\(Markup.escape("\(Markup.percent(f.low))–\(Markup.percent(f.high))"))\">"
                + "<span class=\"range\" style=\"left:\(Markup.coordinate(100 * lo))%;width:\(Markup.coordinate(100 * (hi - lo)))%\"></span>"
                + "<span class=\"point\" style=\"left:\(Markup.coordinate(100 * a))%\"></span></div>"
            html += "<tr><td>\(Markup.escape(f.name))</td><td>\(Markup.escape(Markup.percent(f.accuracy)))</td>"
                + "<td>\(Markup.escape(Markup.percent(f.low)))–\(Markup.escape(Markup.percent(f.high)))</td><td>\(f.trials)</td><td>\(bar)</td></tr>"
        }
        return html + "</tbody></table>"
    }
}
