/// The hardest mistakes at the chosen threshold: different-class pairs that look most alike (false accepts) and
/// same-class pairs that look least alike (false rejects), with thumbnails of the images (PNG `data:` URIs) or the
/// sentences.
public struct MistakesSection: ReportSection {
    public let id = "mistakes"
    public let title = "Hardest mistakes"
    public let content: ReportContent
    public init(_ content: ReportContent) { self.content = content }

    func item(_ index: Int) -> String {
        let items = content.items
        let name = index < items.names.count ? items.names[index] : "item \(index)"
        let label = index < items.labels.count ? items.className(items.labels[index]) : ""
        let caption = "<figcaption>\(Markup.escape(label))</figcaption>"
        if index < items.images.count {
            return "<figure class=\"thumb\"><img alt=\"\(Markup.escape(name))\" title=\"\(Markup.escape(name))\" src=\"\(PNGEncoder.dataURI(items.images[index]))\">\(caption)</figure>"
        }
        let text = index < items.sentences.count ? items.sentences[index] : name
        return "<figure class=\"sentence\" title=\"\(Markup.escape(name))\"><blockquote>\(Markup.escape(text))</blockquote>\(caption)</figure>"
    }

    func list(_ indices: [Int], _ v: PairScores) -> String {
        guard !indices.isEmpty else { return HTML.note("None at the chosen threshold.") }
        return "<div class=\"pairs\">" + indices.map { i in
            let p = v.pairs[i]
            return "<div class=\"pair\">\(item(p.first))\(item(p.second))<div class=\"score\">\(Markup.escape(v.scoreName)) \(Markup.escape(Markup.value(v.scores[i])))</div></div>"
        }.joined() + "</div>"
    }

    public func body() -> String {
        guard let v = content.verification else { return HTML.note("No pairs were scored for this run.") }
        let accepts = v.hardestFalseAccepts(content.mistakes), rejects = v.hardestFalseRejects(content.mistakes)
        let rule = v.threshold.map { "at \(v.scoreName) \(v.greaterIsCloser ? "≥" : "≤") \(Markup.value($0.value))" } ?? "(no threshold: the extremes)"
        return "<h3>False accepts: different classes judged the same \(Markup.escape(rule))</h3>" + list(accepts, v)
            + "<h3>False rejects: the same class judged different</h3>" + list(rejects, v)
    }
}
