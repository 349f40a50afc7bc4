import SiameseCore

/// The reducers a recipe can name (kind "reducer"), usually as a loss's `reducer` parameter.
///
/// `mean`, `sum`, `threshold` (`low`, `high`: optional, strict bounds), `avg-non-zero`, `divisor`, `per-anchor`,
/// `multiple` (`reducers`: a mapping from a loss's term name to a reducer spec; `default`: reducer spec, `mean`).
public enum Reducers {
    /// Every built-in reducer by name.
    public static let registry: ComponentRegistry<any Reducer> = {
        let registry = ComponentRegistry<any Reducer>(kind: "reducer")
        registry.register("mean", summary: "mean of the entries (0 for none); no parameters") { _, _ in MeanReducer() }
        registry.register("sum", summary: "sum of the entries; no parameters") { _, _ in SumReducer() }
        registry.register("threshold", summary: "mean of the entries strictly inside (low, high); low, high optional (no bound)") { reader, _ in
            let low = try reader.optionalFloat("low"), high = try reader.optionalFloat("high")
            if let low, let high { try reader.check(low < high, "high", "high \(high) must be greater than low \(low)") }
            return ThresholdReducer(low: low, high: high)
        }
        registry.register("avg-non-zero", summary: "mean of the entries greater than 0; no parameters") { _, _ in AvgNonZeroReducer() }
        registry.register("divisor", summary: "sum divided by the term's own divisor; no parameters") { _, _ in DivisorReducer() }
        registry.register("per-anchor", summary: "mean per anchor, then over anchors; no parameters") { _, _ in PerAnchorReducer() }
        registry.register("multiple", summary: "one reducer per named sub-loss; reducers {termName: reducer}, default (mean)") { reader, context in
            var reducers: [String: any Reducer] = [:]
            if let value = reader.value("reducers") {
                guard case let .object(fields) = value else { throw reader.wrongType("reducers", expected: "a mapping from term names to reducers") }
                for (name, item) in fields.sorted(by: { $0.key < $1.key }) {
                    guard let spec = ComponentSpec(item) else { throw reader.wrongType("reducers", expected: "a reducer spec for '\(name)'") }
                    reducers[name] = try registry.make(spec, context: context)
                }
            }
            let fallback = try reader.optionalSpec("default").map { spec throws(RegistryError) -> any Reducer in try registry.make(spec, context: context) }
            return MultipleReducers(reducers, defaultReducer: fallback ?? MeanReducer())
        }
        return registry
    }()
}
