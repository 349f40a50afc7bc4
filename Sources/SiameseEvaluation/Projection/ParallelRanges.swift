import Dispatch
import SiameseCore

/// Splits `0..<count` into at most `Threading.threadCount` contiguous ranges of at least `minimum` items and runs
/// `body` on each, concurrently when there is more than one. Each range writes only its own outputs, so results do
/// not depend on the number of threads.
func parallelRanges(_ count: Int, minimum: Int = 64, _ body: @Sendable (Range<Int>) -> Void) {
    let parts = min(Threading.threadCount, count / max(minimum, 1))
    if parts <= 1 {
        if count > 0 { body(0..<count) }
        return
    }
    DispatchQueue.concurrentPerform(iterations: parts) { p in
        body((count * p / parts)..<(count * (p + 1) / parts))
    }
}

/// A raw buffer handed to `parallelRanges` bodies that write disjoint parts of it.
struct SharedBuffer<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
    @inline(__always) subscript(i: Int) -> T {
        get { base[i] }
        nonmutating set { base[i] = newValue }
    }
}

/// A read-only raw pointer handed to concurrent code.
struct UncheckedPointer<T>: @unchecked Sendable {
    let base: UnsafePointer<T>
}
