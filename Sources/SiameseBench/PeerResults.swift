import Foundation

/// Figures read from the peer kit's raw JSON files (`$PEERS_OUT/raw/*.json`), measured in the same run.
struct PeerResults {
    /// torch GEMM GFLOP/s medians keyed by "threads MxKxN".
    var torchGEMM: [String: Double] = [:]
    /// numpy (its bundled OpenBLAS) GEMM GFLOP/s medians keyed the same way.
    var numpyGEMM: [String: Double] = [:]
    /// torch conv2d GFLOP/s medians keyed by "threads shape mode".
    var torchConv: [String: Double] = [:]

    init(directory: String?) {
        guard let directory else { return }
        if let gemm = Self.load("\(directory)/gemm_default_env.json") {
            for r in gemm {
                guard let lib = r["lib"] as? String, let t = r["threads"] as? Int, let m = r["M"] as? Int,
                      let k = r["K"] as? Int, let n = r["N"] as? Int,
                      let g = (r["gflops"] as? [String: Any])?["median"] as? Double else { continue }
                let key = "\(t) \(m)x\(k)x\(n)"
                if lib == "torch" { torchGEMM[key] = g } else { numpyGEMM[key] = g }
            }
        }
        if let conv = Self.load("\(directory)/conv.json") {
            for r in conv {
                guard let t = r["threads"] as? Int, let shape = r["shape"] as? String, let mode = r["mode"] as? String,
                      let g = (r["gflops"] as? [String: Any])?["median"] as? Double else { continue }
                torchConv["\(t) \(shape) \(mode)"] = g
            }
        }
    }

    private static func load(_ path: String) -> [[String: Any]]? {
        guard let data = FileManager.default.contents(atPath: path),
              let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return obj["results"] as? [[String: Any]]
    }
}
