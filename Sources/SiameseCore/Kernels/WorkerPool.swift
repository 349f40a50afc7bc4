import Foundation

/// A fixed set of worker threads that wait for chunked jobs.
///
/// Waking a parked worker costs microseconds, where `DispatchQueue.concurrentPerform` was measured at about
/// a millisecond per call on the 2-core Linux machines (which made every parallel elementwise op slower
/// than a single thread). Jobs are run one at a time; a job submitted from inside a worker, or while another
/// job runs, executes serially on the caller.
final class WorkerPool: @unchecked Sendable {
    static let shared = WorkerPool(workers: max(0, Threading.defaultCount - 1))

    private let condition = NSCondition()
    private let done = NSCondition()
    private var generation = 0
    private var job: ((Int) -> Void)?
    private var chunkCount = 0
    private var nextChunk = 0
    private var running = 0
    private var busy = false
    let workerCount: Int

    init(workers: Int) {
        workerCount = workers
        for k in 0..<workers {
            let thread = Thread { [unowned self] in self.workerLoop() }
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
            running = 0
            generation += 1
            condition.broadcast()
            condition.unlock()
            // The caller works too, then waits for the workers still inside a chunk.
            while let c = claim() { escaping(c) }
            done.lock()
            while running > 0 { done.wait() }
            done.unlock()
            condition.lock()
            job = nil
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
            condition.lock()
            while generation == seen || job == nil { condition.wait() }
            seen = generation
            done.lock(); running += 1; done.unlock()
            condition.unlock()
            runClaimedChunks()
            done.lock()
            running -= 1
            if running == 0 { done.signal() }
            done.unlock()
        }
    }

    /// Runs chunks of the current job; the job reference is dropped on return, before the caller is told
    /// this worker is done (the job closure must not outlive `run`).
    private func runClaimedChunks() {
        condition.lock()
        let work = job
        condition.unlock()
        guard let work else { return }
        while let c = claim() { work(c) }
    }
}
