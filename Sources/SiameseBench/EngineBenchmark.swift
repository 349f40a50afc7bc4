import Foundation
import SiameseCore
#if canImport(Accelerate)
import Accelerate
#else
import CBLAS
#endif

/// GEMM and conv2d throughput of the engine, next to OpenBLAS called directly and PyTorch (peer kit).
enum EngineBenchmark {
    /// The GEMM shapes of the peer kit's gemm.py: square 1024 and the reference networks' layers.
    static let gemmShapes: [(Int, Int, Int, String)] = [
        (1024, 1024, 1024, "square 1024"),
        (128, 800, 128, "tutorial fc1 fwd, batch 128"),
        (128, 128, 64, "tutorial fc2 fwd, batch 128"),
        (800, 128, 128, "tutorial fc1 weight-grad"),
        (86528, 9, 16, "tutorial conv1 im2col fwd"),
        (15488, 144, 32, "tutorial conv2 im2col fwd"),
        (8192, 144, 32, "reference 8192x144x32"),
        (144, 15488, 32, "tutorial conv2 weight-grad"),
        (15488, 32, 144, "tutorial conv2 input-grad"),
        (9216, 100, 64, "Koch conv1 im2col, 1 image"),
        (1764, 3136, 128, "Koch conv2 im2col, 1 image"),
        (64, 9216, 4096, "Koch fc 9216→4096, batch 64"),
    ]

    /// The conv shapes of the peer kit's conv.py: (name, N, Cin, H, W, Cout, k).
    static let convShapes: [(String, Int, Int, Int, Int, Int, Int)] = [
        ("tutorial conv1, 128 images", 128, 1, 28, 28, 16, 3),
        ("tutorial conv2, 128 images", 128, 16, 13, 13, 32, 3),
        ("tutorial conv1, 512 images", 512, 1, 28, 28, 16, 3),
        ("tutorial conv2, 512 images", 512, 16, 13, 13, 32, 3),
        ("Koch conv1, 64 images", 64, 1, 105, 105, 64, 10),
        ("Koch conv2, 64 images", 64, 64, 48, 48, 128, 7),
        ("Koch conv3, 64 images", 64, 128, 21, 21, 128, 4),
        ("Koch conv4, 64 images", 64, 128, 9, 9, 256, 4),
    ]

    static func run(threads: [Int], peers: PeerResults, only: String?, shape: String? = nil, reps: Int) {
        let wanted = { (text: String) in shape.map { text.contains($0) } ?? true }
        var g = SeededGenerator(seed: 0)
        if only == nil || only == "gemm" {
            emit("\n### GEMM (GFLOP/s, median of \(reps))\n")
            emit(row(["M×K×N", "what", "threads", "SiameseKit matmul", "OpenBLAS direct", "PyTorch", "numpy", "ours / OpenBLAS", "ours / PyTorch"]))
            emit(row(Array(repeating: "---", count: 9)))
            for t in threads {
                Threading.threadCount = t
                for (m, k, n, what) in gemmShapes where wanted("\(m)×\(k)×\(n) \(what)") {
                    let flop = 2.0 * Double(m * k * n) / 1e9
                    let a = Tensor.normal([m, k], generator: &g), b = Tensor.normal([k, n], generator: &g)
                    let c = UnsafeMutablePointer<Float>.allocate(capacity: m * n)
                    defer { c.deallocate() }
                    let pa = a.storage.pointer, pb = b.storage.pointer
                    // The baseline is OpenBLAS with its own threads (the engine keeps it single-threaded), timed in
                    // repetitions alternating with ours. After its calls, OpenBLAS's idle threads keep spinning for
                    // about 0.1 s and would take cores from the next repetition of ours: wait that out.
                    let (ours, direct) = measurePair(work: flop, reps: reps, { _ = matmul(a, b) },
                                                     enterB: { openblas_set_num_threads(Int32(t)) },
                                                     leaveB: { Threading.threadCount = t; if t > 1 { usleep(300_000) } }) {
                        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k),
                                    1, pa, Int32(k), pb, Int32(n), 0, c, Int32(n))
                    }
                    let key = "\(t) \(m)x\(k)x\(n)"
                    emit(row(["\(m)×\(k)×\(n)", what, "\(t)", fmt(ours.median), fmt(direct.median),
                               fmt(peers.torchGEMM[key]), fmt(peers.numpyGEMM[key]),
                               ratio(ours.median, direct.median), ratio(ours.median, peers.torchGEMM[key])]))
                }
            }
        }
        if only == nil || only == "conv" {
            emit("\n### conv2d (GFLOP/s, median of \(reps); forward+backward counts 3 passes, 2 for a first layer)\n")
            emit(row(["shape", "threads", "mode", "SiameseKit", "PyTorch", "ours / PyTorch"]))
            emit(row(Array(repeating: "---", count: 6)))
            for t in threads {
                Threading.threadCount = t
                for (name, n, cin, h, w, cout, k) in convShapes where wanted(name) {
                    let first = cin == 1
                    let flop = 2.0 * Double(n * cout * (h - k + 1) * (w - k + 1) * cin * k * k) / 1e9
                    let x = Tensor.normal([n, cin, h, w], generator: &g)
                    let weight = Parameter(Tensor.normal([cout, cin, k, k], generator: &g))
                    let bias = Parameter(Tensor.normal([cout], generator: &g))
                    let input = first ? x : x.requiringGrad()
                    let upstream = Tensor.normal([n, cout, h - k + 1, w - k + 1], generator: &g)
                    let fwd = measure(work: flop, reps: reps) {
                        _ = withNoGrad { x.conv2d(weight: weight.value, bias: bias.value) }
                    }
                    let both = measure(work: flop * (first ? 2 : 3), reps: reps) {
                        input.conv2d(weight: weight.value, bias: bias.value).backward(seed: upstream)
                        weight.zeroGrad(); bias.zeroGrad(); input.zeroGrad()
                    }
                    for (mode, st) in [("forward", fwd), ("forward+backward", both)] {
                        let peer = peers.torchConv["\(t) \(name) \(mode)"]
                        emit(row([name, "\(t)", mode, fmt(st.median), fmt(peer), ratio(st.median, peer)]))
                    }
                }
            }
        }
    }
}
