import CSiameseKernels
import Foundation
import Synchronization

/// A fixed set of worker threads that wait for chunked jobs.
///
/// Waking a parked worker costs microseconds, where `DispatchQueue.concurrentPerform` was measured at about
/// a millisecond per call on the 2-core Linux machines (which made every parallel elementwise op slower
/// than a single thread). Jobs are run one at a time; a job submitted from inside a worker, or while another
/// job runs, executes serially on the caller.
///
/// Parked threads wake through a futex, which took tens of microseconds on the project's virtual machines, as long
/// as a small matrix product itself. So a worker spins for a few tens of microseconds after each job before it
/// parks (training runs one parallel kernel after another), and the caller spins briefly while it waits for
/// workers to finish. The lock-protected state stays the source of truth; the atomics only say when to look.
final class WorkerPool: @unchecked Sendable {
    /// Pause instructions a worker spins before parking (about 50 µs), and the caller before waiting;
    /// `SIAMESEKIT_SPIN=0` turns spinning off (for comparisons).
    static let spinLimit = ProcessInfo.processInfo.environment["SIAMESEKIT_SPIN"].flatMap { Int($0) } ?? 3000
    static let shared = WorkerPool(workers: max(0, Threading.defaultCount - 1))

    private let condition = NSCondition()
    private var generation = 0
    private var job: ((Int) -> Void)?
    private var chunkCount = 0
    private var nextChunk = 0
    private var running = 0
    private var busy = false
    /// Mirrors of `generation` and `running` that spinning threads read without the lock.
    private let publishedGeneration = Atomic<Int>(0)
    private let runningCount = Atomic<Int>(0)
    let workerCount: Int

    init(workers: Int) {
        workerCount = workers
        for k in 0..<workers {
            // Workers keep their pool alive: a pool lives as long as the process (its threads never exit).
            let thread = Thread { self.workerLoop() }
            thread.name = "siamesekit-worker-\(k)"
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// Runs `body(chunk)` for `chunk` in `0..<chunks`, spreading chunks over the caller and the workers.
    func run(chunks: Int, _ body: (Int) -> Void) {
        condition.lock()
        if busy || chunks <= 1 || workerCount == 0 || Thread.current.name?.hasPrefix("siamesekit-worker") == true {
            condition.unlock()
            for c in 0..<chunks { body(c) }
            return
        }
        busy = true
        withoutActuallyEscaping(body) { escaping in
            job = escaping
            chunkCount = chunks
            nextChunk = 0
            generation += 1
            publishedGeneration.store(generation, ordering: .releasing)
            condition.broadcast()
            condition.unlock()
            // The caller works too.
            while let c = claim() { escaping(c) }
            // Withdraw the job under the lock, so no worker can pick it up from here on, then wait for the
            // workers that did (each holds a reference to the closure until it reports back).
            condition.lock()
            job = nil
            if running > 0 {
                condition.unlock()
                var spins = 0
                while runningCount.load(ordering: .acquiring) > 0 && spins < Self.spinLimit {
                    sk_cpu_relax()
                    spins += 1
                }
                condition.lock()
            }
            while running > 0 { condition.wait() }
            busy = false
            condition.unlock()
        }
    }

    /// The next unclaimed chunk, or `nil`.
    private func claim() -> Int? {
        condition.lock()
        defer { condition.unlock() }
        guard nextChunk < chunkCount else { return nil }
        nextChunk += 1
        return nextChunk - 1
    }

    private func workerLoop() {
        var seen = 0
        while true {
            work(after: &seen)
            finish()
        }
    }

    /// Waits for a new job; taking it and announcing this worker happen under one lock hold, so the caller
    /// either counts this worker as running or has already withdrawn the job.
    private func takeJob(after seen: inout Int) -> (Int) -> Void {
        var spins = 0
        while publishedGeneration.load(ordering: .acquiring) == seen && spins < Self.spinLimit {
            sk_cpu_relax()
            spins += 1
        }
        condition.lock()
        defer { condition.unlock() }
        while generation == seen || job == nil { condition.wait() }
        seen = generation
        running += 1
        runningCount.store(running, ordering: .releasing)
        return job!
    }

    /// Runs chunks of the next job. The closure reference is local to this (never inlined) function, so it
    /// is released before ``finish()`` tells the caller this worker is done.
    @inline(never)
    private func work(after seen: inout Int) {
        let job = takeJob(after: &seen)
        while let c = claim() { job(c) }
    }

    private func finish() {
        condition.lock()
        running -= 1
        runningCount.store(running, ordering: .releasing)
        // Wakes the waiting caller (workers woken by it see no new job and wait again).
        if running == 0 { condition.broadcast() }
        condition.unlock()
    }
}
