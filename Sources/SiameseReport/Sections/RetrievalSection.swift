/// Retrieval metrics (recall@k, mAP@R, …) as a table, when the run measured them.
public struct RetrievalSection: ReportSection {
    public let id = "retrieval"
    public let title = "Retrieval"
    public let content: ReportContent
    public init(_ content: ReportContent) { self.content = content }

    public func body() -> String {
        guard !content.retrieval.isEmpty else { return HTML.note("This run measured no retrieval metrics.") }
        return HTML.table(content.retrieval.map { ($0.name, $0.value) }, header: ("metric", "value"))
    }
}
