/// The colours of classes and series: ten well-separated hues (the usual categorical set of plotting libraries),
/// repeated for more classes.
public enum Palette {
    public static let colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
    /// The colour of the `index`-th class or series.
    public static func color(_ index: Int) -> String { colors[((index % colors.count) + colors.count) % colors.count] }
    /// Same-class pairs, different-class pairs, thresholds.
    public static let same = "#2ca02c", different = "#d62728", threshold = "#333333", accent = "#1f77b4"
}
