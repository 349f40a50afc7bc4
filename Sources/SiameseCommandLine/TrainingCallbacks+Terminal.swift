import SiameseTraining

extension TrainingCallbacks {
    /// A progress bar on standard error (unless `quiet`) and each log line echoed there.
    public static func terminal(quiet: Bool, unit: String) -> TrainingCallbacks {
        // The callbacks run on the training loop's thread, one at a time; the box only lets the closure mutate the bar.
        final class Bar { var bar: ProgressBar; init(_ b: ProgressBar) { bar = b } }
        var bar = ProgressBar(enabled: !quiet)
        bar.unit = unit
        let box = Bar(bar)
        return TrainingCallbacks(progress: { box.bar.update($0) }, log: { line in if !quiet { status("  " + line) } })
    }
}
