import Synchronization

/// The process-wide generator that layers use for their default initialisation.
///
/// Call ``seed(_:)`` once at start-up to make every `Linear(…)`, `Conv2d(…)` and so on reproducible,
/// or pass an explicit ``SeededGenerator`` where an API takes one.
public enum GlobalGenerator {
    private static let state = Mutex(SeededGenerator(seed: 0x5EED))

    /// Restarts the global sequence from `seed`.
    public static func seed(_ seed: UInt64) {
        state.withLock { $0 = SeededGenerator(seed: seed) }
    }

    /// Runs `body` with exclusive access to the global generator.
    public static func with<T: Sendable>(_ body: (inout SeededGenerator) -> T) -> T {
        state.withLock { g in body(&g) }
    }
}
