import Foundation

/// The HNSW index file, version 1 (all integers little-endian):
///
/// | bytes | field |
/// |---|---|
/// | 8 | magic `SKHNSW\r\n` |
/// | 4, 4 | version (1), metric (0 inner product, 1 cosine, 2 L2) |
/// | 8 × 4 | dimension, M, efConstruction, efSearch |
/// | 8 × 2 | seed, level-generator state |
/// | 8 × 4 | nodes, entry point (−1 when empty), top level, next id |
/// | nodes × dimension × 4 | vectors (float32) |
/// | nodes × 8, nodes × 1, nodes × 4 | labels (ids), deleted flags, levels |
/// | nodes × (2M + 1) × 4 | level-0 lists (count, then slots) |
/// | Σ levels × (M + 1) × 4 | upper-level lists, node by node |
/// | 8 | checksum: FNV-1a (64-bit) over the 8-byte words of everything before it, then its tail bytes |
enum HNSWFile {
    static let magic: [UInt8] = Array("SKHNSW\r\n".utf8)
    static let version: UInt32 = 1
    static let headerBytes = 8 + 4 + 4 + 8 * 4 + 8 * 2 + 8 * 4

    static func metricCode(_ m: IndexMetric) -> UInt32 {
        switch m {
        case .innerProduct: return 0
        case .cosine: return 1
        case .l2: return 2
        }
    }

    /// FNV-1a over 64-bit words (then the remaining bytes), fast enough for hundreds of megabytes.
    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        let prime: UInt64 = 0x0000_0100_0000_01B3
        let words = bytes.count / 8
        for i in 0..<words { h = (h ^ bytes.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)) &* prime }
        for i in (words * 8)..<bytes.count { h = (h ^ UInt64(bytes[i])) &* prime }
        return h
    }

    static func encode(_ index: HNSWIndex) -> [UInt8] {
        let g = index.graph, p = index.parameters
        var out: [UInt8] = []
        let nodes = g.count
        out.reserveCapacity(headerBytes + nodes * (g.dimension * 4 + 13 + g.linkStride0 * 4) + g.upperCount * 4 + 8)
        func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        out += magic
        put(version)
        put(metricCode(index.metric))
        for v in [g.dimension, p.M, p.efConstruction, p.efSearch] { put(Int64(v)) }
        put(p.seed)
        put(g.rngState)
        for v in [nodes, Int(g.entryPoint), g.maxLevel, index.nextID] { put(Int64(v)) }
        out.append(contentsOf: UnsafeRawBufferPointer(start: g.vectors, count: nodes * g.dimension * 4))
        for label in g.labels { put(Int64(label)) }
        out += g.deleted.map { $0 ? 1 : 0 }
        for level in g.levels { put(level) }
        out.append(contentsOf: UnsafeRawBufferPointer(start: g.links0, count: nodes * g.linkStride0 * 4))
        out.append(contentsOf: UnsafeRawBufferPointer(start: g.upperLinks, count: g.upperCount * 4))
        put(out.withUnsafeBytes { checksum($0) })
        return out
    }

    static func decode(_ data: Data, path: String) throws(IndexFileError) -> HNSWIndex {
        let result: Result<HNSWIndex, IndexFileError> = data.withUnsafeBytes { raw in
            do throws(IndexFileError) { return .success(try decode(raw, path: path)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    private static func decode(_ raw: UnsafeRawBufferPointer, path: String) throws(IndexFileError) -> HNSWIndex {
        guard raw.count >= magic.count, Array(raw[0..<magic.count]) == magic else {
            if raw.count < magic.count && Array(raw) == Array(magic.prefix(raw.count)) {
                throw .truncated(path: path, expected: headerBytes + 8, actual: raw.count)
            }
            throw .notAnIndex(path: path)
        }
        var offset = magic.count
        func need(_ n: Int, total: Int) throws(IndexFileError) {
            if offset + n > raw.count { throw .truncated(path: path, expected: total, actual: raw.count) }
        }
        func read<T: FixedWidthInteger>(_: T.Type) -> T {
            defer { offset += MemoryLayout<T>.size }
            return T(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: T.self))
        }
        try need(4, total: headerBytes + 8)
        let version = read(UInt32.self)
        guard version == Self.version else { throw .unsupportedVersion(path: path, version: version) }
        try need(headerBytes - offset, total: headerBytes + 8)
        let metricCode = read(UInt32.self)
        let dimension = Int(read(Int64.self)), M = Int(read(Int64.self))
        let efConstruction = Int(read(Int64.self)), efSearch = Int(read(Int64.self))
        let seed = read(UInt64.self), rngState = read(UInt64.self)
        let nodes = Int(read(Int64.self)), entry = Int(read(Int64.self)), maxLevel = Int(read(Int64.self))
        let nextID = Int(read(Int64.self))
        let metric: IndexMetric
        switch metricCode {
        case 0: metric = .innerProduct
        case 1: metric = .cosine
        case 2: metric = .l2
        default: throw .corrupt(path: path, field: "metric", reason: "has the unknown code \(metricCode)")
        }
        func bad(_ field: String, _ value: Int, _ reason: String) -> IndexFileError {
            .corrupt(path: path, field: field, reason: "= \(value) \(reason)")
        }
        guard dimension >= 1 && dimension <= 1 << 20 else { throw bad("dimension", dimension, "is out of range") }
        let parameters = HNSWParameters(M: M, efConstruction: efConstruction, efSearch: efSearch, seed: seed)
        do { try parameters.validate() } catch {
            throw .corrupt(path: path, field: "parameters", reason: "are invalid: \(error)")
        }
        guard nodes >= 0 && nodes <= (raw.count / (dimension * 4)) + 1 else {
            throw .truncated(path: path, expected: headerBytes + Swift.max(nodes, 0) * dimension * 4, actual: raw.count)
        }
        let stride0 = 2 * M + 1, strideUpper = M + 1
        let fixed = headerBytes + nodes * (dimension * 4 + 8 + 1 + 4 + stride0 * 4)
        try need(fixed - offset, total: fixed + 8)
        let vectorBytes = UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + nodes * dimension * 4)])
        offset += nodes * dimension * 4
        var labels = [Int](), deleted = [Bool](), levels = [Int32]()
        labels.reserveCapacity(nodes)
        for _ in 0..<nodes { labels.append(Int(read(Int64.self))) }
        for _ in 0..<nodes {
            let flag = raw[offset]
            offset += 1
            guard flag <= 1 else { throw bad("deleted flag", Int(flag), "is not 0 or 1") }
            deleted.append(flag == 1)
        }
        var upperSlots = 0
        for node in 0..<nodes {
            let level = read(Int32.self)
            guard level >= 0 && Int(level) <= maxLevel else { throw bad("level of node \(node)", Int(level), "is outside 0...\(maxLevel)") }
            levels.append(level)
            upperSlots += Int(level) * strideUpper
        }
        let links0 = UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + nodes * stride0 * 4)])
        offset += nodes * stride0 * 4
        let total = fixed + upperSlots * 4 + 8
        try need(upperSlots * 4 + 8, total: total)
        let upper = UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + upperSlots * 4)])
        offset += upperSlots * 4
        guard offset + 8 == raw.count else { throw .corrupt(path: path, field: "length", reason: "has \(raw.count - total) bytes past the checksum") }
        let stored = read(UInt64.self)
        guard stored == checksum(UnsafeRawBufferPointer(rebasing: raw[0..<(raw.count - 8)])) else { throw .checksumMismatch(path: path) }

        // Structure: a valid checksum does not prove a well-formed graph, so no link may point outside the nodes.
        guard (nodes == 0 && entry == -1 && maxLevel == -1) || (entry >= 0 && entry < nodes && Int(levels[entry]) == maxLevel) else {
            throw bad("entry point", entry, "does not match \(nodes) nodes at top level \(maxLevel)")
        }
        func checkList(_ list: UnsafeRawBufferPointer, at start: Int, capacity: Int, what: String) throws(IndexFileError) {
            let n = Int(Int32(littleEndian: list.loadUnaligned(fromByteOffset: start * 4, as: Int32.self)))
            guard n >= 0 && n <= capacity else { throw bad("\(what) count", n, "is outside 0...\(capacity)") }
            for j in 0..<n {
                let v = Int(Int32(littleEndian: list.loadUnaligned(fromByteOffset: (start + 1 + j) * 4, as: Int32.self)))
                guard v >= 0 && v < nodes else { throw bad("\(what) neighbour", v, "is not a node") }
            }
        }
        var upperStart = [Int](), slot = 0
        upperStart.reserveCapacity(nodes)
        for node in 0..<nodes {
            try checkList(links0, at: node * stride0, capacity: 2 * M, what: "level-0 list of node \(node):")
            upperStart.append(levels[node] > 0 ? slot : 0)
            for l in 0..<Int(levels[node]) {
                try checkList(upper, at: slot + l * strideUpper, capacity: M, what: "level-\(l + 1) list of node \(node):")
            }
            slot += Int(levels[node]) * strideUpper
        }
        var seen = Set<Int>()
        for node in 0..<nodes where !deleted[node] {
            guard seen.insert(labels[node]).inserted else { throw bad("id", labels[node], "is live twice") }
        }
        let graph = HNSWGraph(dimension: dimension, useL2: metric == .l2, M: M, efConstruction: efConstruction, seed: rngState)
        graph.restore(vectors: vectorBytes, links0: links0, upper: upper, nodes: nodes)
        graph.upperStart = upperStart
        graph.levels = levels
        graph.labels = labels
        graph.deleted = deleted
        graph.deletedCount = deleted.filter { $0 }.count
        graph.entryPoint = Int32(entry)
        graph.maxLevel = maxLevel
        return HNSWIndex(restoring: graph, metric: metric, parameters: parameters, nextID: nextID)
    }
}

extension HNSWIndex {
    /// Writes the index to `url` atomically: to a temporary file in the same folder, then renamed over `url`, so a
    /// reader sees the old file or the new one, never half of one. The format is ``HNSWFile``'s version 1 (header
    /// with magic, version and parameters; a checksum at the end).
    public func save(to url: URL) throws(IndexFileError) {
        let bytes = HNSWFile.encode(self)
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        do {
            try Data(bytes).write(to: temporary)
        } catch {
            throw .io(path: url.path, message: "cannot write \(temporary.path): \(error.localizedDescription)")
        }
        guard rename(temporary.path, url.path) == 0 else {
            let message = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw .io(path: url.path, message: "cannot rename the temporary file into place: \(message)")
        }
    }

    /// Reads an index written by ``save(to:)``.
    ///
    /// - Throws: ``IndexFileError``: `.io` (unreadable), `.notAnIndex`, `.unsupportedVersion`, `.truncated`,
    ///   `.checksumMismatch` or `.corrupt` (an impossible field, named).
    public static func load(from url: URL) throws(IndexFileError) -> HNSWIndex {
        let data: Data
        do { data = try Data(contentsOf: url, options: .mappedIfSafe) } catch {
            throw .io(path: url.path, message: "cannot read: \(error.localizedDescription)")
        }
        return try HNSWFile.decode(data, path: url.path)
    }
}
