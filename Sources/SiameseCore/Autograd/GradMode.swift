/// Whether operations record an autograd graph in the current task.
public enum GradMode {
    @TaskLocal static var enabled = true

    /// `true` unless inside ``withNoGrad(_:)``.
    public static var isEnabled: Bool { enabled }
}

/// Runs `body` without recording any graph: results carry no gradient nodes and keep no inputs alive.
///
/// Use it for inference and inside optimizers.
/// ```swift
/// let embeddings = withNoGrad { encoder(images) }
/// ```
public func withNoGrad<T>(_ body: () throws -> T) rethrows -> T {
    try GradMode.$enabled.withValue(false) { try body() }
}
