import Synchronization

/// The process-wide generator that layers use for their default initialisation.
///
/// Call ``seed(_:)`` once at start-up to make every `Linear(…)`, `Conv2d(…)` and so on reproducible,
/// or pass an explicit ``SeededGenerator`` where an API takes one. Code that runs beside other seeding code
/// (tests in parallel, several models built on different tasks) uses ``withSeed(_:_:)`` instead: its
/// generator belongs to the current task, so others cannot interleave draws with it.
public enum GlobalGenerator {
    private static let state = Mutex(SeededGenerator(seed: 0x5EED))

    /// A generator bound to one task by ``withSeed(_:_:)``.
    private final class Scoped: Sendable {
        let state: Mutex<SeededGenerator>
        init(seed: UInt64) { state = Mutex(SeededGenerator(seed: seed)) }
    }

    @TaskLocal private static var scoped: Scoped?

    /// Restarts the global sequence from `seed`.
    public static func seed(_ seed: UInt64) {
        state.withLock { $0 = SeededGenerator(seed: seed) }
    }

    /// Runs `body` with initialisation drawing from a fresh generator seeded with `seed` that only the current
    /// task (and its child tasks) sees.
    ///
    /// ```swift
    /// let model = GlobalGenerator.withSeed(42) { Sequential(Linear(4, 8), ReLU(), Linear(8, 2)) }
    /// ```
    public static func withSeed<T>(_ seed: UInt64, _ body: () throws -> T) rethrows -> T {
        try $scoped.withValue(Scoped(seed: seed)) { try body() }
    }

    /// Runs `body` with exclusive access to the generator in effect (the task's own, or the global one).
    public static func with<T: Sendable>(_ body: (inout SeededGenerator) -> T) -> T {
        if let scoped { return scoped.state.withLock { g in body(&g) } }
        return state.withLock { g in body(&g) }
    }
}
